"""Reads of contests: what a person may do in each, and the figures the home page's blocks show.

Each returns a statement that answers for every contest at once (the counts are subqueries), so a page
that lists contests sends the same number of queries for two contests or two hundred.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from fellowship.awards.enums import PUBLIC_PHASES, Phase, ProjectStatus
from fellowship.awards.models import (
    ConflictOfInterest,
    Contest,
    Criterion,
    JurorAssignment,
    Project,
    Score,
    Vote,
)
from fellowship.programs.enums import Role
from fellowship.programs.models import Cohort, Membership
from fellowship.programs.queries import current_membership_clause


def _count(column: Any, *where: sa.ColumnElement[bool]) -> sa.ScalarSelect[int]:
    return sa.select(sa.func.count(column)).where(*where).scalar_subquery()


def fellow_programs(user_id: int, today: dt.date) -> sa.Select[tuple[int]]:
    """The programs where the person is currently a fellow: the contests they may enter."""
    return (
        sa.select(Cohort.program_id)
        .join(Membership, Membership.cohort_id == Cohort.id)
        .where(
            Membership.user_id == user_id,
            Membership.role == Role.FELLOW,
            current_membership_clause(today),
        )
    )


def contests_for(user_id: int, admin: bool, today: dt.date) -> sa.Select[tuple[Contest, bool, bool]]:
    """The contests list, newest first, each with whether the person is its juror and whether they are an
    entrant (they may enter it, or have entered it). Admins see every contest; anyone else those they
    judge or entered, those open for submissions that they may enter, and those whose pages are public
    (from voting on: anybody may open them, so everybody signed in finds them here too)."""
    juror = Contest.id.in_(sa.select(JurorAssignment.contest_id).where(JurorAssignment.user_id == user_id))
    entered = Contest.id.in_(sa.select(Project.contest_id).where(Project.submitted_by_id == user_id))
    may_enter = Contest.program_id.in_(fellow_programs(user_id, today))
    stmt = sa.select(
        Contest, juror.label("is_juror"), sa.or_(may_enter, entered).label("is_entrant")
    ).order_by(Contest.created_at.desc(), Contest.id.desc())
    if not admin:
        stmt = stmt.where(
            sa.or_(
                juror,
                entered,
                sa.and_(Contest.phase == Phase.SUBMISSIONS, may_enter),
                Contest.phase.in_(PUBLIC_PHASES),
            )
        )
    return stmt


def juror_progress(user_id: int) -> sa.Select[tuple[Contest, int, int]]:
    """The contests in judging where the person is a juror who has not submitted yet, each with how many
    projects they may score (accepted, minus their conflicts) and how many of those they scored fully."""
    criteria = _count(Criterion.id, Criterion.contest_id == Project.contest_id)
    filled = _count(
        Score.id, Score.user_id == user_id, Score.project_id == Project.id, Score.points.is_not(None)
    )
    conflict = sa.exists().where(
        ConflictOfInterest.user_id == user_id, ConflictOfInterest.project_id == Project.id
    )
    mine = sa.select(JurorAssignment.contest_id).where(JurorAssignment.user_id == user_id)
    per_project = (
        sa.select(Project.contest_id, sa.case((filled >= criteria, 1), else_=0).label("done"))
        .where(Project.contest_id.in_(mine), Project.status == ProjectStatus.ACCEPTED, ~conflict)
        .subquery()
    )
    per_contest = (
        sa.select(
            per_project.c.contest_id,
            sa.func.count().label("total"),
            sa.func.sum(per_project.c.done).label("done"),
        )
        .group_by(per_project.c.contest_id)
        .subquery()
    )
    return (
        sa.select(
            Contest,
            sa.func.coalesce(per_contest.c.total, 0),
            sa.func.coalesce(per_contest.c.done, 0),
        )
        .join(JurorAssignment, JurorAssignment.contest_id == Contest.id)
        .outerjoin(per_contest, per_contest.c.contest_id == Contest.id)
        .options(joinedload(Contest.program))
        .where(
            JurorAssignment.user_id == user_id,
            JurorAssignment.submitted_at.is_(None),
            Contest.phase == Phase.JUDGING,
        )
        .order_by(Contest.judging_closes_at.is_(None), Contest.judging_closes_at, Contest.id)
    )


def contest_figures() -> sa.Select[tuple[Contest, int, int, int, int, int]]:
    """Every contest whose results are not yet published, with the figures its next step needs: projects
    and those waiting for review, jurors and those who submitted, confirmed (unvoided) votes."""
    return (
        sa.select(
            Contest,
            _count(Project.id, Project.contest_id == Contest.id).label("projects"),
            _count(
                Project.id, Project.contest_id == Contest.id, Project.status == ProjectStatus.SUBMITTED
            ).label("waiting"),
            _count(JurorAssignment.id, JurorAssignment.contest_id == Contest.id).label("jurors"),
            _count(
                JurorAssignment.id,
                JurorAssignment.contest_id == Contest.id,
                JurorAssignment.submitted_at.is_not(None),
            ).label("jurors_submitted"),
            _count(Vote.id, Vote.contest_id == Contest.id, Vote.voided.is_(False)).label("votes"),
        )
        .options(joinedload(Contest.program))
        .where(Contest.phase != Phase.PUBLISHED)
        .order_by(Contest.created_at.desc(), Contest.id.desc())
    )


def open_for_entries(cohort_ids: Iterable[int], now: dt.datetime) -> sa.Select[tuple[Contest]]:
    """Contests of these cohorts' programs whose submissions are open now."""
    programs = sa.select(Cohort.program_id).where(Cohort.id.in_(list(cohort_ids)))
    return (
        sa.select(Contest)
        .options(joinedload(Contest.program))
        .where(
            Contest.program_id.in_(programs),
            Contest.phase == Phase.SUBMISSIONS,
            sa.or_(Contest.submissions_close_at.is_(None), Contest.submissions_close_at > now),
        )
        .order_by(Contest.submissions_close_at.is_(None), Contest.submissions_close_at, Contest.id)
    )


def entries_of(user_id: int, contest_ids: Iterable[int]) -> sa.Select[tuple[Project]]:
    return (
        sa.select(Project)
        .where(Project.submitted_by_id == user_id, Project.contest_id.in_(list(contest_ids)))
        .order_by(Project.id)
    )
