from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from fellowship.attendance.models import AttendanceRecord
from fellowship.core.audit import AuditEntry
from fellowship.events.models import EventInvitation
from fellowship.extensions import db
from fellowship.programs.enums import Role
from tests import factories as f
from tests.attendance.conftest import make_event
from tests.conftest import World

DAY = "2024-02-15"


def invitation(event: Any, user: Any) -> EventInvitation:
    return db.session.scalar(
        sa.select(EventInvitation).where(
            EventInvitation.event_id == event.id, EventInvitation.user_id == user.id
        )
    )


def cell(
    inv: EventInvitation, status: str, note: str = "", seen: str = "", seen_note: str = "", day: str = DAY
) -> dict[str, str]:
    key = f"{inv.id}-{day}"
    return {f"s-{key}": status, f"n-{key}": note, f"os-{key}": seen, f"on-{key}": seen_note}


def statuses(event: Any) -> dict[str, str]:
    rows = db.session.execute(
        sa.select(EventInvitation.name, AttendanceRecord.status)
        .join(AttendanceRecord.invitation)
        .where(EventInvitation.event_id == event.id)
    ).all()
    return {name: status.value for name, status in rows}


def second_fellow(world: World, event: Any, name: str = "Sam Second") -> EventInvitation:
    """Another fellow of the world's cohort, invited to ``event``."""
    from fellowship.events import services

    member = f.MembershipFactory(cohort=world.cohort, role=Role.FELLOW, user=f.UserFactory(name=name))
    services.invite_members(event)
    db.session.commit()
    return invitation(event, member.user)


def test_grid_saves_every_cell_in_one_request_with_audit(world: World, client_as: Any, event: Any) -> None:
    fellow, second = invitation(event, world.users["fellow"]), second_fellow(world, event)
    data = {**cell(fellow, "present"), **cell(second, "late", "traffic")}
    response = client_as("facilitator").post(f"/events/{event.id}/attendance", data=data)
    assert response.status_code == 302
    assert statuses(event) == {"Fiona Fellow": "present", "Sam Second": "late"}
    entries = db.session.scalars(
        sa.select(AuditEntry)
        .where(AuditEntry.subject_type == "event_invitations")
        .order_by(AuditEntry.subject_id)
    ).all()
    assert [(e.subject_id, e.actor_id, e.action, e.changes) for e in entries] == [
        (fellow.id, world.users["facilitator"].id, f"attendance {DAY}", {"status": [None, "present"]}),
        (
            second.id,
            world.users["facilitator"].id,
            f"attendance {DAY}",
            {"status": [None, "late"], "note": ["", "traffic"]},
        ),
    ]


def test_correction_is_audited_old_to_new(world: World, client_as: Any, event: Any) -> None:
    fellow = invitation(event, world.users["fellow"])
    client = client_as("facilitator")
    client.post(f"/events/{event.id}/attendance", data=cell(fellow, "absent"))
    client.post(f"/events/{event.id}/attendance", data=cell(fellow, "excused", "doctor", seen="absent"))
    last = db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert last.changes == {"status": ["absent", "excused"], "note": ["", "doctor"]}


def test_someone_elses_change_is_reported_not_overwritten(world: World, client_as: Any, event: Any) -> None:
    fellow = invitation(event, world.users["fellow"])
    client_as("admin").post(f"/events/{event.id}/attendance", data=cell(fellow, "present"))
    # The facilitator loaded the grid before that save: the cell was empty for them.
    response = client_as("facilitator").post(f"/events/{event.id}/attendance", data=cell(fellow, "absent"))
    assert response.status_code == 409
    assert 'class="conflict"' in response.get_data(as_text=True)
    assert statuses(event) == {"Fiona Fellow": "present"}
    assert (
        db.session.scalar(
            sa.select(sa.func.count(AuditEntry.id)).where(AuditEntry.subject_type == "event_invitations")
        )
        == 1
    )


def test_tampered_grid_saves_nothing(world: World, client_as: Any, event: Any) -> None:
    other_event = make_event(world, title="Another event")
    fellow = invitation(event, world.users["fellow"])
    stranger = invitation(other_event, world.users["fellow"])
    client = client_as("facilitator")
    for bad in (
        {**cell(fellow, "present"), **cell(stranger, "present")},  # someone not invited to this event
        {**cell(fellow, "present"), **cell(fellow, "present", day="2024-02-16")},  # a day outside the event
        cell(fellow, "teleported"),  # an unknown status
        {f"s-{fellow.id}-not-a-date": "present"},
    ):
        response = client.post(f"/events/{event.id}/attendance", data=bad)
        assert response.status_code == 422
    assert statuses(event) == {}
    assert statuses(other_event) == {}


