"""What `flask fellowship dispatch` does for the network: "is this still true?" emails, and the archive.

``FELLOWSHIP_NETWORK_CONFIRM_MONTHS`` (*m*, 6 by default) after an entry was last confirmed, its owner is
emailed once, in their language, a link to the entry's confirmation page (``fellowship.network.confirm``),
where a button confirms it: opening the link changes nothing, so a mail scanner that follows links
confirms nothing. Unless it is confirmed (or edited) within a further month it leaves search, and it is
archived later (``freshness``); the "network archive" dispatcher does that.

**One reminder per period.** The notification's kind is ``still_true:<date of the last confirmation>``:
unique per (entry, recipient, period), so a second run never sends it twice, while a confirmation starts a
new period that can be reminded again. A period is never shorter than a month (``confirm_months``), so two
periods of one entry never share a date. Entries already reminded in their current period (a notification
made since their last confirmation) are not read again, and each run handles at most ``BATCH`` entries, the
oldest first; the next run takes the rest.

**Who is asked.** A person's entry: that person. An organisation's entry: the member who last saved or
confirmed it (the audit trail), if they are still an active member of the organisation; otherwise every
active member of the organisation, since any of them may confirm it. Only people who may open the
confirmation page are asked (``access.may_use``: members of a cohort, past or present, and administrators);
people who are inactive, erased, or who turned notification emails off are not emailed. When nobody can
be asked, the period is marked with a notification to nobody (recipient ``""``), so the entry is not read
again on every run until it lapses.

**Which entries.** Published ones only (``queries.reminders_due``): a person's unpublished entry is seen by
nobody but them, so its staleness harms nobody; publishing it saves it, which confirms it. Nor hidden
ones (an administrator took them out; confirming would not bring them back) nor archived ones.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from fellowship.accounts.emails import external_url, recipient_locale, unsubscribe_link
from fellowship.accounts.models import User
from fellowship.core import audit, clock, mail, notifications
from fellowship.core.i18n import format_date
from fellowship.extensions import db
from fellowship.network import access, freshness, queries, services
from fellowship.network.enums import ENTRY_KIND_LABELS, ExchangeStatus, PairStatus
from fellowship.network.models import Entry, Exchange, MentoringPair

SUBJECT_TYPE = Entry.__tablename__
KIND_PREFIX = "still_true"
MAIL_KIND = "network_still_true"
BATCH = 200
SUBJECT = _l("Is this still true? %(title)s")
OWNER_ACTIONS = ("created", "edited", "confirmed")
"""Audit actions by which a person vouched for an entry (saving it confirms it)."""


def period_kind(entry: Entry) -> str:
    """The notification kind of the entry's current period: it changes with every confirmation."""
    return f"{KIND_PREFIX}:{entry.confirmed_at.date().isoformat()}"


def _reachable(user: User | None) -> bool:
    """Active, not erased, and allowed to open the confirmation page (``access.may_use``)."""
    return user is not None and user.active and user.erased_at is None and access.may_use(user)


def recipients(entry: Entry) -> list[User]:
    """Who is asked to confirm ``entry`` (see the module's notes), before their email setting is applied."""
    if entry.user_id is not None:
        return [entry.user] if _reachable(entry.user) else []
    last = db.session.scalar(
        sa.select(User)
        .join(audit.AuditEntry, audit.AuditEntry.actor_id == User.id)
        .where(
            audit.AuditEntry.subject_type == SUBJECT_TYPE,
            audit.AuditEntry.subject_id == entry.id,
            audit.AuditEntry.action.in_(OWNER_ACTIONS),
        )
        .order_by(audit.AuditEntry.at.desc(), audit.AuditEntry.id.desc())
        .limit(1)
    )
    if _reachable(last) and last is not None and last.organization_id == entry.organization_id:
        return [last]
    members = db.session.scalars(
        sa.select(User)
        .where(User.organization_id == entry.organization_id, User.active.is_(True), User.erased_at.is_(None))
        .order_by(User.id)
    )
    return [user for user in members if _reachable(user)]


def due(now: dt.datetime, months: int) -> sa.Select[tuple[Entry]]:
    """Entries due for a reminder and not yet reminded in their current period, oldest first, one batch."""
    reminded = sa.exists().where(
        notifications.Notification.subject_type == SUBJECT_TYPE,
        notifications.Notification.subject_id == Entry.id,
        notifications.Notification.kind.startswith(f"{KIND_PREFIX}:"),
        notifications.Notification.created_at >= Entry.confirmed_at,
    )
    return (
        queries.reminders_due(now, months)
        .where(~reminded)
        .order_by(None)
        .order_by(Entry.confirmed_at, Entry.id)
        .limit(BATCH)
    )


def confirm_link(entry: Entry) -> str:
    return external_url("fellowship.network.confirm", entry_id=entry.id)


