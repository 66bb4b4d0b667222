"""Where uploaded files live: one interface for every domain that stores files (contest projects' images,
curriculum resources), so an installation can change the store without touching them.

Two stores, chosen by ``FELLOWSHIP_STORAGE``:

- ``folder`` (the default, for one machine): ``LocalStorage`` keeps files in a folder
  (``FELLOWSHIP_STORAGE_DIR``, by default the instance folder's ``storage``), one sub-folder per *area*
  (``awards``, ``resources``).
- ``database`` (for several application servers): ``DatabaseStorage`` keeps them in the database every
  server already shares (table ``stored_files``), in the caller's transaction, so a file and the row naming it
  are committed together, and backups of the database hold the files.

Either way a stored file's name is chosen here, random, with the suffix the caller gives; no name a person
typed ever reaches the file system. Files are sent with an ETag (the content's SHA-256), answer conditional
requests with 304, and are never sniffed by the browser as another type.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import mimetypes
import os
import re
import secrets
from pathlib import Path
from typing import Any, Protocol

import sqlalchemy as sa
from flask import abort, current_app, send_file, send_from_directory
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.wrappers import Response

from fellowship.core import clock
from fellowship.core.models import UTCDateTime
from fellowship.extensions import db

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


def _new_name(area: str, suffix: str, data: bytes) -> str:
    """A new name for ``data``, a file of ``area`` ending in ``suffix`` (".jpg"); both are checked first.

    Sixteen hex digits of the content's SHA-256, then sixteen random ones: the first half changes with the
    content, so an address that carries it (``content_version``) always means these bytes and a proxy may
    keep it for ever; the second half makes every upload's name new, so a file is deleted only by the row
    that named it even when two uploads have the same bytes."""
    _checked(area)
    if not SUFFIX.fullmatch(suffix):
        raise ValueError(f"not a file suffix: {suffix!r}")
    return hashlib.sha256(data).hexdigest()[:16] + secrets.token_hex(8) + suffix


def content_version(name: str) -> str:
    """The part of a stored name that is the content's hash (of names made before it was, a random part
    as stable as the file)."""
    return name[:16]


class LocalStorage:
    """Files in a folder of this machine: for one application server (or several sharing the folder)."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    def put(self, area: str, data: bytes, suffix: str) -> str:
        """Store ``data`` under a new name ending in ``suffix`` (".jpg", see ``_new_name``); returns it.
        Written to a temporary file first and renamed, so a reader never sees half a file."""
        name = _new_name(area, suffix, data)
        folder = self.root / area
        folder.mkdir(parents=True, exist_ok=True)
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
            abort(404)
        response = send_from_directory(self.root / area, name, **options)
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response

    def areas(self) -> list[str]:
        """The areas that have a folder here."""
        if not self.root.is_dir():
            return []
        return sorted(p.name for p in self.root.iterdir() if p.is_dir() and SAFE.fullmatch(p.name))

    def names(self, area: str) -> list[str]:
        """Every file of an area (for moving them to another store)."""
        _checked(area)
        folder = self.root / area
        return (
            sorted(p.name for p in folder.iterdir() if SAFE_NAME.fullmatch(p.name)) if folder.is_dir() else []
        )


class StoredFile(db.Model):
    """A file kept in the database (``DatabaseStorage``)."""

    __tablename__ = "stored_files"

    area: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(48), primary_key=True)
    content_hash: Mapped[str] = mapped_column(sa.String(64))
    size: Mapped[int] = mapped_column()
    data: Mapped[bytes] = mapped_column(sa.LargeBinary)
    stored_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class DatabaseStorage:
    """Files in the database every application server shares. Writes join the caller's transaction (they
    flush, never commit): a file and the row that names it are kept, or rolled back, together."""

    def put(self, area: str, data: bytes, suffix: str) -> str:
        name = _new_name(area, suffix, data)
        self._add(area, name, data)
        return name

    def _add(self, area: str, name: str, data: bytes) -> None:
        db.session.add(
            StoredFile(
                area=area,
                name=name,
                content_hash=hashlib.sha256(data).hexdigest(),
                size=len(data),
                data=data,
                stored_at=clock.now(),
            )
        )
        db.session.flush()

    def get(self, area: str, name: str) -> bytes:
        _checked(area, name)
        data = db.session.scalar(
            sa.select(StoredFile.data).where(StoredFile.area == area, StoredFile.name == name)
        )
        if data is None:
            raise NotStored(name)
        return data

    def delete(self, area: str, name: str) -> None:
        _checked(area, name)
        db.session.execute(sa.delete(StoredFile).where(StoredFile.area == area, StoredFile.name == name))

    def send(self, area: str, name: str, **options: Any) -> Response:
        """The file as a response (the options of ``LocalStorage.send``), with its content hash as ETag."""
        try:
            _checked(area, name)
        except NotStored:
            abort(404)
        row = db.session.execute(
            sa.select(StoredFile.data, StoredFile.content_hash, StoredFile.stored_at).where(
                StoredFile.area == area, StoredFile.name == name
            )
        ).first()
        if row is None:
            abort(404)
        options.setdefault("mimetype", mimetypes.guess_type(name)[0] or "application/octet-stream")
        response = send_file(
            io.BytesIO(row.data),
            etag=row.content_hash,
            last_modified=row.stored_at,
            conditional=True,
            **options,
        )
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response

    def has(self, area: str, name: str) -> bool:
        return (
            db.session.scalar(
                sa.select(sa.func.count()).where(StoredFile.area == area, StoredFile.name == name)
            )
            == 1
        )


STORES = ("folder", "database")


def storage() -> Storage:
    """The application's store, as its settings say (read on each call: it costs nothing)."""
    if current_app.config.get("FELLOWSHIP_STORAGE") == "database":
        return DatabaseStorage()
    return LocalStorage(current_app.config["FELLOWSHIP_STORAGE_DIR"])


def move_to_database(folder: LocalStorage) -> tuple[int, int]:
    """Copy every file of the folder into the database under the same names (so the rows
    naming them need no change); files already there are skipped. Returns (copied, already there). The
    folder is left as it was: remove it once the database store is in use and backed up."""
    target = DatabaseStorage()
    copied = present = 0
    for area in folder.areas():
        for name in folder.names(area):
            if target.has(area, name):
                present += 1
                continue
            target._add(area, name, folder.get(area, name))
            copied += 1
    return copied, present
