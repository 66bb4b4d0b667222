"""Reads of events: a cohort's events, a person's events, an event's invitees."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from fellowship.events.models import Event, EventInvitation
from fellowship.programs.enums import STAFF_ROLES
from fellowship.programs.models import Membership


def cohort_events(cohort_id: int) -> sa.Select[tuple[Event]]:
    return sa.select(Event).where(Event.cohort_id == cohort_id).order_by(Event.starts_at, Event.id)


def participant_clause() -> sa.ColumnElement[bool]:
    """The invitation (of the enclosing query) is a participant's: a guest's, or a member's who is not on
    the staff (facilitator, observer) of the event's cohort. Every count of attendees uses it."""
    hosting = aliased(Event)
    staff = (
        sa.select(Membership.id)
        .join(hosting, hosting.cohort_id == Membership.cohort_id)
        .where(
            hosting.id == EventInvitation.event_id,
            Membership.user_id == EventInvitation.user_id,
            Membership.role.in_(STAFF_ROLES),
        )
        .correlate_except(Membership, hosting)
    )
    return ~staff.exists()


def invitees(event_id: int) -> sa.Select[tuple[EventInvitation]]:
    """Members first (by name), then guests (by name)."""
    return (
        sa.select(EventInvitation)
        .where(EventInvitation.event_id == event_id)
        .order_by(EventInvitation.user_id.is_(None), sa.func.lower(EventInvitation.name), EventInvitation.id)
    )


def invitation_of(user: Any, event_id: int) -> sa.Select[tuple[EventInvitation]]:
    return sa.select(EventInvitation).where(
        EventInvitation.event_id == event_id, EventInvitation.user_id == getattr(user, "id", None)
    )


def user_events(user_id: int) -> sa.Select[tuple[Event, EventInvitation]]:
    return (
        sa.select(Event, EventInvitation)
        .join(EventInvitation, EventInvitation.event_id == Event.id)
        .where(EventInvitation.user_id == user_id)
        .order_by(Event.starts_at, Event.id)
    )


def upcoming_invitations(
    user_id: int, cohort_ids: list[int], now: dt.datetime
) -> sa.Select[tuple[Event, EventInvitation]]:
    """The person's invitations to events of these cohorts that have not ended and are not cancelled,
    soonest first."""
    return user_events(user_id).where(
        Event.cohort_id.in_(cohort_ids), Event.ends_at > now, Event.cancelled_at.is_(None)
    )


def cohort_events_between(
    cohort_ids: list[int], start: dt.datetime, end: dt.datetime
) -> sa.Select[tuple[Event]]:
    """Events of these cohorts that are under way or start before ``end`` and have not ended by ``start``,
    cancelled ones left out, soonest first."""
    return (
        sa.select(Event)
        .where(
            Event.cohort_id.in_(cohort_ids),
            Event.starts_at < end,
            Event.ends_at > start,
            Event.cancelled_at.is_(None),
        )
        .order_by(Event.starts_at, Event.id)
    )
