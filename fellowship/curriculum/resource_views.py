"""Resource pages: a module's resources (kept by its curriculum editors, shown on the module's page in every
cohort using it), a cohort's resource library (kept by its facilitators), and downloading a file."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from fellowship.core import panels
from fellowship.core.forms import ActionForm
from fellowship.core.permissions import is_admin, require
from fellowship.core.storage import storage
from fellowship.curriculum import editor, queries, resources
from fellowship.curriculum.forms import ResourceForm
from fellowship.curriculum.models import Module, Resource
from fellowship.curriculum.views import bp
from fellowship.extensions import db
from fellowship.programs.access import can_manage, cohort_for, require_cohort
from fellowship.programs.models import Cohort


def _max_bytes() -> int:
    return int(current_app.config["FELLOWSHIP_RESOURCE_MAX_BYTES"])


def _form() -> ResourceForm:
    form = ResourceForm()
    form.upload.description = _(
        "A PDF, a picture (PNG, JPEG, WebP) or an office document, at most %(size)s.",
        size=resources.size_text(_max_bytes()),
    )
    return form


def _add(form: ResourceForm, place: resources.Place) -> str | None:
    """Add the form's link or file at ``place``; None when added, else the reason (nothing is added)."""
    upload = form.upload.data
    data = b""
    if upload:
        try:
            data = upload.read(_max_bytes() + 1)
        finally:
            upload.close()
    if bool(form.url.data) == bool(data):
        return _("Give either a link or a file.")
    try:
        if data:
            resources.add_file(
                place, form.title.data, data, upload.filename or "", current_user.id, _max_bytes()
            )
        else:
            resources.add_link(place, form.title.data, form.url.data, current_user.id)
    except resources.ResourceError as error:
        return str(error)
    db.session.commit()
    return None


def _remove(resource: Resource) -> None:
    if not ActionForm().validate_on_submit():
        abort(400)
    stored = resources.remove(resource)
    db.session.commit()
    resources.forget_file(stored)  # only once the row is gone for good
    flash(_("The resource is removed."), "success")


# --- a module's resources (curriculum editors) --------------------------------------------------------------


@bp.route("/curriculum/<slug>/resources", methods=["GET", "POST"])
@login_required
def module_resources(slug: str) -> str | Response | tuple[str, int]:
    current, draft = editor.editable_module(slug)
    form = _form()
    problem = None
    if request.method == "POST":
        if not form.validate_on_submit():
            problem = _("Please correct the marked fields.")
        else:
            problem = _add(form, resources.Place(module_slug=slug))
            if problem is None:
                flash(_("The resource is added; every cohort using the module sees it."), "success")
                return redirect(url_for(".module_resources", slug=slug))
    return render_template(
        "curriculum/module_resources.html",
        form=form,
        problem=problem,
        items=db.session.scalars(resources.of_module(slug)).all(),
        remove_form=ActionForm(),
        editor_page="resources",
        **editor.editor_context(slug, current, draft),
    ), 400 if problem else 200


@bp.route("/curriculum/<slug>/resources/<int:resource_id>/remove", methods=["POST"])
@login_required
def remove_module_resource(slug: str, resource_id: int) -> Response:
    editor.editable_module(slug)
    resource = db.get_or_404(Resource, resource_id)
    if resource.module_slug != slug:
        abort(404)
    _remove(resource)
    return redirect(url_for(".module_resources", slug=slug))


# --- a cohort's resource library ----------------------------------------------------------------------------


@bp.route("/cohorts/<int:cohort_id>/resources", methods=["GET", "POST"])
@login_required
def cohort_resources(cohort_id: int) -> str | Response | tuple[str, int]:
    """The cohort's library and its modules' resources, for everyone in the cohort; its facilitators add."""
    cohort, role = cohort_for(cohort_id)
    manage = can_manage(role)
    form = _form()
    problem = None
    if request.method == "POST":
        require(manage)
        if not form.validate_on_submit():
            problem = _("Please correct the marked fields.")
        else:
            problem = _add(form, resources.Place(cohort_id=cohort.id))
            if problem is None:
                flash(_("The resource is added to the cohort's library."), "success")
                return redirect(url_for(".cohort_resources", cohort_id=cohort.id))
    module_items = db.session.execute(queries.module_resources_of_cohort(cohort.id)).all()
    return render_template(
        "curriculum/cohort_resources.html",
        cohort=cohort,
        manage=manage,
        form=form,
        problem=problem,
        items=db.session.scalars(resources.of_cohort(cohort.id)).all(),
        module_items=module_items,
        remove_form=ActionForm(),
    ), 400 if problem else 200


@bp.route("/cohorts/<int:cohort_id>/resources/<int:resource_id>/remove", methods=["POST"])
@login_required
def remove_cohort_resource(cohort_id: int, resource_id: int) -> Response:
    cohort, _role = cohort_for(cohort_id, manage=True)
    resource = db.get_or_404(Resource, resource_id)
    if resource.cohort_id != cohort.id:
        abort(404)
    _remove(resource)
    return redirect(url_for(".cohort_resources", cohort_id=cohort.id))


# --- downloading --------------------------------------------------------------------------------------------


def _may_read(resource: Resource) -> bool:
    """A cohort's file: its members (and admins). A module's file: its editors, and the members of every
    cohort that uses the module."""
    if resource.cohort_id is not None:
        require_cohort(db.get_or_404(Cohort, resource.cohort_id))
        return True
    if is_admin(current_user):
        return True
    kind = db.session.scalar(
        sa.select(Module.program_kind).where(Module.slug == resource.module_slug, Module.current.is_(True))
    )
    if kind is not None and editor.may_edit(kind):
        return True
    return db.session.scalar(queries.uses_module(current_user.id, resource.module_slug or "")) is not None


@bp.route("/resources/<int:resource_id>/file")
@login_required
def resource_file(resource_id: int) -> Response:
    resource = db.get_or_404(Resource, resource_id)
    require(_may_read(resource), hide=True)
    if resource.stored_name is None:
        abort(404)
    response = storage().send(  # either store answers 404 for a file it does not hold
        resources.AREA,
        resource.stored_name,
        as_attachment=True,
        download_name=resource.filename,
        mimetype=resource.content_type,
        max_age=0,
    )
    response.headers["Cache-Control"] = "private, no-cache"  # for its readers only: no shared cache keeps it
    return response


# --- where people find them ---------------------------------------------------------------------------------


def _resources_panel(cohort: Any, user: Any) -> dict[str, Any] | None:
    """The cohort page's link to its resource library, with the library's newest entries. One query."""
    items = db.session.scalars(resources.of_cohort(cohort.id, newest_first=True).limit(5)).all()
    return {"cohort": cohort, "items": items}


panels.register_cohort_panel(
    panels.CohortPanel("resources", "curriculum/resources_panel.html", 25, _resources_panel)
)
