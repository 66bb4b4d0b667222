from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import defer, selectinload

from fellowship.accounts.models import User
from fellowship.core import clock
from fellowship.curriculum.enums import WorksheetStatus
from fellowship.curriculum.models import (
    CohortModule,
    CurriculumEditor,
    Module,
    ModuleDraft,
    Resource,
    Worksheet,
    WorksheetRevision,
)
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

    A material is a module (one slug), counted once in a period in which it was created (its first version)
    or substantively revised (a version its editor marked so, or a file whose authors changed its
    ``published_on``), each dated by its ``published_on``. Typo fixes, translations and re-syncs make new
    versions but no new material.
    """
    stmt = sa.select(sa.func.count(sa.distinct(Module.slug))).where(
        sa.or_(Module.version == 1, Module.substantive.is_(True)),
        Module.published_on >= start,
        Module.published_on <= end,
    )
    if program_kind is not None:
        stmt = stmt.where(Module.program_kind == program_kind)
    return stmt


# --- the module editor -------------------------------------------------------------------------------------


def editor_kinds(user_id: int) -> sa.Select[tuple[str]]:
    """The program kinds whose modules this person may edit by an administrator's grant."""
    return sa.select(CurriculumEditor.program_kind).where(CurriculumEditor.user_id == user_id)


def editors() -> sa.Select[tuple[CurriculumEditor, User]]:
    return (
        sa.select(CurriculumEditor, User)
        .join(User, User.id == CurriculumEditor.user_id)
        .order_by(CurriculumEditor.program_kind, sa.func.lower(User.name), User.id)
    )


def facilitators() -> sa.Select[tuple[User]]:
    """People who currently facilitate a cohort: those an administrator can make curriculum editors."""
    return (
        sa.select(User)
        .where(
            User.id.in_(
                sa.select(Membership.user_id).where(
                    Membership.role == Role.FACILITATOR, current_membership_clause(clock.today())
                )
            )
        )
        .order_by(sa.func.lower(User.name), User.id)
    )


def library(kinds: set[str] | None) -> sa.Select[tuple[Module, ModuleDraft | None]]:
    """Current modules of the given program kinds (None: all) with the draft in progress on each, if any;
    module contents left unread."""
    stmt = (
        sa.select(Module, ModuleDraft)
        .outerjoin(ModuleDraft, ModuleDraft.slug == Module.slug)
        .where(Module.current.is_(True))
        .options(
            *(defer(column, raiseload=True) for column in (Module.body, Module.questions, Module.fields))
        )
        .order_by(Module.program_kind, Module.position, Module.slug)
    )
    if kinds is not None:
        stmt = stmt.where(Module.program_kind.in_(kinds))
    return stmt


def new_module_drafts(kinds: set[str] | None) -> sa.Select[tuple[ModuleDraft]]:
    """Drafts of modules not published yet."""
    stmt = sa.select(ModuleDraft).where(ModuleDraft.base_version == 0).order_by(ModuleDraft.slug)
    if kinds is not None:
        stmt = stmt.where(ModuleDraft.program_kind.in_(kinds))
    return stmt


def module_usage(slug: str) -> sa.Select[tuple[Any, ...]]:
    """Every cohort that uses the module, with its program, its fellows and how many of them have work on
    the module: open drafts, and submitted or approved worksheets (which stay on their version). One query."""
    fellows = (
        sa.select(sa.func.count(Membership.id))
        .where(Membership.cohort_id == Cohort.id, Membership.role == Role.FELLOW)
        .correlate(Cohort)
        .scalar_subquery()
    )

    def sheets(statuses: list[WorksheetStatus]) -> Any:
        return (
            sa.select(sa.func.count(Worksheet.id))
            .where(Worksheet.cohort_id == Cohort.id, Worksheet.slug == slug, Worksheet.status.in_(statuses))
            .correlate(Cohort)
            .scalar_subquery()
        )

    return (
        sa.select(
            Cohort,
            fellows.label("fellows"),
            sheets([WorksheetStatus.DRAFT, WorksheetStatus.CHANGES_REQUESTED]).label("open"),
            sheets([WorksheetStatus.SUBMITTED, WorksheetStatus.APPROVED]).label("done"),
        )
        .join(CohortModule, CohortModule.cohort_id == Cohort.id)
        .where(CohortModule.slug == slug)
        .options(selectinload(Cohort.program))
        .order_by(Cohort.starts_on.desc(), Cohort.id)
    )


def versions(slug: str) -> sa.Select[tuple[Module]]:
    """Every version of a module, newest first, contents left unread."""
    return (
        sa.select(Module)
        .where(Module.slug == slug)
        .options(
            selectinload(Module.published_by),
            *(defer(column, raiseload=True) for column in (Module.body, Module.questions, Module.fields)),
        )
        .order_by(Module.version.desc())
    )


def editor_drafts(user_id: int) -> sa.Select[tuple[str, int]]:
    """The program kinds this person edits by grant, each with its drafts in progress."""
    return (
        sa.select(CurriculumEditor.program_kind, sa.func.count(ModuleDraft.id))
        .outerjoin(ModuleDraft, ModuleDraft.program_kind == CurriculumEditor.program_kind)
        .where(CurriculumEditor.user_id == user_id)
        .group_by(CurriculumEditor.program_kind)
        .order_by(CurriculumEditor.program_kind)
    )


def uses_module(user_id: int, slug: str) -> sa.Select[tuple[int]]:
    """A row when the person is now a member of some cohort that uses the module."""
    return (
        sa.select(Membership.id)
        .join(CohortModule, CohortModule.cohort_id == Membership.cohort_id)
        .where(
            CohortModule.slug == slug,
            Membership.user_id == user_id,
            current_membership_clause(clock.today()),
        )
        .limit(1)
    )


def module_resources_of_cohort(cohort_id: int) -> sa.Select[tuple[Any, ...]]:
    """The resources of the cohort's modules, with each module's current version, in course order."""
    return (
        sa.select(Resource, Module)
        .join(CohortModule, CohortModule.slug == Resource.module_slug)
        .join(Module, sa.and_(Module.slug == Resource.module_slug, Module.current.is_(True)))
        .where(CohortModule.cohort_id == cohort_id)
        .order_by(CohortModule.position, CohortModule.id, Resource.added_at, Resource.id)
    )
