"""Request helpers shared by the blueprints."""

from __future__ import annotations

from urllib.parse import urlsplit


def safe_next(target: str | None) -> str | None:
    """Return ``target`` if it is a path on this site, else None.

    Refuses anything a browser could read as another host: scheme-relative ``//evil``, backslash forms
    (``/\\evil``), schemes (``https:evil``), control characters.
    """
    if not target or not isinstance(target, str):
        return None
    if any(ord(ch) < 32 or ch == "\\" for ch in target):
        return None
    if not target.startswith("/") or target.startswith("//"):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target
