"""The documentation's own check: README.md and docs/*.md link only to files and headings that exist, every
docs page is in the index, and the guides show only the screenshots `make screenshots` makes.

Anchors are matched the way GitHub makes them from headings: lower case, punctuation dropped, spaces turned
into hyphens, and a repeated heading numbered -1, -2 …
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from fellowship import demo
from tests.e2e import screenshots

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
INDEX = DOCS / "README.md"
PAGES = sorted([ROOT / "README.md", *DOCS.glob("*.md")])

FENCE = re.compile(r"^\s*(```|~~~)")
HEADING = re.compile(r"^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
CODE_SPAN = re.compile(r"(`+).*?\1")
EXTERNAL = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)  # http:, https:, mailto: …


def prose_lines(path: Path) -> list[tuple[int, str]]:
    """The file's lines outside fenced code blocks, numbered from 1."""
    lines, fenced = [], False
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if FENCE.match(line):
            fenced = not fenced
            continue
        if not fenced:
            lines.append((number, line))
    return lines


def slug(heading: str) -> str:
    """GitHub's anchor for a heading's text."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link or image: its text
    text = re.sub(r"<[^>]+>", "", text)  # inline HTML tags
    text = text.replace("`", "").replace("*", "")
    text = text.strip().lower()
    text = "".join(c for c in text if c.isalnum() or c in " -_")
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    """Every anchor GitHub gives the headings of a markdown file."""
    seen: dict[str, int] = {}
    found = set()
    for _number, line in prose_lines(path):
        match = HEADING.match(line)
        if not match:
            continue
        base = slug(match.group(2))
        count = seen.get(base, 0)
        seen[base] = count + 1
        found.add(base if count == 0 else f"{base}-{count}")
    return found


def links(path: Path) -> list[tuple[int, str]]:
    """Every link and image target in a markdown file (not in code), with its line number."""
    found = []
    for number, line in prose_lines(path):
        for match in LINK.finditer(CODE_SPAN.sub("", line)):
            found.append((number, match.group(1)))
    return found


def problems(path: Path) -> list[str]:
    """What is broken in a markdown file's relative links and images: missing files or missing headings."""
    broken = []
    for number, target in links(path):
        if EXTERNAL.match(target):
            continue
        file_part, _, anchor = target.partition("#")
        destination = (path.parent / file_part).resolve() if file_part else path
        where = f"{path.name}:{number}: {target}"
        if not destination.exists():
            broken.append(f"{where}: no such file")
        elif anchor and destination.suffix == ".md" and anchor not in anchors(destination):
            broken.append(f"{where}: no heading #{anchor} in {destination.name}")
    return broken


def images_shown(path: Path) -> set[Path]:
    """The files under docs/images/ a markdown file shows or links to."""
    shown = set()
    for _number, target in links(path):
        if EXTERNAL.match(target):
            continue
        destination = (path.parent / target.partition("#")[0]).resolve()
        if destination.is_relative_to(screenshots.IMAGES):
            shown.add(destination)
    return shown


def pictures_the_script_makes() -> set[Path]:
    return {
        screenshots.IMAGES / lang / f"{name}.png"
        for lang in screenshots.LANGUAGES
        for _journey, names in screenshots.JOURNEYS.values()
        for name in names
        if screenshots.kept(name, lang)
    }


@pytest.mark.parametrize("page", PAGES, ids=lambda page: str(page.relative_to(ROOT)))
def test_every_relative_link_and_image_points_at_something_that_exists(page: Path) -> None:
    assert problems(page) == []


def test_every_docs_page_is_linked_from_the_index() -> None:
    linked = {(INDEX.parent / target.partition("#")[0]).resolve() for _number, target in links(INDEX)}
    missing = [page.name for page in DOCS.glob("*.md") if page != INDEX and page.resolve() not in linked]
    assert missing == []
    assert INDEX.resolve() in {(ROOT / t.partition("#")[0]).resolve() for _n, t in links(ROOT / "README.md")}


