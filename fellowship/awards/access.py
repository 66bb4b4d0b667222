"""Who may open contest pages."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import abort
from flask_login import current_user

from fellowship.awards.enums import PUBLIC_PHASES
from fellowship.awards.models import Contest, JurorAssignment, Project
from fellowship.core.permissions import is_admin, require
from fellowship.extensions import db


def contest_or_404(contest_id: int) -> Contest:
    return db.get_or_404(Contest, contest_id)


def public_contest(slug: str) -> Contest:
    """The contest's public pages exist from the voting phase on; before that they are 404 for everyone
    but admins (who preview them)."""
    contest = db.session.scalar(sa.select(Contest).where(Contest.slug == slug))
    if contest is None or (contest.phase not in PUBLIC_PHASES and not is_admin(current_user)):
        abort(404)
    return contest


def juror_assignment(contest: Contest) -> JurorAssignment:
    """The signed-in juror's assignment; 403 for anyone else (admins included: they do not score)."""
    assignment = db.session.scalar(
        sa.select(JurorAssignment).where(
            JurorAssignment.contest_id == contest.id,
            JurorAssignment.user_id == getattr(current_user, "id", None),
        )
    )
    require(assignment is not None)
    assert assignment is not None
    return assignment


def project_in(contest: Contest, project_id: int) -> Project:
    project: Project = row_of(Project, project_id, contest)
    return project


def row_of(model: Any, row_id: int, contest: Contest) -> Any:
    """A row of ``model`` that belongs to ``contest``; 404 otherwise (ids of other contests are private)."""
    row = db.session.get(model, row_id)
    if row is None or row.contest_id != contest.id:
        abort(404)
    return row
