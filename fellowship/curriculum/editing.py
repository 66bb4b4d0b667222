"""The module editor's rules on a draft's data (the shape ``loader.check_data`` reads), without a database.

A draft is a whole module as a mapping: texts per language, guiding questions, the worksheet's fields. The
editor changes it in two ways: the *texts* of one language, shown beside English (every translatable text
has a key such as ``title`` or ``f.mission.c.2``), and the *structure* of the worksheet (fields and choices
added, moved, removed, made required). Whether the result may be published is for the loader to say, with the
same messages as ``flask fellowship curriculum check``.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

from fellowship.curriculum import loader
from fellowship.curriculum.enums import FieldType

BODY_MAX = 50_000
TEXT_MAX = 2_000
QUESTIONS_MAX = 5_000
# The field types the browser adds; a table's columns are shaped in the YAML file (export, edit, import).
ADDABLE_TYPES = (
    FieldType.SHORT_TEXT,
    FieldType.LONG_TEXT,
    FieldType.LIST,
    FieldType.CHOICE,
    FieldType.NUMBER,
    FieldType.DATE,
)


@dataclass
class Text:
    """One translatable text of the module: where it is, its English, and its text in the edited language."""

    key: str
    where: str  # "title", "label", "help", "choice", "column", "row", "body", "summary", "questions"
    owner: str  # the English label of the field (or column) it belongs to; "" for the module's own texts
    english: str
    value: str
    multiline: bool
    max_length: int
    place: tuple[Any, Any] | None = None
    """The container and key holding this text's languages (``set_texts`` writes there); None: questions."""


def _text(node: Any, lang: str) -> str:
    if isinstance(node, dict):
        return str(node.get(lang) or "")
    return node if isinstance(node, str) and lang == "en" else ""


def _entry(
    key: str,
    where: str,
    owner: str,
    place: tuple[Any, Any],
    lang: str,
    multiline: bool = False,
    max_length: int = 300,
) -> Text:
    container, name = place
    node = container[name] if isinstance(container, list) else container.get(name)
    return Text(key, where, owner, _text(node, "en"), _text(node, lang), multiline, max_length, place)


def texts(data: dict[str, Any], lang: str) -> list[Text]:
    """Every translatable text of the draft, in reading order, with its English and its ``lang`` text."""
    questions = data.get("questions") or {}
    found = [
        _entry("title", "title", "", (data, "title"), lang, max_length=200),
        _entry("summary", "summary", "", (data, "summary"), lang, True, 500),
        _entry("body", "body", "", (data, "body"), lang, True, BODY_MAX),
        Text(
            "questions",
            "questions",
            "",
            "\n".join(questions.get("en", [])),
            "\n".join(questions.get(lang, [])),
            True,
            QUESTIONS_MAX,
        ),
    ]
    for field in data.get("fields") or []:
        prefix, owner = f"f.{field.get('name', '')}", _text(field.get("label"), "en")
        found.append(_entry(f"{prefix}.label", "label", owner, (field, "label"), lang))
        found.append(_entry(f"{prefix}.help", "help", owner, (field, "help"), lang, True, TEXT_MAX))
        found += _choice_texts(prefix, owner, field.get("choices"), lang)
        for index, column in enumerate(field.get("columns") or []):
            found.append(_entry(f"{prefix}.col.{index}", "column", owner, (column, "label"), lang))
            column_owner = f"{owner} › {_text(column.get('label'), 'en')}"
            found += _choice_texts(f"{prefix}.col.{index}", column_owner, column.get("choices"), lang)
        rows = field.get("rows") or []
        found += [
            _entry(f"{prefix}.row.{index}", "row", owner, (rows, index), lang) for index in range(len(rows))
        ]
    return found


def _choice_texts(prefix: str, owner: str, choices: Any, lang: str) -> list[Text]:
    return [
        _entry(f"{prefix}.c.{index}", "choice", owner, (choice, "label"), lang)
        for index, choice in enumerate(choices or [])
        if isinstance(choice, dict)
    ]


def _put(container: Any, key: Any, lang: str, value: str) -> None:
    current = container[key] if isinstance(container, list) else container.get(key)
    languages = (
        current if isinstance(current, dict) else ({"en": current} if isinstance(current, str) else {})
    )
    if value:
        languages[lang] = value
    else:
        languages.pop(lang, None)  # an emptied translation falls back to English again
    container[key] = languages


