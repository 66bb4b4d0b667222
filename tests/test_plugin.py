"""Fellowship mounted into a host application under a prefix."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask_babel import get_locale
from flask_sqlalchemy import SQLAlchemy

from fellowship import Fellowship, FellowshipSetupError
from fellowship.extensions import db
from tests import factories as f
from tests.clients import Client
from tests.conftest import World
from tests.mailbox import messages


@pytest.fixture(scope="module")
def host(app: Any) -> Iterator[Flask]:
    host = Flask("host_site")
    host.config.update(
        SECRET_KEY="host-secret-key-long-enough-for-tests-0123456789",
        SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
        TESTING=True,
    )

    @host.get("/")
    def home() -> str:
        return f"host home in {get_locale()}"

    @host.post("/echo")
    def echo() -> str:
        return "echoed"

    Fellowship(host, url_prefix="/academy")
    host.test_client_class = Client
    yield host
    with host.app_context():
        db.engine.dispose()


def test_plugin_sign_in_and_cohort_page_under_prefix(host: Flask, world: World) -> None:
    client = host.test_client()
    response = client.post(
        "/academy/sign-in", data={"email": world.users["fellow"].email, "password": f.PASSWORD}
    )
    assert (response.status_code, response.headers["Location"]) == (302, "/academy/")
    page = client.get(f"/academy/cohorts/{world.cohort.id}")
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Fiona Fellow" in body
    assert 'href="/academy/static/css/fellowship.css"' in body
    assert f'href="/academy/programs/{world.program.id}"' in body


def test_plugin_serves_its_static_files(host: Flask) -> None:
    response = host.test_client().get("/academy/static/css/fellowship.css")
    assert response.status_code == 200
    assert "margin-inline" in response.get_data(as_text=True)


def test_plugin_sends_anonymous_visitors_to_its_own_sign_in(host: Flask, world: World) -> None:
    response = host.test_client().get(f"/academy/cohorts/{world.cohort.id}")
    assert response.headers["Location"] == f"/academy/sign-in?next=/academy/cohorts/{world.cohort.id}"


def test_plugin_headers_only_on_its_own_pages(host: Flask) -> None:
    client = host.test_client()
    ours = client.get("/academy/sign-in")
    theirs = client.get("/")
    assert "frame-ancestors 'none'" in ours.headers["Content-Security-Policy"]
    assert ours.headers["X-Content-Type-Options"] == "nosniff"
    assert theirs.get_data(as_text=True) == "host home in en"
    assert "Content-Security-Policy" not in theirs.headers
    assert "X-Content-Type-Options" not in theirs.headers


def test_plugin_locale_choice_only_on_its_own_pages(host: Flask) -> None:
    client = host.test_client()
    theirs = client.get("/", headers={"Accept-Language": "he"})
    ours = client.get("/academy/sign-in", headers={"Accept-Language": "he"})
    assert theirs.get_data(as_text=True) == "host home in en"
    assert '<html lang="he" dir="rtl">' in ours.get_data(as_text=True)


def test_plugin_does_not_impose_csrf_on_host_routes(host: Flask) -> None:
    response = host.test_client().post("/echo", csrf=False)
    assert (response.status_code, response.get_data(as_text=True)) == (200, "echoed")


def test_plugin_still_requires_csrf_on_its_own_forms(host: Flask, world: World) -> None:
    response = host.test_client().post(
        "/academy/sign-in", data={"email": world.users["fellow"].email, "password": f.PASSWORD}, csrf=False
    )
    assert response.status_code == 400


def test_plugin_leaves_host_names_to_the_host_but_mails_links_from_its_setting(
    host: Flask, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Which host names a site answers is the host application's decision (TRUSTED_HOSTS); Fellowship's
    emailed links still start with FELLOWSHIP_BASE_URL, never with the host a request names."""
    assert host.config["TRUSTED_HOSTS"] is None
    assert host.config["FELLOWSHIP_BASE_URL"] == "http://127.0.0.1:5000"  # development's default
    monkeypatch.setitem(host.config, "WTF_CSRF_ENABLED", False)  # the session cookie is localhost's
    client = host.test_client()
    assert client.get("/academy/sign-in", headers={"Host": "evil.example"}).status_code == 200
    response = client.post(
        "/academy/password/forgot",
        data={"email": world.users["fellow"].email},
        headers={"Host": "evil.example"},
    )
    assert response.status_code == 302
    [message] = messages("password_reset")
    [link] = [word for word in message.body_text.split() if "/password/reset/" in word]
    assert link.startswith("http://127.0.0.1:5000/academy/password/reset/")


def test_plugin_refuses_a_host_with_its_own_sqlalchemy() -> None:
    host = Flask("conflicting_host")
    host.config.update(SQLALCHEMY_DATABASE_URI="sqlite://", SECRET_KEY="x" * 40)
    SQLAlchemy(host)
    with pytest.raises(FellowshipSetupError, match="brings its own Flask-SQLAlchemy"):
        Fellowship(host, url_prefix="/academy")
