"""Worksheets: every field type, draft → submit → review, stale saves, access."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from fellowship.curriculum.enums import WorksheetStatus
from fellowship.curriculum.models import Review, Worksheet, WorksheetRevision
from fellowship.extensions import db
from tests.conftest import World
from tests.mailbox import messages

FILLED = {
    "action": "save",
    "base_revision": "0",
    "who_we_are": "A bakery co-op of six members.",
    "frequency": "monthly",
    "indicators-0-indicator": "Jobs created",
    "indicators-0-target": "4",
    "indicators-1-indicator": "",
    "indicators-1-target": "",
    "strengths": "Good bread\nLoyal neighbours\n",
    "review_on": "2024-06-01",
    "members": "6",
    "name": "Sourdough Collective",
}


def sheet(world: World) -> Worksheet:
    return db.session.scalar(sa.select(Worksheet).where(Worksheet.user_id == world.users["fellow"].id))


def test_every_field_type_is_saved_as_typed_answers(world: World, client_as: Any, module: str) -> None:
    fellow = client_as("fellow")
    assert fellow.get(module).status_code == 200
    response = fellow.post(module, data=FILLED)
    assert response.status_code == 302
    assert sheet(world).answers == {
        "who_we_are": "A bakery co-op of six members.",
        "frequency": "monthly",
        "indicators": [{"indicator": "Jobs created", "target": 4}],
        "strengths": ["Good bread", "Loyal neighbours"],
        "review_on": "2024-06-01",
        "members": 6,
        "name": "Sourdough Collective",
    }
    page = fellow.get(module).get_data(as_text=True)
    assert 'value="Sourdough Collective"' in page and "Loyal neighbours" in page


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"frequency": "hourly"}, "Not a valid choice"),
        ({"members": "1"}, "Number must be at least 2"),
        ({"members": "many"}, "Not a valid float value"),
        ({"review_on": "someday"}, "Not a valid date value"),
        ({"name": "x" * 201}, "Field cannot be longer than 200 characters"),
    ],
)
def test_values_that_break_the_definition_are_refused_and_kept(
    world: World, client_as: Any, module: str, change: dict[str, str], message: str
) -> None:
    response = client_as("fellow").post(module, data={**FILLED, **change})
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in body
    assert "A bakery co-op of six members." in body  # nothing typed is lost
    assert sheet(world) is None


def test_submit_needs_required_fields_but_a_draft_does_not(world: World, client_as: Any, module: str) -> None:
    fellow = client_as("fellow")
    assert fellow.post(module, data={**FILLED, "name": ""}).status_code == 302
    response = fellow.post(module, data={**FILLED, "name": "", "action": "submit", "base_revision": "1"})
    assert response.status_code == 400
    assert "This field is needed before you submit." in response.get_data(as_text=True)
    assert sheet(world).status is WorksheetStatus.DRAFT


def test_draft_submit_review_cycle_with_revisions(world: World, client_as: Any, module: str) -> None:
    fellow, facilitator = client_as("fellow"), client_as("facilitator")
    fellow.post(module, data=FILLED)
    fellow.post(module, data={**FILLED, "action": "submit", "base_revision": "1"})
    worksheet = sheet(world)
    assert worksheet.status is WorksheetStatus.SUBMITTED
    assert (
        fellow.post(module, data={**FILLED, "base_revision": "2"}).status_code == 400
    )  # locked once submitted
    response = facilitator.post(
        f"/worksheets/{worksheet.id}",
        data={"decision": "changes_requested", "comment": "Say **whom** you serve."},
    )
    assert response.status_code == 302
    assert sheet(world).status is WorksheetStatus.CHANGES_REQUESTED
    [notice] = messages("worksheet_reviewed")
    assert notice.recipient == world.users["fellow"].email
    page = fellow.get(module).get_data(as_text=True)
    assert "Say <strong>whom</strong> you serve." in page
    fellow.post(
        module, data={**FILLED, "who_we_are": "Six bakers.", "action": "submit", "base_revision": "2"}
    )
    facilitator.post(f"/worksheets/{worksheet.id}", data={"decision": "approved", "comment": ""})
    assert sheet(world).status is WorksheetStatus.APPROVED
    kinds = db.session.scalars(
        sa.select(WorksheetRevision.kind)
        .where(WorksheetRevision.worksheet_id == worksheet.id)
        .order_by(WorksheetRevision.number)
    ).all()
    assert kinds == ["save", "submission", "submission"]
    assert db.session.scalar(sa.select(sa.func.count(Review.id))) == 2


def test_a_save_from_a_stale_tab_is_refused_and_shows_both_versions(
    world: World, client_as: Any, module: str
) -> None:
    fellow = client_as("fellow")
    fellow.post(module, data=FILLED)  # revision 1, from the first tab
    response = fellow.post(module, data={**FILLED, "who_we_are": "Text from the second tab."})  # still says 0
    body = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Text from the second tab." in body and "A bakery co-op of six members." in body
    assert sheet(world).answers["who_we_are"] == "A bakery co-op of six members."
    assert sheet(world).revision_number == 1


def test_only_the_fellow_and_the_cohorts_facilitators_open_a_worksheet(
    world: World, client_as: Any, module: str
) -> None:
    client_as("fellow").post(module, data=FILLED)
    url = f"/worksheets/{sheet(world).id}"
    codes = {
        role: client_as(role).get(url).status_code
        for role in ("fellow", "facilitator", "admin", "observer", "other_fellow", "other_facilitator")
    }
    assert codes == {
        "fellow": 200,
        "facilitator": 200,
        "admin": 200,
        "observer": 404,
        "other_fellow": 404,
        "other_facilitator": 404,
    }
    refused = client_as("fellow").post(url, data={"decision": "approved"})
    assert refused.status_code == 403


def test_only_fellows_have_worksheets(world: World, client_as: Any, module: str) -> None:
    assert client_as("facilitator").get(module).status_code == 403
    assert client_as("observer").get(module).status_code == 403


def test_facilitator_finds_submissions_on_the_module_page(world: World, client_as: Any, module: str) -> None:
    client_as("fellow").post(module, data={**FILLED, "action": "submit"})
    page = client_as("facilitator").get(module.removesuffix("/worksheet")).get_data(as_text=True)
    assert f'href="/worksheets/{sheet(world).id}">Fiona Fellow</a>' in page
    assert "<td>Submitted</td>" in page
    assert "Fellows&#39; worksheets" not in client_as("fellow").get(
        module.removesuffix("/worksheet")
    ).get_data(as_text=True)


def test_module_page_title_is_just_the_module_name(world: World, client_as: Any, module: str) -> None:
    page = client_as("facilitator").get(module.removesuffix("/worksheet")).get_data(as_text=True)
    assert "<title>Mission statement · Fellowship</title>" in page


def test_markdown_export_of_a_worksheet(world: World, client_as: Any, module: str) -> None:
    client_as("fellow").post(
        module, data={**FILLED, "indicators-1-indicator": "Pay | hours", "indicators-1-target": "1"}
    )
    url = f"/worksheets/{sheet(world).id}/export.md"
    response = client_as("fellow").get(url)
    assert response.headers["Content-Disposition"] == 'attachment; filename="mission-statement.md"'
    text = response.get_data(as_text=True)
    assert text.startswith("# Mission statement\n\nFiona Fellow · Draft\n")
    assert (
        "## Indicators\n\n| Indicator | Target |\n|---|---|\n| Jobs created | 4 |\n| Pay \\| hours | 1 |\n"
        in text
    )
    assert "## Strengths\n\n- Good bread\n- Loyal neighbours\n" in text
    assert "## How often\n\nMonthly\n" in text
    assert client_as("other_fellow").get(url).status_code == 404
    assert client_as("facilitator").get(url).status_code == 200
