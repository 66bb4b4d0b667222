"""The screenshots of the guides in docs/: ``make screenshots`` (a documentation tool, not a test).

It does what ``make run`` does, on a throwaway SQLite database: migrate, load the curriculum, load the demo,
serve (on a free loopback port, with the development mailbox on and emailed links pointing at that port).
Then Chromium, driven by Playwright, signs in as each demo person, starts from their home page (``/``) and
clicks through to the pages their guide shows, as a person would: it never types an address except the
public gallery's, which the organisers announce. Every picture lands in
``docs/images/<language>/<name>.png``: the English set, then the Arabic set (right to left) on a second
fresh database, so what one journey changes (a vote, a published result) never shows up in the other
language's pictures.

The element a guide tells the reader to click next is outlined in orange in the picture before it.

    .venv/bin/python -m tests.e2e.screenshots              # both languages
    .venv/bin/python -m tests.e2e.screenshots --lang ar    # one language
    .venv/bin/python -m tests.e2e.screenshots --only juror # the journeys whose name contains "juror"
    .venv/bin/python -m tests.e2e.screenshots --only public,admin # the results need the vote and the admin
    .venv/bin/python -m tests.e2e.screenshots --serve      # just the demo server, to look around

Each guide's pictures are listed in ``JOURNEYS`` below; ``tests/test_docs.py`` checks that the guides
show only pictures this script makes.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.e2e.browsing import PASSWORD, sign_in_on

ROOT = Path(__file__).resolve().parents[2]
IMAGES = ROOT / "docs" / "images"
LANGUAGES = ("en", "ar")
CHROMIUM = os.environ.get("FELLOWSHIP_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
VIEWPORT = {"width": 1280, "height": 800}
TALLEST = 1400  # px: a longer page is cut there (the guide's point is at its top or scrolled into view)
HIGHLIGHT = "4px solid #e8590c"
# Every journey runs in Arabic too (so each is known to work right to left), but of the Arabic pictures only
# these are kept: the ones the guides show beside the English ones (all of them would double the folder).
ARABIC = frozenset(
    {
        "fellow-home",
        "fellow-discussion",
        "fellow-worksheet",
        "participant-home",
        "participant-event",
        "facilitator-home",
        "facilitator-attendance",
        "facilitator-evaluation-summary",
        "facilitator-report",
        "observer-home",
        "observer-report",
        "juror-home",
        "juror-score",
        "admin-home",
        "admin-contest",
        "voter-gallery",
        "voter-project",
        "voter-receipt",
        "voter-results",
    }
)

# The demo people the guides follow (`make run` prints the first six; the password is the same for all).
ADMIN = "admin@example.org"
FACILITATOR = "nadia.petrova@example.org"
FELLOW = "amara.okafor@example.org"
OBSERVER = "funder.observer@example.org"
PARTICIPANT = "agnieszka.nowak@example.pl"
JUROR = "juror@example.org"
FELLOW_WITH_CHANGES = "emeka.nwosu@example.org"  # his impact metrics came back with a note beside a field
ERG_FACILITATOR = "zofia.facilitator@example.pl"  # runs the academy, whose events are happening now


# --- the server ---------------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _environment(instance: Path, base: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not (k.startswith("FELLOWSHIP_") or k == "DATABASE_URL")}
    env.update(
        FELLOWSHIP_ENV="development",
        FELLOWSHIP_INSTANCE_PATH=str(instance),
        FELLOWSHIP_DEV_MAILBOX="1",
        FELLOWSHIP_BASE_URL=base,  # emailed links (vote confirmation) lead back to this server
        FLASK_APP="fellowship",
    )
    return env


def _flask(*args: str) -> list[str]:
    return [str(Path(sys.executable).with_name("flask")), "--app", "fellowship", *args]


@contextlib.contextmanager
def demo_server() -> Iterator[str]:
    """`make run` on a throwaway instance folder: migrate, curriculum, demo, serve. Yields the base URL."""
    instance = Path(tempfile.mkdtemp(prefix="fellowship-screenshots-"))
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = _environment(instance, base)
    try:
        for command in (("db", "upgrade"), ("fellowship", "curriculum", "sync"), ("fellowship", "demo")):
            done = subprocess.run(_flask(*command), cwd=ROOT, env=env, capture_output=True, text=True)
            if done.returncode:
                raise RuntimeError(f"flask {' '.join(command)} failed:\n{done.stdout}{done.stderr}")
        server = subprocess.Popen(
            _flask("run", "--host", "127.0.0.1", "--port", str(port)),
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            _wait_until_up(base, server)
            yield base
        finally:
            server.terminate()
            server.wait(timeout=20)
    finally:
        shutil.rmtree(instance, ignore_errors=True)


def _wait_until_up(base: str, server: subprocess.Popen[bytes]) -> None:
    for _ in range(200):
        if server.poll() is not None:
            raise RuntimeError("the demo server stopped while starting")
        with contextlib.suppress(OSError), urllib.request.urlopen(base + "/healthz", timeout=2) as answer:  # noqa: S310
            if answer.status == 200:
                return
        time.sleep(0.1)
    raise RuntimeError(f"the demo server did not answer at {base}")


# --- the camera ---------------------------------------------------------------------------------------------


@dataclass
class Tour:
    """One journey's browser tab, in one language, and what it has saved."""

    page: Any
    base: str
    lang: str
    saved: list[Path] = field(default_factory=list)

    def click(self, selector: str, nth: int = 0) -> None:
        self.page.locator(selector).nth(nth).click()
        self.page.wait_for_load_state()

    def mark(self, selector: str, nth: int = 0) -> Any:
        """Outline the element the guide says to click next (for the next picture only)."""
        target = self.page.locator(selector).nth(nth)
        target.scroll_into_view_if_needed()
        target.evaluate(
            "(e, ring) => { e.dataset.shotMark = 1; e.style.outline = ring; e.style.outlineOffset = '3px' }",
            HIGHLIGHT,
        )
        return target

    def shot(self, name: str, focus: str | None = None, above: int = 16) -> None:
        """Save the page as docs/images/<lang>/<name>.png: its top (cut at TALLEST px), or, with ``focus``,
        the window scrolled so that element is ``above`` px below its top."""
        page = self.page
        if not kept(name, self.lang):
            return
        page.wait_for_load_state("networkidle")
        page.evaluate("document.activeElement && document.activeElement.blur()")  # no focus ring
        if focus:
            page.locator(focus).first.evaluate(
                "(e, above) => window.scrollTo(0, e.getBoundingClientRect().top + window.scrollY - above)",
                above,
            )
            png = page.screenshot()
        else:
            page.evaluate("window.scrollTo(0, 0)")
            height = min(TALLEST, int(page.evaluate("document.documentElement.scrollHeight")))
            clip = {"x": 0, "y": 0, "width": VIEWPORT["width"], "height": height}
            png = page.screenshot(full_page=True, clip=clip)
        page.evaluate(
            "document.querySelectorAll('[data-shot-mark]').forEach(e => { e.style.outline = ''; "
            "e.style.outlineOffset = ''; delete e.dataset.shotMark; })"
        )
        path = IMAGES / self.lang / f"{name}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(_small_png(png))
        self.saved.append(path)

    def home(self) -> None:
        self.click("header a.brand")


