"""The rules of a cohort's conversation, tested on the services directly."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import sqlalchemy as sa

from fellowship.core.audit import AuditEntry
from fellowship.discussions import services
from fellowship.discussions.models import Announcement, Follow, Reply, Thread
from fellowship.extensions import db
from tests.conftest import World
from tests.discussions.conftest import reply, thread_of


def followers(thread: Thread) -> list[int]:
    return list(
        db.session.scalars(
            sa.select(Follow.user_id).where(Follow.thread_id == thread.id).order_by(Follow.user_id)
        )
    )


def test_posting_an_announcement_makes_its_thread_and_its_author_follows(
    world: World, announcement: Announcement
) -> None:
    assert followers(thread_of(announcement)) == [world.users["facilitator"].id]


def test_a_reply_makes_its_author_follow_once(world: World, announcement: Announcement) -> None:
    fellow = world.users["fellow"]
    reply(announcement, fellow, "First")
    reply(announcement, fellow, "Second")
    assert followers(thread_of(announcement)) == sorted([world.users["facilitator"].id, fellow.id])


def test_a_quote_must_be_of_a_shown_reply_of_the_same_thread(
    world: World, announcement: Announcement, clock: Any
) -> None:
    other = services.post_announcement(
        world.cohort.id, world.users["facilitator"].id, "Other", "Text", clock.now()
    )
    elsewhere = services.post_reply(thread_of(other), world.users["fellow"].id, "There", clock.now())
    with pytest.raises(services.DiscussionError):
        services.post_reply(
            thread_of(announcement), world.users["fellow"].id, "Here", clock.now(), quote_of=elsewhere
        )
    here = reply(announcement, world.users["observer"], "Quoted")
    services.delete_reply(here, world.users["observer"].id, clock.now())
    with pytest.raises(services.DiscussionError):
        services.post_reply(
            thread_of(announcement), world.users["fellow"].id, "Here", clock.now(), quote_of=here
        )


def test_the_same_module_has_one_thread_per_cohort(world: World, clock: Any) -> None:
    mine = services.open_thread(world.cohort.id, "module", 7, clock.now())
    again = services.open_thread(world.cohort.id, "module", 7, clock.now())
    theirs = services.open_thread(world.other_cohort.id, "module", 7, clock.now())
    assert (mine.id == again.id, mine.id == theirs.id) == (True, False)


def test_a_reply_can_be_edited_until_the_window_closes(
    world: World, announcement: Announcement, clock: Any
) -> None:
    fellow = world.users["fellow"]
    posted = reply(announcement, fellow, "Draft")
    clock.set_time(posted.created_at + dt.timedelta(minutes=14, seconds=59))
    services.edit_reply(posted, fellow.id, "Final", clock.now())
    assert (posted.body, posted.edited_at) == ("Final", clock.now())
    clock.set_time(posted.created_at + dt.timedelta(minutes=15))
    with pytest.raises(services.DiscussionError):
        services.edit_reply(posted, fellow.id, "Too late", clock.now())
    assert posted.body == "Final"


def test_only_its_author_edits_or_deletes_a_reply(
    world: World, announcement: Announcement, clock: Any
) -> None:
    posted = reply(announcement, world.users["fellow"], "Mine")
    with pytest.raises(services.DiscussionError):
        services.edit_reply(posted, world.users["facilitator"].id, "Theirs", clock.now())
    with pytest.raises(services.DiscussionError):
        services.delete_reply(posted, world.users["facilitator"].id, clock.now())
    assert (posted.body, posted.deleted_at) == ("Mine", None)


def test_deleting_empties_the_reply_and_keeps_its_place(
    world: World, announcement: Announcement, clock: Any
) -> None:
    first = reply(announcement, world.users["fellow"], "Gone soon")
    second = reply(announcement, world.users["observer"], "Stays", quote_of=first)
    services.delete_reply(first, world.users["fellow"].id, clock.now())
    db.session.commit()
    rows = db.session.execute(
        sa.select(Reply.body, Reply.deleted_at.is_not(None), Reply.quote_of_id).order_by(Reply.id)
    ).all()
    assert [tuple(row) for row in rows] == [("", True, None), ("Stays", False, first.id)]
    assert second.quote_of is not None and not second.quote_of.shown


def test_hiding_needs_a_reason_and_is_audited(world: World, announcement: Announcement, clock: Any) -> None:
    posted = reply(announcement, world.users["fellow"], "Off topic")
    facilitator = world.users["facilitator"].id
    with pytest.raises(services.DiscussionError):
        services.hide_reply(posted, facilitator, "   ", clock.now())
    services.hide_reply(posted, facilitator, "Off-topic  here", clock.now())
    services.unhide_reply(posted, facilitator)
    db.session.commit()
    trail = db.session.execute(
        sa.select(AuditEntry.actor_id, AuditEntry.action, AuditEntry.changes)
        .where(AuditEntry.subject_type == "discussion_replies", AuditEntry.subject_id == posted.id)
        .order_by(AuditEntry.id)
    ).all()
    assert [tuple(row) for row in trail] == [
        (facilitator, "hidden", {"hidden_reason": ["", "Off-topic here"]}),
        (facilitator, "unhidden", {"hidden_reason": ["Off-topic here", ""]}),
    ]
    assert (posted.hidden_at, posted.hidden_reason) == (None, "")


def test_empty_text_and_control_characters_are_refused(
    world: World, announcement: Announcement, clock: Any
) -> None:
    thread = thread_of(announcement)
    for text in ("", "   ", "Bell\x07"):
        with pytest.raises(services.DiscussionError):
            services.post_reply(thread, world.users["fellow"].id, text, clock.now())
    with pytest.raises(services.DiscussionError):
        services.post_announcement(
            world.cohort.id,
            world.users["facilitator"].id,
            "Title",
            "Body",
            clock.now(),
            link="javascript:alert(1)",
        )
    assert db.session.scalar(sa.select(sa.func.count(Reply.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(Announcement.id))) == 1
