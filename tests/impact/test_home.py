"""Impact's blocks on the home page: staff's current draft reports and fellows below the minimum attendance
rate; an observer's cohorts and the program's submitted reports."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import sqlalchemy as sa

from fellowship.attendance.enums import Status
from fellowship.attendance.models import AttendanceRecord
from fellowship.core import home
from fellowship.events import services as events
from fellowship.events.enums import EventKind
from fellowship.events.models import EventInvitation
from fellowship.extensions import db
from fellowship.impact import completion, services
from fellowship.impact import views as impact_views
from fellowship.impact.models import ReportingPeriod
from fellowship.programs.enums import Role
from fellowship.programs.models import Cohort
from tests import factories as f
from tests.conftest import World


def block(body: str, name: str) -> str:
    match = re.search(rf'data-block="{name}">(.*?)</section>', body, re.S)
    return match.group(1) if match else ""


def period(world: World, month: int, year: int = 2024, submit: bool = False) -> ReportingPeriod:
    starts = dt.date(year, month, 1)
    ends = (starts + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    made = services.open_period(world.program, f"{starts:%B %Y}", starts, ends, None)
    if submit:
        services.submit(made, world.users["admin"].id)
    db.session.commit()
    return made


def webinar(cohort: Cohort, statuses: dict[int, Status], day: int = 15) -> None:
    """A past webinar of the cohort; each listed user's attendance is taken as given."""
    starts = dt.datetime(2024, 1, day, 18, tzinfo=dt.UTC)
    event = events.create_event(
        cohort,
        events.EventFields(EventKind.WEBINAR, "Webinar", "", starts, starts + dt.timedelta(hours=1), "UTC"),
        None,
    )
    invitations = dict(
        db.session.execute(
            sa.select(EventInvitation.user_id, EventInvitation.id).where(EventInvitation.event_id == event.id)
        ).all()
    )
    for user_id, status in statuses.items():
        db.session.add(
            AttendanceRecord(
                invitation_id=invitations[user_id], day=starts.date(), status=status, recorded_at=starts
            )
        )
    db.session.commit()


def viewer(user: Any, roles: dict[int, str], is_admin: bool = False) -> home.Viewer:
    from fellowship.core import clock

    return home.Viewer(user=user, is_admin=is_admin, roles=roles, now=clock.now(), today=clock.today())


# --- staff --------------------------------------------------------------------------------------------------


def test_staff_see_the_draft_whose_dates_contain_today(world: World, client_as: Any) -> None:
    january, february = period(world, 1), period(world, 2)  # the clock says 18 January 2024
    mine = block(client_as("facilitator").get("/").get_data(as_text=True), "impact-staff")
    assert f'href="/reports/{january.id}">{world.program.name}: January 2024</a>' in mine
    assert f"/reports/{february.id}" not in mine
    assert "1 report in progress" in mine


def test_staff_see_the_latest_draft_when_none_contains_today(world: World, client_as: Any) -> None:
    period(world, 1, submit=True)
    november, december = period(world, 11, 2023), period(world, 12, 2023)
    mine = block(client_as("facilitator").get("/").get_data(as_text=True), "impact-staff")
    assert f"/reports/{december.id}" in mine and f"/reports/{november.id}" not in mine


def test_an_admin_sees_every_programs_draft(world: World, client_as: Any) -> None:
    ours = period(world, 1)
    theirs = services.open_period(
        world.other_program, "Spring", dt.date(2024, 3, 1), dt.date(2024, 5, 31), None
    )
    db.session.commit()
    admin = block(client_as("admin").get("/").get_data(as_text=True), "impact-staff")
    assert f"/reports/{ours.id}" in admin and f"/reports/{theirs.id}" in admin
    facilitator = block(client_as("facilitator").get("/").get_data(as_text=True), "impact-staff")
    assert f"/reports/{theirs.id}" not in facilitator


