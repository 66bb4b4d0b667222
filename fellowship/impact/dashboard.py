"""The program dashboard: monthly trends and the same figures per partner organisation.

Each figure is one grouped query over the whole program, whatever its size. Months are the program's
local months: attendance days, assistance dates and joining dates are already local dates, and moments
(worksheet approvals) are placed in the local month they fell in, so an approval at 21:00 on 31 January in
Chicago (03:00 UTC on 1 February) counts in January.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from fellowship.accounts.models import Organization, User
from fellowship.attendance.enums import ATTENDED, Status
from fellowship.attendance.models import AttendanceRecord
from fellowship.curriculum.enums import WorksheetStatus
from fellowship.curriculum.models import Review, Worksheet
from fellowship.events.models import Event, EventInvitation
from fellowship.extensions import db
from fellowship.groups import queries as group_queries
from fellowship.impact.models import AssistanceLog
from fellowship.programs.enums import Role
from fellowship.programs.models import Cohort, Membership, Program


def month_of(column: Any) -> Any:
    """'YYYY-MM' of a date or timestamp column, in SQL, for SQLite and PostgreSQL alike."""
    # The format is a literal, not a bound parameter: PostgreSQL only matches a SELECT expression to its
    # GROUP BY twin when both are written the same, and two parameters are two different expressions.
    if db.session.get_bind().dialect.name == "postgresql":
        return sa.func.to_char(column, sa.literal_column("'YYYY-MM'"))
    return sa.func.strftime(sa.literal_column("'%Y-%m'"), column)


def local_month_of(column: Any, zone: ZoneInfo, first: dt.datetime, last: dt.datetime) -> Any:
    """'YYYY-MM' of a UTC timestamp column as a month of ``zone``, for moments from ``first`` to ``last``.

    Neither SQLite nor a portable SQL knows time-zone rules, so the local months' bounds are worked out
    here (daylight saving included) and the database only compares: one CASE branch per month spanned.
    """
    start = first.astimezone(zone).replace(day=1, hour=0, minute=0, second=0, microsecond=0, tzinfo=None)
    branches = []
    while True:
        following = (start + dt.timedelta(days=32)).replace(day=1)
        upper = following.replace(tzinfo=zone).astimezone(dt.UTC)
        branches.append((column < upper, start.strftime("%Y-%m")))
        if upper > last:
            break
        start = following
    return sa.case(*branches, else_=None)


@dataclass
class Month:
    month: str
    attendance_rate: float | None = None
    approvals: int = 0
    ta_hours: float = 0.0
    fellows_joined: int = 0


@dataclass
class Partner:
    name: str
    fellows: int = 0
    attendance_rate: float | None = None
    approvals: int = 0
    ta_hours: float = 0.0


@dataclass
class Dashboard:
    fellows_active: int
    modules_approved: int
    worksheets: int
    months: list[Month] = field(default_factory=list)
    partners: list[Partner] = field(default_factory=list)


def _rate(attended: int, counted: int, excused: int) -> float | None:
    base = counted - excused
    return attended / base if base > 0 else None


def build(program: Program, today: Any) -> Dashboard:
    fellows = (
        sa.select(Membership.user_id, Membership.joined_on)
        .join(Cohort, Cohort.id == Membership.cohort_id)
        .where(Cohort.program_id == program.id, Membership.role == Role.FELLOW)
    )
    active = (
        db.session.scalar(
            sa.select(sa.func.count(sa.distinct(Membership.user_id)))
            .join(Cohort, Cohort.id == Membership.cohort_id)
            .where(
                Cohort.program_id == program.id,
                Membership.role == Role.FELLOW,
                sa.or_(Membership.left_on.is_(None), Membership.left_on > today),
            )
        )
        or 0
    )
    in_program = sa.and_(Cohort.id == Event.cohort_id, Cohort.program_id == program.id)
    record_rows = (
        sa.select(
            AttendanceRecord.day,
            AttendanceRecord.status,
            User.organization_id,
        )
        .join(EventInvitation, EventInvitation.id == AttendanceRecord.invitation_id)
        .join(Event, Event.id == EventInvitation.event_id)
        .join(Cohort, in_program)
        .join(User, User.id == EventInvitation.user_id)
        .join(Membership, sa.and_(Membership.user_id == User.id, Membership.cohort_id == Cohort.id))
        .where(Membership.role == Role.FELLOW)
        .subquery()
    )
    attended = sa.func.sum(sa.case((record_rows.c.status.in_([s.value for s in ATTENDED]), 1), else_=0))
    excused = sa.func.sum(sa.case((record_rows.c.status == Status.EXCUSED.value, 1), else_=0))
    months: dict[str, Month] = {}

    def month(key: str) -> Month:
        return months.setdefault(key, Month(key))

    for key, a, n, e in db.session.execute(
        sa.select(month_of(record_rows.c.day), attended, sa.func.count(), excused).group_by(
            month_of(record_rows.c.day)
        )
    ):
        month(key).attendance_rate = _rate(int(a or 0), int(n), int(e or 0))
    approvals = (
        sa.select(Review.created_at, User.organization_id)
        .join(Worksheet, Worksheet.id == Review.worksheet_id)
        .join(Cohort, Cohort.id == Worksheet.cohort_id)
        .join(User, User.id == Worksheet.user_id)
        .where(Cohort.program_id == program.id, Review.decision == WorksheetStatus.APPROVED)
        .subquery()
    )
    first, last = db.session.execute(
        sa.select(sa.func.min(approvals.c.created_at), sa.func.max(approvals.c.created_at))
    ).one()
    if first is not None:
        # Grouped through a subquery: PostgreSQL would not match a CASE full of bound parameters in the
        # SELECT list to its copy in GROUP BY.
        approved_in = sa.select(
            local_month_of(approvals.c.created_at, ZoneInfo(program.timezone), first, last).label("month")
        ).subquery()
        for key, count in db.session.execute(
            sa.select(approved_in.c.month, sa.func.count()).group_by(approved_in.c.month)
        ):
            if key is not None:  # a moment past the reckoned months (stored at the calendar's far end)
                month(key).approvals = count
    # The TA log and the working groups' interviews: every hour of assistance the program gave.
    logs = sa.union_all(
        sa.select(
            AssistanceLog.given_on.label("held_on"),
            AssistanceLog.organization_id.label("organization_id"),
            AssistanceLog.hours.label("hours"),
        ).where(AssistanceLog.program_id == program.id),
        group_queries.interview_hours(program.id),
    ).subquery()
    for key, hours in db.session.execute(
        sa.select(month_of(logs.c.held_on), sa.func.sum(logs.c.hours)).group_by(month_of(logs.c.held_on))
    ):
        month(key).ta_hours = float(hours or 0)
    joined = fellows.subquery()
    for key, count in db.session.execute(
        sa.select(month_of(joined.c.joined_on), sa.func.count()).group_by(month_of(joined.c.joined_on))
    ):
        month(key).fellows_joined = count

    partners: dict[int | None, Partner] = {}
    names = dict(db.session.execute(sa.select(Organization.id, Organization.name)).all())

    def partner(org_id: int | None) -> Partner:
        return partners.setdefault(org_id, Partner(names.get(org_id, "") if org_id else ""))

    for org_id, count in db.session.execute(
        sa.select(User.organization_id, sa.func.count(sa.distinct(User.id)))
        .join(joined, joined.c.user_id == User.id)
        .group_by(User.organization_id)
    ):
        partner(org_id).fellows = count
    for org_id, a, n, e in db.session.execute(
        sa.select(record_rows.c.organization_id, attended, sa.func.count(), excused).group_by(
            record_rows.c.organization_id
        )
    ):
        partner(org_id).attendance_rate = _rate(int(a or 0), int(n), int(e or 0))
    for org_id, count in db.session.execute(
        sa.select(approvals.c.organization_id, sa.func.count()).group_by(approvals.c.organization_id)
    ):
        partner(org_id).approvals = count
    for org_id, hours in db.session.execute(
        sa.select(logs.c.organization_id, sa.func.sum(logs.c.hours)).group_by(logs.c.organization_id)
    ):
        if org_id is not None:
            partner(org_id).ta_hours = float(hours or 0)
    worksheets = (
        db.session.scalar(
            sa.select(sa.func.count(Worksheet.id))
            .join(Cohort, Cohort.id == Worksheet.cohort_id)
            .where(Cohort.program_id == program.id)
        )
        or 0
    )
    approved = (
        db.session.scalar(
            sa.select(sa.func.count(Worksheet.id))
            .join(Cohort, Cohort.id == Worksheet.cohort_id)
            .where(Cohort.program_id == program.id, Worksheet.status == WorksheetStatus.APPROVED)
        )
        or 0
    )
    return Dashboard(
        fellows_active=active,
        modules_approved=approved,
        worksheets=worksheets,
        months=[months[k] for k in sorted(months)][-24:],
        partners=sorted(partners.values(), key=lambda p: (p.name == "", p.name.lower())),
    )
