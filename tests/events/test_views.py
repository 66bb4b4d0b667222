from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from fellowship.core.audit import AuditEntry
from fellowship.events.enums import Rsvp
from fellowship.events.models import AgendaItem, Event, EventInvitation
from fellowship.extensions import db
from fellowship.programs.enums import Role
from tests import factories as f
from tests.conftest import World
from tests.events.conftest import make_event

FORM = {
    "kind": "webinar",
    "title": "Launch webinar",
    "starts_at": "2024-02-15T12:00",
    "ends_at": "2024-02-15T13:30",
    "timezone": "America/Chicago",
    "venue": "",
    "online_link": "https://meet.example.org/launch",
    "capacity": "",
    "speakers": "Nadia Petrova",
    "description": "What worker co-ops are.",
}


def invitee_emails(event_id: int) -> list[str]:
    return sorted(
        db.session.scalars(sa.select(EventInvitation.email).where(EventInvitation.event_id == event_id))
    )


def test_facilitator_schedules_an_event_and_every_member_is_invited(world: World, client_as: Any) -> None:
    response = client_as("facilitator").post(f"/cohorts/{world.cohort.id}/events/new", data=FORM)
    event = db.session.scalar(sa.select(Event).where(Event.title == "Launch webinar"))
    assert response.headers["Location"] == f"/events/{event.id}"
    assert (event.starts_at, event.ends_at) == (
        dt.datetime(2024, 2, 15, 18, 0, tzinfo=dt.UTC),
        dt.datetime(2024, 2, 15, 19, 30, tzinfo=dt.UTC),
    )
    assert invitee_emails(event.id) == sorted(
        world.users[r].email for r in ("fellow", "observer", "facilitator")
    )