def remind(entry: Entry, user: User, now: dt.datetime, months: int) -> None:
    """Queue the "is this still true?" email about ``entry`` to ``user``, in their language."""
    locale, unsubscribe = recipient_locale(user), unsubscribe_link(user)
    # The moment the entry leaves search: its last confirmation, plus the period and the month of grace.
    leaves = freshness.months_before(entry.confirmed_at, -(months + freshness.GRACE_MONTHS))
    with force_locale(locale):
        confirmed_on = format_date(entry.confirmed_at.date(), "long")
        leaves_on = format_date(leaves.date(), "long")
        kind_label = str(ENTRY_KIND_LABELS[entry.kind])
    mail.compose(
        MAIL_KIND,
        user.email,
        locale,
        mail.TitledSubject(SUBJECT, entry.title),
        "network/email/still_true",
        headers={"List-Unsubscribe": f"<{unsubscribe}>"},
        secret=True,  # the unsubscribe link acts for the recipient
        name=user.name,
        entry=entry,
        kind_label=kind_label,
        organization=entry.organization.name if entry.organization is not None else "",
        confirmed_on=confirmed_on,
        leaves_on=leaves_on,
        gone=leaves <= now,
        link=confirm_link(entry),
        unsubscribe=unsubscribe,
    )


def remind_entry(entry: Entry, now: dt.datetime, months: int) -> int:
    """Claim and send the entry's reminders of its current period; how many emails were queued."""
    kind = period_kind(entry)
    people = [user for user in recipients(entry) if user.email_notifications]
    if not people:
        notifications.claim(SUBJECT_TYPE, entry.id, "", kind)  # nobody to ask this period
        return 0
    sent = 0
    for user in people:
        if notifications.claim(SUBJECT_TYPE, entry.id, user.email, kind):
            remind(entry, user, now, months)
            sent += 1
    return sent


def dispatch_reminders() -> int:
    """Email the owners of entries due for confirmation, once per person and period; returns how many
    emails were queued."""
    now, months = clock.now(), freshness.confirm_months()
    entries: list[Any] = list(db.session.scalars(due(now, months)))
    return sum(remind_entry(entry, now, months) for entry in entries)


def dispatch_archive() -> int:
    """Archive the entries left unconfirmed too long; returns how many."""
    return services.archive_stale(clock.now())


notifications.register("network archive", dispatch_archive)
notifications.register("network reminders", dispatch_reminders)


# --- requests and exchanges ---------------------------------------------------------------------------------

EXCHANGE_SUBJECT = Exchange.__tablename__
EXCHANGE_MAIL_KIND = "network_exchange"
EXCHANGE_SUBJECTS = {
    "asked": _l("A request for help: %(title)s"),
    "accepted": _l("Your request was accepted: %(title)s"),
    "declined": _l("Your request was declined: %(title)s"),
    "confirm": _l("Mark the exchange done: %(title)s"),
}


def helper_side(exchange: Exchange) -> list[User]:
    """Who answers for the offer: the person who offered it, or the organisation's active members."""
    if exchange.owner_user_id is not None:
        return [exchange.owner_user] if _reachable(exchange.owner_user) else []
    members = db.session.scalars(
        sa.select(User)
        .where(
            User.organization_id == exchange.owner_organization_id,
            User.active.is_(True),
            User.erased_at.is_(None),
        )
        .order_by(User.id)
    )
    return [user for user in members if _reachable(user)]


def _not_told(kind: str) -> sa.ColumnElement[bool]:
    return ~sa.exists().where(
        notifications.Notification.subject_type == EXCHANGE_SUBJECT,
        notifications.Notification.subject_id == Exchange.id,
        notifications.Notification.kind == kind,
    )


def exchange_notices() -> list[tuple[Exchange, str, list[User]]]:
    """(exchange, kind, who is told) for every notice not yet given: a new request (the offer's side), an
    answer (the asker), and an exchange one side marked done (the other side). One batch of each."""
    found: list[tuple[Exchange, str, list[User]]] = []
    requested = sa.select(Exchange).where(Exchange.status == ExchangeStatus.REQUESTED, _not_told("asked"))
    for exchange in db.session.scalars(requested.order_by(Exchange.id).limit(BATCH)):
        found.append((exchange, "asked", helper_side(exchange)))
    for status, kind in ((ExchangeStatus.AGREED, "accepted"), (ExchangeStatus.DECLINED, "declined")):
        answered = sa.select(Exchange).where(
            Exchange.answered_at.is_not(None),
            Exchange.status.in_([status, ExchangeStatus.DONE] if kind == "accepted" else [status]),
            _not_told(kind),
        )
        for exchange in db.session.scalars(answered.order_by(Exchange.id).limit(BATCH)):
            found.append((exchange, kind, [exchange.asker] if _reachable(exchange.asker) else []))
    half = sa.select(Exchange).where(
        Exchange.status == ExchangeStatus.AGREED,
        (Exchange.asker_done_at.is_(None)) != (Exchange.helper_done_at.is_(None)),
        _not_told("confirm"),
    )
    for exchange in db.session.scalars(half.order_by(Exchange.id).limit(BATCH)):
        if exchange.asker_done_at is None:
            people = [exchange.asker] if _reachable(exchange.asker) else []
        else:
            helper = exchange.helper
            people = [helper] if helper is not None and _reachable(helper) else helper_side(exchange)
        found.append((exchange, "confirm", people))
    return found


