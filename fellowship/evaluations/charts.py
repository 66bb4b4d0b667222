"""Bar geometry for the summary's server-drawn SVG charts (no script, no library needed for rectangles).

Coordinates are in a 100-unit-wide box; the template draws the rectangles and colours them by class from
the stylesheet, which also mirrors the charts in right-to-left languages. Every chart has a table of the
same numbers beside it as its text alternative.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Bar:
    value: int
    x: float
    width: float
    share: float


def diverging(counts: dict[int, int], low: int = 1, high: int = 5) -> list[Bar]:
    """Likert answers as one diverging bar: low values left of the centre line, high ones right, the
    middle value split across it. Each side is 50 units wide for 100 per cent."""
    total = sum(counts.values())
    if not total:
        return []
    middle = (low + high) / 2
    share = {v: counts.get(v, 0) / total for v in range(low, high + 1)}
    neutral = share.get(int(middle), 0.0) if middle.is_integer() else 0.0
    bars: list[Bar] = []
    left = 50 - 25 * neutral  # half the neutral share lies left of the centre line
    for value in range(int(middle) - (1 if middle.is_integer() else 0), low - 1, -1):
        width = 50 * share[value]
        left -= width
        bars.append(Bar(value, left, width, share[value]))
    if middle.is_integer():
        bars.append(Bar(int(middle), 50 - 25 * neutral, 50 * neutral, neutral))
    right = 50 + 25 * neutral
    for value in range(int(middle) + 1, high + 1):
        width = 50 * share[value]
        bars.append(Bar(value, right, width, share[value]))
        right += width
    return sorted(bars, key=lambda bar: bar.value)


def columns(counts: dict[int, int], values: list[int]) -> list[Bar]:
    """One horizontal bar per value, as long as its share of the answers (the longest is full width)."""
    total = sum(counts.values())
    most = max(counts.values(), default=0)
    return [
        Bar(v, 0, 100 * counts.get(v, 0) / most if most else 0, counts.get(v, 0) / total if total else 0)
        for v in values
    ]
