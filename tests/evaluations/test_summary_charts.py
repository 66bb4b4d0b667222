"""The summary's charts read on their own: the scale's meaning, each answer's share and count, and in Arabic
the layout mirrored by the server (low answers on the right) rather than by a CSS transform."""

from __future__ import annotations

from typing import Any

from fellowship.extensions import db
from tests.conftest import World
from tests.evaluations.conftest import Webinar
from tests.evaluations.test_views import form_for
from tests.svg import Chart, charts


def answered(world: World, client_as: Any, webinar: Webinar, app: Any) -> dict[str, Chart]:
    """Two answers: overall 5 and 3, recommend 9 and 6; the facilitator's summary's charts by their ids."""
    survey = webinar.evaluate()
    url = f"/events/{webinar.event.id}/evaluation"
    client_as("fellow").post(url, data=form_for(survey))
    webinar.client_of(app, "second").post(url, data=form_for(survey, overall="3", recommend="6"))
    ids = {q.key: q.id for q in survey.questions}
    page = client_as("facilitator").get(f"{url}/summary").get_data(as_text=True)
    found = charts(page)
    return {key: found[f"chart-{ids[key]}-alt"] for key in ("overall", "recommend")}


def test_likert_chart_writes_shares_and_the_scales_ends(
    world: World, client_as: Any, webinar: Webinar, app: Any
) -> None:
    overall = answered(world, client_as, webinar, app)["overall"]
    assert overall.svg["class"] == "chart diverging"
    assert overall.texts("share") == ["50%", "50%"]  # the neutral 3 and the 5
    assert overall.texts("end") == ["Poor", "Excellent"]
    assert overall.texts("key") == ["1: 0%", "2: 0%", "3: 50%", "4: 0%", "5: 50%"]
    centre = overall.one("line", "centre").number("x1")
    assert centre == overall.width / 2
    neutral, high = overall.all("rect", "segment")
    assert neutral.number("x") < centre < neutral.number("x") + neutral.number("width")
    assert high.number("x") == neutral.number("x") + neutral.number("width")  # the 5 right of the 3


def test_scale_chart_labels_each_answer_with_count_and_share(
    world: World, client_as: Any, webinar: Webinar, app: Any
) -> None:
    recommend = answered(world, client_as, webinar, app)["recommend"]
    assert recommend.svg["class"] == "chart bars"
    ends = ["0 (Not at all likely)", "10 (Extremely likely)"]
    assert recommend.texts("label") == [ends[0], *map(str, range(1, 10)), ends[1]]
    values = recommend.texts("value")
    assert (values[6], values[9]) == ("1 (50%)", "1 (50%)")
    assert set(values[:6] + values[7:9] + values[10:]) == {"0 (0%)"}
    assert len(recommend.all("rect", "bar")) == 2


def test_summary_charts_in_arabic_are_mirrored_by_layout(
    world: World, client_as: Any, webinar: Webinar, app: Any
) -> None:
    world.users["facilitator"].locale = "ar"
    db.session.commit()
    found = answered(world, client_as, webinar, app)
    overall, recommend = found["overall"], found["recommend"]
    centre = overall.one("line", "centre").number("x1")
    neutral, high = overall.all("rect", "segment")
    assert neutral.number("x") < centre < neutral.number("x") + neutral.number("width")
    assert high.number("x") + high.number("width") == neutral.number("x")  # the 5 left of the 3
    ends = overall.all("text", "end")
    assert [(t.text, t.attrs["text-anchor"]) for t in ends] == [("Poor", "end"), ("Excellent", "start")]
    assert ends[0].number("x") > ends[1].number("x")  # "Poor" at the right end
    keys = overall.all("text", "key")
    assert [k.number("x") for k in keys] == sorted((k.number("x") for k in keys), reverse=True)
    axis = recommend.one("line", "axis").number("x1")
    for bar in recommend.all("rect", "bar"):
        assert bar.number("x") + bar.number("width") == axis
    assert {t.attrs["text-anchor"] for t in recommend.all("text", "label")} == {"start"}
    assert {t.attrs["text-anchor"] for t in recommend.all("text", "value")} == {"end"}
    assert all(t.number("x") > axis for t in recommend.all("text", "label"))
