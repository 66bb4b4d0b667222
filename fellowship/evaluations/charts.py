"""The evaluation summary's charts: a five-point question as one diverging bar, any other closed question as
one bar per answer with its label, count and share. ``fellowship.core.charts`` lays them out; the template
draws them with ``macros/charts.html`` above the table of the same numbers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fellowship.core import charts
from fellowship.core.charts import BarChart, DivergingChart, Format
from fellowship.evaluations.enums import CHOICE_KINDS, SCALES

if TYPE_CHECKING:
    from fellowship.evaluations.models import Question
    from fellowship.evaluations.services import QuestionFigures


def answer_label(question: Question, value: int) -> str:
    """How the summary names an answer: the option's text, or the scale value with the meaning of its ends."""
    if question.kind in CHOICE_KINDS:
        return str(question.options[value])
    values = list(SCALES[question.kind])
    if value == values[0] and question.low_label:
        return f"{value} ({question.low_label})"
    if value == values[-1] and question.high_label:
        return f"{value} ({question.high_label})"
    return str(value)


def likert(figures: QuestionFigures, percent: Format, *, rtl: bool = False) -> DivergingChart | None:
    """The answers to a five-point question across a centre line, each segment with its share."""
    question = figures.question
    return charts.diverging(
        figures.counts,
        percent,
        low_label=question.low_label or "",
        high_label=question.high_label or "",
        rtl=rtl,
    )


def answers(
    figures: QuestionFigures, number: Format, percent: Format, *, rtl: bool = False
) -> BarChart | None:
    """One bar per answer, as long as its share of the most common one, written "count (share)"; None when
    nobody answered."""
    total = sum(figures.counts.values())
    if not total:
        return None
    counts = [figures.counts.get(value, 0) for value in figures.values]
    return charts.bars(
        [answer_label(figures.question, value) for value in figures.values],
        counts,
        lambda n: f"{number(n)} ({percent(n / total)})",
        rtl=rtl,
    )
