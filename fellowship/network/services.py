"""Rules of the network: saving an entry (which confirms it), confirming, moderating, archiving the stale.

Functions flush, never commit. Every change is audited (``core.audit``), in English like the rest of the
trail.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from babel import localedata
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from fellowship.accounts.models import User
from fellowship.core import audit, clock, limits
from fellowship.core.rotation import take_turns
from fellowship.extensions import db
from fellowship.network import freshness, queries
from fellowship.network.enums import Category, EntryKind, ExchangeStatus, PairStatus, Payment
from fellowship.network.models import (
    EXCHANGE_HOURS_MAX,
    MEETING_MINUTES_MAX,
    Block,
    Entry,
    Exchange,
    LocalGroup,
    MentoringMeeting,
    MentoringPair,
    MentoringReflection,
)
from fellowship.network.search import fold
from fellowship.programs import services as programs
from fellowship.programs.enums import ProgramKind, Role
from fellowship.programs.models import Cohort, Membership, Program
from fellowship.programs.queries import current_membership_clause, role_in

MAX_SKILLS = 12
MAX_SKILL_LENGTH = 40
MAX_LANGUAGES = 10
LANGUAGE_CODE = re.compile(r"[a-z]{2,3}")
EDITABLE = ("kind", "category", "title", "description", "skills", "place", "languages", "published")


class NetworkError(ValueError):
    """An entry cannot be saved as given; the message is shown to the person."""


def may_edit(user: Any, entry: Entry) -> bool:
    """A person edits their own entries; an organisation's members edit its entries; admins edit all."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.is_admin:
        return True
    if entry.user_id is not None:
        return entry.user_id == user.id
    return entry.organization_id is not None and entry.organization_id == user.organization_id


def _refuse(problem: Any) -> None:
    if problem is not None:
        raise NetworkError(problem)


def clean_skills(skills: Iterable[str]) -> list[str]:
    """Trimmed, without repeats (compared folded), at most ``MAX_SKILLS`` of at most ``MAX_SKILL_LENGTH``
    characters. A ``|`` separates skills, like a new item (``WordList`` stores them between bars)."""
    kept: dict[str, str] = {}
    for typed in skills:
        for part in str(typed).split("|"):
            word = " ".join(part.split())
            _refuse(limits.text_problem(word))
            if len(word) > MAX_SKILL_LENGTH:
                raise NetworkError(_l("Each item may have at most %(n)d characters.", n=MAX_SKILL_LENGTH))
            if word:
                kept.setdefault(fold(word), word)
    if len(kept) > MAX_SKILLS:
        raise NetworkError(_l("At most %(n)d items.", n=MAX_SKILLS))
    return list(kept.values())


def clean_languages(languages: Iterable[str]) -> list[str]:
    codes = list(dict.fromkeys(str(code).strip().lower().replace("-", "_") for code in languages if code))
    for code in codes:
        if not LANGUAGE_CODE.fullmatch(code) or not localedata.exists(code):
            raise NetworkError(_l("Unknown language code: %(code)s.", code=code))
    if len(codes) > MAX_LANGUAGES:
        raise NetworkError(_l("At most %(n)d items.", n=MAX_LANGUAGES))
    return codes


def search_text(title: str, skills: Iterable[str], place: str, description: str) -> str:
    """What the index searches: title first (``search`` ranks earlier matches higher), then skills, place
    and description, folded. A skill key such as ``in_kind`` is searched as its words."""
    parts = [title, " ".join(skill.replace("_", " ") for skill in skills), place, description]
    return fold("\n".join(parts))


def _cleaned(values: dict[str, Any]) -> dict[str, Any]:
    unknown = set(values) - set(EDITABLE)
    if unknown:
        raise TypeError(f"not editable: {', '.join(sorted(unknown))}")
    cleaned = dict(values)
    if "kind" in cleaned:
        cleaned["kind"] = EntryKind(cleaned["kind"])
    if "category" in cleaned:
        cleaned["category"] = Category(cleaned["category"])
    for name, multiline in (("title", False), ("place", False), ("description", True)):
        if name in cleaned:
            text = str(cleaned[name]).strip() if multiline else " ".join(str(cleaned[name]).split())
            _refuse(limits.text_problem(text, multiline, limits.column_length(getattr(Entry, name))))
            cleaned[name] = text
    if cleaned.get("title") == "":
        raise NetworkError(_l("Give the entry a title."))
    if "skills" in cleaned:
        cleaned["skills"] = clean_skills(cleaned["skills"])
    if "languages" in cleaned:
        cleaned["languages"] = clean_languages(cleaned["languages"])
    if "published" in cleaned:
        cleaned["published"] = bool(cleaned["published"])
    return cleaned


