"""The network's part of "download my data" and of erasure (``core.personal_data``).

A person's own entries are personal data and go entirely. Organisations' entries stay (they are the
organisation's), but their text loses the person's name and address; so does a moderation reason.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from fellowship.core import personal_data
from fellowship.extensions import db
from fellowship.network.models import Entry
from fellowship.network.services import reindex


def export(user: Any) -> list[dict[str, Any]]:
    entries = db.session.scalars(sa.select(Entry).where(Entry.user_id == user.id).order_by(Entry.id))
    return [
        {
            "kind": entry.kind.value,
            "category": entry.category.value,
            "title": entry.title,
            "description": entry.description,
            "skills": entry.skills,
            "place": entry.place,
            "languages": entry.languages,
            "published": entry.published,
            "confirmed_at": entry.confirmed_at.isoformat(),
            "hidden_reason": entry.hidden_reason,
        }
        for entry in entries
    ]


def erase(erasure: personal_data.Erasure) -> None:
    """The person's entries are deleted; organisations' entries that name them are scrubbed and
    re-indexed. Entries they hid as an administrator stay hidden (``hidden_by_id`` then points at the
    erased account)."""
    db.session.execute(sa.delete(Entry).where(Entry.user_id == erasure.user.id))
    secrets = erasure.secrets()
    if not secrets:
        return
    naming = sa.or_(
        *(
            column.contains(secret, autoescape=True)
            for secret in secrets
            for column in (Entry.title, Entry.description, Entry.hidden_reason)
        )
    )
    for entry in db.session.scalars(sa.select(Entry).where(naming)):
        entry.title = erasure.scrub(entry.title)
        entry.description = erasure.scrub(entry.description)
        entry.hidden_reason = erasure.scrub(entry.hidden_reason)
        reindex(entry)
    db.session.flush()


personal_data.register("network", export, erase=erase, tables=("network_entries",))
