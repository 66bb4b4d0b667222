"""Input that used to break pages, each refused through HTTP with a message (400) and nothing saved:
dates far in the past or future, over-long text, control characters, missing fields, unknown actions."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

import pytest
import sqlalchemy as sa

from fellowship.accounts.models import Organization, User
from fellowship.attendance.models import AttendanceRecord
from fellowship.awards.models import Contest
from fellowship.evaluations.models import Survey
from fellowship.events.models import AgendaItem, Event, EventInvitation
from fellowship.extensions import db
from fellowship.impact import services as impact_services
from fellowship.impact.enums import NARRATIVES
from fellowship.impact.models import AssistanceLog, ReportingPeriod
from fellowship.programs.models import Membership
from tests.conftest import World
from tests.events.conftest import make_event

RANGE_MESSAGE = "Enter a date from the year 1900 to the year 2200."
EVENT = {
    "kind": "webinar",
    "title": "Launch webinar",
    "starts_at": "2024-02-15T12:00",
    "ends_at": "2024-02-15T13:30",
    "timezone": "America/Chicago",
    "outside_dates": "y",
}
FAR = ["0001-01-01", "1899-12-31", "2201-01-01", "9999-12-31"]


def count(model: Any) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model)) or 0


def refused(response: Any, message: str) -> bool:
    return response.status_code == 400 and message in response.get_data(as_text=True)


# --- 1. dates far in the past or the future -----------------------------------------------------------------


@pytest.mark.parametrize("day", FAR)
def test_an_event_far_in_time_is_refused_on_create(world: World, client_as: Any, day: str) -> None:
    data = {**EVENT, "starts_at": f"{day}T00:00", "ends_at": f"{day}T23:59"}
    response = client_as("facilitator").post(f"/cohorts/{world.cohort.id}/events/new", data=data)
    assert refused(response, RANGE_MESSAGE)
    assert count(Event) == 0


@pytest.mark.parametrize("day", FAR)
def test_an_event_far_in_time_is_refused_on_edit(world: World, client_as: Any, day: str) -> None:
    event = make_event(world)
    data = {**EVENT, "starts_at": "2024-02-15T12:00", "ends_at": f"{day}T23:59"}
    response = client_as("facilitator").post(f"/events/{event.id}/edit", data=data)
    assert refused(response, RANGE_MESSAGE)
    assert db.session.get(Event, event.id).ends_at == dt.datetime(2024, 2, 15, 19, 30, tzinfo=dt.UTC)


@pytest.mark.parametrize("day", FAR)
def test_an_agenda_item_far_in_time_is_refused(world: World, client_as: Any, day: str) -> None:
    event = make_event(world)
    data = {"items-0-starts_at": f"{day}T00:00", "items-0-title": "Welcome", "items-0-notes": ""}
    response = client_as("facilitator").post(f"/events/{event.id}/agenda", data=data)
    assert refused(response, RANGE_MESSAGE)
    assert count(AgendaItem) == 0


@pytest.mark.parametrize("day", FAR)
def test_an_evaluation_closing_day_far_in_time_is_refused(world: World, client_as: Any, day: str) -> None:
    event = make_event(world)
    response = client_as("facilitator").post(
        f"/events/{event.id}/evaluation/setup", data={"source": "default", "closes_on": day}
    )
    assert refused(response, RANGE_MESSAGE)
    assert count(Survey) == 0


@pytest.mark.parametrize("day", FAR)
def test_contest_dates_far_in_time_are_refused(world: World, client_as: Any, day: str) -> None:
    data = {
        "program": world.program.id,
        "title": "Awards",
        "slug": "awards",
        "votes_per_voter": "1",
        "combine": "mean",
        "voting_closes_at": f"{day}T00:00",
    }
    response = client_as("admin").post("/contests/new", data=data)
    assert refused(response, RANGE_MESSAGE)
    assert count(Contest) == 0


def test_a_reporting_period_over_all_time_is_refused(world: World, client_as: Any) -> None:
    data = {"label": "Forever", "starts_on": "0001-01-01", "ends_on": "9999-12-31"}
    response = client_as("admin").post(f"/programs/{world.program.id}/reports", data=data)
    assert refused(response, RANGE_MESSAGE)
    assert count(ReportingPeriod) == 0


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_a_roster_join_date_far_in_time_is_refused(world: World, client_as: Any, day: str) -> None:
    before = count(Membership)
    data = {"name": "Nia New", "email": "nia@example.org", "role": "fellow", "joined_on": day}
    response = client_as("facilitator").post(f"/cohorts/{world.cohort.id}/members/new", data=data)
    assert refused(response, RANGE_MESSAGE)
    assert count(Membership) == before


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_an_assistance_date_far_in_time_is_refused(world: World, client_as: Any, day: str) -> None:
    data = {
        "given_on": day,
        "organization": "0",
        "new_organization": "Sunrise Cleaning Co-op",
        "kind": "one_on_one",
        "stage": "existing_coop",
        "hours": "1",
    }
    response = client_as("facilitator").post(f"/programs/{world.program.id}/assistance", data=data)
    assert refused(response, RANGE_MESSAGE)
    assert count(AssistanceLog) == 0


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_a_worksheet_date_far_in_time_is_refused(client_as: Any, module: str, day: str) -> None:
    from fellowship.curriculum.models import Worksheet

    data = {"action": "save", "base_revision": "0", "review_on": day}
    response = client_as("fellow").post(module, data=data)
    assert refused(response, RANGE_MESSAGE)
    assert count(Worksheet) == 0


def test_a_module_due_date_far_in_time_is_refused(world: World, client_as: Any, module: str) -> None:
    from fellowship.curriculum.models import CohortModule

    url = f"/cohorts/{world.cohort.id}/modules/assign"
    data = {"module": "mission-statement", "due-mission-statement": "9999-12-31"}
    response = client_as("facilitator").post(url, data=data)
    assert refused(response, RANGE_MESSAGE)
    assert db.session.scalar(sa.select(CohortModule.due_on)) is None


def test_an_event_longer_than_a_month_is_refused(world: World, client_as: Any) -> None:
    """An event of 1900 to 2200 has only days in range, and would fill its attendance grid for centuries."""
    data = {**EVENT, "starts_at": "1900-01-01T12:00", "ends_at": "2200-12-31T12:00"}
    response = client_as("facilitator").post(f"/cohorts/{world.cohort.id}/events/new", data=data)
    assert refused(response, "An event lasts at most 31 days: split a longer one into several events.")
    month = {**EVENT, "starts_at": "2024-02-01T09:00", "ends_at": "2024-03-02T17:00"}  # 31 days
    assert (
        client_as("facilitator").post(f"/cohorts/{world.cohort.id}/events/new", data=month).status_code == 302
    )


def test_an_event_edit_without_its_end_keeps_the_saved_end(world: World, client_as: Any) -> None:
    """The saved end used to reach the form in UTC, beside a local start: comparing them was a 500."""
    event = make_event(world)
    data = {key: value for key, value in EVENT.items() if key != "ends_at"}
    response = client_as("facilitator").post(f"/events/{event.id}/edit", data={**data, "title": "Renamed"})
    assert response.status_code == 302
    saved = db.session.get(Event, event.id)
    assert (saved.title, saved.ends_at) == ("Renamed", dt.datetime(2024, 2, 15, 19, 30, tzinfo=dt.UTC))


def test_assistance_for_an_organisation_typed_again_is_logged_to_it(world: World, client_as: Any) -> None:
    """Typing the name of an organisation that exists used to be a 500; it is the one meant."""
    before = count(Organization)
    data = {
        "given_on": "2024-01-12",
        "organization": "0",
        "new_organization": "Northside Co-op",
        "kind": "one_on_one",
        "stage": "existing_coop",
        "hours": "1",
    }
    response = client_as("facilitator").post(f"/programs/{world.program.id}/assistance", data=data)
    assert response.status_code == 302
    assert db.session.scalar(sa.select(AssistanceLog.organization_id)) == world.organization.id
    assert count(Organization) == before


def test_the_date_fields_tell_the_browser_their_range(world: World, client_as: Any) -> None:
    page = client_as("facilitator").get(f"/cohorts/{world.cohort.id}/events/new").get_data(as_text=True)
    assert 'max="2200-12-31T23:59"' in page and 'min="1900-01-01T00:00"' in page


# --- 2. over-long text is refused, never cut ----------------------------------------------------------------


def test_an_over_long_attendance_note_is_refused_not_cut(world: World, client_as: Any) -> None:
    event = make_event(world)
    invitation = db.session.scalar(
        sa.select(EventInvitation).where(
            EventInvitation.event_id == event.id, EventInvitation.user_id == world.users["fellow"].id
        )
    )
    key = f"{invitation.id}-2024-02-15"
    data = {f"s-{key}": "present", f"n-{key}": "x" * 1_000_000, f"os-{key}": "", f"on-{key}": ""}
    response = client_as("facilitator").post(f"/events/{event.id}/attendance", data=data)
    assert refused(response, "Use at most 500 characters (this has 1000000).")
    assert count(AttendanceRecord) == 0


def test_text_too_long_for_its_column_is_refused_with_its_length(world: World, client_as: Any) -> None:
    data = {"name": "N" * 201, "kind": "coop", "city": "", "website": ""}
    response = client_as("admin").post(f"/organizations/{world.organization.id}/edit", data=data)
    assert refused(response, "Use at most 200 characters (this has 201).")
    assert db.session.get(Organization, world.organization.id).name == "Northside Co-op"
    page = client_as("admin").get(f"/organizations/{world.organization.id}/edit").get_data(as_text=True)
    assert 'maxlength="200"' in page and 'maxlength="120"' in page  # name, city: their columns' lengths


def test_an_over_long_score_comment_is_refused_not_cut(world: World, client_as: Any) -> None:
    from fellowship.awards import services as awards
    from fellowship.awards.enums import Phase
    from fellowship.awards.models import Score
    from tests.awards.conftest import add_project, make_contest

    contest = make_contest(world, Phase.JUDGING)
    project = add_project(contest, world, "Mentoring circle")
    awards.assign_juror(contest, world.users["juror"], None)
    db.session.commit()
    first = contest.criteria[0]
    data = {f"points-{first.id}": "5", f"comment-{first.id}": "y" * 2001}
    response = client_as("juror").post(f"/contests/{contest.id}/jury/{project.id}", data=data)
    assert refused(response, "Use at most 2000 characters (this has 2001).")
    assert count(Score) == 0


def test_an_over_long_reason_to_withdraw_results_is_refused_not_cut(world: World, client_as: Any) -> None:
    from fellowship.awards.enums import Phase
    from tests.awards.conftest import make_contest

    contest = make_contest(world, Phase.PUBLISHED)
    db.session.commit()
    url = f"/contests/{contest.id}/phase"
    response = client_as("admin").post(
        url, data={"phase": "closed", "reason": "z" * 501}, follow_redirects=True
    )
    assert "Use at most 500 characters (this has 501)." in response.get_data(as_text=True)
    assert db.session.get(Contest, contest.id).phase is Phase.PUBLISHED


def test_an_over_long_guest_name_is_refused_not_cut(world: World, client_as: Any) -> None:
    event = make_event(world)
    before = count(EventInvitation)
    response = client_as("facilitator").post(
        f"/events/{event.id}/guests", data={"guests": f"{'G' * 201} <gail@example.org>"}
    )
    assert refused(response, "Use at most 200 characters (this has 201).")
    assert count(EventInvitation) == before


# --- 3. control characters and lone surrogates ------------------------------------------------------------

CONTROL_MESSAGE = "This text contains invisible control characters (such as NUL) that cannot be saved."
PROFILE = {"organization_id": "0", "locale": "", "timezone": "UTC"}


@pytest.mark.parametrize(
    "name", ["Fiona\x00", "Fiona\x1b[31m", "Fiona\x7f", "Fiona\x85", "Fi\tona", "\x1fFiona"]
)
def test_a_name_with_control_characters_is_refused(world: World, client_as: Any, name: str) -> None:
    response = client_as("fellow").post("/profile", data={**PROFILE, "name": name})
    assert refused(response, CONTROL_MESSAGE)
    assert db.session.get(User, world.users["fellow"].id).name == "Fiona Fellow"


@pytest.mark.parametrize("text", ["Two\x00lines", "Bell\x07"])
def test_control_characters_are_refused_in_text_areas_too(world: World, client_as: Any, text: str) -> None:
    response = client_as("facilitator").post(
        f"/cohorts/{world.cohort.id}/events/new", data={**EVENT, "description": text}
    )
    assert refused(response, CONTROL_MESSAGE)
    assert count(Event) == 0


def test_text_areas_keep_tabs_and_line_breaks(world: World, client_as: Any) -> None:
    text = "Agenda:\r\n\t1. Welcome\r\n\t2. Bylaws"
    response = client_as("facilitator").post(
        f"/cohorts/{world.cohort.id}/events/new", data={**EVENT, "description": text}
    )
    assert response.status_code == 302
    assert db.session.scalar(sa.select(Event.description)) == text


def test_whitespace_controls_are_refused_where_a_field_is_optional(world: World, client_as: Any) -> None:
    """``Optional`` treats "\x1f" as blank and stops; the rule is checked after it all the same."""
    response = client_as("facilitator").post(
        f"/cohorts/{world.cohort.id}/events/new", data={**EVENT, "description": "\x1f"}
    )
    assert refused(response, CONTROL_MESSAGE)


def test_a_lone_surrogate_sent_as_bytes_never_reaches_the_database(world: World, client_as: Any) -> None:
    """Browsers cannot send one; its bytes (ED A0 80) are not UTF-8 and arrive as the escapes they came as."""
    client = client_as("fellow")
    body = urlencode(
        {**PROFILE, "name": "Fiona \ud800", "csrf_token": client.csrf_token()}, errors="surrogatepass"
    ).encode()
    response = client.post(
        "/profile", csrf=False, data=body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 302
    assert db.session.get(User, world.users["fellow"].id).name == "Fiona %ED%A0%80"


def test_a_json_body_is_not_form_data(world: World, client_as: Any) -> None:
    """Flask-WTF would read JSON as form fields, numbers and lists included; only HTML forms post here."""
    client = client_as("facilitator")
    token = client.csrf_token()
    response = client.post(
        f"/cohorts/{world.cohort.id}/events/new",
        csrf=False,
        json={**EVENT, "title": 5, "capacity": [1, 2], "venue": None, "csrf_token": token},
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 400
    assert count(Event) == 0


# --- 4. a missing field is not an empty one; unknown actions -----------------------------------------------


def test_a_report_post_without_its_fields_keeps_the_saved_text(world: World, client_as: Any) -> None:
    period = impact_services.open_period(
        world.program, "January 2024", dt.date(2024, 1, 1), dt.date(2024, 1, 31), None
    )
    saved = {key: f"Saved {key}" for key in NARRATIVES}
    period.narratives = saved
    db.session.commit()
    client_as("admin").post(f"/reports/{period.id}", data={})
    assert db.session.get(ReportingPeriod, period.id).narratives == saved


def test_a_worksheet_post_with_an_unknown_action_is_refused(client_as: Any, module: str) -> None:
    from fellowship.curriculum.models import Worksheet
    from tests.curriculum.test_worksheets import FILLED

    fellow = client_as("fellow")
    assert fellow.post(module, data={**FILLED, "action": "publish"}).status_code == 400
    assert count(Worksheet) == 0
    assert fellow.post(module, data={**FILLED, "action": "save"}).status_code == 302  # the same, saved


# --- page numbers ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("page", ["99999999999999999999", "-5", "0"])
def test_a_page_number_past_the_end_shows_the_last_page(world: World, client_as: Any, page: str) -> None:
    response = client_as("admin").get(f"/admin/users?page={page}")
    assert response.status_code == 200
    assert "Fiona Fellow" in response.get_data(as_text=True)
