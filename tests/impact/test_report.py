"""The funder's report: figures from the data, period boundaries, small-cell privacy, freezing, exports."""

from __future__ import annotations

import csv as csvlib
import datetime as dt
import io
from typing import Any

import pytest
import sqlalchemy as sa

from fellowship.attendance.enums import Status
from fellowship.attendance.models import AttendanceRecord
from fellowship.events import services as events
from fellowship.events.enums import EventKind
from fellowship.events.models import EventInvitation
from fellowship.extensions import db
from fellowship.impact import report, services
from fellowship.impact.enums import AssistanceKind, Stage
from fellowship.impact.models import ReportingPeriod
from fellowship.impact.privacy import suppress
from fellowship.programs.enums import Role
from tests import factories as f
from tests.conftest import World


def test_demo_january_report_shows_the_programs_figures(app: Any) -> None:
    app.test_cli_runner().invoke(args=["fellowship", "demo"])
    period = db.session.scalar(sa.select(ReportingPeriod).where(ReportingPeriod.label == "January 2024"))
    with app.test_request_context():
        figures = report.figures(period)
    a = figures["assistance"]
    assert (a["one_on_one"], a["group_workshops"]) == (12, 2)
    assert (a["hours_by_stage"]["pre_development"], a["hours_by_stage"]["existing_coop"]) == (1.0, 5.0)
    assert (a["education_hours"], a["outreach_hours"]) == (2.0, 0.0)
    assert (a["other_organisations"], a["other_organisation_hours"]) == (3, 5.0)
    # Each hour is counted once: 1 + 5 of support, 2 of group education, 5 for other organisations.
    assert a["total_hours"] == 13.0
    assert a["hours_by_stage"] == {
        "pre_development": 1.0,
        "existing_coop": 5.0,
        "conversion": 0.0,
        "developer": 0.0,
    }
    assert figures["curriculum_materials"] == 2
    office = next(e for e in figures["events"] if e["title"].startswith("Office hours"))
    assert (office["invited"], office["attended"]) == (47, 19)
    launch = next(e for e in figures["events"] if e["title"].startswith("Launch"))
    assert launch["responses"] == 11
    areas = figures["demographics"]["community_areas"]
    assert areas == {"Englewood": 3, "other_areas": 4, "not_said": 6}  # small areas are not even named


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ({"a": 5, "b": 4, "c": 1}, {"a": 5, "b": None, "c": None}),  # one hidden: the next-smallest goes too
        ({"a": 5, "b": 2, "c": 1}, {"a": 5, "b": None, "c": None}),
        ({"a": 5, "b": 0, "c": 1, "d": 7}, {"a": 5, "b": None, "c": None, "d": 7}),  # a zero is hidden too
        ({"a": 5, "b": 4}, {"a": 5, "b": 4}),
    ],
)
def test_small_cells_are_hidden_so_none_can_be_worked_out(
    counts: dict[str, int], expected: dict[str, Any]
) -> None:
    assert suppress(counts, 3) == expected


def test_a_group_smaller_than_the_threshold_hides_everything() -> None:
    assert suppress({"a": 2, "b": 0}, 3, total=2) == {"a": None, "b": None}


@pytest.fixture
def period(world: World) -> ReportingPeriod:
    world.program.timezone = "America/Chicago"
    made = services.open_period(
        world.program, "January 2024", dt.date(2024, 1, 1), dt.date(2024, 1, 31), None
    )
    db.session.commit()
    return made


def event_at(world: World, local: dt.datetime, title: str) -> None:
    starts = events.to_utc(local, "America/Chicago")
    events.create_event(
        world.cohort,
        events.EventFields(
            EventKind.WEBINAR, title, "", starts, starts + dt.timedelta(minutes=20), "America/Chicago"
        ),
        world.users["admin"].id,
    )


def test_period_boundaries_are_local_days(world: World, period: ReportingPeriod, app: Any) -> None:
    event_at(world, dt.datetime(2024, 1, 31, 23, 30), "Late on the last day")  # 05:30 UTC on 1 February
    event_at(world, dt.datetime(2024, 2, 1, 0, 30), "Just after")
    event_at(world, dt.datetime(2023, 12, 31, 23, 30), "Just before")  # 05:30 UTC on 1 January
    db.session.commit()
    with app.test_request_context():
        titles = [e["title"] for e in report.figures(period)["events"]]
    assert titles == ["Late on the last day"]