def save_entry(entry: Entry, actor_id: int | None, **values: Any) -> Entry:
    """Create ``entry`` (a new ``Entry`` naming its owner) or change it, and confirm it.

    A new person's entry stays unpublished unless ``published=True`` is given; a new organisation's entry
    is published unless ``published=False``. Saving confirms the entry and brings an archived one back.
    """
    new = entry.id is None
    cleaned = _cleaned(values)
    if new:
        if (entry.organization_id is None) == (entry.user_id is None):
            raise TypeError("an entry belongs to exactly one organisation or one person")
        missing = {"kind", "category", "title"} - set(cleaned)
        if missing:
            raise TypeError(f"a new entry needs {', '.join(sorted(missing))}")
        cleaned.setdefault("published", entry.organization_id is not None)
        changes = {name: [None, value] for name, value in cleaned.items()}
    else:
        changes = audit.diff(entry, cleaned)
    for name, value in cleaned.items():
        setattr(entry, name, value)
    now = clock.now()
    entry.confirmed_at = now
    entry.archived_at = None
    reindex(entry)
    if new:
        db.session.add(entry)
    db.session.flush()
    audit.record(actor_id, entry, "created" if new else "edited", changes)
    return entry


def reindex(entry: Entry) -> None:
    """Write the derived columns (``search_text``, ``skill_keys``, ``place_key``) from the entry's text."""
    skills = entry.skills or []
    entry.search_text = search_text(entry.title, skills, entry.place or "", entry.description or "")
    entry.skill_keys = list(dict.fromkeys(fold(skill.replace("_", " ")) for skill in skills))
    entry.place_key = fold(entry.place or "")


def confirm(entry: Entry, actor_id: int | None) -> None:
    """The owner says the entry is still true: it is fresh again (and back from the archive)."""
    entry.confirmed_at = clock.now()
    entry.archived_at = None
    audit.record(actor_id, entry, "confirmed")
    db.session.flush()


def hide(entry: Entry, reason: str, actor_id: int) -> None:
    """An administrator takes an entry out of the network; the owner sees it was hidden, and why."""
    reason = " ".join(reason.split())
    if not reason:
        raise NetworkError(_l("Say why the entry is hidden."))
    _refuse(limits.text_problem(reason, max_length=limits.column_length(Entry.hidden_reason)))
    entry.hidden_at = clock.now()
    entry.hidden_reason = reason
    entry.hidden_by_id = actor_id
    audit.record(actor_id, entry, "hidden", {"hidden_reason": ["", reason]})
    db.session.flush()


def unhide(entry: Entry, actor_id: int) -> None:
    if entry.hidden_at is None:
        return
    audit.record(actor_id, entry, "unhidden", {"hidden_reason": [entry.hidden_reason, ""]})
    entry.hidden_at = None
    entry.hidden_reason = ""
    entry.hidden_by_id = None
    db.session.flush()


def archive_stale(now: dt.datetime | None = None, months: int | None = None) -> int:
    """Archive the entries left unconfirmed past ``freshness.archive_cutoff``; returns how many."""
    cutoff = freshness.archive_cutoff(now or clock.now(), months or freshness.confirm_months())
    stale = list(
        db.session.scalars(
            sa.select(Entry.id)
            .where(Entry.archived_at.is_(None), Entry.confirmed_at < cutoff)
            .order_by(Entry.id)
        )
    )
    if not stale:
        return 0
    at = now or clock.now()
    db.session.execute(sa.update(Entry).where(Entry.id.in_(stale)).values(archived_at=at))
    for entry_id in stale:
        audit.record_for(None, Entry.__tablename__, entry_id, "archived")
    db.session.flush()
    return len(stale)


# --- asking for help, and exchanges ------------------------------------------------------------------------


def on_helper_side(user: Any, exchange: Exchange) -> bool:
    """The offer's side: the person who offered it, or any member of the organisation that did."""
    if exchange.owner_user_id is not None:
        return exchange.owner_user_id == user.id
    return user.organization_id is not None and user.organization_id == exchange.owner_organization_id


