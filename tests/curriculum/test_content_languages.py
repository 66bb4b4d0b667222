"""Every shipped module speaks the five languages of the interface, and translating one is not a new
material.

A module's texts (title, summary, reading, guiding questions, and each field's label, help, placeholder and
choices) are mappings from a language to a text. Each must have all five languages, non-empty; a reading
keeps the English's Markdown structure (headings, list items, numbered steps) and every placeholder-like
token (``{name}``, ``%(name)s``, web addresses); guiding questions are as many in each language.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import yaml

from fellowship.config import LOCALES
from fellowship.curriculum import loader, queries, services
from fellowship.curriculum.models import Module
from fellowship.extensions import db

CONTENT = Path(__file__).resolve().parents[2] / "curriculum"
FILES = sorted(CONTENT.glob("*/*.yaml"))
TOKENS = re.compile(r"\{[^{}\s]+\}|%\([a-z_]+\)[sd]|https?://\S+")
STRUCTURE = {
    "headings": re.compile(r"^\s*#{1,6} ", re.M),
    "list items": re.compile(r"^\s*[-*] ", re.M),
    "numbered steps": re.compile(r"^\s*\d+[.)] ", re.M),
}


def texts(node: Any, where: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every language mapping inside ``node`` (a dict whose keys are languages, English among them)."""
    if isinstance(node, dict):
        if "en" in node and set(node) <= set(LOCALES):
            yield where, node
            return
        for key, value in node.items():
            yield from texts(value, f"{where}.{key}" if where else str(key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            name = value.get("name") or value.get("value") if isinstance(value, dict) else None
            yield from texts(value, f"{where}[{name or index}]")


def flatten(value: Any) -> str:
    return "\n".join(value) if isinstance(value, list) else str(value or "")


def test_the_content_folder_has_the_shipped_modules() -> None:
    assert len(FILES) >= 12


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_every_text_of_a_module_is_in_every_language(path: Path) -> None:
    missing = [
        f"{where}: {code}"
        for where, mapping in texts(yaml.safe_load(path.read_text("utf-8")))
        for code in LOCALES
        if not flatten(mapping.get(code)).strip()
    ]
    assert missing == []


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_translations_keep_the_markdown_structure_and_the_placeholders(path: Path) -> None:
    problems = []
    for where, mapping in texts(yaml.safe_load(path.read_text("utf-8"))):
        english = mapping["en"]
        for code, text in mapping.items():
            if code == "en" or not text:
                continue
            if isinstance(english, list) and (not isinstance(text, list) or len(text) != len(english)):
                problems.append(f"{where}: {code} has {len(text)} items, English {len(english)}")
                continue
            if sorted(TOKENS.findall(flatten(text))) != sorted(TOKENS.findall(flatten(english))):
                problems.append(f"{where}: {code} changes the placeholders or links")
            for name, pattern in STRUCTURE.items():
                ours, theirs = len(pattern.findall(flatten(english))), len(pattern.findall(flatten(text)))
                if ours != theirs:
                    problems.append(f"{where}: {code} has {theirs} {name}, English {ours}")
    assert problems == []


# Letters of a script no text in that language should contain (a slip of the keyboard or of a translator).
FOREIGN_LETTERS = {
    "en": re.compile(r"[\u0590-\u05ff\u0600-\u06ff]"),
    "es": re.compile(r"[\u0590-\u05ff\u0600-\u06ff]"),
    "pl": re.compile(r"[\u0590-\u05ff\u0600-\u06ff]"),
    "ar": re.compile(r"[\u0590-\u05ff]"),
    "he": re.compile(r"[\u0600-\u06ff]"),
}


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_each_language_is_written_in_its_own_script(path: Path) -> None:
    slips = [
        f"{where}: {code} {FOREIGN_LETTERS[code].findall(flatten(text))}"
        for where, mapping in texts(yaml.safe_load(path.read_text("utf-8")))
        for code, text in mapping.items()
        if FOREIGN_LETTERS[code].search(flatten(text))
    ]
    assert slips == []


def test_a_translation_makes_a_new_version_but_not_a_new_material(app: Any) -> None:
    """The canvas as it was before its Polish, Arabic and Hebrew were added, then as it is now: the second
    sync makes version 2, and the funder report's count of materials created in 2024 does not move."""
    read = loader.read_all(CONTENT)
    assert read.errors == []
    canvas = next(m for m in read.modules if m.slug == "business-model-canvas")
    earlier = {"en", "es"}
    before_translation = dataclasses.replace(
        canvas,
        **{
            name: {code: text for code, text in getattr(canvas, name).items() if code in earlier}
            for name in ("title", "summary", "body", "questions")
        },
        content_hash=hashlib.sha256(b"the canvas in English and Spanish").hexdigest(),
    )
    services.sync([before_translation if m is canvas else m for m in read.modules])
    db.session.commit()
    period = (dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    before = db.session.scalar(queries.materials_published(*period))
    assert services.sync([canvas]).updated == 1
    db.session.commit()
    versions = db.session.scalars(
        sa.select(Module.version).where(Module.slug == "business-model-canvas")
    ).all()
    assert (sorted(versions), db.session.scalar(queries.materials_published(*period))) == ([1, 2], before)
