"""Who may open a cohort's pages: the check every cohort-scoped view (here and in higher domains) uses."""

from __future__ import annotations

from typing import Any, TypeVar

import sqlalchemy as sa
from flask import abort
from flask_login import current_user

from fellowship.core.permissions import is_admin, require
from fellowship.extensions import db
from fellowship.programs import queries
from fellowship.programs.enums import Role
from fellowship.programs.models import Cohort


def cohort_role(cohort: Cohort) -> Role | None:
    """The signed-in person's current role in the cohort (None for admins who are not members)."""
    if not current_user.is_authenticated:
        return None
    return db.session.scalar(queries.role_in(current_user, cohort.id))


def require_cohort(cohort: Cohort, manage: bool = False) -> Role | None:
    """404 for people outside the cohort (its existence is private); 403 for members who may not manage it."""
    role = None if is_admin(current_user) else cohort_role(cohort)
    require(is_admin(current_user) or role is not None, hide=True)
    if manage:
        require(can_manage(role))
    return role


def can_manage(role: Role | None) -> bool:
    return is_admin(current_user) or role is Role.FACILITATOR


Scoped = TypeVar("Scoped")


def with_role(
    entity: type[Scoped], entity_id: int, cohort_id: Any, manage: bool = False
) -> tuple[Scoped, Role | None]:
    """``entity`` by id with the signed-in person's role in its cohort, read in one statement (the role as a
    scalar subquery on ``cohort_id``, a column of the entity), then checked as :func:`require_cohort` does.

    Every cohort-scoped page starts with this pair, so one round trip instead of two shows on all of them.
    """
    admin = is_admin(current_user)
    role_column: Any = sa.null()
    if current_user.is_authenticated and not admin:
        role_column = queries.role_in(current_user, cohort_id).limit(1).scalar_subquery()
    row = db.session.execute(
        sa.select(entity, role_column).where(entity.id == entity_id)  # type: ignore[attr-defined]
    ).first()
    if row is None:
        abort(404)
    found, role = row
    role = Role(role) if role is not None else None
    require(admin or role is not None, hide=True)
    if manage:
        require(can_manage(role))
    return found, role


def cohort_for(cohort_id: int, manage: bool = False) -> tuple[Cohort, Role | None]:
    return with_role(Cohort, cohort_id, Cohort.id, manage)
