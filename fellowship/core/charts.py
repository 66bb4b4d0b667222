"""Geometry of the server-drawn SVG charts; `templates/macros/charts.html` only places what is computed here.

Two shapes: horizontal bars, one per category, each with its label and its value written beside it; and the
diverging bar of a rating scale, low answers on one side of a centre line and high ones on the other.

Coordinates are SVG user units in a box ``width`` wide whose height follows the number of rows. The
stylesheet scales the box to its container, text included, so the box keeps its proportions and the text is
never stretched. Text sizes are estimated (``CHAR`` units per character at the stylesheet's 13-unit font) to
reserve room for labels and values; labels too long for the room are shortened, and the table under every
chart gives them in full.

Right-to-left pages get a mirrored layout, not a CSS mirror (which would mirror the text as well): bars grow
from the right edge and labels sit on the right. The charts' text runs left to right (``direction: ltr`` in
the stylesheet), so ``text-anchor`` is physical here: "start" is the text's left end, whatever the page's
direction, and the right-to-left layout swaps the anchors.

Values are written with the formatter the caller gives (the page's locale's number or percent format);
nothing here needs a request or a database.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

WIDTH = 400
FONT = 13  # font size in user units; the stylesheet's `.chart text` says the same
CHAR = 7.5  # a generous average advance of one character at that size
EDGE = 4  # blank margin around the drawing
GAP = 6  # between a bar and its text
ROW = 26  # one bar chart row
BAR = 16  # a bar's thickness
BAND = 24  # the diverging bar's thickness
SWATCH = 12  # a legend key's colour square
NONE = "—"  # the value of a category that has none (no bar is drawn)

Format = Callable[[float], str]


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float


@dataclass(frozen=True)
class Text:
    x: float
    y: float  # the baseline
    anchor: str  # "start" (left end at x), "middle" or "end" (right end at x)
    content: str


@dataclass(frozen=True)
class Row:
    label: Text
    value: Text
    bar: Rect | None  # None for a zero or missing value


@dataclass(frozen=True)
class BarChart:
    width: float
    height: float
    rows: list[Row]
    axis: Line  # where the bars start


@dataclass(frozen=True)
class Segment:
    value: int
    share: float
    rect: Rect | None  # None for an answer nobody gave
    label: Text | None  # the share, written inside the segment when it fits there


@dataclass(frozen=True)
class Key:
    value: int
    swatch: Rect
    text: Text  # the answer and its share


@dataclass(frozen=True)
class DivergingChart:
    width: float
    height: float
    segments: list[Segment]
    centre: Line
    ends: list[Text]  # what the lowest and the highest answer mean, under the bar's two ends
    keys: list[Key]


def text_width(text: str) -> float:
    return len(text) * CHAR


def shorten(text: str, room: float) -> str:
    """``text``, cut to what fits in ``room`` units with an ellipsis when it is longer."""
    fits = int(room // CHAR)
    if len(text) <= fits:
        return text
    return text[: max(fits - 1, 1)].rstrip() + "…"


class _Side:
    """Places things for the page's direction: the left-to-right position, mirrored in right-to-left pages."""

    def __init__(self, width: float, rtl: bool) -> None:
        self.width = width
        self.rtl = rtl

    def x(self, x: float) -> float:
        return _r(self.width - x if self.rtl else x)

    def rect(self, x: float, y: float, width: float, height: float) -> Rect:
        left = self.width - x - width if self.rtl else x
        return Rect(_r(left), _r(y), _r(width), _r(height))

    def anchor(self, anchor: str) -> str:
        if not self.rtl or anchor == "middle":
            return anchor
        return "start" if anchor == "end" else "end"

    def text(self, x: float, y: float, anchor: str, content: str) -> Text:
        return Text(self.x(x), _r(y), self.anchor(anchor), content)


def _r(number: float) -> float:
    return round(number, 2)


