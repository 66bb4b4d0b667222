"""Error pages: translated, styled, with the right status, and no lost work on a 500."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from fellowship import create_app
from fellowship.accounts.models import Organization
from fellowship.extensions import db
from tests.conftest import World


def test_404_page_is_translated(client: Any, app: Any) -> None:
    response = client.get("/no/such/page", headers={"Accept-Language": "es"})
    body = response.get_data(as_text=True)
    assert response.status_code == 404
    assert '<html lang="es" dir="ltr">' in body
    assert "<h1>Página no encontrada</h1>" in body
    assert 'href="/static/css/fellowship.css"' in body


def test_403_page_is_right_to_left_in_hebrew(world: World, client_as: Any) -> None:
    response = client_as("fellow").get("/admin/users", headers={"Accept-Language": "he"})
    body = response.get_data(as_text=True)
    assert response.status_code == 403
    assert '<html lang="he" dir="rtl">' in body
    assert '<p class="error-code">403</p>' in body


def test_405_for_get_on_a_post_route(client: Any, app: Any) -> None:
    assert client.get("/language").status_code == 405


def test_413_for_a_body_over_the_limit(world: World, client_as: Any, app: Any) -> None:
    body = b"text=" + b"x" * app.config["MAX_CONTENT_LENGTH"]
    response = client_as("facilitator").post(
        f"/cohorts/{world.cohort.id}/members/import",
        data=body,
        content_type="application/x-www-form-urlencoded",
        csrf=False,
    )
    assert response.status_code == 413
    assert "The upload is too large" in response.get_data(as_text=True)


@pytest.fixture
def failing_app(app: Any, tmp_path: Any) -> Flask:
    failing = create_app(
        {"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"], "SECRET_KEY": "x" * 40}
    )
    failing.instance_path = str(tmp_path)

    @failing.get("/boom")
    def boom() -> str:
        db.session.add(Organization(name="Half-saved"))
        db.session.flush()
        raise RuntimeError("boom")

    yield failing
    with failing.app_context():
        db.engine.dispose()


def test_500_page_is_translated_and_rolls_back(failing_app: Flask, app: Any) -> None:
    response = failing_app.test_client().get("/boom", headers={"Accept-Language": "pl"})
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert '<html lang="pl" dir="ltr">' in body
    assert "<h1>Coś poszło nie tak po naszej stronie</h1>" in body
    assert db.session.scalar(sa.select(Organization).where(Organization.name == "Half-saved")) is None


def test_healthz_answers_when_the_database_does(app: Any) -> None:
    response = app.test_client().get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}
    assert response.headers["Cache-Control"] == "no-store" and "Set-Cookie" not in response.headers
