from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fellowship.attendance.enums import Status
from fellowship.core.models import UTCDateTime, enum_type
from fellowship.events.models import EventInvitation
from fellowship.extensions import db


class AttendanceRecord(db.Model):
    """An invitee's status on one day of an event. Every change goes through the audit trail."""

    __tablename__ = "attendance_records"
    __table_args__ = (sa.UniqueConstraint("invitation_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    invitation_id: Mapped[int] = mapped_column(sa.ForeignKey("event_invitations.id", ondelete="CASCADE"))
    day: Mapped[dt.date] = mapped_column()
    status: Mapped[Status] = mapped_column(enum_type(Status))
    note: Mapped[str] = mapped_column(sa.String(500), default="")
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    invitation: Mapped[EventInvitation] = relationship()
