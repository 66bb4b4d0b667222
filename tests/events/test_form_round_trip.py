"""Opening an event's form and saving what it shows changes nothing and e-mails nobody, in any timezone,
on both sides of a change of clocks. The form is read and posted back as a browser would."""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser
from typing import Any

import pytest
import sqlalchemy as sa

from fellowship.core.mail import OutboxMessage
from fellowship.events import services
from fellowship.events.models import Event
from fellowship.extensions import db
from tests.conftest import World
from tests.events.conftest import make_event


class FormValues(HTMLParser):
    """The values a browser would submit from the page's event form (inputs, selected options, textareas)."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "input" and a.get("name") and a.get("type") not in {"submit", "checkbox", "radio"}:
            self.values[a["name"]] = a.get("value", "")
        elif tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select and "selected" in a:
            self.values[self._select] = a.get("value", "")
        elif tag == "textarea":
            self._textarea = a.get("name")
            self.values[self._textarea or ""] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.values[self._textarea] += data.removeprefix("\n")


# (zone, local start): west and east of UTC, each on a day before and after the spring change of clocks.
CASES = [
    ("America/Chicago", dt.datetime(2024, 3, 8, 9, 0)),
    ("America/Chicago", dt.datetime(2024, 3, 14, 9, 0)),
    ("Europe/Warsaw", dt.datetime(2024, 3, 29, 16, 0)),
    ("Europe/Warsaw", dt.datetime(2024, 4, 2, 16, 0)),
    ("Asia/Jerusalem", dt.datetime(2024, 3, 28, 18, 30)),
    ("Asia/Jerusalem", dt.datetime(2024, 3, 31, 18, 30)),
]


@pytest.mark.parametrize(("zone", "local_start"), CASES)
def test_saving_the_form_as_shown_moves_nothing_and_mails_nobody(
    world: World, client_as: Any, zone: str, local_start: dt.datetime
) -> None:
    starts = services.to_utc(local_start, zone)
    event = make_event(world, starts_at=starts, ends_at=starts + dt.timedelta(hours=2), timezone=zone)
    mails = db.session.scalar(sa.select(sa.func.count(OutboxMessage.id)))
    client = client_as("facilitator")
    parser = FormValues()
    parser.feed(client.get(f"/events/{event.id}/edit").get_data(as_text=True))
    assert parser.values["starts_at"] == local_start.strftime("%Y-%m-%dT%H:%M")
    response = client.post(f"/events/{event.id}/edit", data=parser.values)
    assert response.status_code == 302
    saved = db.session.get(Event, event.id)
    assert (saved.starts_at, saved.ends_at, saved.sequence) == (starts, starts + dt.timedelta(hours=2), 0)
    assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == mails
