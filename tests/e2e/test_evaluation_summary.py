"""The evaluation summary in Arabic: the page, its tables and its charts read right to left."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fellowship.attendance.enums import Status
from fellowship.evaluations import defaults, services
from fellowship.events import services as events
from fellowship.events.enums import EventKind
from fellowship.events.models import EventInvitation
from fellowship.extensions import db
from tests import factories as f
from tests.conftest import World
from tests.e2e.browsing import sign_in_on
from tests.evaluations.conftest import mark


def test_summary_charts_and_tables_mirror_in_arabic(page: Any, server: str, world: World, clock: Any) -> None:
    starts = dt.datetime(2024, 1, 18, 18, 0, tzinfo=dt.UTC)
    event = events.create_event(
        world.cohort,
        events.EventFields(
            EventKind.WEBINAR, "Launch webinar", "", starts, starts + dt.timedelta(hours=1), "UTC"
        ),
        world.users["admin"].id,
    )
    survey = services.attach(event, "Evaluation", defaults.questions(), False, None, None)
    keys = {q.key: q.id for q in survey.questions}
    for n, invitation in enumerate(db.session.query(EventInvitation).filter_by(event_id=event.id)):
        mark(invitation, Status.PRESENT)
        db.session.flush()
        values = {
            keys["overall"]: 1 + n % 5,
            keys["content"]: 4,
            keys["facilitation"]: 5,
            keys["recommend"]: 9,
        }
        services.record(survey, invitation, values, starts)
    db.session.commit()

    sign_in_on(page, server, world.users["facilitator"].email, "ar", password=f.PASSWORD)
    page.goto(f"{server}/events/{event.id}/evaluation/summary")
    assert page.evaluate("document.documentElement.dir") == "rtl"
    chart = page.locator("svg.chart.diverging").first
    assert chart.evaluate("e => getComputedStyle(e).transform") == "none"  # mirrored by layout
    lefts = [segment.bounding_box()["x"] for segment in chart.locator("rect.segment").all()]
    assert len(lefts) > 1 and lefts == sorted(lefts, reverse=True)  # from the lowest answer on the right
    box = chart.bounding_box()
    for text in chart.locator("text").all():  # every label and share inside the chart, none cut off
        inside = text.bounding_box()
        assert box["x"] <= inside["x"] and inside["x"] + inside["width"] <= box["x"] + box["width"]
    first, last = (
        page.locator("table.distribution").first.locator("thead th").nth(i).bounding_box() for i in (0, 2)
    )
    assert first["x"] > last["x"]  # the answer column is on the right
