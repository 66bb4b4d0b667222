"""Events of a cohort, their agenda, and who is invited (members and external guests alike)."""

from __future__ import annotations

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fellowship.accounts.models import User
from fellowship.core.models import TimestampMixin, UTCDateTime, enum_type
from fellowship.events.enums import EventKind, Rsvp
from fellowship.extensions import db
from fellowship.programs.models import Cohort

MAX_EVENT_DAYS = 31
"""The longest an event may last, in calendar days: a workshop lasts a few, a longer programme is a cohort
with several events. Attendance is kept per day, so this also bounds the attendance grid."""


def new_uid() -> str:
    return f"{uuid.uuid4()}@fellowship"


class Event(TimestampMixin, db.Model):
    __tablename__ = "events"
    __table_args__ = (
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        sa.Index("ix_events_cohort_starts", "cohort_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("cohorts.id", ondelete="CASCADE"))
    kind: Mapped[EventKind] = mapped_column(enum_type(EventKind), default=EventKind.WEBINAR)
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    starts_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    timezone: Mapped[str] = mapped_column(sa.String(64))
    venue: Mapped[str] = mapped_column(sa.String(300), default="")
    online_link: Mapped[str] = mapped_column(sa.String(500), default="")
    capacity: Mapped[int | None] = mapped_column()
    speakers: Mapped[str] = mapped_column(sa.String(500), default="")
    cancelled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    uid: Mapped[str] = mapped_column(sa.String(255), unique=True, default=new_uid)
    """The iCalendar UID, random so that two installations' events never share one in a calendar. Events
    made before it existed keep the ``event-N@fellowship`` their invitees' calendars already hold."""
    sequence: Mapped[int] = mapped_column(default=0)
    """Bumped on every change invitees should hear about (the iCalendar SEQUENCE)."""
    checkin_code: Mapped[str | None] = mapped_column(sa.String(12))
    checkin_opens_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    checkin_closes_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    checkin_grace_minutes: Mapped[int] = mapped_column(default=10)

    cohort: Mapped[Cohort] = relationship(lazy="joined", innerjoin=True)
    agenda: Mapped[list[AgendaItem]] = relationship(
        back_populates="event", order_by="AgendaItem.position", cascade="all, delete-orphan"
    )

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def days(self) -> list[dt.date]:
        """Every calendar day the event touches, in its own timezone (a 2.5-day workshop has three); at most
        ``MAX_EVENT_DAYS`` of them, so an event saved before that rule existed cannot fill a page with
        centuries of attendance cells."""
        first = self.starts_at.astimezone(self.zone).date()
        last = (self.ends_at - dt.timedelta(microseconds=1)).astimezone(self.zone).date()
        return [first + dt.timedelta(days=n) for n in range(min((last - first).days + 1, MAX_EVENT_DAYS))]

    def checkin_open(self, now: dt.datetime) -> bool:
        return bool(
            self.checkin_code
            and self.checkin_opens_at is not None
            and self.checkin_closes_at is not None
            and self.checkin_opens_at <= now < self.checkin_closes_at
        )


class AgendaItem(db.Model):
    __tablename__ = "agenda_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column()
    starts_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    title: Mapped[str] = mapped_column(sa.String(300))
    notes: Mapped[str] = mapped_column(sa.Text, default="")

    event: Mapped[Event] = relationship(back_populates="agenda")


class EventInvitation(TimestampMixin, db.Model):
    """One invitee: a cohort member (``user_id``) or an external guest (email and name, with a token link)."""

    __tablename__ = "event_invitations"
    __table_args__ = (
        sa.UniqueConstraint("event_id", "email"),
        sa.Index("ix_event_invitations_user", "user_id", "event_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(sa.String(254))
    name: Mapped[str] = mapped_column(sa.String(200))
    token_hash: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    rsvp: Mapped[Rsvp | None] = mapped_column(enum_type(Rsvp))
    rsvp_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    waitlisted: Mapped[bool] = mapped_column(default=False)

    event: Mapped[Event] = relationship()
    user: Mapped[User | None] = relationship()

    @property
    def is_guest(self) -> bool:
        return self.user_id is None

    @property
    def shown_name(self) -> str:
        """A member's name as it is now (they may have changed it since they were invited); a guest's as
        given. Load ``user`` with the invitations where many are shown."""
        return self.user.name if self.user is not None else self.name
