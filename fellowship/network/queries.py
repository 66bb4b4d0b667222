"""Reads of the network, as ``sa.select`` statements.

``visible`` is the one rule of what signed-in members may find: published, not hidden by an administrator,
not archived, and confirmed recently enough (``freshness.search_cutoff``). Owners see their own entries
whatever their state (``entries_of``). Text search is in ``search.py``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased, contains_eager, joinedload

from fellowship.accounts.enums import OrganizationKind
from fellowship.accounts.models import Organization, User
from fellowship.core import clock
from fellowship.events.enums import EventKind
from fellowship.events.models import Event
from fellowship.network import freshness
from fellowship.network.enums import Category, EntryKind, ExchangeStatus, PairStatus
from fellowship.network.models import (
    Block,
    Entry,
    Exchange,
    LocalGroup,
    MentoringMeeting,
    MentoringPair,
    MentoringReflection,
    NetworkProfile,
    has_word,
)
from fellowship.programs.enums import Role
from fellowship.programs.models import Cohort, Membership
from fellowship.programs.queries import current_membership_clause

MAX_MATCHES = 20


def visible(now: dt.datetime | None = None, months: int | None = None) -> sa.ColumnElement[bool]:
    cutoff = freshness.search_cutoff(now or clock.now(), months or freshness.confirm_months())
    return sa.and_(
        Entry.published.is_(True),
        Entry.hidden_at.is_(None),
        Entry.archived_at.is_(None),
        Entry.confirmed_at >= cutoff,
    )


def visible_entries(now: dt.datetime | None = None, months: int | None = None) -> sa.Select[tuple[Entry]]:
    """Visible entries with their owner (organisation or person) loaded in the same statement."""
    return (
        sa.select(Entry)
        .options(joinedload(Entry.organization), joinedload(Entry.user))
        .where(visible(now, months))
    )


def entries_of(user: Any) -> sa.Select[tuple[Entry]]:
    """What ``user`` may edit: their own entries and their organisation's, in every state."""
    owners = [Entry.user_id == user.id]
    if user.organization_id is not None:
        owners.append(Entry.organization_id == user.organization_id)
    return (
        sa.select(Entry)
        .options(joinedload(Entry.organization))
        .where(sa.or_(*owners))
        .order_by(Entry.user_id.is_(None), Entry.kind, Entry.title, Entry.id)
    )


def matches_for(
    entry: Entry, now: dt.datetime | None = None, months: int | None = None, limit: int = MAX_MATCHES
) -> sa.Select[tuple[Entry]]:
    """For a need, the visible offers that share its category or one of its skills; for an offer, the
    needs. Those in the same place come first, then those sharing more skills, then those in the same
    category, then the most recently confirmed. Never the entry itself nor its owner's other entries."""
    wanted = EntryKind.OFFER if entry.kind == EntryKind.NEED else EntryKind.NEED
    same_category = Entry.category == entry.category
    shared = [has_word(Entry.skill_keys, key) for key in entry.skill_keys]
    order: list[Any] = []
    if entry.place_key:
        order.append(sa.case((Entry.place_key == entry.place_key, 0), else_=1))
    if shared:
        order.append(
            sum(
                (sa.case((condition, 1), else_=0) for condition in shared[1:]),
                sa.case((shared[0], 1), else_=0),
            ).desc()
        )
    order += [sa.case((same_category, 0), else_=1), Entry.confirmed_at.desc(), Entry.id]
    owner = (
        Entry.organization_id.is_distinct_from(entry.organization_id)
        if entry.organization_id is not None
        else Entry.user_id.is_distinct_from(entry.user_id)
    )
    return (
        visible_entries(now, months)
        .where(Entry.kind == wanted, owner, sa.or_(same_category, *shared))
        .order_by(*order)
        .limit(limit)
    )


def reminders_due(now: dt.datetime | None = None, months: int | None = None) -> sa.Select[tuple[Entry]]:
    """Published entries, neither hidden nor archived, whose owner should be asked "is this still true?"
    (``notices.dispatch_reminders`` emails them)."""
    due = freshness.reminder_due(now or clock.now(), months or freshness.confirm_months())
    return (
        sa.select(Entry)
        .where(
            Entry.published.is_(True),
            Entry.hidden_at.is_(None),
            Entry.archived_at.is_(None),
            Entry.confirmed_at < due,
        )
        .order_by(Entry.id)
    )


