"""Sign-in, sign-out, language choice, and the administrators' pages for people and organisations."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import sqlalchemy as sa
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user, logout_user
from itsdangerous import BadSignature
from werkzeug.wrappers import Response

from fellowship.accounts import circles, emails, erasure, queries, services
from fellowship.accounts.enums import ORGANIZATION_KIND_LABELS, InviteStatus, OrganizationKind
from fellowship.accounts.forms import (
    AcceptInviteForm,
    ChangePasswordForm,
    EraseForm,
    ErasureRequestForm,
    ForgotPasswordForm,
    LanguageForm,
    OrganizationForm,
    ProfileForm,
    ResetPasswordForm,
    SignInForm,
    UserForm,
)
from fellowship.accounts.models import Organization, User
from fellowship.core import attempts, clock, dev_mailbox, i18n, mail, personal_data
from fellowship.core.forms import ActionForm, form_status
from fellowship.core.logs import security_event
from fellowship.core.pagination import paginate
from fellowship.core.permissions import admin_required
from fellowship.core.web import safe_next
from fellowship.extensions import db, limiter

bp = Blueprint("accounts", __name__, template_folder="templates")


@bp.context_processor
def _labels() -> dict[str, object]:
    return {"kind_labels": ORGANIZATION_KIND_LABELS}


def _client_email_key() -> str:
    """Rate-limit key for account actions: the address plus the email typed, so one person's attempts on
    many accounts and many people's attempts on one account are both bounded."""
    return f"{get_remote_address()}|{(request.form.get('email') or '').strip().lower()}"


def _limit(config_key: str, **kwargs: Any) -> Any:
    return limiter.limit(lambda: current_app.config[config_key], methods=["POST"], **kwargs)


def begin_session(user: User) -> None:
    """Sign ``user`` in on a fresh session (nothing from before carries over but the language)."""
    locale = session.get("locale")
    session.clear()
    if locale:
        session["locale"] = locale
    session["sid"] = services.start_session(user)
    session["seen"] = int(clock.now().timestamp())
    session.permanent = True
    login_user(user)


def _sign_in_budgets() -> list[tuple[str, str, str]]:
    """(scope, key, limit setting) of the failed sign-ins that bound this attempt: per address, and per
    address and account typed."""
    return [
        ("sign-in-address", get_remote_address(), "FELLOWSHIP_RATELIMIT_SIGN_IN"),
        ("sign-in-account", _client_email_key(), "FELLOWSHIP_RATELIMIT_ACCOUNT"),
    ]


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in() -> str | Response:
    """Only *failed* sign-ins are limited (per address, and per address and account): a workshop room signs
    in together from the venue's one address, while guessing stays stopped (see ``core.attempts``)."""
    if current_user.is_authenticated:
        return redirect(url_for("fellowship.programs.dashboard"))
    budgets = _sign_in_budgets() if request.method == "POST" else []
    if any(attempts.exhausted(*budget) for budget in budgets):
        abort(429)
    form = SignInForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        reserved = []
        for budget in budgets:
            if not attempts.reserve(*budget):
                for taken in reserved:
                    attempts.release(*taken)
                abort(429)
            reserved.append(budget)
        user = services.authenticate(form.email.data or "", form.password.data or "")
        if user is None:
            security_event("sign_in_failed")
            flash(_("That email address and password do not match an active account."), "error")
            return render_template("accounts/sign_in.html", form=form), 401
        for budget in reserved:
            attempts.release(*budget)
        begin_session(user)
        db.session.commit()
        security_event("sign_in", user_id=user.id)
        return redirect(safe_next(form.next.data) or url_for("fellowship.programs.dashboard"))
    return render_template("accounts/sign_in.html", form=form), form_status(form)


@bp.route("/sign-out", methods=["POST"])
def sign_out() -> Response:
    if ActionForm().validate_on_submit() and current_user.is_authenticated:
        user_id = current_user.id
        services.end_session(session.get("sid"))
        db.session.commit()
        logout_user()
        session.clear()
        security_event("sign_out", user_id=user_id)
        flash(_("You have signed out."), "info")
    return redirect(url_for("fellowship.accounts.sign_in"))


# --- password reset ----------------------------------------------------------------------------------------


