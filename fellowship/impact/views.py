"""Impact: the technical-assistance log, participants' demographics and the funder's report."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from fellowship.accounts import services as accounts
from fellowship.accounts.models import Organization, User
from fellowship.core import clock, home, i18n, limits, panels, personal_data
from fellowship.core.csv_export import csv_response
from fellowship.core.forms import ActionForm, form_status
from fellowship.core.permissions import is_admin, require
from fellowship.curriculum.queries import cohort_modules
from fellowship.curriculum.text import localised
from fellowship.extensions import db, limiter
from fellowship.impact import access, exports, queries, services
from fellowship.impact import completion as completion_rules
from fellowship.impact import report as report_figures
from fellowship.impact.enums import (
    ASSISTANCE_KIND_LABELS,
    NARRATIVES,
    STAGE_LABELS,
    AssistanceKind,
    ReportStatus,
    Stage,
)
from fellowship.impact.forms import (
    AssistanceForm,
    DemographicsForm,
    PeriodForm,
    ThresholdForm,
    community_areas,
    narratives_form,
)
from fellowship.impact.models import AssistanceLog, Certificate, Demographics, ReportingPeriod
from fellowship.programs.access import cohort_for
from fellowship.programs.enums import Role
from fellowship.programs.models import Program

bp = Blueprint("impact", __name__, template_folder="templates")


def _program(program_id: int) -> Program:
    """A program whose staff-only pages (assistance log, dashboard) the person opens (others: 404)."""
    program = db.get_or_404(Program, program_id)
    access.require_staff(program)
    return program


# --- technical assistance -----------------------------------------------------------------------------------


def _organisation_choices() -> list[tuple[int, str]]:
    return [(0, "—")] + [
        (o.id, o.name) for o in db.session.scalars(sa.select(Organization).order_by(Organization.name))
    ]


def _log_values(form: AssistanceForm) -> dict[str, Any]:
    organization_id = form.organization.data or None
    if form.new_organization.data:  # an organisation of that name already there is the one meant
        organization_id = accounts.find_or_create_organization(form.new_organization.data).id
    return {
        "given_on": form.given_on.data,
        "organization_id": organization_id,
        "kind": AssistanceKind(form.kind.data),
        "stage": Stage(form.stage.data),
        "hours": float(form.hours.data or Decimal(0)),
        "people": form.people.data or 0,
        "help_type": form.help_type.data or "",
        "notes": form.notes.data or "",
    }


@bp.route("/programs/<int:program_id>/assistance", methods=["GET", "POST"])
@login_required
def assistance(program_id: int) -> Any:
    program = _program(program_id)
    form = AssistanceForm()
    form.organization.choices = _organisation_choices()
    if form.validate_on_submit():
        services.save_log(None, program, current_user.id, _log_values(form))
        db.session.commit()
        flash(_("Logged."), "success")
        return redirect(url_for(".assistance", program_id=program.id))
    mine_only = not is_admin(current_user)
    stmt = (
        sa.select(AssistanceLog)
        .where(AssistanceLog.program_id == program.id)
        .order_by(AssistanceLog.given_on.desc(), AssistanceLog.id.desc())
        .limit(200)
    )
    if mine_only:
        stmt = stmt.where(AssistanceLog.facilitator_id == current_user.id)
    totals = db.session.execute(
        sa.select(User.name, sa.func.count(AssistanceLog.id), sa.func.sum(AssistanceLog.hours))
        .join(User, User.id == AssistanceLog.facilitator_id)
        .where(AssistanceLog.program_id == program.id)
        .group_by(User.id, User.name)
        .order_by(User.name)
    ).all()
    return render_template(
        "impact/assistance.html",
        program=program,
        form=form,
        logs=db.session.scalars(stmt).all(),
        totals=totals if not mine_only else [t for t in totals if t[0] == current_user.name],
        exchanges=[
            row for row in report_figures.exchange_rows(program, limits.EARLIEST, limits.LATEST) if row[3]
        ][-EXCHANGES_SHOWN:],
        kind_labels=ASSISTANCE_KIND_LABELS,
        stage_labels=STAGE_LABELS,
        action_form=ActionForm(),
    ), form_status(form)


EXCHANGES_SHOWN = 100


def _own_log(program: Program, log_id: int) -> AssistanceLog:
    log = db.get_or_404(AssistanceLog, log_id)
    if log.program_id != program.id:
        abort(404)
    require(is_admin(current_user) or log.facilitator_id == current_user.id)
    return log


@bp.route("/programs/<int:program_id>/assistance/<int:log_id>/edit", methods=["GET", "POST"])
@login_required
def assistance_edit(program_id: int, log_id: int) -> Any:
    program = _program(program_id)
    log = _own_log(program, log_id)
    form = AssistanceForm(obj=log) if request.method == "GET" else AssistanceForm()
    form.organization.choices = _organisation_choices()
    if request.method == "GET":
        form.organization.data = log.organization_id or 0
        form.kind.data, form.stage.data = log.kind.value, log.stage.value
    if form.validate_on_submit():
        services.save_log(log, program, log.facilitator_id or current_user.id, _log_values(form))
        db.session.commit()
        flash(_("Saved."), "success")
        return redirect(url_for(".assistance", program_id=program.id))
    return render_template("impact/assistance_edit.html", program=program, log=log, form=form), form_status(
        form
    )


@bp.route("/programs/<int:program_id>/assistance/<int:log_id>/delete", methods=["POST"])
@login_required
def assistance_delete(program_id: int, log_id: int) -> Response:
    program = _program(program_id)
    log = _own_log(program, log_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    db.session.delete(log)
    db.session.commit()
    flash(_("Deleted."), "success")
    return redirect(url_for(".assistance", program_id=program.id))


# --- demographics -------------------------------------------------------------------------------------------


@bp.route("/profile/demographics", methods=["GET", "POST"])
@login_required
def demographics() -> Any:
    """The signed-in person's own optional answers: view, change, delete. Nobody else sees them."""
    row = db.session.get(Demographics, current_user.id)
    form = DemographicsForm(obj=row) if request.method == "GET" and row else DemographicsForm()
    areas = community_areas()
    form.community_area.choices = [
        ("", "—"),
        *((a, a) for a in areas),
        ("prefer_not", _("Prefer not to say")),
    ]
    if form.validate_on_submit():
        try:
            services.save_demographics(
                current_user.id,
                {
                    "community_area": form.community_area.data or "",
                    "races": form.races.data or [],
                    "race_self": form.race_self.data or "",
                    "gender": form.gender.data or "",
                    "gender_self": form.gender_self.data or "",
                    "age_range": form.age_range.data or "",
                },
            )
        except services.ImpactError as error:
            form.form_errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Your answers are saved. Only you can see them; staff see totals only."), "success")
            return redirect(url_for(".demographics"))
    return render_template(
        "impact/demographics.html", form=form, row=row, action_form=ActionForm()
    ), form_status(form)


