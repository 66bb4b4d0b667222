"""A funder observing a cohort reads the program's submitted reports, read-only, with the page's privacy
threshold; drafts, changes and the lowered export threshold stay with staff."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import sqlalchemy as sa

from fellowship.evaluations import defaults
from fellowship.evaluations import services as evaluations
from fellowship.events import services as events
from fellowship.events.enums import EventKind
from fellowship.extensions import db
from fellowship.impact import services
from fellowship.impact.enums import ReportStatus
from fellowship.impact.models import ReportingPeriod
from fellowship.programs.enums import Role
from tests import factories as f
from tests.conftest import World

ENGLEWOOD = 'Englewood</th><td class="long-answer" dir="auto">3</td>'


def open_period(world: World, label: str, starts_on: dt.date, ends_on: dt.date) -> ReportingPeriod:
    world.program.timezone = "America/Chicago"
    period = services.open_period(world.program, label, starts_on, ends_on, None)
    services.save_narratives(period, {"goals": f"Goals of {label}"})
    db.session.commit()
    return period


@pytest.fixture
def draft(world: World) -> ReportingPeriod:
    return open_period(world, "February 2024", dt.date(2024, 2, 1), dt.date(2024, 2, 29))


@pytest.fixture
def submitted(world: World) -> ReportingPeriod:
    """January 2024, submitted after an admin lowered its export threshold to 1: three fellows live in
    Englewood and one in Austin, below the page's threshold of 3."""
    for n in range(4):
        member = f.MembershipFactory(cohort=world.cohort, role=Role.FELLOW)
        services.save_demographics(member.user_id, {"community_area": "Englewood" if n < 3 else "Austin"})
    period = open_period(world, "January 2024", dt.date(2024, 1, 1), dt.date(2024, 1, 31))
    period.export_threshold = 1
    services.submit(period, world.users["admin"].id)
    db.session.commit()
    return period


