from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import sqlalchemy as sa

from fellowship.core.csv_export import neutralise
from fellowship.events import services
from fellowship.events.models import EventInvitation
from fellowship.extensions import db
from fellowship.programs.enums import Role
from fellowship.programs.models import Cohort
from tests import factories as f
from tests.attendance.conftest import make_event
from tests.conftest import World


def mark(client: Any, event: Any, user: Any, status: str, day: str) -> None:
    inv = db.session.scalar(
        sa.select(EventInvitation).where(
            EventInvitation.event_id == event.id, EventInvitation.user_id == user.id
        )
    )
    key = f"{inv.id}-{day}"
    response = client.post(f"/events/{event.id}/attendance", data={f"s-{key}": status, f"os-{key}": ""})
    assert response.status_code == 302


def read_csv(response: Any) -> list[list[str]]:
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_neutralise_formula_cells() -> None:
    assert [neutralise(v) for v in ("=SUM(A1)", "+1", "-2", "@cmd", "plain", 3, None)] == [
        "'=SUM(A1)",
        "'+1",
        "'-2",
        "'@cmd",
        "plain",
        "3",
        "",
    ]


def test_neutralise_keeps_number_like_labels_text() -> None:
    """An age range "65+" or "50%" written as a label stays text; real numbers and other labels do not
    change."""
    cells = ("65+", "50%", " 3.5 + ", "18–24", "65", 65, 0.5, "Logan Square")
    assert [neutralise(v) for v in cells] == [
        "'65+",
        "'50%",
        "' 3.5 + ",
        "18–24",
        "65",
        "65",
        "0.5",
        "Logan Square",
    ]


def test_cohort_matrix_rates_and_minimum_flag(world: World, client_as: Any, clock: Any) -> None:
    clock.set_time(dt.datetime(2024, 3, 1, tzinfo=dt.UTC))
    second = f.MembershipFactory(cohort=world.cohort, role=Role.FELLOW, user=f.UserFactory(name="Zed Second"))
    first_event = make_event(
        world,
        title="Launch",
        starts_at=dt.datetime(2024, 1, 18, 18, tzinfo=dt.UTC),
        ends_at=dt.datetime(2024, 1, 18, 19, tzinfo=dt.UTC),
    )
    second_event = make_event(world, title="Canvas")
    facilitator = client_as("facilitator")
    mark(facilitator, first_event, world.users["fellow"], "present", "2024-01-18")
    mark(facilitator, first_event, second.user, "excused", "2024-01-18")
    mark(facilitator, second_event, world.users["fellow"], "absent", "2024-02-15")
    mark(facilitator, second_event, second.user, "late", "2024-02-15")
    cohort = db.session.get(Cohort, world.cohort.id)
    cohort.min_attendance_rate = 75
    db.session.commit()
    body = facilitator.get(f"/cohorts/{world.cohort.id}/attendance").get_data(as_text=True)
    assert '<tr class="below-minimum">' in body  # Fiona: 1 of 2 days, 50 %
    rows = read_csv(facilitator.get(f"/cohorts/{world.cohort.id}/attendance.csv"))
    assert rows == [
        [
            "Name",
            "Organisation",
            "Launch",
            "Canvas",
            "Attended",
            "Excused",
            "Absent",
            "Attendance rate (percent)",
        ],
        ["Fiona Fellow", "Northside Co-op", "Present", "Absent", "1", "0", "1", "50"],
        ["Zed Second", second.user.organization.name, "Excused", "Present", "1", "1", "0", "100"],
    ]


def test_fellow_sees_only_their_own_row_and_no_csv(
    world: World, client_as: Any, event: Any, clock: Any
) -> None:
    clock.set_time(dt.datetime(2024, 3, 1, tzinfo=dt.UTC))
    other = f.MembershipFactory(
        cohort=world.cohort, role=Role.FELLOW, user=f.UserFactory(name="Other Fellow")
    )
    client_as("facilitator").post(f"/events/{event.id}/attendance/all-present")
    fellow = client_as("fellow")
    body = fellow.get(f"/cohorts/{world.cohort.id}/attendance").get_data(as_text=True)
    assert "Fiona Fellow" in body and other.user.name not in body
    assert fellow.get(f"/cohorts/{world.cohort.id}/attendance.csv").status_code == 403


