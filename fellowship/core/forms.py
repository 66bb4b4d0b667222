"""Form pieces shared by every domain."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, ValidationError
from wtforms.validators import Optional

from fellowship.core.i18n import is_timezone


class ActionForm(FlaskForm):
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


__all__ = ["ActionForm", "Optional", "form_status", "strip", "timezone_name", "web_address"]
