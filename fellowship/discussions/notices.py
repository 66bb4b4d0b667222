"""What `flask fellowship dispatch` does for discussions: announcements by email, and reply digests.

**Announcements** go to the cohort's current members (not their author) who are active and have
notification emails on, in each person's language, with the unsubscribe link; the notification row
(announcement, address, ``announcement``) makes each email go once, and ``emailed_at`` marks the
announcement done. An edit after that emails nobody again.

**Digests** carry the replies that concern a person: those in the threads they follow (since they follow
them) and those that quote one of their replies, even in a thread they stopped following. At most one email
per person per clock hour (UTC). The notification's kind is ``digest:<YYYY-MM-DDTHH>``, unique per (person,
hour), so a second run in the same hour sends nothing and the replies wait for the next hour. A reply
travels once its edit window has closed (``services.edit_window``): emails carry its final text and a reply
hidden within the window never leaves. A digest leaves out hidden and deleted replies, the person's own, and
threads of cohorts they no longer belong to; the person's mark (``DigestMark``) then moves to the window's
end, so nothing is carried twice. People who turned notification emails off (or are inactive or erased) are
moved along without an email. Each run serves at most ``BATCH`` people, those waiting longest first.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from fellowship.accounts import emails
from fellowship.accounts.emails import external_url
from fellowship.accounts.models import User
from fellowship.core import clock, notifications, subjects
from fellowship.core.i18n import format_datetime_in
from fellowship.core.inserts import insert
from fellowship.core.markdown import render as render_markdown
from fellowship.discussions import queries, services
from fellowship.discussions.enums import ThreadKind
from fellowship.discussions.models import Announcement, DigestMark, Reply, Thread
from fellowship.extensions import db
from fellowship.programs.models import Cohort

BATCH = 200
ANNOUNCEMENT_BATCH = 20
ANNOUNCEMENT_KIND = "announcement"
DIGEST_KIND = "discussion_digest"
DIGEST_SUBJECT = _l("New replies in your cohort's discussions")


def digest_period(now: dt.datetime) -> str:
    """The notification kind of the hour ``now`` falls in: one digest per person per period."""
    return "digest:" + now.astimezone(dt.UTC).strftime("%Y-%m-%dT%H")


def announcement_link(announcement: Announcement) -> str:
    return external_url(
        "fellowship.discussions.announcement",
        cohort_id=announcement.cohort_id,
        announcement_id=announcement.id,
    )


def thread_link(thread: Thread) -> str:
    """The thread's page (an announcement's thread is the announcement's page)."""
    if thread.kind == ThreadKind.ANNOUNCEMENT:
        return external_url(
            "fellowship.discussions.announcement",
            cohort_id=thread.cohort_id,
            announcement_id=thread.subject_id,
        )
    return external_url(
        "fellowship.discussions.thread",
        cohort_id=thread.cohort_id,
        kind=thread.kind,
        subject_id=thread.subject_id,
    )


def reply_link(reply: Reply, cohort_id: int) -> str:
    return external_url("fellowship.discussions.reply_link", cohort_id=cohort_id, reply_id=reply.id)


def email_announcement(announcement: Announcement, cohort_name: str, today: dt.date) -> int:
    """Queue the announcement to each member once; returns how many emails were queued."""
    sent = 0
    for user in db.session.scalars(queries.announcement_recipients(announcement.cohort_id, today)):
        if user.id == announcement.author_id:
            continue
        if not notifications.claim(
            Announcement.__tablename__, announcement.id, user.email, ANNOUNCEMENT_KIND
        ):
            continue
        emails.send_notification(
            user,
            ANNOUNCEMENT_KIND,
            f"{cohort_name}: {announcement.title}",
            "discussions/email/announcement",
            cohort_name=cohort_name,
            announcement=announcement,
            author=announcement.author.name if announcement.author is not None else "",
            body=render_markdown(announcement.body),
            link=announcement_link(announcement),
        )
        sent += 1
    return sent


def dispatch_announcements() -> int:
    """Email the announcements not emailed yet; returns how many emails were queued."""
    now = clock.now()
    sent = 0
    for announcement in list(db.session.scalars(queries.announcements_to_email(ANNOUNCEMENT_BATCH))):
        cohort_name = (
            db.session.scalar(sa.select(Cohort.name).where(Cohort.id == announcement.cohort_id)) or ""
        )
        sent += email_announcement(announcement, cohort_name, now.date())
        announcement.emailed_at = now
    db.session.flush()
    return sent


