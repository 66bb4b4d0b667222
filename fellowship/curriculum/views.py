"""Curriculum: the modules a cohort works through, and assigning them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from babel import dates as babel_dates
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager, selectinload
from werkzeug.wrappers import Response

from fellowship.accounts import emails
from fellowship.accounts.models import User
from fellowship.core import clock, home, limits, panels, subjects
from fellowship.core.forms import ActionForm
from fellowship.core.i18n import select_timezone
from fellowship.core.markdown import render as render_markdown
from fellowship.core.permissions import is_admin, require
from fellowship.curriculum import changes, editing, queries, resources, services, worksheet_forms
from fellowship.curriculum.enums import WORKSHEET_STATUS_LABELS, WorksheetStatus
from fellowship.curriculum.forms import NOTE_PREFIX, field_notes, review_form
from fellowship.curriculum.models import CohortModule, Review, Worksheet
from fellowship.curriculum.text import localised
from fellowship.extensions import db
from fellowship.programs.access import can_manage, cohort_for, require_cohort
from fellowship.programs.enums import Role
from fellowship.programs.models import Membership
from fellowship.programs.queries import facilitates

bp = Blueprint("curriculum", __name__, template_folder="templates")


@bp.context_processor
def _helpers() -> dict[str, object]:
    def worksheet_display(sheet: Worksheet) -> list[dict[str, Any]]:
        return worksheet_forms.display_answers(sheet.module.fields, sheet.answers)

    return {"localised": localised, "worksheet_display": worksheet_display}


@bp.route("/cohorts/<int:cohort_id>/modules")
@login_required
def modules(cohort_id: int) -> str:
    cohort, role = cohort_for(cohort_id)
    rows = db.session.execute(queries.cohort_modules(cohort.id, contents=False)).all()
    return render_template("curriculum/modules.html", cohort=cohort, rows=rows, can_manage=can_manage(role))


@bp.route("/cohorts/<int:cohort_id>/modules/assign", methods=["GET", "POST"])
@login_required
def assign(cohort_id: int) -> str | Response | tuple[str, int]:
    cohort, _role = cohort_for(cohort_id, manage=True)
    available = db.session.scalars(queries.current_modules(cohort.program.kind.value)).all()
    assigned = {
        cm.slug: cm
        for cm in db.session.scalars(sa.select(CohortModule).where(CohortModule.cohort_id == cohort.id))
    }
    form = ActionForm()
    errors: list[str] = []
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        chosen: list[tuple[int, str]] = []
        due: dict[str, dt.date | None] = {}
        known = {m.slug for m in available}
        for slug in request.form.getlist("module"):
            if slug not in known:
                abort(400)
            position = request.form.get(f"position-{slug}", "")
            due_text = request.form.get(f"due-{slug}", "")
            check = _("Check the order and due date of “%(module)s”.", module=slug)
            try:
                chosen.append((int(position) if position else 0, slug))
                due[slug] = dt.date.fromisoformat(due_text) if due_text else None
            except ValueError:
                errors.append(check)
                continue
            if limits.date_problem(due[slug]) is not None:
                errors.append(f"{check} {limits.DATE_OUT_OF_RANGE}")
        if not errors:
            services.assign(cohort, [slug for _p, slug in sorted(chosen)], due)
            db.session.commit()
            flash(_("The cohort's modules are saved."), "success")
            return redirect(url_for(".modules", cohort_id=cohort.id))
    page = render_template(
        "curriculum/assign.html",
        cohort=cohort,
        available=available,
        assigned=assigned,
        form=form,
        errors=errors,
        limits=limits,
    )
    return page, 400 if errors else 200


@bp.route("/cohorts/<int:cohort_id>/modules/<slug>")
@login_required
def module(cohort_id: int, slug: str) -> str:
    cohort, role = cohort_for(cohort_id)
    row = db.session.execute(queries.cohort_modules(cohort.id).where(CohortModule.slug == slug)).first()
    if row is None:
        abort(404)
    assignment, module = row
    sheets = []
    if can_manage(role):
        sheets = db.session.scalars(
            sa.select(Worksheet)
            .join(Worksheet.user)
            .options(contains_eager(Worksheet.user))
            .where(Worksheet.cohort_id == cohort.id, Worksheet.slug == slug)
            .order_by(Worksheet.status, Worksheet.submitted_at)
        ).all()
    mine = None
    if role is Role.FELLOW:
        mine = db.session.scalar(
            sa.select(Worksheet.status).where(
                Worksheet.cohort_id == cohort.id, Worksheet.user_id == current_user.id, Worksheet.slug == slug
            )
        )
    return render_template(
        "curriculum/module.html",
        is_fellow=role is Role.FELLOW,
        my_status=mine,
        sheets=sheets,
        status_labels=WORKSHEET_STATUS_LABELS,
        cohort=cohort,
        assignment=assignment,
        module=module,
        body=render_markdown(localised(module.body)),
        reading=localised(module.body),
        can_manage=can_manage(role),
        can_edit=can_manage(role) and editor.may_edit(module.program_kind),
        resources=db.session.scalars(resources.of_module(slug)).all(),
        panels=panels.render_context(panels.module_panels(), assignment, current_user),
    )


def _modules_panel(cohort: Any, user: Any) -> dict[str, Any]:
    rows = db.session.execute(queries.cohort_modules(cohort.id, contents=False)).all()
    return {"cohort": cohort, "rows": [(a, m.slug, localised(m.title)) for a, m in rows]}


panels.register_cohort_panel(panels.CohortPanel("modules", "curriculum/panel.html", 20, _modules_panel))


def _module_subjects(cohort_id: int, ids: Sequence[int] | None = None) -> list[subjects.Subject]:
    """The cohort's module assignments (among ``ids``, if given) as subjects a discussion can hang off."""
    statement = queries.cohort_modules(cohort_id, contents=False)
    if ids is not None:
        statement = statement.where(CohortModule.id.in_(ids))
    return [
        subjects.Subject(
            "module",
            assignment.id,
            str(localised(module.title)),
            url_for("fellowship.curriculum.module", cohort_id=cohort_id, slug=assignment.slug),
        )
        for assignment, module in db.session.execute(statement).all()
    ]


