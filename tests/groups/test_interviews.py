"""Working groups: the one-on-one interviews with every member before the first meeting. The group's staff
keep the checklist (who, when, how long, notes only they read); the hours reach the program's technical
assistance figures through impact reading the groups' queries, counted once."""

from __future__ import annotations

import csv as csvlib
import datetime as dt
import io
from typing import Any

import pytest
import sqlalchemy as sa

from fellowship.core import audit
from fellowship.extensions import db
from fellowship.groups.models import Interview
from fellowship.impact import dashboard
from fellowship.impact import services as impact_services
from fellowship.impact.enums import AssistanceKind, Stage
from fellowship.programs.enums import ProgramKind, Role
from tests import factories as f
from tests.conftest import World


@pytest.fixture
def group(world: World) -> World:
    """The world's program is a working group; a second member represents another organisation."""
    world.program.kind = ProgramKind.WORKING_GROUP
    second = f.UserFactory(name="Gal Second", organization=f.OrganizationFactory(name="Alef Co-op"))
    f.MembershipFactory(cohort=world.cohort, user=second, role=Role.FELLOW)
    world.users["second"] = second
    db.session.commit()
    return world


def record(client: Any, world: World, member: str, **data: Any) -> Any:
    fields = {
        "held_on": "2024-01-10",
        "interviewer_id": str(world.users["facilitator"].id),
        "hours": "1.5",
        "notes": "",
    }
    fields.update(data)
    return client.post(f"/cohorts/{world.cohort.id}/interviews/{world.users[member].id}", data=fields)


def checklist(client: Any, world: World) -> str:
    page = client.get(f"/cohorts/{world.cohort.id}/interviews")
    assert page.status_code == 200
    return page.get_data(as_text=True)


def test_staff_keep_a_checklist_of_interviews_with_every_member(group: World, client_as: Any) -> None:
    facilitator = client_as("facilitator")
    cohort_page = facilitator.get(f"/cohorts/{group.cohort.id}").get_data(as_text=True)
    assert "Interviewed: 0 of 2 members." in cohort_page
    assert f'href="/cohorts/{group.cohort.id}/interviews"' in cohort_page
    page = checklist(facilitator, group)
    assert page.count("Not yet") == 2 and "Gal Second" in page and "Fiona Fellow" in page
    form = facilitator.get(f"/cohorts/{group.cohort.id}/interviews/{group.users['fellow'].id}")
    assert form.status_code == 200 and 'name="hours"' in form.get_data(as_text=True)

    response = record(facilitator, group, "fellow", notes="Worried about <b>time</b>.")
    assert response.status_code == 302
    interview = db.session.scalar(sa.select(Interview))
    assert (interview.held_on, interview.hours, interview.interviewer_id) == (
        dt.date(2024, 1, 10),
        1.5,
        group.users["facilitator"].id,
    )
    assert interview.organization_id == group.users["fellow"].organization_id
    page = checklist(facilitator, group)
    assert page.count("Not yet") == 1 and "Worried about &lt;b&gt;time&lt;/b&gt;." in page
    assert "Interviewed: 1 of 2 members." in facilitator.get(f"/cohorts/{group.cohort.id}").get_data(
        as_text=True
    )
    # Corrected: the audit trail says what changed, never the notes themselves.
    assert record(facilitator, group, "fellow", hours="2", notes="Worried about money.").status_code == 302
    db.session.refresh(interview)
    assert (interview.hours, interview.notes) == (2.0, "Worried about money.")
    entries = {e.action: e.changes for e in db.session.scalars(audit.history(interview))}
    assert entries["recorded"]["hours"] == [None, 1.5]
    assert entries["changed"] == {"hours": [1.5, 2.0], "notes": ["…", "…"]}
    assert "Worried" not in str(entries)
    # Taken back: gone from the checklist.
    removed = facilitator.post(f"/cohorts/{group.cohort.id}/interviews/{group.users['fellow'].id}/remove")
    assert removed.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(Interview.id))) == 0
    assert checklist(facilitator, group).count("Not yet") == 2


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"held_on": "2024-01-19"}, "Record an interview once it has taken place"),  # the clock: 18 January
        ({"held_on": ""}, "Say on which day it took place."),
        ({"hours": "0"}, "Between a quarter of an hour and 24 hours."),
        ({"hours": "25"}, "Between a quarter of an hour and 24 hours."),
        ({"hours": "NaN"}, "Between a quarter of an hour and 24 hours."),
        ({"hours": "an hour"}, "Not a valid decimal value."),
        ({"interviewer_id": "999999"}, "Not a valid choice."),
        ({"notes": "x" * 4001}, "Keep it under 4000 characters."),
    ],
)
def test_bad_input_is_refused_with_a_message_and_keeps_what_was_saved(
    group: World, client_as: Any, data: dict[str, str], message: str
) -> None:
    facilitator = client_as("facilitator")
    assert record(facilitator, group, "fellow", notes="First notes.").status_code == 302
    response = record(facilitator, group, "fellow", **{"notes": "Second notes.", **data})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(Interview.notes)) == "First notes."


