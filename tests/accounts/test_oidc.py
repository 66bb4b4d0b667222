"""Signing in through an identity provider, against a real OpenID Connect provider (oidc-provider, run by
``tests/oidc_provider``): success, binding and its rules, and every way a sign-in is refused."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa

from fellowship.accounts.models import ProviderIdentity, User, UserSession
from fellowship.core.identity_providers import Provider
from fellowship.extensions import db
from tests import factories as f
from tests import oidc_provider

REASON = oidc_provider.unavailable()
pytestmark = pytest.mark.skipif(REASON is not None, reason=REASON or "")
BASE = "http://fellowship.test"
CALLBACK = f"{BASE}/sign-in/with/acme/callback"


@pytest.fixture(scope="module")
def running() -> Iterator[oidc_provider.Provider]:
    with oidc_provider.start([CALLBACK]) as provider:
        yield provider


def configure(app: Any, monkeypatch: pytest.MonkeyPatch, running: Any, **values: Any) -> Provider:
    provider = Provider(
        key="acme",
        issuer=running.issuer,
        client_id=running.client_id,
        client_secret=running.client_secret,
        name="Acme",
        domains=("acme.example",),
        **values,
    )
    monkeypatch.setitem(app.config, "FELLOWSHIP_OIDC_PROVIDERS", [provider])
    return provider


@pytest.fixture
def acme(app: Any, monkeypatch: pytest.MonkeyPatch, running: Any) -> Provider:
    return configure(app, monkeypatch, running)


def through_provider(client: Any, login: str) -> str:
    """Start at our sign-in button, sign in at the provider as ``login``; the callback address we get."""
    start = client.get("/sign-in/with/acme")
    assert start.status_code == 302, start.get_data(as_text=True)
    return oidc_provider.login_over_http(start.headers["Location"], login, CALLBACK).removeprefix(BASE)


def sign_in(client: Any, login: str) -> Any:
    return client.get(through_provider(client, login))


def refusals(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.reason for r in caplog.records if getattr(r, "event", "") == "oidc_refused"]


def signed_in_as(client: Any) -> str | None:
    page = client.get("/profile")
    if page.status_code != 200:
        return None
    return db.session.scalar(sa.select(User.email).join(UserSession).order_by(UserSession.id.desc()).limit(1))


def test_a_fellow_signs_in_and_is_bound_to_the_providers_subject(
    acme: Provider, client: Any, caplog: pytest.LogCaptureFixture
) -> None:
    alice = f.UserFactory(email="alice@acme.example", name="Alice")
    db.session.commit()
    caplog.set_level(logging.INFO, logger="fellowship.security")
    response = sign_in(client, "alice")
    assert (response.status_code, urlsplit(response.headers["Location"]).path) == (302, "/")
    assert client.get("/profile").status_code == 200
    identity = db.session.scalar(sa.select(ProviderIdentity))
    assert (identity.user_id, identity.issuer, identity.subject, identity.provider) == (
        alice.id,
        acme.issuer,
        "alice-sub",
        "acme",
    )
    events = [
        (r.event, getattr(r, "via", None)) for r in caplog.records if getattr(r, "event", "") == "sign_in"
    ]
    assert events == [("sign_in", "oidc")]
    assert (
        db.session.scalar(sa.select(sa.func.count(UserSession.id)).where(UserSession.user_id == alice.id))
        == 1
    )


def test_signing_out_ends_a_provider_session(acme: Provider, client: Any) -> None:
    f.UserFactory(email="alice@acme.example")
    db.session.commit()
    sign_in(client, "alice")
    client.post("/sign-out")
    assert client.get("/profile").status_code == 302


def test_a_new_email_at_the_provider_does_not_move_the_binding(acme: Provider, client: Any, app: Any) -> None:
    alice = f.UserFactory(email="alice@acme.example")
    other = f.UserFactory(email="alice.new@acme.example")
    db.session.commit()
    sign_in(client, "alice")
    second = app.test_client()
    assert sign_in(second, "alice-renamed").status_code == 302  # same subject, new address
    sessions = db.session.scalars(sa.select(UserSession.user_id).order_by(UserSession.id)).all()
    assert sessions == [alice.id, alice.id] and other.id not in sessions


def test_an_address_of_another_domain_is_refused(
    acme: Provider, client: Any, caplog: pytest.LogCaptureFixture
) -> None:
    f.UserFactory(email="olly@elsewhere.example")
    db.session.commit()
    caplog.set_level(logging.INFO, logger="fellowship.security")
    response = sign_in(client, "olly")
    assert response.status_code == 403
    assert "may sign in only addresses of its own organisation" in response.get_data(as_text=True)
    assert (refusals(caplog), db.session.scalar(sa.select(sa.func.count(ProviderIdentity.id)))) == (
        ["domain"],
        0,
    )
    assert client.get("/profile").status_code == 302


def test_an_unverified_address_is_refused(
    acme: Provider, client: Any, caplog: pytest.LogCaptureFixture
) -> None:
    f.UserFactory(email="uma@acme.example")
    db.session.commit()
    caplog.set_level(logging.INFO, logger="fellowship.security")
    assert sign_in(client, "uma").status_code == 403
    assert refusals(caplog) == ["unverified"]


def test_an_admins_address_is_bound_only_with_an_administrators_leave(
    acme: Provider, client: Any, app: Any, caplog: pytest.LogCaptureFixture
) -> None:
    ada = f.UserFactory(email="ada@acme.example", is_admin=True)
    other_admin = f.UserFactory(email="root@example.org", is_admin=True)
    db.session.commit()
    caplog.set_level(logging.INFO, logger="fellowship.security")
    assert sign_in(client, "ada").status_code == 403
    assert refusals(caplog) == ["manual_link"]
    admin = app.test_client()
    admin.login_as(other_admin)
    assert admin.post(f"/admin/users/{ada.id}/provider-link", data={"provider": "acme"}).status_code == 302
    assert sign_in(app.test_client(), "ada").status_code == 302
    assert db.session.scalar(sa.select(ProviderIdentity.user_id)) == ada.id


def test_a_deactivated_account_is_refused(
    acme: Provider, client: Any, caplog: pytest.LogCaptureFixture
) -> None:
    f.UserFactory(email="bea@acme.example", active=False)
    db.session.commit()
    caplog.set_level(logging.INFO, logger="fellowship.security")
    assert sign_in(client, "bea").status_code == 403
    assert refusals(caplog) == ["inactive"]


def test_without_an_account_only_a_provider_allowed_to_create_them_does(
    app: Any, monkeypatch: pytest.MonkeyPatch, running: Any, client: Any
) -> None:
    configure(app, monkeypatch, running)
    assert sign_in(client, "nina").status_code == 403
    assert db.session.scalar(sa.select(User).where(User.email == "nina@acme.example")) is None
    configure(app, monkeypatch, running, create_accounts=True)
    assert sign_in(app.test_client(), "nina").status_code == 302
    nina = db.session.scalar(sa.select(User).where(User.email == "nina@acme.example"))
    assert (nina.name, nina.password_hash, nina.is_admin) == ("Nina Newcomer", None, False)


def test_a_replayed_callback_is_refused(
    acme: Provider, client: Any, caplog: pytest.LogCaptureFixture
) -> None:
    f.UserFactory(email="alice@acme.example")
    db.session.commit()
    callback = through_provider(client, "alice")
    assert client.get(callback).status_code == 302
    client.post("/sign-out")
    caplog.set_level(logging.INFO, logger="fellowship.security")
    replayed = client.get(callback)
    assert replayed.status_code == 400 and refusals(caplog) == ["cancelled"]
    assert client.get("/profile").status_code == 302


def test_a_callback_from_another_browser_is_refused(acme: Provider, client: Any, app: Any) -> None:
    """The state is bound to the session that started the sign-in: a stolen callback opens nothing."""
    f.UserFactory(email="alice@acme.example")
    db.session.commit()
    callback = through_provider(client, "alice")
    thief = app.test_client()
    assert thief.get(callback).status_code == 400
    assert thief.get("/profile").status_code == 302


def test_a_wrong_nonce_is_refused(acme: Provider, client: Any, caplog: pytest.LogCaptureFixture) -> None:
    f.UserFactory(email="alice@acme.example")
    db.session.commit()
    callback = through_provider(client, "alice")
    state = parse_qs(urlsplit(callback).query)["state"][0]
    with client.session_transaction() as session:
        key = next(k for k in session if k.endswith(state))
        stored = dict(session[key])
        stored["data"] = {**stored["data"], "nonce": "not-the-nonce-we-sent"}
        session[key] = stored
    caplog.set_level(logging.INFO, logger="fellowship.security")
    assert client.get(callback).status_code == 403
    assert refusals(caplog) == ["rejected"]


def test_an_expired_id_token_is_refused(
    acme: Provider, client: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """The provider's ID tokens live an hour: checked two hours later (past Authlib's two-minute leeway),
    the token is expired."""
    from joserfc._rfc7519 import claims

    f.UserFactory(email="alice@acme.example")
    db.session.commit()
    callback = through_provider(client, "alice")
    later = int(time.time()) + 2 * 3600
    monkeypatch.setattr(claims, "_generate_now", lambda: later)  # the clock the token's claims are checked by
    caplog.set_level(logging.INFO, logger="fellowship.security")
    assert client.get(callback).status_code == 403
    assert refusals(caplog) == ["rejected"]


def test_a_tampered_signature_is_refused(
    acme: Provider, client: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Someone between us and the provider changes a character of the ID token's signature."""
    from authlib.integrations.flask_client import FlaskOAuth2App

    f.UserFactory(email="alice@acme.example")
    db.session.commit()
    callback = through_provider(client, "alice")
    fetch = FlaskOAuth2App.fetch_access_token

    def tampered(self: Any, *args: Any, **kwargs: Any) -> Any:
        token = fetch(self, *args, **kwargs)
        header, payload, signature = token["id_token"].split(".")
        token["id_token"] = ".".join(
            [header, payload, ("A" if signature[5] != "A" else "B").join([signature[:5], signature[6:]])]
        )
        return token

    monkeypatch.setattr(FlaskOAuth2App, "fetch_access_token", tampered)
    caplog.set_level(logging.INFO, logger="fellowship.security")
    assert client.get(callback).status_code == 403
    assert refusals(caplog) == ["rejected"]
    assert db.session.scalar(sa.select(sa.func.count(ProviderIdentity.id))) == 0


