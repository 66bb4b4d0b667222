"""Where uploaded files live: one interface for every domain that stores files (contest projects' images
today; module resources next), so an installation can change the store without touching them.

``LocalStorage`` keeps files in a folder (``FELLOWSHIP_STORAGE_DIR``, by default the instance folder's
``storage``), one sub-folder per *area* (``awards``, ...). A stored file's name is chosen here, random, with
the suffix the caller gives; no name a person typed ever reaches the file system. A shared store for
several application servers implements the same four methods (the scale-out issue).
"""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path
from typing import Any, Protocol

from flask import current_app, send_from_directory
from werkzeug.wrappers import Response

SAFE = re.compile(r"[a-z0-9_-]{1,40}")
SAFE_NAME = re.compile(r"[0-9a-f]{32}\.[a-z0-9]{1,8}")
SUFFIX = re.compile(r"\.[a-z0-9]{1,8}")


class NotStored(LookupError):
    """No such file in the store (or a name that could not be one of its files)."""


class Storage(Protocol):
    def put(self, area: str, data: bytes, suffix: str) -> str: ...

    def get(self, area: str, name: str) -> bytes: ...

    def delete(self, area: str, name: str) -> None: ...

    def send(self, area: str, name: str, **options: Any) -> Response: ...


def _checked(area: str, name: str | None = None) -> None:
    if not SAFE.fullmatch(area) or (name is not None and not SAFE_NAME.fullmatch(name)):
        raise NotStored(name or area)


class LocalStorage:
    """Files in a folder of this machine: for one application server (or several sharing the folder)."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    def put(self, area: str, data: bytes, suffix: str) -> str:
        """Store ``data`` under a new random name ending in ``suffix`` (".jpg"); returns the name. Written to
        a temporary file first and renamed, so a reader never sees half a file."""
        _checked(area)
        if not SUFFIX.fullmatch(suffix):
            raise ValueError(f"not a file suffix: {suffix!r}")
        folder = self.root / area
        folder.mkdir(parents=True, exist_ok=True)
        name = secrets.token_hex(16) + suffix
        partial = folder / f".{name}.part"
        partial.write_bytes(data)
        partial.replace(folder / name)
        return name

    def get(self, area: str, name: str) -> bytes:
        _checked(area, name)
        try:
            return (self.root / area / name).read_bytes()
        except FileNotFoundError as error:
            raise NotStored(name) from error

    def delete(self, area: str, name: str) -> None:
        _checked(area, name)
        (self.root / area / name).unlink(missing_ok=True)

    def send(self, area: str, name: str, **options: Any) -> Response:
        """The file as a response (``send_from_directory``'s options: ``max_age``, ``as_attachment``,
        ``download_name``, ``mimetype``), never sniffed by the browser as another type."""
        try:
            _checked(area, name)
        except NotStored:
            from flask import abort

            abort(404)
        response = send_from_directory(self.root / area, name, **options)
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response


def storage() -> Storage:
    """The application's store, as its settings say (read on each call: it costs nothing)."""
    return LocalStorage(current_app.config["FELLOWSHIP_STORAGE_DIR"])