@bp.route("/profile/demographics/delete", methods=["POST"])
@login_required
def demographics_delete() -> Response:
    if not ActionForm().validate_on_submit():
        abort(400)
    services.delete_demographics(current_user.id)
    db.session.commit()
    flash(_("Your answers are deleted."), "success")
    return redirect(url_for(".demographics"))


# --- reports ------------------------------------------------------------------------------------------------


@bp.route("/programs/<int:program_id>/reports", methods=["GET", "POST"])
@login_required
def reports(program_id: int) -> Any:
    """The program's reporting periods: every one for staff, the submitted ones for observers."""
    program = db.get_or_404(Program, program_id)
    reader = access.require_reader(program)
    if request.method == "POST":
        access.require_change(reader)
    form = PeriodForm()
    if form.validate_on_submit():
        try:
            assert form.starts_on.data and form.ends_on.data
            period = services.open_period(
                program, form.label.data or "", form.starts_on.data, form.ends_on.data, current_user.id
            )
        except services.ImpactError as error:
            form.form_errors.append(str(error))
        else:
            db.session.commit()
            return redirect(url_for(".report", period_id=period.id))
    return render_template(
        "impact/reports.html",
        program=program,
        form=form,
        periods=db.session.scalars(access.visible_periods(program, reader)).all(),
        staff=access.may_change(reader),
    ), form_status(form)


def _period(period_id: int, change: bool = False) -> tuple[ReportingPeriod, access.Reader]:
    """The period and how the person reads it (404 when they may not); ``change``: staff only (403)."""
    period = db.get_or_404(ReportingPeriod, period_id)
    reader = access.require_period(period)
    if change:
        access.require_change(reader)
    return period, reader


def _summaries(period: ReportingPeriod, figures: dict[str, Any]) -> list[dict[str, Any]]:
    """The report's events with an evaluation whose summary the person may open."""
    linked = [e for e in figures["events"] if e["survey"]]
    if not linked or is_admin(current_user):
        return linked
    start, end = report_figures.utc_bounds(period.program, period.starts_on, period.ends_on)
    readable = set(
        db.session.scalars(
            queries.readable_events(current_user.id, period.program_id, start, end, clock.today())
        )
    )
    return [e for e in linked if e["id"] in readable]


