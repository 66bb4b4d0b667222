"""Attendance's part of "download my data" and of erasure (``core.personal_data``)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from fellowship.attendance.models import AttendanceRecord
from fellowship.core import personal_data
from fellowship.events.models import Event, EventInvitation
from fellowship.extensions import db


def _mine(user_id: int) -> Any:
    return sa.select(EventInvitation.id).where(EventInvitation.user_id == user_id).scalar_subquery()


def export(user: Any) -> list[dict[str, Any]]:
    rows = db.session.execute(
        sa.select(Event.title, AttendanceRecord.day, AttendanceRecord.status, AttendanceRecord.note)
        .join(EventInvitation, EventInvitation.id == AttendanceRecord.invitation_id)
        .join(Event, Event.id == EventInvitation.event_id)
        .where(EventInvitation.user_id == user.id)
        .order_by(AttendanceRecord.day, Event.id)
    )
    return [
        {"event": title, "day": day.isoformat(), "status": status.value, "note": note}
        for title, day, status, note in rows
    ]


def erase(erasure: personal_data.Erasure) -> None:
    """Statuses stay (attendance counts and rates); the notes written about the person go."""
    db.session.execute(
        sa.update(AttendanceRecord)
        .where(AttendanceRecord.invitation_id.in_(_mine(erasure.user.id)), AttendanceRecord.note != "")
        .values(note="")
    )


personal_data.register("attendance", export, erase=erase, tables=("attendance_records",))
