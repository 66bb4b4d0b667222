"""Curriculum rules: loading module files into versioned rows, assigning modules to cohorts.
Functions flush, never commit."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from fellowship.core import audit, clock
from fellowship.curriculum import editing, loader, resources
from fellowship.curriculum.enums import WorksheetStatus
from fellowship.curriculum.loader import ModuleFile
from fellowship.curriculum.models import (
    CohortModule,
    CurriculumEditor,
    Module,
    ModuleDraft,
    Review,
    Worksheet,
    WorksheetRevision,
)
from fellowship.extensions import db
from fellowship.programs.models import Cohort


@dataclass
class SyncResult:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    kept: int = 0
    """Modules edited in the browser whose file has not changed since it was last loaded: the edit stands."""
    conflicts: list[str] = field(default_factory=list)
    drafts_behind: list[str] = field(default_factory=list)
    """Drafts in the module editor that started from a version this sync replaced."""


def sync(files: list[ModuleFile], overwrite: frozenset[str] = frozenset()) -> SyncResult:
    """Load every module file. A new slug makes version 1; a changed file makes the next version and leaves
    the earlier one (and the work done on it) in place; an unchanged file does nothing.

    A file never silently replaces an edit made in the browser (a current version whose ``source`` is
    ``browser``): if the file is as it was when last loaded, the edit stands (``kept``); if it equals the
    edit (exported into the folder), the version is marked as held by the file; if it changed too, it is a
    conflict naming both versions, and nothing at all is loaded unless its slug is in ``overwrite``.
    """
    result = SyncResult()
    latest = {m.slug: m for m in db.session.scalars(sa.select(Module).where(Module.current.is_(True)))}
    last_file = _last_file_versions({file.slug for file in files if file.slug in latest})
    changed: list[tuple[ModuleFile, Module | None]] = []
    for file in files:
        existing = latest.get(file.slug)
        if existing is not None and existing.content_hash == file.content_hash:
            existing.source = "file"  # an edit exported into the folder: the file holds it now
            result.unchanged += 1
        elif existing is not None and existing.source == "browser" and file.slug not in overwrite:
            base = last_file.get(file.slug)
            if base is not None and base.content_hash == file.content_hash:
                result.kept += 1
            else:
                result.conflicts.append(_conflict(file, existing, base))
        else:
            changed.append((file, existing))
    if result.conflicts:
        return result
    added: list[Module] = []
    for file, existing in changed:
        if existing is not None:
            existing.current = False
            result.updated += 1
        else:
            result.added += 1
        added.append(
            _version(
                file,
                (existing.version + 1) if existing else 1,
                source="file",
                # The file's authors date a module; a new date on a changed file says it is new material.
                substantive=existing is not None and file.published_on != existing.published_on,
            )
        )
    db.session.add_all(added)
    db.session.flush()
    for module in added:
        if module.version > 1:
            move_open_drafts(module)
    newer = {module.slug: module.version for module in added if module.version > 1}
    if newer:
        for draft in db.session.scalars(sa.select(ModuleDraft).where(ModuleDraft.slug.in_(newer))):
            result.drafts_behind.append(
                f"{draft.program_kind}/{draft.slug}: the draft in the browser started from version "
                f"{draft.base_version}; version {newer[draft.slug]} now comes from the file, so the draft "
                "cannot be published (download it, discard it, and edit the new version)"
            )
    return result


def _version(file: ModuleFile, version: int, **provenance: Any) -> Module:
    """The module's new current version, with the checked content of ``file`` and where it came from."""
    return Module(
        slug=file.slug,
        version=version,
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
        **provenance,
    )


def _last_file_versions(slugs: set[str]) -> dict[str, Module]:
    """Per slug, the newest version loaded from a file (what the file held when last synced)."""
    if not slugs:
        return {}
    newest = (
        sa.select(Module.slug, sa.func.max(Module.version).label("version"))
        .where(Module.slug.in_(slugs), Module.source == "file")
        .group_by(Module.slug)
        .subquery()
    )
    rows = db.session.scalars(
        sa.select(Module).join(
            newest, sa.and_(Module.slug == newest.c.slug, Module.version == newest.c.version)
        )
    )
    return {module.slug: module for module in rows}


def _conflict(file: ModuleFile, current: Module, base: Module | None) -> str:
    edited = f"version {current.version} was published in the browser on {current.published_on}"
    if current.published_by is not None:
        edited += f" by {current.published_by.name}"
    since = (
        f"the file changed since version {base.version} was loaded from it"
        if base is not None
        else "the module was created in the browser"
    )
    return (
        f"{file.program_kind}/{file.slug}.yaml: {since}, and {edited}. Export version {current.version} "
        f"(flask fellowship curriculum export {file.slug}), merge the two and sync again, or sync with "
        f"--overwrite {file.slug} to make the file version {current.version + 1}."
    )


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


