"""Sign-in, sign-out, language choice, and the administrators' pages for people and organisations."""

from __future__ import annotations

import logging

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from fellowship.accounts import queries, services
from fellowship.accounts.enums import ORGANIZATION_KIND_LABELS, OrganizationKind
from fellowship.accounts.forms import LanguageForm, OrganizationForm, SignInForm, UserForm
from fellowship.accounts.models import Organization, User
from fellowship.core.forms import ActionForm, form_status
from fellowship.core.pagination import paginate
from fellowship.core.permissions import admin_required
from fellowship.core.web import safe_next
from fellowship.extensions import db

bp = Blueprint("accounts", __name__, template_folder="templates")
log = logging.getLogger("fellowship.auth")


@bp.context_processor
def _labels() -> dict[str, object]:
    return {"kind_labels": ORGANIZATION_KIND_LABELS}


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in() -> str | Response:
    if current_user.is_authenticated:
        return redirect(url_for("fellowship.programs.dashboard"))
    form = SignInForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        user = services.authenticate(form.email.data or "", form.password.data or "")
        if user is None:
            log.info("sign-in failed", extra={"event": "sign_in_failed"})
            flash(_("That email address and password do not match an active account."), "error")
            return render_template("accounts/sign_in.html", form=form), 401
        locale = session.get("locale")
        session.clear()  # a fresh session at sign-in: nothing from before carries over but the language
        if locale:
            session["locale"] = locale
        login_user(user)
        log.info("sign-in", extra={"event": "sign_in", "user_id": user.id})
        return redirect(safe_next(form.next.data) or url_for("fellowship.programs.dashboard"))
    return render_template("accounts/sign_in.html", form=form)


@bp.route("/sign-out", methods=["POST"])
def sign_out() -> Response:
    if ActionForm().validate_on_submit() and current_user.is_authenticated:
        logout_user()
        session.clear()
        flash(_("You have signed out."), "info")
    return redirect(url_for("fellowship.accounts.sign_in"))


@bp.route("/language", methods=["POST"])
def language() -> Response:
    form = LanguageForm()
    if not form.validate_on_submit():
        abort(400)
    session["locale"] = form.locale.data
    if current_user.is_authenticated:
        current_user.locale = form.locale.data
        db.session.commit()
    return redirect(safe_next(form.next.data) or url_for("fellowship.programs.dashboard"))


# --- administrators: people -------------------------------------------------------------------------------


def _organization_choices() -> list[tuple[int, str]]:
    return [(o.id, o.name) for o in db.session.scalars(queries.organizations_ordered())]


@bp.route("/admin/users")
@admin_required
def users() -> str:
    page = paginate(queries.users_ordered(), request.args.get("page", 1, type=int), per_page=100)
    return render_template("accounts/users.html", page=page, action_form=ActionForm())


@bp.route("/admin/users/new", methods=["GET", "POST"])
@admin_required
def user_new() -> str | Response:
    form = UserForm()
    form.set_organization_choices(_organization_choices())
    if form.validate_on_submit():
        try:
            user = services.create_user(
                form.email.data or "",
                form.name.data or "",
                password=form.password.data or None,
                organization=db.session.get(Organization, form.organization_id.data or 0),
                is_admin=form.is_admin.data,
                locale=form.locale.data or None,
                timezone=form.timezone.data or "UTC",
            )
        except services.AccountError as error:
            form.email.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Saved %(name)s.", name=user.name), "success")
            return redirect(url_for(".users"))
    return render_template("accounts/user_form.html", form=form, user=None), form_status(form)


@bp.route("/admin/users/<int:user_id>", methods=["GET", "POST"])
@admin_required
def user_edit(user_id: int) -> str | Response:
    user = db.get_or_404(User, user_id)
    form = UserForm(
        obj=user, data={"organization_id": user.organization_id or 0, "locale": user.locale or ""}
    )
    form.set_organization_choices(_organization_choices())
    if form.validate_on_submit():
        values = {
            "name": form.name.data,
            "email": form.email.data,
            "organization_id": form.organization_id.data or None,
            "locale": form.locale.data or None,
            "timezone": form.timezone.data,
            "is_admin": form.is_admin.data,
        }
        try:
            services.update_user(user, values, current_user.id)
            if form.password.data:
                services.set_password(user, form.password.data, current_user.id)
        except services.AccountError as error:
            form.email.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Saved %(name)s.", name=user.name), "success")
            return redirect(url_for(".users"))
    status = form_status(form)
    return render_template("accounts/user_form.html", form=form, user=user, action_form=ActionForm()), status


@bp.route("/admin/users/<int:user_id>/deactivate", methods=["POST"])
@admin_required
def user_deactivate(user_id: int) -> Response:
    return _set_active(user_id, False)


@bp.route("/admin/users/<int:user_id>/activate", methods=["POST"])
@admin_required
def user_activate(user_id: int) -> Response:
    return _set_active(user_id, True)


def _set_active(user_id: int, active: bool) -> Response:
    user = db.get_or_404(User, user_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    if user.id == current_user.id and not active:
        flash(_("You cannot deactivate your own account."), "error")
        return redirect(url_for(".user_edit", user_id=user.id))
    services.set_active(user, active, current_user.id)
    db.session.commit()
    if active:
        flash(_("%(name)s can sign in again.", name=user.name), "success")
    else:
        flash(_("%(name)s is deactivated; their history is kept.", name=user.name), "success")
    return redirect(url_for(".user_edit", user_id=user.id))


# --- administrators: organisations ------------------------------------------------------------------------


@bp.route("/organizations")
@admin_required
def organizations() -> str:
    member_count = (
        sa.select(sa.func.count(User.id)).where(User.organization_id == Organization.id).scalar_subquery()
    )
    stmt = sa.select(Organization, member_count).order_by(sa.func.lower(Organization.name))
    page = paginate(stmt, request.args.get("page", 1, type=int), per_page=100, rows=True)
    return render_template("accounts/organizations.html", rows=page.items, page=page)


@bp.route("/organizations/new", methods=["GET", "POST"])
@admin_required
def organization_new() -> str | Response:
    form = OrganizationForm()
    if form.validate_on_submit():
        try:
            org = services.create_organization(
                form.name.data or "",
                OrganizationKind(form.kind.data),
                form.city.data or "",
                form.website.data or "",
            )
        except services.AccountError as error:
            form.name.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Saved %(name)s.", name=org.name), "success")
            return redirect(url_for(".organizations"))
    return render_template("accounts/organization_form.html", form=form, org=None), form_status(form)


@bp.route("/organizations/<int:org_id>/edit", methods=["GET", "POST"])
@admin_required
def organization_edit(org_id: int) -> str | Response:
    org = db.get_or_404(Organization, org_id)
    form = OrganizationForm(obj=org)
    if form.validate_on_submit():
        values = {
            "name": form.name.data,
            "kind": OrganizationKind(form.kind.data),
            "city": form.city.data or "",
            "website": form.website.data or "",
        }
        try:
            services.update_organization(org, values)
        except services.AccountError as error:
            form.name.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Saved %(name)s.", name=org.name), "success")
            return redirect(url_for(".organizations"))
    return render_template("accounts/organization_form.html", form=form, org=org), form_status(form)
