"""Event emails with iCalendar attachments, private calendar feeds, and reminders sent once."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import icalendar
import sqlalchemy as sa
from ical.calendar_stream import IcsCalendarStream

from fellowship.accounts.models import User
from fellowship.core.notifications import Notification
from fellowship.events import calendar
from fellowship.events.models import Event
from fellowship.extensions import db
from tests.conftest import World
from tests.events import itip
from tests.events.conftest import make_event
from tests.events.test_views import FORM
from tests.mailbox import link_path, messages


def parse(ics: str | bytes) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(ics)


def only_event(cal: icalendar.Calendar) -> Any:
    [entry] = [c for c in cal.walk() if c.name == "VEVENT"]
    return entry


def test_invitees_get_an_email_with_an_ics_request(world: World, client_as: Any) -> None:
    client_as("facilitator").post(f"/cohorts/{world.cohort.id}/events/new", data=FORM)
    sent = messages("event_invitation")
    assert sorted(m.recipient for m in sent) == sorted(
        world.users[r].email for r in ("fellow", "observer", "facilitator")
    )
    message = next(m for m in sent if m.recipient == world.users["fellow"].email)
    assert message.subject == "Invitation: Launch webinar"
    [attachment] = message.attachments
    cal = parse(attachment["content"])
    entry = only_event(cal)
    assert (str(cal["method"]), str(entry["summary"]), int(entry["sequence"])) == (
        "REQUEST",
        "Launch webinar",
        0,
    )
    assert entry.decoded("dtstart") == dt.datetime(2024, 2, 15, 18, 0, tzinfo=dt.UTC)
    assert message.headers["List-Unsubscribe"].startswith("<http://fellowship.test/unsubscribe/")


def test_change_and_cancel_keep_the_uid_and_raise_the_sequence(world: World, client_as: Any) -> None:
    client = client_as("facilitator")
    client.post(f"/cohorts/{world.cohort.id}/events/new", data=FORM)
    event_id = link_path(messages("event_invitation")[0], "/events/").rsplit("/", 1)[1]
    client.post(
        f"/events/{event_id}/edit",
        data={**FORM, "starts_at": "2024-02-15T13:00", "ends_at": "2024-02-15T14:00"},
    )
    client.post(f"/events/{event_id}/cancel")
    entries = [
        (str(parse(m.attachments[0]["content"])["method"]), only_event(parse(m.attachments[0]["content"])))
        for m in (
            messages("event_invitation")[0],
            messages("event_changed")[0],
            messages("event_cancelled")[0],
        )
    ]
    uid = db.session.get(Event, int(event_id)).uid
    assert {str(e["uid"]) for _m, e in entries} == {uid}
    assert [(method, int(e["sequence"]), str(e["status"])) for method, e in entries] == [
        ("REQUEST", 0, "CONFIRMED"),
        ("REQUEST", 1, "CONFIRMED"),
        ("CANCEL", 2, "CANCELLED"),
    ]


def test_unsubscribed_members_get_no_event_mail(world: World, client_as: Any) -> None:
    user = db.session.get(User, world.users["fellow"].id)
    user.email_notifications = False
    db.session.commit()
    client_as("facilitator").post(f"/cohorts/{world.cohort.id}/events/new", data=FORM)
    assert world.users["fellow"].email not in [m.recipient for m in messages("event_invitation")]


def test_guests_get_a_personal_answer_link(world: World, client_as: Any, app: Any, event: Any) -> None:
    client_as("facilitator").post(
        f"/events/{event.id}/guests", data={"guests": "Gail Guest <gail@example.org>"}
    )
    [message] = messages("event_invitation", "gail@example.org")
    path = link_path(message, "/rsvp/")
    response = app.test_client().post(path, data={"answer": "maybe"})
    assert response.status_code == 302
    assert "Hello Gail Guest," in message.body_text


def test_personal_feed_lists_my_events_and_can_be_reset(
    world: World, client_as: Any, app: Any, event: Any
) -> None:
    other = make_event(world, title="Other cohort event")
    other.cohort = world.other_cohort
    db.session.commit()
    token = calendar.feed_token(app.secret_key, "user", world.users["fellow"].id, 1)
    anonymous = app.test_client()
    response = anonymous.get(f"/calendar/{world.users['fellow'].id}/{token}.ics")
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"  # the charset once
    summaries = [str(e["summary"]) for e in parse(response.get_data()).walk("VEVENT")]
    assert summaries == ["Business model canvases", "Other cohort event"]  # invitations stay with the event
    client_as("fellow").post("/my-events/calendar/reset")
    assert anonymous.get(f"/calendar/{world.users['fellow'].id}/{token}.ics").status_code == 404
    assert anonymous.get(f"/calendar/{world.users['fellow'].id}/guessed-token.ics").status_code == 404


def test_cohort_feed_needs_its_token(world: World, app: Any, event: Any) -> None:
    token = calendar.feed_token(app.secret_key, "cohort", world.cohort.id, 1)
    client = app.test_client()
    ok = client.get(f"/cohorts/{world.cohort.id}/calendar/{token}.ics")
    assert [str(e["summary"]) for e in parse(ok.get_data()).walk("VEVENT")] == ["Business model canvases"]
    assert client.get(f"/cohorts/{world.other_cohort.id}/calendar/{token}.ics").status_code == 404


def test_my_events_page_shows_the_feed_address(world: World, client_as: Any, event: Any) -> None:
    body = client_as("fellow").get("/my-events").get_data(as_text=True)
    assert f"/calendar/{world.users['fellow'].id}/" in body
    assert "Business model canvases" in body


def test_dispatch_sends_each_reminder_once(world: World, app: Any, event: Any, clock: Any) -> None:
    runner = app.test_cli_runner()
    clock.set_time(event.starts_at - dt.timedelta(hours=30))
    assert (
        runner.invoke(args=["fellowship", "dispatch"]).output
        == "anonymous answers: 0\ncredentials: 0\ndiscussion announcements: 0\ndiscussion digests: 0\n"
        "evaluation links: 0\n"
        "event reminders: 0\n"
        "network archive: 0\nnetwork exchanges: 0\nnetwork mentoring: 0\n"
        "network reminders: 0\nvote emails forgotten: 0\n"
    )
    clock.set_time(event.starts_at - dt.timedelta(hours=20))
    assert (
        runner.invoke(args=["fellowship", "dispatch"]).output
        == "anonymous answers: 0\ncredentials: 0\ndiscussion announcements: 0\ndiscussion digests: 0\n"
        "evaluation links: 0\n"
        "event reminders: 3\n"
        "network archive: 0\nnetwork exchanges: 0\nnetwork mentoring: 0\n"
        "network reminders: 0\nvote emails forgotten: 0\n"
    )
    assert (
        runner.invoke(args=["fellowship", "dispatch"]).output
        == "anonymous answers: 0\ncredentials: 0\ndiscussion announcements: 0\ndiscussion digests: 0\n"
        "evaluation links: 0\n"
        "event reminders: 0\n"
        "network archive: 0\nnetwork exchanges: 0\nnetwork mentoring: 0\n"
        "network reminders: 0\nvote emails forgotten: 0\n"
    )
    reminders = messages("event_reminder")
    assert len(reminders) == 3
    assert reminders[0].subject == "Reminder: Business model canvases"
    assert db.session.scalar(sa.select(sa.func.count(Notification.id))) == 3


def test_people_who_declined_get_no_reminder(
    world: World, client_as: Any, app: Any, event: Any, clock: Any
) -> None:
    client_as("fellow").post(f"/events/{event.id}/rsvp", data={"answer": "no"})
    clock.set_time(event.starts_at - dt.timedelta(hours=2))
    app.test_cli_runner().invoke(args=["fellowship", "dispatch"])
    assert world.users["fellow"].email not in [m.recipient for m in messages("event_reminder")]


def test_invitations_keep_to_rfc_5546_and_name_only_the_recipient(
    world: World, client_as: Any, app: Any
) -> None:
    """REQUEST and CANCEL carry ORGANIZER and ATTENDEE as iTIP requires; the attendee is the recipient
    alone (no guest list in anyone's calendar), with RSVP=FALSE since answers are given in Fellowship."""
    app.config["FELLOWSHIP_MAIL_FROM"] = "Chicago Fellowship <fellowship@example.org>"
    client = client_as("facilitator")
    client.post(f"/cohorts/{world.cohort.id}/events/new", data=FORM)
    event = db.session.scalars(sa.select(Event).where(Event.title == "Launch webinar")).one()
    client.post(f"/events/{event.id}/cancel")
    fellow = world.users["fellow"]
    invited = [world.users[r].email for r in ("fellow", "observer", "facilitator")]
    for kind, method in (("event_invitation", "REQUEST"), ("event_cancelled", "CANCEL")):
        [message] = messages(kind, fellow.email)
        [attachment] = message.attachments
        ics = attachment["content"]
        assert itip.check(ics) == [], ics
        entry = only_event(parse(ics))
        assert str(entry["organizer"]) == "mailto:fellowship@example.org"
        assert entry["organizer"].params["CN"] == world.program.name
        attendee = entry["attendee"]
        assert not isinstance(attendee, list)  # one attendee: the recipient
        assert (str(attendee), attendee.params["RSVP"], attendee.params["CN"]) == (
            f"mailto:{fellow.email}",
            "FALSE",
            fellow.name,
        )
        assert [email for email in invited if email in ics] == [fellow.email]
        # A second parser, written independently of the first, reads the same invitation.
        other = IcsCalendarStream.calendar_from_ics(ics)
        [parsed] = other.events
        assert (other.method, parsed.uid, parsed.sequence) == (method, event.uid, int(entry["sequence"]))
        assert parsed.organizer is not None and parsed.organizer.uri == "mailto:fellowship@example.org"
        assert [(a.uri, a.rsvp) for a in parsed.attendees] == [(f"mailto:{fellow.email}", False)]
        assert parsed.dtstart == dt.datetime(2024, 2, 15, 18, 0, tzinfo=dt.UTC)
        if method == "REQUEST":
            assert "answers sent from a calendar program do not reach the organisers" in message.body_text


def test_the_rfc_5546_check_refuses_an_invitation_without_organizer_or_attendee() -> None:
    """The file invitations were before: METHOD:REQUEST with neither, which calendar programs may ignore."""
    cal = icalendar.Calendar()
    cal.add("prodid", calendar.PRODID)
    cal.add("version", "2.0")
    cal.add("method", "REQUEST")
    entry = icalendar.Event()
    for name, value in (
        ("uid", "event-1@fellowship"),
        ("dtstamp", dt.datetime(2024, 1, 1, tzinfo=dt.UTC)),
        ("dtstart", dt.datetime(2024, 1, 2, tzinfo=dt.UTC)),
        ("summary", "Webinar"),
        ("status", "CANCELLED"),
    ):
        entry.add(name, value)
    cal.add_component(entry)
    assert itip.check(cal.to_ical()) == [
        "VEVENT ATTENDEE appears 0 times, not 1+",
        "VEVENT ORGANIZER appears 0 times, not 1",
        "STATUS CANCELLED in REQUEST",
    ]


def test_every_event_has_its_own_uid_so_installations_never_collide(world: World) -> None:
    """Event 1 of one installation and event 1 of another must not update each other in one calendar."""
    first, second = make_event(world, title="One"), make_event(world, title="Two")
    pattern = r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}@fellowship"
    assert re.fullmatch(pattern, first.uid) and re.fullmatch(pattern, second.uid)
    assert first.uid != second.uid and first.uid != f"event-{first.id}@fellowship"


def test_feeds_publish_events_without_anyone_s_address(world: World, app: Any, event: Any) -> None:
    token = calendar.feed_token(app.secret_key, "cohort", world.cohort.id, 1)
    body = app.test_client().get(f"/cohorts/{world.cohort.id}/calendar/{token}.ics").get_data(as_text=True)
    assert "ORGANIZER" not in body and "ATTENDEE" not in body and "mailto:" not in body
    assert [e.uid for e in IcsCalendarStream.calendar_from_ics(body).events] == [event.uid]
