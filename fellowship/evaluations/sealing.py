"""Sealing anonymous answers until they are released in a batch (see ``services.release``).

An anonymous answer is stored in the same transaction as its receipt, and a database keeps traces of that:
SQLite's rowid order, PostgreSQL's physical order and the transaction id (``xmin``) the two rows share. So
the answer is not stored readable at first: its cells (question, number, text) are written as JSON
encrypted with Fernet (AES-128-CBC and HMAC-SHA256) in a ``SealedResponse`` row. Someone holding only the
database file can tie a receipt to that row, but the row is ciphertext; the readable answers appear later,
shuffled, in a batch that is never smaller than the minimum group.

The key is derived from Flask's ``SECRET_KEY`` with HKDF-SHA256 and a fixed ``info``, so it is never the
secret itself and never stored. Keys derived from ``SECRET_KEY_FALLBACKS`` (Flask 3.1) still open sealed
rows, so rotating the secret loses no pending answer (new rows are sealed with the current key).

A Fernet token carries the moment it was made and its length follows the plaintext's. Neither may tell
one answer from another: every token is made "at" time 0, and the JSON is padded with spaces to a fixed
size (4 KiB, or the next power of two for longer answers), so the sealed rows of a survey look alike.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

INFO = b"fellowship sealed anonymous answers"
PADDED = 4096
"""Sealed JSON is at least this long (bytes), else the next power of two: its length tells nothing."""

Cell = tuple[int, int | None, str | None]


class Unreadable(ValueError):
    """No key this application knows opens the sealed answer."""


def derive_key(secret: str | bytes) -> bytes:
    """The Fernet key for one secret: 32 bytes from HKDF-SHA256 (no salt, fixed ``info``), base64."""
    material = secret.encode("utf-8") if isinstance(secret, str) else secret
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=INFO).derive(material)
    return base64.urlsafe_b64encode(key)


def _secrets(config: Any) -> list[str | bytes]:
    fallbacks = config.get("SECRET_KEY_FALLBACKS") or []
    if isinstance(fallbacks, str | bytes):
        fallbacks = [fallbacks]
    return [secret for secret in [config.get("SECRET_KEY"), *fallbacks] if secret]


def _fernet(config: Any = None) -> MultiFernet:
    secrets = _secrets(current_app.config if config is None else config)
    if not secrets:
        raise RuntimeError("SECRET_KEY is not set: anonymous answers cannot be sealed")
    return MultiFernet([Fernet(derive_key(secret)) for secret in secrets])


def _pad(data: bytes) -> bytes:
    size = PADDED
    while size < len(data):
        size *= 2
    return data + b" " * (size - len(data))  # JSON ignores trailing white space


def seal(cells: Iterable[Cell], config: Any = None) -> bytes:
    """The cells as an encrypted token, sealed with the current ``SECRET_KEY``."""
    data = json.dumps([list(cell) for cell in cells], ensure_ascii=False, separators=(",", ":"))
    return _fernet(config).encrypt_at_time(_pad(data.encode("utf-8")), 0)


def unseal(token: bytes, config: Any = None) -> list[Cell]:
    """The cells of a sealed answer; ``Unreadable`` when neither the secret nor a fallback opens it."""
    try:
        data = _fernet(config).decrypt(bytes(token))
    except InvalidToken as error:
        raise Unreadable("no known key opens this sealed answer") from error
    return [(int(q), None if n is None else int(n), t) for q, n, t in json.loads(data)]
