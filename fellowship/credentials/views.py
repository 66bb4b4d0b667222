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

from fellowship.core import i18n, panels, personal_data
from fellowship.core.forms import ActionForm
from fellowship.core.permissions import admin_required, is_admin, require
from fellowship.core.signing_keys import public_jwk
from fellowship.credentials import keys, queries, services, verify
from fellowship.credentials.forms import RevokeForm, VerifyForm
from fellowship.credentials.models import Credential
from fellowship.extensions import db, limiter
from fellowship.impact.models import Certificate

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
    credential = db.session.scalar(queries.for_certificate(certificate.id))
    if credential is None:
        abort(404)
    response = Response(credential.token, mimetype="text/plain")
    response.headers["Content-Disposition"] = f'attachment; filename="credential-{certificate.code}.jwt"'
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


panels.register_certificate_panel(panels.CertificatePanel("credential", "credentials/panel.html", 10, _panel))
personal_data.register(
    "credentials", services.export, erase=services.erase, tables=[Credential.__tablename__]
)
