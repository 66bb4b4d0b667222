"""Awards contests: the admin's pages, entrants' project forms and the jury's scoring.

The public gallery, voting and results are in public.py, on the same blueprint.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response

from fellowship.accounts.models import Organization, User
from fellowship.awards import images, queries, services, voting
from fellowship.awards.access import contest_or_404, juror_assignment, project_in, row_of
from fellowship.awards.enums import (
    CATEGORY_KIND_LABELS,
    PHASE_LABELS,
    PHASE_ORDER,
    PROJECT_STATUS_LABELS,
    CategoryKind,
    Combine,
    Phase,
    ProjectStatus,
)
from fellowship.awards.forms import (
    CategoriesForm,
    ConflictForm,
    ContestForm,
    CriteriaForm,
    JurorForm,
    ProjectForm,
    ReviewProjectForm,
    VoidForm,
)
from fellowship.awards.models import (
    ConflictOfInterest,
    Contest,
    JurorAssignment,
    Project,
    Score,
    Vote,
)
from fellowship.core import clock, home, limits
from fellowship.core.forms import ActionForm, form_status
from fellowship.core.i18n import LANGUAGE_NAMES
from fellowship.core.markdown import render as render_markdown
from fellowship.core.permissions import admin_required, is_admin, require
from fellowship.extensions import db
from fellowship.programs.enums import Role
from fellowship.programs.models import Program

bp = Blueprint("awards", __name__, template_folder="templates")

REASON_LENGTH = 500  # why published results are withdrawn (kept in the audit trail)
COMMENT_LENGTH = 2000  # a juror's comment on one criterion


@bp.context_processor
def _labels() -> dict[str, Any]:
    return {
        "phase_labels": PHASE_LABELS,
        "status_labels": PROJECT_STATUS_LABELS,
        "category_labels": CATEGORY_KIND_LABELS,
        "render_markdown": render_markdown,
        "language_names": LANGUAGE_NAMES,
        "image_version": images.version,
    }


def _utc(value: dt.datetime | None, timezone: str) -> dt.datetime | None:
    return value.replace(tzinfo=ZoneInfo(timezone)).astimezone(dt.UTC) if value else None


def _local(value: dt.datetime | None, timezone: str) -> dt.datetime | None:
    return value.astimezone(ZoneInfo(timezone)).replace(tzinfo=None) if value else None


def _accepted(contest: Contest) -> list[Project]:
    return list(
        db.session.scalars(
            sa.select(Project)
            .options(joinedload(Project.organization))  # every card names its organisation
            .where(Project.contest_id == contest.id, Project.status == ProjectStatus.ACCEPTED)
            .order_by(sa.func.lower(Project.title), Project.id)
        )
    )


# --- admin: contests ----------------------------------------------------------------------------------------


@bp.route("/contests")
@login_required
def contests() -> str:
    """Admins see every contest; entrants and jurors the ones they take part in. Each row says whether the
    person is its juror and an entrant, so it links only the pages that will open for them."""
    rows = db.session.execute(
        queries.contests_for(current_user.id, is_admin(current_user), clock.today())
    ).all()
    return render_template("awards/contests.html", contests=rows)


def _contest_form(contest: Contest | None) -> ContestForm:
    form = ContestForm(obj=contest) if request.method == "GET" and contest else ContestForm()
    form.program.choices = [
        (p.id, p.name) for p in db.session.scalars(sa.select(Program).order_by(Program.name))
    ]
    if contest is not None and request.method == "GET":
        tz = contest.program.timezone
        form.program.data = contest.program_id
        form.submissions_close_at.data = _local(contest.submissions_close_at, tz)
        form.judging_closes_at.data = _local(contest.judging_closes_at, tz)
        form.voting_opens_at.data = _local(contest.voting_opens_at, tz)
        form.voting_closes_at.data = _local(contest.voting_closes_at, tz)
        form.combine.data = contest.combine.value
    return form


def _apply(contest: Contest, form: ContestForm) -> None:
    tz = contest.program.timezone
    contest.title, contest.description = form.title.data or "", form.description.data or ""
    contest.submissions_close_at = _utc(form.submissions_close_at.data, tz)
    contest.judging_closes_at = _utc(form.judging_closes_at.data, tz)
    contest.voting_opens_at = _utc(form.voting_opens_at.data, tz)
    contest.voting_closes_at = _utc(form.voting_closes_at.data, tz)
    contest.votes_per_voter = form.votes_per_voter.data or 1
    contest.live_tally = bool(form.live_tally.data)
    contest.combine = Combine(form.combine.data)


@bp.route("/contests/new", methods=["GET", "POST"])
@admin_required
def contest_new() -> Any:
    form = _contest_form(None)
    if form.validate_on_submit():
        program = db.get_or_404(Program, form.program.data)
        try:
            contest = services.create_contest(
                program,
                form.title.data or "",
                form.slug.data or "",
                form.description.data or "",
                current_user.id,
            )
        except services.ContestError as error:
            form.slug.errors = [*form.slug.errors, str(error)]
        else:
            _apply(contest, form)
            db.session.commit()
            flash(_("The contest is created as a draft."), "success")
            return redirect(url_for(".manage", contest_id=contest.id))
    return render_template("awards/contest_form.html", form=form, contest=None), form_status(form)


@bp.route("/contests/<int:contest_id>/edit", methods=["GET", "POST"])
@admin_required
def contest_edit(contest_id: int) -> Any:
    contest = contest_or_404(contest_id)
    form = _contest_form(contest)
    del form.program, form.slug  # the program and the public address stay as created
    if form.validate_on_submit():
        _apply(contest, form)
        db.session.commit()
        flash(_("Saved."), "success")
        return redirect(url_for(".manage", contest_id=contest.id))
    return render_template("awards/contest_form.html", form=form, contest=contest), form_status(form)


@bp.route("/contests/<int:contest_id>/phase", methods=["POST"])
@admin_required
def phase(contest_id: int) -> Response:
    contest = contest_or_404(contest_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    reason = (request.form.get("reason") or "").strip()
    problem = limits.text_problem(reason, max_length=REASON_LENGTH)
    if problem is not None:
        flash(str(problem), "error")
        return redirect(url_for(".manage", contest_id=contest.id))
    try:
        target = Phase(request.form.get("phase", ""))
        services.set_phase(contest, target, current_user.id, reason)
    except ValueError as error:
        flash(str(error) if isinstance(error, services.ContestError) else _("Unknown phase."), "error")
        return redirect(url_for(".manage", contest_id=contest.id))
    db.session.commit()
    flash(_("The contest is now: %(phase)s.", phase=PHASE_LABELS[target]), "success")
    return redirect(url_for(".manage", contest_id=contest.id))


@bp.route("/contests/<int:contest_id>/criteria", methods=["GET", "POST"])
@admin_required
def criteria(contest_id: int) -> Any:
    contest = contest_or_404(contest_id)
    if request.method == "GET":
        rows = [
            {
                "id": str(c.id),
                "name": c.name,
                "description": c.description,
                "weight": c.weight,
                "max_points": c.max_points,
            }
            for c in contest.criteria
        ] + [{}, {}]
        form = CriteriaForm(data={"criteria": rows})
    else:
        form = CriteriaForm()
    if form.validate_on_submit():
        rows = [
            {
                "id": int(e.form.id.data) if (e.form.id.data or "").isdigit() else None,
                "name": e.form.name.data,
                "description": e.form.description.data or "",
                "weight": e.form.weight.data or 1.0,
                "max_points": e.form.max_points.data or 10,
            }
            for e in form.criteria.entries
            if e.form.name.data
        ]
        try:
            services.save_criteria(contest, rows)
        except services.ContestError as error:
            form.form_errors.append(str(error))
        else:
            db.session.commit()
            flash(_("The rubric is saved."), "success")
            return redirect(url_for(".manage", contest_id=contest.id))
    status = 400 if request.method == "POST" else 200
    return render_template("awards/criteria.html", contest=contest, form=form), status


@bp.route("/contests/<int:contest_id>/categories", methods=["GET", "POST"])
@admin_required
def categories(contest_id: int) -> Any:
    """Award names, and the special award's winner and citation."""
    contest = contest_or_404(contest_id)
    if request.method == "GET":
        form = CategoriesForm(
            data={
                "categories": [
                    {
                        "id": str(c.id),
                        "name": c.name,
                        "winner": str(c.winner_id or ""),
                        "citation": c.citation,
                    }
                    for c in contest.categories
                ]
            }
        )
    else:
        form = CategoriesForm()
    accepted = _accepted(contest)
    choices = [("", "—")] + [(str(p.id), p.title) for p in accepted]
    for entry in form.categories.entries:
        entry.form.winner.choices = choices
    if form.validate_on_submit():
        by_id = {str(c.id): c for c in contest.categories}
        known = {str(p.id) for p in accepted}
        for entry in form.categories.entries:
            category = by_id.get(entry.form.id.data or "")
            if category is None:
                abort(400)
            category.name = entry.form.name.data or category.name
            category.citation = entry.form.citation.data or ""
            winner = entry.form.winner.data or ""
            if category.kind is CategoryKind.SPECIAL:
                if winner and winner not in known:
                    abort(400)
                category.winner_id = int(winner) if winner else None
        db.session.commit()
        flash(_("Saved."), "success")
        return redirect(url_for(".manage", contest_id=contest.id))
    return render_template("awards/categories.html", contest=contest, form=form), form_status(form)