def test_mark_all_present_keeps_an_excusal_given_in_advance(world: World, client_as: Any, event: Any) -> None:
    client_as("fellow").post(f"/events/{event.id}/apologies", data={"reason": "Family matter"})
    response = client_as("facilitator").post(f"/events/{event.id}/attendance/all-present")
    assert response.status_code == 302
    assert statuses(event) == {"Fiona Fellow": "excused"}  # staff host the event: never marked or counted


def test_apologies_only_before_the_event_starts(world: World, client_as: Any, event: Any, clock: Any) -> None:
    clock.set_time(event.starts_at + dt.timedelta(minutes=1))
    response = client_as("fellow").post(f"/events/{event.id}/apologies", data={"reason": "Too late"})
    assert response.status_code == 400
    assert "only be sent before the event starts" in response.get_data(as_text=True)
    assert statuses(event) == {}


def test_days_before_joining_do_not_count(world: World, client_as: Any, event: Any) -> None:
    late = f.MembershipFactory(
        cohort=world.cohort, user=f.UserFactory(name="Lena Late"), joined_on=dt.date(2024, 2, 20)
    )
    from fellowship.events import services

    services.invite_members(event)
    db.session.commit()
    client = client_as("facilitator")
    assert "not yet a member" in client.get(f"/events/{event.id}/attendance").get_data(as_text=True)
    client.post(f"/events/{event.id}/attendance/all-present")
    assert late.user.name == "Lena Late"
    assert "Lena Late" not in statuses(event)


def test_self_check_in_present_then_late_then_unchanged(
    world: World, client_as: Any, event: Any, clock: Any
) -> None:
    clock.set_time(event.starts_at - dt.timedelta(minutes=5))
    facilitator = client_as("facilitator")
    facilitator.post(f"/events/{event.id}/check-in/open", data={"minutes": "60", "grace": "10"})
    code = db.session.get(type(event), event.id).checkin_code
    qr = facilitator.get(f"/events/{event.id}/check-in/qr.svg")
    assert qr.mimetype == "image/svg+xml"
    # An <img> draws an SVG file only with its namespace.
    assert qr.get_data(as_text=True).startswith('<svg xmlns="http://www.w3.org/2000/svg"')
    fellow = client_as("fellow")
    assert fellow.post(f"/events/{event.id}/check-in", data={"code": code.lower()}).status_code == 302
    clock.set_time(event.starts_at + dt.timedelta(minutes=15))
    second = second_fellow(world, event)  # a second fellow of the cohort checks in late
    late_client = fellow.application.test_client()
    late_client.login_as(second.user)
    assert late_client.post(f"/events/{event.id}/check-in", data={"code": code}).status_code == 302
    fellow.post(f"/events/{event.id}/check-in", data={"code": code})  # a second check-in changes nothing
    assert statuses(event) == {"Fiona Fellow": "present", "Sam Second": "late"}
    # Staff host the event: they do not check in (and are never counted).
    assert client_as("observer").post(f"/events/{event.id}/check-in", data={"code": code}).status_code == 403


def test_check_in_is_refused_with_clear_messages(
    world: World, client_as: Any, event: Any, clock: Any
) -> None:
    clock.set_time(event.starts_at)
    fellow = client_as("fellow")
    closed = fellow.post(f"/events/{event.id}/check-in", data={"code": "ABCDEF"})
    assert "Check-in is not open" in closed.get_data(as_text=True)
    client_as("facilitator").post(f"/events/{event.id}/check-in/open", data={"minutes": "30", "grace": "10"})
    wrong = fellow.post(f"/events/{event.id}/check-in", data={"code": "WRONG1"})
    assert wrong.status_code == 400 and "That code is not right" in wrong.get_data(as_text=True)
    code = db.session.get(type(event), event.id).checkin_code
    for staff in ("admin", "facilitator", "observer"):  # not participants: nothing to check in to
        assert client_as(staff).post(f"/events/{event.id}/check-in", data={"code": code}).status_code == 403
    clock.advance(dt.timedelta(minutes=31))
    late = fellow.post(f"/events/{event.id}/check-in", data={"code": code})
    assert "Check-in is not open" in late.get_data(as_text=True)
    assert statuses(event) == {}


