from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import sqlalchemy as sa
from jinja2 import ChoiceLoader, DictLoader

from fellowship.accounts.models import Organization, User
from fellowship.core.audit import AuditEntry
from fellowship.core.panels import CohortPanel, register_cohort_panel, unregister_cohort_panel
from fellowship.extensions import db
from fellowship.programs.enums import Role
from fellowship.programs.models import Cohort, Membership, Program
from tests import factories as f
from tests.conftest import World

THIRTEEN_FELLOWS = "\n".join(
    ["name,email,organisation,role"]
    + [f"Fellow {n},fellow{n}@example.org,Org {n},fellow" for n in range(1, 12)]
    + ["Fellow 12,fellow12@example.org,Org 11,fellow", "Fellow 13,fellow13@example.org,Org 12,fellow"]
)


def roster_summary(body: str) -> str:
    match = re.search(r'id="roster-summary">([^<]*)<', body)
    assert match is not None
    return match.group(1)


def cohort_members(cohort_id: int) -> list[tuple[str, str]]:
    rows = db.session.execute(
        sa.select(User.email, Membership.role)
        .join(Membership.user)
        .where(Membership.cohort_id == cohort_id)
        .order_by(User.email)
    ).all()
    return [(email, role.value) for email, role in rows]


def test_admin_creates_program_and_cohort(world: World, client_as: Any) -> None:
    admin = client_as("admin")
    response = admin.post(
        "/programs/new",
        data={
            "name": "ERG Grassroots Academy",
            "kind": "erg_academy",
            "timezone": "Europe/Warsaw",
            "description": "Workshops for **network leaders**.",
        },
    )
    program = db.session.scalar(sa.select(Program).where(Program.name == "ERG Grassroots Academy"))
    assert response.headers["Location"] == f"/programs/{program.id}"
    assert (program.kind.value, program.timezone) == ("erg_academy", "Europe/Warsaw")
    response = admin.post(
        f"/programs/{program.id}/cohorts/new",
        data={
            "name": "Academy 2026",
            "starts_on": "2026-09-01",
            "ends_on": "2027-01-31",
            "timezone": "Europe/Warsaw",
        },
    )
    cohort = db.session.scalar(sa.select(Cohort).where(Cohort.program_id == program.id))
    assert response.headers["Location"] == f"/cohorts/{cohort.id}"
    assert (cohort.starts_on, cohort.ends_on) == (dt.date(2026, 9, 1), dt.date(2027, 1, 31))
    page = admin.get(f"/programs/{program.id}").get_data(as_text=True)
    assert "<strong>network leaders</strong>" in page