@bp.route("/contests/<int:contest_id>")
@admin_required
def manage(contest_id: int) -> str:
    contest = contest_or_404(contest_id)
    projects = db.session.scalars(
        sa.select(Project)
        .where(Project.contest_id == contest.id)
        .order_by(Project.status, sa.func.lower(Project.title))
    ).all()
    accepted = [p for p in projects if p.status is ProjectStatus.ACCEPTED]
    jurors = db.session.execute(
        sa.select(JurorAssignment, User)
        .join(User, User.id == JurorAssignment.user_id)
        .where(JurorAssignment.contest_id == contest.id)
        .order_by(User.name)
    ).all()
    missing = {a.id: services.missing_scores(a, accepted, contest.criteria) for a, _u in jurors}
    conflicts = db.session.execute(
        sa.select(ConflictOfInterest, User.name, Project.title)
        .join(User, User.id == ConflictOfInterest.user_id)
        .join(Project, Project.id == ConflictOfInterest.project_id)
        .where(Project.contest_id == contest.id)
        .order_by(User.name, Project.title)
    ).all()
    index = PHASE_ORDER.index(contest.phase)
    votes = db.session.scalars(
        sa.select(Vote).where(Vote.contest_id == contest.id).order_by(Vote.confirmed_at.desc()).limit(50)
    ).all()
    return render_template(
        "awards/manage.html",
        contest=contest,
        projects=projects,
        jurors=jurors,
        missing=missing,
        conflicts=conflicts,
        ranking=services.ranking(contest, accepted, contest.criteria),
        tally=voting.tally(contest.id),
        voided=voting.voided_count(contest.id),
        per_day=voting.votes_per_day(contest.id),
        flags=voting.anomalies(contest.id),
        votes=votes,
        titles={p.id: p.title for p in projects},
        previous=services.previous_phase(contest),
        following=PHASE_ORDER[index + 1] if index + 1 < len(PHASE_ORDER) else None,
        form=ActionForm(),
        juror_form=JurorForm(),
        void_form=VoidForm(),
    )