def may_see(user: Any, exchange: Exchange) -> bool:
    """The two sides, and administrators (who moderate)."""
    return bool(user.is_admin) or exchange.asker_id == user.id or on_helper_side(user, exchange)


def _message(text: str, required: Any, column: Any) -> str:
    text = (text or "").strip()
    if required is not None and not text:
        raise NetworkError(required)
    _refuse(limits.text_problem(text, True, limits.column_length(column)))
    return text


def own(user: Any, entry: Entry) -> bool:
    """The person's own entry, or their organisation's (administrators' too: ``may_edit`` is wider)."""
    return entry.user_id == user.id or (
        entry.organization_id is not None and entry.organization_id == user.organization_id
    )


def _blocked(entry: Entry, asker_id: int) -> bool:
    owner = (
        Block.owner_user_id == entry.user_id
        if entry.user_id is not None
        else Block.owner_organization_id == entry.organization_id
    )
    return bool(db.session.scalar(sa.select(sa.exists().where(owner, Block.blocked_id == asker_id))))


def ask(entry: Entry, asker: Any, message: str) -> Exchange:
    """A member asks an offer's side for help with a short message. Refused for one's own offers, for a
    side that blocked the asker, and while the asker's earlier request for the same offer is still open."""
    if entry.kind is not EntryKind.OFFER:
        raise NetworkError(_l("Only offers can be asked for help."))
    if own(asker, entry):
        raise NetworkError(_l("This is your own offer."))
    if _blocked(entry, asker.id):
        raise NetworkError(_l("This offer does not take requests from you."))
    pending = sa.exists().where(
        Exchange.entry_id == entry.id,
        Exchange.asker_id == asker.id,
        Exchange.status.in_([ExchangeStatus.REQUESTED, ExchangeStatus.AGREED]),
    )
    if db.session.scalar(sa.select(pending)):
        raise NetworkError(
            _l("You already asked for this help: your request is under Requests and exchanges.")
        )
    text = _message(message, _l("Say what you need help with."), Exchange.message)
    exchange = Exchange(
        entry_id=entry.id,
        entry_title=entry.title,
        asker_id=asker.id,
        asker_organization_id=asker.organization_id,
        owner_user_id=entry.user_id,
        owner_organization_id=entry.organization_id,
        message=text,
        status=ExchangeStatus.REQUESTED,
        asked_at=clock.now(),
    )
    db.session.add(exchange)
    db.session.flush()
    audit.record(asker.id, exchange, "asked")
    return exchange


