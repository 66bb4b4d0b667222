"""Event rules: times in the event's timezone, automatic invitations, guests, RSVPs with a waitlist,
agendas from templates. Functions flush, never commit."""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l

from fellowship.accounts.services import new_token, token_digest
from fellowship.core import audit, clock, limits, signals
from fellowship.events.enums import EventKind, Rsvp
from fellowship.events.models import MAX_EVENT_DAYS, AgendaItem, Event, EventInvitation
from fellowship.extensions import db
from fellowship.programs.models import Cohort, Membership
from fellowship.programs.queries import current_membership_clause

MAX_GUESTS_PER_PASTE = 500
GUEST_NAME_LENGTH = limits.column_length(EventInvitation.name) or 200


class EventError(ValueError):
    """A rule of the events domain was broken; the message is shown to the user."""


def to_utc(local: dt.datetime, timezone: str) -> dt.datetime:
    """A wall-clock time in ``timezone`` as UTC; refuses times that do not exist (the hour skipped when
    clocks go forward). Ambiguous times (the hour repeated when clocks go back) are read as the first one."""
    zone = ZoneInfo(timezone)
    aware = local.replace(tzinfo=zone, fold=0)
    utc = aware.astimezone(dt.UTC)
    if utc.astimezone(zone).replace(tzinfo=None) != local.replace(tzinfo=None):
        raise EventError(
            _l(
                "%(time)s does not exist in %(zone)s: the clocks change then.",
                time=local.strftime("%Y-%m-%d %H:%M"),
                zone=timezone,
            )
        )
    return utc


def to_local(moment: dt.datetime, timezone: str) -> dt.datetime:
    return moment.astimezone(ZoneInfo(timezone)).replace(tzinfo=None)


@dataclass
class EventFields:
    kind: EventKind
    title: str
    description: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    timezone: str
    venue: str = ""
    online_link: str = ""
    capacity: int | None = None
    speakers: str = ""

    def check(self) -> None:
        if self.ends_at <= self.starts_at:
            raise EventError(_l("The event must end after it starts."))
        first = to_local(self.starts_at, self.timezone).date()
        last = to_local(self.ends_at - dt.timedelta(microseconds=1), self.timezone).date()
        if (last - first).days >= MAX_EVENT_DAYS:
            raise EventError(
                _l(
                    "An event lasts at most %(n)d days: split a longer one into several events.",
                    n=MAX_EVENT_DAYS,
                )
            )
        if self.capacity is not None and self.capacity < 1:
            raise EventError(_l("The capacity must be at least 1, or empty for no limit."))


def create_event(cohort: Cohort, fields: EventFields, actor_id: int | None) -> Event:
    fields.check()
    event = Event(cohort=cohort, **vars(fields))
    db.session.add(event)
    db.session.flush()
    invite_members(event)
    audit.record(actor_id, event, "created")
    return event


NOTIFIED_FIELDS = ("title", "starts_at", "ends_at", "timezone", "venue", "online_link")


def update_event(event: Event, fields: EventFields, actor_id: int | None) -> dict[str, list[Any]]:
    """Apply the new values; returns the changes. Changes invitees should hear of bump the sequence."""
    fields.check()
    changes = audit.diff(event, vars(fields))
    if not changes:
        return changes
    for name, value in vars(fields).items():
        setattr(event, name, value)
    if any(name in changes for name in NOTIFIED_FIELDS):
        event.sequence += 1
    audit.record(actor_id, event, "updated", changes)
    return changes


def cancel_event(event: Event, actor_id: int | None) -> None:
    if event.cancelled_at is not None:
        raise EventError(_l("This event is already cancelled."))
    event.cancelled_at = clock.now()
    event.sequence += 1
    audit.record(actor_id, event, "cancelled")


def outside_cohort(cohort: Cohort, fields: EventFields) -> bool:
    """Whether the event starts before the cohort's first day or ends after its last (in the event's zone):
    allowed, but only once the facilitator confirms it is meant."""
    starts, ends = to_local(fields.starts_at, fields.timezone), to_local(fields.ends_at, fields.timezone)
    return starts.date() < cohort.starts_on or ends.date() > cohort.ends_on


