"""Reads of the impact domain: a person's roles in a program, its reporting periods, and the home blocks'
figures. Each returns a statement; who may read what is decided in :mod:`fellowship.impact.access`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager

from fellowship.attendance.enums import ATTENDED, Status
from fellowship.attendance.models import AttendanceRecord
from fellowship.events.models import Event, EventInvitation
from fellowship.impact.enums import ReportStatus
from fellowship.impact.models import Certificate, CompletionRule, ReportingPeriod
from fellowship.programs.enums import Role
from fellowship.programs.models import Cohort, Membership, Program
from fellowship.programs.queries import current_membership_clause


def program_roles(user_id: int, program_id: int, today: dt.date) -> sa.Select[tuple[Role]]:
    """The person's current roles across the program's cohorts (each once)."""
    return (
        sa.select(Membership.role)
        .join(Cohort, Cohort.id == Membership.cohort_id)
        .where(
            Cohort.program_id == program_id,
            Membership.user_id == user_id,
            current_membership_clause(today),
        )
        .distinct()
    )


def periods(program_id: int, submitted_only: bool) -> sa.Select[tuple[ReportingPeriod]]:
    """The program's reporting periods, newest first; only the submitted ones when ``submitted_only``."""
    stmt = (
        sa.select(ReportingPeriod)
        .where(ReportingPeriod.program_id == program_id)
        .order_by(ReportingPeriod.starts_on.desc())
    )
    if submitted_only:
        stmt = stmt.where(ReportingPeriod.status == ReportStatus.SUBMITTED)
    return stmt


def readable_events(
    user_id: int, program_id: int, start: dt.datetime, end: dt.datetime, today: dt.date
) -> sa.Select[tuple[int]]:
    """The ids of the program's events starting in [start, end) whose evaluation summary the person may
    read: those of the cohorts they facilitate or observe."""
    return (
        sa.select(Event.id)
        .join(Membership, Membership.cohort_id == Event.cohort_id)
        .join(Cohort, Cohort.id == Event.cohort_id)
        .where(
            Cohort.program_id == program_id,
            Membership.user_id == user_id,
            Membership.role.in_([Role.FACILITATOR, Role.OBSERVER]),
            current_membership_clause(today),
            Event.starts_at >= start,
            Event.starts_at < end,
        )
    )


def _programs_of(cohort_ids: Sequence[int] | None) -> Any:
    """A filter on a program id column: the programs of these cohorts (every program when None)."""
    return None if cohort_ids is None else sa.select(Cohort.program_id).where(Cohort.id.in_(cohort_ids))


def current_drafts(
    cohort_ids: Sequence[int] | None, today: dt.date
) -> sa.Select[tuple[ReportingPeriod, Program]]:
    """Per program of these cohorts (every program when None), its current draft report: the draft whose
    dates contain ``today``, else the latest draft. One row per program that has a draft."""
    contains = sa.and_(ReportingPeriod.starts_on <= today, ReportingPeriod.ends_on >= today)
    rank = (
        sa.func.row_number()
        .over(
            partition_by=ReportingPeriod.program_id,
            order_by=(
                sa.case((contains, 0), else_=1),
                ReportingPeriod.starts_on.desc(),
                ReportingPeriod.id.desc(),
            ),
        )
        .label("rank")
    )
    ranked = sa.select(ReportingPeriod.id, rank).where(ReportingPeriod.status == ReportStatus.DRAFT)
    programs = _programs_of(cohort_ids)
    if programs is not None:
        ranked = ranked.where(ReportingPeriod.program_id.in_(programs))
    first = ranked.subquery()
    return (
        sa.select(ReportingPeriod, Program)
        .join(first, first.c.id == ReportingPeriod.id)
        .join(Program, Program.id == ReportingPeriod.program_id)
        .where(first.c.rank == 1)
        .order_by(sa.func.lower(Program.name), Program.id)
    )


