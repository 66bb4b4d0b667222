"""Every role's journey from sign-in, by clicking only, in English and in Arabic, on a fresh demo each.

Each test signs a demo person in, starts from their home page and reaches its goal through the links and
buttons pages show: it never types an address (the public voter starts at the contest's gallery, where the
organisers' announcement sends people). Selectors are the pages' structure (ids, classes, link targets),
not their words, so one journey serves both languages. Screenshots of each goal land in
tests/e2e/artifacts/ (ignored by git; the docs take theirs from there).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from fellowship.accounts.models import User
from fellowship.attendance.models import AttendanceRecord
from fellowship.awards import voting
from fellowship.awards.models import Contest, JurorAssignment
from fellowship.core import clock
from fellowship.core.identity_providers import Provider
from fellowship.core.mail import OutboxMessage
from fellowship.curriculum.enums import WorksheetStatus
from fellowship.curriculum.models import Review, Worksheet
from fellowship.extensions import db
from fellowship.groups.models import ActionItem
from fellowship.impact.models import ReportingPeriod
from tests.e2e.browsing import PASSWORD, choose_language, click_through, sign_in_on

ARTIFACTS = Path(__file__).parent / "artifacts"
LANGUAGES = ["en", "ar"]


@pytest.fixture
def demo(app: Any) -> None:
    assert app.test_cli_runner().invoke(args=["fellowship", "demo"]).exit_code == 0


def sign_in(browser: Any, server: str, email: str, lang: str) -> Any:
    """A new browser context at the sign-in page, the language chosen there, signed in: on the home page."""
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    # "en" chooses nothing: a person whose own language is another sees theirs, as before choosing.
    sign_in_on(page, server, email, None if lang == "en" else lang)
    if lang != "en":
        expect(page.locator("html")).to_have_attribute("lang", lang)
    expect(page.locator("main h1")).to_be_visible()
    assert page.evaluate("document.documentElement.dir") == ("rtl" if lang in {"ar", "he"} else "ltr")
    return page


def go_home(page: Any) -> None:
    with page.expect_navigation():
        page.click("header a.brand")


def shot(page: Any, name: str, lang: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}-{lang}.png"), full_page=True)


def fresh() -> None:
    db.session.rollback()  # the server wrote from its own thread: read a fresh snapshot


@pytest.mark.parametrize("lang", LANGUAGES)
def test_fellow_submits_a_canvas_and_reads_the_review_beside_its_field(
    browser: Any, server: str, demo: None, lang: str
) -> None:
    fellow = sign_in(browser, server, "amara.okafor@example.org", lang)
    fellow.click("a.cohort-link")
    fellow.click("section[data-panel=modules] a[href$='/modules/business-model-canvas']")
    click_through(fellow, "main a.button[href$='/business-model-canvas/worksheet']")
    fellow.locator("form.worksheet textarea").first.wait_for()  # the worksheet, not the page before it
    for field in fellow.locator("form.worksheet textarea").all():
        field.fill("Home care for older neighbours, owned by the caregivers.")
    click_through(fellow, "button[value=submit]")
    expect(fellow.locator(".flash-success")).to_be_visible()
    fresh()
    sheet = db.session.scalar(
        sa.select(Worksheet).where(
            Worksheet.slug == "business-model-canvas", Worksheet.status == WorksheetStatus.SUBMITTED
        )
    )
    assert sheet is not None and sheet.user.email == "amara.okafor@example.org"

    facilitator = sign_in(browser, server, "nadia.petrova@example.org", lang)
    facilitator.click("[data-block=reviews] a[href='/reviews']")
    facilitator.click(f"main a[href='/worksheets/{sheet.id}']")
    facilitator.check("input[value=changes_requested]")
    facilitator.fill("#comment", "Name **two** customer segments.")
    facilitator.fill("textarea[name=note_customer_segments]", "Who pays, and who uses the service?")
    click_through(facilitator, "form.review-form button[type=submit]")
    expect(facilitator.locator(".flash-success")).to_be_visible()

    go_home(fellow)
    fellow.click("[data-block=worksheets] ul a[href$='/business-model-canvas/worksheet']")
    expect(fellow.locator(".slot-customer_segments .field-note")).to_contain_text("Who pays")
    expect(fellow.locator(".reviews")).to_contain_text("Name two customer segments.")
    shot(fellow, "fellow-review", lang)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_facilitator_takes_attendance_approves_a_worksheet_and_reads_an_evaluation(
    browser: Any, server: str, demo: None, lang: str
) -> None:
    page = sign_in(browser, server, "nadia.petrova@example.org", lang)
    shot(page, "facilitator-home", lang)
    # Attendance of the business model canvas webinar, from the cohort's events.
    page.click("a.cohort-link")
    page.click("section[data-panel=events] a[href$='/events']")
    page.locator("main table a[href^='/events/']").nth(2).click()  # the third event: the canvas webinar
    click_through(page, "main a.button[href$='/attendance']")
    first = page.locator("select[name^='s-']").first
    name = first.get_attribute("name")
    first.select_option("late")
    click_through(page, "form[action$='/attendance'] button[type=submit]:not([formaction])")
    expect(page.locator(".flash-success")).to_be_visible()
    fresh()
    invitation_id = int(name.removeprefix("s-").split("-", 1)[0])
    status = db.session.scalar(
        sa.select(AttendanceRecord.status).where(AttendanceRecord.invitation_id == invitation_id)
    )
    assert status.value == "late"
    # The evaluation summary of that webinar, from its event page.
    go_home(page)
    page.click("a.cohort-link")
    page.click("section[data-panel=events] a[href$='/events']")
    page.locator("main table a[href^='/events/']").nth(2).click()
    page.click("a[href$='/evaluation/summary']")
    expect(page.locator("#response-figure")).to_be_visible()
    shot(page, "facilitator-evaluation", lang)
    # A worksheet waiting for review, approved.
    go_home(page)
    page.locator("[data-block=reviews] li a[href^='/worksheets/']").first.click()
    page.wait_for_url("**/worksheets/*")
    worksheet_id = int(page.url.rsplit("/", 1)[1])
    page.check("input[value=approved]")
    page.fill("#comment", "Clear and complete.")
    click_through(page, "form.review-form button[type=submit]")
    expect(page.locator(".flash-success")).to_be_visible()
    fresh()
    assert db.session.get(Worksheet, worksheet_id).status is WorksheetStatus.APPROVED
    latest = sa.select(Review.comment).where(Review.worksheet_id == worksheet_id).order_by(Review.id.desc())
    assert db.session.scalar(latest.limit(1)) == "Clear and complete."


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_public_votes_from_the_gallery_and_confirms_through_the_development_mailbox(
    browser: Any, server: str, demo: None, dev_mailbox: None, lang: str
) -> None:
    contest = db.session.scalar(sa.select(Contest).where(Contest.slug == "grassroot-excellence-awards"))
    before = sum(voting.tally(contest.id).values())
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(f"{server}/awards/{contest.slug}?lang={lang}")  # the address the organisers shared
    page.locator(f"main a[href^='/awards/{contest.slug}/projects/']").first.click()
    page.click("main a[href*='/vote']")
    page.fill("#email", f"neighbour-{lang}@example.net")
    click_through(page, "main form button[type=submit]")
    expect(page.locator("#vote-sent")).to_be_visible()
    page.click(".dev-mailbox-note a")
    page.locator("main a[href*='/dev/mailbox/']").first.click()
    page.locator("main a[href*='/confirm/']").first.click()
    click_through(page, "main form button[type=submit]")
    expect(page.locator("#receipt")).to_be_visible()
    shot(page, "voter-confirmed", lang)
    fresh()
    assert sum(voting.tally(contest.id).values()) == before + 1


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_funder_reads_the_submitted_january_report(
    browser: Any, server: str, demo: None, lang: str
) -> None:
    january = db.session.scalar(sa.select(ReportingPeriod).where(ReportingPeriod.label == "January 2024"))
    page = sign_in(browser, server, "funder.observer@example.org", lang)
    page.click(f"[data-block=impact-observer] a[href='/reports/{january.id}']")
    expect(page.locator("main h1")).to_contain_text("January 2024")
    assert page.locator("main form").count() == 0  # read-only: nothing to edit, submit or lower
    shot(page, "observer-report", lang)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_juror_scores_every_project_and_submits(browser: Any, server: str, demo: None, lang: str) -> None:
    prize = db.session.scalar(sa.select(Contest).where(Contest.slug == "cooperative-development-prize"))
    page = sign_in(browser, server, "juror@example.org", lang)
    page.click(f"[data-block=awards-jury] li[data-contest='{prize.id}'] a")
    projects = page.locator("main table a[href*='/jury/']")
    projects.first.wait_for()  # count() does not wait for the jury page either
    for index in range(projects.count()):
        page.locator("main table a[href*='/jury/']").nth(index).click()
        # .all() does not wait: without this it can read the jury page still showing and fill nothing
        page.locator("form.scores input[type=number]").first.wait_for()
        for number in page.locator("form.scores input[type=number]").all():
            number.fill(str(int(number.get_attribute("max")) // 2))
        click_through(page, "form.scores button[type=submit]")
        expect(page.locator(".flash-success")).to_be_visible()
    click_through(page, f"form[action$='/contests/{prize.id}/jury/submit'] button[type=submit]")
    expect(page.locator(".flash-success")).to_be_visible()
    shot(page, "juror-submitted", lang)
    fresh()
    assignment = db.session.scalar(
        sa.select(JurorAssignment).join(User).where(User.email == "juror@example.org")
    )
    assert assignment.submitted_at is not None
    go_home(page)
    assert page.locator("[data-block=awards-jury]").count() == 0  # nothing left to score


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_admin_takes_the_prize_from_judging_to_published_results(
    browser: Any, server: str, demo: None, lang: str
) -> None:
    prize = db.session.scalar(sa.select(Contest).where(Contest.slug == "cooperative-development-prize"))
    page = sign_in(browser, server, "admin@example.org", lang)
    shot(page, "admin-home", lang)
    page.click(f"[data-block=awards-contests] li[data-contest='{prize.id}'] a")
    for phase in ("voting", "closed", "published"):
        click_through(page, f"form[action$='/phase']:has(input[value={phase}]) button")
        expect(page.locator(".flash-success")).to_be_visible()
        fresh()
        assert db.session.get(Contest, prize.id).phase.value == phase
    page.click(f"main a[href^='/awards/{prize.slug}/results']")  # the link carries ?lang=
    expect(page.locator("main h1")).to_be_visible()
    shot(page, "admin-results", lang)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_fellow_asks_to_be_erased_and_the_admin_erases_them(
    browser: Any, server: str, demo: None, lang: str
) -> None:
    fellow = sign_in(browser, server, "chen.wei@example.org", lang)
    fellow.click("a.signed-in-as")
    fellow.fill("#erasure ~ form input[name=current_password]", PASSWORD)
    fellow.check("#erasure ~ form input[name=understood]")
    click_through(fellow, "#erasure ~ form button[type=submit]")
    expect(fellow.locator(".flash-success")).to_be_visible()
    shot(fellow, "fellow-asks-erasure", lang)

    admin = sign_in(browser, server, "admin@example.org", lang)
    admin.click("#home-erasure a")
    admin.click("#erasure-requests ~ ul a")
    admin.fill("form[action$='/erase'] input[name=confirm]", "chen.wei@example.org")
    shot(admin, "admin-erases", lang)
    click_through(admin, "form[action$='/erase'] button[type=submit]")
    expect(admin.locator(".flash-success")).to_be_visible()
    fresh()
    person = db.session.scalar(sa.select(User).where(User.email.like("erased-%")))
    assert person is not None and person.name == f"Erased person #{person.id}"
    assert db.session.scalar(sa.select(User).where(User.email == "chen.wei@example.org")) is None
    fellow.reload()  # their session ended with the erasure
    expect(fellow.locator("#email")).to_be_visible()


def test_a_fellow_finds_bookkeeping_help_in_spanish(browser: Any, server: str, demo: None) -> None:
    """Issue 20's journey: from the home page, in Spanish, the network's search for "contabilidad" finds the
    bookkeepers' collective's offer, and its page says when it was last confirmed."""
    fellow = sign_in(browser, server, "amara.okafor@example.org", "es")
    fellow.click("header a[href='/network']")
    fellow.fill("form[role=search] input[name=q]", "contabilidad")
    click_through(fellow, "form[role=search] button[type=submit]")
    first = fellow.locator("ul.cards li.card").first
    expect(first).to_contain_text("Bronzeville Bookkeepers Collective")
    first.locator("a").first.click()
    expect(fellow.locator("main")).to_contain_text("Contabilidad")
    expect(fellow.locator("main")).to_contain_text("Última confirmación")
    shot(fellow, "fellow-network-search", "es")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_an_announcement_gets_replies_one_is_hidden_and_the_digest_carries_the_other(
    app: Any, browser: Any, server: str, demo: None, lang: str
) -> None:
    """Issue 23's journey: the academy's facilitator posts an announcement from the cohort page; one
    participant replies from her home page, another posts something off-topic; the facilitator hides it
    with a reason; once the edit window has passed, `dispatch` sends her digest with the visible reply
    only."""
    staff = sign_in(browser, server, "zofia.facilitator@example.pl", lang)
    staff.click("a.cohort-link")
    staff.click("section[data-panel=discussions] a[href$='/announcements/new']")
    staff.fill("#title", "Slides from the impact workshop")
    staff.fill("#body", "The slides are attached to the module. **Share one good practice** below.")
    click_through(staff, "main form button[type=submit]")
    expect(staff.locator(".flash-success")).to_be_visible()

    for email, text in (
        ("agnieszka.nowak@example.pl", "We ask our sponsor for one quarterly breakfast."),
        ("bartosz.wisniewski@example.pl", "Selling two concert tickets, write to me."),
    ):
        member = sign_in(browser, server, email, lang)
        member.locator("[data-block=announcements] a").first.click()
        expect(member.locator("main h1")).to_contain_text("Slides from the impact workshop")
        member.fill("#reply-form textarea[name=body]", text)
        click_through(member, "#reply-form button[type=submit]")
        expect(member.locator(".flash-success")).to_be_visible()
        expect(member.locator("ol.replies")).to_contain_text(text)

    staff.reload()
    staff.locator("li.reply", has_text="concert tickets").locator("a[href$='/hide']").click()
    staff.fill("textarea[name=hidden_reason]", "Off-topic: offers belong in the co-op network.")
    click_through(staff, "main form button[type=submit]")
    expect(staff.locator(".flash-success")).to_be_visible()
    expect(staff.locator("li.reply-hidden")).to_contain_text("Off-topic")
    shot(staff, "facilitator-hides-a-reply", lang)

    fresh()
    clock.set_time(clock.now() + dt.timedelta(minutes=20))
    try:
        assert app.test_cli_runner().invoke(args=["fellowship", "dispatch"]).exit_code == 0
    finally:
        clock.reset()
    fresh()
    digests = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.kind == "discussion_digest")
    ).all()
    assert [message.recipient for message in digests] == ["zofia.facilitator@example.pl"]
    assert "quarterly breakfast" in digests[0].body_text and "concert" not in digests[0].body_text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_person_signs_in_through_their_organisations_provider(
    app: Any, browser: Any, server: str, monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    """Issue 25's journey, through a real OpenID Connect provider: the sign-in page's button, the provider's
    own login and consent pages, back home signed in, the provider listed on the profile; someone of
    another domain is refused with the reason on the sign-in page."""
    from tests import factories as f
    from tests import oidc_provider

    reason = oidc_provider.unavailable()
    if reason is not None:
        pytest.skip(reason)
    with oidc_provider.start([f"{server}/sign-in/with/acme/callback"]) as running:
        monkeypatch.setitem(
            app.config,
            "FELLOWSHIP_OIDC_PROVIDERS",
            [
                Provider(
                    key="acme",
                    issuer=running.issuer,
                    client_id=running.client_id,
                    client_secret=running.client_secret,
                    name="Acme Works",
                    domains=("acme.example",),
                )
            ],
        )
        f.MembershipFactory(user=f.UserFactory(email="alice@acme.example", name="Alice Acme"))
        f.UserFactory(email="olly@elsewhere.example")
        db.session.commit()
        for login, welcome in (("alice", True), ("olly", False)):
            page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
            page.goto(f"{server}/sign-in")
            if lang != "en":
                choose_language(page, lang)
            shot(page, "sign-in-with-provider", lang)
            click_through(page, "a.button[href^='/sign-in/with/acme']")
            page.fill("input[name=login]", login)
            page.fill("input[name=password]", "anything")
            click_through(page, "button.login-submit")
            click_through(page, "button.login-submit")  # the provider's consent page
            if welcome:
                expect(page.locator("a.signed-in-as")).to_contain_text("Alice Acme")
                assert page.evaluate("document.documentElement.dir") == ("rtl" if lang == "ar" else "ltr")
                page.click("a.signed-in-as")
                expect(page.locator("#sign-in-providers ~ ul")).to_contain_text("Acme Works")
            else:
                expect(page.locator(".flash-error")).to_be_visible()
                expect(page.locator("#email")).to_be_visible()
                shot(page, "sign-in-with-provider-refused", lang)
            page.context.close()


def test_an_arabic_speaking_fellow_reads_the_canvas_and_fills_it_in_arabic(
    browser: Any, server: str, demo: None
) -> None:
    """Issue 26's journey: the business model canvas module, its reading and its worksheet's labels and
    help texts in Arabic, right to left; the answers typed in Arabic are saved."""
    fellow = sign_in(browser, server, "amara.okafor@example.org", "ar")
    fellow.click("a.cohort-link")
    fellow.click("section[data-panel=modules] a[href$='/modules/business-model-canvas']")
    expect(fellow.locator("main h1")).to_contain_text("نموذج العمل التجاري")
    expect(fellow.locator("main .prose")).to_contain_text("صفحة واحدة وتسع خانات")
    assert fellow.locator("main [lang]").count() == 0  # nothing falls back to English
    click_through(fellow, "main a.button[href$='/business-model-canvas/worksheet']")
    expect(fellow.locator("form.worksheet")).to_contain_text("الشراكات الرئيسية")
    expect(fellow.locator("form.worksheet")).to_contain_text("مَن يساعدكم على تقديم ما تعرضونه")
    answer = "تعاونية رعاية منزلية يملكها العاملون فيها."
    fellow.locator("form.worksheet textarea").first.fill(answer)
    click_through(fellow, "button[value=save]")
    expect(fellow.locator(".flash-success")).to_be_visible()
    assert fellow.evaluate("document.documentElement.dir") == "rtl"
    shot(fellow, "fellow-canvas-arabic", "ar")
    fresh()
    sheet = db.session.scalar(
        sa.select(Worksheet)
        .join(User, User.id == Worksheet.user_id)
        .where(Worksheet.slug == "business-model-canvas", User.email == "amara.okafor@example.org")
    )
    assert sheet is not None and answer in sheet.answers.values()


def test_a_founder_reads_the_tech_coop_track_and_submits_her_swot_in_arabic(
    browser: Any, server: str, demo: None
) -> None:
    """The founding track's journey: from her home page a founder who reads Arabic opens her circle, the
    track's SWOT module and its worksheet, fills the four quadrants and her decision in Arabic, and submits;
    her facilitator finds it waiting for review."""
    founder = sign_in(browser, server, "layla.mansour@example.org", "ar")
    founder.click("a.cohort-link")
    founder.click("section[data-panel=modules] a[href$='/modules/tech-coop-swot-and-feasibility']")
    expect(founder.locator("main h1")).to_contain_text("SWOT")
    expect(founder.locator("main .prose")).to_contain_text("نقاط القوة")
    assert founder.locator("main [lang]").count() == 0  # nothing falls back to English
    click_through(founder, "main a.button[href$='/tech-coop-swot-and-feasibility/worksheet']")
    quadrants = {
        "strengths": "مهارات برمجة وتصميم\nعملاء سابقون يثقون بنا",
        "weaknesses": "لا أحد منا يعرف المحاسبة",
        "opportunities": "الجمعيات المحلية تحتاج مواقع يسهل تحديثها",
        "threats": "الاعتماد على عميل واحد كبير",
    }
    for name, text in quadrants.items():
        founder.fill(f"form.worksheet [name={name}]", text)
    founder.select_option("form.worksheet select[name=decision]", "go_with_changes")
    founder.fill("form.worksheet [name=changes]", "نبدأ بثلاثة أعضاء ونتعلّم المحاسبة قبل التسجيل.")
    click_through(founder, "button[value=submit]")
    expect(founder.locator(".flash-success")).to_be_visible()
    assert founder.evaluate("document.documentElement.dir") == "rtl"
    shot(founder, "founder-swot-arabic", "ar")
    fresh()
    sheet = db.session.scalar(
        sa.select(Worksheet)
        .join(User, User.id == Worksheet.user_id)
        .where(Worksheet.slug == "tech-coop-swot-and-feasibility", User.email == "layla.mansour@example.org")
    )
    assert sheet is not None and sheet.status.value == "submitted"
    assert sheet.answers["strengths"] == ["مهارات برمجة وتصميم", "عملاء سابقون يثقون بنا"]
    facilitator = sign_in(browser, server, "rana.khoury@example.org", "ar")
    facilitator.goto(f"{server}/reviews")
    expect(facilitator.locator("main")).to_contain_text("Layla Mansour")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_fellow_downloads_her_credential_and_anyone_checks_it(
    browser: Any, server: str, demo: None, lang: str, tmp_path: Path
) -> None:
    """Issue 24's journey: from her home page a fellow opens her certificate and downloads its signed
    credential, then her approved module's badge from the module's page; someone she sends them to, with no
    account, goes from the certificate check to the credential check, chooses each file and is told it is
    valid."""
    fellow = sign_in(browser, server, "amara.okafor@example.org", lang)
    fellow.click("main a[href^='/certificates/']")
    expect(fellow.locator("[data-panel=credential]")).to_contain_text("Open Badges 3.0")
    with fellow.expect_download() as download:
        fellow.click("[data-panel=credential] a[href$='/credential.jwt']")
    saved = tmp_path / "credential.jwt"
    download.value.save_as(saved)
    assert saved.read_text().count(".") == 2
    # Her cohort chose module badges: her approved mission statement has one, on the module's page.
    go_home(fellow)
    fellow.click("a.cohort-link")
    expect(fellow.locator("[data-panel=module_badges]")).to_be_visible()
    fellow.click("section[data-panel=modules] a[href$='/modules/mission-statement']")
    with fellow.expect_download() as badge_download:
        fellow.click("[data-panel=badge] a[href$='/badge.jwt']")
    badge = tmp_path / "badge.jwt"
    badge_download.value.save_as(badge)
    shot(fellow, "module-badge", lang)
    verifier = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    verifier.goto(f"{server}/certificates/verify?lang={lang}")
    verifier.click("main a[href^='/credentials/verify']")
    for held in (saved, badge):
        verifier.set_input_files("#upload", str(held))
        click_through(verifier, "main form button[type=submit]")
        expect(verifier.locator("#verify-result .flash-success")).to_be_visible()
    assert verifier.evaluate("document.documentElement.dir") == ("rtl" if lang == "ar" else "ltr")
    shot(verifier, "public-credential-check", lang)


def test_a_facilitator_takes_a_meetings_minutes_and_the_next_agenda_carries_its_action_items_in_hebrew(
    browser: Any, server: str, demo: None
) -> None:
    """Issue 22's journey, clicking only, in Hebrew: the working group's facilitator opens meeting 3 from the
    group's events, writes the notes of an agenda item, records a decision and two action items and emails the
    summary; meeting 4's page then lists each of them once among the open items carried from earlier
    meetings."""
    facilitator = sign_in(browser, server, "michal.barak@example.org.il", "he")
    facilitator.click("a.cohort-link")
    facilitator.click("section[data-panel=events] a[href$='/events']")
    facilitator.click("main a:has-text('מפגש 3')")
    facilitator.click("[data-panel=minutes] a[href$='/minutes']")
    facilitator.locator("form textarea[name^=note_]").first.fill("הוחלט להזמין את נציגי הרשות המקומית.")
    click_through(facilitator, "main section:first-of-type form button[type=submit]")
    expect(facilitator.locator(".flash-success")).to_be_visible()
    facilitator.fill("#text", "נציג הרשות יוזמן למפגש 5.")
    click_through(facilitator, "#decisions ~ form button[type=submit]")
    expect(facilitator.locator(".flash-success")).to_be_visible()
    tasks = ["לשלוח מכתב לראש העירייה", "להכין מצגת על המכרזים"]
    for index, task in enumerate(tasks):
        facilitator.fill("#what", task)
        facilitator.select_option("#owner_id", index=index + 1)
        facilitator.fill("#due_on", (clock.today() + dt.timedelta(days=30)).isoformat())
        click_through(facilitator, "#action-items ~ form button[type=submit]")
        expect(facilitator.locator(".flash-success")).to_be_visible()
    assert facilitator.evaluate("document.documentElement.dir") == "rtl"
    shot(facilitator, "working-group-minutes", "he")
    click_through(facilitator, "#summary-heading ~ form button[type=submit]")
    expect(facilitator.locator(".flash-success")).to_be_visible()
    go_home(facilitator)
    facilitator.click("a.cohort-link")
    facilitator.click("section[data-panel=events] a:has-text('מפגש 4')")
    carried = facilitator.locator("[data-panel=minutes] table.action-items").first
    for task in tasks:
        expect(carried.locator("td[dir=auto]", has_text=task)).to_have_count(1)
    shot(facilitator, "working-group-next-meeting", "he")
    fresh()
    assert db.session.scalar(sa.select(sa.func.count(ActionItem.id)).where(ActionItem.what.in_(tasks))) == 2
    summaries = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.kind == "group_summary")
    ).all()
    # Eight members, the facilitator and the funder who observes the group, each with meeting 4's invitation,
    # in Hebrew (the funder has chosen no language: hers is the sender's).
    assert len(summaries) == 10
    assert all(m.subject.startswith("סיכום וצעדים הבאים") and tasks[0] in m.body_text for m in summaries)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_fellow_asks_for_help_the_other_side_accepts_and_the_hours_reach_the_report(
    app: Any, browser: Any, server: str, demo: None, lang: str
) -> None:
    """Issue 21's journey, clicking only: Amara asks the kitchen co-op's meeting-room offer for help; Hana,
    of the kitchen co-op, accepts from her home page, and only then does each see the other's address; both
    mark it done (Hana with two hours); the program's facilitator opens a reporting period around today and
    finds the exchange on the peer-exchange row."""
    from flask_babel import force_locale
    from flask_babel import gettext as _

    amara, hana = "amara.okafor@example.org", "hana.kowalczyk@example.org"
    fellow = sign_in(browser, server, amara, lang)
    fellow.click("header a[href='/network']")
    fellow.fill("form[role=search] input[name=q]", "meeting room")
    click_through(fellow, "form[role=search] button[type=submit]")
    fellow.click("ul.cards li.card a:has-text('Our meeting room on Mondays')")
    fellow.click("main a[href$='/ask']")
    fellow.fill("#message", "Could our fellows meet in your room on the first Monday of next month?")
    click_through(fellow, "main form button[type=submit]")
    expect(fellow.locator(".flash-success")).to_be_visible()
    expect(fellow.locator("main")).not_to_contain_text(hana)
    helper = sign_in(browser, server, hana, lang)
    helper.click("[data-block=network_exchanges] li a")
    expect(helper.locator("main")).not_to_contain_text(amara)
    helper.fill("#agreed_help", "The room on the first Monday, 6 to 8 pm, with the projector.")
    helper.fill("#expectations", "Leave the room as you found it.")
    click_through(helper, "form[action$='/accept'] button[type=submit]")
    expect(helper.locator(".flash-success")).to_be_visible()
    expect(helper.locator("#contact ~ dl")).to_contain_text(amara)
    shot(helper, "network-exchange-accepted", lang)
    go_home(fellow)
    fellow.click("[data-block=network_exchanges] li a")
    expect(fellow.locator("#contact ~ dl")).to_contain_text(hana)
    click_through(fellow, "form[action$='/done'] button[type=submit]")
    expect(fellow.locator(".flash-success")).to_be_visible()
    go_home(helper)
    helper.click("[data-block=network_exchanges] li a")
    helper.fill("#hours", "2")
    click_through(helper, "form[action$='/done'] button[type=submit]")
    expect(helper.locator(".flash-success")).to_be_visible()
    staff = sign_in(browser, server, "nadia.petrova@example.org", lang)
    staff.click("[data-block=impact-staff] a[href^='/reports/']")
    staff.click("main p.breadcrumb a")
    today = clock.today()
    staff.fill("#label", "Around today")
    staff.fill("#starts_on", (today - dt.timedelta(days=7)).isoformat())
    staff.fill("#ends_on", (today + dt.timedelta(days=7)).isoformat())
    click_through(staff, "main section.panel form button[type=submit]")
    with app.test_request_context(), force_locale(lang):
        label, value = _("Peer exchanges (co-op network)"), _("%(num)d; hours: %(hours)s", num=1, hours="2")
    row = staff.locator("main table tr", has=staff.locator(f"th:text-is('{label}')"))
    expect(row.locator("td.long-answer")).to_have_text(value)
    shot(staff, "report-peer-exchanges", lang)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_curriculum_editor_fixes_the_arabic_reading_adds_a_choice_and_a_fellows_draft_follows(
    browser: Any, server: str, demo: None, lang: str
) -> None:
    """Nadia, who edits the fellowship's modules, rewords a heading of the impact metrics' Arabic reading and
    adds a choice to the indicators' frequency, then publishes; Gabriel's open draft moves to the new version
    with his indicator kept, and the reading he gets in Arabic carries the fix."""
    from fellowship.curriculum.models import Module

    editor = sign_in(browser, server, "nadia.petrova@example.org", lang)
    editor.click("[data-block=curriculum_editing] a[href$='/curriculum']")
    editor.click("main a[href='/curriculum/impact-metrics/edit']")
    editor.click("main nav a[hreflang=ar]")
    body = editor.locator("textarea[name='t:body']")
    expect(body).to_have_attribute("dir", "rtl")
    body.fill(body.input_value().replace("### لماذا القياس أصلًا", "### لماذا نقيس أصلًا"))
    click_through(editor, "form.module-texts button[type=submit]")
    expect(editor.locator(".flash-success")).to_be_visible()
    expect(editor.locator(".prose h3").first).to_have_text("لماذا نقيس أصلًا")  # the preview
    shot(editor, "editor-texts", lang)
    editor.click("main nav a[href$='/impact-metrics/fields']")
    editor.fill("textarea[name='add-choices:indicators:frequency']", "Twice a year")
    click_through(editor, "main form button[type=submit]")
    expect(editor.locator(".flash-success")).to_be_visible()
    editor.click("main nav a[href$='/impact-metrics/publish']")
    expect(editor.locator("main table")).to_contain_text("Fellowship")  # the cohort that uses the module
    editor.fill("#change_note", "Arabic heading reworded; a twice-yearly frequency.")
    click_through(editor, "main form button[type=submit]")
    expect(editor.locator(".flash-success")).to_be_visible()
    shot(editor, "editor-published", lang)
    fresh()
    current = db.session.scalar(
        sa.select(Module).where(Module.slug == "impact-metrics", Module.current.is_(True))
    )
    assert current.version == 2 and current.body["ar"].startswith("### لماذا نقيس أصلًا")
    gabriel = db.session.scalar(sa.select(User).where(User.email == "gabriel.moreno@example.org"))
    sheet = db.session.scalar(
        sa.select(Worksheet).where(Worksheet.user_id == gabriel.id, Worksheet.slug == "impact-metrics")
    )
    assert sheet.module_id == current.id  # his open draft moved
    fellow = sign_in(browser, server, "gabriel.moreno@example.org", "ar")
    fellow.click("a.cohort-link")
    fellow.click("section[data-panel=modules] a[href$='/modules/impact-metrics']")
    expect(fellow.locator(".prose h3").first).to_have_text("لماذا نقيس أصلًا")
    click_through(fellow, "main a.button[href$='/impact-metrics/worksheet']")
    expect(fellow.locator("input[name='indicators-0-indicator']")).to_have_value("Worker-owners")
    expect(fellow.locator("select[name='indicators-0-frequency'] option[value=twice_a_year]")).to_have_count(
        1
    )
    expect(fellow.locator("#newer-version")).to_have_count(0)
    shot(fellow, "fellow-new-module-version", lang)