def test_only_the_groups_staff_see_the_interviews(group: World, client_as: Any) -> None:
    facilitator = client_as("facilitator")
    record(facilitator, group, "fellow", notes="Private remark.")
    url = f"/cohorts/{group.cohort.id}/interviews"
    member_url = f"{url}/{group.users['fellow'].id}"
    refusals = (("fellow", 403), ("observer", 403), ("other_fellow", 404), ("other_facilitator", 404))
    for role, status in refusals:
        client = client_as(role)
        assert client.get(url).status_code == status, role
        assert client.get(member_url).status_code == status, role
        assert client.post(f"{member_url}/remove").status_code == status, role
    for role in ("fellow", "observer"):
        page = client_as(role).get(f"/cohorts/{group.cohort.id}").get_data(as_text=True)
        assert "Interviewed:" not in page and "Private remark." not in page
    assert "Private remark." in checklist(client_as("admin"), group)
    # Someone who is not a member of the group has no interview here.
    assert facilitator.get(f"{url}/{group.users['other_fellow'].id}").status_code == 404
    assert facilitator.get(f"{url}/{group.users['observer'].id}").status_code == 404
    # A cohort that is not a working group has no interview panel.
    group.program.kind = ProgramKind.COOP_FELLOWSHIP
    db.session.commit()
    assert "Interviewed:" not in facilitator.get(f"/cohorts/{group.cohort.id}").get_data(as_text=True)


def test_the_checklist_reads_a_fixed_number_of_queries(
    group: World, client_as: Any, count_queries: Any
) -> None:
    facilitator = client_as("facilitator")
    record(facilitator, group, "fellow")
    with count_queries() as few:
        checklist(facilitator, group)
    for n in range(6):
        member = f.UserFactory(name=f"Member {n}", organization=f.OrganizationFactory(name=f"Org {n}"))
        f.MembershipFactory(cohort=group.cohort, user=member, role=Role.FELLOW)
        group.users[f"m{n}"] = member
    db.session.commit()
    for n in range(6):
        record(facilitator, group, f"m{n}")
    with count_queries() as many:
        page = checklist(facilitator, group)
    assert "Interviewed: 7 of 8 members." in page
    assert many.count == few.count