def submitted_periods(cohort_ids: Sequence[int], per_program: int) -> sa.Select[tuple[ReportingPeriod]]:
    """The newest ``per_program`` submitted reports of each program of these cohorts, newest first."""
    rank = (
        sa.func.row_number()
        .over(
            partition_by=ReportingPeriod.program_id,
            order_by=(ReportingPeriod.starts_on.desc(), ReportingPeriod.id.desc()),
        )
        .label("rank")
    )
    newest = (
        sa.select(ReportingPeriod.id, rank)
        .where(
            ReportingPeriod.status == ReportStatus.SUBMITTED,
            ReportingPeriod.program_id.in_(_programs_of(cohort_ids)),
        )
        .subquery()
    )
    return (
        sa.select(ReportingPeriod)
        .join(newest, newest.c.id == ReportingPeriod.id)
        .where(newest.c.rank <= per_program)
        .order_by(ReportingPeriod.program_id, ReportingPeriod.starts_on.desc(), ReportingPeriod.id.desc())
    )


def fellows_below_minimum(
    cohort_ids: Sequence[int] | None, now: dt.datetime, today: dt.date
) -> sa.Select[tuple[Cohort, int, int]]:
    """Per cohort (these, or every cohort when None): how many current fellows have an attendance rate
    below the minimum of the cohort's completion rule, and that minimum (per cent). Cohorts with none are
    left out.

    The rate is the one :func:`fellowship.attendance.reports.cohort_report` gives and the completion rule
    reads: days attended (present or late) over the days recorded since the fellow joined, excused days
    left out, for the cohort's past events that were not cancelled. A fellow with no recorded day yet has
    no rate, so is not below it. One grouped query, whatever the number of cohorts, fellows and days.
    """
    attended = sa.func.sum(sa.case((AttendanceRecord.status.in_([s.value for s in ATTENDED]), 1), else_=0))
    excused = sa.func.sum(sa.case((AttendanceRecord.status == Status.EXCUSED.value, 1), else_=0))
    per_fellow = (
        sa.select(
            Membership.cohort_id.label("cohort_id"),
            attended.label("attended"),
            (sa.func.count() - excused).label("base"),
        )
        .select_from(AttendanceRecord)
        .join(EventInvitation, EventInvitation.id == AttendanceRecord.invitation_id)
        .join(Event, Event.id == EventInvitation.event_id)
        .join(
            Membership,
            sa.and_(Membership.cohort_id == Event.cohort_id, Membership.user_id == EventInvitation.user_id),
        )
        .where(
            Membership.role == Role.FELLOW,
            current_membership_clause(today),
            Event.starts_at <= now,
            Event.cancelled_at.is_(None),
            AttendanceRecord.day >= Membership.joined_on,
        )
        .group_by(Membership.cohort_id, Membership.id)
    )
    if cohort_ids is not None:
        per_fellow = per_fellow.where(Membership.cohort_id.in_(cohort_ids))
    rates = per_fellow.subquery()
    minimum = sa.func.coalesce(CompletionRule.min_attendance_rate, Cohort.min_attendance_rate, 0)
    return (
        sa.select(Cohort, sa.func.count(), sa.func.max(minimum))
        .join(rates, rates.c.cohort_id == Cohort.id)
        .outerjoin(CompletionRule, CompletionRule.cohort_id == Cohort.id)
        .where(minimum > 0, rates.c.base > 0, rates.c.attended * 100 < minimum * rates.c.base)
        .group_by(Cohort.id)
        .order_by(Cohort.starts_on.desc(), Cohort.id)
    )


def cohorts_with_programs(cohort_ids: Sequence[int]) -> sa.Select[tuple[Cohort]]:
    """These cohorts with their programs loaded, by program name, newest cohort first."""
    return (
        sa.select(Cohort)
        .join(Cohort.program)
        .options(contains_eager(Cohort.program))
        .where(Cohort.id.in_(cohort_ids))
        .order_by(sa.func.lower(Program.name), Program.id, Cohort.starts_on.desc(), Cohort.id)
    )


def certificates_of(user_id: int, cohort_ids: Sequence[int]) -> sa.Select[tuple[Certificate]]:
    """The person's certificates from these cohorts, newest first."""
    return (
        sa.select(Certificate)
        .where(Certificate.user_id == user_id, Certificate.cohort_id.in_(cohort_ids))
        .order_by(Certificate.issued_at.desc())
    )
