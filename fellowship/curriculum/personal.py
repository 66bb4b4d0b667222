"""Curriculum's part of "download my data" and of erasure (``core.personal_data``)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from fellowship.core import personal_data
from fellowship.curriculum.models import (
    CurriculumEditor,
    Module,
    ModuleDraft,
    Resource,
    Review,
    Worksheet,
    WorksheetRevision,
)
from fellowship.extensions import db


def export(user: Any) -> list[dict[str, Any]]:
    sheets = db.session.scalars(
        sa.select(Worksheet).where(Worksheet.user_id == user.id).order_by(Worksheet.cohort_id, Worksheet.slug)
    )
    return [
        {
            "module": sheet.slug,
            "status": sheet.status.value,
            "answers": sheet.answers,
            "submitted_at": sheet.submitted_at.isoformat() if sheet.submitted_at else None,
        }
        for sheet in sheets
    ]


def erase(erasure: personal_data.Erasure) -> None:
    """The worksheets' text goes: the answers, every saved revision and the reviewers' comments on them.
    Each worksheet row stays with its status, so module completion figures stay right. Reviews the person
    wrote as a facilitator stay (they are about someone else's work) under the placeholder."""
    mine = sa.select(Worksheet.id).where(Worksheet.user_id == erasure.user.id).scalar_subquery()
    db.session.execute(
        sa.update(Review).where(Review.worksheet_id.in_(mine)).values(comment="", field_comments={})
    )
    db.session.execute(
        sa.update(WorksheetRevision).where(WorksheetRevision.worksheet_id.in_(mine)).values(answers={})
    )
    db.session.execute(sa.update(Worksheet).where(Worksheet.user_id == erasure.user.id).values(answers={}))


personal_data.register(
    "worksheets", export, erase=erase, tables=("worksheets", "worksheet_revisions", "reviews")
)


def export_editing(user: Any) -> dict[str, Any]:
    return {
        "edits_program_kinds": list(
            db.session.scalars(
                sa.select(CurriculumEditor.program_kind)
                .where(CurriculumEditor.user_id == user.id)
                .order_by(CurriculumEditor.program_kind)
            )
        ),
        "published_module_versions": [
            {"module": slug, "version": version, "published_on": day.isoformat(), "change_note": note}
            for slug, version, day, note in db.session.execute(
                sa.select(Module.slug, Module.version, Module.published_on, Module.change_note)
                .where(Module.published_by_id == user.id)
                .order_by(Module.slug, Module.version)
            )
        ],
        "resources_added": [
            {"title": title, "module": slug, "cohort_id": cohort_id, "link": url, "file": filename}
            for title, slug, cohort_id, url, filename in db.session.execute(
                sa.select(
                    Resource.title, Resource.module_slug, Resource.cohort_id, Resource.url, Resource.filename
                )
                .where(Resource.added_by_id == user.id)
                .order_by(Resource.id)
            )
        ],
        "module_drafts_last_saved": list(
            db.session.scalars(
                sa.select(ModuleDraft.slug)
                .where(ModuleDraft.updated_by_id == user.id)
                .order_by(ModuleDraft.slug)
            )
        ),
    }


def erase_editing(erasure: personal_data.Erasure) -> None:
    """An erased person edits nothing any more (their grants go). The module versions they published, the
    drafts they saved and the resources they added are teaching material, not about them: they stay,
    credited to the placeholder, with the person's name scrubbed from change notes and resource titles."""
    db.session.execute(sa.delete(CurriculumEditor).where(CurriculumEditor.user_id == erasure.user.id))
    erasure.scrub_rows(Module, ["change_note"])
    erasure.scrub_rows(Resource, ["title"])


personal_data.register(
    "curriculum editing",
    export_editing,
    erase=erase_editing,
    tables=("curriculum_editors", "module_drafts", "modules", "resources"),
)