@bp.route("/contests/<int:contest_id>/projects/<int:project_id>/review", methods=["GET", "POST"])
@admin_required
def project_review(contest_id: int, project_id: int) -> Any:
    contest = contest_or_404(contest_id)
    project = project_in(contest, project_id)
    form = ReviewProjectForm()
    if form.validate_on_submit():
        services.review_project(
            project, ProjectStatus(form.decision.data), form.comment.data or "", current_user.id
        )
        db.session.commit()
        flash(_("Saved."), "success")
        return redirect(url_for(".manage", contest_id=contest.id))
    return render_template(
        "awards/project_review.html", contest=contest, project=project, form=form
    ), form_status(form)


@bp.route("/contests/<int:contest_id>/jurors", methods=["POST"])
@admin_required
def juror_add(contest_id: int) -> Response:
    contest = contest_or_404(contest_id)
    form = JurorForm()
    if not form.validate_on_submit():
        flash(_("Enter the juror's email address."), "error")
        return redirect(url_for(".manage", contest_id=contest.id))
    user = db.session.scalar(
        sa.select(User).where(sa.func.lower(User.email) == (form.email.data or "").lower())
    )
    if user is None:
        flash(_("No account has this address. Create the person's account first."), "error")
    else:
        services.assign_juror(contest, user, current_user.id)
        db.session.commit()
        flash(_("%(name)s is a juror.", name=user.name), "success")
    return redirect(url_for(".manage", contest_id=contest.id))