def test_staff_see_the_fellows_below_the_minimum_attendance_rate(world: World, client_as: Any) -> None:
    completion.save_rule(world.cohort, 75, [])
    below, above, unrecorded = (f.MembershipFactory(cohort=world.cohort, role=Role.FELLOW) for _ in range(3))
    webinar(
        world.cohort,
        {world.users["fellow"].id: Status.ABSENT, below.user_id: Status.ABSENT, above.user_id: Status.LATE},
    )
    webinar(world.cohort, {below.user_id: Status.PRESENT, above.user_id: Status.PRESENT}, day=16)
    rates = {s.user_id: s.rate for s in completion.standings(world.cohort)}
    assert (rates[world.users["fellow"].id], rates[below.user_id], rates[above.user_id]) == (0.0, 0.5, 1.0)
    assert rates[unrecorded.user_id] is None
    mine = block(client_as("facilitator").get("/").get_data(as_text=True), "impact-staff")
    link = f'<a href="/cohorts/{world.cohort.id}/completion"><bdi>{world.cohort.name}</bdi></a>:'
    assert f"{link}\n        2 fellows below 75%" in mine
    assert f"/cohorts/{world.other_cohort.id}/completion" not in mine


def test_a_cohort_without_a_minimum_has_nobody_below_it(world: World, client_as: Any) -> None:
    webinar(world.cohort, {world.users["fellow"].id: Status.ABSENT})
    body = client_as("facilitator").get("/").get_data(as_text=True)
    assert 'data-block="impact-staff"' not in body
    world.cohort.min_attendance_rate = 50  # the cohort's own minimum applies until a rule is saved
    db.session.commit()
    assert "1 fellow below 50%" in block(
        client_as("facilitator").get("/").get_data(as_text=True), "impact-staff"
    )


def test_the_staff_block_is_hidden_when_nothing_needs_staff(world: World, client_as: Any) -> None:
    period(world, 1, submit=True)
    for role in ("facilitator", "admin", "fellow", "observer"):
        assert 'data-block="impact-staff"' not in client_as(role).get("/").get_data(as_text=True)


def test_the_staff_block_asks_nothing_of_people_without_a_staff_role(
    world: World, count_queries: Any
) -> None:
    with count_queries() as counter:
        assert impact_views._staff_block(viewer(world.users["fellow"], {world.cohort.id: "fellow"})) is None
    assert counter.count == 0


def test_the_staff_block_queries_do_not_grow_with_the_data(
    world: World, client_as: Any, count_queries: Any
) -> None:
    completion.save_rule(world.cohort, 75, [])
    staff = viewer(world.users["facilitator"], {world.cohort.id: "facilitator"})
    pages, blocks = [], []
    for fellows, periods, first_month in ((5, 2, 1), (35, 10, 3)):  # then 40 fellows and 12 periods
        members = [f.MembershipFactory(cohort=world.cohort, role=Role.FELLOW) for _ in range(fellows)]
        webinar(
            world.cohort,
            {m.user_id: Status.ABSENT if n % 2 else Status.PRESENT for n, m in enumerate(members)},
            day=14 + first_month,
        )
        for month in range(first_month, first_month + periods):
            period(world, month, 2023)
        with count_queries() as counter:
            body = client_as("facilitator").get("/").get_data(as_text=True)
        pages.append(counter.count)
        assert 'data-block="impact-staff"' in body
        with count_queries() as counter:
            data = impact_views._staff_block(staff)
        blocks.append(counter.count)
        assert data is not None and len(data["drafts"]) == 1
    assert pages[0] == pages[1]
    assert blocks == [2, 2]
    assert block(body, "impact-staff").count("19 fellows below 75%") == 1  # 2 of 5, 17 of 35


# --- observers ----------------------------------------------------------------------------------------------