@bp.route("/password/forgot", methods=["GET", "POST"])
@_limit("FELLOWSHIP_RATELIMIT_ACCOUNT", key_func=_client_email_key, scope="password-forgot")
def password_forgot() -> str | Response:
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        address = form.email.data or ""
        user, token = services.request_password_reset(address)
        # One message either way, of the same shape, and one commit: the same work whether or not the
        # address has an account (see request_password_reset).
        if user is not None:
            mail.compose(
                "password_reset",
                user.email,
                emails.recipient_locale(user),
                _l("Reset your Fellowship password"),
                "accounts/email/password_reset",
                secret=True,  # the link sets the account's password
                user=user,
                link=emails.external_url(
                    "fellowship.accounts.password_reset", token=token, lang=emails.recipient_locale(user)
                ),
            )
        elif (recipient := services.deliverable_address(address)) is not None:  # else nobody to tell
            mail.compose(
                "password_reset_no_account",
                recipient,
                str(get_locale() or "en"),
                _l("No Fellowship account uses this address"),
                "accounts/email/password_no_account",
                secret=False,
            )
        db.session.commit()
        security_event("password_reset_requested", user_id=user.id if user is not None else None)
        # The same answer whether or not the address has an account.
        flash(
            _("If an account uses that address, we have emailed it a link to choose a new password."), "info"
        )
        return redirect(url_for(".sign_in"))
    return render_template("accounts/password_forgot.html", form=form), form_status(form)


i18n.language_follows(
    "fellowship.accounts.password_reset", "fellowship.accounts.invitation", "fellowship.accounts.unsubscribe"
)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@_limit("FELLOWSHIP_RATELIMIT_TOKEN")
def password_reset(token: str) -> str | Response | tuple[str, int]:
    reset = services.reset_by_token(token)
    if reset is None:
        return render_template(
            "accounts/link_problem.html",
            message=_("This password link is not valid any more. Ask for a new one."),
        ), 404
    form = ResetPasswordForm()
    if form.validate_on_submit():
        user = services.complete_password_reset(reset, form.password.data or "")
        begin_session(user)
        db.session.commit()
        security_event("password_reset", user_id=user.id)
        flash(_("Your new password is saved and you are signed in."), "success")
        return redirect(url_for("fellowship.programs.dashboard"))
    return render_template("accounts/password_reset.html", form=form), form_status(form)


# --- invitations -------------------------------------------------------------------------------------------


@bp.route("/invitations/<token>", methods=["GET", "POST"])
@_limit("FELLOWSHIP_RATELIMIT_TOKEN")
def invitation(token: str) -> str | Response | tuple[str, int]:
    invite = services.invite_by_token(token)
    if invite is None:
        return render_template(
            "accounts/link_problem.html", message=_("This invitation link is not valid.")
        ), 404
    status = invite.status(clock.now())
    if status is not InviteStatus.PENDING:
        return render_template("accounts/link_problem.html", message=services.INVITE_PROBLEMS[status]), 410
    form = AcceptInviteForm(name=invite.user.name)
    if form.validate_on_submit():
        try:
            user = services.accept_invite(invite, form.name.data or "", form.password.data or "")
        except services.AccountError as error:
            form.password.errors.append(str(error))
        else:
            begin_session(user)
            db.session.commit()
            security_event("invitation_accepted", user_id=user.id)
            flash(_("Welcome, %(name)s! Your password is saved.", name=user.name), "success")
            return redirect(url_for("fellowship.programs.dashboard"))
    return render_template("accounts/invitation.html", form=form, invite=invite), form_status(form)


@bp.route("/admin/users/<int:user_id>/invite", methods=["POST"])
@admin_required
def user_invite(user_id: int) -> Response:
    user = db.get_or_404(User, user_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    if user.erased_at is not None:
        return _erased(user)
    if not user.active:
        flash(_("Reactivate the account before inviting this person."), "error")
    else:
        emails.send_invitation(user)
        db.session.commit()
        flash(_("An invitation was emailed to %(email)s.", email=user.email), "success")
    return redirect(url_for(".user_edit", user_id=user.id))


@bp.route("/language", methods=["POST"])
def language() -> Response:
    form = LanguageForm()
    if not form.validate_on_submit():
        abort(400)
    session["locale"] = form.locale.data
    if current_user.is_authenticated:
        current_user.locale = form.locale.data
        db.session.commit()
    back = safe_next(form.next.data)
    return redirect(_without_lang(back) if back else url_for("fellowship.programs.dashboard"))


def _without_lang(address: str) -> str:
    """The page to go back to, without a ``?lang=`` that would outrank the language just chosen."""
    parts = urlsplit(address)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "lang"]
    return urlunsplit(parts._replace(query=urlencode(query)))


# --- administrators: people -------------------------------------------------------------------------------


def _organization_choices() -> list[tuple[int, str]]:
    return [(o.id, o.name) for o in db.session.scalars(queries.organizations_ordered())]


def _my_organization_choices(user: User) -> list[tuple[int, str]]:
    return [(o.id, o.name) for o in db.session.scalars(circles.organisations_for(user))]


