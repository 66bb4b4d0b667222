"""The evaluations' blocks on the home page: what a facilitator should attach or follow up."""

from __future__ import annotations

from typing import Any

from tests.conftest import World
from tests.evaluations.conftest import Webinar
from tests.evaluations.test_views import form_for
from tests.home import home_block


def test_an_ended_event_without_evaluation_offers_to_attach_one(
    world: World, client_as: Any, webinar: Webinar
) -> None:
    mine = home_block(client_as("facilitator"), "evaluations-staff")
    assert f'href="/events/{webinar.event.id}/evaluation/setup">Attach an evaluation</a>' in mine
    assert "Open evaluations" not in mine


def test_an_open_evaluation_shows_its_response_rate(world: World, client_as: Any, webinar: Webinar) -> None:
    survey = webinar.evaluate()
    answered = client_as("fellow").post(f"/events/{webinar.event.id}/evaluation", data=form_for(survey))
    assert answered.status_code == 200
    mine = home_block(client_as("facilitator"), "evaluations-staff")
    assert "Attach an evaluation" not in mine
    assert f'href="/events/{webinar.event.id}/evaluation/summary">Launch webinar</a>' in mine
    assert "1 of 3 attendees answered (33%)" in mine  # the two fellows and the guest; staff host it


def test_the_template_library_and_comparison_are_linked_for_staff_only(
    world: World, client_as: Any, webinar: Webinar
) -> None:
    for role in ("facilitator", "other_facilitator", "admin"):
        mine = home_block(client_as(role), "evaluations-staff")
        assert 'href="/surveys">Evaluation templates</a>' in mine, role
        assert 'href="/evaluations/compare">Compare cohorts</a>' in mine, role
    assert "Attach an evaluation" not in home_block(client_as("other_facilitator"), "evaluations-staff")
    for role in ("fellow", "observer", "juror"):
        assert home_block(client_as(role), "evaluations-staff") == "", role
