"""Credentials' pages: the issuer's public profile, keys and revocation list (what verifiers fetch), the
holder's download, and an administrator's revocation; the certificate page shows them in a panel."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from fellowship.core import clock, i18n, panels, personal_data
from fellowship.core.forms import ActionForm
from fellowship.core.permissions import admin_required, is_admin, require
from fellowship.core.signing_keys import public_jwk
from fellowship.credentials import keys, queries, services, verify
from fellowship.credentials.forms import ModuleBadgesForm, RevokeForm, VerifyForm
from fellowship.credentials.models import Credential, ModuleBadgeCohort
from fellowship.curriculum.enums import WorksheetStatus
from fellowship.curriculum.models import Worksheet
from fellowship.extensions import db, limiter
from fellowship.impact.models import Certificate
from fellowship.programs.access import require_cohort
from fellowship.programs.enums import Role
from fellowship.programs.models import Cohort

bp = Blueprint("credentials", __name__, template_folder="templates")

PUBLIC_CACHE = "public, max-age=300"


def _public(response: Response, media_type: str) -> Response:
    response.headers["Content-Type"] = media_type
    response.headers["Cache-Control"] = PUBLIC_CACHE
    response.headers["Access-Control-Allow-Origin"] = "*"  # verifiers in browsers fetch these
    return response


@bp.route("/credentials/issuer")
def issuer() -> Response:
    """The issuer's Open Badges Profile (the credentials' ``issuer.id``)."""
    return _public(jsonify(services.issuer().profile()), "application/json")


@bp.route("/credentials/keys")
def key_set() -> Response:
    """Every public key, the current one and the earlier ones that older credentials were signed with."""
    return _public(jsonify(keys.ring().public_jwks()), "application/jwk-set+json")


@bp.route("/credentials/keys/<kid>")
def key(kid: str) -> Response:
    """One public key: a credential's ``kid`` header is this address."""
    found = keys.ring().find(kid)
    if found is None:
        abort(404)
    return _public(jsonify(public_jwk(found)), "application/jwk+json")


@bp.route("/credentials/status/<int:number>")
def status_list(number: int) -> Response:
    """The signed revocation list (a compact JWS, as Open Badges serves VC-JWT resources: text/plain)."""
    if number != services.STATUS_LIST:
        abort(404)
    return _public(Response(services.status_list_token(number)), "text/plain; charset=utf-8")


i18n.language_follows("fellowship.credentials.verify_page")


@bp.route("/credentials/verify", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["FELLOWSHIP_RATELIMIT_TOKEN"], methods=["POST"])
def verify_page() -> Any:
    """Public: anyone checks a credential this site issued, pasted or uploaded; nothing is fetched and only
    this site's keys and revocation list count."""
    form, outcome, status = VerifyForm(), None, 200
    if request.method == "POST":
        if not form.validate_on_submit():
            return render_template("credentials/verify.html", form=form, outcome=None), 400
        text = form.credential.data or ""
        upload = form.upload.data
        if upload is not None and getattr(upload, "filename", ""):
            raw = upload.stream.read(verify.MAX_BYTES + 1)
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                text = "\ufffd"  # not text: the check below says it is not a credential
        if not text.strip():
            form.credential.errors = [_("Paste the credential or choose its file.")]
            return render_template("credentials/verify.html", form=form, outcome=None), 400
        outcome = verify.check(text)
        status = 400 if outcome.signature is None else 200
    return render_template("credentials/verify.html", form=form, outcome=outcome), status


def _certificate(code: str) -> Certificate:
    found = db.session.scalar(sa.select(Certificate).where(Certificate.code == code))
    if found is None or found.withdrawn_at is not None:
        abort(404)
    return found


@bp.route("/certificates/<code>/credential.jwt")
@login_required
def download(code: str) -> Response:
    """The holder's credential as a file (the compact JWS): for the holder only."""
    certificate = _certificate(code)
    require(certificate.user_id == current_user.id, hide=True)
    return _jwt_file(
        db.session.scalar(queries.for_certificate(certificate.id)), f"credential-{certificate.code}.jwt"
    )


def _jwt_file(credential: Credential | None, filename: str) -> Response:
    """A credential as the file its holder downloads (the compact JWS); 404 when none is kept."""
    if credential is None or not credential.token:
        abort(404)
    response = Response(credential.token, mimetype="text/plain")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/certificates/<code>/credential", methods=["POST"])