def offers_freshness(
    now: dt.datetime | None = None, months: int | None = None, directory: bool = False
) -> sa.Select[tuple[int, int]]:
    """One row: how many offers are listed (published, not hidden, not archived) and how many of them were
    confirmed in the last ``months`` months; with ``directory``, only those the public directory shows."""
    since = freshness.reminder_due(now or clock.now(), months or freshness.confirm_months())
    statement = sa.select(
        sa.func.count(Entry.id),
        sa.func.coalesce(sa.func.sum(sa.case((Entry.confirmed_at >= since, 1), else_=0)), 0),
    ).where(
        Entry.kind == EntryKind.OFFER,
        Entry.published.is_(True),
        Entry.hidden_at.is_(None),
        Entry.archived_at.is_(None),
    )
    if directory:
        statement = statement.where(Entry.organization_id.in_(_in_directory()))
    return statement


def _in_directory() -> sa.Select[tuple[int]]:
    return sa.select(NetworkProfile.organization_id).where(NetworkProfile.in_public_directory.is_(True))


def directory_offers(now: dt.datetime | None = None, months: int | None = None) -> sa.Select[tuple[Entry]]:
    """The public directory: visible offers of the organisations that chose to be listed, by organisation.
    Never a person's entry."""
    return (
        sa.select(Entry)
        .join(Entry.organization)
        .options(contains_eager(Entry.organization))
        .where(
            visible(now, months), Entry.kind == EntryKind.OFFER, Entry.organization_id.in_(_in_directory())
        )
        .order_by(sa.func.lower(Organization.name), Organization.id, Entry.category, Entry.title, Entry.id)
    )


# --- requests and exchanges --------------------------------------------------------------------------------


def _helper_side_clause(user: Any) -> sa.ColumnElement[bool]:
    mine = Exchange.owner_user_id == user.id
    if user.organization_id is None:
        return mine
    return sa.or_(mine, Exchange.owner_organization_id == user.organization_id)


def exchanges_of(user: Any) -> sa.Select[tuple[Exchange]]:
    """The requests the person made and those made of their offers (their own and their organisation's),
    newest first, with both sides' names loaded in the same statement."""
    return (
        sa.select(Exchange)
        .options(
            joinedload(Exchange.asker),
            joinedload(Exchange.owner_user),
            joinedload(Exchange.owner_organization),
        )
        .where(sa.or_(Exchange.asker_id == user.id, _helper_side_clause(user)))
        .order_by(Exchange.asked_at.desc(), Exchange.id.desc())
    )


def waiting_on(user: Any, limit: int) -> sa.Select[tuple[Exchange]]:
    """What waits for the person: requests to their side still unanswered, and agreed exchanges they have
    not marked done (either side); for the home page."""
    helper = _helper_side_clause(user)
    return (
        sa.select(Exchange)
        .options(joinedload(Exchange.asker))
        .where(
            sa.or_(
                sa.and_(helper, Exchange.status == ExchangeStatus.REQUESTED),
                sa.and_(
                    Exchange.status == ExchangeStatus.AGREED,
                    sa.or_(
                        sa.and_(Exchange.asker_id == user.id, Exchange.asker_done_at.is_(None)),
                        sa.and_(helper, Exchange.helper_done_at.is_(None)),
                    ),
                ),
            )
        )
        .order_by(Exchange.asked_at, Exchange.id)
        .limit(limit)
    )


def requests_for(entry_id: int) -> sa.Select[tuple[Exchange]]:
    """Every request made of an offer, newest first, with the asker: for administrators, who moderate."""
    return (
        sa.select(Exchange)
        .options(joinedload(Exchange.asker))
        .where(Exchange.entry_id == entry_id)
        .order_by(Exchange.asked_at.desc(), Exchange.id.desc())
    )


def blocks_of(user: Any) -> sa.Select[tuple[Block]]:
    """The people the person's side blocked: for themselves, and for their organisation's offers."""
    mine = Block.owner_user_id == user.id
    if user.organization_id is not None:
        mine = sa.or_(mine, Block.owner_organization_id == user.organization_id)
    return sa.select(Block).options(joinedload(Block.blocked)).where(mine).order_by(Block.created_at)