@bp.route("/contests/<int:contest_id>/jurors/<int:assignment_id>/reopen", methods=["POST"])
@admin_required
def juror_reopen(contest_id: int, assignment_id: int) -> Response:
    contest = contest_or_404(contest_id)
    assignment = row_of(JurorAssignment, assignment_id, contest)
    if not ActionForm().validate_on_submit():
        abort(400)
    services.reopen_scores(assignment, current_user.id)
    db.session.commit()
    flash(_("The juror's scores are open again."), "success")
    return redirect(url_for(".manage", contest_id=contest.id))


@bp.route("/contests/<int:contest_id>/votes/<int:vote_id>/void", methods=["POST"])
@admin_required
def vote_void(contest_id: int, vote_id: int) -> Response:
    contest = contest_or_404(contest_id)
    vote = row_of(Vote, vote_id, contest)
    form = VoidForm()
    if not form.validate_on_submit():
        flash(_("Give a reason for voiding the vote."), "error")
    else:
        voting.void(vote, form.reason.data or "", current_user.id)
        db.session.commit()
        flash(_("The vote is voided."), "success")
    return redirect(url_for(".manage", contest_id=contest.id))


# --- entrants -----------------------------------------------------------------------------------------------


def _organisation_choices() -> list[tuple[int, str]]:
    return [(0, "—")] + [
        (o.id, o.name) for o in db.session.scalars(sa.select(Organization).order_by(Organization.name))
    ]


def _project_form_page(contest: Contest, project: Project | None) -> Any:
    admin = is_admin(current_user)
    if project is None:
        require(admin or services.may_enter(contest, current_user))
    else:
        require(admin or project.submitted_by_id == current_user.id, hide=True)
    form = ProjectForm(obj=project) if request.method == "GET" and project else ProjectForm()
    form.organization.choices = _organisation_choices()
    if request.method == "GET":
        form.organization.data = (project.organization_id if project else current_user.organization_id) or 0
    open_now = services.submissions_open(contest, clock.now())
    if request.method == "POST" and not (admin or open_now):
        flash(_("Submissions are closed."), "error")
        return render_template("awards/project_form.html", contest=contest, project=project, form=form), 409
    if form.validate_on_submit():
        values = {
            "title": form.title.data,
            "team": form.team.data or "",
            "summary": form.summary.data or "",
            "problem": form.problem.data or "",
            "beneficiaries": form.beneficiaries.data or "",
            "results": form.results.data or "",
            "organization_id": form.organization.data or None,
        }
        upload = form.image.data
        if upload and getattr(upload, "filename", ""):
            try:
                values["image"] = images.store(
                    upload.read(), current_app.config["FELLOWSHIP_IMAGE_MAX_BYTES"]
                )
            except images.ImageRejected as error:
                form.image.errors = [str(error)]
        if not form.image.errors:
            try:
                project = services.save_project(contest, project, values, current_user, admin)
            except services.ContestError as error:
                form.form_errors.append(str(error))
            else:
                if "image" in values:
                    project.image = values["image"]
                db.session.commit()
                if project.submitted_by_id != current_user.id:  # an administrator, for someone else
                    flash(_("Saved."), "success")
                    return redirect(url_for(".project_review", contest_id=contest.id, project_id=project.id))
                flash(_("Your project is saved."), "success")
                return redirect(url_for(".entries", contest_id=contest.id))
    page = render_template(
        "awards/project_form.html", contest=contest, project=project, form=form, open_now=open_now
    )
    return page, 400 if request.method == "POST" else 200


