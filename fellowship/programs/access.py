"""Who may open a cohort's pages: the check every cohort-scoped view (here and in higher domains) uses."""

from __future__ import annotations

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


def cohort_for(cohort_id: int, manage: bool = False) -> tuple[Cohort, Role | None]:
    cohort = db.get_or_404(Cohort, cohort_id)
    return cohort, require_cohort(cohort, manage)
