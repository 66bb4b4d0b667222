"""The discussions' part of "download my data" and of erasure (``core.personal_data``).

A person's replies are removed with them: the text goes and the row stays, shown as a deleted reply by
"Erased person #N" (the thread's order and the replies quoting it hold). Whom they followed, and how far
their digests reached, go. The announcements they posted as staff stay (they were the program's word to a
cohort) under the placeholder name. Every other reply, announcement and hiding reason loses the person's
name and address.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from fellowship.core import personal_data
from fellowship.discussions.models import Announcement, DigestMark, Follow, Reply, Thread
from fellowship.extensions import db


def export(user: Any) -> dict[str, Any]:
    replies = db.session.execute(
        sa.select(Reply, Thread)
        .join(Thread, Thread.id == Reply.thread_id)
        .where(Reply.author_id == user.id)
        .order_by(Reply.id)
    ).all()
    announcements = db.session.scalars(
        sa.select(Announcement).where(Announcement.author_id == user.id).order_by(Announcement.id)
    )
    followed = db.session.execute(
        sa.select(Thread.cohort_id, Thread.kind, Thread.subject_id)
        .join(Follow, Follow.thread_id == Thread.id)
        .where(Follow.user_id == user.id)
        .order_by(Thread.id)
    ).all()
    return {
        "replies": [
            {
                "cohort_id": thread.cohort_id,
                "thread": f"{thread.kind}:{thread.subject_id}",
                "created_at": reply.created_at.isoformat(),
                "edited_at": reply.edited_at.isoformat() if reply.edited_at else None,
                "deleted_at": reply.deleted_at.isoformat() if reply.deleted_at else None,
                "hidden_reason": reply.hidden_reason,
                "text": reply.body,
            }
            for reply, thread in replies
        ],
        "announcements": [
            {
                "cohort_id": announcement.cohort_id,
                "created_at": announcement.created_at.isoformat(),
                "title": announcement.title,
                "text": announcement.body,
                "link": announcement.link,
            }
            for announcement in announcements
        ],
        "following": [
            f"{kind}:{subject_id} (cohort {cohort_id})" for cohort_id, kind, subject_id in followed
        ],
    }


def erase(erasure: personal_data.Erasure) -> None:
    """Their replies are emptied and marked deleted; their follows go; other text is scrubbed. Replies
    they hid as staff stay hidden (``hidden_by_id`` then points at the erased account)."""
    db.session.execute(
        sa.update(Reply)
        .where(Reply.author_id == erasure.user.id)
        .values(body="", hidden_reason="", deleted_at=sa.func.coalesce(Reply.deleted_at, erasure.now))
    )
    db.session.execute(sa.delete(Follow).where(Follow.user_id == erasure.user.id))
    db.session.execute(sa.delete(DigestMark).where(DigestMark.user_id == erasure.user.id))
    erasure.scrub_rows(Reply, ("body", "hidden_reason"))
    erasure.scrub_rows(Announcement, ("title", "body", "link"))
    db.session.flush()


personal_data.register(
    "discussions",
    export,
    erase=erase,
    tables=("announcements", "discussion_replies", "discussion_follows", "discussion_digest_marks"),
)
