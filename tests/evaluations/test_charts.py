"""The summary's charts: answers named as in its tables, bars written "count (share)"."""

from __future__ import annotations

import pytest

from fellowship.evaluations import charts
from fellowship.evaluations.enums import QuestionKind
from fellowship.evaluations.models import Question
from fellowship.evaluations.services import QuestionFigures


def percent(value: float) -> str:
    return f"{value:.0%}"


def scale(**fields: str) -> Question:
    return Question(kind=QuestionKind.SCALE10, prompt="Recommend?", options=[], **fields)


def test_answers_are_named_by_option_or_by_value_and_the_scales_ends() -> None:
    question = scale(low_label="Not at all likely", high_label="Extremely likely")
    assert [charts.answer_label(question, v) for v in (0, 5, 10)] == [
        "0 (Not at all likely)",
        "5",
        "10 (Extremely likely)",
    ]
    choice = Question(kind=QuestionKind.SINGLE, prompt="Which?", options=["Online", "In person"])
    assert charts.answer_label(choice, 1) == "In person"


def test_answer_bars_scale_to_the_most_common_answer() -> None:
    chart = charts.answers(QuestionFigures(scale(), {0: 1, 10: 4}), str, percent)
    assert chart is not None
    assert len(chart.rows) == 11
    drawn = [(row.label.content, row.value.content, row.bar.width) for row in chart.rows if row.bar]
    assert [(label, value) for label, value, _width in drawn] == [("0", "1 (20%)"), ("10", "4 (80%)")]
    assert drawn[1][2] == pytest.approx(4 * drawn[0][2], abs=0.02)  # each rounded to 0.01
    assert charts.answers(QuestionFigures(scale(), {}), str, percent) is None


def test_likert_chart_is_a_diverging_bar_with_the_scales_ends() -> None:
    question = Question(
        kind=QuestionKind.LIKERT5, prompt="Overall?", options=[], low_label="Poor", high_label="Excellent"
    )
    chart = charts.likert(QuestionFigures(question, {3: 1, 5: 1}), percent, rtl=True)
    assert chart is not None
    assert [end.content for end in chart.ends] == ["Poor", "Excellent"]
    assert [s.share for s in chart.segments] == [0, 0, 0.5, 0, 0.5]
    assert chart.segments[4].rect.x < chart.segments[2].rect.x  # the high answer to the left in Arabic
