from __future__ import annotations

import sqlalchemy as sa

from fellowship.curriculum.models import CohortModule, Module


def current_modules(program_kind: str) -> sa.Select[tuple[Module]]:
    return (
        sa.select(Module)
        .where(Module.current.is_(True), Module.program_kind == program_kind)
        .order_by(Module.position, Module.slug)
    )


def cohort_modules(cohort_id: int) -> sa.Select[tuple[CohortModule, Module]]:
    """The cohort's modules in order, each with the current version of its module (one query)."""
    return (
        sa.select(CohortModule, Module)
        .join(Module, sa.and_(Module.slug == CohortModule.slug, Module.current.is_(True)))
        .where(CohortModule.cohort_id == cohort_id)
        .order_by(CohortModule.position, CohortModule.id)
    )
