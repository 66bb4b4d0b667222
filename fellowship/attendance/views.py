"""Taking attendance, apologies in advance, and self check-in."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import segno
import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from fellowship.attendance import queries, reports, services
from fellowship.attendance.enums import STATUS_LABELS, Status
from fellowship.attendance.forms import ApologiesForm, CheckinForm, CheckinWindowForm
from fellowship.attendance.models import AttendanceRecord
from fellowship.core import clock, home, limits, panels
from fellowship.core.csv_export import csv_response
from fellowship.core.forms import ActionForm, form_status
from fellowship.core.i18n import format_datetime_in
from fellowship.core.permissions import require
from fellowship.events import notices
from fellowship.events.access import event_for
from fellowship.events.queries import invitation_of
from fellowship.extensions import db, limiter
from fellowship.programs.access import can_manage, cohort_for, cohort_role
from fellowship.programs.enums import Role, people_of

bp = Blueprint("attendance", __name__, template_folder="templates")

NOTE_LENGTH = limits.column_length(AttendanceRecord.note)


@bp.context_processor
def _labels() -> dict[str, object]:
    return {"status_labels": STATUS_LABELS, "statuses": list(Status)}


def _note_problems(form: Any) -> dict[str, Any]:
    """The typed notes that cannot be saved as they are (too long, control characters), by cell: the grid
    comes back with them, never a shortened note."""
    problems = {}
    for key in form:
        if key.startswith("n-"):
            problem = limits.text_problem(form[key].strip(), max_length=NOTE_LENGTH)
            if problem is not None:
                problems[key.removeprefix("n-")] = problem
    return problems


def _parse_cells(form: Any, event_days: list[dt.date]) -> list[services.CellChange]:
    """Read the grid's fields: s-<invitation>-<day> (status), n-… (note), os-… / on-… (what was shown)."""
    cells = []
    for key in form:
        if not key.startswith("s-"):
            continue
        try:
            _prefix, invitation_id, day_text = key.split("-", 2)
            day = dt.date.fromisoformat(day_text)
            cell = f"{invitation_id}-{day_text}"
            cells.append(
                services.CellChange(
                    invitation_id=int(invitation_id),
                    day=day,
                    status=Status(form[key]) if form[key] else None,
                    note=(form.get(f"n-{cell}") or "").strip(),
                    seen_status=Status(form[f"os-{cell}"]) if form.get(f"os-{cell}") else None,
                    seen_note=(form.get(f"on-{cell}") or "").strip(),
                )
            )
        except (ValueError, KeyError) as error:
            raise services.AttendanceError(_("The attendance form was changed or is incomplete.")) from error
    return cells


def _save_grid(event: Any) -> tuple[int, list[services.Cell]]:
    """Save the posted grid: 302 when every change is in, else the status to answer with (and any
    conflicts)."""
    try:
        result = services.save_grid(event, _parse_cells(request.form, event.days()), current_user.id)
    except services.AttendanceError as error:
        db.session.rollback()
        flash(str(error), "error")
        return 422, []
    db.session.commit()
    if result.conflicts:
        flash(
            ngettext(
                "%(num)d cell was changed by someone else meanwhile; it shows their value.",
                "%(num)d cells were changed by someone else meanwhile; they show their values.",
                len(result.conflicts),
            ),
            "error",
        )
        return 409, result.conflicts
    flash(ngettext("%(num)d change saved.", "%(num)d changes saved.", result.changed), "success")
    return 302, []


@bp.route("/events/<int:event_id>/attendance", methods=["GET", "POST"])
@login_required
def grid(event_id: int) -> str | Response | tuple[str, int]:
    event, _role = event_for(event_id, manage=True)
    form = ActionForm()
    conflicts: list[services.Cell] = []
    problems: dict[str, Any] = {}
    status = 200
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        problems = _note_problems(request.form)
        if problems:
            flash(
                _("Some notes cannot be saved as they are, so nothing was saved: see the marked cells."),
                "error",
            )
            status = 400
        else:
            status, conflicts = _save_grid(event)
            if status == 302:
                return redirect(url_for(".grid", event_id=event.id))
    return render_template(
        "attendance/grid.html",
        event=event,
        grid=services.load_grid(event),
        form=form,
        conflicts=set(conflicts),
        problems=problems,
        posted=request.form if problems else None,
        note_length=NOTE_LENGTH,
        window_form=CheckinWindowForm(formdata=None),
        now=clock.now(),
    ), status


@bp.route("/events/<int:event_id>/attendance/all-present", methods=["POST"])
@login_required
def all_present(event_id: int) -> Response:
    event, _role = event_for(event_id, manage=True)
    if not ActionForm().validate_on_submit():
        abort(400)
    count = services.mark_all_present(event, current_user.id)
    db.session.commit()
    flash(ngettext("%(num)d cell marked present.", "%(num)d cells marked present.", count), "success")
    return redirect(url_for(".grid", event_id=event.id))


