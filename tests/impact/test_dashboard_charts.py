"""The dashboard's month charts: each month labelled, each value written in the page's language, and in
Arabic the layout itself mirrored (bars from the right, labels on the right), with no CSS mirror."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fellowship.attendance.enums import Status
from fellowship.extensions import db
from fellowship.impact import services
from fellowship.impact.enums import AssistanceKind, Stage
from tests.conftest import World
from tests.impact.test_certificates import attended
from tests.svg import Chart, charts


def two_months(world: World) -> None:
    """January: the fellow present at a webinar, 2.5 hours of assistance; February: 1.5 hours, no sessions."""
    attended(world, "fellow", Status.PRESENT)
    for day, hours in ((dt.date(2024, 1, 20), 2.5), (dt.date(2024, 2, 5), 1.5)):
        services.save_log(
            None,
            world.program,
            world.users["facilitator"].id,
            {"given_on": day, "kind": AssistanceKind.ONE_ON_ONE, "stage": Stage.OTHER, "hours": hours},
        )
    db.session.commit()


def dashboard_charts(world: World, client_as: Any) -> dict[str, Chart]:
    page = client_as("facilitator").get(f"/programs/{world.program.id}/dashboard").get_data(as_text=True)
    return charts(page)


def test_month_charts_label_each_month_and_write_each_value(world: World, client_as: Any, clock: Any) -> None:
    two_months(world)
    found = dashboard_charts(world, client_as)
    assert sorted(found) == ["chart-approvals-alt", "chart-attendance-alt", "chart-hours-alt"]
    attendance, hours = found["chart-attendance-alt"], found["chart-hours-alt"]
    assert attendance.texts("label") == ["2024-01", "2024-02"]
    assert attendance.texts("value") == ["100%", "—"]  # no session in February: a dash and no bar
    assert len(attendance.all("rect", "bar")) == 1
    assert found["chart-approvals-alt"].texts("value") == ["0", "0"]
    assert hours.texts("value") == ["2.5", "1.5"]
    january, february = hours.all("rect", "bar")
    assert february.number("width") / january.number("width") == 0.6
    axis = hours.one("line", "axis").number("x1")
    assert [bar.number("x") for bar in (january, february)] == [axis, axis]  # from the left
    assert {t.attrs["text-anchor"] for t in hours.all("text", "label")} == {"end"}
    assert {t.attrs["text-anchor"] for t in hours.all("text", "value")} == {"start"}


def test_visible_titles_name_each_chart_and_its_unit(world: World, client_as: Any, clock: Any) -> None:
    two_months(world)
    page = client_as("facilitator").get(f"/programs/{world.program.id}/dashboard").get_data(as_text=True)
    titles = [part.split("</figcaption>")[0] for part in page.split('<figcaption class="chart-title">')[1:]]
    assert titles == ["Attendance rate (%)", "Worksheets approved (number)", "Technical assistance (hours)"]
    assert 'preserveAspectRatio="none"' not in page


def test_month_charts_in_arabic_are_laid_out_from_the_right(world: World, client_as: Any, clock: Any) -> None:
    two_months(world)
    english = dashboard_charts(world, client_as)["chart-hours-alt"]
    world.users["facilitator"].locale = "ar"
    db.session.commit()
    arabic = dashboard_charts(world, client_as)["chart-hours-alt"]
    width = arabic.width
    axis = arabic.one("line", "axis").number("x1")
    assert axis == width - english.one("line", "axis").number("x1")
    assert axis > width / 2  # the bars start at the right
    for bar, mirror in zip(arabic.all("rect", "bar"), english.all("rect", "bar"), strict=True):
        assert bar.number("x") + bar.number("width") == axis  # each ends on the axis and grows leftwards
        assert bar.number("x") == width - mirror.number("x") - mirror.number("width")
    labels, values = arabic.all("text", "label"), arabic.all("text", "value")
    assert [t.text for t in labels] == ["2024-01", "2024-02"]
    assert {t.attrs["text-anchor"] for t in labels} == {"start"}  # swapped: from the axis towards the right
    assert all(t.number("x") > axis for t in labels)
    assert {t.attrs["text-anchor"] for t in values} == {"end"}
    assert [t.number("x") for t in values] == [width - t.number("x") for t in english.all("text", "value")]
