"""``INSERT … ON CONFLICT`` for the database in use: the statement that makes "do it once" safe when two
requests or two ``dispatch`` runs race (PostgreSQL and SQLite both have it, each in its own dialect)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite

from fellowship.extensions import db


def insert(model: Any) -> Any:
    """An insert into ``model``'s table that offers ``on_conflict_do_nothing`` and
    ``on_conflict_do_update``."""
    dialect = db.session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(model)