@bp.route("/events/<int:event_id>/apologies", methods=["GET", "POST"])
@login_required
def apologies(event_id: int) -> str | Response | tuple[str, int]:
    """Participants excuse themselves; staff host the event and are never counted, so they have none."""
    event, role = event_for(event_id)
    require(role is Role.FELLOW)
    invitation = db.session.scalar(invitation_of(current_user, event.id))
    require(invitation is not None)
    assert invitation is not None
    form = ApologiesForm()
    if form.validate_on_submit():
        try:
            moved_up = services.send_apologies(invitation, form.reason.data or "", current_user.id)
        except services.AttendanceError as error:
            form.reason.errors.append(str(error))
        else:
            if moved_up is not None:
                notices.send(event, [moved_up], "promoted")
            db.session.commit()
            flash(_("Thank you for letting us know. You are excused."), "success")
            return redirect(url_for("fellowship.events.event", event_id=event.id))
    return render_template("attendance/apologies.html", event=event, form=form), form_status(form)


def _checkin_key() -> str:
    user_id = current_user.get_id() if current_user.is_authenticated else request.remote_addr
    return f"checkin|{user_id}"


@bp.route("/events/<int:event_id>/check-in", methods=["GET", "POST"])
@login_required
@limiter.limit(
    lambda: current_app.config["FELLOWSHIP_RATELIMIT_CHECKIN"], key_func=_checkin_key, methods=["POST"]
)
def check_in(event_id: int) -> str | Response | tuple[str, int]:
    """Participants check themselves in; staff host the event and are never counted, so they do not."""
    event, role = event_for(event_id)
    require(role is Role.FELLOW)
    form = CheckinForm(code=request.args.get("code", ""))
    if form.validate_on_submit():
        invitation = db.session.scalar(invitation_of(current_user, event.id))
        try:
            result = services.check_in(event, invitation, form.code.data or "")
        except services.AttendanceError as error:
            form.code.errors.append(str(error))
        else:
            db.session.commit()
            if result.earlier is not None:
                when = format_datetime_in(result.earlier, event.timezone, "short")
                flash(_("You had already checked in, at %(time)s.", time=when), "info")
            elif result.status is Status.LATE:
                flash(_("You are checked in (late). Welcome!"), "success")
            else:
                flash(_("You are checked in. Welcome!"), "success")
            return redirect(url_for("fellowship.events.event", event_id=event.id))
    return render_template("attendance/check_in.html", event=event, form=form), form_status(form)


@bp.route("/events/<int:event_id>/check-in/open", methods=["POST"])
@login_required
def checkin_open(event_id: int) -> Response | tuple[str, int]:
    event, _role = event_for(event_id, manage=True)
    form = CheckinWindowForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.open_checkin(event, form.minutes.data or 30, form.grace.data or 0)
    except services.AttendanceError as error:
        flash(str(error), "error")
        return redirect(url_for(".grid", event_id=event.id))
    db.session.commit()
    return redirect(url_for(".grid", event_id=event.id))


@bp.route("/events/<int:event_id>/check-in/close", methods=["POST"])
@login_required
def checkin_close(event_id: int) -> Response:
    event, _role = event_for(event_id, manage=True)
    if not ActionForm().validate_on_submit():
        abort(400)
    services.close_checkin(event)
    db.session.commit()
    return redirect(url_for(".grid", event_id=event.id))


