"""Reads of the cohort's conversation, each one statement whatever the number of replies."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.orm import aliased, selectinload

from fellowship.accounts.models import User
from fellowship.core.notifications import Notification
from fellowship.discussions.enums import ThreadKind
from fellowship.discussions.models import Announcement, DigestMark, Follow, Reply, Thread
from fellowship.programs.models import Cohort, Membership
from fellowship.programs.queries import current_membership_clause


def shown() -> sa.ColumnElement[bool]:
    """Replies whose text members see: neither deleted nor hidden."""
    return sa.and_(Reply.deleted_at.is_(None), Reply.hidden_at.is_(None))


def shown_count(thread_id: sa.ColumnElement[int]) -> sa.ScalarSelect[int]:
    return sa.select(sa.func.count(Reply.id)).where(Reply.thread_id == thread_id, shown()).scalar_subquery()


def replies(thread_id: int) -> sa.Select[tuple[Reply]]:
    """The thread's replies, oldest first, with their authors and what they quote (and its author)."""
    return (
        sa.select(Reply)
        .where(Reply.thread_id == thread_id)
        .options(
            selectinload(Reply.author),
            selectinload(Reply.quote_of).selectinload(Reply.author),
        )
        .order_by(Reply.created_at, Reply.id)
    )


def position(reply: Reply) -> sa.Select[tuple[int]]:
    """How many replies of its thread come before ``reply`` (to find its page)."""
    return sa.select(sa.func.count(Reply.id)).where(
        Reply.thread_id == reply.thread_id,
        sa.or_(
            Reply.created_at < reply.created_at,
            sa.and_(Reply.created_at == reply.created_at, Reply.id < reply.id),
        ),
    )


def announcements(cohort_id: int) -> sa.Select[tuple[Announcement, int]]:
    """The cohort's announcements, newest first, each with the number of replies shown in its thread."""
    thread = aliased(Thread)
    count = (
        sa.select(sa.func.count(Reply.id))
        .join(thread, thread.id == Reply.thread_id)
        .where(
            thread.cohort_id == Announcement.cohort_id,
            thread.kind == ThreadKind.ANNOUNCEMENT.value,
            thread.subject_id == Announcement.id,
            shown(),
        )
        .scalar_subquery()
    )
    return (
        sa.select(Announcement, count)
        .options(selectinload(Announcement.author))
        .where(Announcement.cohort_id == cohort_id)
        .order_by(Announcement.created_at.desc(), Announcement.id.desc())
    )


def threads(cohort_id: int) -> sa.Select[tuple[Thread, int]]:
    """The cohort's conversations, the most recently active first, with their shown replies: every
    announcement's thread (from its posting) and the other threads once they have a reply."""
    active = sa.func.coalesce(Thread.last_reply_at, Thread.created_at)
    return (
        sa.select(Thread, shown_count(Thread.id))
        .where(
            Thread.cohort_id == cohort_id,
            sa.or_(Thread.kind == ThreadKind.ANNOUNCEMENT.value, Thread.last_reply_at.is_not(None)),
        )
        .order_by(active.desc(), Thread.id.desc())
    )


def thread_reply_count(cohort_id: int, kind: str, subject_id: int) -> sa.Select[tuple[int]]:
    """The shown replies of the cohort's thread about one subject (none when it has no thread)."""
    return (
        sa.select(sa.func.count(Reply.id))
        .join(Thread, Thread.id == Reply.thread_id)
        .where(Thread.cohort_id == cohort_id, Thread.kind == kind, Thread.subject_id == subject_id, shown())
    )


def recent_announcements(
    cohort_ids: Sequence[int], since: dt.datetime, limit: int
) -> sa.Select[tuple[Announcement, str]]:
    """The newest announcements of these cohorts since ``since``, with each cohort's name."""
    return (
        sa.select(Announcement, Cohort.name)
        .join(Cohort, Cohort.id == Announcement.cohort_id)
        .where(Announcement.cohort_id.in_(cohort_ids), Announcement.created_at >= since)
        .order_by(Announcement.created_at.desc(), Announcement.id.desc())
        .limit(limit)
    )


