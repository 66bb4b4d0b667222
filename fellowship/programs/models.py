"""Programs, their cohorts, and who belongs to a cohort in which role."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from fellowship.accounts.models import SESSION_GROUP, User
from fellowship.core.models import TimestampMixin, enum_type
from fellowship.extensions import db
from fellowship.programs.enums import ProgramKind, Role


class Program(TimestampMixin, db.Model):
    __tablename__ = "programs"
    __table_args__ = (sa.CheckConstraint("privacy_threshold >= 3", name="privacy_threshold_at_least_3"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[ProgramKind] = mapped_column(enum_type(ProgramKind), default=ProgramKind.OTHER)
    timezone: Mapped[str] = mapped_column(sa.String(64), default="UTC")
    description: Mapped[str] = mapped_column(sa.Text, default="")
    privacy_threshold: Mapped[int] = mapped_column(default=3, server_default="3")
    """The smallest group shown in demographic figures; pages and dashboards never go below 3."""

    cohorts: Mapped[list[Cohort]] = relationship(
        back_populates="program", order_by="Cohort.starts_on.desc()", cascade="all, delete-orphan"
    )


class Cohort(TimestampMixin, db.Model):
    __tablename__ = "cohorts"
    __table_args__ = (
        sa.CheckConstraint("ends_on >= starts_on", name="dates_in_order"),
        sa.CheckConstraint("min_attendance_rate BETWEEN 0 AND 100", name="rate_is_a_percentage"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(sa.ForeignKey("programs.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    starts_on: Mapped[dt.date] = mapped_column()
    ends_on: Mapped[dt.date] = mapped_column()
    timezone: Mapped[str] = mapped_column(sa.String(64), default="UTC")
    min_attendance_rate: Mapped[int | None] = mapped_column()
    calendar_version: Mapped[int] = mapped_column(default=1, server_default="1")
    """Percent; fellows below it are flagged for the facilitators. None: no minimum."""

    program: Mapped[Program] = relationship(back_populates="cohorts", lazy="joined", innerjoin=True)
    memberships: Mapped[list[Membership]] = relationship(
        back_populates="cohort", cascade="all, delete-orphan"
    )


class Membership(TimestampMixin, db.Model):
    """A person's place in a cohort. ``left_on`` set means they left; the row stays for the record."""

    __tablename__ = "memberships"
    __table_args__ = (
        sa.UniqueConstraint("cohort_id", "user_id"),
        sa.CheckConstraint("left_on IS NULL OR left_on >= joined_on", name="left_after_joined"),
        sa.Index("ix_memberships_user_cohort", "user_id", "cohort_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("cohorts.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    role: Mapped[Role] = mapped_column(enum_type(Role), default=Role.FELLOW)
    joined_on: Mapped[dt.date] = mapped_column()
    left_on: Mapped[dt.date | None] = mapped_column()

    cohort: Mapped[Cohort] = relationship(back_populates="memberships")
    user: Mapped[User] = relationship()

    def is_current(self, today: dt.date) -> bool:
        return self.left_on is None or self.left_on > today


User.in_a_cohort = column_property(  # type: ignore[attr-defined]
    sa.exists().where(Membership.user_id == User.id).correlate_except(Membership),
    deferred=True,
    group=SESSION_GROUP,
)
"""Whether the person belongs, or belonged, to any cohort of any program: loaded with the signed-in user
(``accounts.models.SESSION_GROUP``), so the header decides its links without a query of its own. Anywhere
else, reading it costs a query."""
