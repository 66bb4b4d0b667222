"""Module texts are stored per language; a reader gets theirs, or English when it is missing.

What comes back knows the language it is in (``LocalText``), so pages mark a fallback with its own
``lang`` and ``dir`` (``marked`` and ``lang_attrs`` in core/i18n.py).
"""

from __future__ import annotations

from typing import Any

from flask_babel import get_locale

from fellowship.core.i18n import LocalText


def _tagged(value: Any, lang: str) -> Any:
    if isinstance(value, str):
        return LocalText(value, lang)
    if isinstance(value, list):
        return [_tagged(item, lang) for item in value]
    return value


def localised(texts: dict[str, Any] | None, locale: str | None = None) -> Any:
    if not texts:
        return ""
    code = locale or str(get_locale() or "en")
    if texts.get(code):
        return _tagged(texts[code], code)
    if texts.get("en"):
        return _tagged(texts["en"], "en")
    return ""
