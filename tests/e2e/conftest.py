"""Real-browser tests: Debian's Chromium driven by Playwright, against the app served on loopback.

They run when /usr/bin/chromium (or FELLOWSHIP_CHROMIUM) exists and are skipped otherwise; `.ci/run`
installs Chromium where it can.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

CHROMIUM = os.environ.get("FELLOWSHIP_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if Path(CHROMIUM).exists():
        return
    skip = pytest.mark.skip(reason=f"no Chromium at {CHROMIUM}")
    for item in items:
        if "tests/e2e" in str(item.fspath):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def server(app: Any) -> Iterator[str]:
    """The application on a free loopback port, served from a thread for the whole session."""
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    thread.join()
    httpd.server_close()


@pytest.fixture(autouse=True)
def _any_host(app: Any, request: pytest.FixtureRequest) -> Iterator[None]:
    """The browser talks to 127.0.0.1:<port>, not the test SERVER_NAME, and follows emailed links there;
    other tests keep theirs."""
    saved = app.config["SERVER_NAME"], app.config["FELLOWSHIP_BASE_URL"]
    app.config["SERVER_NAME"] = None
    if "server" in request.fixturenames:
        app.config["FELLOWSHIP_BASE_URL"] = request.getfixturevalue("server")
    yield
    app.config["SERVER_NAME"], app.config["FELLOWSHIP_BASE_URL"] = saved


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context()
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def dev_mailbox(app: Any) -> Iterator[None]:
    """The development mailbox switched on (the browser talks to the server from loopback)."""
    saved = app.config.get("FELLOWSHIP_DEV_MAILBOX")
    app.config["FELLOWSHIP_DEV_MAILBOX"] = True
    yield
    app.config["FELLOWSHIP_DEV_MAILBOX"] = saved
