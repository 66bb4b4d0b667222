"""Curriculum rules: loading module files into versioned rows, assigning modules to cohorts.
Functions flush, never commit."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from fellowship.core import clock
from fellowship.curriculum.enums import WorksheetStatus
from fellowship.curriculum.loader import ModuleFile
from fellowship.curriculum.models import CohortModule, Module, Review, Worksheet, WorksheetRevision
from fellowship.extensions import db
from fellowship.programs.models import Cohort


@dataclass
class SyncResult:
    added: int = 0
    updated: int = 0
    unchanged: int = 0


def sync(files: list[ModuleFile]) -> SyncResult:
    """Load every module file. A new slug makes version 1; a changed file makes the next version and leaves
    the earlier one (and the work done on it) in place; an unchanged file does nothing."""
    result = SyncResult()
    latest = {m.slug: m for m in db.session.scalars(sa.select(Module).where(Module.current.is_(True)))}
    for file in files:
        existing = latest.get(file.slug)
        if existing is not None and existing.content_hash == file.content_hash:
            result.unchanged += 1
            continue
        if existing is not None:
            existing.current = False
            result.updated += 1
        else:
            result.added += 1
        db.session.add(
            Module(
                slug=file.slug,
                version=(existing.version + 1) if existing else 1,
                content_hash=file.content_hash,
                program_kind=file.program_kind,
                position=file.position,
                published_on=file.published_on,
                title=file.title,
                summary=file.summary,
                body=file.body,
                questions=file.questions,
                layout=file.layout,
                fields=file.fields,
                current=True,
            )
        )
    db.session.flush()
    return result


def assign(cohort: Cohort, slugs: list[str], due: dict[str, dt.date | None]) -> None:
    """Make ``slugs`` the cohort's modules in this order, with their due dates."""
    existing = {
        cm.slug: cm
        for cm in db.session.scalars(sa.select(CohortModule).where(CohortModule.cohort_id == cohort.id))
    }
    for slug, cm in existing.items():
        if slug not in slugs:
            db.session.delete(cm)
    for position, slug in enumerate(slugs):
        cm = existing.get(slug) or CohortModule(cohort_id=cohort.id, slug=slug)
        cm.position, cm.due_on = position, due.get(slug)
        db.session.add(cm)
    db.session.flush()


class WorksheetError(ValueError):
    """A rule of worksheets was broken; the message is shown to the user."""


class StaleRevision(WorksheetError):
    """The save started from an older revision than the one stored: another tab saved meanwhile."""

    def __init__(self, worksheet: Worksheet) -> None:
        super().__init__(_l("This worksheet was saved elsewhere since you opened it. Compare both versions."))
        self.worksheet = worksheet


def _check_base(worksheet: Worksheet, base_revision: int, base_draft: int) -> None:
    if (worksheet.revision_number, worksheet.draft_version) != (base_revision, base_draft):
        raise StaleRevision(worksheet)
    if worksheet.status in {WorksheetStatus.SUBMITTED, WorksheetStatus.APPROVED}:
        raise WorksheetError(_l("This worksheet is submitted; it can be changed again if the reviewer asks."))


def _new_worksheet(cohort: Cohort, user_id: int, module: Module, base_revision: int) -> Worksheet:
    if base_revision != 0:
        raise WorksheetError(_l("The worksheet could not be found. Reload the page."))
    worksheet = Worksheet(
        cohort_id=cohort.id, user_id=user_id, slug=module.slug, module_id=module.id, answers={}
    )
    db.session.add(worksheet)
    db.session.flush()
    return worksheet


