"""The technical-assistance log and participants' own demographics."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from fellowship.accounts.models import Organization
from fellowship.extensions import db
from fellowship.impact.models import AssistanceLog, Demographics
from tests.conftest import World

ENTRY = {
    "given_on": "2024-01-12",
    "organization": "0",
    "new_organization": "Sunrise Cleaning Co-op",
    "kind": "one_on_one",
    "stage": "existing_coop",
    "hours": "1.5",
    "people": "3",
    "help_type": "Bylaws review",
    "notes": "Went through the draft bylaws.",
}


def test_facilitators_log_assistance_and_see_their_totals(world: World, client_as: Any) -> None:
    url = f"/programs/{world.program.id}/assistance"
    facilitator = client_as("facilitator")
    assert facilitator.post(url, data=ENTRY).status_code == 302
    log = db.session.scalar(sa.select(AssistanceLog))
    assert (log.hours, log.people, log.facilitator_id) == (1.5, 3, world.users["facilitator"].id)
    assert db.session.get(Organization, log.organization_id).name == "Sunrise Cleaning Co-op"
    page = facilitator.get(url).get_data(as_text=True)
    assert "Sunrise Cleaning Co-op" in page and "Fatima Facilitator</th><td>1</td><td>1.5</td>" in page
    bad = facilitator.post(url, data={**ENTRY, "hours": "30"})
    assert bad.status_code == 400 and db.session.scalar(sa.select(sa.func.count(AssistanceLog.id))) == 1
    for role, code in (("fellow", 404), ("observer", 404), ("other_facilitator", 404), ("admin", 200)):
        assert client_as(role).get(url).status_code == code


def test_only_the_author_or_an_admin_edits_an_entry(world: World, client_as: Any) -> None:
    url = f"/programs/{world.program.id}/assistance"
    client_as("facilitator").post(url, data=ENTRY)
    log = db.session.scalar(sa.select(AssistanceLog))
    edit = f"{url}/{log.id}/edit"
    from fellowship.programs.enums import Role
    from tests import factories as f

    colleague = f.UserFactory()
    f.MembershipFactory(cohort=world.cohort, user=colleague, role=Role.FACILITATOR)
    db.session.commit()
    other = client_as("anonymous")
    other.login_as(colleague)
    assert other.post(edit, data={**ENTRY, "hours": "2"}).status_code == 403
    assert (
        client_as("admin").post(edit, data={**ENTRY, "new_organization": "", "hours": "2"}).status_code == 302
    )
    assert db.session.get(AssistanceLog, log.id).hours == 2.0
    assert client_as("facilitator").post(f"{url}/{log.id}/delete").status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(AssistanceLog.id))) == 0


def test_participants_answer_change_and_delete_their_demographics(world: World, client_as: Any) -> None:
    fellow = client_as("fellow")
    page = fellow.get("/profile/demographics").get_data(as_text=True)
    areas = page[page.index('id="community_area"') :]
    areas = areas[: areas.index("</select>")]
    assert areas.count("<option") == 77 + 2 and "Prefer not to say" in areas  # Chicago's 77, none, rather not
    data = {
        "community_area": "Englewood",
        "races": ["black", "other"],
        "race_self": "Garifuna",
        "gender": "self",
        "gender_self": "Two-spirit",
        "age_range": "25-34",
    }
    assert fellow.post("/profile/demographics", data=data).status_code == 302
    row = db.session.get(Demographics, world.users["fellow"].id)
    assert (row.races, row.race_self, row.gender_self) == (["black", "other"], "Garifuna", "Two-spirit")
    assert (
        fellow.post("/profile/demographics", data={**data, "community_area": "Atlantis"}).status_code == 400
    )
    assert fellow.post("/profile/demographics", data={**data, "age_range": "12-17"}).status_code == 400
    exported = fellow.get("/profile/data").get_json()
    assert exported["demographics"]["gender_self"] == "Two-spirit"  # in "download my data"
    assert fellow.post("/profile/demographics/delete").status_code == 302
    db.session.expire_all()
    assert db.session.get(Demographics, world.users["fellow"].id) is None