# --- the module editor -------------------------------------------------------------------------------------


class EditorError(ValueError):
    """A rule of the module editor was broken; the message is shown to the editor."""


def start_draft(current: Module, user_id: int) -> ModuleDraft:
    """A draft of the module's next version, starting from its current one."""
    draft = ModuleDraft(
        slug=current.slug,
        program_kind=current.program_kind,
        base_version=current.version,
        data=editing.for_storage(loader.as_data(current)),
        edits=0,
        updated_by_id=user_id,
        updated_at=clock.now(),
    )
    db.session.add(draft)
    db.session.flush()
    return draft


def new_module_draft(slug: str, program_kind: str, title: str, user_id: int) -> ModuleDraft:
    """A draft of a module that does not exist yet (version 1 when published)."""
    taken = db.session.scalar(
        sa.select(sa.func.count()).select_from(
            sa.union_all(
                sa.select(Module.slug).where(Module.slug == slug),
                sa.select(ModuleDraft.slug).where(ModuleDraft.slug == slug),
            ).subquery()
        )
    )
    if taken:
        raise EditorError(_l("A module with this short name already exists; choose another."))
    draft = ModuleDraft(
        slug=slug,
        program_kind=program_kind,
        base_version=0,
        data={"slug": slug, "program_kind": program_kind, "order": 100, "title": {"en": title}, "fields": []},
        edits=0,
        updated_by_id=user_id,
        updated_at=clock.now(),
    )
    db.session.add(draft)
    db.session.flush()
    return draft


STALE_DRAFT = _l("Someone else saved this draft since you opened it. Reload the page to see their changes.")


def save_draft(draft: ModuleDraft, data: dict[str, Any], base_edits: int, user_id: int) -> None:
    """Store the draft's new data, unless someone saved (or published, or discarded) it since this editor
    opened it: one conditional UPDATE, so two saves at the same moment cannot both pass the check."""
    changed = db.session.execute(
        sa.update(ModuleDraft)
        .where(ModuleDraft.id == draft.id, ModuleDraft.edits == base_edits)
        .values(
            data=editing.for_storage(data),
            edits=base_edits + 1,
            updated_by_id=user_id,
            updated_at=clock.now(),
        )
        .execution_options(synchronize_session=False)
    )
    if changed.rowcount != 1:
        raise EditorError(STALE_DRAFT)
    db.session.expire(draft)


@dataclass
class Published:
    module: Module
    moved: int  # open drafts now on the new version
    kept: int  # open drafts left on their version (their answers do not fit)


def open_drafts(slug: str, lock: bool = False) -> list[Worksheet]:
    """Fellows' worksheets on this module that they can still change (a draft, or changes requested)."""
    stmt = (
        sa.select(Worksheet)
        .where(
            Worksheet.slug == slug,
            Worksheet.status.in_([WorksheetStatus.DRAFT, WorksheetStatus.CHANGES_REQUESTED]),
        )
        .order_by(Worksheet.id)
    )
    if lock:
        return list(db.session.scalars(stmt.with_for_update().options(selectinload(Worksheet.module))))
    options = (selectinload(Worksheet.module), selectinload(Worksheet.user), selectinload(Worksheet.cohort))
    return list(db.session.scalars(stmt.options(*options)))


def move_open_drafts(module: Module) -> tuple[int, int]:
    """Move the fellows' open drafts of the module onto ``module`` (its new version) where their answers fit
    it; the others stay on their version. Returns (moved, kept)."""
    moved = kept = 0
    for sheet in open_drafts(module.slug, lock=True):
        if sheet.module_id == module.id:
            continue
        if editing.misfits(sheet.module.fields, module.fields, sheet.answers):
            kept += 1
        else:
            sheet.module_id = module.id
            # A tab still open on the old fields is then told the worksheet changed, rather than
            # autosaving into fields that may be gone.
            sheet.draft_version += 1
            moved += 1
    db.session.flush()
    return moved, kept


