"""Reading module files: good files load; every problem names the file and the field."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from fellowship import PROJECT_DIR
from fellowship.curriculum import loader, services
from fellowship.curriculum.models import Module
from fellowship.extensions import db

GOOD = """
slug: mission-statement
order: 4
published_on: 2024-03-14
title: {en: Mission statement, es: Declaración de misión}
body:
  en: |
    ### Why a mission
    It keeps everyone pointed the same way.
questions: {en: ["Who are we?"]}
fields:
  - {name: who_we_are, type: long_text, label: {en: Who we are}}
  - name: frequency
    type: choice
    label: {en: How often}
    choices: [{value: monthly, label: {en: Monthly}}]
  - name: indicators
    type: table
    label: {en: Indicators}
    columns:
      - {name: indicator, type: short_text, label: {en: Indicator}}
      - {name: target, type: number, label: {en: Target}}
  - {name: strengths, type: list, label: {en: Strengths}}
  - {name: review_on, type: date, label: {en: Review on}}
  - {name: members, type: number, min: 2, label: {en: Members}}
  - {name: name, type: short_text, label: {en: Name}, required: true}
"""


def write(folder: Path, kind: str, name: str, text: str) -> Path:
    path = folder / kind / f"{name}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), "utf-8")
    return path


def test_good_file_loads_with_every_field_type(tmp_path: Path) -> None:
    write(tmp_path, "coop_fellowship", "mission-statement", GOOD)
    result = loader.read_all(tmp_path)
    assert result.errors == []
    [module] = result.modules
    assert (module.slug, module.program_kind, module.position, module.published_on) == (
        "mission-statement",
        "coop_fellowship",
        4,
        dt.date(2024, 3, 14),
    )
    assert [f["type"] for f in module.fields] == [
        "long_text",
        "choice",
        "table",
        "list",
        "date",
        "number",
        "short_text",
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("slug: [unclosed", "cannot be read as YAML"),
        ("- a list", "must be a mapping of keys to values"),
        (
            GOOD.replace("title: {en: Mission statement, es: Declaración de misión}", "title: {es: Misión}"),
            "title: the English text (en) is missing",
        ),
        (GOOD.replace("type: long_text", "type: essay"), "field 'who_we_are': type 'essay' is not one of"),
        (GOOD.replace("name: members", "name: who_we_are"), "field 'who_we_are': the name is used twice"),
        (
            GOOD.replace("choices: [{value: monthly, label: {en: Monthly}}]", "choices: []"),
            "field 'frequency'.choices: give the choices as a list",
        ),
        (GOOD.replace("published_on: 2024-03-14", "published_on: soon"), "published_on: give a date"),
        (
            GOOD.replace("{name: target, type: number", "{name: target, type: table"),
            "field 'indicators'.columns[1]: type 'table' cannot be used in a table",
        ),
        (
            GOOD.replace(
                "title: {en: Mission statement, es: Declaración de misión}", "title: {en: Mission, xx: Bad}"
            ),
            "title: unknown language code(s) xx",
        ),
    ],
)
def test_problems_name_the_file_and_field(tmp_path: Path, text: str, message: str) -> None:
    write(tmp_path, "coop_fellowship", "mission-statement", text)
    result = loader.read_all(tmp_path)
    assert result.modules == []
    assert len(result.errors) >= 1
    assert result.errors[0].startswith("coop_fellowship/mission-statement.yaml: ")
    assert message in result.errors[0]


def test_unknown_program_folder_is_refused(tmp_path: Path) -> None:
    write(tmp_path, "choir", "mission-statement", GOOD)
    assert "program_kind: 'choir' is not one of" in loader.read_all(tmp_path).errors[0]


def test_shipped_curriculum_has_no_problems() -> None:
    result = loader.read_all(PROJECT_DIR / "curriculum")
    assert result.errors == []
    kinds = sorted({m.program_kind for m in result.modules})
    assert kinds == ["coop_fellowship", "erg_academy", "tech_coop_founding"]


def test_sync_is_idempotent_and_versions_changed_files(app: Any, tmp_path: Path) -> None:
    path = write(tmp_path, "coop_fellowship", "mission-statement", GOOD)
    first = services.sync(loader.read_all(tmp_path).modules)
    again = services.sync(loader.read_all(tmp_path).modules)
    assert (first.added, again.added, again.updated, again.unchanged) == (1, 0, 0, 1)
    path.write_text(textwrap.dedent(GOOD).replace("It keeps everyone", "It keeps all of us"), "utf-8")
    changed = services.sync(loader.read_all(tmp_path).modules)
    db.session.commit()
    assert (changed.added, changed.updated) == (0, 1)
    versions = db.session.execute(
        sa.select(Module.version, Module.current)
        .where(Module.slug == "mission-statement")
        .order_by(Module.version)
    ).all()
    assert versions == [(1, False), (2, True)]


def test_sync_command_refuses_a_broken_folder(app: Any, tmp_path: Path) -> None:
    write(tmp_path, "coop_fellowship", "broken", "slug: [")
    app.config["FELLOWSHIP_CURRICULUM_DIR"] = str(tmp_path)
    try:
        result = app.test_cli_runner().invoke(args=["fellowship", "curriculum", "sync"])
    finally:
        app.config["FELLOWSHIP_CURRICULUM_DIR"] = ""
    assert result.exit_code == 1
    assert "coop_fellowship/broken.yaml: cannot be read as YAML" in result.output
    assert db.session.scalar(sa.select(sa.func.count(Module.id))) == 0


def test_materials_created_in_a_period_count_by_published_on(app: Any, tmp_path: Path) -> None:
    import datetime as dt

    from fellowship.curriculum.queries import materials_published

    services.sync(loader.read_all(PROJECT_DIR / "curriculum").modules)
    db.session.commit()

    def count(start: str, end: str, kind: str | None = None) -> int:
        return db.session.scalar(
            materials_published(dt.date.fromisoformat(start), dt.date.fromisoformat(end), kind)
        )

    assert count("2024-01-01", "2024-03-31", "coop_fellowship") == 6
    assert count("2024-01-01", "2024-02-10", "coop_fellowship") == 3  # roadmap, impact metrics, canvas
    assert count("2026-08-01", "2026-10-31", "erg_academy") == 3
    assert count("2026-12-01", "2026-12-31", "tech_coop_founding") == 12  # the track, published at once
    assert count("2024-01-01", "2026-12-31") == 24
    # A revised file is a new version of the same material, counted once, by the date the file states.
    path = write(tmp_path, "coop_fellowship", "mission-statement", GOOD)
    services.sync(loader.read_all(tmp_path).modules)
    path.write_text(textwrap.dedent(GOOD).replace("It keeps everyone", "It keeps all of us"), "utf-8")
    services.sync(loader.read_all(tmp_path).modules)
    assert count("2026-12-01", "2026-12-31", "tech_coop_founding") == 12  # the track, published at once
    assert count("2024-01-01", "2026-12-31") == 24