def test_an_observer_sees_their_cohorts_and_the_submitted_reports(world: World, client_as: Any) -> None:
    january, february = period(world, 1, submit=True), period(world, 2, submit=True)
    draft = period(world, 3)
    mine = block(client_as("observer").get("/").get_data(as_text=True), "impact-observer")
    cohort = world.cohort.id
    assert f'href="/cohorts/{cohort}/attendance">Attendance report</a>' in mine
    assert f'href="/cohorts/{cohort}/evaluations">Evaluation trend</a>' in mine
    assert mine.index(f'"/reports/{february.id}"') < mine.index(f'"/reports/{january.id}"')
    assert f"/reports/{draft.id}" not in mine
    assert f'href="/programs/{world.program.id}/reports">All submitted reports</a>' in mine


def test_an_observer_without_a_submitted_report_is_told_so(world: World, client_as: Any) -> None:
    period(world, 1)
    mine = block(client_as("observer").get("/").get_data(as_text=True), "impact-observer")
    assert "No report has been submitted yet." in mine and "/reports/" not in mine


def test_the_observer_block_is_only_for_observers(world: World, client_as: Any, count_queries: Any) -> None:
    period(world, 1, submit=True)
    for role in ("facilitator", "admin", "fellow"):
        assert 'data-block="impact-observer"' not in client_as(role).get("/").get_data(as_text=True)
    with count_queries() as counter:
        assert impact_views._observer_block(viewer(world.users["admin"], {}, is_admin=True)) is None
    assert counter.count == 0


def test_the_observer_block_queries_do_not_grow_with_the_data(
    world: World, client_as: Any, count_queries: Any
) -> None:
    observer = world.users["observer"]
    roles: dict[int, str] = {world.cohort.id: "observer"}
    pages, blocks = [], []  # the viewer is built before counting: reading an expired test object is a query
    for fellows, periods, first_month in ((5, 2, 1), (35, 10, 3)):  # then 40 fellows and 12 periods
        for _ in range(fellows):
            f.MembershipFactory(cohort=world.cohort, role=Role.FELLOW)
        for month in range(first_month, first_month + periods):
            period(world, month, 2023, submit=True)
        cohort = f.CohortFactory(program=world.program)  # and one more cohort observed
        f.MembershipFactory(cohort=cohort, user=observer, role=Role.OBSERVER)
        roles[cohort.id] = "observer"
        with count_queries() as counter:
            body = client_as("observer").get("/").get_data(as_text=True)
        pages.append(counter.count)
        with count_queries() as counter:
            data = impact_views._observer_block(viewer(observer, roles))
        blocks.append(counter.count)
        assert data is not None
    assert pages[0] == pages[1]
    assert blocks == [2, 2]
    mine = block(body, "impact-observer")
    assert mine.count('/attendance">Attendance report</a>') == 3
    assert mine.count('href="/reports/') == impact_views.REPORTS_PER_PROGRAM


def test_a_fellow_opens_an_earned_certificate_from_home(world: World, client_as: Any) -> None:
    from fellowship.impact.models import Certificate

    fellow = world.users["fellow"]
    assert 'data-block="certificates"' not in client_as("fellow").get("/").get_data(as_text=True)
    db.session.add(
        Certificate(
            cohort_id=world.cohort.id,
            user_id=fellow.id,
            code="WXYZ-2345-6789",
            holder=fellow.name,
            program=world.program.name,
            cohort=world.cohort.name,
            starts_on=world.cohort.starts_on,
            ends_on=world.cohort.ends_on,
            modules=[],
            issued_at=dt.datetime(2024, 6, 1, tzinfo=dt.UTC),
        )
    )
    db.session.commit()
    mine = block(client_as("fellow").get("/").get_data(as_text=True), "certificates")
    assert 'href="/certificates/WXYZ-2345-6789">Open my certificate</a>' in mine
    assert client_as("fellow").get("/certificates/WXYZ-2345-6789").status_code == 200
    for role in ("other_fellow", "facilitator", "observer", "admin"):
        assert 'data-block="certificates"' not in client_as(role).get("/").get_data(as_text=True), role
