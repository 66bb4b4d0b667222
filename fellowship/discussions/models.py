"""Announcements, threads and replies of a cohort, who follows which thread, and how far each person's
digests have reached."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fellowship.accounts.models import User
from fellowship.core import clock
from fellowship.core.models import UTCDateTime
from fellowship.extensions import db


class Announcement(db.Model):
    """What a facilitator tells the whole cohort; it may point at one of the cohort's events or modules
    (a subject reference, ``core.subjects``) or at a link. Its replies form the thread of kind
    ``announcement``. ``emailed_at`` is set once ``dispatch`` has emailed it to the members."""

    __tablename__ = "announcements"
    __table_args__ = (sa.Index("ix_announcements_cohort_created", "cohort_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("cohorts.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text, default="")
    points_kind: Mapped[str | None] = mapped_column(sa.String(32))
    points_id: Mapped[int | None] = mapped_column()
    link: Mapped[str] = mapped_column(sa.String(500), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=clock.now)
    edited_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    emailed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    author: Mapped[User | None] = relationship()


class Thread(db.Model):
    """The conversation about one subject in one cohort, made when someone first replies or follows.
    Keyed by the cohort as well, so two cohorts that share a module never share its conversation."""

    __tablename__ = "discussion_threads"
    __table_args__ = (sa.UniqueConstraint("cohort_id", "kind", "subject_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("cohorts.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(32))
    subject_id: Mapped[int] = mapped_column()
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=clock.now)
    last_reply_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class Reply(db.Model):
    """A member's message in a thread (sanitised Markdown), optionally quoting an earlier reply of the same
    thread. Its author may edit it during the edit window and delete it at any time (the row stays, empty,
    so the thread's order and quotes hold); staff may hide it with a reason."""

    __tablename__ = "discussion_replies"
    __table_args__ = (sa.Index("ix_discussion_replies_thread_created", "thread_id", "created_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(sa.ForeignKey("discussion_threads.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    body: Mapped[str] = mapped_column(sa.Text, default="")
    quote_of_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("discussion_replies.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=clock.now)
    edited_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    deleted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    hidden_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    hidden_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    hidden_reason: Mapped[str] = mapped_column(sa.String(500), default="")

    thread: Mapped[Thread] = relationship()
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    quote_of: Mapped[Reply | None] = relationship(remote_side=[id])

    @property
    def shown(self) -> bool:
        """Whether members see its text (neither deleted nor hidden)."""
        return self.deleted_at is None and self.hidden_at is None


class Follow(db.Model):
    """A person follows a thread: its replies from ``followed_at`` on reach them in their hourly digest."""

    __tablename__ = "discussion_follows"

    thread_id: Mapped[int] = mapped_column(
        sa.ForeignKey("discussion_threads.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    followed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=clock.now)


class DigestMark(db.Model):
    """How far (by reply time) a person's digests have carried what concerns them: replies in the threads
    they follow and replies that quote them. The next digest carries what was posted from here on."""

    __tablename__ = "discussion_digest_marks"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    digested_through: Mapped[dt.datetime] = mapped_column(UTCDateTime())