def set_texts(data: dict[str, Any], lang: str, values: dict[str, str]) -> dict[str, Any]:
    """A copy of the draft with the ``lang`` texts given in ``values`` (by key; missing keys unchanged).

    Line endings become ``\\n`` and surrounding blank space goes: a browser's ``\\r\\n`` is no change."""
    data = copy.deepcopy(data)
    clean = {key: value.replace("\r\n", "\n").replace("\r", "\n").strip() for key, value in values.items()}
    for entry in texts(data, lang):  # the copy's own texts: each knows where it is kept
        if entry.key not in clean:
            continue
        value = clean[entry.key]
        if entry.place is not None:
            _put(*entry.place, lang, value + ("\n" if entry.key == "body" and value else ""))
        else:
            lines = [line.strip() for line in value.split("\n") if line.strip()]
            questions = data.setdefault("questions", {})
            if lines:
                questions[lang] = lines
            else:
                questions.pop(lang, None)
    if not data.get("summary"):
        data.pop("summary", None)
    return data


def name_from(label: str, taken: set[str], prefix: str = "field") -> str:
    """A machine name (lowercase letters, digits, underscores) from an English label, not yet in ``taken``."""
    ascii_text = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode().lower()
    base = re.sub(r"[^a-z0-9]+", "_", ascii_text).strip("_")[:40] or prefix
    if not base[0].isalpha():
        base = f"{prefix}_{base}"
    name, number = base, 2
    while name in taken or name in loader.RESERVED_NAMES:
        name, number = f"{base}_{number}", number + 1
    return name


@dataclass
class FieldChange:
    """What the structure form says about one existing field."""

    name: str
    position: int
    required: bool
    remove: bool
    max_length: int | None = None
    new_choices: tuple[str, ...] = ()  # English labels of choices to add
    removed_choices: tuple[int, ...] = ()
    column_choices: dict[str, tuple[tuple[str, ...], tuple[int, ...]]] = dataclasses.field(
        default_factory=dict
    )
    """For a table's choice columns, by column name: English labels of choices to add, positions to remove."""


