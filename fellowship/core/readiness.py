"""Is this server ready for traffic? The database answers, and Redis does when rate limits are shared
through it (``/readyz``; ``/healthz`` stays the plain liveness check)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError

from fellowship.extensions import db


def database_answers() -> bool:
    try:
        db.session.execute(sa.text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return False
    return True


def check(app: Any) -> tuple[list[str], dict[str, str]]:
    """(what failed, every check's state) — states are "ok", "unavailable" or "not used"."""
    checks = {"database": "ok" if database_answers() else "unavailable"}
    uri = app.config.get("RATELIMIT_STORAGE_URI", "")
    if uri.startswith(("redis://", "rediss://")):
        try:
            import redis

            redis.Redis.from_url(uri, socket_connect_timeout=1, socket_timeout=1).ping()
            checks["redis"] = "ok"
        except Exception:  # noqa: BLE001 - any failure means not ready; the state says so
            checks["redis"] = "unavailable"
    else:
        checks["redis"] = "not used"
    problems = [name for name, state in checks.items() if state == "unavailable"]
    checks["status"] = "unavailable: " + ", ".join(problems) if problems else "ok"
    return problems, checks
