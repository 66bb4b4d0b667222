"""The attendance block on the home page: past events whose attendance nobody took."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from fellowship.attendance.enums import Status
from fellowship.attendance.models import AttendanceRecord
from fellowship.core import clock as app_clock
from fellowship.events.models import EventInvitation
from fellowship.extensions import db
from fellowship.programs.enums import Role
from tests import factories as f
from tests.conftest import World
from tests.events.conftest import make_event
from tests.home import home_block

PAST = dt.datetime(2024, 1, 11, 18, 0, tzinfo=dt.UTC)  # a week before the test clock


def past_event(world: World, title: str = "Past webinar") -> Any:
    return make_event(world, starts_at=PAST, ends_at=PAST + dt.timedelta(hours=1), title=title)


def test_a_past_event_without_attendance_asks_the_facilitator(world: World, client_as: Any) -> None:
    event = past_event(world)
    mine = home_block(client_as("facilitator"), "attendance-untaken")
    assert "1 past event has no attendance yet." in mine
    assert f'href="/events/{event.id}/attendance">Past webinar</a>' in mine
    for role in ("fellow", "observer", "other_facilitator", "admin"):
        assert home_block(client_as(role), "attendance-untaken") == "", role


def test_one_record_takes_the_event_off_the_list(world: World, client_as: Any) -> None:
    event = past_event(world)
    invitation = db.session.scalar(sa.select(EventInvitation).where(EventInvitation.event_id == event.id))
    db.session.add(
        AttendanceRecord(invitation_id=invitation.id, day=PAST.date(), status=Status.ABSENT, recorded_at=PAST)
    )
    db.session.commit()
    assert home_block(client_as("facilitator"), "attendance-untaken") == ""


def test_upcoming_and_cancelled_events_need_no_attendance(world: World, client_as: Any) -> None:
    make_event(world)  # in February
    cancelled = past_event(world, "Called off")
    cancelled.cancelled_at = app_clock.now()
    db.session.commit()
    assert home_block(client_as("facilitator"), "attendance-untaken") == ""


def test_the_attendance_block_query_count_does_not_grow_with_events(
    world: World, client_as: Any, count_queries: Any
) -> None:
    counts = []
    client = client_as("facilitator")
    for size in (2, 20):
        world.cohort = f.CohortFactory()
        f.MembershipFactory(cohort=world.cohort, user=world.users["facilitator"], role=Role.FACILITATOR)
        for n in range(size):
            past_event(world, f"Event {n}")
        with count_queries() as counter:
            body = client.get("/").get_data(as_text=True)
        counts.append(counter.count)
    assert "22 past events have no attendance yet." in body
    assert body.count('/attendance">Event') == 5
    assert counts[0] == counts[1]
