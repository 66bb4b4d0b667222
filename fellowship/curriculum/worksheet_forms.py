"""Worksheet forms built from a module's field definitions, and the answers they hold.

The browser is never trusted: every value is checked against the definition (type, length, choices,
number range, rows) on the server. A draft may be incomplete; a submission needs every required field.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    Field,
    FieldList,
    FloatField,
    FormField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, NumberRange, Optional

from fellowship.core.forms import Form
from fellowship.core.i18n import marked
from fellowship.curriculum.enums import FieldType
from fellowship.curriculum.text import localised


class _Row(Form):
    class Meta:
        csrf = False  # rows are part of the worksheet form, which carries the token


def _list_items(max_items: int, max_length: int) -> Any:
    def check(form: FlaskForm, field: Field) -> None:
        items = [line.strip() for line in (field.data or "").splitlines() if line.strip()]
        if len(items) > max_items:
            raise ValidationError(_l("At most %(n)d items.", n=max_items))
        if any(len(item) > max_length for item in items):
            raise ValidationError(_l("Each item may have at most %(n)d characters.", n=max_length))

    return check


def _choices(definition: dict[str, Any]) -> list[SelectChoice]:
    return [SelectChoice("", "—")] + [
        SelectChoice(c["value"], localised(c["label"])) for c in definition["choices"]
    ]


def _simple_field(definition: dict[str, Any], label: str, description: str = "") -> Field:
    kind = FieldType(definition["type"])
    if kind is FieldType.SHORT_TEXT:
        return StringField(
            label, description=description, validators=[Length(max=definition.get("max_length", 200))]
        )
    if kind is FieldType.LONG_TEXT:
        return TextAreaField(
            label, description=description, validators=[Length(max=definition.get("max_length", 5000))]
        )
    if kind is FieldType.NUMBER:
        return FloatField(
            label,
            description=description,
            validators=[Optional(), NumberRange(min=definition.get("min"), max=definition.get("max"))],
        )
    if kind is FieldType.DATE:
        return DateField(label, description=description, validators=[Optional()])
    if kind is FieldType.CHOICE:
        return SelectField(label, description=description, choices=_choices(definition))
    if kind is FieldType.LIST:
        return TextAreaField(
            label,
            description=description or _l("One item per line."),
            validators=[_list_items(definition.get("max_items", 20), definition.get("max_length", 200))],
        )
    raise ValueError(kind)


def _row_count(definition: dict[str, Any], answers: dict[str, Any]) -> int:
    if definition.get("rows"):
        return len(definition["rows"])
    filled = len(answers.get(definition["name"]) or [])
    return min(definition.get("max_rows", 20), filled + 2)


def build(fields: list[dict[str, Any]], answers: dict[str, Any], formdata: Any = None) -> FlaskForm:
    """A form for these fields: filled from ``formdata`` when given (a POST), else from ``answers``."""

    class WorksheetForm(Form):
        base_revision = HiddenField()
        base_draft = HiddenField()

    for definition in fields:
        # Marked with their own language when they fall back to English (core/i18n.py: marked).
        label, help_text = marked(localised(definition["label"])), localised(definition.get("help"))
        help_text = marked(help_text) if help_text else help_text
        if definition["type"] == FieldType.TABLE:
            row_class = type(
                "TableRow",
                (_Row,),
                {c["name"]: _simple_field(c, localised(c["label"])) for c in definition["columns"]},
            )
            count = _row_count(definition, answers)
            setattr(
                WorksheetForm,
                definition["name"],
                FieldList(
                    FormField(row_class),
                    label=label,
                    description=help_text,
                    min_entries=count,
                    max_entries=definition.get("max_rows", 20)
                    if not definition.get("rows")
                    else len(definition["rows"]),
                ),
            )
        else:
            setattr(WorksheetForm, definition["name"], _simple_field(definition, label, help_text))
    return (
        WorksheetForm(formdata=formdata, data=_form_data(fields, answers))
        if formdata is None
        else WorksheetForm(formdata=formdata)
    )


def _value_for_form(definition: dict[str, Any], value: Any) -> Any:
    kind = FieldType(definition["type"])
    if value in (None, ""):
        return None
    if kind is FieldType.DATE:
        return dt.date.fromisoformat(value)
    if kind is FieldType.LIST:
        return "\n".join(value)
    return value


def _form_data(fields: list[dict[str, Any]], answers: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for definition in fields:
        value = answers.get(definition["name"])
        if definition["type"] == FieldType.TABLE:
            columns = {c["name"]: c for c in definition["columns"]}
            data[definition["name"]] = [
                {name: _value_for_form(columns[name], cell) for name, cell in row.items() if name in columns}
                for row in (value or [])
            ]
        else:
            data[definition["name"]] = _value_for_form(definition, value)
    return data


def _value_from_form(definition: dict[str, Any], data: Any) -> Any:
    kind = FieldType(definition["type"])
    if kind is FieldType.DATE:
        return data.isoformat() if data else None
    if kind is FieldType.NUMBER:
        return None if data is None else (int(data) if float(data).is_integer() else data)
    if kind is FieldType.LIST:
        return [line.strip() for line in (data or "").splitlines() if line.strip()]
    return (data or "").strip() if isinstance(data, str) or data is None else data


def answers_from(form: FlaskForm, fields: list[dict[str, Any]]) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for definition in fields:
        field = form[definition["name"]]
        if definition["type"] == FieldType.TABLE:
            rows = []
            for entry in field.entries:
                row = {
                    c["name"]: _value_from_form(c, entry.form[c["name"]].data) for c in definition["columns"]
                }
                rows.append(row)
            if not definition.get("rows"):  # free tables drop empty rows; fixed ones keep their places
                rows = [r for r in rows if any(v not in (None, "", []) for v in r.values())]
            answers[definition["name"]] = rows
        else:
            answers[definition["name"]] = _value_from_form(definition, field.data)
    return answers


def missing_required(fields: list[dict[str, Any]], answers: dict[str, Any]) -> list[str]:
    """Names of required fields left empty (a table needs at least one filled cell)."""
    missing = []
    for definition in fields:
        value = answers.get(definition["name"])
        if definition.get("required") and (
            value in (None, "", [])
            or (
                definition["type"] == FieldType.TABLE
                and not any(v not in (None, "", []) for row in value for v in row.values())
            )
        ):
            missing.append(definition["name"])
    return missing


def display_answers(fields: list[dict[str, Any]], answers: dict[str, Any]) -> list[dict[str, Any]]:
    """The answers as label/value pairs for reading (choices shown by their label, tables as rows)."""
    shown = []
    for definition in fields:
        value = answers.get(definition["name"])
        kind = FieldType(definition["type"])
        entry: dict[str, Any] = {
            "name": definition["name"],
            "label": localised(definition["label"]),
            "type": kind.value,
        }
        if kind is FieldType.CHOICE:
            labels = {c["value"]: localised(c["label"]) for c in definition["choices"]}
            entry["value"] = labels.get(value, "")
        elif kind is FieldType.TABLE:
            entry["columns"] = [localised(c["label"]) for c in definition["columns"]]
            entry["row_labels"] = [localised(r) for r in definition.get("rows", [])]
            entry["rows"] = [
                [_cell(c, (row or {}).get(c["name"])) for c in definition["columns"]] for row in value or []
            ]
        else:
            entry["value"] = value
        shown.append(entry)
    return shown


def _cell(column: dict[str, Any], value: Any) -> Any:
    if column["type"] == FieldType.CHOICE:
        return {c["value"]: localised(c["label"]) for c in column.get("choices", [])}.get(value, "")
    return "" if value is None else value


def _md(text: Any) -> str:
    """Plain text as a Markdown line: table pipes and line breaks would otherwise change its shape."""
    return str("" if text is None else text).replace("|", "\\|").replace("\r", "").replace("\n", "<br>")


def markdown_export(title: str, person: str, status: str, display: list[dict[str, Any]]) -> str:
    lines = [f"# {_md(title)}", "", f"{_md(person)} · {_md(status)}", ""]
    for entry in display:
        lines += [f"## {_md(entry['label'])}", ""]
        if entry["type"] == FieldType.TABLE:
            header = ([""] if entry["row_labels"] else []) + entry["columns"]
            lines.append("| " + " | ".join(_md(h) for h in header) + " |")
            lines.append("|" + "---|" * len(header))
            for index, row in enumerate(entry["rows"]):
                label = [entry["row_labels"][index]] if entry["row_labels"] else []
                lines.append("| " + " | ".join(_md(c) for c in label + row) + " |")
        elif entry["type"] == FieldType.LIST:
            lines += [f"- {_md(item)}" for item in entry["value"] or []]
        else:
            value = entry["value"]
            lines.append(str(value) if value not in (None, "") else "—")
        lines.append("")
    return "\n".join(lines)
