"""The XSS payload corpus and the checks that a page shows a payload only as inert text."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

PAYLOADS = [
    line for line in (Path(__file__).with_name("payloads.txt")).read_text("utf-8").splitlines() if line
]
URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "data",
    "background",
    "poster",
    "srcdoc",
    "xlink:href",
}
BAD_SCHEMES = ("javascript:", "vbscript:", "data:text/html")
FOREIGN_TAGS = {"iframe", "object", "embed", "base", "style", "math", "svg", "marquee", "isindex"}


class _Scanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag}> has an event handler attribute {name}")
            if name in URL_ATTRIBUTES and value is not None:
                compact = "".join(value.split()).lower()
                if compact.startswith(BAD_SCHEMES):
                    self.problems.append(f"<{tag} {name}> points at {value!r}")
            if name == "style":
                self.problems.append(f"<{tag}> carries an inline style")
        refresh = tag == "meta" and any(n == "http-equiv" for n, _v in attrs)
        if tag == "svg" and _own_chart(attrs):
            return  # the evaluation summary's charts: drawn by our template, attributes checked above
        if refresh or tag in FOREIGN_TAGS:
            self.problems.append(f"unexpected <{tag}> element")
        if tag == "script":
            src = dict(attrs).get("src") or ""
            if "/static/" not in src:
                self.problems.append("a <script> that is not one of ours")
            self._in_script = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.problems.append("inline script content")


def _own_chart(attrs: list[tuple[str, str | None]]) -> bool:
    """An <svg> the summary template draws: class "chart …", a role of img and nothing else unusual."""
    values = dict(attrs)
    allowed = {"class", "viewbox", "preserveaspectratio", "role", "aria-labelledby"}
    return (
        (values.get("class") or "").startswith("chart ")
        and values.get("role") == "img"
        and set(values) <= allowed
    )


def script_problems(html: str, payload: str) -> list[str]:
    """Why this page could run the payload; empty when it shows the payload only as text."""
    scanner = _Scanner()
    scanner.feed(html)
    scanner.close()
    problems = list(scanner.problems)
    if "<" in payload and payload.strip() in html:
        problems.append("the payload appears unescaped in the page")
    return problems