def test_an_observer_reads_a_submitted_report_without_any_control(
    world: World, client_as: Any, submitted: ReportingPeriod
) -> None:
    response = client_as("observer").get(f"/reports/{submitted.id}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'Progress on goals</th><td class="long-answer" dir="auto">Goals of January 2024</td>' in page
    for control in ('name="goals"', "Save draft", "Mark as submitted", 'name="export_threshold"'):
        assert control not in page
    assert f"/reports/{submitted.id}/export.csv" not in page  # the export uses the lowered threshold


def test_an_observer_sees_the_page_threshold_never_the_lowered_export_one(
    world: World, client_as: Any, submitted: ReportingPeriod
) -> None:
    page = client_as("observer").get(f"/reports/{submitted.id}").get_data(as_text=True)
    assert ENGLEWOOD in page
    assert "Austin" not in page and "fewer than 3" in page
    admin_csv = client_as("admin").get(f"/reports/{submitted.id}/export.csv").get_data(as_text=True)
    assert "Community area,Austin,1" in admin_csv  # the admin's export is exact, as asked


@pytest.mark.parametrize("export", ["export.csv", "export.md"])
def test_an_observer_may_not_download_an_export_below_the_page_threshold(
    world: World, client_as: Any, submitted: ReportingPeriod, export: str
) -> None:
    assert client_as("observer").get(f"/reports/{submitted.id}/{export}").status_code == 403


def test_an_observer_downloads_an_export_that_uses_the_page_threshold(world: World, client_as: Any) -> None:
    period = open_period(world, "January 2024", dt.date(2024, 1, 1), dt.date(2024, 1, 31))
    services.submit(period, world.users["admin"].id)
    db.session.commit()
    observer = client_as("observer")
    page = observer.get(f"/reports/{period.id}").get_data(as_text=True)
    assert f'href="/reports/{period.id}/export.csv"' in page
    csv = observer.get(f"/reports/{period.id}/export.csv")
    assert csv.status_code == 200
    assert "Progress on goals,Goals of January 2024" in csv.get_data(as_text=True)
    assert observer.get(f"/reports/{period.id}/export.md").status_code == 200


@pytest.mark.parametrize("path", ["", "/export.csv", "/export.md"])
def test_a_draft_is_not_found_for_an_observer(
    world: World, client_as: Any, draft: ReportingPeriod, path: str
) -> None:
    assert client_as("observer").get(f"/reports/{draft.id}{path}").status_code == 404


def test_the_observers_list_shows_only_submitted_reports_and_no_form(
    world: World, client_as: Any, draft: ReportingPeriod, submitted: ReportingPeriod
) -> None:
    page = client_as("observer").get(f"/programs/{world.program.id}/reports").get_data(as_text=True)
    assert f'href="/reports/{submitted.id}"' in page
    assert f'href="/reports/{draft.id}"' not in page and "February 2024" not in page
    assert "Open a reporting period" not in page
    assert f"/programs/{world.program.id}/assistance" not in page
    assert f"/programs/{world.program.id}/dashboard" not in page
    staff = client_as("facilitator").get(f"/programs/{world.program.id}/reports").get_data(as_text=True)
    assert f'href="/reports/{draft.id}"' in staff and "Open a reporting period" in staff


@pytest.mark.parametrize("role", ["fellow", "other_observer"])
def test_a_submitted_report_is_not_found_for_a_fellow_or_another_programs_observer(
    world: World, client_as: Any, app: Any, submitted: ReportingPeriod, role: str
) -> None:
    if role == "other_observer":
        outsider = f.MembershipFactory(cohort=world.other_cohort, role=Role.OBSERVER).user
        client = app.test_client()
        client.login_as(outsider)
    else:
        client = client_as(role)
    assert client.get(f"/reports/{submitted.id}").status_code == 404
    assert client.get(f"/programs/{world.program.id}/reports").status_code == 404


def test_an_observer_changes_nothing(
    world: World, client_as: Any, draft: ReportingPeriod, submitted: ReportingPeriod
) -> None:
    observer = client_as("observer")
    assert observer.post(f"/reports/{submitted.id}", data={"goals": "Changed"}).status_code == 403
    assert observer.post(f"/reports/{draft.id}", data={"goals": "Changed"}).status_code == 404
    assert observer.post(f"/reports/{draft.id}/submit").status_code == 404
    assert observer.post(f"/reports/{submitted.id}/submit").status_code == 403
    assert (
        observer.post(f"/reports/{submitted.id}/threshold", data={"export_threshold": "1"}).status_code == 403
    )
    opened = observer.post(
        f"/programs/{world.program.id}/reports",
        data={"label": "March 2024", "starts_on": "2024-03-01", "ends_on": "2024-03-31"},
    )
    assert opened.status_code == 403
    rows = [
        (p.label, p.status, p.narratives["goals"], p.export_threshold)
        for p in db.session.scalars(sa.select(ReportingPeriod).order_by(ReportingPeriod.starts_on))
    ]
    assert rows == [
        ("January 2024", ReportStatus.SUBMITTED, "Goals of January 2024", 1),
        ("February 2024", ReportStatus.DRAFT, "Goals of February 2024", None),
    ]


def test_an_observer_is_linked_only_to_the_summaries_of_the_cohorts_they_observe(
    world: World, client_as: Any
) -> None:
    starts = dt.datetime(2024, 1, 15, 18, tzinfo=dt.UTC)
    elsewhere = f.CohortFactory(program=world.program, name="Another cohort of the program")
    linked = {}
    for cohort in (world.cohort, elsewhere):
        event = events.create_event(
            cohort,
            events.EventFields(
                EventKind.WEBINAR,
                f"Webinar of {cohort.name}",
                "",
                starts,
                starts + dt.timedelta(hours=1),
                "UTC",
            ),
            world.users["admin"].id,
        )
        evaluations.attach(event, "Evaluation", defaults.questions(), False, None, None)
        linked[cohort.id] = f'href="/events/{event.id}/evaluation/summary"'
    period = open_period(world, "January 2024", dt.date(2024, 1, 1), dt.date(2024, 1, 31))
    services.submit(period, world.users["admin"].id)
    db.session.commit()
    observer = client_as("observer").get(f"/reports/{period.id}").get_data(as_text=True)
    assert linked[world.cohort.id] in observer and linked[elsewhere.id] not in observer
    admin = client_as("admin").get(f"/reports/{period.id}").get_data(as_text=True)
    assert linked[world.cohort.id] in admin and linked[elsewhere.id] in admin


def test_the_program_page_links_each_person_to_the_reports_they_may_open(
    world: World, client_as: Any
) -> None:
    program = f"/programs/{world.program.id}"
    facilitator = client_as("facilitator").get(program).get_data(as_text=True)
    assert f'href="{program}/reports">Reports</a>' in facilitator
    assert f'href="{program}/dashboard">Program dashboard</a>' in facilitator
    observer = client_as("observer").get(program).get_data(as_text=True)
    assert f'href="{program}/reports">Submitted reports</a>' in observer
    assert f"{program}/dashboard" not in observer and f"{program}/assistance" not in observer
    fellow = client_as("fellow").get(program).get_data(as_text=True)
    assert f"{program}/reports" not in fellow and 'data-panel="impact"' not in fellow


def test_the_certificate_check_is_linked_from_the_sign_in_page(client: Any, app: Any) -> None:
    page = client.get("/sign-in").get_data(as_text=True)
    # The link carries the page's language, as every link to a signed-out page does.
    assert 'href="/certificates/verify?lang=en">Check a certificate</a>' in page


def test_the_demo_funder_reaches_januarys_report_from_home(app: Any) -> None:
    from fellowship.accounts.models import User

    app.test_cli_runner().invoke(args=["fellowship", "demo"])
    january, february = (
        db.session.scalar(sa.select(ReportingPeriod).where(ReportingPeriod.label == label))
        for label in ("January 2024", "February 2024")
    )
    assert (january.status, february.status) == (ReportStatus.SUBMITTED, ReportStatus.DRAFT)
    funder = app.test_client()
    funder.login_as(db.session.scalar(sa.select(User).where(User.email == "funder.observer@example.org")))
    home = funder.get("/").get_data(as_text=True)
    assert f'href="/reports/{january.id}"' in home and f'href="/reports/{february.id}"' not in home
    page = funder.get(f"/reports/{january.id}").get_data(as_text=True)
    assert "Mark as submitted" not in page and "All 13 fellows joined" in page
    facilitator = app.test_client()
    facilitator.login_as(db.session.scalar(sa.select(User).where(User.email == "nadia.petrova@example.org")))
    assert f'href="/reports/{february.id}"' in facilitator.get("/").get_data(as_text=True)