def _moved(exchange: Exchange, expected: ExchangeStatus, **values: Any) -> bool:
    """Change the exchange only if it is still in ``expected`` state: two members of an organisation
    answering at once, or an answer racing a withdrawal, change it once."""
    changed = db.session.execute(
        sa.update(Exchange)
        .where(Exchange.id == exchange.id, Exchange.status == expected)
        .values(**values)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(exchange)
    return bool(changed)


def accept(
    exchange: Exchange,
    helper: Any,
    agreed_help: str,
    expectations: str,
    due_on: dt.date | None,
    payment: Payment,
    answer: str = "",
) -> None:
    """The offer's side accepts, writing down what was agreed: the help, the expectations on both sides,
    by when, and whether it is paid or in kind. From now on both sides see each other's contact details."""
    if not on_helper_side(helper, exchange):
        raise NetworkError(_l("Only the offer's side can answer this request."))
    values = {
        "agreed_help": _message(agreed_help, _l("Say what help was agreed."), Exchange.agreed_help),
        "expectations": _message(expectations, None, Exchange.expectations),
        "answer": _message(answer, None, Exchange.answer),
        "due_on": due_on,
        "payment": Payment(payment),
    }
    organization = exchange.owner_organization_id or helper.organization_id
    if not _moved(
        exchange,
        ExchangeStatus.REQUESTED,
        status=ExchangeStatus.AGREED,
        answered_at=clock.now(),
        helper_id=helper.id,
        helper_organization_id=organization,
        **values,
    ):
        raise NetworkError(_l("This request was already answered or withdrawn."))
    audit.record(helper.id, exchange, "accepted", {"payment": [None, values["payment"].value]})


def decline(exchange: Exchange, helper: Any, answer: str) -> None:
    if not on_helper_side(helper, exchange):
        raise NetworkError(_l("Only the offer's side can answer this request."))
    text = _message(answer, None, Exchange.answer)
    if not _moved(
        exchange,
        ExchangeStatus.REQUESTED,
        status=ExchangeStatus.DECLINED,
        answered_at=clock.now(),
        helper_id=helper.id,
        answer=text,
    ):
        raise NetworkError(_l("This request was already answered or withdrawn."))
    audit.record(helper.id, exchange, "declined")


def withdraw(exchange: Exchange, asker: Any) -> None:
    if exchange.asker_id != asker.id:
        raise NetworkError(_l("Only the person who asked can withdraw the request."))
    if not _moved(exchange, ExchangeStatus.REQUESTED, status=ExchangeStatus.WITHDRAWN):
        raise NetworkError(_l("This request was already answered or withdrawn."))
    audit.record(asker.id, exchange, "withdrawn")


def mark_done(exchange: Exchange, user: Any, hours: float | None) -> bool:
    """One side says the exchange is done: the helper side with the hours it gave. The exchange is done,
    and counts, when both sides have said so; says whether it is now done. Both sides marking at the same
    moment still finish it: one statement sets a side's mark and, if the other's is there, the status."""
    helper = on_helper_side(user, exchange)
    if exchange.status is not ExchangeStatus.AGREED:
        raise NetworkError(_l("Only an agreed exchange can be marked done."))
    if not helper and exchange.asker_id != user.id:
        raise NetworkError(_l("Only the two sides of the exchange can mark it done."))
    now = clock.now()
    if helper:
        if hours is None or not 0 < hours <= EXCHANGE_HOURS_MAX:
            raise NetworkError(_l("Say how many hours the help took, up to %(max)d.", max=EXCHANGE_HOURS_MAX))
        mine, other, extra = Exchange.helper_done_at, Exchange.asker_done_at, {"hours": hours}
    else:
        mine, other, extra = Exchange.asker_done_at, Exchange.helper_done_at, {}
    finishing = other.is_not(None)
    db.session.execute(
        sa.update(Exchange)
        .where(Exchange.id == exchange.id, Exchange.status == ExchangeStatus.AGREED)
        .values(
            {
                mine: now,
                Exchange.status: sa.case((finishing, ExchangeStatus.DONE.value), else_=Exchange.status),
                Exchange.completed_on: sa.case((finishing, now.date()), else_=Exchange.completed_on),
                **{getattr(Exchange, k): v for k, v in extra.items()},
            }
        )
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(exchange)
    audit.record(user.id, exchange, "marked done", {"hours": [None, hours]} if helper else None)
    return exchange.status is ExchangeStatus.DONE


def block(exchange: Exchange, user: Any) -> Block:
    """The offer's side refuses further requests from the exchange's asker (and declines this one if it is
    still waiting). One row per pair."""
    if not on_helper_side(user, exchange):
        raise NetworkError(_l("Only the offer's side can block the person who asked."))
    owner = (
        {"owner_user_id": exchange.owner_user_id}
        if exchange.owner_user_id is not None
        else {"owner_organization_id": exchange.owner_organization_id}
    )
    found = db.session.scalar(sa.select(Block).filter_by(blocked_id=exchange.asker_id, **owner))
    if found is None:
        found = Block(blocked_id=exchange.asker_id, blocked_by_id=user.id, created_at=clock.now(), **owner)
        db.session.add(found)
        db.session.flush()
        audit.record(user.id, found, "blocked")
    if exchange.status is ExchangeStatus.REQUESTED:
        decline(exchange, user, "")
    return found


def may_unblock(user: Any, found: Block) -> bool:
    if found.owner_user_id is not None:
        return found.owner_user_id == user.id
    return user.organization_id is not None and user.organization_id == found.owner_organization_id


def unblock(found: Block, user: Any) -> None:
    audit.record(user.id, found, "unblocked")
    db.session.delete(found)
    db.session.flush()


# --- mentoring ----------------------------------------------------------------------------------------------


def _fellow_of(user_id: int, cohort_id: int, today: dt.date) -> bool:
    role = db.session.scalar(role_in(user_id, cohort_id, today))
    return role is Role.FELLOW


def _is_mentor(user_id: int) -> bool:
    offers = sa.select(Entry.id).where(Entry.user_id == user_id, queries.mentoring_offer_clause())
    return bool(db.session.scalar(sa.select(offers.exists())))


def _check_pair(cohort_id: int, mentor_id: int, mentee_id: int, today: dt.date) -> None:
    if mentor_id == mentee_id:
        raise NetworkError(_l("A mentor and a fellow are two people."))
    if not _is_mentor(mentor_id):
        raise NetworkError(_l("Choose someone who offers mentoring in the network."))
    if not _fellow_of(mentee_id, cohort_id, today):
        raise NetworkError(_l("Choose one of the cohort's fellows."))
    if db.session.scalar(queries.open_pair(mentor_id, mentee_id)) is not None:
        raise NetworkError(_l("These two are already paired, or the request is waiting for an answer."))


def pair(cohort_id: int, mentor_id: int, mentee_id: int, actor_id: int, today: dt.date) -> MentoringPair:
    """A facilitator pairs a mentor (someone with a published mentoring offer) with a fellow of the cohort:
    the pair is under way at once, since the mentor offered."""
    _check_pair(cohort_id, mentor_id, mentee_id, today)
    now = clock.now()
    made = MentoringPair(
        cohort_id=cohort_id,
        mentor_id=mentor_id,
        mentee_id=mentee_id,
        status=PairStatus.ACTIVE,
        created_at=now,
        created_by_id=actor_id,
        started_at=now,
    )
    db.session.add(made)
    db.session.flush()
    audit.record(actor_id, made, "paired")
    return made


def ask_mentor(entry: Entry, fellow: Any, cohort_id: int, message: str, today: dt.date) -> MentoringPair:
    """A fellow asks the person behind a mentoring offer to mentor them; the mentor accepts or declines."""
    if entry.user_id is None or entry.category is not Category.MENTORING or entry.kind is not EntryKind.OFFER:
        raise NetworkError(_l("Only a person's mentoring offer can be asked for mentoring."))
    _check_pair(cohort_id, entry.user_id, fellow.id, today)
    text = _message(message, None, MentoringPair.message)
    made = MentoringPair(
        cohort_id=cohort_id,
        mentor_id=entry.user_id,
        mentee_id=fellow.id,
        status=PairStatus.PROPOSED,
        message=text,
        created_at=clock.now(),
        created_by_id=fellow.id,
    )
    db.session.add(made)
    db.session.flush()
    audit.record(fellow.id, made, "asked")
    return made


def _pair_moved(found: MentoringPair, expected: PairStatus, **values: Any) -> bool:
    changed = db.session.execute(
        sa.update(MentoringPair)
        .where(MentoringPair.id == found.id, MentoringPair.status == expected)
        .values(**values)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(found)
    return bool(changed)


def answer_mentoring(found: MentoringPair, mentor: Any, accept: bool) -> None:
    if found.mentor_id != mentor.id:
        raise NetworkError(_l("Only the mentor answers this request."))
    values: dict[str, Any] = (
        {"status": PairStatus.ACTIVE, "started_at": clock.now()}
        if accept
        else {"status": PairStatus.DECLINED}
    )
    if not _pair_moved(found, PairStatus.PROPOSED, **values):
        raise NetworkError(_l("This request was already answered."))
    audit.record(mentor.id, found, "accepted" if accept else "declined")


def log_meeting(
    found: MentoringPair, user: Any, held_on: dt.date, minutes: int, notes: str, today: dt.date
) -> MentoringMeeting:
    """Either side logs a meeting of the pair: the day, how long, and notes that only the pair reads."""
    if not found.in_pair(user):
        raise NetworkError(_l("Only the mentor and the fellow log their meetings."))
    if found.status is not PairStatus.ACTIVE:
        raise NetworkError(_l("Meetings are logged while the mentoring is under way."))
    if held_on > today:
        raise NetworkError(_l("Log a meeting once it has taken place."))
    if not 0 < minutes <= MEETING_MINUTES_MAX:
        raise NetworkError(_l("Between 1 and %(max)d minutes.", max=MEETING_MINUTES_MAX))
    meeting = MentoringMeeting(
        pair_id=found.id,
        held_on=held_on,
        minutes=minutes,
        notes=_message(notes, None, MentoringMeeting.notes),
        logged_by_id=user.id,
        logged_at=clock.now(),
    )
    db.session.add(meeting)
    db.session.flush()
    return meeting


def reflect(found: MentoringPair, user: Any, text: str, end: bool = False) -> MentoringReflection:
    """A side's short reflection on the mentoring, which ``end`` ends (either side may): read by its author
    and the cohort's facilitators only. One per side."""
    if not found.in_pair(user):
        raise NetworkError(_l("Only the mentor and the fellow write a reflection."))
    text = _message(text, _l("Write a few words on how the mentoring went."), MentoringReflection.text)
    if end:
        if not _pair_moved(found, PairStatus.ACTIVE, status=PairStatus.ENDED, ended_at=clock.now()):
            raise NetworkError(_l("Only mentoring under way can be ended."))
        audit.record(user.id, found, "ended")
    elif found.status is not PairStatus.ENDED:
        raise NetworkError(_l("A reflection is written when the mentoring ends."))
    written = MentoringReflection(pair_id=found.id, author_id=user.id, text=text, written_at=clock.now())
    try:
        with db.session.begin_nested():
            db.session.add(written)
    except IntegrityError as error:
        raise NetworkError(_l("You have already written your reflection.")) from error
    return written


# --- local groups -------------------------------------------------------------------------------------------

GROUPS_PROGRAM = "Co-op network local groups"
GROUP_YEARS = 10
"""A local group has no end: its cohort runs for ten years, and an administrator may change the dates."""


def champion_by_email(email: str) -> Any:
    """The active account a new group's champion is named by (addresses compare without case)."""
    found = db.session.scalar(sa.select(User).where(sa.func.lower(User.email) == email.strip().lower()))
    if found is None or not found.active:
        raise NetworkError(_l("Nobody with an active account has that address."))
    return found


def create_group(
    name: str, place: str, timezone: str, champion: Any, actor_id: int, today: dt.date
) -> Cohort:
    """A new local group: a cohort of the network's local-groups program (made on first use), in a place,
    its champion its facilitator."""
    name = " ".join((name or "").split())
    place = " ".join((place or "").split())
    if not name:
        raise NetworkError(_l("Name the local group."))
    _refuse(limits.text_problem(name, max_length=200))
    _refuse(limits.text_problem(place, max_length=limits.column_length(LocalGroup.place)))
    program = db.session.scalar(sa.select(Program).where(Program.kind == ProgramKind.LOCAL_GROUPS).limit(1))
    if program is None:
        program = programs.create_program(GROUPS_PROGRAM, ProgramKind.LOCAL_GROUPS, timezone)
    if db.session.scalar(sa.select(Cohort.id).where(Cohort.program_id == program.id, Cohort.name == name)):
        raise NetworkError(_l("There is already a local group of that name."))
    ends = today + dt.timedelta(days=365 * GROUP_YEARS)
    cohort = programs.create_cohort(program, name, today, ends, timezone)
    db.session.add(LocalGroup(cohort_id=cohort.id, place=place, champion_id=champion.id))
    programs.add_member(cohort, champion, Role.FACILITATOR, today, actor_id)
    db.session.flush()
    audit.record(actor_id, cohort, "local group", {"place": [None, place], "champion": [None, champion.id]})
    return cohort


def join_group(cohort: Cohort, user: Any, today: dt.date) -> None:
    """Any member of the network joins a local group as a member (invited from then on to its meetups)."""
    try:
        programs.add_member(cohort, user, Role.FELLOW, today, user.id)
    except programs.ProgramError as error:
        raise NetworkError(_l("You are already in this local group.")) from error


def leave_group(cohort: Cohort, user: Any, today: dt.date) -> None:
    found = db.session.scalar(
        sa.select(Membership).where(
            Membership.cohort_id == cohort.id,
            Membership.user_id == user.id,
            Membership.role == Role.FELLOW,
            current_membership_clause(today),
        )
    )
    if found is None:
        raise NetworkError(_l("You are not a member of this local group."))
    programs.update_membership(found, found.role, found.joined_on, max(today, found.joined_on), user.id)


def meetup_host(meetup: Any, today: dt.date, meetups: Sequence[Any] | None = None) -> Any:
    """Who hosts a meetup: the group's members take turns in the order they joined, one meetup after
    another. ``meetups`` are the group's (``queries.meetups``) when the caller has read them already."""
    members = db.session.scalars(queries.group_members(meetup.cohort_id, today)).all()
    if meetups is None:
        meetups = db.session.scalars(queries.meetups(meetup.cohort_id)).all()
    return take_turns(meetups, members, {}).get(meetup.id)
