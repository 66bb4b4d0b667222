"""Reads of attendance that other pages reuse."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from fellowship.attendance.models import AttendanceRecord
from fellowship.events.models import Event, EventInvitation


def untaken_events(cohort_ids: list[int], now: dt.datetime) -> sa.Select[tuple[Event]]:
    """Events of these cohorts that have ended, were not cancelled, and have no attendance record at all:
    nobody took their attendance. Latest first."""
    taken = (
        sa.select(AttendanceRecord.id)
        .join(EventInvitation, EventInvitation.id == AttendanceRecord.invitation_id)
        .where(EventInvitation.event_id == Event.id)
        .correlate(Event)
    )
    return (
        sa.select(Event)
        .where(
            Event.cohort_id.in_(cohort_ids),
            Event.ends_at <= now,
            Event.cancelled_at.is_(None),
            ~taken.exists(),
        )
        .order_by(Event.ends_at.desc(), Event.id.desc())
    )
