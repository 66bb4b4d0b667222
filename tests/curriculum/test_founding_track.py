"""The founding track from seed 001, "Starting a tech worker cooperative": an administrator opens a program
of its kind, a facilitator gives a cohort its twelve modules, and a participant reads and fills them in
Arabic."""

from __future__ import annotations

import re
from typing import Any

import pytest
import sqlalchemy as sa
import yaml

from fellowship import PROJECT_DIR
from fellowship.accounts.models import User
from fellowship.curriculum import loader, services
from fellowship.curriculum.enums import WorksheetStatus
from fellowship.curriculum.models import CohortModule, Worksheet
from fellowship.extensions import db
from fellowship.programs.enums import ProgramKind
from fellowship.programs.models import Program
from tests.conftest import World

TRACK = PROJECT_DIR / "curriculum" / "tech_coop_founding"
STORIES = [
    "Brattleboro Tech Collective",
    "Design Action Collective",
    "Electric Embers",
    "GAIA Host Collective",
    "Quilted",
    "TechCollective",
    "Web Collective",
    "Chicago Technology Cooperative",
    "Tech Underground",
    "May First/People Link",
]


def track() -> list[loader.ModuleFile]:
    modules = [m for m in loader.read_all(PROJECT_DIR / "curriculum").modules if m.program_kind == TRACK.name]
    return sorted(modules, key=lambda m: m.position)


def test_the_track_follows_the_guides_ten_steps_between_an_introduction_and_the_stories() -> None:
    modules = track()
    assert [m.position for m in modules] == list(range(1, 13))
    titles = [m.title["en"] for m in modules]
    assert titles[0].startswith("Why a Co-op?") and titles[-1] == "Lessons From Ten Tech Co-ops"
    assert [re.match(r"Step (\d+):", t).group(1) for t in titles[1:-1]] == [str(n) for n in range(1, 11)]  # type: ignore[union-attr]
    assert len({m.published_on for m in modules}) == 1  # one new set of materials, published together


def test_the_introduction_says_what_the_track_draws_on() -> None:
    intro = track()[0].body["en"]
    assert "steps 4 to 9" in intro and "SWOT" in intro and "ten co-op stories" in intro


@pytest.mark.parametrize("code", ["en", "es", "pl", "ar", "he"])
def test_the_lessons_name_all_ten_stories_in_every_language(code: str) -> None:
    lessons = yaml.safe_load((TRACK / "lessons-from-ten-stories.yaml").read_text("utf-8"))
    assert [name for name in STORIES if name not in lessons["body"][code]] == []


def test_a_founding_program_is_created_and_its_cohort_given_the_track(world: World, client_as: Any) -> None:
    services.sync(loader.read_all(PROJECT_DIR / "curriculum").modules)
    admin = client_as("admin")
    form = admin.get("/programs/new").get_data(as_text=True)
    assert 'value="tech_coop_founding"' in form and "Starting a tech worker cooperative" in form
    response = admin.post(
        "/programs/new",
        data={"name": "Founders 2027", "kind": "tech_coop_founding", "timezone": "Asia/Amman"},
    )
    assert response.status_code == 302
    program = db.session.scalar(sa.select(Program).where(Program.name == "Founders 2027"))
    assert program is not None and program.kind is ProgramKind.TECH_COOP_FOUNDING
    # The world's cohort becomes a founding circle: its facilitator is offered the track and nothing else.
    db.session.get(Program, world.program.id).kind = ProgramKind.TECH_COOP_FOUNDING  # type: ignore[union-attr]
    facilitator = client_as("facilitator")
    offer = facilitator.get(f"/cohorts/{world.cohort.id}/modules/assign").get_data(as_text=True)
    offered = re.findall(r'name="module" value="([^"]+)"', offer)
    assert offered == [m.slug for m in track()]
    # The form proposes each module's place in the track; the browser sends those values back.
    positions = dict(re.findall(r'name="position-([a-z0-9-]+)" min="0" value="(\d+)"', offer))
    assert positions == {m.slug: str(m.position) for m in track()}
    chosen = {"module": offered, **{f"position-{slug}": value for slug, value in positions.items()}}
    assert facilitator.post(f"/cohorts/{world.cohort.id}/modules/assign", data=chosen).status_code == 302
    assigned = db.session.scalars(
        sa.select(CohortModule.slug)
        .where(CohortModule.cohort_id == world.cohort.id)
        .order_by(CohortModule.position)
    ).all()
    assert assigned == offered
    assert "participant" in facilitator.get(f"/cohorts/{world.cohort.id}").get_data(as_text=True)


