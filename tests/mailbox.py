"""Reading the outbox in tests."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import sqlalchemy as sa

from fellowship.core.mail import OutboxMessage
from fellowship.extensions import db


def messages(kind: str | None = None, to: str | None = None) -> list[OutboxMessage]:
    stmt = sa.select(OutboxMessage).order_by(OutboxMessage.id)
    if kind:
        stmt = stmt.where(OutboxMessage.kind == kind)
    if to:
        stmt = stmt.where(OutboxMessage.recipient == to)
    return list(db.session.scalars(stmt))


def link_path(message: OutboxMessage, contains: str) -> str:
    """The path of the first link in the message's text that contains ``contains``."""
    for url in re.findall(r"https?://\S+", message.body_text):
        if contains in url:
            return urlsplit(url).path
    raise AssertionError(f"no link with {contains!r} in {message.body_text!r}")
