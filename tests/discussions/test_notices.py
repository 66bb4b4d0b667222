"""What `flask fellowship dispatch` sends for discussions: announcements once to each member, and at most
one digest of replies per person per hour, carrying only what is shown once its edit window has closed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from fellowship.discussions import notices, services
from fellowship.discussions.models import Announcement
from fellowship.extensions import db
from fellowship.programs.models import Membership
from tests import factories as f
from tests.conftest import World
from tests.discussions.conftest import reply, thread_of
from tests.mailbox import messages

WINDOW = dt.timedelta(minutes=15)
LATER = WINDOW + dt.timedelta(seconds=1)


def dispatch_announcements() -> int:
    sent = notices.dispatch_announcements()
    db.session.commit()
    return sent


def dispatch_digests() -> int:
    sent = notices.dispatch_digests()
    db.session.commit()
    return sent


def digests(to: str | None = None) -> list[Any]:
    return messages(notices.DIGEST_KIND, to)


def test_an_announcement_is_emailed_once_to_every_member_but_its_author(
    world: World, announcement: Announcement
) -> None:
    world.users["observer"].email_notifications = False
    db.session.commit()
    assert dispatch_announcements() == 1
    assert dispatch_announcements() == 0
    [message] = messages(notices.ANNOUNCEMENT_KIND)
    assert message.recipient == world.users["fellow"].email
    assert message.subject == "Fellowship 2024: Welcome"
    assert "Hello, **everyone**." in message.body_text and "<strong>everyone</strong>" in message.body_html
    assert message.headers["List-Unsubscribe"].startswith("<http://fellowship.test/unsubscribe/")
    assert announcement.emailed_at is not None


def test_a_reply_waits_for_its_edit_window_then_reaches_the_followers_digest(
    world: World, announcement: Announcement, clock: Any
) -> None:
    facilitator = world.users["facilitator"].email
    reply(announcement, world.users["fellow"], "Count me in")
    clock.set_time(clock.now() + WINDOW)
    assert dispatch_digests() == 0  # the window has just closed: nothing before its end
    clock.set_time(clock.now() + dt.timedelta(microseconds=1))
    assert dispatch_digests() == 1
    [digest] = digests()
    assert digest.recipient == facilitator  # the fellow wrote it; the observer follows nothing
    assert "Count me in" in digest.body_text and "Welcome (Fellowship 2024)" in digest.body_text
    assert dispatch_digests() == 0  # carried once


def test_at_most_one_digest_an_hour_and_the_rest_waits_for_the_next(
    world: World, announcement: Announcement, clock: Any
) -> None:
    reply(announcement, world.users["fellow"], "First")  # at 18:00, as the announcement
    clock.set_time(dt.datetime(2024, 1, 18, 18, 20, tzinfo=dt.UTC))
    assert dispatch_digests() == 1
    reply(announcement, world.users["fellow"], "Second")
    clock.set_time(dt.datetime(2024, 1, 18, 18, 50, tzinfo=dt.UTC))
    assert dispatch_digests() == 0  # 18:00-18:59 had its digest
    clock.set_time(dt.datetime(2024, 1, 18, 19, 5, tzinfo=dt.UTC))
    assert dispatch_digests() == 1
    bodies = [message.body_text for message in digests(world.users["facilitator"].email)]
    assert [("First" in body, "Second" in body) for body in bodies] == [(True, False), (False, True)]


def test_a_hidden_reply_never_leaves_and_ones_own_replies_are_not_sent_back(
    world: World, announcement: Announcement, clock: Any
) -> None:
    fellow, facilitator = world.users["fellow"], world.users["facilitator"]
    reply(announcement, fellow, "On topic")
    off = reply(announcement, fellow, "Buy my laptop")
    services.hide_reply(off, facilitator.id, "Off-topic", clock.now() + dt.timedelta(minutes=5))
    reply(announcement, facilitator, "Thanks, all")
    db.session.commit()
    clock.set_time(clock.now() + LATER)
    assert dispatch_digests() == 2
    to_facilitator = digests(facilitator.email)[0].body_text
    to_fellow = digests(fellow.email)[0].body_text
    assert ("On topic" in to_facilitator, "laptop" in to_facilitator, "Thanks, all" in to_facilitator) == (
        True,
        False,
        False,
    )
    assert ("Thanks, all" in to_fellow, "On topic" in to_fellow) == (True, False)


def test_people_who_left_the_cohort_or_turned_emails_off_get_no_digest(
    world: World, announcement: Announcement, clock: Any
) -> None:
    fellow, facilitator = world.users["fellow"], world.users["facilitator"]
    reply(announcement, fellow, "Hello")
    reply(announcement, facilitator, "Welcome")
    facilitator.email_notifications = False
    membership = db.session.scalar(sa.select(Membership).where(Membership.user_id == fellow.id))
    membership.left_on = clock.today()
    db.session.commit()
    clock.set_time(clock.now() + LATER)
    assert dispatch_digests() == 0
    facilitator.email_notifications = True
    db.session.commit()
    clock.set_time(clock.now() + dt.timedelta(hours=2))
    assert dispatch_digests() == 0  # what waited was marked as done, not saved up


def test_a_reply_that_quotes_you_reaches_you_even_after_you_unfollowed(
    world: World, announcement: Announcement, clock: Any
) -> None:
    fellow, observer = world.users["fellow"], world.users["observer"]
    mine = reply(announcement, fellow, "My question")
    services.unfollow(thread_of(announcement), fellow.id)
    reply(announcement, observer, "Unrelated remark")
    reply(announcement, observer, "My answer to you", quote_of=mine)
    db.session.commit()
    clock.set_time(clock.now() + LATER)
    dispatch_digests()
    [digest] = digests(fellow.email)
    assert ("My answer to you" in digest.body_text, "Unrelated" in digest.body_text) == (True, False)
    clock.set_time(clock.now() + dt.timedelta(hours=2))
    assert dispatch_digests() == 0


def test_a_module_threads_digest_names_the_module_in_the_readers_language(world: World, clock: Any) -> None:
    module = f.ModuleFactory(title={"en": "Business model canvas", "es": "Lienzo del modelo de negocio"})
    assignment = f.CohortModuleFactory(cohort=world.cohort, slug=module.slug)
    world.users["observer"].locale = "es"
    db.session.flush()
    thread = services.open_thread(world.cohort.id, "module", assignment.id, clock.now())
    services.follow(thread, world.users["observer"].id, clock.now())
    services.post_reply(thread, world.users["fellow"].id, "Where do volunteers go?", clock.now())
    db.session.commit()
    clock.set_time(clock.now() + LATER)
    assert dispatch_digests() == 1
    [digest] = digests(world.users["observer"].email)
    assert "Lienzo del modelo de negocio (Fellowship 2024)" in digest.body_text
    assert f"/cohorts/{world.cohort.id}/discussions/module/{assignment.id}" in digest.body_text
