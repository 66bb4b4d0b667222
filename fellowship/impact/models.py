"""Impact: technical assistance given, participants' optional demographics, and reporting periods.

Demographic answers belong to the participant: staff only ever see aggregates (see queries.py and the
privacy rule in report.py). A submitted report keeps a snapshot of its figures, so later edits to the data
never change what was sent to the funder.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fellowship.accounts.models import Organization, User
from fellowship.core.models import TimestampMixin, UTCDateTime, enum_type
from fellowship.extensions import db
from fellowship.impact.enums import AssistanceKind, ReportStatus, Stage
from fellowship.programs.models import Program


class AssistanceLog(TimestampMixin, db.Model):
    __tablename__ = "assistance_logs"
    __table_args__ = (
        sa.CheckConstraint("hours >= 0 AND hours <= 24", name="hours_in_a_day"),
        sa.CheckConstraint("people >= 0", name="people_not_negative"),
        sa.Index("ix_assistance_logs_period", "program_id", "given_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(sa.ForeignKey("programs.id", ondelete="CASCADE"))
    facilitator_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    organization_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="SET NULL")
    )
    given_on: Mapped[dt.date] = mapped_column()
    kind: Mapped[AssistanceKind] = mapped_column(enum_type(AssistanceKind))
    stage: Mapped[Stage] = mapped_column(enum_type(Stage))
    hours: Mapped[float] = mapped_column(default=0.0)
    people: Mapped[int] = mapped_column(default=0)
    help_type: Mapped[str] = mapped_column(sa.String(200), default="")
    notes: Mapped[str] = mapped_column(sa.String(2000), default="")

    program: Mapped[Program] = relationship()
    facilitator: Mapped[User | None] = relationship()
    organization: Mapped[Organization | None] = relationship()


class Demographics(db.Model):
    """One participant's optional answers; every question may be "prefer not to say" or left empty."""

    __tablename__ = "demographics"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    community_area: Mapped[str] = mapped_column(sa.String(100), default="")
    races: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    race_self: Mapped[str] = mapped_column(sa.String(200), default="")
    gender: Mapped[str] = mapped_column(sa.String(32), default="")
    gender_self: Mapped[str] = mapped_column(sa.String(200), default="")
    age_range: Mapped[str] = mapped_column(sa.String(16), default="")
    updated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class ReportingPeriod(TimestampMixin, db.Model):
    __tablename__ = "reporting_periods"
    __table_args__ = (
        sa.UniqueConstraint("program_id", "starts_on"),
        sa.CheckConstraint("ends_on >= starts_on", name="dates_in_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(sa.ForeignKey("programs.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(sa.String(100))
    starts_on: Mapped[dt.date] = mapped_column()
    ends_on: Mapped[dt.date] = mapped_column()
    status: Mapped[ReportStatus] = mapped_column(enum_type(ReportStatus), default=ReportStatus.DRAFT)
    narratives: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict)
    export_threshold: Mapped[int | None] = mapped_column()
    """An admin may set a threshold below the program's for the funder's export only; that export then
    says it is confidential."""
    snapshot: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    program: Mapped[Program] = relationship()


class CompletionRule(db.Model):
    """What a fellow must reach to complete a cohort: an attendance rate and approved modules."""

    __tablename__ = "completion_rules"
    __table_args__ = (
        sa.CheckConstraint("min_attendance_rate BETWEEN 0 AND 100", name="rate_is_a_percentage"),
    )

    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("cohorts.id", ondelete="CASCADE"), primary_key=True)
    min_attendance_rate: Mapped[int] = mapped_column(default=0)
    required_modules: Mapped[list[str]] = mapped_column(sa.JSON, default=list)


class Certificate(db.Model):
    """A completion certificate. Its texts are kept as issued, so later renames do not change it."""

    __tablename__ = "certificates"
    __table_args__ = (sa.UniqueConstraint("cohort_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("cohorts.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    holder: Mapped[str] = mapped_column(sa.String(200))
    program: Mapped[str] = mapped_column(sa.String(200))
    cohort: Mapped[str] = mapped_column(sa.String(200))
    starts_on: Mapped[dt.date] = mapped_column()
    ends_on: Mapped[dt.date] = mapped_column()
    modules: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    issued_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    withdrawn_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    """Set when the holder's account is erased: the holder's name is blanked and the public check says
    the certificate was withdrawn."""
