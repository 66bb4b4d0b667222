"""RFC 5546 (iTIP) restriction tables for the two methods Fellowship sends, as test data.

Each table maps a property to how often it may appear in a VEVENT of that method: "1" exactly once,
"1+" at least once, "0+" any number of times, "0/1" at most once, "0" never. Properties the table does
not name may not appear either, except extensions (X-...). The tables follow sections 3.2.2 (REQUEST)
and 3.2.5 (CANCEL) of the RFC; the notes after a property are the RFC's extra conditions, checked in
``check`` below.
"""

from __future__ import annotations

from typing import Any

import icalendar

_COMMON = {
    "ATTACH": "0+",
    "CATEGORIES": "0+",
    "CLASS": "0/1",
    "COMMENT": "0+",
    "CONTACT": "0+",
    "CREATED": "0/1",
    "DESCRIPTION": "0/1",
    "DTEND": "0/1",
    "DURATION": "0/1",
    "EXDATE": "0+",
    "GEO": "0/1",
    "LAST-MODIFIED": "0/1",
    "LOCATION": "0/1",
    "PRIORITY": "0/1",
    "RDATE": "0+",
    "RECURRENCE-ID": "0/1",
    "RELATED-TO": "0+",
    "REQUEST-STATUS": "0",
    "RESOURCES": "0+",
    "RRULE": "0+",
    "STATUS": "0/1",
    "TRANSP": "0/1",
    "URL": "0/1",
}

VEVENT = {
    "REQUEST": {
        **_COMMON,
        "ATTENDEE": "1+",
        "DTSTAMP": "1",
        "DTSTART": "1",
        "ORGANIZER": "1",
        "SEQUENCE": "0/1",  # and present whenever it is above 0
        "SUMMARY": "1",
        "UID": "1",
    },
    "CANCEL": {
        **_COMMON,
        "ATTENDEE": "0+",
        "DTSTAMP": "1",
        "DTSTART": "0/1",
        "ORGANIZER": "1",
        "SEQUENCE": "1",
        "SUMMARY": "0/1",
        "UID": "1",
    },
}
STATUSES = {"REQUEST": {"TENTATIVE", "CONFIRMED"}, "CANCEL": {"CANCELLED"}}
VCALENDAR = {"METHOD": "1", "PRODID": "1", "VERSION": "1", "CALSCALE": "0/1"}


def _count_ok(presence: str, count: int) -> bool:
    return {
        "1": count == 1,
        "1+": count >= 1,
        "0+": True,
        "0/1": count <= 1,
        "0": count == 0,
    }[presence]


def _counts(component: Any) -> dict[str, int]:
    counts: dict[str, int] = {}
    for name, value in component.property_items(recursive=False):
        if name in {"BEGIN", "END"}:
            continue
        counts[name] = counts.get(name, 0) + (len(value) if isinstance(value, list) else 1)
    return counts


def check(ics: str | bytes) -> list[str]:
    """Every way the file breaks the RFC 5546 table of its method (an empty list when it keeps to it)."""
    cal = icalendar.Calendar.from_ical(ics)
    problems: list[str] = []
    method = str(cal.get("METHOD", ""))
    if method not in VEVENT:
        return [f"METHOD {method!r} is not REQUEST or CANCEL"]
    for table, component in ((VCALENDAR, cal), *((VEVENT[method], e) for e in cal.walk("VEVENT"))):
        counts = _counts(component)
        for name in counts:
            if name not in table and not name.startswith("X-"):
                problems.append(f"{component.name} {name} is not allowed in {method}")
        for name, presence in table.items():
            if not _count_ok(presence, counts.get(name, 0)):
                problems.append(
                    f"{component.name} {name} appears {counts.get(name, 0)} times, not {presence}"
                )
    events = cal.walk("VEVENT")
    if not events:
        problems.append(f"{method} has no VEVENT")
    if len({str(e.get("UID")) for e in events}) > 1:
        problems.append("the VEVENTs do not share one UID")
    for event in events:
        if int(event.get("SEQUENCE", 0)) > 0 and "SEQUENCE" not in event:
            problems.append("SEQUENCE above 0 must be present")
        if "DTEND" in event and "DURATION" in event:
            problems.append("DTEND and DURATION together")
        if "STATUS" in event and str(event["STATUS"]) not in STATUSES[method]:
            problems.append(f"STATUS {event['STATUS']} in {method}")
    return problems
