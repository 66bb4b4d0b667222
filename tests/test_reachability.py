"""Everything a person may use is reachable by clicking, and no link refuses them.

For each role of the route inventory, a demo person signs in (or nobody, for the public), opens the home
page and follows only the links pages show (``<a href>``, GET, no typing). The test asserts that every GET
route the inventory allows that role is reached, except the short list below of routes people reach from an
e-mail, a token or another program, each with its reason; and that no link shown answers 403, 404 or 5xx.
A new route that nobody can reach fails it.

Each endpoint is opened with at most ``PER_ENDPOINT`` of the distinct addresses pages link to (every
worksheet and every project share their page's code), so the crawl stays bounded on the demo data.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urldefrag, urlsplit

import pytest
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import RequestRedirect

from fellowship import demo
from tests.test_route_inventory import ROUTES

PER_ENDPOINT = 25
PASSWORD = demo.DEMO_PASSWORD

# The demo people who play each role of the inventory (none: nobody is signed in). Where two people play a
# role, a page counts as reached when either of them reaches it: the fellowship's 2024 calendar is over, so
# its fellows and facilitators have no upcoming event, while the academy's are in the middle of theirs; only
# the working group's facilitator takes a meeting's minutes.
PEOPLE: dict[str, tuple[str, ...]] = {
    "anonymous": (),
    "voter": (),
    "juror": ("juror@example.org",),
    "other_fellow": ("agnieszka.nowak@example.pl",),  # a participant of the other program's cohort
    "fellow": ("amara.okafor@example.org", "agnieszka.nowak@example.pl", "yael.cohen@example.org.il"),
    "observer": ("funder.observer@example.org",),
    "other_facilitator": ("zofia.facilitator@example.pl",),
    "facilitator": (
        "nadia.petrova@example.org",
        "zofia.facilitator@example.pl",
        "michal.barak@example.org.il",
    ),
    "admin": (demo.ADMIN_EMAIL,),
}

# Where people start. Everyone opens the home page; the public also arrives at the awards gallery from the
# organisers' announcement (that link is shared outside the application).
PUBLIC_START = ("/", "/awards/grassroot-excellence-awards")

# Routes nobody reaches by clicking inside the application, and why.
REACHED_OTHERWISE: dict[str, str] = {
    "fellowship.static": "style sheets, scripts and images, loaded by pages rather than clicked",
    "fellowship.healthz": "for load balancers and monitoring",
    "fellowship.readyz": "for load balancers deciding where to send traffic",
    "fellowship.metrics": "for Prometheus, with a token or from the machine itself",
    "fellowship.credentials.issuer": "a verifier follows a credential's issuer address",
    "fellowship.credentials.key_set": "a verifier fetches the issuer's published keys",
    "fellowship.credentials.key": "a verifier follows a credential's key address (its kid)",
    "fellowship.credentials.status_list": "a verifier follows a credential's revocation-list address",
    "fellowship.accounts.password_reset": "the link in the password-reset e-mail",
    "fellowship.accounts.invitation": "the link in the invitation e-mail",
    "fellowship.accounts.unsubscribe": "the link at the foot of every e-mail",
    "fellowship.accounts.dev_mailbox_list": "switched off outside `make run` (FELLOWSHIP_DEV_MAILBOX)",
    "fellowship.accounts.dev_mailbox_message": "switched off outside `make run` (FELLOWSHIP_DEV_MAILBOX)",
    "fellowship.events.guest_rsvp": "a guest's personal link in the invitation e-mail",
    "fellowship.events.user_feed": "a calendar application subscribes to the address My events shows",
    "fellowship.events.cohort_feed": "a calendar application subscribes to the address the cohort shows",
    "fellowship.evaluations.guest_answer": "a guest's personal link in the evaluation e-mail",
    "fellowship.awards.confirm": "the link in the vote-confirmation e-mail",
    "fellowship.awards.results": "public once a contest's results are published; the demo's are not yet",
    "fellowship.awards.receipts": "public once a contest's results are published; the demo's are not yet",
    "fellowship.awards.ceremony": "public once a contest's results are published; the demo's are not yet",
    "fellowship.awards.project_image": "an image on the gallery and project pages, not a link",
    "fellowship.network.confirm": 'the link in the network\'s "is this still true?" e-mail',
    "fellowship.discussions.reply_link": "a reply's lasting address, in digest e-mails and quotes: it "
    "redirects to the page of its thread that shows it (the crawl follows redirects, and counts pages)",
}

# Pages for people who are signed out; a signed-in person is sent on from them.
SIGNED_OUT_ONLY = frozenset({"fellowship.accounts.sign_in", "fellowship.accounts.password_forgot"})

# Routes a role may use that the demo gives that person no occasion to: each needs a state the demo does
# not show for them (the journeys create it in the browser tests).
NOT_IN_THE_DEMO: dict[tuple[str, str], str] = {
    ("fellowship.discussions.reply_edit", "fellow"): "a reply can be edited for 15 minutes after it is "
    "posted, and the demo's replies are older (tests/discussions/test_views.py edits one)",
}


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def links_on(body: str) -> list[str]:
    parser = Links()
    parser.feed(body)
    return parser.hrefs


def internal(href: str, host: str) -> str | None:
    """The path and query of a link inside the application, or None (another site, mail, a fragment)."""
    href, _fragment = urldefrag(href)
    parts = urlsplit(href)
    if parts.scheme not in {"", "http", "https"} or (parts.netloc and parts.netloc != host) or not parts.path:
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


@pytest.fixture
def demo_data(app: Any) -> None:
    assert app.test_cli_runner().invoke(args=["fellowship", "demo"]).exit_code == 0


def crawl(
    app: Any, client: Any, starts: tuple[str, ...], on_page: Callable[[str, Any], None] | None = None
) -> tuple[set[str], list[str]]:
    """Follow every link from ``starts``; returns the endpoints reached and the links that refused.
    ``on_page`` sees every page and file that answered (its address and the response)."""
    host = app.config["SERVER_NAME"]
    adapter = app.url_map.bind(host)
    reached: set[str] = set()
    refused: list[str] = []
    tried: dict[str, int] = {}
    seen: set[str] = set(starts)
    queue: deque[tuple[str, str]] = deque((start, "(start)") for start in starts)
    while queue:
        url, source = queue.popleft()
        response = client.get(url)
        if response.status_code in {301, 302, 303}:
            target = internal(response.headers["Location"], host)
            if target and target not in seen:
                seen.add(target)
                queue.append((target, url))
            continue
        if response.status_code >= 400:
            refused.append(f"{url} (linked from {source}) answered {response.status_code}")
            continue
        try:
            endpoint, _args = adapter.match(url.split("?")[0], method="GET")
        except (NotFound, MethodNotAllowed, RequestRedirect):
            refused.append(f"{url} (linked from {source}) matches no route")
            continue
        reached.add(endpoint)
        if on_page is not None:
            on_page(url, response)
        if not response.mimetype.startswith("text/html"):
            continue
        for href in links_on(response.get_data(as_text=True)):
            target = internal(href, host)
            if target is None or target in seen:
                continue
            seen.add(target)
            try:
                target_endpoint, _args = adapter.match(target.split("?")[0], method="GET")
            except (NotFound, MethodNotAllowed, RequestRedirect):
                refused.append(f"{target} (linked from {url}) matches no route")
                continue
            if tried.get(target_endpoint, 0) >= PER_ENDPOINT:
                continue
            tried[target_endpoint] = tried.get(target_endpoint, 0) + 1
            queue.append((target, url))
    return reached, refused


@pytest.mark.parametrize("role", list(PEOPLE))
def test_every_page_a_role_may_use_is_reached_by_clicking(app: Any, demo_data: None, role: str) -> None:
    reached: set[str] = set()
    refused: list[str] = []
    for email in PEOPLE[role] or (None,):
        client = app.test_client()
        if email is not None:
            signed_in = client.post("/sign-in", data={"email": email, "password": PASSWORD})
            assert signed_in.status_code == 302, email
        theirs, refusals = crawl(app, client, ("/",) if email else PUBLIC_START)
        reached |= theirs
        refused += [f"{email or role}: {refusal}" for refusal in refusals]
    allowed = {
        endpoint
        for endpoint, route in ROUTES.items()
        if "GET" in route.methods and role in route.allowed and route.ok < 400
    }
    expected = allowed - REACHED_OTHERWISE.keys() - {e for e, r in NOT_IN_THE_DEMO if r == role}
    if PEOPLE[role]:
        expected -= SIGNED_OUT_ONLY
    assert (refused, sorted(expected - reached)) == ([], [])


def test_the_declared_exceptions_name_real_routes() -> None:
    assert sorted(REACHED_OTHERWISE.keys() - ROUTES.keys()) == []
    assert sorted({e for e, _r in NOT_IN_THE_DEMO} - ROUTES.keys()) == []
