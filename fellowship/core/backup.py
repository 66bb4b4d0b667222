"""A portable backup of every table as JSON, and its restore into an empty database.

The file lists tables in dependency order with their rows; values are JSON (dates and times as ISO 8601,
UUIDs as text). Restoring refuses a database that already holds data, inserts parents before children,
and moves PostgreSQL's id sequences past the restored ids so new rows do not collide.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import uuid
from typing import IO, Any

import sqlalchemy as sa

from fellowship.extensions import db

FORMAT = "fellowship-backup/1"


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, decimal.Decimal):
        return float(value)
    if hasattr(value, "value") and isinstance(value.value, str):  # enum members
        return value.value
    return value


def dump(out: IO[str]) -> dict[str, int]:
    """Write every table; returns the number of rows per table. One consistent read (one transaction)."""
    counts: dict[str, int] = {}
    tables = []
    for table in db.metadata.sorted_tables:
        rows = [
            {key: _plain(value) for key, value in row._mapping.items()}
            for row in db.session.execute(sa.select(table).order_by(*table.primary_key.columns))
        ]
        counts[table.name] = len(rows)
        tables.append({"name": table.name, "rows": rows})
    json.dump({"format": FORMAT, "tables": tables}, out, ensure_ascii=False)
    return counts


def _value(column: sa.Column[Any], value: Any) -> Any:
    if value is None:
        return None
    kind = column.type
    if isinstance(kind, sa.TypeDecorator):
        kind = kind.impl if isinstance(kind.impl, sa.types.TypeEngine) else kind.impl_instance
    if isinstance(kind, sa.DateTime):
        return dt.datetime.fromisoformat(value)
    if isinstance(kind, sa.Date):
        return dt.date.fromisoformat(value)
    if isinstance(kind, sa.Uuid):
        return uuid.UUID(value)
    return value


class RestoreError(ValueError):
    pass


def load(source: IO[str]) -> dict[str, int]:
    data = json.load(source)
    if data.get("format") != FORMAT:
        raise RestoreError("not a Fellowship backup file")
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
    return counts