def reader_clause(
    user_id: sa.ColumnElement[int], cohort_id: sa.ColumnElement[int], today: dt.date
) -> sa.ColumnElement[bool]:
    """The person may read the cohort's threads today: a current member, or an administrator."""
    member = sa.exists().where(
        Membership.user_id == user_id, Membership.cohort_id == cohort_id, current_membership_clause(today)
    )
    admin = sa.select(User.is_admin).where(User.id == user_id).scalar_subquery()
    return sa.or_(member, admin.is_(True))


EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
"""The mark of someone who has never had a digest: their follows' dates bound what they get."""


def concerns(cutoff: dt.datetime) -> sa.Subquery:
    """(user_id, reply_id, created_at) of every shown reply, posted before ``cutoff``, that concerns a
    person who did not write it: a reply in a thread they follow (posted since they follow it), or a reply
    that quotes one of theirs (whether they follow its thread or not). One row per person and reply."""
    followed = (
        sa.select(
            Follow.user_id.label("user_id"), Reply.id.label("reply_id"), Reply.created_at.label("created_at")
        )
        .join(Reply, sa.and_(Reply.thread_id == Follow.thread_id, Reply.created_at >= Follow.followed_at))
        .where(
            Reply.created_at < cutoff,
            shown(),
            sa.or_(Reply.author_id.is_(None), Reply.author_id != Follow.user_id),
        )
    )
    quoted_reply = aliased(Reply)
    quoted = (
        sa.select(quoted_reply.author_id, Reply.id, Reply.created_at)
        .join(quoted_reply, quoted_reply.id == Reply.quote_of_id)
        .where(
            Reply.created_at < cutoff,
            shown(),
            quoted_reply.author_id.is_not(None),
            sa.or_(Reply.author_id.is_(None), Reply.author_id != quoted_reply.author_id),
        )
    )
    return sa.union(followed, quoted).subquery("concerns")


def pending(cutoff: dt.datetime) -> tuple[sa.Subquery, sa.Select[tuple[int, int, dt.datetime]]]:
    """What digests have yet to carry: the replies of ``concerns`` posted since each person's mark. The
    next mark is ``cutoff``, so successive digests' spans [mark, cutoff) neither overlap nor leave gaps."""
    found = concerns(cutoff)
    statement = (
        sa.select(found.c.user_id, found.c.reply_id, found.c.created_at)
        .outerjoin(DigestMark, DigestMark.user_id == found.c.user_id)
        .where(found.c.created_at >= sa.func.coalesce(DigestMark.digested_through, EPOCH))
    )
    return found, statement


def digest_readers(cutoff: dt.datetime, subject_type: str, period: str, limit: int) -> sa.Select[tuple[int]]:
    """People with something for their digest who have had none in ``period``, those waiting longest
    first."""
    _found, statement = pending(cutoff)
    waiting = statement.subquery("waiting")
    served = sa.exists().where(
        Notification.subject_type == subject_type,
        Notification.subject_id == waiting.c.user_id,
        Notification.kind == period,
    )
    return (
        sa.select(waiting.c.user_id)
        .where(~served)
        .group_by(waiting.c.user_id)
        .order_by(sa.func.min(waiting.c.created_at), waiting.c.user_id)
        .limit(limit)
    )


def digest_items(user_id: int, cutoff: dt.datetime) -> sa.Select[tuple[Reply, Thread]]:
    """What ``user_id``'s digest carries: every pending reply with its thread, by thread then time."""
    found, statement = pending(cutoff)
    ids = statement.where(found.c.user_id == user_id).with_only_columns(found.c.reply_id)
    return (
        sa.select(Reply, Thread)
        .join(Thread, Thread.id == Reply.thread_id)
        .where(Reply.id.in_(ids))
        .options(selectinload(Reply.author))
        .order_by(Thread.cohort_id, Thread.id, Reply.created_at, Reply.id)
    )


def announcements_to_email(limit: int) -> sa.Select[tuple[Announcement]]:
    return (
        sa.select(Announcement)
        .where(Announcement.emailed_at.is_(None))
        .order_by(Announcement.created_at, Announcement.id)
        .limit(limit)
    )


def announcement_recipients(cohort_id: int, today: dt.date) -> sa.Select[tuple[User]]:
    """The cohort's current members who can be emailed: active, not erased, notification emails on."""
    return (
        sa.select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(
            Membership.cohort_id == cohort_id,
            current_membership_clause(today),
            User.active.is_(True),
            User.erased_at.is_(None),
            User.email_notifications.is_(True),
        )
        .distinct()
        .order_by(User.id)
    )