subjects.register(
    subjects.SubjectKind(
        "module",
        _l("Module"),
        lambda cohort_id, ids: {subject.id: subject for subject in _module_subjects(cohort_id, ids)},
        _module_subjects,
    )
)


def _fellow_block(viewer: home.Viewer) -> dict[str, Any] | None:
    """Per cohort where the person is a fellow: the next module to work on, with their worksheet's state;
    and every worksheet sent back with changes requested. One query."""
    cohort_ids = viewer.cohorts_as(Role.FELLOW)
    if not cohort_ids:
        return None
    by_cohort: dict[int, list[tuple[CohortModule, WorksheetStatus | None]]] = {}
    cohorts, titles, changes = {}, {}, []
    for assignment, module, status, cohort in db.session.execute(
        queries.fellow_modules(viewer.user.id, cohort_ids)
    ):
        cohorts[cohort.id] = cohort
        titles[assignment.id] = localised(module.title)
        by_cohort.setdefault(cohort.id, []).append((assignment, status))
        if status is WorksheetStatus.CHANGES_REQUESTED:
            changes.append((cohort, assignment))
    upcoming = []
    for cohort_id, modules in by_cohort.items():
        pair = services.next_module(modules)
        if pair is not None:
            upcoming.append((cohorts[cohort_id], *pair))
    if not upcoming and not changes:
        return None
    return {"upcoming": upcoming, "changes": changes, "titles": titles, "labels": WORKSHEET_STATUS_LABELS}


def _review_block(viewer: home.Viewer) -> dict[str, Any] | None:
    """Submitted worksheets waiting for this facilitator (every cohort's for admins), oldest first: the
    count and the five oldest. Two queries."""
    if not viewer.is_admin and not viewer.cohorts_as(Role.FACILITATOR):
        return None
    stmt = queries.review_queue(None if viewer.is_admin else viewer.user.id)
    count = db.session.scalar(sa.select(sa.func.count()).select_from(stmt.order_by(None).subquery()))
    if not count and not viewer.cohorts_as(Role.FACILITATOR):
        return None
    oldest = db.session.execute(stmt.limit(5)).all() if count else []
    return {
        "count": count,
        "oldest": [
            (sheet, fellow, cohort, localised(module.title)) for sheet, fellow, cohort, module, _n in oldest
        ],
    }


home.register(home.HomeBlock("worksheets", "curriculum/home_fellow.html", 10, _fellow_block))
home.register(home.HomeBlock("reviews", "curriculum/home_reviews.html", 10, _review_block))