@bp.route("/contests/<int:contest_id>/entries")
@login_required
def entries(contest_id: int) -> str:
    """An entrant's own projects in this contest, and the way to submit one."""
    contest = contest_or_404(contest_id)
    may_submit = is_admin(current_user) or services.may_enter(contest, current_user)
    require(
        may_submit
        or db.session.scalar(
            sa.select(Project.id)
            .where(Project.contest_id == contest.id, Project.submitted_by_id == current_user.id)
            .limit(1)
        )
        is not None
    )
    mine = db.session.scalars(
        sa.select(Project)
        .where(Project.contest_id == contest.id, Project.submitted_by_id == current_user.id)
        .order_by(Project.id)
    ).all()
    return render_template(
        "awards/entries.html",
        contest=contest,
        projects=mine,
        open_now=services.submissions_open(contest, clock.now()),
        may_submit=may_submit,
    )


@bp.route("/contests/<int:contest_id>/projects/new", methods=["GET", "POST"])
@login_required
def project_new(contest_id: int) -> Any:
    return _project_form_page(contest_or_404(contest_id), None)


@bp.route("/contests/<int:contest_id>/projects/<int:project_id>/edit", methods=["GET", "POST"])
@login_required
def project_edit(contest_id: int, project_id: int) -> Any:
    contest = contest_or_404(contest_id)
    return _project_form_page(contest, project_in(contest, project_id))


# --- jury ---------------------------------------------------------------------------------------------------


@bp.route("/contests/<int:contest_id>/jury")
@login_required
def jury(contest_id: int) -> str:
    contest = contest_or_404(contest_id)
    assignment = juror_assignment(contest)
    accepted = _accepted(contest)
    excluded = services.conflicted(assignment.user_id, contest.id)
    scored = dict(
        db.session.execute(
            sa.select(Score.project_id, sa.func.count(Score.id))
            .where(Score.user_id == assignment.user_id, Score.points.is_not(None))
            .group_by(Score.project_id)
        ).all()
    )
    return render_template(
        "awards/jury.html",
        contest=contest,
        assignment=assignment,
        projects=[p for p in accepted if p.id not in excluded],
        conflicts=len([p for p in accepted if p.id in excluded]),
        scored=scored,
        criteria=contest.criteria,
        missing=services.missing_scores(assignment, accepted, contest.criteria),
        judging=contest.phase is Phase.JUDGING,
        form=ActionForm(),
    )


@bp.route("/contests/<int:contest_id>/jury/<int:project_id>", methods=["GET", "POST"])
@login_required
def score(contest_id: int, project_id: int) -> Any:
    contest = contest_or_404(contest_id)
    assignment = juror_assignment(contest)
    project = project_in(contest, project_id)
    if project.status is not ProjectStatus.ACCEPTED or project.id in services.conflicted(
        assignment.user_id, contest.id
    ):
        abort(404)  # jurors never see the projects they have a conflict with
    criteria = contest.criteria
    status = 200
    errors: list[str] = []
    if request.method == "POST":
        if not ActionForm().validate_on_submit():
            abort(400)
        if contest.phase is not Phase.JUDGING:
            errors.append(_("Scores can be changed only while judging is open."))
        values: dict[int, tuple[int | None, str]] = {}
        for criterion in criteria:
            raw = (request.form.get(f"points-{criterion.id}") or "").strip()
            comment = (request.form.get(f"comment-{criterion.id}") or "").strip()
            problem = limits.text_problem(comment, multiline=True, max_length=COMMENT_LENGTH)
            if problem is not None:
                errors.append(f"{criterion.name}: {problem}")
            try:
                points = int(raw) if raw else None
            except ValueError:
                errors.append(_("Points must be whole numbers."))
                points = None
            values[criterion.id] = (points, comment)
        if not errors:
            try:
                services.save_scores(assignment, project, values, criteria)
            except services.ContestError as error:
                errors.append(str(error))
        if not errors:
            db.session.commit()
            flash(_("Your scores for this project are saved."), "success")
            return redirect(url_for(".jury", contest_id=contest.id))
        status = 400
    scores = {
        s.criterion_id: s
        for s in db.session.scalars(
            sa.select(Score).where(Score.user_id == assignment.user_id, Score.project_id == project.id)
        )
    }
    return render_template(
        "awards/score.html",
        contest=contest,
        project=project,
        criteria=criteria,
        scores=scores,
        posted=request.form if request.method == "POST" else None,
        errors=errors,
        comment_length=COMMENT_LENGTH,
        locked=assignment.submitted_at is not None or contest.phase is not Phase.JUDGING,
        form=ActionForm(),
        conflict_form=ConflictForm(),
    ), status