def test_when_the_provider_is_down_password_sign_in_still_works(
    app: Any, monkeypatch: pytest.MonkeyPatch, client: Any
) -> None:
    down = Provider(
        key="acme",
        issuer="http://127.0.0.1:9",
        client_id="x",
        client_secret="y",
        name="Acme",
        domains=("acme.example",),
    )
    monkeypatch.setitem(app.config, "FELLOWSHIP_OIDC_PROVIDERS", [down])
    page = client.get("/sign-in")
    assert 'href="/sign-in/with/acme"' in page.get_data(as_text=True)
    response = client.get("/sign-in/with/acme")
    assert response.status_code == 503
    said = "\u2068Acme\u2069 cannot be reached right now. Sign in with your password"  # the name isolated
    assert said in response.get_data(as_text=True)
    user = f.UserFactory(email="pat@acme.example")
    db.session.commit()
    signed = client.post("/sign-in", data={"email": user.email, "password": f.PASSWORD})
    assert signed.status_code == 302 and client.get("/profile").status_code == 200


def test_a_person_disconnects_a_provider_only_while_they_keep_a_way_in(acme: Provider, client: Any) -> None:
    alice = f.UserFactory(email="alice@acme.example", password_hash=None)
    db.session.commit()
    sign_in(client, "alice")
    identity_id = db.session.scalar(sa.select(ProviderIdentity.id))
    profile = client.get("/profile").get_data(as_text=True)
    assert "Set a password to be able to disconnect it." in profile
    assert client.post(f"/profile/sign-in-providers/{identity_id}/unlink").status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(ProviderIdentity.id))) == 1
    alice.password_hash = "x"  # a password now
    db.session.commit()
    assert client.post(f"/profile/sign-in-providers/{identity_id}/unlink").status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(ProviderIdentity.id))) == 0


def test_a_bound_account_whose_address_left_the_providers_domains_is_refused(
    acme: Provider, client: Any, app: Any, caplog: pytest.LogCaptureFixture
) -> None:
    alice = f.UserFactory(email="alice@acme.example")
    db.session.commit()
    sign_in(client, "alice")
    alice.email = "alice@elsewhere.example"  # changed here by an administrator
    db.session.commit()
    caplog.set_level(logging.INFO, logger="fellowship.security")
    assert sign_in(app.test_client(), "alice").status_code == 403
    assert refusals(caplog) == ["domain"]
