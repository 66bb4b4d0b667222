"""Form pieces shared by every domain, above all ``Form``, the base of every form."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import has_request_context, request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, DateTimeField, DateTimeLocalField, Field, StringField, ValidationError
from wtforms.validators import Length, Optional
from wtforms.widgets import TextArea

from fellowship.core import limits
from fellowship.core.i18n import is_timezone


class Form(FlaskForm):
    """The base of every form. Whatever fields a form declares, they follow ``core.limits``:

    - date and datetime fields accept days from ``limits.EARLIEST`` to ``limits.LATEST`` only, and tell the
      browser so (``min``/``max``);
    - text fields refuse control characters (text areas keep tabs and line breaks) and take their maximum
      length from the column they are stored in: a field named like a column of ``Meta.model``, or listed
      in ``Meta.columns`` under another name, is held to that column's length, with a message, and the
      browser is told (``maxlength``). Fields stored in unbounded text keep their own ``Length``. Nothing
      is ever shortened to fit;
    - a JSON body is not form data (Flask-WTF would read numbers and lists as field values): only HTML
      forms post here.

    Each field gets its rule as it is bound, so forms built at run time (a survey's questions, a
    worksheet's fields) follow them too; rows of a ``FieldList`` are ``Form`` subclasses themselves. The
    rules are checked after the field's own validators, which cannot skip them: ``Optional`` stops at text
    that is only whitespace, and "\x1f" is whitespace to Python.
    """

    class Meta:
        model: Any = None
        columns: dict[str, Any] = {}

        def bind_field(self, form: Any, unbound_field: Any, options: dict[str, Any]) -> Field:
            field = super().bind_field(form, unbound_field, options)  # type: ignore[misc]
            if isinstance(field, DateTimeField):
                _hold_to_date_range(field)
            elif isinstance(field, StringField):
                _hold_to_text_rules(field, self._column(field.short_name))
            return field

        def _column(self, name: str) -> Any:
            if name in self.columns:
                return self.columns[name]
            if self.model is not None:
                return sa.inspect(self.model).columns.get(name)
            return None

        def wrap_formdata(self, form: Any, formdata: Any) -> Any:
            if has_request_context() and request.is_json and not hasattr(formdata, "getlist"):
                return None
            return super().wrap_formdata(form, formdata)  # type: ignore[misc]

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators=extra_validators)
        for field in self:
            rule = getattr(field, RULE, None)
            problem = rule(field) if rule is not None else None
            if problem is not None:
                field.errors.append(problem)
                valid = False
        return valid


RULE = "fellowship_rule"
"""The attribute that holds a bound field's rule: the field in, a message (or None) out."""


def _hold_to_date_range(field: Field) -> None:
    setattr(field, RULE, lambda bound: limits.date_problem(bound.data))
    if isinstance(field, DateField | DateTimeLocalField):
        fmt = field.format[0] if isinstance(field.format, list | tuple) else field.format
        field.render_kw = {
            "min": dt.datetime.combine(limits.EARLIEST, dt.time()).strftime(fmt),
            "max": dt.datetime.combine(limits.LATEST, dt.time(23, 59)).strftime(fmt),
            **(field.render_kw or {}),
        }


def _hold_to_text_rules(field: Field, column: Any) -> None:
    """Control characters are looked for in the text as it was sent, so that trimming cannot hide one
    ("\x85" is whitespace to ``str.strip``), unless a filter dropped the value on purpose (``safe_next``
    drops a link to another site); the length is that of the text the form hands on."""
    length = limits.column_length(column)
    multiline = isinstance(field.widget, TextArea)

    def rule(bound: Field) -> Any:
        if not isinstance(bound.data, str):
            return None
        sent = bound.raw_data[0] if bound.raw_data and isinstance(bound.raw_data[0], str) else bound.data
        return limits.text_problem(sent, multiline) or limits.text_problem(bound.data, multiline, length)

    setattr(field, RULE, rule)
    if length is not None:
        stated = [v.max for v in field.validators if isinstance(v, Length) and v.max >= 0]
        field.flags.maxlength = min([length, *stated])


class ActionForm(Form):
    """A form with nothing but the CSRF token, for buttons that change state (POST only)."""


def web_address(form: FlaskForm, field: Field) -> None:
    """Accept only http(s) addresses, so a stored link can never be ``javascript:``."""
    value = (field.data or "").strip()
    if not value:
        return
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.netloc or any(c.isspace() for c in value):
        raise ValidationError(_l("Enter a web address starting with http:// or https://."))


def timezone_name(form: FlaskForm, field: Field) -> None:
    if not is_timezone(field.data or ""):
        raise ValidationError(_l("Choose a timezone from the list."))


def form_status(form: FlaskForm) -> int:
    """400 when a submitted form comes back with errors, so clients and tests can tell; else 200."""
    return 400 if form.errors else 200


def strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


__all__ = ["ActionForm", "Form", "Optional", "form_status", "strip", "timezone_name", "web_address"]
