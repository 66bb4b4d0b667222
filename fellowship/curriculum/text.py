"""Module texts are stored per language; a reader gets theirs, or English when it is missing."""

from __future__ import annotations

from typing import Any

from flask_babel import get_locale


def localised(texts: dict[str, Any] | None, locale: str | None = None) -> Any:
    if not texts:
        return ""
    code = locale or str(get_locale() or "en")
    return texts.get(code) or texts.get("en") or ""
