"""SQLite settings for the embedded database.

WAL lets readers work while one process writes; a busy timeout makes a writer wait for the lock instead of
failing. Write transactions start with ``BEGIN IMMEDIATE``: a deferred transaction that reads and then writes
cannot wait for the lock (SQLite answers "database is locked" at once to avoid a deadlock), which is what
two gunicorn workers writing at the same moment would hit. Requests with a safe method (GET, HEAD, OPTIONS)
never write, so they begin deferred and do not queue behind writers.

``secure_delete`` makes SQLite overwrite a deleted row's bytes with zeros instead of leaving them in the
file's free space: a sealed anonymous answer, or a receipt rewritten in a new order, leaves no readable
trace of its earlier place once deleted (pages still in the write-ahead log go when it is checkpointed).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import has_request_context, request

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def configure(engine: sa.Engine, busy_timeout_ms: int) -> None:
    if engine.dialect.name != "sqlite":
        return

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA secure_delete = ON")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(connection: sa.Connection) -> None:
        if has_request_context() and request.method in SAFE_METHODS:
            connection.exec_driver_sql("BEGIN")
        else:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