def publish(draft: ModuleDraft, user_id: int, substantive: bool, note: str, base_edits: int) -> Published:
    """Make the draft the module's next version (version 1 for a new module) and delete the draft.

    The day of publication is today for a new module or a substantive revision, and stays the previous
    version's otherwise, so only new material counts as created in the funder report. Submitted and
    approved work stays on its version; an open draft moves to the new one when its answers fit it.

    The draft is locked and must still be the one the editor reviewed (``base_edits``): a save made while
    the publish page was open is not published unseen."""
    draft = db.session.scalar(
        sa.select(ModuleDraft)
        .where(ModuleDraft.id == draft.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if draft is None:
        raise EditorError(_l("Someone else published or discarded this draft meanwhile."))
    if draft.edits != base_edits:
        raise EditorError(STALE_DRAFT)
    module_file, problems = editing.check({**draft.data, "published_on": clock.today().isoformat()})
    if module_file is None:
        raise EditorError(_l("The draft has problems to fix before it can be published."))
    current = db.session.scalar(
        sa.select(Module).where(Module.slug == draft.slug, Module.current.is_(True)).with_for_update()
    )
    if (current.version if current else 0) != draft.base_version:
        # A fresh statement sees what another editor committed while this one waited for the lock.
        newest = db.session.scalar(sa.select(sa.func.max(Module.version)).where(Module.slug == draft.slug))
        raise EditorError(
            _l(
                "Version %(version)d of this module was published after this draft was started. "
                "Discard the draft and edit the new version.",
                version=newest or 0,
            )
        )
    if current is not None:
        module_file.published_on = current.published_on if not substantive else module_file.published_on
        module_file.content_hash = loader.content_hash(module_file)
        if module_file.content_hash == current.content_hash:
            raise EditorError(_l("Nothing has changed since the version published now."))
        current.current = False
    module = _version(
        module_file,
        (current.version + 1) if current else 1,
        source="browser",
        substantive=substantive and current is not None,
        change_note=note.strip(),
        published_by_id=user_id,
    )
    db.session.add(module)
    db.session.flush()
    moved, kept = move_open_drafts(module)
    audit.record(user_id, module, "published", {"version": [None, module.version]})
    db.session.delete(draft)
    db.session.flush()
    return Published(module, moved, kept)


def grant_editor(user_id: int, program_kind: str, granted_by: int) -> CurriculumEditor:
    editor = CurriculumEditor(
        user_id=user_id, program_kind=program_kind, granted_by_id=granted_by, granted_at=clock.now()
    )
    db.session.add(editor)
    db.session.flush()
    audit.record(granted_by, editor, "granted", {"program_kind": [None, program_kind]})
    return editor


def remove_editor(editor: CurriculumEditor, removed_by: int) -> None:
    audit.record(removed_by, editor, "removed", {"program_kind": [editor.program_kind, None]})
    db.session.delete(editor)
    db.session.flush()


def import_draft(module: ModuleFile, user_id: int) -> ModuleDraft:
    """A checked module file becomes the draft of the module it names (replacing a draft in progress, based
    on the current version) or of a new module. Refused when the slug belongs to another program kind here."""
    current = db.session.scalar(sa.select(Module).where(Module.slug == module.slug, Module.current.is_(True)))
    draft = db.session.scalar(sa.select(ModuleDraft).where(ModuleDraft.slug == module.slug))
    if {m.program_kind for m in (current, draft) if m is not None} - {module.program_kind}:
        raise EditorError(
            _l("A module named “%(slug)s” already exists here for another kind of program.", slug=module.slug)
        )
    if draft is None:
        draft = ModuleDraft(slug=module.slug, program_kind=module.program_kind, edits=0, data={})
        db.session.add(draft)
    draft.base_version = current.version if current else 0
    draft.data = editing.for_storage(loader.as_data(module))
    draft.edits += 1  # an editor with the draft open is then told it changed
    draft.updated_by_id, draft.updated_at = user_id, clock.now()
    db.session.flush()
    return draft


def discard_draft(draft: ModuleDraft, published: bool) -> list[str]:
    """Delete the draft; a module never published takes its resources along. Returns the stored files to
    delete from the store once the caller has committed (``resources.forget_file``)."""
    stored = []
    if not published:
        stored = [resources.remove(item) for item in db.session.scalars(resources.of_module(draft.slug))]
    db.session.delete(draft)
    db.session.flush()
    return [name for name in stored if name]


@dataclass
class Preview:
    """What publishing would do to fellows' open drafts: how many move, and the ones that stay, with why."""

    moving: int
    staying: list[tuple[Worksheet, list[editing.Misfit]]]


def preview_publication(slug: str, fields: list[dict[str, Any]]) -> Preview:
    moving, staying = 0, []
    for sheet in open_drafts(slug):
        misfits = editing.misfits(sheet.module.fields, fields, sheet.answers)
        if misfits:
            staying.append((sheet, misfits))
        else:
            moving += 1
    return Preview(moving, staying)