@bp.route("/events/<int:event_id>/check-in/qr.svg")
@login_required
def checkin_qr(event_id: int) -> Response:
    event, _role = event_for(event_id, manage=True)
    if not event.checkin_open(clock.now()):
        abort(404)
    link = url_for(".check_in", event_id=event.id, code=event.checkin_code, _external=True)
    # A file of its own (served for an <img>) needs the SVG namespace, which segno's inline form leaves out.
    svg = io.BytesIO()
    segno.make(link, error="m").save(svg, kind="svg", xmldecl=False, scale=6, title=_("Check-in link"))
    response = current_app.response_class(svg.getvalue(), mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "no-store"
    return response


def _event_panel(event: Any, user: Any) -> dict[str, Any] | None:
    if not getattr(user, "is_authenticated", False):
        return None
    role = cohort_role(event.cohort)
    manage = can_manage(role)
    grid = services.load_grid(event) if manage or role is Role.OBSERVER else None
    mine = db.session.scalar(invitation_of(user, event.id)) if role is Role.FELLOW else None
    my_records = []
    if mine is not None:
        my_records = db.session.scalars(
            sa.select(AttendanceRecord)
            .where(AttendanceRecord.invitation_id == mine.id)
            .order_by(AttendanceRecord.day)
        ).all()
    now = clock.now()
    return {
        "event": event,
        "manage": manage,
        "figures": services.figures(grid) if grid else None,
        "mine": mine,
        "my_records": my_records,
        "can_apologise": mine is not None and now < event.starts_at and event.cancelled_at is None,
        "checkin_open": mine is not None and event.checkin_open(now),
        "status_labels": STATUS_LABELS,  # the event page is not this blueprint's, so pass the labels along
        "people": people_of(event.cohort.program.kind),
    }


panels.register_event_panel(panels.EventPanel("attendance", "attendance/panel.html", 10, _event_panel))


def _untaken_block(viewer: home.Viewer) -> dict[str, Any] | None:
    """Past events of the cohorts the person facilitates whose attendance was never taken: how many, and
    the latest five with a link to their grid. Two queries."""
    cohort_ids = viewer.cohorts_as(Role.FACILITATOR)
    if not cohort_ids:
        return None
    stmt = queries.untaken_events(cohort_ids, viewer.now)
    count = db.session.scalar(sa.select(sa.func.count()).select_from(stmt.order_by(None).subquery()))
    if not count:
        return None
    return {"count": count, "latest": db.session.scalars(stmt.limit(5)).all()}


home.register(home.HomeBlock("attendance-untaken", "attendance/home_untaken.html", 15, _untaken_block))


# --- reports -----------------------------------------------------------------------------------------------


def _may_read_everyone(role: Role | None) -> bool:
    return can_manage(role) or role is Role.OBSERVER


@bp.route("/cohorts/<int:cohort_id>/attendance")
@login_required
def cohort_report(cohort_id: int) -> str:
    cohort, role = cohort_for(cohort_id)
    everyone = _may_read_everyone(role)
    report = reports.cohort_report(cohort, clock.now(), None if everyone else current_user.id)
    return render_template(
        "attendance/cohort_report.html",
        cohort=cohort,
        report=report,
        everyone=everyone,
        flag=can_manage(role),
        minimum=cohort.min_attendance_rate,
        people=people_of(cohort.program.kind),
    )


def _rate(tally: reports.Tally) -> str:
    return "" if tally.rate is None else f"{tally.rate * 100:.0f}"


@bp.route("/cohorts/<int:cohort_id>/attendance.csv")
@login_required
def cohort_report_csv(cohort_id: int) -> Response:
    cohort, role = cohort_for(cohort_id)
    require(_may_read_everyone(role))
    report = reports.cohort_report(cohort, clock.now())
    header = [
        _("Name"),
        _("Organisation"),
        *[e.title for e in report.events],
        _("Attended"),
        _("Excused"),
        _("Absent"),
        _("Attendance rate (percent)"),
    ]
    rows: list[list[object]] = [header]
    for row in report.rows:
        rows.append(
            [
                row.user.name,
                row.user.organization.name if row.user.organization else "",
                *[_mark(row.cells[e.id]) for e in report.events],
                row.tally.attended,
                row.tally.excused,
                row.tally.absent,
                _rate(row.tally),
            ]
        )
    return csv_response(rows, f"attendance-cohort-{cohort.id}.csv")


@bp.route("/cohorts/<int:cohort_id>/attendance/organisations.csv")
@login_required
def organisations_csv(cohort_id: int) -> Response:
    cohort, role = cohort_for(cohort_id)
    require(_may_read_everyone(role))
    report = reports.cohort_report(cohort, clock.now())
    rows: list[list[object]] = [
        [
            _("Organisation"),
            _("Fellows"),
            _("Attended"),
            _("Excused"),
            _("Absent"),
            _("Attendance rate (percent)"),
        ]
    ]
    for name, count, tally in report.organisations():
        rows.append([name, count, tally.attended, tally.excused, tally.absent, _rate(tally)])
    return csv_response(rows, f"attendance-organisations-{cohort.id}.csv")


@bp.route("/events/<int:event_id>/attendance.csv")
@login_required
def event_csv(event_id: int) -> Response:
    event, role = event_for(event_id)
    require(_may_read_everyone(role))
    grid = services.load_grid(event)
    rows: list[list[object]] = [
        [_("Name"), _("Email address"), _("Guest"), *[d.isoformat() for d in grid.days], _("Notes")]
    ]
    for invitation in grid.invitations:
        records = [grid.records.get((invitation.id, day)) for day in grid.days]
        rows.append(
            [
                invitation.shown_name,
                invitation.email,
                _("yes") if invitation.is_guest else "",
                *[STATUS_LABELS[r.status] if r else "" for r in records],
                "; ".join(r.note for r in records if r and r.note),
            ]
        )
    return csv_response(rows, f"attendance-event-{event.id}.csv")


def _mark(cell: reports.Mark | str) -> str:
    if isinstance(cell, str):
        return "–"  # not yet a member
    if cell.partial:
        return ngettext(
            "%(attended)d of %(num)d day",
            "%(attended)d of %(num)d days",
            cell.days,
            attended=cell.attended_days,
        )
    return str(STATUS_LABELS[cell.status]) if cell.status else ""


from fellowship.attendance import personal  # noqa: E402,F401  (registers its personal data)
