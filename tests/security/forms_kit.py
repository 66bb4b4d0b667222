"""What a form route takes, found without a list of cases: the HTML forms pages show (field names, input
types, options, prefilled values) and the WTForms fields a route binds when it is posted to. The fuzz test
(``test_form_fuzz.py``) draws hostile submissions from it."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

import sqlalchemy as sa
from flask import has_request_context
from wtforms import (
    BooleanField,
    DateField,
    DateTimeField,
    DateTimeLocalField,
    DecimalField,
    FieldList,
    FileField,
    FloatField,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectFieldBase,
    SelectMultipleField,
    StringField,
)
from wtforms.widgets import TextArea

from fellowship.core import limits
from fellowship.core.forms import Form
from fellowship.extensions import db


@dataclass
class FieldSpec:
    """One field a route reads: its kind (text, multiline, password, email, url, date, datetime, number,
    choice, multi, checkbox, hidden or file) and the values the page offers (options, prefilled value)."""

    name: str
    kind: str
    values: list[str] = field(default_factory=list)
    max_length: int | None = None


_INPUT_KINDS = {
    "date": "date",
    "datetime-local": "datetime",
    "number": "number",
    "email": "email",
    "url": "url",
    "password": "password",
    "hidden": "hidden",
    "checkbox": "checkbox",
    "radio": "choice",
    "file": "file",
    "submit": "choice",
}


class _Forms(HTMLParser):
    """Collects every ``<form method="post">`` of a page: action → {field name → FieldSpec}."""

    def __init__(self, page_url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms: dict[str, dict[str, FieldSpec]] = {}
        self._current: dict[str, FieldSpec] | None = None
        self._select: FieldSpec | None = None
        self._textarea: FieldSpec | None = None
        self._text: list[str] = []

    def _add(
        self,
        name: str | None,
        kind: str,
        value: str | None,
        maxlength: str | None = None,
        chosen: bool = False,
    ) -> FieldSpec | None:
        """Add a field (or one more value of it); the value the page has chosen comes first."""
        if self._current is None or not name or name == "csrf_token":
            return None
        spec = self._current.setdefault(name, FieldSpec(name, kind))
        if value is not None and value not in spec.values:
            spec.values.insert(0 if chosen else len(spec.values), value)
        if maxlength and maxlength.isdigit():
            spec.max_length = int(maxlength)
        return spec

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form":
            if (a.get("method") or "get").lower() == "post":
                action = urlsplit(urljoin(self.page_url, a.get("action") or self.page_url)).path
                self._current = self.forms.setdefault(action, {})
            return
        if tag == "input":
            kind = _INPUT_KINDS.get((a.get("type") or "text").lower(), "text")
            if kind == "choice" and (a.get("type") or "").lower() == "submit" and not a.get("name"):
                return
            value = a.get("value")
            if kind == "checkbox":
                value = value or "y"
            self._add(a.get("name"), kind, value, a.get("maxlength"), chosen="checked" in a)
        elif tag == "button" and a.get("name"):
            self._add(a.get("name"), "choice", a.get("value") or "")
        elif tag == "select":
            self._select = self._add(a.get("name"), "multi" if "multiple" in a else "choice", None)
        elif tag == "option" and self._select is not None:
            value = a.get("value") or ""
            if value not in self._select.values:
                self._select.values.insert(0 if "selected" in a else len(self._select.values), value)
        elif tag == "textarea":
            self._textarea = self._add(a.get("name"), "multiline", None, a.get("maxlength"))
            self._text = []

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._current = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            text = "".join(self._text).lstrip("\n")
            if text and text not in self._textarea.values:
                self._textarea.values.append(text)
            self._textarea = None


def page_forms(page_url: str, html: str) -> dict[str, dict[str, FieldSpec]]:
    parser = _Forms(page_url)
    parser.feed(html)
    return parser.forms


def _kind_of(bound: Any) -> str | None:
    if isinstance(bound, FormField | FieldList):
        return None  # their inner fields are bound (and recorded) one by one
    if isinstance(bound, DateTimeLocalField):
        return "datetime"
    if isinstance(bound, DateField):
        return "date"
    if isinstance(bound, DateTimeField):
        return "datetime"
    if isinstance(bound, IntegerField | DecimalField | FloatField):
        return "number"
    if isinstance(bound, BooleanField):
        return "checkbox"
    if isinstance(bound, FileField):
        return "file"
    if isinstance(bound, SelectMultipleField):
        return "multi"
    if isinstance(bound, SelectFieldBase | RadioField):
        return "choice"
    if isinstance(bound, HiddenField):
        return "hidden"
    if isinstance(bound, StringField):
        return "multiline" if isinstance(bound.widget, TextArea) else "text"
    return "text"


def _choice_values(bound: Any) -> list[str]:
    offered = bound.choices() if callable(bound.choices) else bound.choices or []
    if isinstance(offered, dict):  # option groups
        offered = [choice for group in offered.values() for choice in group]
    return [str(getattr(c, "value", c[0] if isinstance(c, tuple | list) else c)) for c in offered]


class DryRun(BaseException):
    """Raised instead of committing while a route is probed: nothing it does is kept."""


@contextmanager
def dry_run() -> Iterator[None]:
    """Requests made in the block stop at their first commit (``DryRun``), so probing a route changes
    nothing; the test's own commits, outside any request, go through."""
    original = sa.orm.Session.commit

    def commit(session: Any) -> None:
        if has_request_context():
            raise DryRun
        original(session)

    sa.orm.Session.commit = commit  # type: ignore[method-assign]
    try:
        yield
    finally:
        sa.orm.Session.commit = original  # type: ignore[method-assign]


