from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import defer

from fellowship.accounts.models import User
from fellowship.core import clock
from fellowship.curriculum.enums import WorksheetStatus
from fellowship.curriculum.models import CohortModule, Module, Worksheet, WorksheetRevision
from fellowship.programs.enums import Role
from fellowship.programs.models import Cohort, Membership
from fellowship.programs.queries import current_membership_clause


def current_modules(program_kind: str) -> sa.Select[tuple[Module]]:
    return (
        sa.select(Module)
        .where(Module.current.is_(True), Module.program_kind == program_kind)
        .order_by(Module.position, Module.slug)
    )


def cohort_modules(cohort_id: int, *, contents: bool = True) -> sa.Select[tuple[CohortModule, Module]]:
    """The cohort's modules in order, each with the current version of its module (one query).

    ``contents=False`` is for lists (titles, summaries, slugs): a module's reading, questions and fields in
    five languages are most of its size, and a list of twelve would read and parse them all. Touching one
    of them on such a row raises instead of issuing a query per module.
    """
    return (
        _assigned_modules(contents)
        .where(CohortModule.cohort_id == cohort_id)
        .order_by(CohortModule.position, CohortModule.id)
    )


def _assigned_modules(contents: bool) -> sa.Select[tuple[CohortModule, Module]]:
    stmt = sa.select(CohortModule, Module).join(
        Module, sa.and_(Module.slug == CohortModule.slug, Module.current.is_(True))
    )
    if not contents:
        stmt = stmt.options(
            *(defer(column, raiseload=True) for column in (Module.body, Module.questions, Module.fields))
        )
    return stmt


def fellow_modules(user_id: int, cohort_ids: list[int]) -> sa.Select[tuple[Any, ...]]:
    """Every module of the given cohorts with the fellow's worksheet status there (None: not started), the
    cohort and the module's title, in cohort and module order; one query, module contents left unread."""
    return (
        _assigned_modules(contents=False)
        .where(CohortModule.cohort_id.in_(cohort_ids))
        .add_columns(Worksheet.status, Cohort)
        .outerjoin(
            Worksheet,
            sa.and_(
                Worksheet.cohort_id == CohortModule.cohort_id,
                Worksheet.slug == CohortModule.slug,
                Worksheet.user_id == user_id,
            ),
        )
        .join(Cohort, Cohort.id == CohortModule.cohort_id)
        .order_by(Cohort.starts_on.desc(), Cohort.id, CohortModule.position, CohortModule.id)
    )


def review_queue(user_id: int | None) -> sa.Select[tuple[Any, ...]]:
    """Submitted worksheets waiting for a decision, oldest first, each with its fellow, cohort, module and
    how many times it has been submitted (more than once: a resubmission after requested changes).

    ``user_id`` limits the queue to the cohorts that person facilitates; None (admins) means every cohort.
    One query, whatever the number of cohorts, fellows and modules.
    """
    submissions = (
        sa.select(sa.func.count(WorksheetRevision.id))
        .where(WorksheetRevision.worksheet_id == Worksheet.id, WorksheetRevision.kind == "submission")
        .correlate(Worksheet)
        .scalar_subquery()
    )
    stmt = (
        sa.select(Worksheet, User, Cohort, Module, submissions.label("submissions"))
        .join(User, User.id == Worksheet.user_id)
        .join(Cohort, Cohort.id == Worksheet.cohort_id)
        .join(Module, Module.id == Worksheet.module_id)
        .where(Worksheet.status == WorksheetStatus.SUBMITTED)
        .order_by(Worksheet.submitted_at, Worksheet.id)
    )
    if user_id is not None:
        facilitated = sa.select(Membership.cohort_id).where(
            Membership.user_id == user_id,
            Membership.role == Role.FACILITATOR,
            current_membership_clause(clock.today()),
        )
        stmt = stmt.where(Worksheet.cohort_id.in_(facilitated))
    return stmt


def materials_published(
    start: dt.date, end: dt.date, program_kind: str | None = None
) -> sa.Select[tuple[int]]:
    """How many curriculum materials were created in [start, end], for the impact report.

    A material is a module (one slug); its date is the ``published_on`` its current file states, not the
    day it was loaded, so re-syncing or revising wording does not make it new again unless the authors
    change that date.
    """
    stmt = sa.select(sa.func.count(sa.distinct(Module.slug))).where(
        Module.current.is_(True), Module.published_on >= start, Module.published_on <= end
    )
    if program_kind is not None:
        stmt = stmt.where(Module.program_kind == program_kind)
    return stmt