def test_interview_hours_count_once_as_support_for_other_organisations(group: World, client_as: Any) -> None:
    """Two interviews in January (one and a half hours, and an hour), one in February; a TA log at the
    stage "Other organisation" for the same organisation as one of them. The January report counts the
    organisation once, the hours of both in the other organisations' row, and the interviews on a row of
    their own; the dashboard's January adds them to the TA hours."""
    facilitator = client_as("facilitator")
    group.program.timezone = "America/Chicago"
    period = impact_services.open_period(
        group.program, "January 2024", dt.date(2024, 1, 1), dt.date(2024, 1, 31), None
    )
    impact_services.save_log(
        None,
        group.program,
        group.users["facilitator"].id,
        {
            "given_on": dt.date(2024, 1, 5),
            "kind": AssistanceKind.ONE_ON_ONE,
            "stage": Stage.OTHER,
            "hours": 2.0,
            "people": 1,
            "organization_id": group.users["second"].organization_id,
        },
    )
    db.session.commit()
    assert record(facilitator, group, "fellow", hours="1.5").status_code == 302
    assert record(facilitator, group, "second", held_on="2024-01-12", hours="1").status_code == 302
    other = f.UserFactory(name="Late Joiner", organization=f.OrganizationFactory(name="Later Org"))
    f.MembershipFactory(cohort=group.cohort, user=other, role=Role.FELLOW)
    db.session.add(
        Interview(
            cohort_id=group.cohort.id,
            member_id=other.id,
            organization_id=other.organization_id,
            held_on=dt.date(2024, 2, 2),
            hours=3.0,
            notes="",
            recorded_at=dt.datetime(2024, 2, 2, tzinfo=dt.UTC),
        )
    )
    db.session.commit()

    admin = client_as("admin")
    exported = admin.get(f"/reports/{period.id}/export.csv")
    assert exported.status_code == 200
    figures = {row[1]: row[2] for row in csvlib.reader(io.StringIO(exported.get_data(as_text=True)))}
    assert figures["Hours for other organisations"] == "4.5"  # 2 logged + 2.5 of interviews
    assert figures["Working-group interviews"] == "2; hours: 2.5"
    assert figures["Other organisations supported"] == "2"  # Alef Co-op once, and Northside Co-op
    assert figures["Other organisations"] == "Alef Co-op; Northside Co-op"
    assert figures["People reached"] == "3"
    assert figures["One-on-one TA sessions"] == "0"  # never also in the TA log's rows
    page = admin.get(f"/reports/{period.id}").get_data(as_text=True)
    assert "already in the hours and organisations for other organisations" in page
    assert admin.get(f"/programs/{group.program.id}/dashboard").status_code == 200
    built = dashboard.build(group.program, dt.date(2024, 2, 10))
    assert {m.month: m.ta_hours for m in built.months if m.ta_hours} == {"2024-01": 4.5, "2024-02": 3.0}
    assert {p.name: p.ta_hours for p in built.partners if p.ta_hours} == {
        "Alef Co-op": 3.0,
        "Northside Co-op": 1.5,
        "Later Org": 3.0,
    }


def test_the_member_downloads_their_interview_and_erasure_forgets_the_notes(
    group: World, client_as: Any
) -> None:
    facilitator = client_as("facilitator")
    record(facilitator, group, "fellow", notes="Fiona Fellow worries about time.")
    record(facilitator, group, "second", notes="Knows Fiona Fellow from the union.")
    exported = client_as("fellow").get("/profile/data").get_json()
    assert {
        "interview_held_on": "2024-01-10",
        "hours": 1.5,
        "notes": "Fiona Fellow worries about time.",
    } in exported["working_groups"]
    assert "Knows Fiona" not in str(exported)
    fellow = group.users["fellow"]
    response = client_as("admin").post(f"/admin/users/{fellow.id}/erase", data={"confirm": fellow.email})
    assert response.status_code == 302
    kept = dict(db.session.execute(sa.select(Interview.member_id, Interview.notes)).all())
    assert kept[fellow.id] == ""  # about the person: gone; the day and hours stay for the figures
    assert "Fiona" not in kept[group.users["second"].id] and "Erased person" in kept[group.users["second"].id]
    assert db.session.scalar(sa.select(Interview.hours).where(Interview.member_id == fellow.id)) == 1.5


@pytest.mark.postgres
def test_two_facilitators_recording_one_interview_at_once_keep_one(app: Any, group: World) -> None:
    """Both read "not yet" and insert: the database keeps one, the other is told and nothing breaks."""
    from fellowship.accounts.models import User
    from fellowship.groups import services
    from tests.concurrency import run_at_once

    cohort_id, member_id = group.cohort.id, group.users["fellow"].id
    staff = [group.users["facilitator"].id, group.users["admin"].id]

    def record_as(actor_id: int, notes: str) -> Any:
        def work() -> str:
            with app.test_request_context():
                member = db.session.get(User, member_id)
                services.save_interview(
                    cohort_id,
                    member,
                    actor_id,
                    dt.date(2024, 1, 10),
                    1.0,
                    notes,
                    actor_id,
                    dt.date(2024, 1, 18),
                    staff,
                )
                db.session.commit()
                return notes

        return work

    results = run_at_once(app, [record_as(staff[0], "First"), record_as(staff[1], "Second")])
    saved = [r for r in results if isinstance(r, str)]
    refused = [r for r in results if isinstance(r, services.GroupError)]
    assert len(saved) == 1 and len(refused) == 1, results
    assert db.session.scalar(sa.select(Interview.notes)) == saved[0]
    assert db.session.scalar(sa.select(sa.func.count(Interview.id))) == 1