@contextmanager
def recording_bound_fields() -> Iterator[dict[str, FieldSpec]]:
    """Record every field a ``Form`` binds while the block runs (name → FieldSpec, with its choices)."""
    seen: dict[str, FieldSpec] = {}
    original = Form.Meta.bind_field

    def record(meta: Any, form: Any, unbound_field: Any, options: dict[str, Any]) -> Any:
        bound = original(meta, form, unbound_field, options)
        kind = _kind_of(bound)
        if kind is not None and bound.name != "csrf_token":
            choices = _choice_values(bound) if kind in {"choice", "multi"} else []
            seen.setdefault(bound.name, FieldSpec(bound.name, kind, choices, bound.flags.maxlength or None))
        return bound

    Form.Meta.bind_field = record  # type: ignore[method-assign]
    try:
        yield seen
    finally:
        Form.Meta.bind_field = original  # type: ignore[method-assign]


# --- the database, read as stored ---------------------------------------------------------------------------

# Tables that change between examples whatever the route does: each example signs in afresh (a session).
BOOKKEEPING = frozenset({"user_sessions"})


def _raw(column: sa.Column[Any]) -> Any:
    """The column as stored: a ``Day`` or ``UTCDateTime`` would clamp what it reads."""
    kind = column.type
    if isinstance(kind, sa.TypeDecorator):
        return sa.type_coerce(column, kind.impl_instance).label(column.name)
    return column


@functools.cache
def _reads() -> list[tuple[str, sa.Select[Any]]]:
    return [
        (table.name, sa.select(*[_raw(c) for c in table.columns]).order_by(*table.primary_key.columns))
        for table in db.metadata.sorted_tables
    ]


def stored_rows() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in primary-key order, as stored."""
    return {name: [tuple(row) for row in db.session.execute(read)] for name, read in _reads()}


def changed_tables(before: dict[str, list[Any]], after: dict[str, list[Any]]) -> list[str]:
    return sorted(name for name in after if name not in BOOKKEEPING and before.get(name) != after[name])


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(key)
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def cut_short(sent: list[str], before: dict[str, list[Any]], after: dict[str, list[Any]]) -> list[str]:
    """Stored text that is the beginning of a long value sent, but not all of it: text cut to fit instead
    of refused."""
    old = {text for rows in before.values() for text in _strings(rows)}
    long = [value.strip() for value in sent if len(value.strip()) >= 100]
    return sorted(
        f"{len(text)} of {len(value)} characters"
        for rows in after.values()
        for text in _strings(rows)
        if text not in old and len(text.strip()) >= 50
        for value in long
        if value.startswith(text.strip()) and len(text.strip()) < len(value)
    )


def rule_breaches(rows: dict[str, list[tuple[Any, ...]]]) -> list[str]:
    """Stored values no page should ever have to show: control characters, text longer than its column
    (SQLite does not enforce lengths; PostgreSQL would refuse them), days outside the accepted range."""
    breaches = []
    for table in db.metadata.sorted_tables:
        for row in rows[table.name]:
            for column, value in zip(table.columns, row, strict=True):
                where = f"{table.name}.{column.name}"
                length = limits.column_length(column)
                if isinstance(value, str) and length is not None and len(value) > length:
                    breaches.append(f"{where}: {len(value)} characters in a column of {length}")
                if any(limits.text_problem(text, multiline=True) for text in _strings(value)):
                    breaches.append(f"{where}: control characters")
                if isinstance(value, dt.datetime):
                    aware = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
                    if not limits.STORED_EARLIEST <= aware <= limits.STORED_LATEST:
                        breaches.append(f"{where}: {value.isoformat()}")
                elif isinstance(value, dt.date) and limits.date_problem(value) is not None:
                    breaches.append(f"{where}: {value.isoformat()}")
    return breaches
