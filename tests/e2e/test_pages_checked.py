"""The main pages, with the demo data, in English and Arabic: axe-core finds no serious or critical
accessibility violation, and the Nu HTML Checker finds no error.

Both tools come from npm (tests/e2e/package.json; `.ci/run` installs them). Without them these tests are
skipped with the reason; Chromium is needed for axe as for every browser test.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from fellowship.accounts.models import User
from fellowship.awards.models import Contest, Project
from fellowship.credentials.models import Credential
from fellowship.curriculum.models import CohortModule, Worksheet
from fellowship.discussions.models import Announcement, Reply
from fellowship.events.enums import EventKind
from fellowship.events.models import Event
from fellowship.extensions import db
from fellowship.impact.models import Certificate, ReportingPeriod
from fellowship.network.models import Entry, Exchange, MentoringPair
from fellowship.programs.models import Cohort
from tests.e2e.browsing import sign_in_on

TOOLS = Path(__file__).parent / "node_modules"
AXE = TOOLS / "axe-core" / "axe.min.js"
VNU = TOOLS / "vnu-jar" / "build" / "dist" / "vnu.jar"
FACILITATOR = "nadia.petrova@example.org"


@pytest.fixture
def demo(app: Any) -> dict[str, dict[str, str]]:
    """Load the demo and return the main pages' paths, by the demo person who opens them: the facilitator
    most of them, every other role its home page and the page it goes to next."""
    app.test_cli_runner().invoke(args=["fellowship", "demo"])
    cohort = db.session.scalar(sa.select(Cohort).where(Cohort.name.startswith("Worker Cooperative")))
    launch = db.session.scalar(sa.select(Event).where(Event.title.startswith("Launch webinar")))
    contest = db.session.scalar(sa.select(Contest).where(Contest.slug == "grassroot-excellence-awards"))
    prize = db.session.scalar(sa.select(Contest).where(Contest.slug == "cooperative-development-prize"))
    project = db.session.scalar(sa.select(Project).where(Project.contest_id == contest.id).limit(1))
    sheet = db.session.scalar(sa.select(Worksheet).where(Worksheet.status == "submitted").limit(1))
    period = db.session.scalar(sa.select(ReportingPeriod))
    need = db.session.scalar(sa.select(Entry).where(Entry.title == "Someone to keep our books"))
    welcome = db.session.scalar(sa.select(Announcement).where(Announcement.cohort_id == cohort.id).limit(1))
    first_reply = db.session.scalars(sa.select(Reply).order_by(Reply.id)).first()
    canvas = db.session.scalar(
        sa.select(CohortModule).where(
            CohortModule.cohort_id == cohort.id, CohortModule.slug == "business-model-canvas"
        )
    )
    academy = db.session.scalar(sa.select(Announcement).where(Announcement.cohort_id != cohort.id))
    circle = db.session.scalar(sa.select(Cohort).where(Cohort.name == "Tech Co-op Founders' Circle"))
    certificate = db.session.scalar(sa.select(Certificate.code).where(Certificate.holder == "Amara Okafor"))
    group_id = db.session.scalar(sa.select(Cohort.id).where(Cohort.name == "קבוצת העבודה לתעסוקה הוגנת"))
    meetings = db.session.scalars(
        sa.select(Event.id).where(Event.kind == EventKind.WORKING_GROUP).order_by(Event.starts_at)
    ).all()
    found = db.session.scalars(sa.select(Exchange).order_by(Exchange.id)).all()
    exchanges = {
        "done": next(e.id for e in found if e.entry_title.startswith("Mentoría")),  # Amara's
        "open": next(e.id for e in found if e.status.value == "requested"),
        "offer": db.session.scalar(sa.select(Entry.id).where(Entry.title == "Our meeting room on Mondays")),
        "pair": db.session.scalar(sa.select(MentoringPair.id).order_by(MentoringPair.id).limit(1)),  # Amara's
    }
    circle_group = db.session.scalar(sa.select(Cohort.id).where(Cohort.name == "South Side co-op circle"))
    meetup = db.session.scalar(sa.select(Event.id).where(Event.kind == EventKind.MEETUP))
    interviewee = db.session.scalar(sa.select(User.id).where(User.email == "yael.cohen@example.org.il"))
    badge = db.session.scalar(sa.select(Credential.uuid).where(Credential.worksheet_id.is_not(None)).limit(1))
    return {
        FACILITATOR: {
            "dashboard": "/",
            "cohort": f"/cohorts/{cohort.id}",
            "event": f"/events/{launch.id}",
            "attendance": f"/events/{launch.id}/attendance",
            "evaluation summary": f"/events/{launch.id}/evaluation/summary",
            "progress": f"/cohorts/{cohort.id}/progress",
            "worksheet review": f"/worksheets/{sheet.id}",
            "report": f"/reports/{period.id}",
            "gallery": f"/awards/{contest.slug}",
            "project": f"/awards/{contest.slug}/projects/{project.id}",
            "vote": f"/awards/{contest.slug}/projects/{project.id}/vote",
            "certificate check": "/certificates/verify",
            "credential check": "/credentials/verify",
            "network": "/network?q=bookkeeping",
            "network entry": f"/network/entries/{need.id}",
            "co-op directory": "/network/directory",
            "discussions": f"/cohorts/{cohort.id}/discussions",
            "announcement with a hidden reply": f"/cohorts/{cohort.id}/announcements/{welcome.id}",
            "new announcement": f"/cohorts/{cohort.id}/announcements/new",
            "hide a reply": f"/cohorts/{cohort.id}/replies/{first_reply.id}/hide",
            "curriculum": "/curriculum",
            "module editor in Arabic": "/curriculum/impact-metrics/edit?texts=ar",
            "module editor in Hebrew": "/curriculum/impact-metrics/edit?texts=he",
            "worksheet fields": "/curriculum/ecosystem-assessment/fields",
            "publishing a draft": "/curriculum/ecosystem-assessment/publish",
            "new module": "/curriculum/new",
            "module resources": "/curriculum/impact-metrics/resources",
            "resource library": f"/cohorts/{cohort.id}/resources",
        },
        "amara.okafor@example.org": {
            "fellow home": "/",
            "certificate with its credential": f"/certificates/{certificate}",
            "module": f"/cohorts/{cohort.id}/modules/business-model-canvas",
            "module with its badge": f"/cohorts/{cohort.id}/modules/mission-statement",
            "module with a handout": f"/cohorts/{cohort.id}/modules/impact-metrics",
            "worksheet": f"/cohorts/{cohort.id}/modules/business-model-canvas/worksheet",
            "profile": "/profile",
            "network entry form": "/network/entries/new",
            "my network entries": "/network/mine",
            "a done exchange": f"/network/exchanges/{exchanges['done']}",
            "mentoring": f"/mentoring/{exchanges['pair']}",
            "ask for help": f"/network/entries/{exchanges['offer']}/ask",
            "module discussion": f"/cohorts/{cohort.id}/discussions/module/{canvas.id}",
            "quoting a reply": f"/cohorts/{cohort.id}/announcements/{welcome.id}?quote={first_reply.id}",
        },
        "agnieszka.nowak@example.pl": {
            "participant home": "/",
            "a request to answer": f"/network/exchanges/{exchanges['open']}",
            "requests and exchanges": "/network/exchanges",
            "academy announcement": f"/cohorts/{academy.cohort_id}/announcements/{academy.id}",
        },
        FOUNDER: {
            "founder home": "/",
            "track module": f"/cohorts/{circle.id}/modules/tech-coop-work-and-decisions",
            "track worksheet": f"/cohorts/{circle.id}/modules/tech-coop-work-and-decisions/worksheet",
            "track draft": f"/cohorts/{circle.id}/modules/tech-coop-finding-partners/worksheet",
        },
        "funder.observer@example.org": {
            "observer home": "/",
            "reports": f"/programs/{cohort.program_id}/reports",
        },
        "juror@example.org": {"juror home": "/", "jury": f"/contests/{prize.id}/jury"},
        "michal.barak@example.org.il": {
            "working-group meeting with carried action items": f"/events/{meetings[-1]}",
            "a meeting's minutes": f"/meetings/{meetings[-2]}/minutes",
            "subgroups": f"/cohorts/{group_id}/subgroups",
            "common agenda": f"/cohorts/{group_id}/common-agenda",
            "a common agenda version's changes": f"/cohorts/{group_id}/common-agenda/versions/3",
            "interview checklist": f"/cohorts/{group_id}/interviews",
            "an interview": f"/cohorts/{group_id}/interviews/{interviewee}",
        },
        "dolores.whitfield@example.org": {
            "local groups": "/network/groups",
            "a local group": f"/cohorts/{circle_group}",
            "a meetup": f"/events/{meetup}",
            "pair a mentor": f"/cohorts/{circle_group}/mentoring",
        },
        "admin@example.org": {
            "admin home": "/",
            "development mailbox": "/dev/mailbox",
            "module badges to revoke": f"/cohorts/{cohort.id}/modules/mission-statement",
            "revoke a module badge": f"/credentials/{badge}/revoke",
            "curriculum editors": "/curriculum/editors",
        },
    }


FELLOW = "amara.okafor@example.org"
FOUNDER = "layla.mansour@example.org"
CURRICULUM_PAGES = {
    FELLOW: ("module", "worksheet"),
    FOUNDER: ("track module", "track worksheet", "track draft"),
}


@pytest.mark.skipif(not AXE.exists(), reason="axe-core is not installed: run npm ci in tests/e2e")
@pytest.mark.parametrize("lang", ["ar", "he"])
def test_module_and_worksheet_read_right_to_left_in_their_own_language(
    browser: Any, server: str, demo: dict[str, dict[str, str]], lang: str
) -> None:
    """The business model canvas module and its worksheet, and a module of the founding track with its
    worksheet and a founder's draft, in Arabic and Hebrew: right to left, nothing on them in another language
    (text shown in English for want of a translation is marked ``lang="en"``), and no serious accessibility
    violation."""
    found = {}
    for person, names in CURRICULUM_PAGES.items():
        context = browser.new_context(bypass_csp=True)
        page = context.new_page()
        sign_in_on(page, server, person, lang)
        for name in names:
            page.goto(server + demo[person][name])
            direction = page.evaluate("[document.documentElement.lang, document.documentElement.dir]")
            assert direction == [lang, "rtl"], name
            assert page.locator("main [lang]").count() == 0, name
            page.add_script_tag(path=str(AXE))
            result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
            bad = [v["id"] for v in result["violations"] if v["impact"] in {"serious", "critical"}]
            if bad:
                found[name] = bad
        context.close()
    assert found == {}


@pytest.mark.skipif(not VNU.exists() or not shutil.which("java"), reason="vnu.jar or Java is missing")
def test_module_and_worksheet_in_hebrew_are_valid_html(
    app: Any, demo: dict[str, dict[str, str]], tmp_path: Path
) -> None:
    from fellowship.accounts.models import User

    files = []
    for person, names in CURRICULUM_PAGES.items():
        client = app.test_client()
        client.login_as(db.session.scalar(sa.select(User).where(User.email == person)))
        pages = {name: demo[person][name] for name in names}
        files += saved_pages(client, pages, tmp_path, ("he",))
    assert_valid_html(files)


@pytest.mark.skipif(not AXE.exists(), reason="axe-core is not installed: run npm ci in tests/e2e")
@pytest.mark.parametrize("lang", ["en", "ar"])
def test_main_pages_have_no_serious_accessibility_violations(
    browser: Any, server: str, demo: dict[str, dict[str, str]], dev_mailbox: None, lang: str
) -> None:
    found = {}
    for email, pages in demo.items():
        context = browser.new_context(bypass_csp=True)  # axe is injected as a script the policy would refuse
        page = context.new_page()
        sign_in_on(page, server, email, lang)
        for name, path in pages.items():
            page.goto(server + path + ("?lang=ar" if lang == "ar" and path.startswith("/awards") else ""))
            page.add_script_tag(path=str(AXE))
            result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
            bad = [
                f"{v['id']}: {v['help']} ({len(v['nodes'])}×, e.g. {v['nodes'][0]['target']})"
                for v in result["violations"]
                if v["impact"] in {"serious", "critical"}
            ]
            if bad:
                found[name] = bad
        context.close()
    assert found == {}, json.dumps(found, indent=1)


@pytest.mark.skipif(not VNU.exists() or not shutil.which("java"), reason="vnu.jar or Java is missing")
def test_main_pages_are_valid_html(
    app: Any, demo: dict[str, dict[str, str]], dev_mailbox: None, tmp_path: Path
) -> None:
    from fellowship.accounts.models import User

    files = []
    for email, pages in demo.items():
        client = app.test_client()
        client.login_as(db.session.scalar(sa.select(User).where(User.email == email)))
        files += saved_pages(client, pages, tmp_path)
    assert_valid_html(files)


def saved_pages(
    client: Any, pages: dict[str, str], folder: Path, languages: tuple[str, ...] = ("en", "ar")
) -> list[str]:
    """Each page, in English and Arabic (or ``languages``), saved as a file for the Nu checker; returns the
    files."""
    files = []
    for name, path in pages.items():
        for lang in languages:
            response = client.get(path + f"{'&' if '?' in path else '?'}lang={lang}")
            assert response.status_code == 200, path
            target = folder / f"{name.replace(' ', '-')}-{lang}.html"
            target.write_bytes(response.get_data())
            files.append(str(target))
    return files


def assert_valid_html(files: list[str]) -> None:
    """One run of the Nu HTML Checker over every file: no error."""
    checked = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--format", "text", *files],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert checked.returncode == 0, checked.stderr + checked.stdout
