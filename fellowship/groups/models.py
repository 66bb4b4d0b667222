"""A working group's minutes: who hosts each meeting, notes on its agenda items, its decisions, and the action
items that run from one meeting to the next."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fellowship.accounts.models import Organization, User
from fellowship.core.models import UTCDateTime, enum_type
from fellowship.extensions import db
from fellowship.groups.enums import ActionStatus

WHAT_MAX = 500
TEXT_MAX = 4000


class MeetingHost(db.Model):
    """The organisation that hosts a meeting, when someone chose it; meetings without a row take the next
    member organisation in turn (``core.rotation.take_turns``)."""

    __tablename__ = "group_meeting_hosts"

    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"), primary_key=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id", ondelete="CASCADE"))
    chosen_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    organization: Mapped[Organization] = relationship()


class ItemNote(db.Model):
    """The minutes of one agenda item."""

    __tablename__ = "group_item_notes"

    agenda_item_id: Mapped[int] = mapped_column(
        sa.ForeignKey("agenda_items.id", ondelete="CASCADE"), primary_key=True
    )
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(sa.Text, default="")
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))


class Decision(db.Model):
    __tablename__ = "group_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(sa.Text)
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))


class ActionItem(db.Model):
    """Something a member undertook at a meeting. It stays on the agenda of every later meeting of its group
    until it is done or dropped."""

    __tablename__ = "group_action_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"), index=True)
    what: Mapped[str] = mapped_column(sa.String(WHAT_MAX))
    owner_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    due_on: Mapped[dt.date | None] = mapped_column()
    status: Mapped[ActionStatus] = mapped_column(enum_type(ActionStatus), default=ActionStatus.OPEN)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    subgroup_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("group_subgroups.id", ondelete="SET NULL"), index=True
    )

    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id])


class Subgroup(db.Model):
    """A few members of a working group who take on one part of its work (seed 003: "forming subgroups");
    action items may belong to one."""

    __tablename__ = "group_subgroups"
    __table_args__ = (sa.UniqueConstraint("cohort_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class SubgroupMember(db.Model):
    __tablename__ = "group_subgroup_members"

    subgroup_id: Mapped[int] = mapped_column(
        sa.ForeignKey("group_subgroups.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)


AGENDA_TEXT_MAX = 10_000


class AgendaVersion(db.Model):
    """One version of a working group's common agenda (seed 003's sections, by key: ``services.SECTIONS``),
    kept whole: every save makes a new version, so what changed, by whom and when, can always be shown."""

    __tablename__ = "group_agenda_versions"
    __table_args__ = (sa.UniqueConstraint("cohort_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column()
    sections: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict)
    event_id: Mapped[int | None] = mapped_column(sa.ForeignKey("events.id", ondelete="SET NULL"))
    """The meeting it was agreed at or after, when the editor said so."""
    changed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    changed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))


HOURS_MIN = 0.25
HOURS_MAX = 24


class Interview(db.Model):
    """The one-on-one interview a member of the group had with its staff (seed 003: "before meeting 1,
    one-on-one interviews with every member"). One per member and group. The notes are for the group's staff
    only; the hours are technical assistance the program gave (``impact`` reads ``queries.interview_hours``).
    The member's organisation is kept as it was that day, so the report names who was helped even if the
    member moves on."""

    __tablename__ = "group_interviews"
    __table_args__ = (
        sa.UniqueConstraint("cohort_id", "member_id"),
        sa.CheckConstraint(f"hours > 0 AND hours <= {HOURS_MAX}", name="hours_in_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    organization_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="SET NULL")
    )
    interviewer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    held_on: Mapped[dt.date] = mapped_column(index=True)
    hours: Mapped[float] = mapped_column()
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
