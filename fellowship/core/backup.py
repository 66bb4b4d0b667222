"""A portable backup of every table and every uploaded file as JSON, and its restore into an empty database.

The file lists tables in dependency order with their rows; values are JSON (dates and times as ISO 8601,
UUIDs as text, bytes such as sealed anonymous answers in base64), then the files of the storage folder
(FELLOWSHIP_STORAGE_DIR: project images) by their path in it, base64-encoded. It holds personal data, so
it is written readable by its owner only (0600, whatever the umask). Restoring refuses a database that
already holds data, inserts parents before children, moves PostgreSQL's id sequences past the restored ids
so new rows do not collide, and writes the files back.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import decimal
import json
import os
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, Any

import sqlalchemy as sa

from fellowship.extensions import db

FORMAT = "fellowship-backup/2"
READABLE = {"fellowship-backup/1", FORMAT}  # version 1 had no files
PRIVATE = 0o600


@dataclass(frozen=True)
class Counts:
    tables: dict[str, int]
    """Rows per table."""
    files: int


@contextmanager
def private_file(path: str | os.PathLike[str]) -> Iterator[IO[str]]:
    """Write ``path`` readable and writable by its owner only, whatever the umask, and whole or not at all.

    The text goes to a fresh file beside it (created 0600) that then takes its place, so an older, wider
    readable file of that name, and anyone who had it open, never sees the new contents.
    """
    target = Path(path)
    descriptor, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        os.fchmod(descriptor, PRIVATE)
        with os.fdopen(descriptor, "w", encoding="utf-8") as out:
            yield out
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if hasattr(value, "value") and isinstance(value.value, str):  # enum members
        return value.value
    return value


def stored_files(storage: Path) -> list[tuple[str, Path]]:
    """The regular files under ``storage`` (symbolic links left out) by their path in it, sorted."""
    if not storage.is_dir():
        return []
    found = []
    for folder, _dirs, names in os.walk(storage):
        for name in names:
            path = Path(folder, name)
            if path.is_file() and not path.is_symlink():
                found.append((path.relative_to(storage).as_posix(), path))
    return sorted(found)


def dump(out: IO[str], storage: Path) -> Counts:
    """Write every table (one consistent read: one transaction), then every file under ``storage``."""
    counts: dict[str, int] = {}
    tables = []
    for table in db.metadata.sorted_tables:
        rows = [
            {key: _plain(value) for key, value in row._mapping.items()}
            for row in db.session.execute(sa.select(table).order_by(*table.primary_key.columns))
        ]
        counts[table.name] = len(rows)
        tables.append({"name": table.name, "rows": rows})
    out.write(f'{{"format": {json.dumps(FORMAT)}, "tables": ')
    json.dump(tables, out, ensure_ascii=False)
    out.write(', "files": [')
    files = stored_files(storage)
    for number, (name, path) in enumerate(files):  # one at a time: images are not all held in memory
        out.write(", " if number else "")
        json.dump({"path": name, "content": base64.b64encode(path.read_bytes()).decode("ascii")}, out)
    out.write("]}")
    return Counts(counts, len(files))


def _value(column: sa.Column[Any], value: Any) -> Any:
    if value is None:
        # The file cannot tell SQL NULL from JSON null in a JSON column: NULL where the column allows it.
        return sa.null() if isinstance(column.type, sa.JSON) and column.nullable else None
    kind = column.type
    if isinstance(kind, sa.TypeDecorator):
        kind = kind.impl if isinstance(kind.impl, sa.types.TypeEngine) else kind.impl_instance
    if isinstance(kind, sa.DateTime):
        return dt.datetime.fromisoformat(value)
    if isinstance(kind, sa.Date):
        return dt.date.fromisoformat(value)
    if isinstance(kind, sa.Uuid):
        return uuid.UUID(value)
    if isinstance(kind, sa.LargeBinary):
        return base64.b64decode(value, validate=True)
    return value


class RestoreError(ValueError):
    pass


def _files(entries: list[dict[str, str]]) -> list[tuple[PurePosixPath, bytes]]:
    """The backup's files, checked: a path inside the storage folder, content that decodes."""
    files = []
    for entry in entries:
        name = str(entry.get("path") or "")
        path = PurePosixPath(name)
        if "\\" in name or path.is_absolute() or any(part in {"", ".", ".."} for part in name.split("/")):
            raise RestoreError(f"the file name {name!r} points outside the storage folder")
        try:
            content = base64.b64decode(entry.get("content") or "", validate=True)
        except (binascii.Error, ValueError) as error:
            raise RestoreError(f"the file {name!r} is damaged") from error
        files.append((path, content))
    return files


def load(source: IO[str], storage: Path) -> Counts:
    """Insert the backup's rows into the empty database (the caller commits), then write its files."""
    data = json.load(source)
    if not isinstance(data, dict) or data.get("format") not in READABLE:
        raise RestoreError("not a Fellowship backup file")
    files = _files(data.get("files") or [])
    by_name = {table.name: table for table in db.metadata.sorted_tables}
    for table in by_name.values():
        if db.session.execute(sa.select(sa.literal(1)).select_from(table).limit(1)).first() is not None:
            raise RestoreError(
                f"the database is not empty (table {table.name} has rows); restore needs an empty one"
            )
    counts: dict[str, int] = {}
    for entry in data["tables"]:
        table = by_name.get(entry["name"])
        if table is None:
            raise RestoreError(f"unknown table {entry['name']}")
        rows = [
            {key: _value(table.c[key], value) for key, value in row.items() if key in table.c}
            for row in entry["rows"]
        ]
        if rows:
            db.session.execute(sa.insert(table), rows)
        counts[table.name] = len(rows)
    if db.session.get_bind().dialect.name == "postgresql":
        for table in by_name.values():
            id_column = table.c.get("id")
            if id_column is not None and isinstance(id_column.type, sa.Integer) and id_column.autoincrement:
                db.session.execute(
                    sa.text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "  # noqa: S608 - our names
                        f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
                    )
                )
    for path, content in files:
        target = storage.joinpath(*path.parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    return Counts(counts, len(files))