def test_a_person_at_several_days_of_an_event_is_one_attendee(
    world: World, period: ReportingPeriod, app: Any
) -> None:
    """Invited and attended count participants, not days: present twice, late once, or absent once and
    present once is one attendee each; excused or absent on every day is none; a host is never counted."""
    starts = events.to_utc(dt.datetime(2024, 1, 18, 9), "America/Chicago")
    workshop = events.create_event(
        world.cohort,
        events.EventFields(
            EventKind.WORKSHOP,
            "Workshop",
            "",
            starts,
            starts + dt.timedelta(days=2, hours=4),
            "America/Chicago",
        ),
        world.users["admin"].id,
    )
    days = workshop.days()
    assert len(days) == 3
    statuses = {  # people outside the cohort come as guests
        "fellow": [Status.PRESENT, Status.PRESENT, Status.LATE],
        "other_fellow": [Status.ABSENT, Status.PRESENT, Status.ABSENT],
        "juror": [Status.EXCUSED, Status.EXCUSED, Status.EXCUSED],
        "admin": [Status.ABSENT, Status.ABSENT, Status.ABSENT],
        "facilitator": [Status.PRESENT, Status.PRESENT, Status.PRESENT],  # a host: never counted
    }
    invitations = {
        i.user_id: i
        for i in db.session.scalars(sa.select(EventInvitation).where(EventInvitation.event_id == workshop.id))
    }
    for role, marks in statuses.items():
        user = world.users[role]
        invitation = invitations.get(user.id) or events.add_guests(workshop, [(user.email, user.name)])[0][0]
        db.session.flush()
        for day, status in zip(days, marks, strict=True):
            db.session.add(
                AttendanceRecord(invitation_id=invitation.id, day=day, status=status, recorded_at=starts)
            )
    db.session.commit()
    with app.test_request_context():
        [row] = [e for e in report.figures(period)["events"] if e["title"] == "Workshop"]
    # Invited: the fellow and the three guests; the facilitator and the observer host it.
    assert (row["invited"], row["attended"]) == (4, 2)


def log(
    world: World,
    period: ReportingPeriod,
    day: int,
    kind: AssistanceKind,
    hours: float,
    stage: Stage = Stage.EXISTING_COOP,
) -> None:
    services.save_log(
        None,
        period.program,
        world.users["facilitator"].id,
        {"given_on": dt.date(2024, 1, day), "kind": kind, "stage": stage, "hours": hours, "people": 1},
    )


def test_submitting_freezes_the_figures(world: World, client_as: Any, period: ReportingPeriod) -> None:
    log(world, period, 3, AssistanceKind.ONE_ON_ONE, 1.5)
    db.session.commit()
    admin = client_as("admin")
    admin.post(f"/reports/{period.id}", data={"goals": "On track", "needs": "=SUM(A1)"})
    assert admin.post(f"/reports/{period.id}/submit").status_code == 302
    log(world, period, 4, AssistanceKind.ONE_ON_ONE, 2)
    db.session.commit()
    page = admin.get(f"/reports/{period.id}").get_data(as_text=True)
    assert 'One-on-one TA sessions</th><td class="long-answer" dir="auto">1</td>' in page
    csv = admin.get(f"/reports/{period.id}/export.csv").get_data(as_text=True)
    assert "One-on-one TA sessions,1" in csv and "'=SUM(A1)" in csv
    exported = admin.get(f"/reports/{period.id}/export.md")
    assert exported.headers["Content-Type"] == "text/markdown; charset=utf-8"
    md = exported.get_data(as_text=True)
    assert "- **Progress on goals**: On track" in md
    refused = admin.post(f"/reports/{period.id}", data={"goals": "Changed"}, follow_redirects=True)
    assert "This report is submitted" in refused.get_data(as_text=True)
    assert db.session.get(ReportingPeriod, period.id).narratives["goals"] == "On track"


def test_no_individual_answer_leaks(world: World, client_as: Any, period: ReportingPeriod) -> None:
    fellow = client_as("fellow")
    fellow.post(
        "/profile/demographics",
        data={"community_area": "Hermosa", "gender": "non_binary", "age_range": "65+", "races": ["asian"]},
    )
    admin = client_as("admin")
    texts = [
        admin.get(f"/reports/{period.id}").get_data(as_text=True),
        admin.get(f"/reports/{period.id}/export.csv").get_data(as_text=True),
        admin.get(f"/reports/{period.id}/export.md").get_data(as_text=True),
    ]
    for text in texts:
        figures = text.split("Participants", 1)[-1]  # the demographic part of each
        assert "Hermosa" not in figures  # a lone answer's area is not even named
        assert "fewer than 3" in figures
        for digit in ("1", "0"):  # every count of the lone person's group is hidden, zeros included
            # the value column is followed by how it is counted, in the CSV and in the Markdown
            assert f",{digit}," not in figures and f"**: {digit} (" not in figures
            assert f'dir="auto">{digit}</td>' not in figures
    assert ",'65+," in texts[1]  # the age-range label stays text in spreadsheets (not the number 65)
    # Staff have no page for someone else's answers: the form only ever shows the signed-in person's own.
    assert 'selected value="Hermosa"' not in admin.get("/profile/demographics").get_data(as_text=True)
    assert 'selected value="Hermosa"' in fellow.get("/profile/demographics").get_data(as_text=True)


def test_an_admin_may_lower_the_threshold_for_the_funders_export_only(
    world: World, client_as: Any, period: ReportingPeriod
) -> None:
    for n in range(4):
        member = f.MembershipFactory(cohort=world.cohort, role=Role.FELLOW)
        services.save_demographics(member.user_id, {"community_area": "Englewood" if n < 3 else "Austin"})
    db.session.commit()
    admin = client_as("admin")
    assert (
        client_as("facilitator")
        .post(f"/reports/{period.id}/threshold", data={"export_threshold": "1"})
        .status_code
        == 403
    )
    admin.post(f"/reports/{period.id}/threshold", data={"export_threshold": "1"})
    csv = admin.get(f"/reports/{period.id}/export.csv").get_data(as_text=True)
    assert csv.lstrip("\ufeff").startswith("Confidential") and "Community area,Austin,1" in csv
    page = admin.get(f"/reports/{period.id}").get_data(as_text=True)
    assert "Austin" not in page and 'Englewood</th><td class="long-answer" dir="auto">3' in page


