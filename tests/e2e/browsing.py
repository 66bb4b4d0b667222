"""Steps every browser test takes the same way, each waiting for the page it leads to.

Playwright's ``click`` returns once the click is dispatched, not when the next page has loaded; an expectation
that retries (``expect(...)``) covers that, but ``count()``, ``all()``, ``evaluate()``, ``page.url`` and a
following ``goto`` do not wait, and a ``goto`` fired while the sign-in form is still posting can cancel it
before its session cookie arrives. These helpers wait for the navigation they start.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from fellowship.demo import DEMO_PASSWORD as PASSWORD


def choose_language(page: Any, lang: str) -> None:
    """Pick ``lang`` in the header's language switcher, as a person would, and wait for the page in it."""
    page.select_option("#switch-locale", lang)
    with page.expect_navigation():
        page.click(".language-switcher button")


def submit_sign_in(page: Any, email: str, password: str = PASSWORD) -> None:
    """Fill the sign-in form already on screen and send it; fail loudly if the person stays signed out."""
    page.fill("#email", email)
    page.fill("#password", password)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    if urlsplit(page.url).path.rstrip("/").endswith("/sign-in"):
        raise AssertionError(f"{email} was not signed in: {page.inner_text('main')[:300]}")


def sign_in_on(page: Any, server: str, email: str, lang: str | None = None, password: str = PASSWORD) -> None:
    """From the sign-in page, in ``lang`` when given (chosen on that page), signed in as ``email``; without
    ``lang`` the person sees their own language, or the browser's."""
    page.goto(f"{server}/sign-in")
    if lang:
        choose_language(page, lang)
    submit_sign_in(page, email, password)


def click_through(page: Any, selector: str) -> None:
    """Click the link or form button at ``selector`` and wait for the page it leads to.

    Without the wait, a flash message left on the page from the step before satisfies the next
    ``expect(".flash-success")`` at once, and a field filled next may land on the page being replaced.
    """
    with page.expect_navigation():
        page.click(selector)
