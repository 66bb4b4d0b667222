"""Reads of events: a cohort's events, a person's events, an event's invitees."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from fellowship.events.models import Event, EventInvitation


def cohort_events(cohort_id: int) -> sa.Select[tuple[Event]]:
    return sa.select(Event).where(Event.cohort_id == cohort_id).order_by(Event.starts_at, Event.id)


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
