"""Curriculum: the modules a cohort works through, and assigning them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from fellowship.core import panels
from fellowship.core.forms import ActionForm
from fellowship.core.markdown import render as render_markdown
from fellowship.curriculum import queries, services
from fellowship.curriculum.models import CohortModule
from fellowship.curriculum.text import localised
from fellowship.extensions import db
from fellowship.programs.access import can_manage, cohort_for

bp = Blueprint("curriculum", __name__, template_folder="templates")


@bp.context_processor
def _helpers() -> dict[str, object]:
    return {"localised": localised}


@bp.route("/cohorts/<int:cohort_id>/modules")
@login_required
def modules(cohort_id: int) -> str:
    cohort, role = cohort_for(cohort_id)
    rows = db.session.execute(queries.cohort_modules(cohort.id)).all()
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
            try:
                chosen.append((int(position) if position else 0, slug))
                due[slug] = dt.date.fromisoformat(due_text) if due_text else None
            except ValueError:
                errors.append(_("Check the order and due date of “%(module)s”.", module=slug))
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
    return render_template(
        "curriculum/module.html",
        cohort=cohort,
        assignment=assignment,
        module=module,
        body=render_markdown(localised(module.body)),
        can_manage=can_manage(role),
    )


def _modules_panel(cohort: Any, user: Any) -> dict[str, Any]:
    rows = db.session.execute(queries.cohort_modules(cohort.id)).all()
    return {"cohort": cohort, "rows": [(a, m.slug, localised(m.title)) for a, m in rows]}


panels.register_cohort_panel(panels.CohortPanel("modules", "curriculum/panel.html", 20, _modules_panel))
