"""Whole journeys in a real browser, on the demo data: a facilitator takes attendance and reads an
evaluation summary; a fellow fills and submits a business model canvas and reads the review; a member of
the public votes and confirms through the emailed link; the Arabic dashboard renders right to left (a
screenshot is kept in tests/e2e/artifacts/, which git ignores)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from fellowship.attendance.models import AttendanceRecord
from fellowship.awards import voting
from fellowship.awards.models import Contest, Project
from fellowship.curriculum.enums import WorksheetStatus
from fellowship.curriculum.models import Worksheet
from fellowship.events.models import Event
from fellowship.extensions import db
from fellowship.programs.models import Cohort
from tests.mailbox import messages

ARTIFACTS = Path(__file__).parent / "artifacts"
PASSWORD = "fellowship-demo"


@pytest.fixture
def demo(app: Any) -> None:
    app.test_cli_runner().invoke(args=["fellowship", "demo"])


def sign_in(page: Any, server: str, email: str, lang: str = "en") -> None:
    page.goto(f"{server}/sign-in")
    if lang != "en":
        page.select_option("#switch-locale", lang)
        page.click(".language-switcher button")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("main form button[type=submit]")
    expect(page.locator("main h1")).to_be_visible()


def fresh() -> None:
    db.session.rollback()  # the server wrote from its own thread: read a fresh snapshot


def test_facilitator_takes_attendance_and_reads_the_evaluation(page: Any, server: str, demo: None) -> None:
    canvas = db.session.scalar(sa.select(Event).where(Event.title == "Webinar: business model canvases"))
    sign_in(page, server, "nadia.petrova@example.org")
    page.goto(f"{server}/events/{canvas.id}/attendance")
    first = page.locator("select[name^='s-']").first
    name = first.get_attribute("name")
    first.select_option("late")
    page.click("button:has-text('Save attendance')")
    expect(page.locator(".flash-success")).to_be_visible()
    fresh()
    invitation_id, day = name.removeprefix("s-").split("-", 1)
    assert (
        db.session.scalar(
            sa.select(AttendanceRecord.status).where(AttendanceRecord.invitation_id == int(invitation_id))
        ).value
        == "late"
    )
    page.goto(f"{server}/events/{canvas.id}/evaluation/summary")
    expect(page.locator("#response-figure")).to_contain_text("12 responses")
    assert page.locator("svg.chart.diverging").count() == 3


def test_fellow_submits_a_canvas_and_reads_the_review(browser: Any, server: str, demo: None) -> None:
    cohort = db.session.scalar(sa.select(Cohort).where(Cohort.name.startswith("Worker Cooperative")))
    fellow_page = browser.new_context().new_page()
    sign_in(fellow_page, server, "amara.okafor@example.org")
    fellow_page.goto(f"{server}/cohorts/{cohort.id}/modules/business-model-canvas/worksheet")
    for field in fellow_page.locator("form.worksheet textarea").all():
        field.fill("Home care for older neighbours, owned by the caregivers.")
    fellow_page.click("button[value=submit]")
    expect(fellow_page.locator(".flash-success")).to_contain_text("submitted for review")
    fresh()
    sheet = db.session.scalar(sa.select(Worksheet).where(Worksheet.slug == "business-model-canvas"))
    assert sheet.status is WorksheetStatus.SUBMITTED
    facilitator = browser.new_context().new_page()
    sign_in(facilitator, server, "nadia.petrova@example.org")
    facilitator.goto(f"{server}/reviews")
    facilitator.click(f"a[href='/worksheets/{sheet.id}']")
    facilitator.check("input[value=changes_requested]")
    facilitator.fill("#comment", "Name **two** customer segments.")
    facilitator.fill("textarea[name=note_customer_segments]", "Who pays, and who uses the service?")
    facilitator.click("button:has-text('Save review')")
    expect(facilitator.locator(".flash-success")).to_be_visible()
    fellow_page.goto(f"{server}/cohorts/{cohort.id}/modules/business-model-canvas/worksheet")
    expect(fellow_page.locator(".slot-customer_segments .field-note")).to_contain_text("Who pays")
    expect(fellow_page.locator(".reviews")).to_contain_text("Name two customer segments.")


def test_the_public_votes_and_confirms_through_the_emailed_link(
    browser: Any, server: str, demo: None, app: Any
) -> None:
    contest = db.session.scalar(sa.select(Contest).where(Contest.slug == "grassroot-excellence-awards"))
    project = db.session.scalar(
        sa.select(Project).where(Project.contest_id == contest.id).order_by(Project.id)
    )
    before = voting.tally(contest.id).get(project.id, 0)
    page = browser.new_context().new_page()
    page.goto(f"{server}/awards/{contest.slug}")
    page.click(f"a[href='/awards/{contest.slug}/projects/{project.id}']")
    page.click("a:has-text('Vote for this project')")
    page.fill("#email", "visitor@example.org")
    page.click("button:has-text('Send me the confirmation link')")
    expect(page.locator("#vote-sent")).to_be_visible()
    fresh()
    [message] = messages("vote_confirmation")
    link = re.search(r"https?://\S+/confirm/\S+", message.body_text).group(0)
    page.goto(server + link[link.index("/awards/") :])
    page.click("button:has-text('Confirm my vote')")
    expect(page.locator("#outcome")).to_contain_text("Your vote is counted")
    expect(page.locator("#receipt")).to_be_visible()
    fresh()
    assert voting.tally(contest.id).get(project.id, 0) == before + 1


def test_the_arabic_dashboard_reads_right_to_left(page: Any, server: str, demo: None) -> None:
    sign_in(page, server, "nadia.petrova@example.org", lang="ar")
    page.goto(f"{server}/")
    assert page.evaluate("[document.documentElement.lang, document.documentElement.dir]") == ["ar", "rtl"]
    brand, tools = page.locator(".brand").bounding_box(), page.locator(".nav-tools").bounding_box()
    assert brand["x"] > tools["x"]  # the site name starts the header: on the right in Arabic
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "dashboard-ar.png"), full_page=True)
    assert (ARTIFACTS / "dashboard-ar.png").stat().st_size > 1000