def test_cohort_end_before_start_is_refused_and_keeps_input(world: World, client_as: Any) -> None:
    response = client_as("admin").post(
        f"/programs/{world.program.id}/cohorts/new",
        data={"name": "Backwards", "starts_on": "2024-05-01", "ends_on": "2024-04-01", "timezone": "UTC"},
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "The end date must not be before the start date." in body
    assert 'value="Backwards"' in body
    assert db.session.scalar(sa.select(Cohort).where(Cohort.name == "Backwards")) is None


def test_program_with_unknown_timezone_is_refused(world: World, client_as: Any) -> None:
    response = client_as("admin").post(
        "/programs/new", data={"name": "Nowhere", "kind": "other", "timezone": "Mars/Olympus"}
    )
    assert response.status_code == 400
    assert db.session.scalar(sa.select(Program).where(Program.name == "Nowhere")) is None


def test_roster_import_thirteen_fellows_from_twelve_organisations(world: World, client_as: Any) -> None:
    cohort = f.CohortFactory(name="Fellowship 2025")
    admin = client_as("admin")
    response = admin.post(
        f"/cohorts/{cohort.id}/members/import", data={"text": THIRTEEN_FELLOWS, "joined_on": "2024-01-10"}
    )
    assert response.status_code == 302
    members = cohort_members(cohort.id)
    assert len(members) == 13
    assert {role for _email, role in members} == {"fellow"}
    page = admin.get(f"/cohorts/{cohort.id}").get_data(as_text=True)
    assert roster_summary(page) == "13 fellows from 12 organisations"
    assert "13 people were added to the cohort." in page


def test_roster_import_bad_lines_import_nothing(world: World, client_as: Any) -> None:
    text = THIRTEEN_FELLOWS + "\nBroken,not-an-email,Org,fellow\nAnother,x@example.org,Org,juror"
    before = cohort_members(world.cohort.id)
    users_before = db.session.scalar(sa.select(sa.func.count(User.id)))
    response = client_as("facilitator").post(
        f"/cohorts/{world.cohort.id}/members/import", data={"text": text, "joined_on": "2024-01-10"}
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Nothing was imported: 2 lines need correcting." in body
    assert "Line 15: “not-an-email” is not a valid email address." in body
    assert "Line 16: Unknown role “juror”" in body
    assert "Fellow 13,fellow13@example.org" in body  # the pasted text is kept for correcting
    assert cohort_members(world.cohort.id) == before
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == users_before


def test_roster_import_duplicate_lines_are_errors(world: World, client_as: Any) -> None:
    text = "A Person,same@example.org,Org,fellow\nB Person,Same@Example.org,Org,observer"
    response = client_as("facilitator").post(
        f"/cohorts/{world.cohort.id}/members/import", data={"text": text, "joined_on": "2024-01-10"}
    )
    assert response.status_code == 400
    assert "Line 2: same@example.org is already on line 1." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(User).where(User.email == "same@example.org")) is None


def test_roster_import_skips_people_already_in_the_cohort(world: World, client_as: Any) -> None:
    fellow = world.users["fellow"]
    text = f"{fellow.name},{fellow.email},,fellow\nNew Person,new@example.org,Northside Co-op,observer"
    client = client_as("facilitator")
    response = client.post(
        f"/cohorts/{world.cohort.id}/members/import", data={"text": text, "joined_on": "2024-01-18"}
    )
    assert response.status_code == 302
    page = client.get(f"/cohorts/{world.cohort.id}").get_data(as_text=True)
    assert "1 person was added to the cohort." in page
    assert "1 person was already in the cohort and was skipped." in page
    new = db.session.scalar(sa.select(User).where(User.email == "new@example.org"))
    assert new.organization_id == world.organization.id  # matched by name, not duplicated
    membership = db.session.scalar(sa.select(Membership).where(Membership.user_id == new.id))
    assert (membership.role, membership.joined_on) == (Role.OBSERVER, dt.date(2024, 1, 18))


def test_roster_import_csv_upload(world: World, client_as: Any) -> None:
    data = {
        "file": (
            io.BytesIO(("\ufeff" + "Name,Email\nŁucja Nowak,lucja@example.pl\n").encode()),
            "roster.csv",
        ),
        "joined_on": "2024-01-10",
    }
    response = client_as("facilitator").post(
        f"/cohorts/{world.cohort.id}/members/import", data=data, content_type="multipart/form-data"
    )
    assert response.status_code == 302
    assert db.session.scalar(sa.select(User.name).where(User.email == "lucja@example.pl")) == "Łucja Nowak"


def test_roster_import_non_utf8_upload_is_refused(world: World, client_as: Any) -> None:
    data = {
        "file": (io.BytesIO("Łucja,l@example.pl".encode("cp1250")), "roster.csv"),
        "joined_on": "2024-01-10",
    }
    response = client_as("facilitator").post(
        f"/cohorts/{world.cohort.id}/members/import", data=data, content_type="multipart/form-data"
    )
    assert response.status_code == 400
    assert "The file is not UTF-8 text." in response.get_data(as_text=True)


def test_roster_import_refuses_other_file_types(world: World, client_as: Any) -> None:
    data = {"file": (io.BytesIO(b"GIF89a"), "roster.gif"), "joined_on": "2024-01-10"}
    response = client_as("facilitator").post(
        f"/cohorts/{world.cohort.id}/members/import", data=data, content_type="multipart/form-data"
    )
    assert response.status_code == 400
    assert "Upload a .csv file." in response.get_data(as_text=True)


def test_add_one_member_creates_person_and_organisation(world: World, client_as: Any) -> None:
    response = client_as("facilitator").post(
        f"/cohorts/{world.cohort.id}/members/new",
        data={
            "name": "Idris Bello",
            "email": "idris@example.org",
            "organization": "Uptown Care Co-op",
            "role": "fellow",
            "joined_on": "2024-01-29",
        },
    )
    assert response.status_code == 302
    user = db.session.scalar(sa.select(User).where(User.email == "idris@example.org"))
    assert user.organization.name == "Uptown Care Co-op"
    assert ("idris@example.org", "fellow") in cohort_members(world.cohort.id)


def test_add_member_already_in_cohort_is_refused(world: World, client_as: Any) -> None:
    response = client_as("facilitator").post(
        f"/cohorts/{world.cohort.id}/members/new",
        data={
            "name": "Fiona",
            "email": world.users["fellow"].email,
            "role": "observer",
            "joined_on": "2024-01-29",
        },
    )
    assert response.status_code == 400
    assert "is already in this cohort" in response.get_data(as_text=True)
    assert (world.users["fellow"].email, "fellow") in cohort_members(world.cohort.id)


def test_member_leaving_is_recorded_and_audited(world: World, client_as: Any) -> None:
    member = world.memberships["fellow"]
    client = client_as("facilitator")
    response = client.post(
        f"/cohorts/{world.cohort.id}/members/{member.id}",
        data={"role": "fellow", "joined_on": "2024-01-10", "left_on": "2024-01-15"},
    )
    assert response.status_code == 302
    assert db.session.get(Membership, member.id).left_on == dt.date(2024, 1, 15)
    entry = db.session.scalars(
        sa.select(AuditEntry)
        .where(AuditEntry.subject_type == "memberships", AuditEntry.subject_id == member.id)
        .order_by(AuditEntry.id.desc())
    ).first()
    assert (entry.actor_id, entry.action, entry.changes) == (
        world.users["facilitator"].id,
        "updated",
        {"left_on": [None, "2024-01-15"]},
    )
    page = client.get(f"/cohorts/{world.cohort.id}").get_data(as_text=True)
    assert "Former members" in page
    # A fellow who left no longer opens the cohort, but their membership row stays.
    assert client_as("fellow").get(f"/cohorts/{world.cohort.id}").status_code == 404


def test_member_left_before_joined_is_refused(world: World, client_as: Any) -> None:
    member = world.memberships["fellow"]
    response = client_as("facilitator").post(
        f"/cohorts/{world.cohort.id}/members/{member.id}",
        data={"role": "fellow", "joined_on": "2024-01-10", "left_on": "2024-01-01"},
    )
    assert response.status_code == 400
    assert db.session.get(Membership, member.id).left_on is None


def test_member_of_another_cohort_cannot_be_edited_through_this_one(world: World, client_as: Any) -> None:
    other = world.memberships["other_fellow"]
    response = client_as("facilitator").get(f"/cohorts/{world.cohort.id}/members/{other.id}")
    assert response.status_code == 404


def test_cohort_page_shows_roster_with_organisations(world: World, client_as: Any) -> None:
    body = client_as("observer").get(f"/cohorts/{world.cohort.id}").get_data(as_text=True)
    assert roster_summary(body) == "1 fellow from 1 organisation"
    assert "Fiona Fellow" in body and "Northside Co-op" in body and "Fatima Facilitator" in body
    assert "Olga Outsider" not in body
    assert "Import a list" not in body  # observers read, they do not manage


def test_erg_cohort_calls_fellows_participants(app: Any, client_as: Any, world: World) -> None:
    cohort = f.CohortFactory(program=f.ProgramFactory(kind="erg_academy"))
    f.MembershipFactory(cohort=cohort, user=world.users["fellow"])
    body = client_as("fellow").get(f"/cohorts/{cohort.id}").get_data(as_text=True)
    assert roster_summary(body) == "1 participant from 1 organisation"
    assert "<td>Participant</td>" in body


def test_dashboard_lists_only_own_cohorts(world: World, client_as: Any) -> None:
    body = client_as("fellow").get("/").get_data(as_text=True)
    assert "Fellowship 2024" in body
    assert "Other cohort" not in body
    admin_body = client_as("admin").get("/").get_data(as_text=True)
    assert "Fellowship 2024" in admin_body and "Other cohort" in admin_body


def test_cohort_page_query_count_does_not_grow_with_fellows(
    world: World, client_as: Any, count_queries: Any
) -> None:
    counts = []
    client = client_as("facilitator")
    for size in (5, 40):
        cohort = f.CohortFactory()
        f.MembershipFactory(cohort=cohort, user=world.users["facilitator"], role=Role.FACILITATOR)
        for _ in range(size):
            f.MembershipFactory(cohort=cohort)
        url = f"/cohorts/{cohort.id}"
        with count_queries() as counter:
            response = client.get(url)
        assert response.status_code == 200
        assert roster_summary(response.get_data(as_text=True)) == f"{size} fellows from {size} organisations"
        counts.append(counter.count)
    assert counts[0] == counts[1]
    # user; cohort with the role in it (one statement); roster; events panel: upcoming and past count;
    # modules panel; evaluations panel (the evaluations waiting for this member); the newest announcements;
    # module badges panel (the role and the cohort's choice in one statement); mentoring panel (its pairs with
    # their meetings counted; the role comes with the page); resource library panel (its newest entries)
    assert counts[0] == 11


def test_cohort_page_shows_registered_panels(world: World, client_as: Any, app: Any) -> None:
    seen = []

    def context(cohort: Any, user: Any) -> dict[str, Any] | None:
        seen.append((cohort.id, user.id))
        return {"greeting": "Hello from a panel"}

    original_loader = app.jinja_env.loader
    app.jinja_env.loader = ChoiceLoader(
        [DictLoader({"tests/panel.html": "<h2>{{ panel_data.greeting }}</h2>"}), original_loader]
    )
    register_cohort_panel(CohortPanel("test-panel", "tests/panel.html", 50, context))
    try:
        body = client_as("fellow").get(f"/cohorts/{world.cohort.id}").get_data(as_text=True)
    finally:
        unregister_cohort_panel("test-panel")
        app.jinja_env.loader = original_loader
    assert '<section class="panel" data-panel="test-panel">' in body
    assert "<h2>Hello from a panel</h2>" in body
    assert seen == [(world.cohort.id, world.users["fellow"].id)]


def test_organisation_count_ignores_facilitators_and_shared_organisations(
    world: World, client_as: Any
) -> None:
    f.MembershipFactory(cohort=world.cohort, user=f.UserFactory(organization=world.organization))
    body = client_as("facilitator").get(f"/cohorts/{world.cohort.id}").get_data(as_text=True)
    assert roster_summary(body) == "2 fellows from 1 organisation"
    assert db.session.scalar(sa.select(sa.func.count(Organization.id))) >= 2
