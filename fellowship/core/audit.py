"""Audit trail: who changed what, when, from which value to which.

``record`` adds an ``AuditEntry`` to the session (it never commits), so the entry is saved in the same
transaction as the change it describes.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from fellowship.core import clock
from fellowship.core.models import UTCDateTime
from fellowship.extensions import db


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"
    __table_args__ = (sa.Index("ix_audit_entries_subject", "subject_type", "subject_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=clock.now)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    subject_type: Mapped[str] = mapped_column(sa.String(64))
    subject_id: Mapped[int] = mapped_column()
    action: Mapped[str] = mapped_column(sa.String(64))
    changes: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def diff(obj: Any, values: dict[str, Any]) -> dict[str, list[Any]]:
    """Changes that setting ``values`` on ``obj`` would make, as ``{field: [old, new]}``."""
    return {
        name: [_plain(getattr(obj, name)), _plain(new)]
        for name, new in values.items()
        if getattr(obj, name) != new
    }


def record(
    actor_id: int | None, subject: Any, action: str, changes: dict[str, list[Any]] | None = None
) -> AuditEntry:
    """Add an audit entry for ``subject`` (a mapped object with an ``id``)."""
    if subject.id is None:
        db.session.flush()
    return record_for(actor_id, type(subject).__tablename__, subject.id, action, changes)


def record_for(
    actor_id: int | None,
    subject_type: str,
    subject_id: int,
    action: str,
    changes: dict[str, list[Any]] | None = None,
) -> AuditEntry:
    """Add an audit entry for a subject named by its table and id."""
    entry = AuditEntry(
        actor_id=actor_id,
        subject_type=subject_type,
        subject_id=subject_id,
        action=action,
        changes=changes or {},
    )
    db.session.add(entry)
    return entry


def history(subject: Any) -> sa.Select[tuple[AuditEntry]]:
    return (
        sa.select(AuditEntry)
        .where(AuditEntry.subject_type == type(subject).__tablename__, AuditEntry.subject_id == subject.id)
        .order_by(AuditEntry.at, AuditEntry.id)
    )