def test_event_ending_before_it_starts_is_refused_and_keeps_input(world: World, client_as: Any) -> None:
    response = client_as("facilitator").post(
        f"/cohorts/{world.cohort.id}/events/new", data={**FORM, "ends_at": "2024-02-15T11:00"}
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "The event must end after it starts." in body
    assert 'value="Launch webinar"' in body
    assert db.session.scalar(sa.select(sa.func.count(Event.id))) == 0


def test_event_at_a_time_that_does_not_exist_is_refused(world: World, client_as: Any) -> None:
    response = client_as("facilitator").post(
        f"/cohorts/{world.cohort.id}/events/new",
        data={**FORM, "starts_at": "2024-03-10T02:30", "ends_at": "2024-03-10T04:00"},
    )
    assert response.status_code == 400
    assert "does not exist in America/Chicago" in response.get_data(as_text=True)


def test_event_page_shows_times_in_the_events_zone(world: World, client_as: Any, event: Any) -> None:
    body = client_as("fellow").get(f"/events/{event.id}").get_data(as_text=True)
    assert 'Thursday, February 15, 2024, 12:00\u202fPM <span class="muted">(America/Chicago)</span>' in body


def test_someone_who_joins_later_is_invited_to_upcoming_events(
    world: World, client_as: Any, event: Any
) -> None:
    client_as("facilitator").post(
        f"/cohorts/{world.cohort.id}/members/new",
        data={
            "name": "Late Joiner",
            "email": "late@example.org",
            "role": "fellow",
            "joined_on": "2024-01-29",
        },
    )
    assert "late@example.org" in invitee_emails(event.id)


def test_editing_the_time_bumps_the_sequence_and_is_audited(world: World, client_as: Any, event: Any) -> None:
    response = client_as("facilitator").post(
        f"/events/{event.id}/edit",
        data={**FORM, "title": event.title, "starts_at": "2024-02-15T13:00", "ends_at": "2024-02-15T14:30"},
    )
    assert response.status_code == 302
    stored = db.session.get(Event, event.id)
    assert (stored.sequence, stored.starts_at) == (1, dt.datetime(2024, 2, 15, 19, 0, tzinfo=dt.UTC))
    actions = db.session.scalars(
        sa.select(AuditEntry.action)
        .where(AuditEntry.subject_type == "events", AuditEntry.subject_id == event.id)
        .order_by(AuditEntry.id)  # without an order, PostgreSQL may return them either way
    ).all()
    assert actions == ["created", "updated"]


def test_cancelling_an_event(world: World, client_as: Any, event: Any) -> None:
    client_as("facilitator").post(f"/events/{event.id}/cancel")
    stored = db.session.get(Event, event.id)
    assert stored.cancelled_at is not None and stored.sequence == 1
    assert "This event was cancelled." in client_as("fellow").get(f"/events/{event.id}").get_data(
        as_text=True
    )


def test_agenda_from_a_working_group_template_then_edited(world: World, client_as: Any, event: Any) -> None:
    client = client_as("facilitator")
    client.post(f"/events/{event.id}/agenda", data={"template-template": "working_group_1"})
    titles = db.session.scalars(
        sa.select(AgendaItem.title).where(AgendaItem.event_id == event.id).order_by(AgendaItem.position)
    ).all()
    assert len(titles) == 6 and titles[1] == "Why is it important for me to be here?"
    response = client.post(
        f"/events/{event.id}/agenda",
        data={
            "items-0-starts_at": "2024-02-15T12:00",
            "items-0-title": "Welcome",
            "items-0-notes": "",
            "items-1-starts_at": "",
            "items-1-title": "",
            "items-1-notes": "",
            "items-2-starts_at": "2024-02-15T12:30",
            "items-2-title": "Canvas in pairs",
            "items-2-notes": "Nine blocks",
        },
    )
    assert response.status_code == 302
    items = db.session.execute(
        sa.select(AgendaItem.title, AgendaItem.starts_at)
        .where(AgendaItem.event_id == event.id)
        .order_by(AgendaItem.position)
    ).all()
    assert [(t, s.astimezone(dt.UTC)) for t, s in items] == [
        ("Welcome", dt.datetime(2024, 2, 15, 18, 0, tzinfo=dt.UTC)),
        ("Canvas in pairs", dt.datetime(2024, 2, 15, 18, 30, tzinfo=dt.UTC)),
    ]


def test_forty_seven_guests_pasted_at_once(world: World, client_as: Any, event: Any) -> None:
    text = "\n".join(f"Guest {n} <guest{n}@example.org>" for n in range(47))
    response = client_as("facilitator").post(
        f"/events/{event.id}/guests", data={"guests": text + "\n" + text}
    )
    assert response.status_code == 302
    guests = db.session.scalar(
        sa.select(sa.func.count(EventInvitation.id)).where(
            EventInvitation.event_id == event.id, EventInvitation.user_id.is_(None)
        )
    )
    assert guests == 47


def test_a_bad_guest_line_invites_nobody(world: World, client_as: Any, event: Any) -> None:
    response = client_as("facilitator").post(
        f"/events/{event.id}/guests", data={"guests": "ana@example.org\nnot an address"}
    )
    assert response.status_code == 400
    assert "Line 2:" in response.get_data(as_text=True)
    assert "ana@example.org" not in invitee_emails(event.id)


def test_guest_answers_through_a_personal_link(world: World, client: Any, event: Any) -> None:
    from fellowship.events import services

    [(invitation, token)] = services.add_guests(event, [("Gail", "gail@example.org")])
    db.session.commit()
    assert client.get(f"/rsvp/{token}").status_code == 200
    client.post(f"/rsvp/{token}", data={"answer": "yes"})
    assert db.session.get(EventInvitation, invitation.id).rsvp is Rsvp.YES
    assert client.get("/rsvp/not-a-token").status_code == 404


def test_waitlist_moves_up_when_someone_declines(world: World, client_as: Any) -> None:
    event = make_event(world, capacity=1)
    fellow, observer = client_as("fellow"), client_as("observer")
    fellow.post(f"/events/{event.id}/rsvp", data={"answer": "yes"})
    response = observer.post(f"/events/{event.id}/rsvp", data={"answer": "yes"})
    assert "you are on the waitlist" in observer.get(response.headers["Location"]).get_data(as_text=True)

    def state(role: str) -> tuple[Rsvp | None, bool]:
        row = db.session.scalar(
            sa.select(EventInvitation).where(
                EventInvitation.event_id == event.id, EventInvitation.user_id == world.users[role].id
            )
        )
        return row.rsvp, row.waitlisted

    assert (state("fellow"), state("observer")) == ((Rsvp.YES, False), (Rsvp.YES, True))
    fellow.post(f"/events/{event.id}/rsvp", data={"answer": "no"})
    assert (state("fellow"), state("observer")) == ((Rsvp.NO, False), (Rsvp.YES, False))


def test_cohort_page_lists_upcoming_events(world: World, client_as: Any, event: Any) -> None:
    body = client_as("fellow").get(f"/cohorts/{world.cohort.id}").get_data(as_text=True)
    assert f'href="/events/{event.id}">Business model canvases</a>' in body


def test_the_person_who_moves_up_is_told(world: World, client_as: Any) -> None:
    from tests.mailbox import messages

    second = f.MembershipFactory(cohort=world.cohort, role=Role.FELLOW).user
    event = make_event(world, capacity=1)
    waiting = client_as("anonymous")
    waiting.login_as(second)
    client_as("fellow").post(f"/events/{event.id}/rsvp", data={"answer": "yes"})
    waiting.post(f"/events/{event.id}/rsvp", data={"answer": "yes"})
    client_as("fellow").post(f"/events/{event.id}/rsvp", data={"answer": "no"})
    [message] = messages("event_promoted")
    assert message.recipient == second.email
    assert "A place has freed up: you are now confirmed for Business model canvases." in message.body_text
    body = client_as("facilitator").get(f"/events/{event.id}").get_data(as_text=True)
    assert '<li id="answers-figure">1 said yes</li>' in body


def test_an_event_outside_the_cohorts_dates_waits_for_confirmation(world: World, client_as: Any) -> None:
    client = client_as("facilitator")
    url = f"/cohorts/{world.cohort.id}/events/new"
    later = {
        **FORM,
        "starts_at": "2025-01-20T12:00",
        "ends_at": "2025-01-20T13:00",
    }  # the cohort ends 2024-12-15
    warned = client.post(url, data=later)
    page = warned.get_data(as_text=True)
    assert warned.status_code == 400
    assert "This event falls outside the cohort&#39;s dates (Jan 10" in page
    assert 'name="outside_dates"' in page and 'value="Launch webinar"' in page  # nothing typed is lost
    assert db.session.scalar(sa.select(sa.func.count(Event.id))) == 0
    assert client.post(url, data={**later, "outside_dates": "y"}).status_code == 302
    assert db.session.scalar(sa.select(Event.title)) == "Launch webinar"


def test_an_event_recorded_after_it_ended_is_announced_to_nobody(
    world: World, client_as: Any, clock: Any
) -> None:
    from tests.mailbox import messages

    clock.set_time(dt.datetime(2024, 3, 1, tzinfo=dt.UTC))  # after the form's 15 February
    client = client_as("facilitator")
    assert client.post(f"/cohorts/{world.cohort.id}/events/new", data=FORM).status_code == 302
    event = db.session.scalar(sa.select(Event))
    client.post(f"/events/{event.id}/edit", data={**FORM, "starts_at": "2024-02-15T12:30"})
    assert db.session.get(Event, event.id).sequence == 1  # changed, yet nobody is told of a past event
    assert messages("event_invitation") + messages("event_changed") == []