@bp.route("/admin/users")
@admin_required
def users() -> str:
    page = paginate(queries.users_ordered(), request.args.get("page", 1, type=int), per_page=100)
    erasure_requests = db.session.scalars(erasure.requests().limit(100)).all()
    return render_template(
        "accounts/users.html", page=page, action_form=ActionForm(), erasure_requests=erasure_requests
    )


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
    if user.erased_at is not None and request.method == "POST":
        return _erased(user)
    form = _user_form(user)
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
    return render_template(
        "accounts/user_form.html", form=form, user=user, action_form=ActionForm(), erase_form=EraseForm()
    ), status


def _user_form(user: User, **kwargs: Any) -> UserForm:
    form = UserForm(
        obj=user,
        data={"organization_id": user.organization_id or 0, "locale": user.locale or ""},
        **kwargs,
    )
    form.set_organization_choices(_organization_choices())
    return form


def _erased(user: User) -> Response:
    flash(_("This account has been erased; nothing about it can change."), "error")
    return redirect(url_for(".user_edit", user_id=user.id))


@bp.route("/admin/users/<int:user_id>/erase", methods=["POST"])
@admin_required
def user_erase(user_id: int) -> str | Response | tuple[str, int]:
    user = db.get_or_404(User, user_id)
    if user.erased_at is not None:
        return _erased(user)
    form = EraseForm()
    if form.validate_on_submit():
        if (form.confirm.data or "").lower() != user.email.lower():
            form.confirm.errors.append(_("This is not the address of the account to erase."))
        else:
            try:
                placeholder = erasure.erase(user, current_user.id)
            except erasure.ErasureError as error:
                form.confirm.errors.append(str(error))
            else:
                db.session.commit()
                security_event("account_erased", user_id=user.id)
                flash(_("The account is erased; it now reads %(label)s.", label=placeholder), "success")
                return redirect(url_for(".users"))
    return render_template(
        "accounts/user_form.html",
        form=_user_form(user, formdata=None),
        user=user,
        action_form=ActionForm(),
        erase_form=form,
    ), 400


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
    if user.erased_at is not None:
        return _erased(user)
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


# --- profile -----------------------------------------------------------------------------------------------


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile() -> str | Response:
    user = current_user._get_current_object()
    form = ProfileForm(
        obj=user, data={"organization_id": user.organization_id or 0, "locale": user.locale or ""}
    )
    form.set_organization_choices(_my_organization_choices(user))
    if form.validate_on_submit():
        organization_id = form.organization_id.data or None
        if form.new_organization.data:
            organization_id = services.find_or_create_organization(form.new_organization.data).id
        services.update_user(
            user,
            {
                "name": form.name.data,
                "organization_id": organization_id,
                "locale": form.locale.data or None,
                "timezone": form.timezone.data,
                "email_notifications": form.email_notifications.data,
            },
            user.id,
        )
        session.pop("locale", None)  # the saved preference now decides the language
        db.session.commit()
        flash(_("Your profile is saved."), "success")
        return redirect(url_for(".profile"))
    return _profile_page(user, form=form), form_status(form)


def _profile_page(
    user: User,
    form: ProfileForm | None = None,
    password_form: ChangePasswordForm | None = None,
    erasure_form: ErasureRequestForm | None = None,
) -> str:
    """The profile page with its three forms; the one that was posted comes back with its errors."""
    if form is None:
        form = ProfileForm(
            formdata=None,
            obj=user,
            data={"organization_id": user.organization_id or 0, "locale": user.locale or ""},
        )
        form.set_organization_choices(_my_organization_choices(user))
    return render_template(
        "accounts/profile.html",
        form=form,
        action_form=ActionForm(),
        password_form=password_form or ChangePasswordForm(formdata=None),
        erasure_form=erasure_form or ErasureRequestForm(formdata=None),
    )


@bp.route("/profile/password", methods=["POST"])
@login_required
def password_change() -> str | Response | tuple[str, int]:
    user = current_user._get_current_object()
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(user, form.current.data or "", form.password.data or "")
        except services.AccountError as error:
            form.current.errors.append(str(error))
        else:
            begin_session(user)  # every other session ended with the change; this one goes on
            db.session.commit()
            security_event("password_changed", user_id=user.id)
            flash(_("Your new password is saved. Other devices have been signed out."), "success")
            return redirect(url_for(".profile"))
    return _profile_page(user, password_form=form), 400


@bp.route("/profile/sign-out-everywhere", methods=["POST"])
@login_required
def sign_out_everywhere() -> Response:
    if not ActionForm().validate_on_submit():
        abort(400)
    user = current_user._get_current_object()
    services.end_all_sessions(user)
    db.session.commit()
    logout_user()
    session.clear()
    security_event("sign_out_everywhere", user_id=user.id)
    flash(_("You have been signed out on every device."), "info")
    return redirect(url_for(".sign_in"))


