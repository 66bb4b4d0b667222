"""Reading the server-drawn charts (templates/macros/charts.html) out of a page, for assertions on what they
show and where: each chart by the id of its <title>, as its shapes and texts in document order."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Shape:
    tag: str
    attrs: dict[str, str]
    text: str = ""

    @property
    def classes(self) -> list[str]:
        return self.attrs.get("class", "").split()

    def number(self, name: str) -> float:
        return float(self.attrs[name])


@dataclass
class Chart:
    svg: dict[str, str]
    shapes: list[Shape] = field(default_factory=list)

    @property
    def width(self) -> float:
        return float(self.svg["viewbox"].split()[2])

    def all(self, tag: str, cls: str | None = None) -> list[Shape]:
        return [s for s in self.shapes if s.tag == tag and (cls is None or cls in s.classes)]

    def texts(self, cls: str) -> list[str]:
        return [s.text for s in self.all("text", cls)]

    def one(self, tag: str, cls: str) -> Shape:
        [found] = self.all(tag, cls)
        return found


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.charts: dict[str, Chart] = {}
        self._chart: Chart | None = None
        self._text: Shape | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "svg":
            self._chart = Chart(values)
            self.charts[values["aria-labelledby"]] = self._chart
        elif self._chart is not None and tag in {"rect", "line", "text"}:
            shape = Shape(tag, values)
            self._chart.shapes.append(shape)
            self._text = shape if tag == "text" else None

    def handle_endtag(self, tag: str) -> None:
        if tag == "svg":
            self._chart = None
        if tag == "text":
            self._text = None

    def handle_data(self, data: str) -> None:
        if self._text is not None:
            self._text.text += data


def charts(html: str) -> dict[str, Chart]:
    """The page's charts, keyed by the id their ``aria-labelledby`` names."""
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader.charts