# --- worksheets --------------------------------------------------------------------------------------------


def _my_worksheet(cohort_id: int, user_id: int, slug: str, lock: bool = False) -> Worksheet | None:
    stmt = sa.select(Worksheet).where(
        Worksheet.cohort_id == cohort_id, Worksheet.user_id == user_id, Worksheet.slug == slug
    )
    return db.session.scalar(stmt.with_for_update() if lock else stmt)


def _bases(form: Any) -> tuple[int, int]:
    """The revision and autosave the form started from; garbage is a bad request."""
    try:
        return int(form.base_revision.data or 0), int(form.base_draft.data or 0)
    except ValueError:
        abort(400)


def _fellow_module(cohort_id: int, slug: str) -> tuple[Any, Worksheet | None, Any, Any]:
    """The cohort, the signed-in fellow's worksheet (locked for writing on POST), its module version, and
    the module's current version."""
    cohort, role = cohort_for(cohort_id)
    require(role is Role.FELLOW)  # worksheets are the fellows' own work
    row = db.session.execute(queries.cohort_modules(cohort.id).where(CohortModule.slug == slug)).first()
    if row is None:
        abort(404)
    _assignment, current_module = row
    sheet = _my_worksheet(cohort.id, current_user.id, slug, lock=request.method == "POST")
    return (
        cohort,
        sheet,
        (sheet.module if sheet else current_module),
        current_module,
    )  # work stays on its version


def _latest_review(sheet: Worksheet | None) -> list[Review]:
    if sheet is None:
        return []
    return list(
        db.session.scalars(
            sa.select(Review)
            .options(selectinload(Review.reviewer))
            .where(Review.worksheet_id == sheet.id)
            .order_by(Review.created_at.desc(), Review.id.desc())
        )
    )


@bp.route("/cohorts/<int:cohort_id>/modules/<slug>/worksheet", methods=["GET", "POST"])
@login_required
def worksheet(cohort_id: int, slug: str) -> str | Response | tuple[str, int]:
    cohort, sheet, module, newest = _fellow_module(cohort_id, slug)
    stale: Worksheet | None = None
    status = 200
    if request.method == "POST":
        # The page's two buttons; a post without one (Enter in some browsers) saves a draft.
        action = request.form.get("action", "save")
        if action not in {"save", "submit"}:
            abort(400)
        form = worksheet_forms.build(module.fields, {}, formdata=request.form)
        if not form.validate_on_submit():
            status = 400
        else:
            answers = worksheet_forms.answers_from(form, module.fields)
            submit = action == "submit"
            missing = worksheet_forms.missing_required(module.fields, answers) if submit else []
            for name in missing:
                form[name].errors = [*form[name].errors, _("This field is needed before you submit.")]
            base, base_draft = _bases(form)
            if missing:
                status = 400
            else:
                try:
                    sheet = services.save_worksheet(
                        sheet, cohort, current_user.id, module, answers, base, submit, base_draft
                    )
                    db.session.commit()
                except services.StaleRevision as error:
                    stale, status = error.worksheet, 409
                except services.WorksheetError as error:
                    flash(str(error), "error")
                    status = 400
                except IntegrityError:  # another tab created the worksheet at the same moment
                    db.session.rollback()
                    stale, status = _my_worksheet(cohort.id, current_user.id, slug), 409
                else:
                    flash(
                        _("Your worksheet is submitted for review.") if submit else _("Your draft is saved."),
                        "success",
                    )
                    return redirect(url_for(".worksheet", cohort_id=cohort.id, slug=slug))
    else:
        form = worksheet_forms.build(module.fields, sheet.answers if sheet else {})
        form.base_revision.data = str(sheet.revision_number if sheet else 0)
        form.base_draft.data = str(sheet.draft_version if sheet else 0)
    reviews = _latest_review(sheet)
    return render_template(
        "curriculum/worksheet.html",
        newer=_newer_version(sheet, module, newest),
        cohort=cohort,
        module=module,
        sheet=sheet,
        form=form,
        stale=stale,
        reviews=reviews,
        notes=reviews[0].field_comments if reviews else {},
        editable=sheet is None or sheet.status not in LOCKED,
        status_labels=WORKSHEET_STATUS_LABELS,
        render_markdown=render_markdown,
    ), status