def kept(name: str, lang: str) -> bool:
    """Whether the picture ``name`` is saved in ``lang``."""
    return lang == "en" or name in ARABIC


def _small_png(png: bytes) -> bytes:
    """The screenshot with its colours reduced to a palette: a third of the size, text still crisp."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    palette = image.quantize(colors=128, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    out = io.BytesIO()
    palette.save(out, format="PNG", optimize=True)
    return out.getvalue()


OPEN_TOURS: list[Tour] = []  # the latest is the one to look at when a journey fails


def sign_in(browser: Any, base: str, email: str | None, lang: str) -> Tour:
    """A fresh browser tab; with ``email``, signed in as that person (language chosen on the sign-in page,
    as someone would) and on their home page."""
    context = browser.new_context(viewport=VIEWPORT, device_scale_factor=1, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    tour = Tour(page, base, lang)
    OPEN_TOURS.append(tour)
    if email is None:
        return tour
    sign_in_on(page, base, email, lang)
    if page.url.rstrip("/") != base:
        raise RuntimeError(f"{email} did not land on the home page but on {page.url}")
    return tour


# --- the journeys -------------------------------------------------------------------------------------------

Journey = Callable[[Any, str, str], Tour]
JOURNEYS: dict[str, tuple[Journey, tuple[str, ...]]] = {}


def journey(*names: str) -> Callable[[Journey], Journey]:
    """Register a journey and the pictures it takes (checked against what it saved)."""

    def register(function: Journey) -> Journey:
        JOURNEYS[function.__name__] = (function, names)
        return function

    return register


CANVAS = {  # what the demo fellow writes on her business model canvas
    "key_partnerships": "The city's home care agency network; a co-op loan fund.",
    "key_activities": "Scheduling visits; training new caregivers; monthly members' meeting.",
    "key_resources": "Twenty trained caregivers; a shared scheduling tool.",
    "value_propositions": "Care from the same trusted caregiver every week.",
    "customer_relationships": "A named caregiver and a phone line answered by a member.",
    "channels": "Referrals from clinics, churches and neighbours.",
    "customer_segments": "Older neighbours living alone, and their families.",
    "cost_structure": "Member pay, insurance, training time and governance time.",
    "revenue_streams": "Hourly fees, paid privately or through Medicaid waivers.",
}


@journey("fellow-home", "fellow-cohort", "fellow-module", "fellow-worksheet", "fellow-worksheet-submitted")
def fellow_worksheet(browser: Any, base: str, lang: str) -> Tour:
    tour = sign_in(browser, base, FELLOW, lang)
    tour.mark("main a.cohort-link")
    tour.shot("fellow-home")
    tour.click("main a.cohort-link")
    tour.mark("section[data-panel=modules] a[href$='/modules/business-model-canvas']")
    tour.shot("fellow-cohort")
    tour.click("section[data-panel=modules] a[href$='/modules/business-model-canvas']")
    tour.mark("main a.button[href$='/worksheet']")
    tour.shot("fellow-module")
    tour.click("main a.button[href$='/worksheet']")
    tour.shot("fellow-worksheet")
    tour.page.locator("form.worksheet textarea").first.wait_for()  # .all() does not wait for the page
    for box in tour.page.locator("form.worksheet textarea").all():
        box.fill(CANVAS.get(box.get_attribute("name") or "", "To be worked out with the members."))
    tour.click("button[value=submit]")
    tour.shot("fellow-worksheet-submitted")
    return tour


@journey("fellow-changes-requested")
def fellow_reads_a_review(browser: Any, base: str, lang: str) -> Tour:
    tour = sign_in(browser, base, FELLOW_WITH_CHANGES, lang)
    tour.click("[data-block=worksheets] a[href$='/impact-metrics/worksheet']")
    tour.shot("fellow-changes-requested", focus=".field-note", above=360)
    return tour


@journey("fellow-contest-entry", "fellow-certificate", "fellow-profile", "fellow-demographics")
def fellow_entry_certificate_and_profile(browser: Any, base: str, lang: str) -> Tour:
    tour = sign_in(browser, base, FELLOW, lang)
    tour.click("[data-block=awards-entries] a[href*='/projects/']")
    tour.shot("fellow-contest-entry")
    tour.home()
    tour.click("[data-block=certificates] a[href^='/certificates/']")
    tour.shot("fellow-certificate")
    tour.click("header a[href='/profile']")
    tour.mark("main a[href='/profile/demographics']")
    tour.shot("fellow-profile")
    tour.click("main a[href='/profile/demographics']")
    tour.shot("fellow-demographics")
    return tour


@journey(
    "participant-home",
    "participant-event",
    "participant-check-in",
    "participant-evaluation",
    "participant-my-events",
)
def participant_events(browser: Any, base: str, lang: str) -> Tour:
    tour = sign_in(browser, base, PARTICIPANT, lang)
    tour.mark("[data-block=events-upcoming] li a[href^='/events/']")
    tour.shot("participant-home")
    tour.click("[data-block=events-upcoming] li a[href^='/events/']")
    tour.shot("participant-event", focus="#rsvp-heading")
    tour.home()
    tour.click("[data-block=events-upcoming] a[href$='/check-in']")
    tour.shot("participant-check-in")
    tour.home()
    tour.click("[data-block=evaluations-waiting] a[href$='/evaluation']")
    tour.shot("participant-evaluation")
    tour.click("header a[href='/my-events']")
    tour.shot("participant-my-events")
    return tour


@journey(
    "facilitator-home",
    "facilitator-review-queue",
    "facilitator-review",
    "facilitator-cohort",
    "facilitator-add-person",
    "facilitator-import",
    "facilitator-invitations",
    "facilitator-events",
    "facilitator-new-event",
    "facilitator-event",
    "facilitator-attendance",
    "facilitator-evaluation-summary",
)
def facilitator_reviews_rosters_and_events(browser: Any, base: str, lang: str) -> Tour:
    tour = sign_in(browser, base, FACILITATOR, lang)
    tour.mark("[data-block=reviews] a[href='/reviews']")
    tour.shot("facilitator-home")
    tour.click("[data-block=reviews] a[href='/reviews']")
    tour.mark("main a[href^='/worksheets/']")
    tour.shot("facilitator-review-queue")
    tour.click("main a[href^='/worksheets/']")
    tour.shot("facilitator-review", focus="form.review-form", above=240)
    tour.home()
    tour.click("main a.cohort-link")
    tour.mark("main a.button[href$='/members/new']")
    tour.shot("facilitator-cohort")
    tour.click("main a.button[href$='/members/new']")
    tour.shot("facilitator-add-person")
    tour.page.go_back()
    tour.click("main a.button[href$='/members/import']")
    tour.shot("facilitator-import")
    tour.page.go_back()
    tour.click("main a.button[href$='/invitations']")
    tour.shot("facilitator-invitations")
    tour.page.go_back()
    tour.click("section[data-panel=events] a[href$='/events']")
    tour.mark("main a[href$='/events/new']")
    tour.shot("facilitator-events")
    tour.click("main a[href$='/events/new']")
    tour.shot("facilitator-new-event")
    tour.page.go_back()
    tour.click("main table a[href^='/events/']", nth=2)  # the business model canvas webinar
    tour.mark("main a.button[href$='/attendance']")
    tour.shot("facilitator-event")
    tour.click("main a.button[href$='/attendance']")
    tour.shot("facilitator-attendance")
    tour.page.go_back()
    tour.click("main a[href$='/evaluation/summary']")
    tour.shot("facilitator-evaluation-summary")
    return tour


@journey(
    "facilitator-attendance-report",
    "facilitator-progress",
    "facilitator-completion",
    "facilitator-templates",
    "facilitator-compare",
    "facilitator-report",
    "facilitator-assistance",
    "facilitator-dashboard",
)
def facilitator_follows_the_cohort(browser: Any, base: str, lang: str) -> Tour:
    tour = sign_in(browser, base, FACILITATOR, lang)
    tour.click("main a.cohort-link")
    tour.click("section[data-panel=events] a[href$='/attendance']")
    tour.shot("facilitator-attendance-report")
    tour.page.go_back()
    tour.click("section[data-panel=modules] a[href$='/progress']")
    tour.shot("facilitator-progress")
    tour.home()
    tour.click("[data-block=impact-staff] a[href$='/completion']")
    tour.shot("facilitator-completion")
    tour.home()
    tour.click("[data-block=evaluations-staff] a[href='/surveys']")
    tour.shot("facilitator-templates")
    tour.home()
    tour.click("[data-block=evaluations-staff] a[href='/evaluations/compare']")
    tour.shot("facilitator-compare")
    tour.home()
    tour.click("[data-block=impact-staff] a[href^='/reports/']")
    tour.shot("facilitator-report")
    tour.home()
    tour.click("main a.cohort-link")
    tour.click("main a[href$='/assistance']")
    tour.shot("facilitator-assistance")
    tour.click("main a[href^='/programs/']:not([href$='/assistance'])")
    tour.click("main a[href$='/dashboard']")
    tour.shot("facilitator-dashboard")
    return tour


@journey("facilitator-check-in-window")
def facilitator_opens_check_in(browser: Any, base: str, lang: str) -> Tour:
    tour = sign_in(browser, base, ERG_FACILITATOR, lang)
    tour.click("[data-block=events-week] a[href^='/events/']")
    tour.click("main a.button[href$='/attendance']")
    tour.shot("facilitator-check-in-window", focus="#checkin-heading")
    return tour


@journey("facilitator-announcement", "facilitator-discussion")
def facilitator_posts_an_announcement(browser: Any, base: str, lang: str) -> Tour:
    tour = sign_in(browser, base, FACILITATOR, lang)
    tour.click("main a.cohort-link")
    tour.mark("section[data-panel=discussions] a[href$='/announcements/new']")
    tour.shot("facilitator-announcement", focus="section[data-panel=discussions]", above=120)
    tour.click("section[data-panel=discussions] a[href$='/announcements/new']")
    tour.page.fill("#title", "Slides from the canvas webinar")
    tour.page.fill("#body", "The slides are on the module page. **Post one question** you still have below.")
    tour.click("main form button[type=submit]")
    tour.home()
    tour.click("main a.cohort-link")
    tour.click("section[data-panel=discussions] a[href$='/discussions']")
    tour.page.locator("ul.discussion-list a[href*='/announcements/']").last.click()  # the welcome, with a
    tour.page.wait_for_load_state()  # hidden reply
    tour.mark("li.reply-hidden a[href$='/hide'], li.reply-hidden form button")
    tour.shot("facilitator-discussion", focus="ol.replies", above=120)
    return tour


@journey("fellow-discussion")
def fellow_replies_in_a_module_discussion(browser: Any, base: str, lang: str) -> Tour:
    tour = sign_in(browser, base, FELLOW, lang)
    tour.click("main a.cohort-link")
    tour.click("section[data-panel=modules] a[href$='/modules/business-model-canvas']")
    tour.click("section[data-panel=discussion] a")
    tour.mark("#reply-form textarea")
    tour.shot("fellow-discussion", focus="ol.replies", above=120)
    return tour


@journey("observer-home", "observer-attendance", "observer-evaluation-trend", "observer-report")
def observer_reads(browser: Any, base: str, lang: str) -> Tour:
    tour = sign_in(browser, base, OBSERVER, lang)
    tour.mark("[data-block=impact-observer] a[href^='/reports/']")
    tour.shot("observer-home")
    tour.click("[data-block=impact-observer] a[href$='/attendance']")
    tour.shot("observer-attendance")
    tour.home()
    tour.click("[data-block=impact-observer] a[href$='/evaluations']")
    tour.shot("observer-evaluation-trend")
    tour.home()
    tour.click("[data-block=impact-observer] a[href^='/reports/']")
    tour.shot("observer-report")
    return tour


@journey("juror-home", "juror-jury", "juror-score", "juror-submit", "juror-submitted")
def juror_scores(browser: Any, base: str, lang: str) -> Tour:
    tour = sign_in(browser, base, JUROR, lang)
    projects = "main table a[href*='/jury/']"
    tour.mark("[data-block=awards-jury] a")
    tour.shot("juror-home")
    tour.click("[data-block=awards-jury] a")
    tour.mark(projects)
    tour.shot("juror-jury")
    tour.page.locator(projects).first.wait_for()  # count() does not wait for the page
    for index in range(tour.page.locator(projects).count()):
        tour.click(projects, nth=index)
        tour.page.locator("form.scores input[type=number]").first.wait_for()  # .all() does not wait
        for number in tour.page.locator("form.scores input[type=number]").all():
            number.fill(str(int(number.get_attribute("max")) // 2 + index % 3))
        if index == 0:
            tour.shot("juror-score")
        tour.click("form.scores button[type=submit]")
    submit = "form[action$='/jury/submit'] button[type=submit]"
    tour.mark(submit)
    tour.shot("juror-submit", focus=submit, above=500)
    tour.click(submit)
    tour.shot("juror-submitted")
    return tour


GALLERY = "/awards/grassroot-excellence-awards"
RECEIPTS: dict[str, str] = {}  # language -> the receipt code the voter was shown, checked after the results


@journey(
    "voter-gallery",
    "voter-project",
    "voter-vote",
    "voter-check-inbox",
    "voter-mailbox",
    "voter-confirm",
    "voter-receipt",
)
def public_voter(browser: Any, base: str, lang: str) -> Tour:
    tour = sign_in(browser, base, None, lang)
    page = tour.page
    page.goto(f"{base}{GALLERY}?lang={lang}")  # the address the organisers announce
    project = f"main a[href^='{GALLERY}/projects/']"
    tour.mark(project)
    tour.shot("voter-gallery")
    tour.click(project)
    tour.mark("main a[href*='/vote']")
    tour.shot("voter-project")
    tour.click("main a[href*='/vote']")
    page.fill("#email", f"neighbour.{lang}@example.net")
    tour.shot("voter-vote")
    tour.click("main form button[type=submit]")
    tour.mark(".dev-mailbox-note a")
    tour.shot("voter-check-inbox")
    tour.click(".dev-mailbox-note a")
    tour.click("main a[href*='/dev/mailbox/']")
    tour.mark("main a[href*='/confirm/']")
    tour.shot("voter-mailbox")
    tour.click("main a[href*='/confirm/']")
    tour.shot("voter-confirm")
    tour.click("main form button[type=submit]")
    tour.shot("voter-receipt")
    RECEIPTS[lang] = page.locator("#receipt").inner_text().strip()
    return tour


@journey(
    "admin-home",
    "admin-programs",
    "admin-program",
    "admin-people",
    "admin-organisations",
    "admin-outbox",
    "admin-contests",
    "admin-contest",
    "admin-ranking",
    "admin-votes",
    "admin-results",
    "admin-ceremony",
)
def admin_runs_the_site(browser: Any, base: str, lang: str) -> Tour:
    tour = sign_in(browser, base, ADMIN, lang)
    tour.mark("header a[href='/programs']")
    tour.shot("admin-home")
    tour.click("header a[href='/programs']")
    tour.shot("admin-programs")
    tour.click("main a[href^='/programs/']:not([href$='/new'])")
    tour.shot("admin-program")
    tour.click("header a[href='/admin/users']")
    tour.shot("admin-people")
    tour.click("header a[href='/organizations']")
    tour.shot("admin-organisations")
    tour.click("header a[href='/admin/outbox']")
    tour.shot("admin-outbox")
    tour.click("header a[href='/contests']")
    tour.shot("admin-contests")
    # The prize, judged: on to a public vote, and (no vote wanted this time) closed and published.
    tour.home()
    tour.click("[data-block=awards-contests] a[href$='#jury-heading']")
    tour.mark(_move_to("voting"))
    tour.shot("admin-contest")
    tour.shot("admin-ranking", focus="#jury-heading")
    for phase in ("voting", "closed", "published"):
        tour.click(_move_to(phase))
    # The awards the public has been voting on: the integrity panel, then closed and published.
    tour.home()
    tour.click("[data-block=awards-contests] a[href$='#votes-heading']")
    tour.shot("admin-votes", focus="#votes-heading")
    for phase in ("closed", "published"):
        tour.click(_move_to(phase))
    tour.click("main a[href*='/results']")
    tour.shot("admin-results")
    tour.page.go_back()
    tour.click("main a[href*='/ceremony/']")
    tour.click("main a.button[href*='/ceremony/']")  # "Next award": the first award revealed
    tour.shot("admin-ceremony")
    return tour


def _move_to(phase: str) -> str:
    return f"form[action$='/phase']:has(input[value={phase}]) button"


@journey("voter-results", "voter-receipts")
def public_results(browser: Any, base: str, lang: str) -> Tour:
    tour = sign_in(browser, base, None, lang)
    tour.page.goto(f"{base}{GALLERY}?lang={lang}")
    if not tour.page.locator("main a[href*='/results']").count() or lang not in RECEIPTS:
        raise RuntimeError("run public_voter and admin_runs_the_site (which publishes the results) first")
    tour.click("main a[href*='/results']")
    tour.mark("main a[href*='/receipts']")
    tour.shot("voter-results")
    tour.click("main a[href*='/receipts']")
    tour.page.fill("#receipt", RECEIPTS[lang])
    tour.click("main form[method=get] button")
    tour.shot("voter-receipts")
    return tour


# --- running ------------------------------------------------------------------------------------------------


def run(languages: tuple[str, ...], only: str | None) -> list[Path]:
    from playwright.sync_api import sync_playwright

    wanted = only.split(",") if only else [""]
    chosen = {name: entry for name, entry in JOURNEYS.items() if any(part in name for part in wanted)}
    saved: list[Path] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            for lang in languages:
                with demo_server() as base:
                    for name, (function, names) in chosen.items():
                        try:
                            tour = function(browser, base, lang)
                        except Exception:
                            _report_failure(name, lang)
                            raise
                        tour.page.context.close()
                        made = [path.stem for path in tour.saved]
                        declared = [picture for picture in names if kept(picture, lang)]
                        if made != declared:
                            raise RuntimeError(f"{name} ({lang}) saved {made}, not {declared}")
                        saved += tour.saved
                        print(f"{lang} {name}: {', '.join(made) or '-'}", flush=True)
        finally:
            browser.close()
    return saved


def _report_failure(name: str, lang: str) -> None:
    """Where the failed journey stood: its address, the start of the page, and a picture of it."""
    if not OPEN_TOURS:
        return
    page = OPEN_TOURS[-1].page
    picture = Path(tempfile.gettempdir()) / f"fellowship-screenshots-failed-{name}-{lang}.png"
    with contextlib.suppress(Exception):
        page.screenshot(path=str(picture), full_page=True)
        text = page.inner_text("body")[:600]
        print(f"{name} ({lang}) failed on {page.url}; the page is in {picture}:\n{text}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--lang", choices=LANGUAGES, action="append", help="only this language (repeatable)")
    parser.add_argument("--only", help="only the journeys whose names contain this (comma-separated: any)")
    parser.add_argument("--serve", action="store_true", help="start the demo server and wait (Ctrl+C stops)")
    args = parser.parse_args(argv)
    if args.serve:
        signal.signal(signal.SIGTERM, signal.default_int_handler)  # `kill` stops the server too
        with demo_server() as base:
            print(f"Demo server at {base}/ (password {PASSWORD}); Ctrl+C stops it.", flush=True)
            with contextlib.suppress(KeyboardInterrupt):
                while True:
                    time.sleep(3600)
        return 0
    if not Path(CHROMIUM).exists():
        print(f"No Chromium at {CHROMIUM} (set FELLOWSHIP_CHROMIUM).", file=sys.stderr)
        return 1
    saved = run(tuple(args.lang or LANGUAGES), args.only)
    total = sum(path.stat().st_size for path in saved)
    print(f"{len(saved)} pictures, {total / 1024:.0f} KiB, in {IMAGES.relative_to(ROOT)}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