@bp.route("/contests/<int:contest_id>/jury/<int:project_id>/conflict", methods=["POST"])
@login_required
def declare_conflict(contest_id: int, project_id: int) -> Any:
    contest = contest_or_404(contest_id)
    assignment = juror_assignment(contest)
    project = project_in(contest, project_id)
    form = ConflictForm()
    if not form.validate_on_submit():
        flash(_("Say briefly why you have a conflict of interest."), "error")
        return redirect(url_for(".score", contest_id=contest.id, project_id=project.id))
    services.declare_conflict(assignment.user_id, project, form.reason.data or "")
    db.session.commit()
    flash(_("Noted: you will not see or score this project."), "success")
    return redirect(url_for(".jury", contest_id=contest.id))


@bp.route("/contests/<int:contest_id>/jury/submit", methods=["POST"])
@login_required
def jury_submit(contest_id: int) -> Response:
    contest = contest_or_404(contest_id)
    assignment = juror_assignment(contest)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        services.submit_scores(assignment, _accepted(contest), contest.criteria)
    except services.ContestError as error:
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(_("Your scores are submitted. Thank you!"), "success")
    return redirect(url_for(".jury", contest_id=contest.id))


# --- home page blocks ---------------------------------------------------------------------------------------


def _jury_block(viewer: home.Viewer) -> dict[str, Any] | None:
    """A juror's contests in judging that still wait for their scores: one query, for everyone (a juror
    need not be in any cohort)."""
    rows = [
        {"contest": contest, "total": total, "left": total - done}
        for contest, total, done in db.session.execute(queries.juror_progress(viewer.user.id)).all()
    ]
    return {"contests": rows} if rows else None


def _entries_block(viewer: home.Viewer) -> dict[str, Any] | None:
    """The contests a fellow may enter now, each with their entries or the way to submit one."""
    cohorts = viewer.cohorts_as(Role.FELLOW)
    if not cohorts:
        return None
    contests = db.session.scalars(queries.open_for_entries(cohorts, viewer.now)).all()
    if not contests:
        return None
    mine: dict[int, list[Project]] = {}
    for project in db.session.scalars(queries.entries_of(viewer.user.id, [c.id for c in contests])):
        mine.setdefault(project.contest_id, []).append(project)
    return {
        "contests": [(c, mine.get(c.id, [])) for c in contests],
        "status_labels": PROJECT_STATUS_LABELS,
    }


def _contests_block(viewer: home.Viewer) -> dict[str, Any] | None:
    """For admins: every contest not yet published, with its phase and its next step."""
    if not viewer.is_admin:
        return None
    rows = db.session.execute(queries.contest_figures()).all()
    if not rows:
        return None
    return {"contests": rows, "phase_labels": PHASE_LABELS}


home.register(home.HomeBlock("awards-jury", "awards/home_jury.html", 40, _jury_block))
home.register(home.HomeBlock("awards-entries", "awards/home_entries.html", 45, _entries_block))
home.register(home.HomeBlock("awards-contests", "awards/home_contests.html", 80, _contests_block))
from fellowship.awards import personal  # noqa: E402,F401  (registers its personal data)