@login_required
def issue(code: str) -> Any:
    """The holder asks for the credential now instead of waiting for ``dispatch`` to issue it."""
    certificate = _certificate(code)
    require(certificate.user_id == current_user.id, hide=True)
    if not ActionForm().validate_on_submit():
        abort(400)
    services.issue(certificate)
    db.session.commit()
    flash(_("Your credential is ready to download."), "success")
    return redirect(url_for("fellowship.impact.certificate", code=certificate.code))


@bp.route("/certificates/<code>/credential/revoke", methods=["POST"])
@admin_required
def revoke(code: str) -> Any:
    """An administrator revokes a credential, with a reason that is kept in the audit log."""
    certificate = _certificate(code)
    credential = db.session.scalar(queries.for_certificate(certificate.id))
    if credential is None:
        abort(404)
    form = RevokeForm()
    if not form.validate_on_submit():
        return _certificate_page(certificate, form), 400
    try:
        services.revoke(credential, current_user.id, form.reason.data or "")
    except services.CredentialError as error:  # revoked meanwhile (another tab, another administrator)
        flash(str(error), "error")
        return _certificate_page(certificate, form), 409
    db.session.commit()
    flash(_("The credential is revoked; verifiers will see it in the revocation list."), "success")
    return redirect(url_for("fellowship.impact.certificate", code=certificate.code))


def _certificate_page(certificate: Certificate, form: RevokeForm) -> str:
    """The certificate page again, the revocation form showing what was typed and what is wrong with it."""
    shown = panels.render_context(panels.certificate_panels(), certificate, current_user)
    for panel, data in shown:
        if panel.name == "credential":
            data["revoke_form"] = form
    return render_template("impact/certificate.html", certificate=certificate, panels=shown)


def _panel(certificate: Certificate, user: Any) -> dict[str, Any] | None:
    """On the certificate page: the holder downloads (or asks for) the credential; an administrator sees its
    state and may revoke it. One query."""
    holder, admin = certificate.user_id == user.id, is_admin(user)
    if not (holder or admin):
        return None
    credential = db.session.scalar(queries.for_certificate(certificate.id))
    return {
        "certificate": certificate,
        "credential": credential,
        "holder": holder,
        "admin": admin,
        "form": ActionForm(),
        "revoke_form": RevokeForm(),
    }


# --- module badges ------------------------------------------------------------------------------------------


def _viewer(cohort_id: int, user: Any) -> tuple[bool, Role | None, bool]:
    """(is an administrator, role in the cohort, the cohort chose module badges), in one query."""
    admin = is_admin(user)
    role, chosen = db.session.execute(
        queries.role_and_choice(None if admin else user.id, cohort_id, clock.today())
    ).one()
    return admin, (Role(role) if role is not None else None), bool(chosen)


@bp.route("/cohorts/<int:cohort_id>/module-badges", methods=["POST"])
@login_required
def choose_badges(cohort_id: int) -> Any:
    """The cohort's administrators and facilitators turn module badges on or off."""
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None:
        abort(404)
    require_cohort(cohort, manage=True)
    form = ModuleBadgesForm()
    if not form.validate_on_submit():
        abort(400)
    if services.choose_badges(cohort, bool(form.module_badges.data), current_user.id):
        db.session.commit()
        flash(
            _("Every approved module now earns a badge.")
            if form.module_badges.data
            else _("No more module badges will be issued; those already issued stay valid."),
            "success",
        )
    return redirect(url_for("fellowship.programs.cohort", cohort_id=cohort.id) + "#module-badges")


def _my_badge(cohort_id: int, slug: str) -> tuple[Worksheet, Credential | None]:
    """The signed-in fellow's approved worksheet on the module, with its badge; 404 for anyone else."""
    row = db.session.execute(queries.badge_of(cohort_id, slug, current_user.id)).first()
    if row is None or row[0].status is not WorksheetStatus.APPROVED:
        abort(404)
    return row[0], row[1]


@bp.route("/cohorts/<int:cohort_id>/modules/<slug>/badge.jwt")
@login_required
def download_badge(cohort_id: int, slug: str) -> Response:
    """The fellow's module badge as a file (the compact JWS): for its holder only."""
    _worksheet, credential = _my_badge(cohort_id, slug)
    return _jwt_file(credential, f"badge-{slug}.jwt")


