from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from fellowship.curriculum.models import CohortModule, Module
from fellowship.extensions import db
from tests.conftest import World


def add_module(slug: str, position: int, kind: str = "coop_fellowship", **texts: Any) -> Module:
    module = Module(
        slug=slug,
        version=1,
        content_hash=slug,
        program_kind=kind,
        position=position,
        published_on=dt.date(2024, 1, 15),
        title=texts.get("title", {"en": slug.title()}),
        summary={"en": "A summary."},
        body=texts.get("body", {"en": "Read **this**."}),
        questions={"en": ["Why?"]},
        fields=[{"name": "answer", "type": "long_text", "label": {"en": "Answer"}}],
    )
    db.session.add(module)
    db.session.commit()
    return module


def test_facilitator_assigns_modules_in_order_with_due_dates(world: World, client_as: Any) -> None:
    add_module("roadmap", 1)
    add_module("impact-metrics", 2)
    add_module("erg-only", 1, kind="erg_academy")
    client = client_as("facilitator")
    page = client.get(f"/cohorts/{world.cohort.id}/modules/assign").get_data(as_text=True)
    assert "Roadmap" in page and "Erg-Only" not in page  # only the program's own kind is offered
    response = client.post(
        f"/cohorts/{world.cohort.id}/modules/assign",
        data={
            "module": ["roadmap", "impact-metrics"],
            "position-roadmap": "2",
            "position-impact-metrics": "1",
            "due-roadmap": "2024-02-01",
            "due-impact-metrics": "",
        },
    )
    assert response.status_code == 302
    rows = db.session.execute(
        sa.select(CohortModule.slug, CohortModule.due_on)
        .where(CohortModule.cohort_id == world.cohort.id)
        .order_by(CohortModule.position)
    ).all()
    assert rows == [("impact-metrics", None), ("roadmap", dt.date(2024, 2, 1))]


def test_assigning_an_unknown_module_is_refused(world: World, client_as: Any) -> None:
    response = client_as("facilitator").post(
        f"/cohorts/{world.cohort.id}/modules/assign", data={"module": "nope"}
    )
    assert response.status_code == 400


def test_bad_due_date_keeps_everything_as_it_was(world: World, client_as: Any) -> None:
    add_module("roadmap", 1)
    response = client_as("facilitator").post(
        f"/cohorts/{world.cohort.id}/modules/assign", data={"module": "roadmap", "due-roadmap": "someday"}
    )
    assert response.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count(CohortModule.id))) == 0


def test_module_reads_in_the_fellows_language_with_english_fallback(world: World, client_as: Any) -> None:
    add_module(
        "mission",
        1,
        title={"en": "Mission statement", "es": "Declaración de misión"},
        body={"en": "English **only**."},
    )
    db.session.add(CohortModule(cohort_id=world.cohort.id, slug="mission", position=0))
    db.session.commit()
    body = (
        client_as("fellow")
        .get(f"/cohorts/{world.cohort.id}/modules/mission", headers={"Accept-Language": "es"})
        .get_data(as_text=True)
    )
    assert "<h1>Declaración de misión</h1>" in body
    assert "English <strong>only</strong>." in body


def test_module_not_assigned_to_the_cohort_is_404(world: World, client_as: Any) -> None:
    add_module("mission", 1)
    assert client_as("fellow").get(f"/cohorts/{world.cohort.id}/modules/mission").status_code == 404


def test_cohort_page_lists_assigned_modules(world: World, client_as: Any) -> None:
    add_module("mission", 1, title={"en": "Mission statement"})
    db.session.add(
        CohortModule(cohort_id=world.cohort.id, slug="mission", position=0, due_on=dt.date(2024, 3, 20))
    )
    db.session.commit()
    body = client_as("fellow").get(f"/cohorts/{world.cohort.id}").get_data(as_text=True)
    assert f'href="/cohorts/{world.cohort.id}/modules/mission">Mission statement</a>' in body