def test_event_csv_lists_every_participant_per_day_safely(world: World, client_as: Any, event: Any) -> None:
    services.add_guests(event, [("=HYPERLINK(evil)", "guest@example.org")])
    db.session.commit()
    client_as("facilitator").post(f"/events/{event.id}/attendance/all-present")
    rows = read_csv(client_as("observer").get(f"/events/{event.id}/attendance.csv"))
    assert rows[0] == ["Name", "Email address", "Guest", "2024-02-15", "Notes"]
    assert ["'=HYPERLINK(evil)", "guest@example.org", "yes", "Present", ""] in rows
    assert len(rows) == 1 + 2  # the fellow and the guest; the facilitator and the observer host it


def test_organisation_csv_groups_fellows(world: World, client_as: Any, event: Any, clock: Any) -> None:
    clock.set_time(dt.datetime(2024, 3, 1, tzinfo=dt.UTC))
    f.MembershipFactory(
        cohort=world.cohort, role=Role.FELLOW, user=f.UserFactory(organization=world.organization)
    )
    services.invite_members(event)  # factories skip the signal that invites people who join later
    db.session.commit()
    client_as("facilitator").post(f"/events/{event.id}/attendance/all-present")
    rows = read_csv(client_as("facilitator").get(f"/cohorts/{world.cohort.id}/attendance/organisations.csv"))
    assert rows == [
        ["Organisation", "Fellows", "Attended", "Excused", "Absent", "Attendance rate (percent)"],
        ["Northside Co-op", "2", "2", "0", "0", "100"],
    ]


def test_cohort_report_query_count_does_not_grow(
    world: World, client_as: Any, count_queries: Any, clock: Any
) -> None:
    clock.set_time(dt.datetime(2024, 3, 1, tzinfo=dt.UTC))
    client = client_as("facilitator")
    counts = []
    for extra in (2, 20):
        for _ in range(extra):
            f.MembershipFactory(cohort=world.cohort, role=Role.FELLOW)
        event = make_event(world, title=f"Event {extra}")
        client.post(f"/events/{event.id}/attendance/all-present")
        url = f"/cohorts/{world.cohort.id}/attendance"
        with count_queries() as counter:
            assert client.get(url).status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1]


def test_event_csv_and_grid_show_a_members_name_as_it_is_now(
    world: World, client_as: Any, event: Any
) -> None:
    world.users["fellow"].name = "Fiona Renamed"
    db.session.commit()
    grid = client_as("facilitator").get(f"/events/{event.id}/attendance").get_data(as_text=True)
    assert "Fiona Renamed" in grid and "Fiona Fellow" not in grid
    response = client_as("observer").get(f"/events/{event.id}/attendance.csv")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert [row[0] for row in read_csv(response)[1:]] == ["Fiona Renamed"]


def test_partial_attendance_of_a_workshop_shows_its_days(world: World, client_as: Any, clock: Any) -> None:
    """Present on one day of three reads "1 of 3 days", not "Present"; the rate counts the days."""
    clock.set_time(dt.datetime(2024, 4, 1, tzinfo=dt.UTC))
    workshop = make_event(
        world,
        title="Workshop",
        starts_at=dt.datetime(2024, 3, 14, 14, tzinfo=dt.UTC),
        ends_at=dt.datetime(2024, 3, 16, 18, tzinfo=dt.UTC),
    )
    facilitator = client_as("facilitator")
    for day, status in (("2024-03-14", "present"), ("2024-03-15", "absent"), ("2024-03-16", "absent")):
        mark(facilitator, workshop, world.users["fellow"], status, day)
    body = facilitator.get(f"/cohorts/{world.cohort.id}/attendance").get_data(as_text=True)
    assert "<td>1 of 3 days</td>" in body and "<td>33</td>" in body
    rows = read_csv(facilitator.get(f"/cohorts/{world.cohort.id}/attendance.csv"))
    assert rows[1][2:4] == ["1 of 3 days", "1"]
