"""Bar geometry of the summary charts."""

from __future__ import annotations

import pytest

from fellowship.evaluations import charts


def test_diverging_bar_centres_the_neutral_answer() -> None:
    bars = charts.diverging({1: 1, 2: 1, 3: 2, 4: 4, 5: 2})
    assert [(b.value, b.x, b.width) for b in bars] == [
        (1, pytest.approx(35.0), pytest.approx(5.0)),
        (2, pytest.approx(40.0), pytest.approx(5.0)),
        (3, pytest.approx(45.0), pytest.approx(10.0)),
        (4, pytest.approx(55.0), pytest.approx(20.0)),
        (5, pytest.approx(75.0), pytest.approx(10.0)),
    ]
    all_low = charts.diverging({1: 3})
    assert (all_low[0].x, all_low[0].width) == (0.0, 50.0)  # a whole half, left of the centre line
    assert charts.diverging({}) == []


def test_columns_scale_to_the_most_common_answer() -> None:
    bars = charts.columns({0: 1, 10: 4}, list(range(11)))
    assert [(b.value, b.width, b.share) for b in bars if b.width] == [(0, 25.0, 0.2), (10, 100.0, 0.8)]
    assert len(bars) == 11
