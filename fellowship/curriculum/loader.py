"""Reading and checking module files from the curriculum folder.

A module is ``<folder>/<program kind>/<slug>.yaml``: metadata, text per locale (English required, other
languages optional and falling back to English), guiding questions and the worksheet's field definitions.
Every problem is reported with the file and the field it is in, and nothing is loaded while any remains.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from fellowship.curriculum.enums import FieldType
from fellowship.programs.enums import ProgramKind

PROGRAM_KINDS = {kind.value for kind in ProgramKind}  # a folder per kind: curriculum/<kind>/
LOCALES = {"en", "es", "pl", "ar", "he"}
# PyYAML's safe loader written in C when libyaml is present (the wheels ship it): the same documents, a tenth
# of the time (24 modules in five languages: 0.13 s instead of 1.6 s, paid by every sync and demo load).
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
# Names a worksheet field may not take: the form's own attributes and inputs (``worksheet_forms.build``).
RESERVED_NAMES = frozenset(
    {
        "action",
        "base_draft",
        "base_revision",
        "csrf_token",
        "data",
        "errors",
        "extra_validators",
        "form_errors",
        "hidden_tag",
        "is_submitted",
        "meta",
        "populate_obj",
        "process",
        "validate",
        "validate_on_submit",
    }
)
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,98}$")
LAYOUTS = {"form", "canvas"}
COLUMN_TYPES = {FieldType.SHORT_TEXT, FieldType.LONG_TEXT, FieldType.NUMBER, FieldType.DATE, FieldType.CHOICE}


@dataclass
class ModuleFile:
    path: Path
    slug: str
    program_kind: str
    position: int
    published_on: dt.date
    title: dict[str, str]
    summary: dict[str, str]
    body: dict[str, str]
    questions: dict[str, list[str]]
    layout: str
    fields: list[dict[str, Any]]
    content_hash: str = ""


@dataclass
class CheckResult:
    modules: list[ModuleFile] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def curriculum_dir(config: Any) -> Path:
    from fellowship import content_dir

    return Path(config.get("FELLOWSHIP_CURRICULUM_DIR") or content_dir("curriculum"))


def read_all(folder: Path) -> CheckResult:
    result = CheckResult()
    if not folder.is_dir():
        result.errors.append(f"{folder}: the curriculum folder does not exist")
        return result
    slugs: dict[str, Path] = {}
    for path in sorted(folder.glob("*/*.yaml")):
        problems: list[str] = []
        module = read_one(path, problems)
        result.errors.extend(f"{path.relative_to(folder)}: {p}" for p in problems)
        if module is None:
            continue
        if module.slug in slugs:
            result.errors.append(
                f"{path.relative_to(folder)}: slug {module.slug!r} is also used by {slugs[module.slug].name}"
            )
            continue
        slugs[module.slug] = path
        result.modules.append(module)
    return result


def _texts(data: Any, where: str, problems: list[str], required: bool = True) -> dict[str, str]:
    """A per-locale text: {"en": "...", "es": "..."}; English is required when the text is."""
    if data is None:
        if required:
            problems.append(f"{where}: missing (give at least an English text, en)")
        return {}
    if isinstance(data, str):
        data = {"en": data}
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in data.items()
    ):
        problems.append(f"{where}: must be a text or a mapping of language codes to texts")
        return {}
    unknown = sorted(set(data) - LOCALES)
    if unknown:
        problems.append(f"{where}: unknown language code(s) {', '.join(unknown)}")
    if required and not data.get("en", "").strip():
        problems.append(f"{where}: the English text (en) is missing")
    return {k: v for k, v in data.items() if k in LOCALES}


def read_one(path: Path, problems: list[str]) -> ModuleFile | None:
    try:
        raw = path.read_bytes()
        data = yaml.load(raw, Loader=SAFE_LOADER)  # noqa: S506 - the safe loader, in C where libyaml is
    except (OSError, yaml.YAMLError, ValueError) as error:
        problems.append(f"cannot be read as YAML ({error})".replace("\n", " "))
        return None
    return check_data(data, problems, path=path, slug=path.stem, kind=path.parent.name)


def parse_yaml(text: str | bytes, problems: list[str]) -> Any:
    """A module's YAML text (an upload, an import) as data; None with a problem when it cannot be read.

    Aliases (``*name``) are refused: a small file could otherwise expand into billions of nodes, and no
    module needs them."""
    try:
        if any(isinstance(event, yaml.AliasEvent) for event in yaml.parse(text, Loader=SAFE_LOADER)):
            problems.append("uses YAML aliases (*name), which module files may not use")
            return None
        return yaml.load(text, Loader=SAFE_LOADER)  # noqa: S506 - the safe loader
    except (yaml.YAMLError, ValueError) as error:  # ValueError: a date such as 2024-02-30
        problems.append(f"cannot be read as YAML ({error})".replace("\n", " "))
        return None


def check_data(
    data: Any, problems: list[str], *, path: Path | None = None, slug: str = "", kind: str = ""
) -> ModuleFile | None:
    """Check one module's data (a file's, or the module editor's draft) and return it normalised, with
    every default written out; problems name the field they are in. ``slug`` and ``kind`` are used when the
    data does not state them (a file's name and folder)."""
    if not isinstance(data, dict):
        problems.append("must be a mapping of keys to values")
        return None
    slug = data.get("slug", slug)
    if not isinstance(slug, str) or not SLUG.match(slug):
        problems.append("slug: use lowercase letters, digits and hyphens")
    kind = data.get("program_kind", kind)
    if kind not in PROGRAM_KINDS:
        problems.append(f"program_kind: {kind!r} is not one of {', '.join(sorted(PROGRAM_KINDS))}")
    published = data.get("published_on")
    if not isinstance(published, dt.date):
        problems.append("published_on: give a date such as 2024-02-01")
    position = data.get("order", 0)
    if not isinstance(position, int):
        problems.append("order: must be a whole number")
    layout = data.get("layout", "form")
    if layout not in LAYOUTS:
        problems.append(f"layout: {layout!r} is not one of {', '.join(sorted(LAYOUTS))}")
    title = _texts(data.get("title"), "title", problems)
    summary = _texts(data.get("summary"), "summary", problems, required=False)
    body = _texts(data.get("body"), "body", problems)
    questions = _questions(data.get("questions"), problems)
    fields = _fields(data.get("fields"), problems)
    if problems:
        return None
    module = ModuleFile(
        path or Path(kind, f"{slug}.yaml"),
        slug,
        kind,
        position,
        published,
        title,
        summary,
        body,
        questions,
        layout,
        fields,
    )
    module.content_hash = content_hash(module)
    return module


def content_hash(module: ModuleFile) -> str:
    """What identifies a module's content: equal for a file and the same module exported from the database."""
    return hashlib.sha256(
        json.dumps(
            {k: v for k, v in vars(module).items() if k not in {"path", "content_hash"}},
            sort_keys=True,
            default=str,
        ).encode()
    ).hexdigest()


def as_data(module: Any) -> dict[str, Any]:
    """A module (a :class:`ModuleFile` or a stored version) as the data a file holds, every default written
    out, so that ``check_data(as_data(m))`` gives the same module and the same content hash."""
    data: dict[str, Any] = {
        "slug": module.slug,
        "program_kind": module.program_kind,
        "order": module.position,
        "published_on": module.published_on,
        "layout": module.layout,
        "title": dict(module.title),
        "summary": dict(module.summary or {}),
        "body": dict(module.body),
        "questions": {code: list(items) for code, items in (module.questions or {}).items()},
        "fields": json.loads(json.dumps(module.fields)),
    }
    return data


def dump_yaml(data: dict[str, Any]) -> str:
    """Module data as YAML that ``read_one`` reads back unchanged (long texts as literal blocks)."""

    class Dumper(yaml.SafeDumper):
        pass

    def text(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
        style = "|" if "\n" in value and not value.endswith((" ", "\t")) else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    Dumper.add_representer(str, text)
    return yaml.dump(data, Dumper=Dumper, allow_unicode=True, sort_keys=False, width=110)


def _questions(data: Any, problems: list[str]) -> dict[str, list[str]]:
    if data is None:
        return {}
    if not isinstance(data, dict) or not all(
        isinstance(v, list) and all(isinstance(q, str) for q in v) for v in data.values()
    ):
        problems.append("questions: must map language codes to lists of questions")
        return {}
    return {k: v for k, v in data.items() if k in LOCALES}


def _fields(data: Any, problems: list[str]) -> list[dict[str, Any]]:
    if not isinstance(data, list) or not data:
        problems.append("fields: give the worksheet's fields as a list")
        return []
    fields: list[dict[str, Any]] = []
    names: set[str] = set()
    for index, item in enumerate(data):
        where = f"fields[{index}]"
        if not isinstance(item, dict):
            problems.append(f"{where}: must be a mapping")
            continue
        name = item.get("name")
        where = f"field {name!r}" if isinstance(name, str) else where
        if not isinstance(name, str) or not NAME.match(name):
            problems.append(f"{where}: name must be lowercase letters, digits and underscores")
            continue
        if name in RESERVED_NAMES:
            problems.append(f"{where}: the name is reserved; choose another")
            continue
        if name in names:
            problems.append(f"{where}: the name is used twice")
        names.add(name)
        try:
            kind = FieldType(item.get("type"))
        except ValueError:
            problems.append(
                f"{where}: type {item.get('type')!r} is not one of {', '.join(t.value for t in FieldType)}"
            )
            continue
        checked: dict[str, Any] = {
            "name": name,
            "type": kind.value,
            "label": _texts(item.get("label"), f"{where}.label", problems),
            "help": _texts(item.get("help"), f"{where}.help", problems, required=False),
            "required": bool(item.get("required", False)),
        }
        if kind in {FieldType.SHORT_TEXT, FieldType.LONG_TEXT, FieldType.LIST}:
            default = 200 if kind is not FieldType.LONG_TEXT else 5000
            checked["max_length"] = _positive(
                item.get("max_length", default), f"{where}.max_length", problems
            )
        if kind is FieldType.NUMBER:
            for bound in ("min", "max"):
                if bound in item and not isinstance(item[bound], int | float):
                    problems.append(f"{where}.{bound}: must be a number")
                elif bound in item:
                    checked[bound] = item[bound]
        if kind is FieldType.CHOICE:
            checked["choices"] = _choices(item.get("choices"), where, problems)
        if kind is FieldType.LIST:
            checked["max_items"] = _positive(item.get("max_items", 20), f"{where}.max_items", problems)
        if kind is FieldType.TABLE:
            checked["columns"] = _columns(item.get("columns"), where, problems)
            checked["max_rows"] = _positive(item.get("max_rows", 20), f"{where}.max_rows", problems)
        if "rows" in item:  # a table may come with fixed first-column rows (the ten roadmap steps)
            checked["rows"] = _texts_list(item["rows"], f"{where}.rows", problems)
        fields.append(checked)
    return fields


def _positive(value: Any, where: str, problems: list[str]) -> int:
    if not isinstance(value, int) or value < 1:
        problems.append(f"{where}: must be a whole number above 0")
        return 1
    return value


def _choices(data: Any, where: str, problems: list[str]) -> list[dict[str, Any]]:
    if not isinstance(data, list) or not data:
        problems.append(f"{where}.choices: give the choices as a list")
        return []
    choices = []
    for index, choice in enumerate(data):
        if not isinstance(choice, dict) or not isinstance(choice.get("value"), str):
            problems.append(f"{where}.choices[{index}]: needs a value and a label")
            continue
        choices.append(
            {
                "value": choice["value"],
                "label": _texts(choice.get("label"), f"{where}.choices[{index}].label", problems),
            }
        )
    return choices


def _columns(data: Any, where: str, problems: list[str]) -> list[dict[str, Any]]:
    if not isinstance(data, list) or not data:
        problems.append(f"{where}.columns: give the table's columns as a list")
        return []
    columns = []
    for index, column in enumerate(data):
        spot = f"{where}.columns[{index}]"
        if (
            not isinstance(column, dict)
            or not isinstance(column.get("name"), str)
            or not NAME.match(column["name"])
        ):
            problems.append(f"{spot}: needs a name of lowercase letters, digits and underscores")
            continue
        kind = column.get("type", "short_text")
        if kind not in {t.value for t in COLUMN_TYPES}:
            problems.append(f"{spot}: type {kind!r} cannot be used in a table")
            continue
        checked = {
            "name": column["name"],
            "type": kind,
            "label": _texts(column.get("label"), f"{spot}.label", problems),
        }
        if kind == FieldType.CHOICE:
            checked["choices"] = _choices(column.get("choices"), spot, problems)
        columns.append(checked)
    return columns


def _texts_list(data: Any, where: str, problems: list[str]) -> list[dict[str, str]]:
    if not isinstance(data, list):
        problems.append(f"{where}: must be a list")
        return []
    return [_texts(item, f"{where}[{index}]", problems) for index, item in enumerate(data)]