@bp.route("/cohorts/<int:cohort_id>/modules/<slug>/worksheet/autosave", methods=["POST"])
@login_required
def worksheet_autosave(cohort_id: int, slug: str) -> tuple[Response, int]:
    """Called by static/js/autosave.js while the fellow types: overwrites the working draft, keeps no
    revision, answers JSON. Invalid values are not saved (the page keeps them and says so)."""
    cohort, sheet, module, _newest = _fellow_module(cohort_id, slug)
    form = worksheet_forms.build(module.fields, {}, formdata=request.form)
    if not form.validate():
        return jsonify(
            saved=False,
            message=_("Not saved automatically: check the marked fields, then save the draft."),
            fields=sorted(name for name, errors in form.errors.items() if errors),
        ), 422
    base, base_draft = _bases(form)
    try:
        sheet = services.autosave_worksheet(
            sheet,
            cohort,
            current_user.id,
            module,
            worksheet_forms.answers_from(form, module.fields),
            base,
            base_draft,
        )
        db.session.commit()
    except services.StaleRevision:
        return jsonify(saved=False, stale=True, message=_(STALE_AUTOSAVE)), 409
    except services.WorksheetError as error:
        return jsonify(saved=False, message=str(error)), 409
    except IntegrityError:
        db.session.rollback()
        return jsonify(saved=False, stale=True, message=_(STALE_AUTOSAVE)), 409
    assert sheet.updated_at is not None
    return jsonify(
        saved=True,
        base_revision=sheet.revision_number,
        base_draft=sheet.draft_version,
        message=_(
            "Draft saved automatically at %(time)s.",
            time=babel_dates.format_time(
                sheet.updated_at, "short", tzinfo=ZoneInfo(select_timezone()), locale=get_locale()
            ),
        ),
    ), 200


def _newer_version(sheet: Worksheet | None, module: Any, newest: Any) -> dict[str, Any] | None:
    """When the fellow's open draft stays on an earlier version of the module (its answers did not fit the
    newer one when it was published): the newer version, its editor's note and why the answers do not fit."""
    if sheet is None or sheet.status in LOCKED or module.id == newest.id:
        return None
    return {
        "module": newest,
        "misfits": editing.misfits(module.fields, newest.fields, sheet.answers),
    }


STALE_AUTOSAVE = _l(
    "This worksheet was changed in another window, so typing here is no longer saved automatically. "
    "Your text stays in this browser: save the draft to compare both versions."
)

LOCKED = {WorksheetStatus.SUBMITTED, WorksheetStatus.APPROVED}


@bp.route("/worksheets/<int:worksheet_id>", methods=["GET", "POST"])
@login_required
def worksheet_review(worksheet_id: int) -> str | Response | tuple[str, int]:
    sheet = db.get_or_404(Worksheet, worksheet_id)
    role = require_cohort(sheet.cohort)
    require(can_manage(role) or sheet.user_id == current_user.id, hide=True)
    fields = sheet.module.fields
    form = review_form(fields)
    status = 200
    if request.method == "POST":
        require(can_manage(role))
        if form.validate_on_submit():
            try:
                services.review_worksheet(
                    sheet,
                    current_user.id,
                    WorksheetStatus(form.decision.data),
                    form.comment.data or "",
                    field_notes(form, fields),
                )
            except services.WorksheetError as error:
                flash(str(error), "error")
                status = 400
            else:
                emails.send_notification(
                    sheet.user,
                    "worksheet_reviewed",
                    _l("Your worksheet was reviewed"),
                    "curriculum/email/reviewed",
                    module_title=localised(sheet.module.title),
                    decision=WORKSHEET_STATUS_LABELS[sheet.status],
                    link=emails.external_url(".worksheet", cohort_id=sheet.cohort_id, slug=sheet.slug),
                )
                db.session.commit()
                flash(_("Your review is saved and the fellow is told."), "success")
                return redirect(url_for(".worksheet_review", worksheet_id=sheet.id))
        else:
            status = 400
    reviews = _latest_review(sheet)
    display = worksheet_forms.display_answers(fields, sheet.answers)
    changed: int | None = None
    if sheet.status in LOCKED:  # the answers are the latest submission: compare with the one before
        earlier = services.previous_submission(sheet)
        if earlier is not None:
            changed = changes.mark_changes(display, worksheet_forms.display_answers(fields, earlier.answers))
    can_review = can_manage(role) and sheet.status is WorksheetStatus.SUBMITTED
    return render_template(
        "curriculum/worksheet_review.html",
        sheet=sheet,
        module=sheet.module,
        form=form,
        reviews=reviews,
        notes=reviews[0].field_comments if reviews else {},
        can_review=can_review,
        changed=changed,
        note_prefix=NOTE_PREFIX,
        status_labels=WORKSHEET_STATUS_LABELS,
        render_markdown=render_markdown,
        display=display,
    ), status


