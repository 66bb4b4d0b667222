"""iCalendar for events: invitation attachments (REQUEST / CANCEL) and private calendar feeds.

Each event keeps one UID for life and a SEQUENCE that grows with every change invitees must hear about,
so calendar programs update the entry they already have instead of adding a second one.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable

import icalendar

from fellowship.core import clock
from fellowship.events.models import Event

PRODID = "-//Fellowship//Cohort programs//EN"


def uid(event: Event) -> str:
    return f"event-{event.id}@fellowship"


def vevent(event: Event, cancelled: bool = False) -> icalendar.Event:
    entry = icalendar.Event()
    entry.add("uid", uid(event))
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
    return entry


def calendar(events: Iterable[Event], method: str | None = None, name: str | None = None) -> bytes:
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    if method:
        cal.add("method", method)
    if name:
        cal.add("x-wr-calname", name)
    for event in events:
        cal.add_component(vevent(event, cancelled=method == "CANCEL"))
    return cal.to_ical()


def attachment(event: Event, method: str) -> dict[str, str]:
    return {
        "filename": "invite.ics" if method != "CANCEL" else "cancel.ics",
        "mimetype": "text/calendar",
        "method": method,
        "content": calendar([event], method=method).decode("utf-8"),
    }


def feed_token(secret: str, kind: str, owner_id: int, version: int) -> str:
    """An unguessable token for a private feed; changing ``version`` makes every earlier token useless."""
    message = f"{kind}:{owner_id}:{version}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()[:40]


def token_matches(secret: str, kind: str, owner_id: int, version: int, token: str) -> bool:
    return hmac.compare_digest(feed_token(secret, kind, owner_id, version), token)