def bars(
    labels: Sequence[str],
    values: Sequence[float | None],
    fmt: Format,
    *,
    most: float | None = None,
    rtl: bool = False,
    width: float = WIDTH,
) -> BarChart:
    """One horizontal bar per category, as long as its share of ``most`` (by default the largest value).

    Left to right: the labels, right-aligned, in a column as wide as the longest (at most 40 % of the
    chart); the bars from the axis; each value, formatted with ``fmt``, just past its bar's end. A missing
    value is written as a dash with no bar.
    """
    texts = [NONE if value is None else fmt(value) for value in values]
    known = [max(value, 0) for value in values if value is not None]
    most = max(known, default=0) if most is None else most
    label_room = min(max((text_width(label) for label in labels), default=0), width * 0.4)
    value_room = max((text_width(text) for text in texts), default=0)
    start = EDGE + label_room + GAP
    track = max(width - EDGE - value_room - GAP - start, 0)
    side = _Side(width, rtl)
    rows = []
    for i, (label, value, text) in enumerate(zip(labels, values, texts, strict=True)):
        middle = EDGE + i * ROW + ROW / 2
        baseline = middle + FONT * 0.35
        length = track * min(max(value, 0) / most, 1) if value is not None and most > 0 else 0
        rows.append(
            Row(
                label=side.text(start - GAP, baseline, "end", shorten(label, label_room)),
                value=side.text(start + length + GAP, baseline, "start", text),
                bar=side.rect(start, middle - BAR / 2, length, BAR) if length > 0 else None,
            )
        )
    height = 2 * EDGE + len(rows) * ROW
    return BarChart(_r(width), _r(height), rows, Line(side.x(start), EDGE, side.x(start), _r(height - EDGE)))


def diverging(
    counts: Mapping[int, int],
    fmt: Format,
    *,
    low: int = 1,
    high: int = 5,
    low_label: str = "",
    high_label: str = "",
    rtl: bool = False,
    width: float = WIDTH,
) -> DivergingChart | None:
    """Answers on a ``low``–``high`` scale as one bar across a centre line: answers below the middle of the
    scale to its left (in left-to-right pages), those above it to its right, the middle answer split across
    it. Each side is half the chart for 100 per cent, so the charts of several questions compare. Each
    segment shows its share (formatted with ``fmt``) when it fits; under the bar, the meanings of the scale's
    ends, then a key of every answer with its colour and share. None when nobody answered."""
    total = sum(counts.values())
    if not total:
        return None
    scale = range(low, high + 1)
    share = {value: counts.get(value, 0) / total for value in scale}
    middle = (low + high) / 2
    neutral = share[int(middle)] if middle.is_integer() else 0.0
    centre = width / 2
    half = centre - EDGE
    side = _Side(width, rtl)
    # Where each answer's segment starts, in shares from the centre line (negative: the low side).
    starts: dict[int, float] = {}
    edge = -neutral / 2
    for value in (v for v in reversed(scale) if v < middle):
        edge -= share[value]
        starts[value] = edge
    if middle.is_integer():
        starts[int(middle)] = -neutral / 2
    edge = neutral / 2
    for value in (v for v in scale if v > middle):
        starts[value] = edge
        edge += share[value]
    segments = []
    for value in scale:
        length = half * share[value]
        left = centre + half * starts[value]
        text = fmt(share[value])
        label = side.text(left + length / 2, EDGE + BAND / 2 + FONT * 0.35, "middle", text)
        segments.append(
            Segment(
                value=value,
                share=share[value],
                rect=side.rect(left, EDGE, length, BAND) if length > 0 else None,
                label=label if length >= text_width(text) + GAP else None,
            )
        )
    below = EDGE + BAND + GAP + FONT
    ends = []
    room = half - GAP
    if low_label:
        ends.append(side.text(EDGE, below, "start", shorten(low_label, room)))
    if high_label:
        ends.append(side.text(width - EDGE, below, "end", shorten(high_label, room)))
    keys_top = (below + 2 * GAP) if ends else (EDGE + BAND + 2 * GAP)
    slot = (width - 2 * EDGE) / len(scale)
    keys = []
    for i, value in enumerate(scale):
        left = EDGE + i * slot
        keys.append(
            Key(
                value=value,
                swatch=side.rect(left, keys_top, SWATCH, SWATCH),
                text=side.text(
                    left + SWATCH + GAP / 2,
                    keys_top + SWATCH / 2 + FONT * 0.35,
                    "start",
                    shorten(f"{value}: {fmt(share[value])}", slot - SWATCH - GAP),
                ),
            )
        )
    height = keys_top + SWATCH + EDGE
    line = Line(_r(centre), EDGE - 2, _r(centre), EDGE + BAND + 2)
    return DivergingChart(_r(width), _r(height), segments, line, ends, keys)
