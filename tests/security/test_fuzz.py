"""Forms fuzzed with Hypothesis: whatever arrives, the answer is never a 500, and a refused form saves
nothing."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fellowship.awards.enums import Phase
from fellowship.awards.models import Project, VoteRequest
from fellowship.curriculum.models import Worksheet
from fellowship.events.models import Event
from fellowship.extensions import db
from tests.conftest import World

FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
junk = st.one_of(
    st.text(max_size=300),
    st.sampled_from(
        ["", " ", "0", "-1", "1e309", "NaN", "2024-13-45", "99999999999999999999", "\x00", "<script>"]
    ),
)


def form(keys: list[str]) -> st.SearchStrategy[dict[str, str]]:
    return st.fixed_dictionaries({}, optional={key: junk for key in keys})


def count(model: Any) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model)) or 0


@FUZZ
@given(
    data=form(
        [
            "kind",
            "title",
            "description",
            "starts_at",
            "ends_at",
            "timezone",
            "venue",
            "online_link",
            "capacity",
        ]
    )
)
def test_event_form(world: World, client_as: Any, data: dict[str, str]) -> None:
    before = count(Event)
    response = client_as("facilitator").post(f"/cohorts/{world.cohort.id}/events/new", data=data)
    assert response.status_code < 500
    if response.status_code >= 400:
        assert count(Event) == before


@FUZZ
@given(
    data=form(
        [
            "who_we_are",
            "name",
            "members",
            "review_on",
            "frequency",
            "strengths",
            "indicators-0-target",
            "base_revision",
            "base_draft",
            "action",
        ]
    )
)
def test_worksheet_form(world: World, client_as: Any, module: str, data: dict[str, str]) -> None:
    before = count(Worksheet)
    response = client_as("fellow").post(module, data=data)
    assert response.status_code < 500
    autosave = client_as("fellow").post(module + "/autosave", data=data)
    assert autosave.status_code < 500
    if response.status_code >= 400 and autosave.status_code >= 400:
        assert count(Worksheet) == before


@FUZZ
@given(data=form(["email", "website"]))
def test_vote_request(world: World, app: Any, data: dict[str, str]) -> None:
    from tests.awards.conftest import add_project, make_contest

    project = db.session.scalar(sa.select(Project))
    if project is None:
        project = add_project(make_contest(world, Phase.VOTING, slug="fuzz-awards"), world, "Alpha")
        db.session.commit()
    before = count(VoteRequest)
    response = app.test_client().post(f"/awards/fuzz-awards/projects/{project.id}/vote", data=data)
    assert response.status_code < 500
    if response.status_code >= 400:
        assert count(VoteRequest) == before


@FUZZ
@given(data=form(["title", "team", "summary", "problem", "beneficiaries", "results", "organization"]))
def test_project_form(world: World, client_as: Any, data: dict[str, str]) -> None:
    from tests.awards.conftest import make_contest

    slug = "fuzz-projects"
    from fellowship.awards.models import Contest

    contest = db.session.scalar(sa.select(Contest).where(Contest.slug == slug)) or make_contest(
        world, Phase.SUBMISSIONS, slug=slug
    )
    db.session.commit()
    before = count(Project)
    response = client_as("fellow").post(f"/contests/{contest.id}/projects/new", data=data)
    assert response.status_code < 500
    if response.status_code >= 400:
        assert count(Project) == before


@FUZZ
@given(
    data=form(
        [
            "given_on",
            "organization",
            "new_organization",
            "kind",
            "stage",
            "hours",
            "people",
            "help_type",
            "notes",
        ]
    )
)
def test_assistance_form(world: World, client_as: Any, data: dict[str, str]) -> None:
    from fellowship.impact.models import AssistanceLog

    before = count(AssistanceLog)
    response = client_as("facilitator").post(f"/programs/{world.program.id}/assistance", data=data)
    assert response.status_code < 500
    if response.status_code >= 400:
        assert count(AssistanceLog) == before


@FUZZ
@given(data=form(["roster", "send_invitations"]))
def test_roster_import(world: World, client_as: Any, data: dict[str, str]) -> None:
    from fellowship.programs.models import Membership

    before = count(Membership)
    response = client_as("facilitator").post(f"/cohorts/{world.cohort.id}/members/import", data=data)
    assert response.status_code < 500
    if response.status_code >= 400:
        assert count(Membership) == before


def test_no_password_reaches_the_logs(world: World, app: Any, caplog: Any) -> None:
    import logging

    caplog.set_level(logging.DEBUG)
    client = app.test_client()
    client.post("/sign-in", data={"email": world.users["fellow"].email, "password": "Wrong horse battery 42"})
    client.post(
        "/sign-in", data={"email": world.users["fellow"].email, "password": "correct-horse-battery-staple"}
    )
    logged = caplog.text
    assert "Wrong horse battery 42" not in logged and "correct-horse-battery-staple" not in logged
    assert "sign_in" in logged  # the security events are there, without the secrets