@bp.route("/profile/erasure", methods=["POST"])
@login_required
def erasure_request() -> str | Response | tuple[str, int]:
    """The person asks for their account to be erased; an administrator carries it out."""
    user = current_user._get_current_object()
    form = ErasureRequestForm()
    if form.validate_on_submit():
        if user.password_hash and not user.check_password(form.current_password.data or ""):
            form.current_password.errors.append(_("The current password is not right."))
        else:
            erasure.request(user)
            db.session.commit()
            security_event("erasure_requested", user_id=user.id)
            flash(
                _(
                    "Your request is recorded. An administrator will erase your account; until then you "
                    "can still download your data or withdraw the request."
                ),
                "success",
            )
            return redirect(url_for(".profile", _anchor="erasure"))
    return _profile_page(user, erasure_form=form), 400


@bp.route("/profile/erasure/withdraw", methods=["POST"])
@login_required
def erasure_withdraw() -> Response:
    if not ActionForm().validate_on_submit():
        abort(400)
    erasure.withdraw_request(current_user._get_current_object())
    db.session.commit()
    flash(_("Your request to erase your account is withdrawn."), "success")
    return redirect(url_for(".profile", _anchor="erasure"))


@bp.route("/profile/data")
@login_required
def personal_data_download() -> Response:
    user = current_user._get_current_object()
    data = personal_data.collect(user)
    body = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    response = current_app.response_class(body, mimetype="application/json")
    response.headers["Content-Disposition"] = 'attachment; filename="fellowship-my-data.json"'
    response.headers["Cache-Control"] = "no-store"
    return response


# --- unsubscribe (works without signing in) ----------------------------------------------------------------


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
def unsubscribe(token: str) -> str | Response | tuple[str, int]:
    try:
        user_id = emails.unsubscribe_serializer().loads(token)
    except BadSignature:
        return render_template(
            "accounts/link_problem.html", message=_("This unsubscribe link is not valid.")
        ), 404
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None:
        return render_template(
            "accounts/link_problem.html", message=_("This unsubscribe link is not valid.")
        ), 404
    form = ActionForm()
    if form.validate_on_submit():
        user.email_notifications = False
        db.session.commit()
        return render_template("accounts/unsubscribe.html", done=True, form=form)
    return render_template("accounts/unsubscribe.html", done=False, form=form)


# --- administrators: outbox --------------------------------------------------------------------------------


@bp.route("/admin/outbox")
@admin_required
def outbox() -> str:
    """Every message, or only those of one status (``?status=failed``: the undeliverable ones)."""
    stmt = sa.select(mail.OutboxMessage).order_by(mail.OutboxMessage.id.desc())
    status = request.args.get("status", "")
    if status in set(mail.MailStatus):
        stmt = stmt.where(mail.OutboxMessage.status == mail.MailStatus(status))
    else:
        status = ""
    page = paginate(stmt, request.args.get("page", 1, type=int), per_page=50)
    return render_template(
        "accounts/outbox.html",
        page=page,
        shown_recipient=mail.shown_recipient,
        status=status or None,
        status_labels=mail.STATUS_LABELS,
    )


@bp.route("/admin/outbox/<int:message_id>")
@admin_required
def outbox_message(message_id: int) -> str:
    return render_template(
        "accounts/outbox_message.html",
        message=db.get_or_404(mail.OutboxMessage, message_id),
        shown_recipient=mail.shown_recipient,
        ephemeral_kinds=mail.EPHEMERAL_KINDS,
        shown_to_admins=mail.shown_to_admins,
    )


# --- development mailbox (no sign-in: a public voter has no account) ----------------------------------------


def _dev_mailbox_or_404() -> None:
    if not dev_mailbox.open_here():
        abort(404)


def _no_store(html: str) -> Response:
    response = make_response(html)
    response.headers["Cache-Control"] = "no-store"  # the messages hold sign-in and voting links
    return response


@bp.route("/dev/mailbox")
def dev_mailbox_list() -> Response:
    _dev_mailbox_or_404()
    stmt = sa.select(mail.OutboxMessage).order_by(mail.OutboxMessage.id.desc())
    page = paginate(stmt, request.args.get("page", 1, type=int), per_page=50)
    return _no_store(render_template("accounts/dev_mailbox.html", page=page, timezone=_viewer_timezone()))


@bp.route("/dev/mailbox/<int:message_id>")
def dev_mailbox_message(message_id: int) -> Response:
    _dev_mailbox_or_404()
    message = db.get_or_404(mail.OutboxMessage, message_id)
    return _no_store(
        render_template(
            "accounts/dev_mailbox_message.html",
            message=message,
            body=dev_mailbox.linkify(message.body_text),
            timezone=_viewer_timezone(),
        )
    )


def _viewer_timezone() -> str | None:
    return current_user.timezone if current_user.is_authenticated else None