@bp.route("/reviews")
@login_required
def queue() -> str:
    """Submitted worksheets waiting for a decision across the cohorts this person facilitates."""
    admin = is_admin(current_user)
    if not admin:
        require(db.session.scalar(facilitates(current_user.id)) is not None)
    rows = db.session.execute(queries.review_queue(None if admin else current_user.id)).all()
    return render_template("curriculum/queue.html", rows=rows, today=clock.today())


# --- progress ----------------------------------------------------------------------------------------------


def _statuses(cohort_id: int, user_id: int | None = None) -> dict[tuple[int, str], WorksheetStatus]:
    stmt = sa.select(Worksheet.user_id, Worksheet.slug, Worksheet.status).where(
        Worksheet.cohort_id == cohort_id
    )
    if user_id is not None:
        stmt = stmt.where(Worksheet.user_id == user_id)
    return {(u, s): status for u, s, status in db.session.execute(stmt)}


def overdue(assignment: CohortModule, status: WorksheetStatus | None, today: dt.date) -> bool:
    done = status in {WorksheetStatus.SUBMITTED, WorksheetStatus.APPROVED}
    return assignment.due_on is not None and assignment.due_on < today and not done


@bp.route("/cohorts/<int:cohort_id>/progress")
@login_required
def progress(cohort_id: int) -> str:
    """Fellows × modules for facilitators, admins and observers; a fellow sees their own row only."""
    cohort, role = cohort_for(cohort_id)
    everyone = can_manage(role) or role is Role.OBSERVER
    rows = db.session.execute(queries.cohort_modules(cohort.id, contents=False)).all()
    fellows_stmt = (
        sa.select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.cohort_id == cohort.id, Membership.role == Role.FELLOW)
        .order_by(sa.func.lower(User.name), User.id)
    )
    if not everyone:
        fellows_stmt = fellows_stmt.where(User.id == current_user.id)
    fellows = db.session.scalars(fellows_stmt).all()
    statuses = _statuses(cohort.id, None if everyone else current_user.id)
    today = clock.today(cohort.timezone)
    # Every cell's class and words are worked out here, with the labels translated once: as template
    # expressions (a lookup, a call and a translation per cell) a 40 × 12 matrix took a quarter of the page.
    labels = {status: str(label) for status, label in WORKSHEET_STATUS_LABELS.items()}
    not_started = _("Not started")
    matrix = []
    for fellow in fellows:
        cells = []
        for assignment, module in rows:
            status = statuses.get((fellow.id, module.slug))
            late = overdue(assignment, status, today)
            css = f"status-{status.value if status else 'not-started'}{' overdue' if late else ''}"
            cells.append((css, labels[status] if status else not_started, late))
        matrix.append((fellow, cells))
    return render_template("curriculum/progress.html", cohort=cohort, rows=rows, matrix=matrix)


@bp.route("/worksheets/<int:worksheet_id>/export.md")
@login_required
def worksheet_markdown(worksheet_id: int) -> Response:
    sheet = db.get_or_404(Worksheet, worksheet_id)
    role = require_cohort(sheet.cohort)
    require(can_manage(role) or sheet.user_id == current_user.id, hide=True)
    text = worksheet_forms.markdown_export(
        localised(sheet.module.title),
        sheet.user.name,
        str(WORKSHEET_STATUS_LABELS[sheet.status]),
        worksheet_forms.display_answers(sheet.module.fields, sheet.answers),
    )
    response = current_app.response_class(text, mimetype="text/markdown")  # Werkzeug adds the charset
    response.headers["Content-Disposition"] = f'attachment; filename="{sheet.slug}.md"'
    return response


# The module editor's pages (on this blueprint) and the personal-data holding register themselves.
from fellowship.curriculum import editor, personal, resource_views  # noqa: E402,F401