@bp.route("/cohorts/<int:cohort_id>/modules/<slug>/badge", methods=["POST"])
@login_required
def issue_badge(cohort_id: int, slug: str) -> Any:
    """The fellow asks for the module's badge now instead of waiting for ``dispatch``."""
    worksheet, _credential = _my_badge(cohort_id, slug)
    if not services.badges_chosen(cohort_id):
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        services.issue_badge(worksheet)
    except services.CredentialError as error:  # the revocation list is full
        flash(str(error), "error")
        return redirect(url_for("fellowship.curriculum.module", cohort_id=cohort_id, slug=slug)), 303
    db.session.commit()
    flash(_("Your badge is ready to download."), "success")
    return redirect(url_for("fellowship.curriculum.module", cohort_id=cohort_id, slug=slug) + "#badge")


@bp.route("/credentials/<uuid>/revoke", methods=["GET", "POST"])
@admin_required
def revoke_badge(uuid: str) -> Any:
    """An administrator revokes a module badge, with a reason kept in the audit log."""
    row = db.session.execute(queries.badge_with_holder(uuid)).first()
    if row is None:
        abort(404)
    credential, holder, worksheet = row
    back = (
        url_for("fellowship.curriculum.module", cohort_id=worksheet.cohort_id, slug=worksheet.slug)
        if worksheet is not None
        else url_for("fellowship.programs.dashboard")
    )
    form, status = RevokeForm(), 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                services.revoke(credential, current_user.id, form.reason.data or "")
            except services.CredentialError as error:
                flash(str(error), "error")
                status = 409
            else:
                db.session.commit()
                flash(
                    _("The credential is revoked; verifiers will see it in the revocation list."), "success"
                )
                return redirect(back + "#badge")
        else:
            status = 400
    page = render_template(
        "credentials/revoke.html",
        credential=credential,
        holder=holder,
        worksheet=worksheet,
        title=services.source_title(worksheet.module.title) if worksheet is not None else "",
        form=form,
        back=back,
    )
    return page, status


def _cohort_panel(cohort: Cohort, user: Any) -> dict[str, Any] | None:
    """On the cohort page: its administrators and facilitators turn module badges on or off; fellows are told
    when approved modules earn one. One query."""
    admin, role, chosen = _viewer(cohort.id, user)
    manager = admin or role is Role.FACILITATOR
    if not manager and not (chosen and role is Role.FELLOW):
        return None
    form = ModuleBadgesForm(formdata=None, module_badges=chosen)
    return {"cohort": cohort, "chosen": chosen, "manager": manager, "form": form}


def _module_panel(assignment: Any, user: Any) -> dict[str, Any] | None:
    """On a module's page: the fellow downloads (or asks for) the badge of an approved worksheet; the cohort's
    administrators and facilitators see who holds one, and an administrator may revoke it. Two queries at
    most, whatever the cohort's size."""
    admin, role, chosen = _viewer(assignment.cohort_id, user)
    data: dict[str, Any] = {"assignment": assignment, "chosen": chosen, "admin": admin, "form": ActionForm()}
    if admin or role is Role.FACILITATOR:
        data["badges"] = db.session.execute(
            queries.module_badges(assignment.cohort_id, assignment.slug)
        ).all()
        return data if chosen or data["badges"] else None
    if role is not Role.FELLOW:
        return None
    row = db.session.execute(queries.badge_of(assignment.cohort_id, assignment.slug, user.id)).first()
    data["worksheet"], data["credential"] = (row[0], row[1]) if row is not None else (None, None)
    return data if chosen or data["credential"] is not None else None


panels.register_certificate_panel(panels.CertificatePanel("credential", "credentials/panel.html", 10, _panel))
panels.register_cohort_panel(
    panels.CohortPanel("module_badges", "credentials/cohort_panel.html", 70, _cohort_panel)
)
panels.register_module_panel(panels.ModulePanel("badge", "credentials/module_panel.html", 50, _module_panel))
personal_data.register(
    "credentials",
    services.export,
    erase=services.erase,
    tables=[Credential.__tablename__, ModuleBadgeCohort.__tablename__],
)
