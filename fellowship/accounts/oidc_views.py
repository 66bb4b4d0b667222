"""Signing in through an identity provider (OpenID Connect), on the accounts blueprint.

The protocol is Authlib's Flask client: discovery from the issuer's ``/.well-known/openid-configuration``,
the authorization code flow with PKCE (S256), a state and a nonce kept in the signed session cookie, and the
ID token checked (signature from the provider's published keys, issuer, audience, expiry, nonce) before
anything here reads it. ``oidc.resolve`` then decides which account the assertion opens, and the sign-in
makes the same server-side session as a password sign-in (``views.begin_session``), so signing out and
"sign out everywhere" end it. Every success and refusal goes to the security log.

The provider's pages are not ours: a person who cancels there, or whose sign-in there takes too long,
comes back with an error or an unknown state and is told so on the sign-in page. When the provider cannot
be reached the sign-in page says so (503) and password sign-in works as always.

These two routes are not rate-limited, unlike password sign-in: nothing can be guessed through them (the
provider authenticates the person, and a callback without the state its own session holds is refused
before anything is sent to the provider), and a workshop room signs in together from one address.
"""

from __future__ import annotations

from typing import Any

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.flask_client import OAuth
from flask import Flask, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from joserfc.errors import JoseError
from werkzeug.wrappers import Response

from fellowship.accounts import oidc, services
from fellowship.accounts.forms import SignInForm
from fellowship.accounts.models import User
from fellowship.accounts.views import begin_session, bp
from fellowship.core import clock, identity_providers
from fellowship.core.forms import ActionForm
from fellowship.core.identity_providers import Provider
from fellowship.core.logs import security_event
from fellowship.core.permissions import admin_required
from fellowship.core.web import safe_next
from fellowship.extensions import db

TIMEOUT = 5
"""Seconds to wait for the provider (discovery, keys, the token exchange) before saying it is down."""
NEXT = "oidc_next"


def _client(app: Flask, provider: Provider) -> Any:
    """The Authlib client for ``provider`` in ``app``, made once per configuration."""
    clients: dict[Provider, Any] = app.extensions.setdefault("fellowship.oidc", {})
    if provider not in clients:
        oauth = OAuth()
        oauth.app = app  # the client reads the app's session; no app-wide registry is needed
        clients[provider] = oauth.register(
            name=f"fellowship-{provider.key}",
            client_id=provider.client_id,
            client_secret=provider.client_secret,
            server_metadata_url=provider.metadata_url,
            client_kwargs={
                "scope": "openid email profile",
                "code_challenge_method": "S256",
                "timeout": TIMEOUT,
            },
        )
    return clients[provider]


def _provider(key: str) -> Provider:
    provider = identity_providers.find(current_app.config, key)
    if provider is None:
        abort(404)
    return provider


def _refuse(provider: Provider, reason: str, status: int = 403, **details: Any) -> tuple[str, int]:
    security_event("oidc_refused", provider=provider.key, reason=reason, **details)
    flash(oidc.message(reason, provider), "error")
    return render_template("accounts/sign_in.html", form=SignInForm(formdata=None)), status


@bp.context_processor
def _providers() -> dict[str, Any]:
    return {
        "oidc_providers": identity_providers.configured(current_app.config),
        "provider_identities": lambda user_id: list(db.session.scalars(oidc.identities(user_id))),
        "provider_name": _provider_name,
    }


def _provider_name(key: str) -> str:
    """The provider's display name; its key when it is no longer configured."""
    provider = identity_providers.find(current_app.config, key)
    return provider.name if provider is not None else key


@bp.route("/sign-in/with/<provider_key>")
def provider_sign_in(provider_key: str) -> Response | tuple[str, int]:
    """Send the person to the provider, with a fresh state, nonce and PKCE verifier in their session."""
    provider = _provider(provider_key)
    if current_user.is_authenticated:
        return redirect(url_for("fellowship.programs.dashboard"))
    session[NEXT] = safe_next(request.args.get("next", "")) or ""
    callback = current_app.config["FELLOWSHIP_BASE_URL"] + url_for(
        ".provider_callback", provider_key=provider.key
    )
    try:
        return _client(current_app._get_current_object(), provider).authorize_redirect(callback)  # type: ignore[attr-defined]
    except (requests.RequestException, ValueError, AuthlibBaseError) as error:
        return _refuse(provider, "unreachable", 503, error=type(error).__name__)


@bp.route("/sign-in/with/<provider_key>/callback")
def provider_callback(provider_key: str) -> Response | tuple[str, int]:
    """The provider sends the person back here with a code; a checked ID token says who they are."""
    provider = _provider(provider_key)
    if request.args.get("error"):
        return _refuse(provider, "cancelled", 400, error=request.args.get("error", "")[:64])
    try:
        token = _client(current_app._get_current_object(), provider).authorize_access_token()  # type: ignore[attr-defined]
    except requests.RequestException as error:
        return _refuse(provider, "unreachable", 503, error=type(error).__name__)
    except OAuthError as error:  # no such state in this session (replayed, expired, forged), or refused
        return _refuse(provider, "cancelled", 400, error=error.error or type(error).__name__)
    except (AuthlibBaseError, JoseError, ValueError) as error:  # the ID token's signature, issuer,
        # audience, expiry or nonce failed its check
        return _refuse(provider, "rejected", 403, error=type(error).__name__)
    claims = token.get("userinfo") or {}
    if not claims:
        return _refuse(provider, "rejected", 403, error="no_id_token")
    try:
        user = oidc.resolve(provider, claims, clock.now(), str(get_locale() or "") or None)
    except oidc.Refused as refusal:
        db.session.rollback()
        return _refuse(provider, refusal.reason, 403)
    after = session.pop(NEXT, "")
    begin_session(user)
    db.session.commit()
    security_event("sign_in", user_id=user.id, via="oidc", provider=provider.key)
    return redirect(safe_next(after) or url_for("fellowship.programs.dashboard"))


@bp.route("/profile/sign-in-providers/<int:identity_id>/unlink", methods=["POST"])
@login_required
def provider_unlink(identity_id: int) -> Response:
    if ActionForm().validate_on_submit():
        try:
            identity = oidc.unlink(current_user._get_current_object(), identity_id)  # type: ignore[attr-defined]
        except LookupError:
            abort(404)
        except services.AccountError as error:
            flash(str(error), "error")
        else:
            db.session.commit()
            security_event("oidc_unlinked", user_id=current_user.id, provider=identity.provider)
            flash(_("That sign-in provider is no longer connected to your account."), "success")
    return redirect(url_for(".profile") + "#sign-in-providers")


@bp.route("/admin/users/<int:user_id>/provider-link", methods=["POST"])
@admin_required
def provider_link_grant(user_id: int) -> Response:
    """Let a provider bind an account it would not bind on its own (an administrator's), at the person's
    next sign-in through it."""
    user = db.get_or_404(User, user_id)
    provider = identity_providers.find(current_app.config, request.form.get("provider", ""))
    if ActionForm().validate_on_submit():
        if provider is None or user.erased_at is not None:
            flash(_("Choose one of the sign-in providers."), "error")
        else:
            oidc.grant_link(user, provider, current_user.id, clock.now())
            db.session.commit()
            security_event(
                "oidc_link_granted", user_id=current_user.id, target_id=user.id, provider=provider.key
            )
            flash(
                _(
                    "%(name)s can connect %(provider)s at their next sign-in through it, within a week.",
                    name=user.name,
                    provider=provider.name,
                ),
                "success",
            )
    return redirect(url_for(".user_edit", user_id=user.id))