@dataclass
class DigestThread:
    title: str
    cohort_name: str
    link: str
    replies: list[dict[str, Any]] = field(default_factory=list)


def _threads_for(user: User, rows: list[tuple[Reply, Thread]], locale: str) -> list[DigestThread]:
    """The digest's threads, titled in the reader's language, each with its replies."""
    cohort_ids = sorted({thread.cohort_id for _reply, thread in rows})
    names = dict(db.session.execute(sa.select(Cohort.id, Cohort.name).where(Cohort.id.in_(cohort_ids))).all())
    announcement_ids = [t.subject_id for _r, t in rows if t.kind == ThreadKind.ANNOUNCEMENT]
    titles = dict(
        db.session.execute(
            sa.select(Announcement.id, Announcement.title).where(Announcement.id.in_(announcement_ids))
        ).all()
    )
    described: dict[tuple[int, str, int], subjects.Subject] = {}
    with force_locale(locale):
        for cohort_id in cohort_ids:
            references = [
                (t.kind, t.subject_id)
                for _r, t in rows
                if t.cohort_id == cohort_id and t.kind != ThreadKind.ANNOUNCEMENT
            ]
            for (kind, subject_id), subject in subjects.describe_many(cohort_id, references).items():
                described[(cohort_id, kind, subject_id)] = subject
        threads: dict[int, DigestThread] = {}
        for reply, thread in rows:
            if thread.id not in threads:
                if thread.kind == ThreadKind.ANNOUNCEMENT:
                    title = titles.get(thread.subject_id, "")
                else:
                    subject = described.get((thread.cohort_id, thread.kind, thread.subject_id))
                    title = subject.title if subject is not None else ""
                threads[thread.id] = DigestThread(
                    title=title,
                    cohort_name=names.get(thread.cohort_id, ""),
                    link=thread_link(thread),
                )
            threads[thread.id].replies.append(
                {
                    "author": reply.author.name if reply.author is not None else "",
                    "at": format_datetime_in(reply.created_at, user.timezone, "short"),
                    "body": reply.body,
                    "html": render_markdown(reply.body),
                    "link": reply_link(reply, thread.cohort_id),
                }
            )
    return list(threads.values())


def _readable(rows: list[tuple[Reply, Thread]], user: User, today: dt.date) -> list[tuple[Reply, Thread]]:
    """Drop the threads of cohorts the person may no longer read (one query)."""
    cohort_ids = {thread.cohort_id for _reply, thread in rows}
    allowed = set(
        db.session.scalars(
            sa.select(Cohort.id).where(
                Cohort.id.in_(cohort_ids), queries.reader_clause(sa.literal(user.id), Cohort.id, today)
            )
        )
    )
    return [(reply, thread) for reply, thread in rows if thread.cohort_id in allowed]


def mark(user_id: int, cutoff: dt.datetime) -> None:
    """Move the person's mark to ``cutoff``: what was posted before it is done with."""
    db.session.execute(
        insert(DigestMark)
        .values(user_id=user_id, digested_through=cutoff)
        .on_conflict_do_update(index_elements=[DigestMark.user_id], set_={"digested_through": cutoff})
    )


def digest(user: User, cutoff: dt.datetime, now: dt.datetime) -> bool:
    """Send ``user`` their digest if they have not had one this hour; True when one was queued."""
    rows = [
        (reply, thread) for reply, thread in db.session.execute(queries.digest_items(user.id, cutoff)).all()
    ]
    reachable = user.active and user.erased_at is None and user.email_notifications
    readable = _readable(rows, user, now.date()) if reachable else []
    sent = False
    if readable:
        if not notifications.claim(DIGEST_KIND, user.id, user.email, digest_period(now)):
            return False  # this hour's digest went already: the replies wait for the next one
        emails.send_notification(
            user,
            DIGEST_KIND,
            DIGEST_SUBJECT,
            "discussions/email/digest",
            threads=_threads_for(user, readable, emails.recipient_locale(user)),
        )
        sent = True
    mark(user.id, cutoff)
    return sent


def dispatch_digests() -> int:
    """Send the reply digests due; returns how many were queued."""
    now = clock.now()
    cutoff = now - services.edit_window()
    user_ids = list(
        db.session.scalars(queries.digest_readers(cutoff, DIGEST_KIND, digest_period(now), BATCH))
    )
    users = db.session.scalars(sa.select(User).where(User.id.in_(user_ids)).order_by(User.id)).all()
    return sum(1 for user in users if digest(user, cutoff, now))


notifications.register("discussion announcements", dispatch_announcements)
notifications.register("discussion digests", dispatch_digests)