def restructure(
    data: dict[str, Any],
    changes: list[FieldChange],
    new_field: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A copy of the draft with its fields moved, removed, made required or not, their length limits changed,
    choices added or removed, and ``new_field`` (``label``, ``type``, ``required``, ``choices``: English
    labels) appended. A field keeps its name and type: answers are stored by name."""
    data = copy.deepcopy(data)
    fields = {field.get("name"): field for field in data.get("fields") or []}
    order = {change.name: (change.position, index) for index, change in enumerate(changes)}
    kept = []
    for change in changes:
        field = fields.get(change.name)
        if field is None or change.remove:
            continue
        field["required"] = change.required
        if change.max_length is not None and "max_length" in field:
            field["max_length"] = change.max_length
        if "choices" in field:
            field["choices"] = _changed_choices(field["choices"], change.new_choices, change.removed_choices)
        for column in field.get("columns") or []:
            if "choices" in column and column.get("name") in change.column_choices:
                added, removed = change.column_choices[column["name"]]
                column["choices"] = _changed_choices(column["choices"], added, removed)
        kept.append(field)
    kept.sort(key=lambda field: order[field["name"]])
    kept += [field for name, field in fields.items() if name not in order]  # not on the form: unchanged
    if new_field is not None:
        kind = FieldType(new_field["type"])
        added: dict[str, Any] = {
            "name": name_from(new_field["label"], set(fields)),
            "type": kind.value,
            "label": {"en": new_field["label"]},
            "help": {},
            "required": bool(new_field.get("required")),
        }
        if kind is FieldType.CHOICE:
            added["choices"] = _new_choices([], tuple(new_field.get("choices") or ()))
        kept.append(added)
    data["fields"] = kept
    return data


def _changed_choices(
    choices: list[dict[str, Any]], added: tuple[str, ...], removed: tuple[int, ...]
) -> list[dict[str, Any]]:
    kept = [choice for index, choice in enumerate(choices) if index not in removed]
    return kept + _new_choices(kept, added)


def _new_choices(existing: list[dict[str, Any]], labels: tuple[str, ...]) -> list[dict[str, Any]]:
    taken = {c.get("value") for c in existing if isinstance(c, dict)}
    added = []
    for label in labels:
        value = name_from(label, taken, prefix="choice")
        taken.add(value)
        added.append({"value": value, "label": {"en": label}})
    return added


def for_storage(data: dict[str, Any]) -> dict[str, Any]:
    """Module data as JSON can hold it (the publication day as an ISO date)."""
    stored = copy.deepcopy(data)
    if isinstance(stored.get("published_on"), dt.date):
        stored["published_on"] = stored["published_on"].isoformat()
    return stored


def from_storage(data: dict[str, Any]) -> dict[str, Any]:
    loaded = copy.deepcopy(data)
    try:
        loaded["published_on"] = dt.date.fromisoformat(loaded.get("published_on") or "")
    except (TypeError, ValueError):
        loaded.pop("published_on", None)
    return loaded


def check(data: dict[str, Any]) -> tuple[loader.ModuleFile | None, list[str]]:
    """The draft checked as ``curriculum check`` checks a file: the module, or the problems naming fields."""
    problems: list[str] = []
    module = loader.check_data(from_storage(data), problems)
    return module, problems


# --- does a fellow's draft fit the new version? ------------------------------------------------------------


@dataclass
class Misfit:
    label: dict[str, str]  # the field's label (in the version the draft is on)
    reason: Any  # a lazy string


def _empty(value: Any) -> bool:
    if isinstance(value, list):
        return all(
            _empty(item) if not isinstance(item, dict) else all(_empty(v) for v in item.values())
            for item in value
        )
    return value in (None, "")


def _value_fits(definition: dict[str, Any], value: Any) -> Any:
    """None when ``value`` is valid for the field definition, else why not (a lazy string)."""
    kind = FieldType(definition["type"])
    if kind in {FieldType.SHORT_TEXT, FieldType.LONG_TEXT}:
        limit = definition.get("max_length", 5000)
        return None if len(str(value)) <= limit else _l("it now takes at most %(n)d characters", n=limit)
    if kind is FieldType.CHOICE:
        values = {c["value"] for c in definition.get("choices", [])}
        return None if value in values else _l("the choice you picked is no longer offered")
    if kind is FieldType.NUMBER:
        low, high = definition.get("min"), definition.get("max")
        if not isinstance(value, int | float):
            return _l("it changed type")
        if (low is not None and value < low) or (high is not None and value > high):
            return _l("your number is outside its new range")
        return None
    if kind is FieldType.LIST:
        items = value if isinstance(value, list) else []
        if len(items) > definition.get("max_items", 20) or any(
            len(str(item)) > definition.get("max_length", 200) for item in items
        ):
            return _l("it now takes fewer or shorter items")
        return None
    if kind is FieldType.DATE:
        return None
    return _l("it changed type")


def misfits(old: list[dict[str, Any]], new: list[dict[str, Any]], answers: dict[str, Any]) -> list[Misfit]:
    """Why a draft's ``answers`` (made on fields ``old``) do not fit the fields ``new``; empty when they do.

    An answer fits when its field is still there with the same type and the value passes the new field's
    rules (length, choices, range, rows and columns). Empty answers always fit."""
    new_by_name = {definition["name"]: definition for definition in new}
    problems = []
    for definition in old:
        value = answers.get(definition["name"])
        if _empty(value):
            continue
        target = new_by_name.get(definition["name"])
        reason: Any = None
        if target is None:
            reason = _l("the field was removed")
        elif target["type"] != definition["type"]:
            reason = _l("it changed type")
        elif target["type"] == FieldType.TABLE:
            reason = _table_fits(target, value)
        else:
            reason = _value_fits(target, value)
        if reason is not None:
            problems.append(Misfit(definition["label"], reason))
    return problems


def _table_fits(definition: dict[str, Any], rows: Any) -> Any:
    if not isinstance(rows, list):
        return _l("it changed type")
    filled_at = [
        index for index, row in enumerate(rows) if isinstance(row, dict) and not _empty(list(row.values()))
    ]
    filled = [rows[index] for index in filled_at]
    limit = len(definition["rows"]) if definition.get("rows") else definition.get("max_rows", 20)
    # Fixed rows keep their places: what counts is the last one filled in; free rows are counted.
    used = (filled_at[-1] + 1 if filled_at else 0) if definition.get("rows") else len(filled)
    if used > limit:
        return _l("the table now has fewer rows")
    columns = {column["name"]: column for column in definition["columns"]}
    for row in filled:
        for name, cell in row.items():
            if _empty(cell):
                continue
            if name not in columns:
                return _l("a column you filled in was removed")
            if _value_fits(columns[name], cell) is not None:
                return _l("a cell no longer fits its column")
    return None