def test_check_in_attempts_are_rate_limited_per_person(
    world: World, client_as: Any, event: Any, clock: Any
) -> None:
    clock.set_time(event.starts_at)
    client_as("facilitator").post(f"/events/{event.id}/check-in/open", data={"minutes": "30", "grace": "10"})
    fellow = client_as("fellow")
    codes = [
        fellow.post(f"/events/{event.id}/check-in", data={"code": "WRONG1"}).status_code for _ in range(11)
    ]
    assert codes == [400] * 10 + [429]


def test_event_figures_count_fellows_and_guests(world: World, client_as: Any, event: Any) -> None:
    from fellowship.events import services

    services.add_guests(event, [(f"Guest {n}", f"guest{n}@example.org") for n in range(3)])
    second = f.MembershipFactory(cohort=world.cohort, role=Role.FELLOW)
    services.invite_members(event)
    db.session.commit()
    fellow, other = invitation(event, world.users["fellow"]), invitation(event, second.user)
    guest = db.session.scalar(sa.select(EventInvitation).where(EventInvitation.email == "guest0@example.org"))
    client = client_as("facilitator")
    client.post(
        f"/events/{event.id}/attendance",
        data={**cell(fellow, "present"), **cell(other, "excused"), **cell(guest, "present")},
    )
    body = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert '<li id="fellows-figure">1 of 2 fellows attended; 1 excused</li>' in body
    assert '<li id="guests-figure">1 of 3 guests attended</li>' in body
    # Invited: the two fellows and three guests; the facilitator and the observer host it, uncounted.
    assert '<li id="invited-figure">2 of 5 invited attended <span class="rate">(40%)</span></li>' in body


def test_fellow_sees_only_their_own_attendance(world: World, client_as: Any, event: Any) -> None:
    client_as("facilitator").post(f"/events/{event.id}/attendance/all-present")
    body = client_as("fellow").get(f"/events/{event.id}").get_data(as_text=True)
    assert "Your attendance:" in body
    assert "fellows attended" not in body
    assert client_as("fellow").get(f"/events/{event.id}/attendance").status_code == 403


def test_grid_save_query_count_does_not_grow_with_invitees(
    world: World, client_as: Any, count_queries: Any
) -> None:
    counts = []
    client = client_as("facilitator")
    for size in (5, 40):
        cohort = f.CohortFactory()
        f.MembershipFactory(cohort=cohort, user=world.users["facilitator"], role=Role.FACILITATOR)
        for _ in range(size):
            f.MembershipFactory(cohort=cohort)
        world_event = make_event(world, title=f"Event {size}")
        world_event.cohort = cohort
        db.session.query(EventInvitation).filter(EventInvitation.event_id == world_event.id).delete()
        db.session.commit()
        from fellowship.events import services

        services.invite_members(world_event)
        db.session.commit()
        invitations = db.session.scalars(
            sa.select(EventInvitation).where(
                EventInvitation.event_id == world_event.id,
                EventInvitation.user_id != world.users["facilitator"].id,  # the host has no row
            )
        ).all()
        data: dict[str, str] = {}
        for inv in invitations:
            data.update(cell(inv, "present"))
        url = f"/events/{world_event.id}/attendance"
        with count_queries() as counter:
            response = client.post(url, data=data)
        assert response.status_code == 302
        counts.append(counter.count)
    assert counts[0] == counts[1]


def test_grid_save_reads_the_user_and_the_event_once(
    world: World, client_as: Any, count_queries: Any, event: Any
) -> None:
    """The commit does not expire what the request already read: the flash message (in the user's
    language) and the redirect after it read neither the user nor the event again."""
    client = client_as("facilitator")
    invitations = [invitation(event, world.users["fellow"])]  # the only participant; staff host it
    data: dict[str, str] = {}
    for inv in invitations:
        data.update(cell(inv, "present"))
    with count_queries() as counter:
        assert client.post(f"/events/{event.id}/attendance", data=data).status_code == 302
    selects = [" ".join(s.split()) for s in counter.statements if s.lstrip().upper().startswith("SELECT")]
    assert sum(s.startswith("SELECT users.id") for s in selects) == 1  # the session check
    assert (
        sum(s.startswith("SELECT events.id, events.cohort_id") for s in selects) == 1
    )  # event, cohort, role
    assert any("INSERT INTO attendance_records" in s for s in counter.statements)


