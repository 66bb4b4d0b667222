"""Headers, proxies, rate limits and the security log."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest

from fellowship import create_app
from fellowship.core.logs import JsonFormatter
from fellowship.extensions import db
from tests import factories as f
from tests.clients import Client
from tests.conftest import World


def test_security_headers_on_every_fellowship_page(client: Any, app: Any) -> None:
    response = client.get("/sign-in")
    csp = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp
    for directive in ("default-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"):
        assert directive in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in response.headers


def test_hsts_only_over_https(client: Any, app: Any) -> None:
    response = client.get("/sign-in", base_url="https://fellowship.test")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_a_host_that_is_not_the_sites_own_is_refused(world: World, app: Any) -> None:
    client = app.test_client()
    for path in ("/sign-in", "/password/forgot", "/no/such/page"):
        response = client.get(path, headers={"Host": "evil.example"})
        assert (response.status_code, response.get_data(as_text=True)) == (400, "Unknown host.\n")
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert client.get("/sign-in", headers={"Host": "fellowship.test"}).status_code == 200
    assert client.get("/sign-in", headers={"Host": "localhost:5000"}).status_code == 200  # not production


def test_trusted_hosts_come_from_the_base_address_and_the_setting(app: Any, tmp_path: Any) -> None:
    production = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "SECRET_KEY": "y" * 40,
            "FELLOWSHIP_MODE": "production",
            "FELLOWSHIP_BASE_URL": "https://fellowship.example.org",
            "FELLOWSHIP_TRUSTED_HOSTS": ["www.fellowship.example.org"],
        }
    )
    try:
        assert production.config["TRUSTED_HOSTS"] == ["fellowship.example.org", "www.fellowship.example.org"]
        client = production.test_client()
        answers = {
            host: client.get("/healthz", headers={"Host": host}).status_code
            for host in ("fellowship.example.org", "www.fellowship.example.org", "localhost", "evil.example")
        }
        assert answers == {
            "fellowship.example.org": 200,
            "www.fellowship.example.org": 200,
            "localhost": 400,
            "evil.example": 400,
        }
    finally:
        with production.app_context():
            db.engine.dispose()


def test_error_pages_carry_the_headers_too(client: Any, app: Any) -> None:
    assert client.get("/no/such/page").headers["X-Content-Type-Options"] == "nosniff"


@pytest.fixture
def proxied_app(app: Any, tmp_path: Any) -> Any:
    proxied = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "SECRET_KEY": "y" * 40,
            "FELLOWSHIP_TRUSTED_PROXIES": 1,
            "FELLOWSHIP_RATELIMIT_SIGN_IN": "2 per minute",
        }
    )
    proxied.instance_path = str(tmp_path)
    proxied.test_client_class = Client
    yield proxied
    with proxied.app_context():
        db.engine.dispose()


def test_trusted_proxy_headers_decide_scheme_and_client_address(proxied_app: Any) -> None:
    client = proxied_app.test_client()
    secure = client.get("/sign-in", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" in secure.headers
    # Rate limits count per client address as told by the proxy, not per proxy.
    for _attempt in range(2):
        client.post(
            "/sign-in",
            data={"email": "a@example.org", "password": "x"},
            headers={"X-Forwarded-For": "203.0.113.7"},
        )
    assert client.post("/sign-in", data={}, headers={"X-Forwarded-For": "203.0.113.7"}).status_code == 429
    assert client.post("/sign-in", data={}, headers={"X-Forwarded-For": "203.0.113.8"}).status_code == 400


def test_untrusted_forwarded_headers_are_ignored(client: Any, app: Any) -> None:
    response = client.get("/sign-in", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in response.headers


def test_sign_in_is_rate_limited_per_address(world: World, app: Any) -> None:
    client = app.test_client()
    statuses = [
        client.post("/sign-in", data={"email": f"guess{n}@example.org", "password": "wrong"}).status_code
        for n in range(11)
    ]
    assert statuses == [401] * 10 + [429]
    page = client.post(
        "/sign-in", data={"email": "x@example.org", "password": "y"}, headers={"Accept-Language": "es"}
    )
    assert page.status_code == 429
    assert '<html lang="es" dir="ltr">' in page.get_data(as_text=True)


def test_a_workshop_room_signs_in_together_from_one_address(world: World, app: Any) -> None:
    """Fifty fellows on the venue's Wi-Fi sign in within the minute: successful sign-ins do not count
    against the address; its failures still do (ten a minute)."""
    from tests import factories as f

    room = [f.UserFactory() for _ in range(50)]
    db.session.commit()
    statuses = [
        app.test_client().post("/sign-in", data={"email": u.email, "password": f.PASSWORD}).status_code
        for u in room
    ]
    assert statuses == [302] * 50
    guesses = [
        app.test_client().post("/sign-in", data={"email": f"g{n}@example.org", "password": "x"}).status_code
        for n in range(11)
    ]
    assert guesses == [401] * 10 + [429]
    late = app.test_client().post("/sign-in", data={"email": room[0].email, "password": f.PASSWORD})
    assert late.status_code == 429  # the address has used its failures: even a right password waits


def test_failed_sign_ins_are_limited_per_account(world: World, app: Any) -> None:
    email = world.users["fellow"].email
    statuses = [
        app.test_client().post("/sign-in", data={"email": email, "password": "wrong"}).status_code
        for _ in range(6)
    ]
    assert statuses == [401] * 5 + [429]


def test_password_reset_requests_are_rate_limited(world: World, app: Any) -> None:
    client = app.test_client()
    statuses = [
        client.post("/password/forgot", data={"email": "a@example.org"}).status_code for _ in range(6)
    ]
    assert statuses == [302] * 5 + [429]


def test_invitation_links_are_rate_limited(client: Any, app: Any) -> None:
    statuses = [client.post(f"/invitations/guess{n}").status_code for n in range(21)]
    assert statuses == [404] * 20 + [429]


def test_forms_for_anonymous_visitors_need_csrf(client: Any, app: Any) -> None:
    assert client.post("/password/forgot", data={"email": "a@example.org"}, csrf=False).status_code == 400
    assert client.post("/language", data={"locale": "es"}, csrf=False).status_code == 400


def records(caplog: Any) -> list[dict[str, Any]]:
    return [json.loads(JsonFormatter().format(r)) for r in caplog.records if r.name == "fellowship.security"]


def test_sign_ins_are_logged_without_secrets(world: World, app: Any, caplog: Any) -> None:
    caplog.set_level(logging.INFO, logger="fellowship.security")
    client = app.test_client()
    email = world.users["fellow"].email
    client.post("/sign-in", data={"email": email, "password": "wrong password here"})
    client.post("/sign-in", data={"email": email, "password": f.PASSWORD})
    logged = records(caplog)
    assert [(r["event"], r.get("user_id")) for r in logged] == [
        ("sign_in_failed", None),
        ("sign_in", world.users["fellow"].id),
    ]
    assert logged[1]["ip"] == "127.0.0.1" and logged[1]["route"] == "/sign-in"
    text = json.dumps(logged)
    with client.session_transaction() as session:
        sid = session["sid"]
    for secret in ("wrong password here", f.PASSWORD, sid):
        assert secret not in text


def test_refused_access_is_logged(world: World, client_as: Any, caplog: Any) -> None:
    caplog.set_level(logging.INFO, logger="fellowship.security")
    client_as("fellow").get("/admin/users")
    assert [(r["event"], r["user_id"], r["status"], r["route"], r["url_args"]) for r in records(caplog)] == [
        ("access_denied", world.users["fellow"].id, 403, "/admin/users", {})
    ]


def test_invitations_and_password_changes_are_logged(world: World, client_as: Any, caplog: Any) -> None:
    caplog.set_level(logging.INFO, logger="fellowship.security")
    client_as("admin").post(f"/admin/users/{world.users['observer'].id}/invite")
    new = "another quiet lighthouse"
    client_as("fellow").post(
        "/profile/password", data={"current": f.PASSWORD, "password": new, "confirm": new}
    )
    assert [r["event"] for r in records(caplog)] == ["invitation_sent", "password_changed"]


def test_each_request_is_logged_once_by_its_route_never_its_token(
    world: World, app: Any, client_as: Any, caplog: Any
) -> None:
    caplog.set_level(logging.INFO, logger="fellowship.requests")
    token = "s3cret-token-in-the-address-0123456789"
    anonymous = app.test_client()
    response = anonymous.get(f"/password/reset/{token}", headers={"X-Request-ID": "proxy-given-id-42"})
    client_as("fellow").get("/")
    anonymous.get("/no/such/page", headers={"X-Request-ID": "bad id with spaces"})
    logged = [
        json.loads(JsonFormatter().format(r)) for r in caplog.records if r.name == "fellowship.requests"
    ]
    assert [(r["method"], r["route"], r["status"]) for r in logged] == [
        ("GET", "/password/reset/<token>", response.status_code),
        ("GET", "/", 200),
        ("GET", "(no route)", 404),
    ]
    assert response.headers["X-Request-ID"] == logged[0]["request_id"] == "proxy-given-id-42"
    assert logged[0]["user_id"] is None and logged[1]["user_id"] == world.users["fellow"].id
    assert logged[2]["request_id"] != "bad id with spaces" and len(logged[2]["request_id"]) == 32
    assert all(r["duration_ms"] >= 0 and r["ip"] == "127.0.0.1" and r["event"] == "request" for r in logged)
    assert token not in json.dumps(logged)


def test_a_crash_is_logged_by_its_route_never_its_token(app: Any, caplog: Any, monkeypatch: Any) -> None:
    """Flask's own "Exception on <address>" line would carry the token of a reset or vote link."""

    def crash(**_args: Any) -> None:
        raise RuntimeError("boom")

    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    monkeypatch.setitem(app.view_functions, "fellowship.accounts.password_reset", crash)
    caplog.set_level(logging.INFO, logger="fellowship")
    token = "s3cret-reset-token-0123456789abcdef"
    assert app.test_client().get(f"/password/reset/{token}").status_code == 500
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert [r.getMessage() for r in errors] == ["Exception on /password/reset/<token> [GET]"]
    assert all(token not in JsonFormatter().format(r) for r in caplog.records)
