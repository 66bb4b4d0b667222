"""The events' blocks on the home page: a participant's next events, a facilitator's week."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fellowship.attendance import services as attendance
from fellowship.core import clock as app_clock
from fellowship.extensions import db
from fellowship.programs.enums import Role
from tests import factories as f
from tests.conftest import World
from tests.events.conftest import make_event
from tests.home import home_block

SOON = dt.datetime(2024, 1, 20, 18, 0, tzinfo=dt.UTC)  # two days after the test clock


def test_a_fellow_sees_the_next_events_and_answers_the_invitation(world: World, client_as: Any) -> None:
    event = make_event(world, starts_at=SOON, ends_at=SOON + dt.timedelta(hours=1), title="Next webinar")
    mine = home_block(client_as("fellow"), "events-upcoming")
    assert f'href="/events/{event.id}">Next webinar</a>' in mine
    assert f'href="/events/{event.id}#rsvp-heading">Answer the invitation</a>' in mine
    client_as("fellow").post(f"/events/{event.id}/rsvp", data={"answer": "yes"})
    answered = home_block(client_as("fellow"), "events-upcoming")
    assert "Yes, I will come" in answered and "Answer the invitation" not in answered


def test_the_check_in_link_shows_while_the_window_is_open(world: World, client_as: Any) -> None:
    now = app_clock.now()
    event = make_event(world, starts_at=now, ends_at=now + dt.timedelta(hours=1))
    assert "Check in" not in home_block(client_as("fellow"), "events-upcoming")
    attendance.open_checkin(event, 30, 10)
    db.session.commit()
    assert f'href="/events/{event.id}/check-in">Check in</a>' in home_block(
        client_as("fellow"), "events-upcoming"
    )


def test_ended_and_cancelled_events_and_other_cohorts_are_left_out(world: World, client_as: Any) -> None:
    past = dt.datetime(2024, 1, 10, 18, 0, tzinfo=dt.UTC)
    make_event(world, starts_at=past, ends_at=past + dt.timedelta(hours=1), title="Ended one")
    cancelled = make_event(world, starts_at=SOON, ends_at=SOON + dt.timedelta(hours=1), title="Called off")
    cancelled.cancelled_at = app_clock.now()
    db.session.commit()
    for role in ("fellow", "other_fellow", "observer", "facilitator", "admin"):
        assert home_block(client_as(role), "events-upcoming") == "", role


def test_the_facilitator_sees_the_events_of_the_next_seven_days(world: World, client_as: Any) -> None:
    make_event(world, starts_at=SOON, ends_at=SOON + dt.timedelta(hours=1), title="This week")
    later = SOON + dt.timedelta(days=10)
    make_event(world, starts_at=later, ends_at=later + dt.timedelta(hours=1), title="In ten days")
    week = home_block(client_as("facilitator"), "events-week")
    assert "This week" in week and "In ten days" not in week
    assert "No events in the next seven days." in home_block(client_as("other_facilitator"), "events-week")
    assert home_block(client_as("fellow"), "events-week") == ""


def test_the_event_blocks_query_count_does_not_grow_with_events(
    world: World, client_as: Any, count_queries: Any
) -> None:
    counts: dict[str, list[int]] = {"fellow": [], "facilitator": []}
    for size in (2, 20):
        cohort = f.CohortFactory()
        f.MembershipFactory(cohort=cohort, user=world.users["fellow"], role=Role.FELLOW)
        f.MembershipFactory(cohort=cohort, user=world.users["facilitator"], role=Role.FACILITATOR)
        world.cohort = cohort
        for n in range(size):
            start = SOON + dt.timedelta(hours=n)
            make_event(world, starts_at=start, ends_at=start + dt.timedelta(minutes=30))
        for role, found in counts.items():
            client = client_as(role)
            with count_queries() as counter:
                assert client.get("/").status_code == 200
            found.append(counter.count)
    assert counts["fellow"][0] == counts["fellow"][1]
    assert counts["facilitator"][0] == counts["facilitator"][1]
