"""Curriculum rules: loading module files into versioned rows, assigning modules to cohorts.
Functions flush, never commit."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa

from fellowship.curriculum.loader import ModuleFile
from fellowship.curriculum.models import CohortModule, Module
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
