"""The co-op network's local groups (seed 004's cells): an administrator starts one with a champion, any
network member joins or leaves it, and its meetups are ordinary events whose host goes round its members."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from fellowship.events import services as events
from fellowship.events.enums import EventKind
from fellowship.events.models import Event, EventInvitation
from fellowship.extensions import db
from fellowship.network import services
from fellowship.network.models import LocalGroup
from fellowship.programs.enums import ProgramKind, Role
from fellowship.programs.models import Cohort, Membership
from tests import factories as f
from tests.conftest import World

TODAY = dt.date(2024, 1, 18)


def start(client: Any, world: World, **data: str) -> Any:
    fields = {
        "name": "South Side co-op circle",
        "place": "South Side, Chicago",
        "timezone": "America/Chicago",
        "champion": world.users["facilitator"].email,
    }
    fields.update(data)
    return client.post("/network/groups/new", data=fields)


def meetup(cohort: Cohort, day: int) -> Event:
    starts = dt.datetime(2024, 2, day, 0, 30, tzinfo=dt.UTC)
    made = events.create_event(
        cohort,
        events.EventFields(
            EventKind.MEETUP, f"Meetup {day}", "", starts, starts + dt.timedelta(hours=2), "America/Chicago"
        ),
        None,
    )
    db.session.commit()
    return made


def test_an_administrator_starts_a_group_and_members_join_and_leave(world: World, client_as: Any) -> None:
    admin = client_as("admin")
    assert 'action="/network/groups/new"' in admin.get("/network/groups").get_data(as_text=True)
    assert start(admin, world).status_code == 302
    cohort = db.session.scalar(sa.select(Cohort).where(Cohort.name == "South Side co-op circle"))
    assert cohort.program.kind is ProgramKind.LOCAL_GROUPS
    group = db.session.get(LocalGroup, cohort.id)
    assert (group.place, group.champion_id) == ("South Side, Chicago", world.users["facilitator"].id)
    role = db.session.scalar(
        sa.select(Membership.role).where(
            Membership.cohort_id == cohort.id, Membership.user_id == world.users["facilitator"].id
        )
    )
    assert role is Role.FACILITATOR  # the champion coordinates: meetups, invitations, attendance
    coming = meetup(cohort, 1)
    # Olga, a fellow of another program, finds the group from the network and joins it.
    olga = client_as("other_fellow")
    assert 'href="/network/groups"' in olga.get("/network").get_data(as_text=True)
    listing = olga.get("/network/groups").get_data(as_text=True)
    assert "South Side co-op circle" in listing and "Fatima Facilitator" in listing
    assert f'action="/network/groups/{cohort.id}/join"' in listing and "/network/groups/new" not in listing
    assert olga.post(f"/network/groups/{cohort.id}/join").status_code == 302
    invited = db.session.scalar(
        sa.select(EventInvitation).where(
            EventInvitation.event_id == coming.id, EventInvitation.user_id == world.users["other_fellow"].id
        )
    )
    assert invited is not None  # invited to the meetup already planned
    page = olga.get(f"/cohorts/{cohort.id}").get_data(as_text=True)
    assert "South Side, Chicago" in page and "hosted by Olga Outsider" in page
    again = olga.post(f"/network/groups/{cohort.id}/join", follow_redirects=True)
    assert "You are already in this local group." in again.get_data(as_text=True)
    assert olga.post(f"/network/groups/{cohort.id}/leave").status_code == 302
    assert olga.get(f"/cohorts/{cohort.id}").status_code == 404
    assert olga.post(f"/network/groups/{cohort.id}/join").status_code == 302  # and back


def test_starting_a_group_refuses_bad_input(world: World, client_as: Any) -> None:
    admin = client_as("admin")
    unknown = start(admin, world, champion="nobody@example.org")
    assert unknown.status_code == 400 and "Nobody with an active account" in unknown.get_data(as_text=True)
    assert start(admin, world, name="").status_code == 400
    assert start(admin, world, timezone="Mars/Olympus").status_code == 400
    assert start(admin, world).status_code == 302
    twice = start(admin, world)
    assert twice.status_code == 400 and "already a local group of that name" in twice.get_data(as_text=True)
    assert start(client_as("facilitator"), world).status_code == 403
    assert db.session.scalar(sa.select(sa.func.count(LocalGroup.cohort_id))) == 1


def test_members_host_meetups_in_turn(world: World, client_as: Any) -> None:
    cohort = services.create_group(
        "Circle", "", "America/Chicago", world.users["facilitator"], world.users["admin"].id, TODAY
    )
    for name in ("Bea", "Ada"):
        services.join_group(cohort, f.MembershipFactory(user=f.UserFactory(name=name)).user, TODAY)
    db.session.commit()
    first, second, third = meetup(cohort, 1), meetup(cohort, 8), meetup(cohort, 15)
    hosts = [services.meetup_host(event, TODAY).name for event in (first, second, third)]
    assert hosts == ["Ada", "Bea", "Ada"]  # joined the same day: by name, one meetup after another
    later = f.MembershipFactory(user=f.UserFactory(name="Aaron")).user
    services.join_group(cohort, later, TODAY + dt.timedelta(days=1))
    db.session.commit()
    hosts = [
        services.meetup_host(event, TODAY + dt.timedelta(days=1)).name for event in (first, second, third)
    ]
    assert hosts == ["Ada", "Bea", "Aaron"]  # a newcomer takes their turn after those already there
    page = client_as("facilitator").get(f"/events/{second.id}").get_data(as_text=True)
    assert "Bea hosts this meetup" in page
    other = client_as("facilitator").get(f"/events/{second.id}")
    assert other.status_code == 200
    webinar = events.create_event(
        world.cohort,
        events.EventFields(
            EventKind.WEBINAR,
            "Webinar",
            "",
            dt.datetime(2024, 2, 1, tzinfo=dt.UTC),
            dt.datetime(2024, 2, 1, 1, tzinfo=dt.UTC),
            "UTC",
        ),
        None,
    )
    db.session.commit()
    assert 'data-panel="meetup"' not in client_as("facilitator").get(f"/events/{webinar.id}").get_data(
        as_text=True
    )


def test_who_may_use_local_groups(world: World, client_as: Any) -> None:
    assert client_as("juror").get("/network/groups").status_code == 403  # in no cohort: not the network
    assert client_as("fellow").post(f"/network/groups/{world.cohort.id}/join").status_code == 404
    assert client_as("anonymous").get("/network/groups").status_code == 302


def test_the_list_reads_a_fixed_number_of_queries(world: World, client_as: Any, count_queries: Any) -> None:
    fellow = client_as("fellow")

    def add(n: int) -> None:
        group = services.create_group(
            f"Group {n}", "Here", "UTC", world.users["facilitator"], world.users["admin"].id, TODAY
        )
        meetup(group, 1)
        db.session.commit()

    add(0)
    with count_queries() as few:
        assert fellow.get("/network/groups").status_code == 200
    for n in range(1, 6):
        add(n)
    with count_queries() as many:
        page = fellow.get("/network/groups").get_data(as_text=True)
    assert page.count('<li class="card">') == 6
    assert many.count == few.count


def test_a_champion_downloads_and_erasure_forgets_them(world: World, client_as: Any) -> None:
    champion = world.users["facilitator"]
    cohort = services.create_group("Circle", "", "UTC", champion, world.users["admin"].id, TODAY)
    db.session.commit()
    exported = client_as("facilitator").get("/profile/data").get_json()["network"]
    assert {"local_group_champion": "Circle"} in exported
    erased = client_as("admin").post(f"/admin/users/{champion.id}/erase", data={"confirm": champion.email})
    assert erased.status_code == 302
    assert db.session.get(LocalGroup, cohort.id).champion_id is None  # the group stays
