"""Notifications that a scheduled command sends once: `flask fellowship dispatch`.

A notification is a row unique per (subject, recipient, kind). A dispatcher claims the row with an insert
that does nothing when the row exists, and queues the email only when its insert made the row, so running
the command every minute (or twice at once) never sends anything twice. Each domain registers its
dispatchers here (events: reminders; evaluations, later: links to the evaluation).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from fellowship.core import clock, inserts
from fellowship.core.models import UTCDateTime
from fellowship.extensions import db


class Notification(db.Model):
    __tablename__ = "notifications"
    __table_args__ = (sa.UniqueConstraint("subject_type", "subject_id", "recipient", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_type: Mapped[str] = mapped_column(sa.String(64))
    subject_id: Mapped[int] = mapped_column()
    recipient: Mapped[str] = mapped_column(sa.String(254))
    kind: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=clock.now)


def claim(subject_type: str, subject_id: int, recipient: str, kind: str) -> bool:
    """Record the notification; True only for the caller whose insert created it."""
    values = {
        "subject_type": subject_type,
        "subject_id": subject_id,
        "recipient": recipient,
        "kind": kind,
        "created_at": clock.now(),
    }
    stmt = inserts.insert(Notification).values(**values).on_conflict_do_nothing().returning(Notification.id)
    return db.session.execute(stmt).scalar() is not None  # no row comes back when it already existed


class DispatchRun(db.Model):
    """When each dispatcher last finished a run, whichever machine ran it: ``/metrics`` reports the lag
    (``fellowship_dispatch_lag_seconds``), so an operator sees a dispatch that stopped (its cron line
    gone, its timer failing) before anyone misses a reminder."""

    __tablename__ = "dispatch_runs"

    name: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    finished_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


def record_run(name: str) -> None:
    """Note that ``name`` has just finished a run (in the caller's transaction; two runs at once both
    succeed, the later finish wins)."""
    now = clock.now()
    stmt = inserts.insert(DispatchRun).values(name=name, finished_at=now)
    db.session.execute(
        stmt.on_conflict_do_update(index_elements=[DispatchRun.name], set_={"finished_at": now})
    )


def last_runs() -> dict[str, dt.datetime]:
    """When each registered dispatcher last finished (those that never ran are absent)."""
    rows = db.session.execute(
        sa.select(DispatchRun.name, DispatchRun.finished_at).where(DispatchRun.name.in_(sorted(_dispatchers)))
    )
    return {name: finished for name, finished in rows}


Dispatcher = Callable[[], int]
_dispatchers: dict[str, Dispatcher] = {}


def register(name: str, dispatcher: Dispatcher) -> None:
    _dispatchers[name] = dispatcher


def dispatchers() -> list[tuple[str, Dispatcher]]:
    return sorted(_dispatchers.items())
