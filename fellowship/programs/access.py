"""Who may open a cohort's pages: the check every cohort-scoped view (here and in higher domains) uses."""

from __future__ import annotations

import functools
from typing import Any, TypeVar

import sqlalchemy as sa
from flask import abort, g, has_request_context
from flask_login import current_user

from fellowship.core import clock
from fellowship.core.permissions import is_admin, require
from fellowship.extensions import db
from fellowship.programs import queries
from fellowship.programs.enums import Role
from fellowship.programs.models import Cohort


def cohort_role(cohort: Cohort) -> Role | None:
    """The signed-in person's current role in the cohort (None for admins who are not members)."""
    if not current_user.is_authenticated:
        return None
    return db.session.scalar(queries.role_in(current_user.id, cohort.id, clock.today()))


def require_cohort(cohort: Cohort, manage: bool = False) -> Role | None:
    """404 for people outside the cohort (its existence is private); 403 for members who may not manage it."""
    return _checked(None if is_admin(current_user) else cohort_role(cohort), manage)


def _checked(role: Role | None, manage: bool) -> Role | None:
    require(is_admin(current_user) or role is not None, hide=True)
    if manage:
        require(can_manage(role))
    return role


def can_manage(role: Role | None) -> bool:
    return is_admin(current_user) or role is Role.FACILITATOR


Scoped = TypeVar("Scoped")


@functools.cache
def _with_role_statement(entity: type[Any], cohort_attribute: str, member: bool) -> sa.Select[Any]:
    """Built once per entity: building and keying the statement cost as much as running it. Admins and
    anonymous visitors (``member`` false) get no role column."""
    role: Any = sa.null()
    if member:
        role = (
            queries.role_in(
                sa.bindparam("user_id"),
                getattr(entity, cohort_attribute),
                sa.bindparam("today", type_=sa.Date),
            )
            .limit(1)
            .scalar_subquery()
        )
    return sa.select(entity, role).where(entity.id == sa.bindparam("entity_id"))


def with_role(
    entity: type[Scoped], entity_id: int, cohort_attribute: str, manage: bool = False
) -> tuple[Scoped, Role | None]:
    """``entity`` by id with the signed-in person's role in its cohort (``cohort_attribute`` names the
    entity's column holding the cohort's id), read in one statement, then checked as
    :func:`require_cohort` does.

    Every cohort-scoped page starts with this pair, so one round trip instead of two shows on all of them.
    """
    admin = is_admin(current_user)
    member = bool(current_user.is_authenticated) and not admin
    params: dict[str, Any] = {"entity_id": entity_id}
    if member:
        params.update(user_id=current_user.id, today=clock.today())
    row = db.session.execute(_with_role_statement(entity, cohort_attribute, member), params).first()
    if row is None:
        abort(404)
    found, role = row
    if member:
        _known_roles()[getattr(found, cohort_attribute)] = role
    return found, _checked(role, manage)


def _known_roles() -> dict[int, Any]:
    if "cohort_roles" not in g:
        g.cohort_roles = {}
    return g.cohort_roles  # type: ignore[no-any-return]


def role_of(user: Any, cohort_id: int) -> Role | None:
    """The person's current role in the cohort, read once per request: a page that opened the cohort with
    :func:`with_role` has it already, so its panels and blocks ask no query of their own."""
    if not getattr(user, "is_authenticated", False):
        return None
    mine = has_request_context() and current_user.is_authenticated and user.id == current_user.id
    known = _known_roles() if mine else {}
    if cohort_id in known:
        return known[cohort_id]  # type: ignore[no-any-return]
    role = db.session.scalar(queries.role_in(user.id, cohort_id, clock.today()))
    known[cohort_id] = role
    return role


def cohort_for(cohort_id: int, manage: bool = False) -> tuple[Cohort, Role | None]:
    return with_role(Cohort, cohort_id, "id", manage)