def test_my_attendance_is_shown_in_my_language(world: World, client_as: Any, event: Any) -> None:
    client_as("facilitator").post(f"/events/{event.id}/attendance/all-present")
    body = (
        client_as("fellow")
        .get(f"/events/{event.id}", headers={"Accept-Language": "es"})
        .get_data(as_text=True)
    )
    assert "15 feb 2024: Presente" in body


def test_staff_are_the_events_hosts_never_its_attendees(world: World, client_as: Any, event: Any) -> None:
    client = client_as("facilitator")
    grid = client.get(f"/events/{event.id}/attendance").get_data(as_text=True)
    assert '<p id="hosts">Hosts (not counted as attendees): Fatima Facilitator, Oscar Observer</p>' in grid
    host = invitation(event, world.users["observer"])
    assert f'name="s-{host.id}-{DAY}"' not in grid
    assert client.post(f"/events/{event.id}/attendance", data=cell(host, "present")).status_code == 422
    client.post(f"/events/{event.id}/attendance/all-present")
    assert statuses(event) == {"Fiona Fellow": "present"}
    for staff in ("facilitator", "observer"):
        refused = client_as(staff).post(f"/events/{event.id}/apologies", data={"reason": "Away"})
        assert refused.status_code == 403, staff
    body = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert '<li id="invited-figure">1 of 1 invited attended <span class="rate">(100%)</span></li>' in body


def test_apologies_answer_no_and_give_the_place_to_the_waitlist(world: World, client_as: Any) -> None:
    from tests.events.conftest import make_event
    from tests.mailbox import messages

    second = f.MembershipFactory(cohort=world.cohort, role=Role.FELLOW, user=f.UserFactory(name="Sam Second"))
    event = make_event(world, capacity=1)
    waiting = client_as("anonymous")
    waiting.login_as(second.user)
    client_as("fellow").post(f"/events/{event.id}/rsvp", data={"answer": "yes"})
    waiting.post(f"/events/{event.id}/rsvp", data={"answer": "yes"})
    assert invitation(event, second.user).waitlisted is True
    response = client_as("fellow").post(f"/events/{event.id}/apologies", data={"reason": "Family matter"})
    assert response.status_code == 302
    mine, theirs = invitation(event, world.users["fellow"]), invitation(event, second.user)
    assert (mine.rsvp.value, mine.waitlisted, theirs.rsvp.value, theirs.waitlisted) == (
        "no",
        False,
        "yes",
        False,
    )
    [promoted] = messages("event_promoted")
    assert promoted.recipient == second.user.email


def test_check_in_opens_only_around_a_day_of_the_event(
    world: World, client_as: Any, event: Any, clock: Any
) -> None:
    url = f"/events/{event.id}/check-in/open"
    clock.set_time(event.starts_at - dt.timedelta(days=3))
    facilitator = client_as("facilitator")
    early = facilitator.post(url, data={"minutes": "30", "grace": "10"}, follow_redirects=True)
    assert "Check-in can be opened on a day of the event, from two hours before it starts" in early.get_data(
        as_text=True
    )
    assert db.session.get(type(event), event.id).checkin_code is None
    clock.set_time(event.ends_at)
    facilitator = client_as("facilitator")
    assert "Check-in can be opened" in facilitator.post(
        url, data={"minutes": "30"}, follow_redirects=True
    ).get_data(as_text=True)
    clock.set_time(event.starts_at - dt.timedelta(hours=1))
    client_as("facilitator").post(url, data={"minutes": "120", "grace": "10"})
    assert db.session.get(type(event), event.id).checkin_open(clock.now())


def test_a_repeat_check_in_says_when_the_person_checked_in(
    world: World, client_as: Any, event: Any, clock: Any
) -> None:
    clock.set_time(event.starts_at)
    client_as("facilitator").post(f"/events/{event.id}/check-in/open", data={"minutes": "60", "grace": "10"})
    code = db.session.get(type(event), event.id).checkin_code
    fellow = client_as("fellow")
    fellow.post(f"/events/{event.id}/check-in", data={"code": code})
    clock.advance(dt.timedelta(minutes=20))
    again = fellow.post(f"/events/{event.id}/check-in", data={"code": code}, follow_redirects=True)
    assert "You had already checked in, at 2/15/24, 12:00\u202fPM." in again.get_data(as_text=True)
    assert statuses(event) == {"Fiona Fellow": "present"}
