"""Evaluations: the template library, an event's evaluation, answering it, and its figures."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response as WerkzeugResponse

from fellowship.core import clock, home, i18n, panels
from fellowship.core.csv_export import csv_response
from fellowship.core.forms import ActionForm
from fellowship.core.permissions import is_admin, require
from fellowship.evaluations import charts, defaults, queries, services, tokens
from fellowship.evaluations.enums import QUESTION_KIND_LABELS, QuestionKind
from fellowship.evaluations.forms import AttachForm, response_form, source_choices, template_form, values_from
from fellowship.evaluations.models import Survey
from fellowship.events.access import event_for
from fellowship.events.models import Event, EventInvitation
from fellowship.events.queries import invitation_of
from fellowship.extensions import db
from fellowship.programs.access import can_manage, cohort_for, cohort_role
from fellowship.programs.enums import Role
from fellowship.programs.models import Cohort
from fellowship.programs.queries import facilitated_cohorts, facilitates

bp = Blueprint("evaluations", __name__, template_folder="templates")


def _invitation_from(token: str) -> EventInvitation:
    found = tokens.invitation_id(token)
    invitation = db.session.get(EventInvitation, found) if found is not None else None
    if invitation is None:
        abort(404)
    return invitation


def _require_library() -> None:
    """Admins and anyone who facilitates a cohort keep the template library."""
    require(is_admin(current_user) or db.session.scalar(facilitates(current_user.id)) is not None)


def _minimum() -> int:
    return int(current_app.config["FELLOWSHIP_EVALUATION_MIN_GROUP"])


# --- template library ---------------------------------------------------------------------------------------


@bp.route("/surveys")
@login_required
def library() -> str:
    _require_library()
    return render_template(
        "evaluations/library.html",
        templates=db.session.scalars(queries.templates()).all(),
        default_title=defaults.TITLE,
        form=ActionForm(),
    )


def _edit(survey: Survey | None, start: list[dict[str, Any]] | None, title: str) -> Any:
    form = template_form() if request.method == "POST" else template_form(start or [], title)
    if request.method == "POST" and form.validate_on_submit():
        try:
            survey = services.save_template(survey, form.title.data or "", form.specs(), current_user.id)
        except services.EvaluationError as error:
            form.form_errors.append(str(error))
        else:
            db.session.commit()
            flash(_("The template is saved."), "success")
            return redirect(url_for(".library"))
    page = render_template(
        "evaluations/template_form.html", form=form, survey=survey, kind_labels=QUESTION_KIND_LABELS
    )
    return page, 400 if request.method == "POST" else 200


@bp.route("/surveys/new", methods=["GET", "POST"])
@login_required
def template_new() -> Any:
    _require_library()
    source = request.args.get("from", "")
    if source.isdigit():
        original = db.get_or_404(Survey, int(source))
        require(original.is_template, hide=True)
        start, title = services.as_specs(original), _("Copy of %(title)s", title=original.title)
    else:
        start, title = defaults.questions(), str(defaults.TITLE)
    return _edit(None, start, title)


@bp.route("/surveys/<int:survey_id>/edit", methods=["GET", "POST"])
@login_required
def template_edit(survey_id: int) -> Any:
    _require_library()
    survey = db.get_or_404(Survey, survey_id)
    require(survey.is_template, hide=True)
    return _edit(survey, services.as_specs(survey), survey.title)


@bp.route("/surveys/<int:survey_id>/delete", methods=["POST"])
@login_required
def template_delete(survey_id: int) -> WerkzeugResponse:
    _require_library()
    survey = db.get_or_404(Survey, survey_id)
    require(survey.is_template, hide=True)
    if not ActionForm().validate_on_submit():
        abort(400)
    db.session.delete(survey)  # events' copies are separate rows and stay
    db.session.commit()
    flash(
        _("The template is deleted; evaluations already attached to events keep their questions."), "success"
    )
    return redirect(url_for(".library"))


# --- an event's evaluation ----------------------------------------------------------------------------------


def _survey_of(event: Event) -> Survey | None:
    return db.session.scalar(sa.select(Survey).where(Survey.event_id == event.id))


def _end_of_day(day: dt.date, timezone: str) -> dt.datetime:
    local = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=ZoneInfo(timezone))
    return local.astimezone(dt.UTC)


@bp.route("/events/<int:event_id>/evaluation/setup", methods=["GET", "POST"])
@login_required
def setup(event_id: int) -> Any:
    event, _role = event_for(event_id, manage=True)
    if _survey_of(event) is not None:
        return redirect(url_for(".summary", event_id=event.id))
    templates = db.session.scalars(queries.templates()).all()
    form = AttachForm()
    form.source.choices = source_choices(list(templates))
    if request.method == "GET":
        end = event.ends_at.astimezone(ZoneInfo(event.timezone)).date()
        form.closes_on.data = end + dt.timedelta(days=current_app.config["FELLOWSHIP_EVALUATION_DAYS"])
    if form.validate_on_submit():
        if form.source.data == defaults.DEFAULT_KEY:
            title, specs = str(defaults.TITLE), defaults.questions()
        else:
            template = next(t for t in templates if str(t.id) == form.source.data)
            title, specs = template.title, services.as_specs(template)
        assert form.closes_on.data is not None
        try:
            services.attach(
                event,
                title,
                specs,
                bool(form.anonymous.data),
                _end_of_day(form.closes_on.data, event.cohort.timezone),
                current_user.id,
            )
        except services.EvaluationError as error:
            form.closes_on.errors = [*form.closes_on.errors, str(error)]
        else:
            db.session.commit()
            flash(_("The evaluation is attached. Attendees get the link when the event ends."), "success")
            return redirect(url_for(".summary", event_id=event.id))
    return render_template("evaluations/setup.html", event=event, form=form), 400 if form.errors else 200


@bp.route("/events/<int:event_id>/evaluation/remove", methods=["POST"])
@login_required
def remove(event_id: int) -> WerkzeugResponse:
    event, _role = event_for(event_id, manage=True)
    survey = _survey_of(event)
    if survey is None:
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        services.detach(survey)
    except services.EvaluationError as error:
        flash(str(error), "error")
        return redirect(url_for(".summary", event_id=event.id))
    db.session.commit()
    flash(_("The evaluation is removed."), "success")
    return redirect(url_for("fellowship.events.event", event_id=event.id))


def _answer(survey: Survey, invitation: EventInvitation | None, template_args: dict[str, Any]) -> Any:
    """The answer form for one invitee (None: someone invited who may not answer)."""
    now = clock.now()
    state = "open"
    if invitation is None or not services.may_answer(invitation):
        state = "not_attended"
    elif services.has_answered(survey, invitation):
        state = "answered"
    elif not survey.is_open(now):
        state = "closed"
    elif survey.event is not None and now < survey.event.ends_at:
        state = "not_yet"
    form = response_form(survey, request.form if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if state != "open":
            status = {"answered": 409, "closed": 409, "not_yet": 409}.get(state, 403)
        elif set(k for k in request.form if k.startswith("q")) - {f"q{q.id}" for q in survey.questions}:
            form.form_errors.append(
                _("This form does not match the evaluation. Reload the page and answer again.")
            )
            status = 400
        elif not form.validate_on_submit():
            status = 422
        else:
            assert invitation is not None
            try:
                services.submit(survey, invitation, values_from(form, survey))
                db.session.commit()
            except services.AlreadyAnswered:
                state, status = "answered", 409
            except IntegrityError:  # a second response at the same moment
                db.session.rollback()
                state, status = "answered", 409
            except services.EvaluationError as error:
                form.form_errors.append(str(error))
                status = 422
            else:
                state = "thanks"
    return render_template(
        "evaluations/answer.html",
        survey=survey,
        event=survey.event,
        form=form,
        state=state,
        kinds=QuestionKind,
        **template_args,
    ), status


@bp.route("/events/<int:event_id>/evaluation", methods=["GET", "POST"])
@login_required
def answer(event_id: int) -> Any:
    event, role = event_for(event_id)
    survey = _survey_of(event)
    if survey is None:
        abort(404)
    # Participants answer; staff host the event (never attendees), so they may look at the questions only.
    invitation = db.session.scalar(invitation_of(current_user, event.id)) if role is Role.FELLOW else None
    if invitation is None:
        require(can_manage(role) or role is Role.OBSERVER)
        if request.method == "POST":
            abort(403)
    return _answer(survey, invitation, {"guest": False})


i18n.language_follows("fellowship.evaluations.guest_answer")


@bp.route("/evaluation/<token>", methods=["GET", "POST"])
def guest_answer(token: str) -> Any:
    invitation = _invitation_from(token)
    survey = _survey_of(invitation.event)
    if survey is None:
        abort(404)
    return _answer(survey, invitation, {"guest": True, "token": token})


# --- figures ------------------------------------------------------------------------------------------------


def _readers(role: Role | None) -> None:
    """Facilitators, admins and observers (the funder's view) read the figures; fellows do not."""
    require(can_manage(role) or role is Role.OBSERVER)


@bp.route("/events/<int:event_id>/evaluation/summary")
@login_required
def summary(event_id: int) -> str:
    event, role = event_for(event_id)
    _readers(role)
    survey = _survey_of(event)
    if survey is None:
        if can_manage(role):
            return render_template("evaluations/none.html", event=event)
        abort(404)
    figures = services.summary(survey, _minimum())
    groups, small = services.by_organisation(survey, _minimum())
    return render_template(
        "evaluations/summary.html",
        event=event,
        survey=survey,
        figures=figures,
        groups=groups,
        small_groups=small,
        minimum=_minimum(),
        charts=charts,
        kinds=QuestionKind,
        can_manage=can_manage(role),
        form=ActionForm(),
    )


@bp.route("/events/<int:event_id>/evaluation/responses.csv")
@login_required
def responses_csv(event_id: int) -> WerkzeugResponse:
    event, role = event_for(event_id, manage=True)
    survey = _survey_of(event)
    if survey is None:
        abort(404)
    rows = services.export_rows(survey, _minimum())
    return csv_response(rows, f"evaluation-{event.id}.csv")


@bp.route("/cohorts/<int:cohort_id>/evaluations")
@login_required
def cohort_trend(cohort_id: int) -> str:
    cohort, role = cohort_for(cohort_id)
    _readers(role)
    events = db.session.scalars(
        sa.select(Event)
        .join(Survey, Survey.event_id == Event.id)
        .where(Event.cohort_id == cohort.id)
        .order_by(Event.starts_at, Event.id)
    ).all()
    means = services.compare(Event.id, Event.cohort_id == cohort.id)
    return render_template(
        "evaluations/trend.html",
        cohort=cohort,
        events=events,
        means=means,
        keys=_keys(means),
        labels=_key_labels(),
    )


@bp.route("/evaluations/compare")
@login_required
def compare_cohorts() -> str:
    """Mean per question per cohort across the cohorts this person may read."""
    if is_admin(current_user):
        cohorts = db.session.scalars(sa.select(Cohort).order_by(Cohort.starts_on, Cohort.id)).all()
    else:
        _require_library()
        cohorts = db.session.scalars(facilitated_cohorts(current_user.id)).all()
    ids = [c.id for c in cohorts]
    means = services.compare(Event.cohort_id, Event.cohort_id.in_(ids)) if ids else {}
    return render_template(
        "evaluations/compare.html", cohorts=cohorts, means=means, keys=_keys(means), labels=_key_labels()
    )


def _keys(means: dict[tuple[Any, str], Any]) -> list[str]:
    order = [q["key"] for q in defaults.QUESTIONS]
    found = {key for _group, key in means}
    return [k for k in order if k in found] + sorted(found - set(order))


def _key_labels() -> dict[str, str]:
    return {q["key"]: str(q["prompt"]) for q in defaults.QUESTIONS}


# --- panels -------------------------------------------------------------------------------------------------


def _event_panel(event: Any, user: Any) -> dict[str, Any] | None:
    if not getattr(user, "is_authenticated", False):
        return None
    survey = _survey_of(event)
    role = cohort_role(event.cohort)
    manage = can_manage(role)
    if survey is None and not manage:
        return None
    mine = db.session.scalar(invitation_of(user, event.id)) if survey is not None else None
    now = clock.now()
    return {
        "event": event,
        "survey": survey,
        "manage": manage,
        "reader": manage or role is Role.OBSERVER,
        "can_answer": survey is not None
        and mine is not None
        and now >= event.ends_at
        and survey.is_open(now)
        and services.may_answer(mine)
        and not services.has_answered(survey, mine),
    }


def _cohort_panel(cohort: Any, user: Any) -> dict[str, Any] | None:
    """Evaluations waiting for this member: the prompt on their cohort page (and, for every cohort, on
    their dashboard)."""
    if not getattr(user, "is_authenticated", False):
        return None
    cohort_id = cohort.id if cohort is not None else None
    waiting = db.session.execute(queries.open_for_member(user.id, cohort_id, clock.now())).all()
    if not waiting:
        return None
    return {"waiting": [(survey, event) for survey, event, _invitation in waiting]}


def _waiting_block(viewer: home.Viewer) -> dict[str, Any] | None:
    return _cohort_panel(None, viewer.user) if viewer.roles else None


HOME_ROWS = 5
ATTACH_WITHIN = dt.timedelta(days=30)
"""Events that ended this recently without an evaluation are listed as "attach one"; older ones are
history."""


def _staff_block(viewer: home.Viewer) -> dict[str, Any] | None:
    """For facilitators: recent events still without an evaluation, and the open evaluations (those closing
    first) with their response rates; for them and admins, the template library and the comparison of
    cohorts. Two queries for a facilitator, none for an admin who facilitates nothing."""
    cohort_ids = viewer.cohorts_as(Role.FACILITATOR)
    if not cohort_ids and not viewer.is_admin:
        return None
    to_attach, open_rows = [], []
    if cohort_ids:
        to_attach = db.session.scalars(
            queries.events_without_evaluation(cohort_ids, viewer.now - ATTACH_WITHIN, viewer.now).limit(
                HOME_ROWS
            )
        ).all()
        open_rows = [
            (survey, event, responses, attendees, responses / attendees if attendees else None)
            for survey, event, responses, attendees in db.session.execute(
                queries.open_evaluations(cohort_ids, viewer.now).limit(HOME_ROWS)
            )
        ]
    return {"to_attach": to_attach, "open": open_rows, "facilitates": bool(cohort_ids)}


home.register(home.HomeBlock("evaluations-waiting", "evaluations/cohort_panel.html", 30, _waiting_block))
home.register(home.HomeBlock("evaluations-staff", "evaluations/home_staff.html", 30, _staff_block))
panels.register_event_panel(panels.EventPanel("evaluation", "evaluations/event_panel.html", 20, _event_panel))
panels.register_cohort_panel(
    panels.CohortPanel("evaluations", "evaluations/cohort_panel.html", 5, _cohort_panel)
)
from fellowship.evaluations import personal  # noqa: E402,F401  (registers its personal data)
