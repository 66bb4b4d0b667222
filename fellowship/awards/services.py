"""Contest rules: phases, projects, jurors and their conflicts, scores and the jury ranking.

Functions flush, never commit. The public vote has its own module (voting.py).
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from fellowship.accounts.models import User
from fellowship.awards.enums import PHASE_ORDER, CategoryKind, Combine, Phase, ProjectStatus
from fellowship.awards.models import (
    AwardCategory,
    ConflictOfInterest,
    Contest,
    Criterion,
    JurorAssignment,
    Project,
    Score,
)
from fellowship.core import audit, clock
from fellowship.extensions import db
from fellowship.programs.enums import Role
from fellowship.programs.models import Program
from fellowship.programs.queries import in_program


class ContestError(ValueError):
    """A contest rule was broken; the message is shown to the person."""


DEFAULT_CATEGORIES = [
    (CategoryKind.JURY, _l("Main award")),
    (CategoryKind.AUDIENCE, _l("Audience award")),
    (CategoryKind.SPECIAL, _l("Special award")),
]


def create_contest(
    program: Program, title: str, slug: str, description: str, actor_id: int | None
) -> Contest:
    if db.session.scalar(sa.select(Contest.id).where(Contest.slug == slug)) is not None:
        raise ContestError(_l("Another contest already uses this web address."))
    contest = Contest(program_id=program.id, title=title, slug=slug, description=description)
    contest.categories = [
        AwardCategory(kind=kind, name=str(name), position=n)
        for n, (kind, name) in enumerate(DEFAULT_CATEGORIES)
    ]
    db.session.add(contest)
    db.session.flush()
    audit.record(actor_id, contest, "created", {"title": [None, title]})
    return contest


def previous_phase(contest: Contest) -> Phase | None:
    """The phase the admin may move the contest back to, if any. Once voting has closed the contest never
    takes votes again (its receipts may already be published), so a closed contest has no way back."""
    index = PHASE_ORDER.index(contest.phase)
    if index == 0 or contest.phase is Phase.CLOSED:
        return None
    return PHASE_ORDER[index - 1]


def set_phase(contest: Contest, phase: Phase, actor_id: int | None, reason: str = "") -> None:
    """Move one step forward or back (the admin's buttons); every move is audited. Withdrawing published
    results (published → closed) needs a reason, kept in the audit trail."""
    step = PHASE_ORDER.index(phase) - PHASE_ORDER.index(contest.phase)
    if abs(step) != 1:
        raise ContestError(_l("A contest moves one phase at a time."))
    if step < 0 and phase is not previous_phase(contest):
        raise ContestError(_l("Voting has closed: the contest cannot take votes again."))
    if phase is Phase.JUDGING and not contest.criteria:
        raise ContestError(_l("Add the rubric's criteria before judging starts."))
    changes: dict[str, list[Any]] = {"phase": [contest.phase.value, phase.value]}
    if contest.phase is Phase.PUBLISHED:
        if not reason.strip():
            raise ContestError(_l("Say why the published results are withdrawn."))
        changes["reason"] = [None, reason.strip()]
    audit.record(actor_id, contest, "phase", changes)
    contest.phase = phase
    db.session.flush()


def save_criteria(contest: Contest, rows: list[dict[str, Any]]) -> None:
    if contest.phase not in {Phase.DRAFT, Phase.SUBMISSIONS}:
        raise ContestError(_l("The rubric cannot change once judging has started."))
    if not rows:
        raise ContestError(_l("Add at least one criterion."))
    existing = {c.id: c for c in contest.criteria}
    kept = []
    for n, row in enumerate(rows):
        criterion = existing.get(row.get("id") or 0) or Criterion(contest_id=contest.id)
        criterion.name, criterion.description = row["name"], row.get("description", "")
        criterion.weight, criterion.max_points, criterion.position = row["weight"], row["max_points"], n
        kept.append(criterion)
    contest.criteria = kept
    db.session.flush()


# --- projects -----------------------------------------------------------------------------------------------


def may_enter(contest: Contest, user: User) -> bool:
    """Fellows (ERG participants) currently in a cohort of the contest's program may enter."""
    return db.session.scalar(in_program(user.id, contest.program_id, Role.FELLOW)) is not None


def submissions_open(contest: Contest, now: dt.datetime) -> bool:
    return contest.phase is Phase.SUBMISSIONS and (
        contest.submissions_close_at is None or now < contest.submissions_close_at
    )


PROJECT_FIELDS = ("title", "team", "summary", "problem", "beneficiaries", "results", "organization_id")


def save_project(
    contest: Contest, project: Project | None, values: dict[str, Any], actor: User, as_admin: bool
) -> Project:
    """Create or edit a project. Entrants may do so while submissions are open; admins at any time."""
    if not as_admin and not submissions_open(contest, clock.now()):
        raise ContestError(_l("Submissions are closed."))
    if project is None:
        project = Project(contest_id=contest.id, submitted_by_id=actor.id)
        db.session.add(project)
    elif project.status is ProjectStatus.RETURNED:
        project.status = ProjectStatus.SUBMITTED  # edited after being returned: back in the queue
    for name in PROJECT_FIELDS:
        if name in values:
            setattr(project, name, values[name])
    project.updated_at = clock.now()
    db.session.flush()
    refresh_conflicts(contest)
    return project


def review_project(project: Project, status: ProjectStatus, comment: str, actor_id: int | None) -> None:
    if status not in {ProjectStatus.ACCEPTED, ProjectStatus.RETURNED}:
        raise ContestError(_l("Accept the project or return it."))
    audit.record(actor_id, project, "reviewed", {"status": [project.status.value, status.value]})
    project.status, project.review_comment = status, comment
    db.session.flush()


# --- jurors and conflicts -----------------------------------------------------------------------------------


def assign_juror(contest: Contest, user: User, actor_id: int | None) -> JurorAssignment:
    existing = db.session.scalar(
        sa.select(JurorAssignment).where(
            JurorAssignment.contest_id == contest.id, JurorAssignment.user_id == user.id
        )
    )
    if existing is not None:
        return existing
    assignment = JurorAssignment(contest_id=contest.id, user_id=user.id)
    db.session.add(assignment)
    db.session.flush()
    audit.record(actor_id, contest, "juror added", {"juror": [None, user.id]})
    refresh_conflicts(contest)
    return assignment


def _automatic_reason(juror: User, project: Project) -> str:
    if project.submitted_by_id == juror.id:
        return str(_l("Submitted this project"))
    if juror.organization_id is not None and project.organization_id == juror.organization_id:
        return str(_l("Belongs to the entrant's organisation"))
    team = {line.strip().lower() for line in (project.team or "").splitlines() if line.strip()}
    if juror.name.strip().lower() in team or juror.email.lower() in team:
        return str(_l("Is on the project's team"))
    return ""


def refresh_conflicts(contest: Contest) -> None:
    """Recompute the automatic conflicts of every juror with every project (declared ones stay)."""
    jurors = db.session.scalars(
        sa.select(User)
        .join(JurorAssignment, JurorAssignment.user_id == User.id)
        .where(JurorAssignment.contest_id == contest.id)
    ).all()
    projects = db.session.scalars(sa.select(Project).where(Project.contest_id == contest.id)).all()
    if not jurors or not projects:
        return
    stored = {
        (c.user_id, c.project_id): c
        for c in db.session.scalars(
            sa.select(ConflictOfInterest).where(ConflictOfInterest.project_id.in_([p.id for p in projects]))
        )
    }
    for juror in jurors:
        for project in projects:
            reason = _automatic_reason(juror, project)
            row = stored.get((juror.id, project.id))
            if reason and row is None:
                db.session.add(
                    ConflictOfInterest(user_id=juror.id, project_id=project.id, automatic=True, reason=reason)
                )
            elif not reason and row is not None and row.automatic:
                db.session.delete(row)
    db.session.flush()


def declare_conflict(juror_id: int, project: Project, reason: str) -> None:
    if (
        db.session.scalar(
            sa.select(ConflictOfInterest.id).where(
                ConflictOfInterest.user_id == juror_id, ConflictOfInterest.project_id == project.id
            )
        )
        is None
    ):
        db.session.add(
            ConflictOfInterest(user_id=juror_id, project_id=project.id, automatic=False, reason=reason)
        )
    db.session.execute(sa.delete(Score).where(Score.user_id == juror_id, Score.project_id == project.id))
    db.session.flush()


def conflicted(juror_id: int, contest_id: int) -> set[int]:
    return set(
        db.session.scalars(
            sa.select(ConflictOfInterest.project_id)
            .join(Project, Project.id == ConflictOfInterest.project_id)
            .where(ConflictOfInterest.user_id == juror_id, Project.contest_id == contest_id)
        )
    )


# --- scores -------------------------------------------------------------------------------------------------


def save_scores(
    assignment: JurorAssignment,
    project: Project,
    values: dict[int, tuple[int | None, str]],
    criteria: list[Criterion],
) -> None:
    """Store this juror's points and comments for one project (a draft until they submit)."""
    if assignment.submitted_at is not None:
        raise ContestError(_l("Your scores are submitted and locked. An admin can reopen them."))
    if project.id in conflicted(assignment.user_id, project.contest_id):
        raise ContestError(_l("You have a conflict of interest with this project."))
    limits = {c.id: c.max_points for c in criteria}
    existing = {
        s.criterion_id: s
        for s in db.session.scalars(
            sa.select(Score).where(Score.user_id == assignment.user_id, Score.project_id == project.id)
        )
    }
    for criterion_id, (points, comment) in values.items():
        if criterion_id not in limits:
            raise ContestError(_l("This form does not match the rubric. Reload the page."))
        if points is not None and not 0 <= points <= limits[criterion_id]:
            raise ContestError(_l("Points must be between 0 and the criterion's maximum."))
        score = existing.get(criterion_id) or Score(
            user_id=assignment.user_id, project_id=project.id, criterion_id=criterion_id
        )
        score.points, score.comment = points, comment
        db.session.add(score)
    db.session.flush()


def missing_scores(assignment: JurorAssignment, projects: list[Project], criteria: list[Criterion]) -> int:
    """How many (project, criterion) cells this juror has not scored, conflicts excepted."""
    excluded = conflicted(assignment.user_id, assignment.contest_id)
    filled = {
        tuple(row)
        for row in db.session.execute(
            sa.select(Score.project_id, Score.criterion_id).where(
                Score.user_id == assignment.user_id, Score.points.is_not(None)
            )
        )
    }
    return sum(1 for p in projects if p.id not in excluded for c in criteria if (p.id, c.id) not in filled)


def submit_scores(assignment: JurorAssignment, projects: list[Project], criteria: list[Criterion]) -> None:
    missing = missing_scores(assignment, projects, criteria)
    if missing:
        raise ContestError(_l("Score every project on every criterion first (%(num)d missing).", num=missing))
    assignment.submitted_at = clock.now()
    db.session.flush()


def reopen_scores(assignment: JurorAssignment, actor_id: int | None) -> None:
    audit.record_for(
        actor_id,
        "contest",
        assignment.contest_id,
        "scores reopened",
        {"juror": [assignment.user_id, assignment.user_id]},
    )
    assignment.submitted_at = None
    db.session.flush()


@dataclass
class Ranked:
    project: Project
    score: float | None
    jurors: int
    spread: float | None
    missing: int
    rank: int = 0
    tied: bool = False
    by_juror: dict[int, float] = field(default_factory=dict)


def ranking(contest: Contest, projects: list[Project], criteria: list[Criterion]) -> list[Ranked]:
    """Accepted projects by their jury score (0–100): each juror's weighted share of the maximum points,
    combined across jurors by the contest's mean or median. Submitted jurors count; equal scores share a
    rank and are marked as ties. Two queries, whatever the numbers of projects and jurors."""
    weights = {c.id: (c.weight, c.max_points) for c in criteria}
    total_weight = sum(w for w, _m in weights.values()) or 1.0
    jurors = db.session.scalars(
        sa.select(JurorAssignment.user_id).where(
            JurorAssignment.contest_id == contest.id, JurorAssignment.submitted_at.is_not(None)
        )
    ).all()
    rows = db.session.execute(
        sa.select(Score.user_id, Score.project_id, Score.criterion_id, Score.points)
        .join(Project, Project.id == Score.project_id)
        .where(Project.contest_id == contest.id, Score.user_id.in_(jurors), Score.points.is_not(None))
    ).all()
    conflicts = {
        tuple(row)
        for row in db.session.execute(
            sa.select(ConflictOfInterest.user_id, ConflictOfInterest.project_id)
            .join(Project, Project.id == ConflictOfInterest.project_id)
            .where(Project.contest_id == contest.id)
        )
    }
    cells: dict[tuple[int, int], dict[int, int]] = {}
    for user_id, project_id, criterion_id, points in rows:
        if criterion_id in weights:
            cells.setdefault((user_id, project_id), {})[criterion_id] = points
    ranked = []
    for project in projects:
        by_juror = {}
        missing = 0
        for juror in jurors:
            if (juror, project.id) in conflicts:
                continue
            given = cells.get((juror, project.id), {})
            missing += sum(1 for c in weights if c not in given)
            if given:
                share = sum(weights[c][0] * given.get(c, 0) / weights[c][1] for c in weights) / total_weight
                by_juror[juror] = round(100 * share, 2)
        values = list(by_juror.values())
        combined = None
        if values:
            combined = (
                statistics.median(values) if contest.combine is Combine.MEDIAN else statistics.mean(values)
            )
            combined = round(combined, 2)
        spread = round(max(values) - min(values), 2) if values else None
        ranked.append(Ranked(project, combined, len(values), spread, missing, by_juror=by_juror))
    ranked.sort(key=lambda r: (r.score is None, -(r.score or 0), r.project.title.lower()))
    for index, entry in enumerate(ranked):
        previous = ranked[index - 1] if index else None
        if previous is not None and entry.score is not None and entry.score == previous.score:
            entry.rank, entry.tied, previous.tied = previous.rank, True, True
        else:
            entry.rank = index + 1
    return ranked