def completed_exchanges(starts_on: dt.date, ends_on: dt.date) -> sa.Select[Any]:
    """The exchanges both sides marked done between the two days, with their asker, helper, both
    organisations, hours and whether the helping organisation is a TA provider (a co-op developer, or one
    that says so in its network settings): what impact counts, deciding which program each belongs to."""
    helping = aliased(Organization)
    return (
        sa.select(
            Exchange.id.label("exchange_id"),
            Exchange.asker_id.label("asker_id"),
            Exchange.asker_organization_id.label("asker_organization_id"),
            Exchange.helper_id.label("helper_id"),
            Exchange.helper_organization_id.label("helper_organization_id"),
            helping.name.label("helper_organization"),
            sa.func.coalesce(
                sa.or_(helping.kind == OrganizationKind.DEVELOPER, NetworkProfile.ta_provider.is_(True)),
                sa.false(),
            ).label("ta_provider"),
            Exchange.hours.label("hours"),
            Exchange.completed_on.label("completed_on"),
        )
        .outerjoin(helping, helping.id == Exchange.helper_organization_id)
        .outerjoin(NetworkProfile, NetworkProfile.organization_id == Exchange.helper_organization_id)
        .where(
            Exchange.status == ExchangeStatus.DONE,
            Exchange.completed_on >= starts_on,
            Exchange.completed_on <= ends_on,
        )
    )


# --- mentoring ----------------------------------------------------------------------------------------------


def mentoring_offer_clause() -> sa.ColumnElement[bool]:
    """A person's published mentoring offer, findable in the network: their opt-in as a mentor."""
    return sa.and_(
        Entry.user_id.is_not(None),
        Entry.kind == EntryKind.OFFER,
        Entry.category == Category.MENTORING,
        visible(),
    )


def mentors() -> sa.Select[tuple[int, str]]:
    """(id, name) of everyone who offers mentoring, by name."""
    return (
        sa.select(User.id, User.name)
        .where(User.id.in_(sa.select(Entry.user_id).where(mentoring_offer_clause())))
        .order_by(User.name, User.id)
    )


def open_pair(mentor_id: int, mentee_id: int) -> sa.Select[tuple[int]]:
    return sa.select(MentoringPair.id).where(
        MentoringPair.mentor_id == mentor_id,
        MentoringPair.mentee_id == mentee_id,
        MentoringPair.status.in_([PairStatus.PROPOSED, PairStatus.ACTIVE]),
    )


def cohort_pairs(cohort_id: int) -> sa.Select[Any]:
    """(pair, mentor's name, mentee's name, meetings, minutes) for the cohort page: counts, never notes."""
    mentor, mentee = aliased(User), aliased(User)
    counts = (
        sa.select(
            MentoringMeeting.pair_id,
            sa.func.count().label("meetings"),
            sa.func.sum(MentoringMeeting.minutes).label("minutes"),
        )
        .group_by(MentoringMeeting.pair_id)
        .subquery()
    )
    return (
        sa.select(
            MentoringPair,
            mentor.name,
            mentee.name,
            sa.func.coalesce(counts.c.meetings, 0),
            sa.func.coalesce(counts.c.minutes, 0),
        )
        .join(mentor, mentor.id == MentoringPair.mentor_id)
        .join(mentee, mentee.id == MentoringPair.mentee_id)
        .outerjoin(counts, counts.c.pair_id == MentoringPair.id)
        .where(
            MentoringPair.cohort_id == cohort_id,
            MentoringPair.status.in_([PairStatus.PROPOSED, PairStatus.ACTIVE, PairStatus.ENDED]),
        )
        .order_by(mentee.name, MentoringPair.id)
    )


def pairs_waiting_on(user_id: int) -> sa.Select[tuple[MentoringPair]]:
    """The person's pairs under way, and fellows' requests waiting for their answer as a mentor."""
    return (
        sa.select(MentoringPair)
        .options(joinedload(MentoringPair.mentor), joinedload(MentoringPair.mentee))
        .where(
            sa.or_(
                sa.and_(MentoringPair.status == PairStatus.PROPOSED, MentoringPair.mentor_id == user_id),
                sa.and_(
                    MentoringPair.status == PairStatus.ACTIVE,
                    sa.or_(MentoringPair.mentor_id == user_id, MentoringPair.mentee_id == user_id),
                ),
            )
        )
        .order_by(MentoringPair.created_at, MentoringPair.id)
    )