def is_over(event: Event) -> bool:
    """An event recorded after it ended (to take its attendance) is announced to nobody."""
    return event.ends_at <= clock.now()


def invite_members(event: Event) -> int:
    """Invite every current member of the event's cohort who has no invitation yet."""
    invited = sa.select(EventInvitation.user_id).where(
        EventInvitation.event_id == event.id, EventInvitation.user_id.is_not(None)
    )
    members = db.session.scalars(
        sa.select(Membership).where(
            Membership.cohort_id == event.cohort_id,
            current_membership_clause(clock.today(event.timezone)),
            Membership.user_id.not_in(invited),
        )
    ).all()
    for member in members:
        db.session.add(
            EventInvitation(
                event=event, user_id=member.user_id, email=member.user.email, name=member.user.name
            )
        )
    db.session.flush()
    return len(members)


@signals.member_added.connect
def _invite_new_member(cohort: Cohort, membership: Membership, **_extra: Any) -> None:
    """Someone who joins a cohort is invited to its upcoming events."""
    upcoming = db.session.scalars(
        sa.select(Event).where(
            Event.cohort_id == cohort.id, Event.starts_at > clock.now(), Event.cancelled_at.is_(None)
        )
    )
    for event in upcoming:
        exists = db.session.scalar(
            sa.select(EventInvitation.id).where(
                EventInvitation.event_id == event.id, EventInvitation.user_id == membership.user_id
            )
        )
        if exists is None:
            db.session.add(
                EventInvitation(
                    event=event,
                    user_id=membership.user_id,
                    email=membership.user.email,
                    name=membership.user.name,
                )
            )


_GUEST_LINE = re.compile(r"^\s*(?:(?P<name>[^<,;]*?)\s*[<,;]\s*)?(?P<email>[^<>,;\s]+@[^<>,;\s]+)\s*>?\s*$")


def parse_guests(text: str) -> tuple[list[tuple[str, str]], list[tuple[int, str]]]:
    """Lines of ``email``, ``Name <email>`` or ``Name, email``: (name, email) pairs and line errors."""
    guests: list[tuple[str, str]] = []
    errors: list[tuple[int, str]] = []
    seen: set[str] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = _GUEST_LINE.match(line)
        try:
            if match is None:
                raise EmailNotValidError(line)
            email = validate_email(match["email"], check_deliverability=False).normalized.lower()
        except EmailNotValidError:
            errors.append(
                (number, str(_l("“%(line)s” has no valid email address.", line=line.strip()[:200])))
            )
            continue
        if email in seen:
            continue
        seen.add(email)
        name = (match["name"] or "").strip() or email.split("@")[0]
        problem = limits.text_problem(name, max_length=GUEST_NAME_LENGTH)
        if problem is not None:
            errors.append(
                (number, str(_l("“%(line)s”: %(problem)s", line=line.strip()[:200], problem=problem)))
            )
            continue
        guests.append((name, email))
    if len(guests) > MAX_GUESTS_PER_PASTE:
        errors.append((0, str(_l("Paste at most %(n)d guests at a time.", n=MAX_GUESTS_PER_PASTE))))
    return guests, errors


def add_guests(event: Event, guests: list[tuple[str, str]]) -> list[tuple[EventInvitation, str]]:
    """Invite external guests; returns each new invitation with its raw link token. Existing invitees
    (members or guests with the same email) are left as they are."""
    existing = set(
        db.session.scalars(sa.select(EventInvitation.email).where(EventInvitation.event_id == event.id))
    )
    added = []
    for name, email in guests:
        if email in existing:
            continue
        token, digest = new_token()
        invitation = EventInvitation(event=event, email=email, name=name, token_hash=digest)
        db.session.add(invitation)
        added.append((invitation, token))
    db.session.flush()
    return added


def guest_invitation(token: str) -> EventInvitation | None:
    return db.session.scalar(
        sa.select(EventInvitation).where(EventInvitation.token_hash == token_digest(token))
    )