def tell(exchange: Exchange, kind: str, user: User) -> None:
    locale, unsubscribe = recipient_locale(user), unsubscribe_link(user)
    mail.compose(
        EXCHANGE_MAIL_KIND,
        user.email,
        locale,
        mail.TitledSubject(EXCHANGE_SUBJECTS[kind], exchange.entry_title),
        "network/email/exchange",
        headers={"List-Unsubscribe": f"<{unsubscribe}>"},
        secret=True,  # the unsubscribe link acts for the recipient
        name=user.name,
        notice=kind,
        asker=exchange.asker.name,
        title=exchange.entry_title,
        link=external_url("fellowship.network.exchange", exchange_id=exchange.id),
        unsubscribe=unsubscribe,
    )


def dispatch_exchanges() -> int:
    """Each notice of a request or exchange goes once to each person it concerns (``notifications.claim``),
    without contact details: the link opens the exchange's page. Returns how many emails were queued."""
    return sum(
        _once(EXCHANGE_SUBJECT, exchange.id, kind, people, lambda user, e=exchange, k=kind: tell(e, k, user))
        for exchange, kind, people in exchange_notices()
    )


def _once(subject: str, subject_id: int, kind: str, people: list[User], send: Any) -> int:
    """Send a notice to each of ``people`` who takes notification emails, once per person (a claim); when
    nobody does, mark it given to nobody so it is not looked at again. Returns how many were sent."""
    takers = [user for user in people if user.email_notifications]
    if not takers:
        notifications.claim(subject, subject_id, "", kind)
        return 0
    sent = 0
    for user in takers:
        if notifications.claim(subject, subject_id, user.email, kind):
            send(user)
            sent += 1
    return sent


notifications.register("network exchanges", dispatch_exchanges)


# --- mentoring ----------------------------------------------------------------------------------------------

PAIR_SUBJECT = MentoringPair.__tablename__
PAIR_MAIL_KIND = "network_mentoring"
PAIR_SUBJECTS = {
    "asked": _l("A fellow asks you to mentor them: %(title)s"),
    "answered": _l("Your mentoring request was answered: %(title)s"),
    "paired": _l("You are paired for mentoring: %(title)s"),
}


def _pair_not_told(kind: str) -> sa.ColumnElement[bool]:
    return ~sa.exists().where(
        notifications.Notification.subject_type == PAIR_SUBJECT,
        notifications.Notification.subject_id == MentoringPair.id,
        notifications.Notification.kind == kind,
    )


def pair_notices() -> list[tuple[MentoringPair, str, list[User]]]:
    """(pair, kind, who is told): a fellow's request (the mentor), its answer (the fellow), and a pairing a
    facilitator made (both). One batch of each."""
    found: list[tuple[MentoringPair, str, list[User]]] = []
    asked_by_fellow = MentoringPair.created_by_id == MentoringPair.mentee_id
    queries_by_kind = (
        ("asked", sa.and_(MentoringPair.status == PairStatus.PROPOSED, asked_by_fellow)),
        ("answered", sa.and_(MentoringPair.status != PairStatus.PROPOSED, asked_by_fellow)),
        ("paired", sa.and_(MentoringPair.status == PairStatus.ACTIVE, ~asked_by_fellow)),
    )
    for kind, condition in queries_by_kind:
        statement = sa.select(MentoringPair).where(condition, _pair_not_told(kind))
        for made in db.session.scalars(statement.order_by(MentoringPair.id).limit(BATCH)):
            people = {"asked": [made.mentor], "answered": [made.mentee]}.get(kind, [made.mentor, made.mentee])
            found.append((made, kind, [user for user in people if _reachable(user)]))
    return found


def tell_pair(made: MentoringPair, kind: str, user: User) -> None:
    locale, unsubscribe = recipient_locale(user), unsubscribe_link(user)
    mail.compose(
        PAIR_MAIL_KIND,
        user.email,
        locale,
        mail.TitledSubject(PAIR_SUBJECTS[kind], f"{made.mentor.name} · {made.mentee.name}"),
        "network/email/mentoring",
        headers={"List-Unsubscribe": f"<{unsubscribe}>"},
        secret=True,  # the unsubscribe link acts for the recipient
        name=user.name,
        notice=kind,
        accepted=made.status is not PairStatus.DECLINED,
        mentor=made.mentor.name,
        mentee=made.mentee.name,
        link=external_url("fellowship.network.mentoring_pair", pair_id=made.id),
        unsubscribe=unsubscribe,
    )


def dispatch_mentoring() -> int:
    """Each mentoring notice goes once to each person it concerns; returns how many emails were queued."""
    return sum(
        _once(PAIR_SUBJECT, made.id, kind, people, lambda user, m=made, k=kind: tell_pair(m, k, user))
        for made, kind, people in pair_notices()
    )


notifications.register("network mentoring", dispatch_mentoring)
