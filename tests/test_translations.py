"""The five catalogs are complete, current and grammatical in their plural forms."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po

from fellowship import PACKAGE_DIR

TRANSLATED = ("es", "pl", "ar", "he")
# Strings that are rightly the same in a translation: proper names, codes and format-only strings.
SAME_AS_SOURCE: dict[str, set[str]] = {code: {"Fellowship"} for code in TRANSLATED}
# Spelt as in English: Polish "Webinar", "Marketing", "Mentor" and "Mentoring"; Spanish "no" is the Spanish
# word too, "Marketing" is as in the RAE's dictionary, and "Mentor" is the Spanish word.
SAME_AS_SOURCE["pl"] |= {"Administrator", "system", "Webinar", "Marketing", "Mentor", "Mentoring"}
SAME_AS_SOURCE["es"] |= {"Agenda", "no", "Marketing", "Mentor"}
METHOD_MAP = [("**.py", "python"), ("**/templates/**.html", "jinja2"), ("**/templates/**.txt", "jinja2")]
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None, "lazy_ngettext": (1, 2)}


def catalog(code: str) -> Catalog:
    path = PACKAGE_DIR / "translations" / code / "LC_MESSAGES" / "messages.po"
    with Path(path).open("rb") as handle:
        return read_po(handle, locale=code)


def extracted_ids() -> set[str]:
    ids = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(PACKAGE_DIR), method_map=METHOD_MAP, keywords=KEYWORDS
    ):
        ids.add(message[0] if isinstance(message, tuple) else message)
    return ids


@pytest.mark.parametrize("code", ("en", *TRANSLATED))
def test_catalog_has_every_extracted_string(code: str) -> None:
    in_catalog = {m.id[0] if isinstance(m.id, tuple) else m.id for m in catalog(code) if m.id}
    assert sorted(extracted_ids() - in_catalog) == []


@pytest.mark.parametrize("code", TRANSLATED)
def test_catalog_is_fully_translated(code: str) -> None:
    problems = []
    for message in catalog(code):
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        source = message.id[0] if isinstance(message.id, tuple) else message.id
        if message.fuzzy:
            problems.append(("fuzzy", source))
        if not all(strings):
            problems.append(("empty", source))
        if source in strings and source not in SAME_AS_SOURCE[code]:
            problems.append(("untranslated", source))
    assert problems == []


@pytest.mark.parametrize("code", TRANSLATED)
def test_catalog_plural_forms_match_the_language(code: str) -> None:
    expected = get_plural(code)
    loaded = catalog(code)
    assert (loaded.num_plurals, loaded.plural_expr) == (expected.num_plurals, expected.plural_expr)
    for message in loaded:
        if isinstance(message.id, tuple):
            assert len(message.string) == expected.num_plurals, message.id


@pytest.mark.parametrize("code", TRANSLATED)
def test_catalog_placeholders_match(code: str) -> None:
    assert [(m.id, [str(e) for e in errors]) for m, errors in catalog(code).check()] == []