def set_rsvp(invitation: EventInvitation, answer: Rsvp) -> EventInvitation | None:
    """Record an answer. A "yes" beyond capacity goes on the waitlist; when a confirmed place is given up,
    the longest-waiting person moves up. Returns the invitation that moved up, if any."""
    event = invitation.event
    if event.cancelled_at is not None:
        raise EventError(_l("This event was cancelled."))
    if clock.now() >= event.ends_at:
        raise EventError(_l("This event is over."))
    db.session.scalar(
        sa.select(Event.id).where(Event.id == event.id).with_for_update()
    )  # one answer at a time
    had_place = invitation.rsvp is Rsvp.YES and not invitation.waitlisted
    taken = confirmed_count(event) if event.capacity is not None else 0  # counted before this answer changes
    invitation.rsvp, invitation.rsvp_at = answer, clock.now()
    if answer is Rsvp.YES:
        if not had_place:
            invitation.waitlisted = event.capacity is not None and taken >= event.capacity
        return None
    invitation.waitlisted = False
    db.session.flush()
    if had_place and event.capacity is not None:
        return _promote(event)
    return None


def confirmed_count(event: Event) -> int:
    return (
        db.session.scalar(
            sa.select(sa.func.count(EventInvitation.id)).where(
                EventInvitation.event_id == event.id,
                EventInvitation.rsvp == Rsvp.YES,
                EventInvitation.waitlisted.is_(False),
            )
        )
        or 0
    )


def _promote(event: Event) -> EventInvitation | None:
    if event.capacity is None or confirmed_count(event) >= event.capacity:
        return None
    waiting = db.session.scalar(
        sa.select(EventInvitation)
        .where(EventInvitation.event_id == event.id, EventInvitation.waitlisted.is_(True))
        .order_by(EventInvitation.rsvp_at, EventInvitation.id)
        .limit(1)
    )
    if waiting is not None:
        waiting.waitlisted = False
    return waiting


def retire_feed(owner: Any) -> None:
    """Give a person or a cohort a new private calendar address; the old token stops matching."""
    owner.calendar_version += 1


# --- agendas -----------------------------------------------------------------------------------------------


@functools.cache
def agenda_templates() -> dict[str, dict[str, Any]]:
    """The shipped agenda templates: each title and note in every interface language (``{"en": ..., "he":
    ...}``); the working-group meetings were written from seed 003's Hebrew."""
    return json.loads(Path(__file__).with_name("agenda_templates.json").read_text("utf-8"))


def _in(texts: dict[str, str] | str, language: str) -> str:
    if isinstance(texts, str):
        return texts
    return texts.get(language) or texts["en"]


def apply_template(event: Event, key: str, language: str = "en") -> None:
    """Replace the agenda with a shipped template in `language`, its times counted from the event's start."""
    template = agenda_templates().get(key)
    if template is None:
        raise EventError(_l("Unknown agenda template."))
    event.agenda.clear()
    db.session.flush()
    for position, item in enumerate(template["items"]):
        event.agenda.append(
            AgendaItem(
                position=position,
                starts_at=event.starts_at + dt.timedelta(minutes=item["minutes"]),
                title=_in(item["title"], language),
                notes=_in(item.get("notes", ""), language),
            )
        )


def replace_agenda(event: Event, items: list[tuple[dt.datetime | None, str, str]]) -> None:
    event.agenda.clear()
    db.session.flush()
    for position, (starts_at, title, notes) in enumerate(items):
        event.agenda.append(AgendaItem(position=position, starts_at=starts_at, title=title, notes=notes))


def erase_person(erasure: Any) -> None:
    """The person's invitations keep their answers (counts of yes and no) but no copy of the name or
    address, and their links stop working; speakers lists naming them are scrubbed."""
    from fellowship.accounts.erasure import erased_address

    addresses = {erasure.email, erasure.email.lower()}
    db.session.execute(
        sa.update(EventInvitation)
        .where(
            sa.or_(
                EventInvitation.user_id == erasure.user.id,
                sa.func.lower(EventInvitation.email).in_(addresses),
            )
        )
        .values(name=erasure.label, email=erased_address(erasure.user.id), token_hash=None)
    )
    for secret in erasure.secrets():
        for event in db.session.scalars(
            sa.select(Event).where(Event.speakers.contains(secret, autoescape=True))
        ):
            event.speakers = erasure.scrub(event.speakers)
    db.session.flush()