@pytest.fixture
def arabic_founder(world: World, client_as: Any) -> Any:
    """The world's cohort as a founding circle with the whole track, and its fellow reading in Arabic."""
    services.sync(loader.read_all(PROJECT_DIR / "curriculum").modules)
    db.session.get(Program, world.program.id).kind = ProgramKind.TECH_COOP_FOUNDING  # type: ignore[union-attr]
    for module in track():
        db.session.add(CohortModule(cohort_id=world.cohort.id, slug=module.slug, position=module.position))
    db.session.get(User, world.users["fellow"].id).locale = "ar"  # type: ignore[union-attr]
    db.session.commit()
    return client_as("fellow")


def test_every_module_and_worksheet_of_the_track_renders_in_arabic(world: World, arabic_founder: Any) -> None:
    listing = arabic_founder.get(f"/cohorts/{world.cohort.id}/modules").get_data(as_text=True)
    positions = [listing.find(m.title["ar"]) for m in track()]
    assert -1 not in positions and positions == sorted(positions)  # all twelve, in the track's order
    for module in track():
        base = f"/cohorts/{world.cohort.id}/modules/{module.slug}"
        reading = arabic_founder.get(base)
        page = reading.get_data(as_text=True)
        assert reading.status_code == 200 and '<html lang="ar" dir="rtl">' in page
        assert f"<h1>{module.title['ar']}</h1>" in page
        assert 'lang="en"' not in page.split("<main", 1)[1]  # no English fallback anywhere in the content
        sheet = arabic_founder.get(f"{base}/worksheet")
        form = sheet.get_data(as_text=True)
        first = module.fields[0]
        assert sheet.status_code == 200 and first["label"]["ar"] in form, module.slug
        assert 'lang="en"' not in form.split("<main", 1)[1], module.slug


def test_a_founder_submits_her_swot_in_arabic(world: World, arabic_founder: Any) -> None:
    path = f"/cohorts/{world.cohort.id}/modules/tech-coop-swot-and-feasibility/worksheet"
    answers = {
        "strengths": "مهارات برمجة وتصميم\nعملاء سابقون يثقون بنا\n",
        "weaknesses": "لا أحد منا يعرف المحاسبة\n",
        "opportunities": "الجمعيات المحلية تحتاج مواقع يسهل تحديثها\n",
        "threats": "الاعتماد على عميل واحد كبير\n",
        "monthly_costs": "350",
        "decision": "go_with_changes",
        "changes": "نبدأ بثلاثة أعضاء ونتعلم المحاسبة قبل التسجيل.",
    }
    saved = arabic_founder.post(path, data={**answers, "action": "submit", "base_revision": "0"})
    assert saved.status_code == 302
    sheet = db.session.scalar(sa.select(Worksheet).where(Worksheet.slug == "tech-coop-swot-and-feasibility"))
    assert sheet is not None and sheet.status is WorksheetStatus.SUBMITTED
    assert sheet.answers["strengths"] == ["مهارات برمجة وتصميم", "عملاء سابقون يثقون بنا"]
    assert (sheet.answers["monthly_costs"], sheet.answers["decision"]) == (350, "go_with_changes")
    # Read back: the unanswered numbers show a dash that follows the page's direction (no dir="auto" of its
    # own, which would set a lone dash left to right), and the decision by its Arabic label.
    page = arabic_founder.get(path).get_data(as_text=True)
    assert '<p dir="auto">—</p>' not in page and page.count('<p class="muted">—</p>') == 2
    assert "المضيّ قدمًا مع تعديلات" in page


def test_the_swot_cannot_be_submitted_without_its_decision(world: World, arabic_founder: Any) -> None:
    path = f"/cohorts/{world.cohort.id}/modules/tech-coop-swot-and-feasibility/worksheet"
    typed = {
        "strengths": "فريق متماسك\n",
        "weaknesses": "لا مال\n",
        "opportunities": "سوق\n",
        "threats": "منافسة\n",
    }
    refused = arabic_founder.post(path, data={**typed, "action": "submit", "base_revision": "0"})
    assert refused.status_code == 400 and "فريق متماسك" in refused.get_data(as_text=True)
    swot = sa.select(Worksheet).where(Worksheet.slug == "tech-coop-swot-and-feasibility")
    assert db.session.scalar(swot) is None