def pair_meetings(pair_id: int) -> sa.Select[tuple[MentoringMeeting]]:
    return (
        sa.select(MentoringMeeting)
        .where(MentoringMeeting.pair_id == pair_id)
        .order_by(MentoringMeeting.held_on, MentoringMeeting.id)
    )


def pair_reflections(pair_id: int) -> sa.Select[Any]:
    """(reflection, author's name) of a pair."""
    return (
        sa.select(MentoringReflection, User.name)
        .join(User, User.id == MentoringReflection.author_id)
        .where(MentoringReflection.pair_id == pair_id)
        .order_by(MentoringReflection.written_at, MentoringReflection.id)
    )


# --- local groups -------------------------------------------------------------------------------------------


def local_groups(today: dt.date, now: dt.datetime) -> sa.Select[Any]:
    """(cohort, group, champion's name, current members, next meetup's start) of every local group, by
    name: one query, whatever the number of groups."""
    members = (
        sa.select(sa.func.count(Membership.user_id))
        .where(
            Membership.cohort_id == Cohort.id,
            Membership.role == Role.FELLOW,
            current_membership_clause(today),
        )
        .scalar_subquery()
    )
    upcoming = (
        sa.select(sa.func.min(Event.starts_at))
        .where(
            Event.cohort_id == Cohort.id,
            Event.kind == EventKind.MEETUP,
            Event.cancelled_at.is_(None),
            Event.starts_at >= now,
        )
        .scalar_subquery()
    )
    return (
        sa.select(Cohort, LocalGroup, User.name, members, upcoming)
        .join(LocalGroup, LocalGroup.cohort_id == Cohort.id)
        .outerjoin(User, User.id == LocalGroup.champion_id)
        .order_by(Cohort.name, Cohort.id)
    )


def memberships_in_groups(user_id: int, today: dt.date) -> sa.Select[tuple[int, Role]]:
    """(cohort, role) of the person's current places in local groups."""
    return (
        sa.select(Membership.cohort_id, Membership.role)
        .join(LocalGroup, LocalGroup.cohort_id == Membership.cohort_id)
        .where(Membership.user_id == user_id, current_membership_clause(today))
    )


def meetups(cohort_id: int) -> sa.Select[tuple[Event]]:
    return (
        sa.select(Event)
        .where(Event.cohort_id == cohort_id, Event.kind == EventKind.MEETUP, Event.cancelled_at.is_(None))
        .order_by(Event.starts_at, Event.id)
    )


def fellow_cohorts(user_id: int, today: dt.date) -> sa.Select[tuple[int, str]]:
    """(id, name) of the cohorts where the person is currently a fellow: where they may be mentored."""
    return (
        sa.select(Cohort.id, Cohort.name)
        .join(Membership, Membership.cohort_id == Cohort.id)
        .where(
            Membership.user_id == user_id, Membership.role == Role.FELLOW, current_membership_clause(today)
        )
        .order_by(Cohort.starts_on.desc(), Cohort.id)
    )


def cohort_fellows(cohort_id: int, today: dt.date) -> sa.Select[tuple[int, str]]:
    """(id, name) of the cohort's current fellows, by name: whom a mentor may be paired with."""
    return (
        sa.select(User.id, User.name)
        .join(Membership, Membership.user_id == User.id)
        .where(
            Membership.cohort_id == cohort_id,
            Membership.role == Role.FELLOW,
            current_membership_clause(today),
        )
        .order_by(User.name, User.id)
    )


def group_members(cohort_id: int, today: dt.date) -> sa.Select[tuple[User]]:
    """The group's current members in the order they joined (then by name): the order hosting goes round,
    so someone who joins takes their turn after everyone already there."""
    return (
        sa.select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(
            Membership.cohort_id == cohort_id,
            Membership.role == Role.FELLOW,
            current_membership_clause(today),
        )
        .order_by(Membership.joined_on, User.name, User.id)
    )