def test_report_queries_do_not_grow_with_the_data(
    world: World, client_as: Any, count_queries: Any, period: ReportingPeriod
) -> None:
    admin = client_as("admin")
    counts = []
    for size in (2, 40):
        for n in range(size):
            cohort = f.CohortFactory(program=world.program)
            f.MembershipFactory(cohort=cohort, role=Role.FELLOW)
            event_at(world, dt.datetime(2024, 1, 2 + n % 25, 10, n % 60), f"Event {size}-{n}")
            log(world, period, 1 + n % 28, AssistanceKind.ONE_ON_ONE, 0.5)
        db.session.commit()
        with count_queries() as counter:
            assert admin.get(f"/reports/{period.id}").status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1]


def test_the_program_threshold_applies_and_never_goes_below_three(
    world: World, client_as: Any, period: ReportingPeriod
) -> None:
    admin = client_as("admin")
    form = {"name": world.program.name, "kind": "coop_fellowship", "timezone": "America/Chicago"}
    assert (
        admin.post(f"/programs/{world.program.id}/edit", data={**form, "privacy_threshold": "2"}).status_code
        == 400
    )
    assert (
        admin.post(f"/programs/{world.program.id}/edit", data={**form, "privacy_threshold": "5"}).status_code
        == 302
    )
    for _ in range(4):
        member = f.MembershipFactory(cohort=world.cohort, role=Role.FELLOW)
        services.save_demographics(member.user_id, {"community_area": "Englewood"})
    db.session.commit()
    page = admin.get(f"/reports/{period.id}").get_data(as_text=True)
    assert "Englewood" not in page and "fewer than 5" in page  # 4 people: below this program's 5


def test_every_logged_hour_is_counted_in_one_row_only(
    world: World, client_as: Any, period: ReportingPeriod
) -> None:
    """Per the funder's form (seed 000): one-on-one hours by stage, workshop and education hours as group
    education, outreach as popular education, and support for other organisations only on its own tab."""
    log(world, period, 3, AssistanceKind.ONE_ON_ONE, 1.5, Stage.PRE_DEVELOPMENT)
    log(world, period, 4, AssistanceKind.GROUP_WORKSHOP, 2, Stage.DEVELOPER)
    log(world, period, 5, AssistanceKind.EDUCATION, 1, Stage.EXISTING_COOP)
    log(world, period, 6, AssistanceKind.OUTREACH, 0.5, Stage.CONVERSION)
    log(world, period, 7, AssistanceKind.ONE_ON_ONE, 4, Stage.OTHER)
    log(world, period, 8, AssistanceKind.GROUP_WORKSHOP, 3, Stage.OTHER)
    db.session.commit()
    csv = client_as("admin").get(f"/reports/{period.id}/export.csv").get_data(as_text=True)
    table = list(csvlib.reader(io.StringIO(csv.lstrip("\ufeff"))))
    assert table[0] == ["Section", "Field", "Value", "How it is counted"]
    figures = {row[1]: row[2] for row in table[1:]}
    assert {
        name: figures[name]
        for name in (
            "One-on-one TA sessions",
            "Group workshops",
            "Hours of support: Pre-development co-op",
            "Hours of support: Co-op developer",
            "Hours of support: Existing co-op",
            "Group education and training hours",
            "Popular education and outreach hours",
            "Hours for other organisations",
        )
    } == {
        "One-on-one TA sessions": "1",
        "Group workshops": "1",
        "Hours of support: Pre-development co-op": "1.5",
        "Hours of support: Co-op developer": "0",  # the workshop's hours are group education only
        "Hours of support: Existing co-op": "0",
        "Group education and training hours": "3",
        "Popular education and outreach hours": "0.5",
        "Hours for other organisations": "7",  # and in no row above
    }
    assert "Hours of support: Other organisation" not in figures
    assert "Hours of one-on-one logs at this stage." in csv


def test_a_report_submitted_under_earlier_rules_keeps_its_figures_without_explanations(
    world: World, client_as: Any, period: ReportingPeriod
) -> None:
    log(world, period, 3, AssistanceKind.ONE_ON_ONE, 1.5)
    db.session.commit()
    services.submit(period, world.users["admin"].id)
    snapshot = dict(period.snapshot)
    snapshot["assistance"] = {**snapshot["assistance"], "hours_by_stage": {"existing_coop": 9.0}}
    del snapshot["assistance"]["rules"]
    period.snapshot = snapshot
    db.session.commit()
    page = client_as("admin").get(f"/reports/{period.id}").get_data(as_text=True)
    assert '<td class="long-answer" dir="auto">9</td><td class="counting"></td>' in page