def test_the_checker_flags_broken_links_and_anchors(tmp_path: Path) -> None:
    (tmp_path / "other.md").write_text("# Other page\n\n## Second part, again!\n\n## Second part, again!\n")
    (tmp_path / "picture.png").write_bytes(b"")
    page = tmp_path / "page.md"
    lines = [
        "# Title",
        "Good: [other](other.md), [a part](other.md#second-part-again),",
        "[the repeat](other.md#second-part-again-1), [here](#title), ![a picture](picture.png),",
        "[a site](https://example.org/missing) and `[code](nowhere.md)`.",
        "```",
        "[in a fence](fenced.md)",
        "```",
        "Broken: [gone](missing.md) and ![no picture](images/none.png)",  # line 8
        "and [no such part](other.md#third-part) and [no such heading here](#nowhere).",  # line 9
    ]
    page.write_text("\n".join(lines) + "\n")
    assert problems(page) == [
        "page.md:8: missing.md: no such file",
        "page.md:8: images/none.png: no such file",
        "page.md:9: other.md#third-part: no heading #third-part in other.md",
        "page.md:9: #nowhere: no heading #nowhere in page.md",
    ]


def test_anchors_follow_githubs_rules() -> None:
    assert (
        slug('What "anonymous" protects, and what it does not')
        == "what-anonymous-protects-and-what-it-does-not"
    )
    assert slug("The home page: what needs you now") == "the-home-page-what-needs-you-now"
    assert slug("Run `make screenshots` (twice)") == "run-make-screenshots-twice"
    assert slug("Étapes en français") == "étapes-en-français"


def test_the_guides_show_only_pictures_the_screenshot_script_makes() -> None:
    made = pictures_the_script_makes()
    shown = set().union(*(images_shown(page) for page in PAGES))
    assert sorted(str(p.relative_to(ROOT)) for p in shown - made) == []
    assert sorted(str(p.relative_to(ROOT)) for p in made - shown) == [], "a picture no page shows"


def test_every_guide_has_pictures_in_english_and_arabic() -> None:
    for guide in DOCS.glob("guide-*.md"):
        languages = {path.parent.name for path in images_shown(guide)}
        assert languages == {"en", "ar"}, guide.name


def test_the_readme_lists_the_sign_ins_make_run_prints() -> None:
    printed = [
        demo.ADMIN_EMAIL,
        demo._email(demo.FACILITATORS[0][0]),
        demo._email(demo.FELLOWS[0][0]),
        demo.OBSERVER_EMAIL,
        demo._email(demo.ERG_PARTICIPANTS[0], "example.pl"),
        demo._email(demo.FOUNDERS[0][0]),
        demo.JUROR_EMAIL,
    ]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert [email for email in printed if f"`{email}`" not in readme] == []
    assert f"`{demo.DEMO_PASSWORD}`" in readme


# --- the deployment files of the operators' guide -----------------------------------------------------------

DEPLOY = DOCS / "deploy"


def test_every_deployment_file_is_linked_from_the_operators_guide() -> None:
    guide = (DOCS / "operators.md").read_text(encoding="utf-8")
    for path in sorted(DEPLOY.iterdir()):
        assert f"(deploy/{path.name})" in guide, path.name


def test_the_systemd_units_run_commands_that_exist_with_settings_that_exist() -> None:
    """Each unit's ExecStart names a real command of the application and reads the documented environment
    file, and that file sets only settings the application reads (config.py) or psycopg's URL."""
    import configparser

    from fellowship import create_app

    commands = create_app({"TESTING": True}).cli.commands["fellowship"].commands  # type: ignore[attr-defined]
    for path in sorted(DEPLOY.glob("*.service")):
        unit = configparser.ConfigParser(strict=False, interpolation=None)
        unit.read_string(path.read_text(encoding="utf-8"))
        service = unit["Service"]
        assert service["EnvironmentFile"] == "/etc/fellowship/env"
        command = service["ExecStart"].split()
        if "gunicorn" in command[0]:
            assert command[-1] == "wsgi:app" and (ROOT / "wsgi.py").exists()
        else:
            assert command[1:4] == ["--app", "fellowship", "fellowship"] and command[4] in commands, path.name
    config = (ROOT / "fellowship" / "config.py").read_text(encoding="utf-8")
    for line in (DEPLOY / "fellowship.env").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name = line.split("=", 1)[0]
            short = name.removeprefix("FELLOWSHIP_")
            assert f'"{name}"' in config or f'ENV_PREFIX + "{short}"' in config, name
