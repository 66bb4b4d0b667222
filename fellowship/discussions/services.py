"""The rules of a cohort's conversation: posting and editing announcements, replying, quoting, editing
within the window, deleting, hiding with a reason, following.

**The edit window** (``FELLOWSHIP_DISCUSSION_EDIT_MINUTES``, 15 by default): a reply's author may change it
for that long after posting, and it reaches digests only once the window has closed, so an email always
carries what was finally said and staff have that long to hide something before it reaches any inbox.
Deleting is allowed at any time: the reply's text goes, its row stays (so replies quoting it still say
that a reply was there).
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from fellowship.core import audit, limits
from fellowship.core.inserts import insert
from fellowship.discussions.enums import ThreadKind
from fellowship.discussions.models import Announcement, Follow, Reply, Thread
from fellowship.extensions import db


class DiscussionError(ValueError):
    """A rule refused the change; the message says why, in words a member understands."""


def edit_window() -> dt.timedelta:
    return dt.timedelta(minutes=current_app.config["FELLOWSHIP_DISCUSSION_EDIT_MINUTES"])


MAX_BODY = 10_000
"""The longest reply or announcement text, in characters."""


def _checked(value: str, empty: object, *, max_length: int | None, multiline: bool = True) -> str:
    """``value`` (already trimmed) if it can be saved; else ``DiscussionError`` with the reason."""
    if not value:
        raise DiscussionError(str(empty))
    problem = limits.text_problem(value, multiline=multiline, max_length=max_length)
    if problem is not None:
        raise DiscussionError(str(problem))
    return value


def _line(value: str) -> str:
    """One line: runs of whitespace (line breaks too) become one space."""
    return " ".join(value.split())


def thread_of(cohort_id: int, kind: str, subject_id: int) -> Thread | None:
    return db.session.scalar(
        sa.select(Thread).where(
            Thread.cohort_id == cohort_id, Thread.kind == kind, Thread.subject_id == subject_id
        )
    )


def open_thread(cohort_id: int, kind: str, subject_id: int, now: dt.datetime) -> Thread:
    """The thread, made if it does not exist yet; two people replying first at once share one."""
    statement = (
        insert(Thread)
        .values(cohort_id=cohort_id, kind=kind, subject_id=subject_id, created_at=now)
        .on_conflict_do_nothing()
    )
    db.session.execute(statement)
    thread = thread_of(cohort_id, kind, subject_id)
    assert thread is not None  # it exists now, whoever made it
    return thread


def follow(thread: Thread, user_id: int, now: dt.datetime) -> None:
    """``user_id`` follows the thread from now on (nothing changes if they already do)."""
    statement = (
        insert(Follow).values(thread_id=thread.id, user_id=user_id, followed_at=now).on_conflict_do_nothing()
    )
    db.session.execute(statement)


def unfollow(thread: Thread, user_id: int) -> None:
    db.session.execute(sa.delete(Follow).where(Follow.thread_id == thread.id, Follow.user_id == user_id))


def is_following(thread: Thread | None, user_id: int) -> bool:
    if thread is None:
        return False
    found = db.session.scalar(
        sa.select(sa.exists().where(Follow.thread_id == thread.id, Follow.user_id == user_id))
    )
    return bool(found)


def _announcement_values(title: str, body: str, link: str) -> tuple[str, str, str]:
    title = _checked(
        _line(title),
        _l("Give the announcement a title."),
        max_length=limits.column_length(Announcement.title),
        multiline=False,
    )
    body = _checked(body.strip(), _l("Write the announcement."), max_length=MAX_BODY)
    link = link.strip()
    if link:
        _checked(link, "", max_length=limits.column_length(Announcement.link), multiline=False)
        if not link.lower().startswith(("https://", "http://")):
            raise DiscussionError(str(_l("Enter a web address starting with http:// or https://.")))
    return title, body, link


def post_announcement(
    cohort_id: int,
    author_id: int,
    title: str,
    body: str,
    now: dt.datetime,
    points: tuple[str, int] | None = None,
    link: str = "",
) -> Announcement:
    """Post to the whole cohort; the author follows its thread. ``dispatch`` emails it to the members."""
    title, body, link = _announcement_values(title, body, link)
    announcement = Announcement(
        cohort_id=cohort_id,
        author_id=author_id,
        title=title,
        body=body,
        link=link,
        points_kind=points[0] if points else None,
        points_id=points[1] if points else None,
        created_at=now,
    )
    db.session.add(announcement)
    db.session.flush()
    thread = open_thread(cohort_id, ThreadKind.ANNOUNCEMENT, announcement.id, now)
    follow(thread, author_id, now)
    audit.record(author_id, announcement, "posted")
    return announcement


def edit_announcement(
    announcement: Announcement,
    actor_id: int,
    title: str,
    body: str,
    now: dt.datetime,
    points: tuple[str, int] | None = None,
    link: str = "",
) -> None:
    """Correct an announcement; members already emailed are not emailed again."""
    title, body, link = _announcement_values(title, body, link)
    values = {
        "title": title,
        "body": body,
        "link": link,
        "points_kind": points[0] if points else None,
        "points_id": points[1] if points else None,
    }
    changes = audit.diff(announcement, values)
    if not changes:
        return
    for name, value in values.items():
        setattr(announcement, name, value)
    announcement.edited_at = now
    audit.record(actor_id, announcement, "edited", changes)
    db.session.flush()


def post_reply(
    thread: Thread, author_id: int, body: str, now: dt.datetime, quote_of: Reply | None = None
) -> Reply:
    """Add a reply; its author follows the thread. A quote must be of a reply shown in the same thread."""
    body = _checked(body.strip(), _l("Write your reply."), max_length=MAX_BODY)
    if quote_of is not None and (quote_of.thread_id != thread.id or not quote_of.shown):
        raise DiscussionError(str(_l("That reply can no longer be quoted.")))
    reply = Reply(
        thread_id=thread.id,
        author_id=author_id,
        body=body,
        quote_of_id=quote_of.id if quote_of is not None else None,
        created_at=now,
    )
    db.session.add(reply)
    thread.last_reply_at = now
    follow(thread, author_id, now)
    db.session.flush()
    return reply


def editable_until(reply: Reply) -> dt.datetime:
    return reply.created_at + edit_window()


def may_edit(reply: Reply, user_id: int, now: dt.datetime) -> bool:
    """Its author, while the edit window is open and the reply is shown."""
    return reply.author_id == user_id and reply.shown and now < editable_until(reply)


def edit_reply(reply: Reply, user_id: int, body: str, now: dt.datetime) -> None:
    if not may_edit(reply, user_id, now):
        raise DiscussionError(str(_l("The time for editing this reply has passed.")))
    body = _checked(body.strip(), _l("Write your reply."), max_length=MAX_BODY)
    if body != reply.body:
        reply.body = body
        reply.edited_at = now
    db.session.flush()


def delete_reply(reply: Reply, user_id: int, now: dt.datetime) -> None:
    """Its author removes the text for good; the empty row keeps the thread's order and quotes."""
    if reply.author_id != user_id:
        raise DiscussionError(str(_l("Only its author can delete a reply.")))
    if reply.deleted_at is None:
        reply.body = ""
        reply.deleted_at = now
    db.session.flush()


def hide_reply(reply: Reply, actor_id: int, reason: str, now: dt.datetime) -> None:
    """Staff take a reply out of the thread, its emails and digests, saying why (audited). Its author
    still sees it, with the reason."""
    reason = _checked(
        _line(reason),
        _l("Say why the reply is hidden."),
        max_length=limits.column_length(Reply.hidden_reason),
        multiline=False,
    )
    reply.hidden_at = now
    reply.hidden_by_id = actor_id
    reply.hidden_reason = reason
    audit.record(actor_id, reply, "hidden", {"hidden_reason": ["", reason]})
    db.session.flush()


def unhide_reply(reply: Reply, actor_id: int) -> None:
    if reply.hidden_at is None:
        return
    audit.record(actor_id, reply, "unhidden", {"hidden_reason": [reply.hidden_reason, ""]})
    reply.hidden_at = None
    reply.hidden_by_id = None
    reply.hidden_reason = ""
    db.session.flush()
