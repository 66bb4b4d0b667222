"""Chart layout: bars with their labels and values, the diverging bar, both mirrored for right-to-left."""

from __future__ import annotations

from fellowship.core import charts
from fellowship.core.charts import Line, Rect, Text

MONTHS = ["2024-01", "2024-02", "2024-03"]


def percent(value: float) -> str:
    return f"{value:.0%}"


def test_bars_place_labels_bars_and_values_left_to_right() -> None:
    chart = charts.bars(MONTHS, [0.5, None, 1.0], percent, most=1, width=320)
    # Labels 7 characters wide (52.5), values up to 4 (30): the bars start at 62.5 and may be 217.5 long.
    assert (chart.width, chart.height, chart.axis) == (320, 86, Line(62.5, 4, 62.5, 82))
    assert [(row.label, row.bar, row.value) for row in chart.rows] == [
        (
            Text(56.5, 21.55, "end", "2024-01"),
            Rect(62.5, 9.0, 108.75, 16),
            Text(177.25, 21.55, "start", "50%"),
        ),
        (Text(56.5, 47.55, "end", "2024-02"), None, Text(68.5, 47.55, "start", "—")),
        (
            Text(56.5, 73.55, "end", "2024-03"),
            Rect(62.5, 61.0, 217.5, 16),
            Text(286.0, 73.55, "start", "100%"),
        ),
    ]


def test_bars_in_right_to_left_grow_from_the_right_with_swapped_anchors() -> None:
    chart = charts.bars(MONTHS, [0.5, None, 1.0], percent, most=1, width=320, rtl=True)
    assert chart.axis == Line(257.5, 4, 257.5, 82)  # 320 - 62.5
    assert [(row.label, row.bar, row.value) for row in chart.rows] == [
        (
            Text(263.5, 21.55, "start", "2024-01"),
            Rect(148.75, 9.0, 108.75, 16),  # its right end on the axis
            Text(142.75, 21.55, "end", "50%"),
        ),
        (Text(263.5, 47.55, "start", "2024-02"), None, Text(251.5, 47.55, "end", "—")),
        (
            Text(263.5, 73.55, "start", "2024-03"),
            Rect(40.0, 61.0, 217.5, 16),
            Text(34.0, 73.55, "end", "100%"),
        ),
    ]


def test_bars_scale_to_the_largest_value_by_default() -> None:
    chart = charts.bars(["a", "b", "c"], [1, 4, 0], str, width=200)
    widths = [row.bar.width if row.bar else 0 for row in chart.rows]
    assert widths == [widths[1] / 4, widths[1], 0]
    assert [row.value.content for row in chart.rows] == ["1", "4", "0"]
    assert all(row.bar is None for row in charts.bars(["a"], [None], str).rows)


def test_long_labels_are_shortened_to_their_column() -> None:
    chart = charts.bars(["A very long answer option that goes on and on", "Yes"], [1, 2], str, width=200)
    # At most 40 % of the chart (80 units): 10 characters, the last an ellipsis.
    assert [row.label.content for row in chart.rows] == ["A very lo…", "Yes"]
    assert charts.shorten("Excellent", 100) == "Excellent"


def test_diverging_bar_centres_the_neutral_answer() -> None:
    chart = charts.diverging(
        {1: 1, 2: 1, 3: 2, 4: 4, 5: 2}, percent, low_label="Poor", high_label="Excellent"
    )
    assert chart is not None
    # 400 wide: the centre at 200, 196 units for 100 per cent on each side.
    assert [(s.value, s.rect) for s in chart.segments] == [
        (1, Rect(141.2, 4, 19.6, 24)),
        (2, Rect(160.8, 4, 19.6, 24)),
        (3, Rect(180.4, 4, 39.2, 24)),
        (4, Rect(219.6, 4, 78.4, 24)),
        (5, Rect(298.0, 4, 39.2, 24)),
    ]
    # A share is written inside its segment when it fits there (10 per cent is too narrow for "10%").
    assert [s.label for s in chart.segments] == [
        None,
        None,
        Text(200.0, 20.55, "middle", "20%"),
        Text(258.8, 20.55, "middle", "40%"),
        Text(317.6, 20.55, "middle", "20%"),
    ]
    assert chart.centre == Line(200.0, 2, 200.0, 30)
    assert chart.ends == [Text(4, 47, "start", "Poor"), Text(396, 47, "end", "Excellent")]
    assert [(k.swatch.x, k.text) for k in chart.keys] == [
        (4.0, Text(19.0, 69.55, "start", "1: 10%")),
        (82.4, Text(97.4, 69.55, "start", "2: 10%")),
        (160.8, Text(175.8, 69.55, "start", "3: 20%")),
        (239.2, Text(254.2, 69.55, "start", "4: 40%")),
        (317.6, Text(332.6, 69.55, "start", "5: 20%")),
    ]


def test_diverging_bar_in_right_to_left_puts_low_answers_on_the_right() -> None:
    chart = charts.diverging({1: 1, 2: 1, 3: 2, 4: 4, 5: 2}, percent, low_label="Poor", rtl=True)
    assert chart is not None
    assert [(s.value, s.rect) for s in chart.segments] == [
        (1, Rect(239.2, 4, 19.6, 24)),
        (2, Rect(219.6, 4, 19.6, 24)),
        (3, Rect(180.4, 4, 39.2, 24)),
        (4, Rect(102.0, 4, 78.4, 24)),
        (5, Rect(62.8, 4, 39.2, 24)),
    ]
    assert chart.centre == Line(200.0, 2, 200.0, 30)
    assert chart.ends == [Text(396, 47, "end", "Poor")]
    assert [(k.swatch.x, k.text.x, k.text.anchor) for k in chart.keys][0] == (384.0, 381.0, "end")


def test_diverging_bar_of_one_answer_fills_its_half() -> None:
    chart = charts.diverging({1: 3}, percent)
    assert chart is not None
    assert [s.rect for s in chart.segments if s.rect] == [Rect(4.0, 4, 196.0, 24)]
    assert charts.diverging({}, percent) is None
