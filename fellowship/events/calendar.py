"""iCalendar for events: invitation attachments (REQUEST / CANCEL) and private calendar feeds.

Each event keeps one UID for life (``Event.uid``, random, so two installations never collide in one
calendar) and a SEQUENCE that grows with every change invitees must hear about, so calendar programs
update the entry they already have instead of adding a second one.

An invitation (RFC 5546 iTIP) names its ORGANIZER and at least one ATTENDEE. Ours names the installation's
sending address as organiser and the recipient as the only attendee, so no guest list leaks into anyone's
calendar, with RSVP=FALSE: answers are given in Fellowship (the email's link), because the sending address
receives no replies. Feeds are published calendars (no METHOD) and name neither.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from email.utils import parseaddr

import icalendar
from flask import current_app

from fellowship.core import clock
from fellowship.events.enums import Rsvp
from fellowship.events.models import Event, EventInvitation

PRODID = "-//Fellowship//Cohort programs//EN"


PARTSTAT = {Rsvp.YES: "ACCEPTED", Rsvp.NO: "DECLINED", Rsvp.MAYBE: "TENTATIVE", None: "NEEDS-ACTION"}


def organizer(event: Event) -> icalendar.vCalAddress:
    _name, address = parseaddr(current_app.config["FELLOWSHIP_MAIL_FROM"])
    value = icalendar.vCalAddress(f"mailto:{address}")
    value.params["CN"] = event.cohort.program.name
    return value


def attendee(invitation: EventInvitation) -> icalendar.vCalAddress:
    value = icalendar.vCalAddress(f"mailto:{invitation.email}")
    value.params["CN"] = invitation.name
    value.params["CUTYPE"] = "INDIVIDUAL"
    value.params["ROLE"] = "REQ-PARTICIPANT"
    value.params["PARTSTAT"] = PARTSTAT[invitation.rsvp]
    value.params["RSVP"] = "FALSE"
    return value


def vevent(
    event: Event, cancelled: bool = False, recipient: EventInvitation | None = None
) -> icalendar.Event:
    entry = icalendar.Event()
    entry.add("uid", event.uid)
    entry.add("sequence", event.sequence)
    entry.add("dtstamp", clock.now())
    entry.add("dtstart", event.starts_at)
    entry.add("dtend", event.ends_at)
    entry.add("summary", event.title)
    if event.description:
        entry.add("description", event.description)
    location = event.venue or event.online_link
    if location:
        entry.add("location", location)
    if event.online_link:
        entry.add("url", event.online_link)
    entry.add("status", "CANCELLED" if cancelled or event.cancelled_at else "CONFIRMED")
    if recipient is not None:
        entry.add("organizer", organizer(event))
        entry.add("attendee", attendee(recipient))
    return entry


def calendar(
    events: Iterable[Event],
    method: str | None = None,
    name: str | None = None,
    recipient: EventInvitation | None = None,
) -> bytes:
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    if method:
        cal.add("method", method)
    if name:
        cal.add("x-wr-calname", name)
    for event in events:
        cal.add_component(vevent(event, cancelled=method == "CANCEL", recipient=recipient))
    return cal.to_ical()


def attachment(event: Event, method: str, recipient: EventInvitation) -> dict[str, str]:
    """The invitation (or cancellation) for one recipient, who is its only attendee."""
    return {
        "filename": "invite.ics" if method != "CANCEL" else "cancel.ics",
        "mimetype": "text/calendar",
        "method": method,
        "content": calendar([event], method=method, recipient=recipient).decode("utf-8"),
    }


def feed_token(secret: str, kind: str, owner_id: int, version: int) -> str:
    """An unguessable token for a private feed; changing ``version`` makes every earlier token useless."""
    message = f"{kind}:{owner_id}:{version}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()[:40]


def token_matches(secret: str, kind: str, owner_id: int, version: int, token: str) -> bool:
    return hmac.compare_digest(feed_token(secret, kind, owner_id, version), token)
