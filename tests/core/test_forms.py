"""Every form of the application follows ``core.forms.Form``: checked by walking the code and every form's
fields, so a new form or field cannot slip past the rules."""

from __future__ import annotations

import ast
import datetime as dt
import importlib
import pkgutil
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from wtforms import DateTimeField, FieldList, FormField, HiddenField, SelectFieldBase, StringField, TimeField

import fellowship
from fellowship.core import limits
from fellowship.core.forms import Form

PACKAGE = Path(fellowship.__file__).parent

# Text fields with no maximum, and why.
UNBOUNDED = {("VoteForm", "website"): "a honeypot: whatever a bot types there is thrown away, never stored"}


def _import_everything() -> None:
    for module in pkgutil.walk_packages([str(PACKAGE)], "fellowship."):
        importlib.import_module(module.name)


def _forms() -> list[type[Form]]:
    _import_everything()
    found, queue = [], list(Form.__subclasses__())
    while queue:
        cls = queue.pop()
        queue.extend(cls.__subclasses__())
        if cls.__module__.startswith("fellowship.") and "<locals>" not in cls.__qualname__:
            found.append(cls)
    return sorted(set(found), key=lambda cls: cls.__qualname__)


FORMS = _forms()


def test_no_form_is_built_on_flask_wtf_directly() -> None:
    """Forms built at run time included: every class statement of the package is read."""
    direct = []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ClassDef):
                bases = {getattr(base, "id", getattr(base, "attr", "")) for base in node.bases}
                if "FlaskForm" in bases and not (path.name == "forms.py" and path.parent.name == "core"):
                    direct.append(f"{path.relative_to(PACKAGE)}: {node.name}")
    assert direct == []


def _bound(app: Any, cls: type[Form]) -> list[Any]:
    """The form's fields, bound, with the rows of its lists as their own forms (checked one by one)."""
    with app.test_request_context():
        form = cls(formdata=None, meta={"csrf": False})
    return [field for field in form if not isinstance(field, FieldList | FormField)]


@pytest.mark.parametrize("cls", FORMS, ids=lambda cls: cls.__qualname__)
def test_every_text_field_has_a_maximum_length(app: Any, cls: type[Form]) -> None:
    unbounded = [
        field.short_name
        for field in _bound(app, cls)
        if isinstance(field, StringField)
        and not isinstance(field, HiddenField)
        and not field.flags.maxlength
        and (cls.__name__, field.short_name) not in UNBOUNDED
    ]
    assert unbounded == []


@pytest.mark.parametrize("cls", FORMS, ids=lambda cls: cls.__qualname__)
def test_text_stored_in_a_column_is_held_to_its_length(app: Any, cls: type[Form]) -> None:
    fields = {field.short_name: field for field in _bound(app, cls)}  # binding builds the merged Meta
    meta = cls._wtforms_meta or cls.Meta  # type: ignore[attr-defined]
    assert sorted(set(meta.columns) - set(fields)) == []  # no column named for a field the form lacks
    wrong = []
    for name, field in fields.items():
        column = meta.columns.get(name)
        if column is None and meta.model is not None:
            column = sa.inspect(meta.model).columns.get(name)
        length = limits.column_length(column)
        held = field.flags.maxlength
        if isinstance(field, StringField) and length is not None and (not held or held > length):
            wrong.append((name, held, length))
    assert wrong == []


@pytest.mark.parametrize("cls", FORMS, ids=lambda cls: cls.__qualname__)
def test_every_date_field_is_held_to_the_range(app: Any, cls: type[Form]) -> None:
    beyond = dt.datetime.combine(limits.LATEST + dt.timedelta(days=1), dt.time())
    with app.test_request_context():
        form = cls(formdata=None, meta={"csrf": False})
        dates = [f for f in form if isinstance(f, DateTimeField) and not isinstance(f, TimeField)]
        for field in dates:
            field.data = beyond if type(field.data) is not dt.date else beyond.date()
        for field in form:
            if isinstance(field, SelectFieldBase) and field.choices is None:
                field.choices = []  # the views fill these from the database
        form.validate()
        refused = [f.short_name for f in dates if str(limits.DATE_OUT_OF_RANGE) in map(str, f.errors)]
        told = [f.short_name for f in dates if (f.render_kw or {}).get("max", "").startswith("2200-12-31")]
    assert refused == told == [f.short_name for f in dates]


def test_every_list_of_rows_is_a_list_of_forms() -> None:
    """Rows follow the rules because they are forms themselves; a list of bare fields would not."""
    lists = [
        (cls.__name__, name)
        for cls in FORMS
        for name, unbound in cls._unbound_fields or []  # type: ignore[attr-defined]
        if unbound.field_class is FieldList
        and not (unbound.args and getattr(unbound.args[0], "field_class", None) is FormField)
    ]
    assert lists == []