@bp.route("/reports/<int:period_id>", methods=["GET", "POST"])
@login_required
def report(period_id: int) -> Any:
    """The report's page; a POST saves its narratives. A narrative missing from the POST is not an empty
    one: it keeps its saved text (a page opened before a new narrative was added still saves the others),
    and a POST with none of them is refused (400) rather than reported as saved."""
    period, reader = _period(period_id, change=request.method == "POST")
    form = narratives_form()
    saved = period.narratives or {}
    if request.method == "GET":
        for key in NARRATIVES:
            form[key].data = saved.get(key, "")
    elif form.validate_on_submit():
        sent = {key for key in NARRATIVES if key in request.form}
        if not sent:
            abort(400)
        values = {key: (form[key].data or "") if key in sent else saved.get(key, "") for key in NARRATIVES}
        try:
            services.save_narratives(period, values)
        except services.ImpactError as error:
            flash(str(error), "error")
            return redirect(url_for(".report", period_id=period.id))
        db.session.commit()
        flash(_("The report's text is saved as a draft."), "success")
        return redirect(url_for(".report", period_id=period.id))
    figures = services.current_figures(period)
    threshold_form = ThresholdForm(export_threshold=period.export_threshold)
    return render_template(
        "impact/report.html",
        period=period,
        form=form,
        rows=exports.rows(figures, period.narratives or {}),
        summaries=_summaries(period, figures),
        submitted=period.status is ReportStatus.SUBMITTED,
        staff=access.may_change(reader),
        exports=access.may_export(period, reader),
        action_form=ActionForm(),
        threshold_form=threshold_form,
    ), form_status(form)


@bp.route("/reports/<int:period_id>/submit", methods=["POST"])
@login_required
def report_submit(period_id: int) -> Response:
    period, _reader = _period(period_id, change=True)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        services.submit(period, current_user.id)
    except services.ImpactError as error:
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(_("The report is submitted; its figures are frozen."), "success")
    return redirect(url_for(".report", period_id=period.id))


@bp.route("/reports/<int:period_id>/threshold", methods=["POST"])
@login_required
def report_threshold(period_id: int) -> Response:
    period, _reader = _period(period_id, change=True)
    require(is_admin(current_user))
    form = ThresholdForm()
    if not form.validate_on_submit() or period.status is ReportStatus.SUBMITTED:
        flash(_("The threshold could not be changed."), "error")
    else:
        period.export_threshold = form.export_threshold.data
        db.session.commit()
        flash(_("Saved."), "success")
    return redirect(url_for(".report", period_id=period.id))


def _export(period_id: int) -> tuple[ReportingPeriod, list[exports.Row], bool]:
    """The period and its export rows; an observer gets 403 for an export below the page's threshold."""
    period, reader = _period(period_id)
    require(access.may_export(period, reader))
    figures, confidential = services.export_figures(period)
    return period, exports.rows(figures, period.narratives or {}), confidential


@bp.route("/reports/<int:period_id>/export.csv")
@login_required
def report_csv(period_id: int) -> Response:
    period, rows, confidential = _export(period_id)
    header = (
        [[_("Confidential: small counts are shown exactly at the funder’s request. Do not publish.")]]
        if confidential
        else []
    )
    return csv_response(
        [*header, [_("Section"), _("Field"), _("Value"), _("How it is counted")], *rows],
        f"report-{period.starts_on.isoformat()}.csv",
    )


