"""The Arabic dashboard renders right to left, the site name starting the header (a screenshot is kept in
tests/e2e/artifacts/, which git ignores). Every role's journey is in test_role_journeys.py."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.browsing import sign_in_on

ARTIFACTS = Path(__file__).parent / "artifacts"


@pytest.fixture
def demo(app: Any) -> None:
    app.test_cli_runner().invoke(args=["fellowship", "demo"])


def sign_in(page: Any, server: str, email: str, lang: str | None = None) -> None:
    sign_in_on(page, server, email, lang)
    expect(page.locator("main h1")).to_be_visible()


def test_the_arabic_dashboard_reads_right_to_left(page: Any, server: str, demo: None) -> None:
    sign_in(page, server, "nadia.petrova@example.org", lang="ar")
    page.goto(f"{server}/")
    assert page.evaluate("[document.documentElement.lang, document.documentElement.dir]") == ["ar", "rtl"]
    brand, tools = page.locator(".brand").bounding_box(), page.locator(".nav-tools").bounding_box()
    assert brand["x"] > tools["x"]  # the site name starts the header: on the right in Arabic
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "dashboard-ar.png"), full_page=True)
    assert (ARTIFACTS / "dashboard-ar.png").stat().st_size > 1000
