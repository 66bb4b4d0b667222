"""Reads of the network, as ``sa.select`` statements.

``visible`` is the one rule of what signed-in members may find: published, not hidden by an administrator,
not archived, and confirmed recently enough (``freshness.search_cutoff``). Owners see their own entries
whatever their state (``entries_of``). Text search is in ``search.py``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, joinedload

from fellowship.accounts.models import Organization
from fellowship.core import clock
from fellowship.network import freshness
from fellowship.network.enums import EntryKind
from fellowship.network.models import Entry, NetworkProfile, has_word

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