def save_worksheet(
    worksheet: Worksheet | None,
    cohort: Cohort,
    user_id: int,
    module: Module,
    answers: dict[str, Any],
    base_revision: int,
    submit: bool,
    base_draft: int = 0,
) -> Worksheet:
    """Store the draft as a new revision (a submission when ``submit``); never over newer work.

    ``base_revision`` and ``base_draft`` say which revision and which autosave the form started from; when
    either moved on meanwhile (another tab saved), :class:`StaleRevision` is raised and nothing changes.
    """
    if worksheet is None:
        worksheet = _new_worksheet(cohort, user_id, module, base_revision)
    else:
        _check_base(worksheet, base_revision, base_draft)
    now = clock.now()
    worksheet.revision_number += 1
    worksheet.answers = answers
    worksheet.updated_at = now
    kind = "submission" if submit else "save"
    db.session.add(
        WorksheetRevision(
            worksheet_id=worksheet.id,
            number=worksheet.revision_number,
            kind=kind,
            answers=answers,
            saved_at=now,
        )
    )
    if submit:
        worksheet.status, worksheet.submitted_at = WorksheetStatus.SUBMITTED, now
    elif worksheet.status is WorksheetStatus.CHANGES_REQUESTED:
        worksheet.status = WorksheetStatus.DRAFT
    db.session.flush()
    return worksheet


def autosave_worksheet(
    worksheet: Worksheet | None,
    cohort: Cohort,
    user_id: int,
    module: Module,
    answers: dict[str, Any],
    base_revision: int,
    base_draft: int,
) -> Worksheet:
    """Overwrite the one working draft without keeping a revision (the page does this while typing).

    The same staleness rule as an explicit save applies, so two tabs never overwrite each other's text.
    The status stays as it is: a worksheet with changes requested still shows that until it is saved.
    """
    if worksheet is None:
        worksheet = _new_worksheet(cohort, user_id, module, base_revision)
        if base_draft != 0:
            raise WorksheetError(_l("The worksheet could not be found. Reload the page."))
    else:
        _check_base(worksheet, base_revision, base_draft)
    worksheet.answers = answers
    worksheet.draft_version += 1
    worksheet.updated_at = clock.now()
    db.session.flush()
    return worksheet


def review_worksheet(
    worksheet: Worksheet,
    reviewer_id: int,
    decision: WorksheetStatus,
    comment: str,
    field_comments: dict[str, str] | None = None,
) -> Review:
    """Approve the submission or ask for changes, with an overall comment and comments on single fields
    (only the module's own field names are kept, empty ones dropped)."""
    if worksheet.status is not WorksheetStatus.SUBMITTED:
        raise WorksheetError(_l("Only a submitted worksheet can be reviewed."))
    if decision not in {WorksheetStatus.APPROVED, WorksheetStatus.CHANGES_REQUESTED}:
        raise WorksheetError(_l("Approve the worksheet or ask for changes."))
    revision = db.session.scalar(
        sa.select(WorksheetRevision)
        .where(WorksheetRevision.worksheet_id == worksheet.id)
        .order_by(WorksheetRevision.number.desc())
        .limit(1)
    )
    assert revision is not None
    review = Review(
        worksheet_id=worksheet.id,
        revision_id=revision.id,
        reviewer_id=reviewer_id,
        decision=decision,
        comment=comment,
        field_comments={
            name: text.strip()
            for name, text in (field_comments or {}).items()
            if name in {f["name"] for f in worksheet.module.fields} and text.strip()
        },
        created_at=clock.now(),
    )
    db.session.add(review)
    worksheet.status = decision
    db.session.flush()
    return review


def previous_submission(worksheet: Worksheet) -> WorksheetRevision | None:
    """The submission before the latest one, which a reviewer compares the new one with."""
    return db.session.scalars(
        sa.select(WorksheetRevision)
        .where(WorksheetRevision.worksheet_id == worksheet.id, WorksheetRevision.kind == "submission")
        .order_by(WorksheetRevision.number.desc())
        .offset(1)
        .limit(1)
    ).first()


DONE = frozenset({WorksheetStatus.SUBMITTED, WorksheetStatus.APPROVED})


def next_module(
    modules: list[tuple[CohortModule, WorksheetStatus | None]],
) -> tuple[CohortModule, WorksheetStatus | None] | None:
    """The module a fellow should open next, from one cohort's modules in course order with the fellow's
    worksheet status (None: not started): of those neither submitted nor approved, the earliest due, undated
    ones last, course order breaking ties. None when every module is done."""
    open_modules = [(position, pair) for position, pair in enumerate(modules) if pair[1] not in DONE]
    if not open_modules:
        return None
    _position, pair = min(
        open_modules, key=lambda item: (item[1][0].due_on is None, item[1][0].due_on or dt.date.min, item[0])
    )
    return pair