@bp.route("/reports/<int:period_id>/export.md")
@login_required
def report_markdown(period_id: int) -> Response:
    period, rows, confidential = _export(period_id)
    text = exports.markdown(f"{period.program.name}: {period.label}", rows, confidential)
    response = current_app.response_class(text, mimetype="text/markdown")  # Werkzeug adds the charset
    response.headers["Content-Disposition"] = (
        f'attachment; filename="report-{period.starts_on.isoformat()}.md"'
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def _my_demographics(user: Any) -> dict[str, Any] | None:
    row = db.session.get(Demographics, user.id)
    if row is None:
        return None
    return {
        "community_area": row.community_area,
        "races": row.races,
        "race_self": row.race_self,
        "gender": row.gender,
        "gender_self": row.gender_self,
        "age_range": row.age_range,
    }


def _my_certificates(user: Any) -> list[dict[str, Any]]:
    rows = db.session.scalars(
        sa.select(Certificate).where(Certificate.user_id == user.id).order_by(Certificate.issued_at)
    )
    return [
        {
            "code": c.code,
            "holder": c.holder,
            "program": c.program,
            "cohort": c.cohort,
            "modules": c.modules,
            "issued_at": c.issued_at.isoformat(),
            "withdrawn_at": c.withdrawn_at.isoformat() if c.withdrawn_at else None,
        }
        for c in rows
    ]


def _my_assistance(user: Any) -> list[dict[str, Any]]:
    """Technical assistance the person logged as facilitator (the people helped are organisations)."""
    rows = db.session.scalars(
        sa.select(AssistanceLog)
        .where(AssistanceLog.facilitator_id == user.id)
        .order_by(AssistanceLog.given_on, AssistanceLog.id)
    )
    return [
        {
            "given_on": log.given_on.isoformat(),
            "kind": log.kind.value,
            "hours": log.hours,
            "help_type": log.help_type,
            "notes": log.notes,
        }
        for log in rows
    ]


personal_data.register(
    "demographics", _my_demographics, erase=services.erase_demographics, tables=("demographics",)
)
personal_data.register(
    "certificates", _my_certificates, erase=services.withdraw_certificates, tables=("certificates",)
)
personal_data.register(
    "assistance",
    _my_assistance,
    erase=services.scrub_assistance,
    tables=("assistance_logs", "reporting_periods"),
)


# --- completion certificates --------------------------------------------------------------------------------


@bp.route("/cohorts/<int:cohort_id>/completion", methods=["GET", "POST"])
@login_required
def completion(cohort_id: int) -> Any:
    """The cohort's completion rule and every fellow's standing (facilitators and admins)."""
    cohort, _role = cohort_for(cohort_id, manage=True)
    modules = [(a, m) for a, m in db.session.execute(cohort_modules(cohort.id, contents=False))]
    form = ActionForm()
    errors: list[str] = []
    if request.method == "POST":
        if not form.validate_on_submit() or request.form.get("action", "rule") not in {"rule", "issue"}:
            abort(400)
        if request.form.get("action") == "issue":
            issued = completion_rules.issue_all(cohort)
            db.session.commit()
            flash(
                ngettext(
                    "%(num)d certificate issued to a fellow who completed.",
                    "%(num)d certificates issued to fellows who completed.",
                    issued,
                ),
                "success",
            )
            return redirect(url_for(".completion", cohort_id=cohort.id))
        known = {m.slug for _a, m in modules}
        chosen = request.form.getlist("module")  # unticked boxes are not sent: none ticked is no module
        if "min_attendance_rate" not in request.form:
            abort(400)  # the page always sends the rate, if only empty: a post without it is not the page's
        try:
            rate = int(request.form.get("min_attendance_rate") or 0)
        except ValueError:
            rate = -1
        if not 0 <= rate <= 100:
            errors.append(_("The attendance rate is a whole number from 0 to 100."))
        if set(chosen) - known:
            abort(400)
        if not errors:
            completion_rules.save_rule(cohort, rate, chosen)
            db.session.commit()
            flash(_("The completion rule is saved."), "success")
            return redirect(url_for(".completion", cohort_id=cohort.id))
    issued = {
        user_id: code
        for user_id, code in db.session.execute(
            sa.select(Certificate.user_id, Certificate.code).where(
                Certificate.cohort_id == cohort.id, Certificate.withdrawn_at.is_(None)
            )
        )
    }
    return render_template(
        "impact/completion.html",
        cohort=cohort,
        rule=completion_rules.rule_for(cohort),
        modules=modules,
        standings=completion_rules.standings(cohort),
        issued=issued,
        form=form,
        errors=errors,
        localised=localised,
    ), 400 if errors else 200


@bp.route("/cohorts/<int:cohort_id>/certificate", methods=["GET", "POST"])
@login_required
def my_certificate(cohort_id: int) -> Any:
    """A fellow's own standing, and their certificate once they meet the rule."""
    cohort, role = cohort_for(cohort_id)
    require(role is Role.FELLOW)
    [standing] = completion_rules.standings(cohort, current_user.id) or [None]
    if standing is None:
        abort(404)
    existing = db.session.scalar(
        sa.select(Certificate).where(
            Certificate.cohort_id == cohort.id, Certificate.user_id == current_user.id
        )
    )
    form = ActionForm()
    status = 200
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        try:
            existing = completion_rules.issue(cohort, standing)
        except completion_rules.NotComplete as error:
            flash(str(error), "error")
            status = 409
        else:
            db.session.commit()
            return redirect(url_for(".certificate", code=existing.code))
    return render_template(
        "impact/my_certificate.html",
        cohort=cohort,
        standing=standing,
        certificate=existing,
        rule=completion_rules.rule_for(cohort),
        form=form,
    ), status


@bp.route("/certificates/<code>")
@login_required
def certificate(code: str) -> str:
    """The printable certificate: for its holder and the cohort's facilitators and admins."""
    found = db.session.scalar(sa.select(Certificate).where(Certificate.code == code))
    if found is None or found.withdrawn_at is not None:
        abort(404)
    if found.user_id != current_user.id:
        cohort, _role = cohort_for(found.cohort_id, manage=True)
    shown = panels.render_context(panels.certificate_panels(), found, current_user)
    return render_template("impact/certificate.html", certificate=found, panels=shown)


i18n.language_follows("fellowship.impact.verify_certificate")


@bp.route("/certificates/verify")
@limiter.limit(lambda: current_app.config["FELLOWSHIP_RATELIMIT_TOKEN"])
def verify_certificate() -> str:
    """Public: confirms that a code and a name belong to one certificate, and says nothing else."""
    code, name = request.args.get("code", "").strip(), request.args.get("name", "").strip()
    result = completion_rules.verify(code, name) if code and name else None
    return render_template(
        "impact/verify.html", code=code, name=name, checked=bool(code and name), result=result
    )


@bp.route("/programs/<int:program_id>/dashboard")
@login_required
def dashboard(program_id: int) -> str:
    from fellowship.core import charts
    from fellowship.impact import dashboard as figures

    program = _program(program_id)
    board = figures.build(program, clock.today(program.timezone))
    return render_template("impact/dashboard.html", program=program, board=board, charts=charts)


# --- the home page's blocks and the program page's panel ----------------------------------------------------

HOME_ROWS = 20
REPORTS_PER_PROGRAM = 5


def _staff_block(viewer: home.Viewer) -> dict[str, Any] | None:
    """For program staff (every program and cohort for admins): each program's current draft report, and
    per cohort the current fellows below its completion rule's minimum attendance rate. Two queries."""
    cohort_ids = None if viewer.is_admin else viewer.cohorts_as(Role.FACILITATOR)
    if cohort_ids == []:
        return None
    drafts = db.session.execute(queries.current_drafts(cohort_ids, viewer.today).limit(HOME_ROWS)).all()
    below = db.session.execute(
        queries.fellows_below_minimum(cohort_ids, viewer.now, viewer.today).limit(HOME_ROWS)
    ).all()
    if not drafts and not below:
        return None
    return {"drafts": drafts, "below": below}


def _observer_block(viewer: home.Viewer) -> dict[str, Any] | None:
    """For observers: each program they observe a cohort of, with those cohorts (linked to their attendance
    report and evaluation trend) and the program's newest submitted reports. Two queries."""
    cohort_ids = viewer.cohorts_as(Role.OBSERVER)
    if not cohort_ids:
        return None
    cohorts = db.session.scalars(queries.cohorts_with_programs(cohort_ids)).all()
    reports: dict[int, list[ReportingPeriod]] = {}
    for period in db.session.scalars(queries.submitted_periods(cohort_ids, REPORTS_PER_PROGRAM)):
        reports.setdefault(period.program_id, []).append(period)
    programs: dict[int, dict[str, Any]] = {}
    for cohort in cohorts:
        entry = programs.setdefault(
            cohort.program_id,
            {"program": cohort.program, "cohorts": [], "reports": reports.get(cohort.program_id, [])},
        )
        entry["cohorts"].append(cohort)
    return {"programs": list(programs.values())}


def _program_panel(program: Program, user: Any) -> dict[str, Any] | None:
    """The program page's links to its reports: every report and the dashboard for staff, the submitted
    reports for observers, nothing for anyone else. One query for members."""
    reader = access.reader_of(program, user)
    if reader is None:
        return None
    return {"program": program, "staff": access.may_change(reader)}


def _certificate_block(viewer: home.Viewer) -> dict[str, Any] | None:
    """A fellow's certificates once earned, each with its cohort. One query, none for non-fellows."""
    cohort_ids = viewer.cohorts_as(Role.FELLOW)
    if not cohort_ids:
        return None
    earned = db.session.scalars(queries.certificates_of(viewer.user.id, cohort_ids)).all()
    return {"certificates": earned} if earned else None


home.register(home.HomeBlock("certificates", "impact/home_certificates.html", 12, _certificate_block))
home.register(home.HomeBlock("impact-staff", "impact/home_staff.html", 40, _staff_block))
home.register(home.HomeBlock("impact-observer", "impact/home_observer.html", 40, _observer_block))
panels.register_program_panel(panels.ProgramPanel("impact", "impact/program_panel.html", 10, _program_panel))
