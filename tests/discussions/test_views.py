"""The discussions' pages through the test client: posting, replying, quoting, editing, hiding, following,
privacy between cohorts, the rate limit, and bounded queries."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import sqlalchemy as sa

from fellowship.core import clock as app_clock
from fellowship.curriculum.models import CohortModule
from fellowship.discussions.models import Announcement, Follow, Reply, Thread
from fellowship.extensions import db, limiter
from tests import factories as f
from tests.conftest import World
from tests.discussions.conftest import page_of, reply, thread_of


def text(response: Any) -> str:
    return response.get_data(as_text=True)


def test_a_facilitator_posts_an_announcement_from_the_cohort_page(world: World, client_as: Any) -> None:
    facilitator = client_as("facilitator")
    cohort_page = text(facilitator.get(f"/cohorts/{world.cohort.id}"))
    new = f"/cohorts/{world.cohort.id}/announcements/new"
    assert f'href="{new}"' in cohort_page
    response = facilitator.post(
        new,
        data={
            "title": "Workshop moved",
            "body": "Now in **room 2**.",
            "points": "",
            "link": "https://example.org/map",
        },
    )
    announcement = db.session.scalar(sa.select(Announcement))
    assert response.status_code == 302 and response.headers["Location"].endswith(page_of(announcement))
    page = text(facilitator.get(page_of(announcement)))
    assert "<strong>room 2</strong>" in page and 'href="https://example.org/map"' in page
    assert "Workshop moved" in text(client_as("fellow").get(f"/cohorts/{world.cohort.id}"))


def test_an_announcement_can_point_at_an_event_of_its_cohort_only(
    world: World, client_as: Any, inventory: dict[str, Any]
) -> None:
    facilitator = client_as("facilitator")
    new = f"/cohorts/{world.cohort.id}/announcements/new"
    form = text(facilitator.get(new))
    assert f'value="event:{inventory["event_id"]}"' in form and 'value="module:' in form
    refused = facilitator.post(new, data={"title": "T", "body": "B", "points": "event:999999"})
    assert refused.status_code == 400
    accepted = facilitator.post(
        new, data={"title": "T", "body": "B", "points": f"event:{inventory['event_id']}"}
    )
    assert accepted.status_code == 302
    page = text(facilitator.get(accepted.headers["Location"]))
    assert f'href="/events/{inventory["event_id"]}"' in page


def test_observers_read_but_do_not_reply(world: World, client_as: Any, announcement: Announcement) -> None:
    observer = client_as("observer")
    page = text(observer.get(page_of(announcement)))
    assert "Hello, <strong>everyone</strong>." in page and 'id="reply-form"' not in page
    response = observer.post(
        f"/cohorts/{world.cohort.id}/discussions/announcement/{announcement.id}/replies", data={"body": "Hi"}
    )
    assert response.status_code == 403
    assert db.session.scalar(sa.select(sa.func.count(Reply.id))) == 0


def test_a_fellow_replies_and_lands_on_the_reply(
    world: World, client_as: Any, announcement: Announcement
) -> None:
    fellow = client_as("fellow")
    response = fellow.post(
        f"/cohorts/{world.cohort.id}/discussions/announcement/{announcement.id}/replies",
        data={"body": "Thanks, see [the map](https://example.org)."},
    )
    posted = db.session.scalar(sa.select(Reply))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"{page_of(announcement)}#reply-{posted.id}")
    page = text(fellow.get(page_of(announcement)))
    assert 'href="https://example.org" rel="noopener noreferrer nofollow"' in page
    assert f'href="/cohorts/{world.cohort.id}/replies/{posted.id}/edit"' in page  # within the window


def test_a_refused_reply_comes_back_with_its_text(
    world: World, client_as: Any, announcement: Announcement
) -> None:
    fellow = client_as("fellow")
    response = fellow.post(
        f"/cohorts/{world.cohort.id}/discussions/announcement/{announcement.id}/replies",
        data={"body": "Long thoughts\x00 with a NUL"},
    )
    assert response.status_code == 400
    assert "invisible control characters" in text(response) and "Long thoughts" in text(response)
    assert db.session.scalar(sa.select(sa.func.count(Reply.id))) == 0


def test_a_quote_shows_what_it_quotes_and_links_to_it(
    world: World, client_as: Any, announcement: Announcement
) -> None:
    first = reply(announcement, world.users["observer"], "The *first* point")
    fellow = client_as("fellow")
    form = text(fellow.get(f"{page_of(announcement)}?quote={first.id}"))
    assert (
        "Quoting <bdi>Oscar Observer</bdi>:" in form
        and f'name="quote" type="hidden" value="{first.id}"' in form
    )
    fellow.post(
        f"/cohorts/{world.cohort.id}/discussions/announcement/{announcement.id}/replies",
        data={"body": "Agreed", "quote": str(first.id)},
    )
    second = db.session.scalars(sa.select(Reply).order_by(Reply.id.desc())).first()
    assert second.quote_of_id == first.id
    page = text(fellow.get(page_of(announcement)))
    assert (
        f'href="/cohorts/{world.cohort.id}/replies/{first.id}"><bdi>Oscar Observer</bdi> wrote:</a>' in page
    )
    assert page.count("<em>first</em>") == 2  # the reply itself and the quote


def test_editing_after_the_window_is_refused_and_keeps_the_text(
    world: World, client_as: Any, announcement: Announcement, clock: Any
) -> None:
    posted = reply(announcement, world.users["fellow"], "Before")
    fellow = client_as("fellow")
    edit = f"/cohorts/{world.cohort.id}/replies/{posted.id}/edit"
    assert fellow.post(edit, data={"body": "After"}).status_code == 302
    clock.set_time(clock.now() + dt.timedelta(minutes=16))
    late = fellow.post(edit, data={"body": "Much later"})
    assert late.status_code == 302
    db.session.refresh(posted)
    assert posted.body == "After"
    assert "The time for editing this reply has passed." in text(fellow.get(late.headers["Location"]))


def test_a_hidden_reply_shows_its_reason_to_its_author_and_a_placeholder_to_others(
    world: World, client_as: Any, announcement: Announcement
) -> None:
    posted = reply(announcement, world.users["fellow"], "Selling a laptop")
    facilitator = client_as("facilitator")
    hide = f"/cohorts/{world.cohort.id}/replies/{posted.id}/hide"
    assert facilitator.post(hide, data={"hidden_reason": ""}).status_code == 400
    assert facilitator.post(hide, data={"hidden_reason": "Off-topic: use the network"}).status_code == 302
    author = text(client_as("fellow").get(page_of(announcement)))
    other = text(client_as("observer").get(page_of(announcement)))
    assert (
        "Hidden by a facilitator: <bdi>Off-topic: use the network</bdi>" in author
        and "Selling a laptop" in author
    )
    assert "A facilitator hid this reply." in other and "Selling a laptop" not in other
    assert "Off-topic" not in other


def test_deleting_a_reply_leaves_a_marker(world: World, client_as: Any, announcement: Announcement) -> None:
    posted = reply(announcement, world.users["fellow"], "Oops, wrong thread")
    fellow = client_as("fellow")
    assert fellow.post(f"/cohorts/{world.cohort.id}/replies/{posted.id}/delete").status_code == 302
    page = text(fellow.get(page_of(announcement)))
    assert "This reply was deleted." in page and "wrong thread" not in page


def test_following_and_unfollowing_an_event_thread(
    world: World, client_as: Any, inventory: dict[str, Any]
) -> None:
    event_id = inventory["event_id"]
    observer = client_as("observer")
    base = f"/cohorts/{world.cohort.id}/discussions/event/{event_id}"
    assert observer.post(base + "/follow").status_code == 302
    follows = lambda: db.session.scalars(sa.select(Follow.user_id)).all()  # noqa: E731
    assert world.users["observer"].id in follows()
    assert "Unfollow" in text(observer.get(base))
    assert observer.post(base + "/unfollow").status_code == 302
    assert world.users["observer"].id not in follows()


def test_the_event_and_module_pages_link_to_their_discussions(
    world: World, client_as: Any, inventory: dict[str, Any]
) -> None:
    fellow = client_as("fellow")
    event_page = text(fellow.get(f"/events/{inventory['event_id']}"))
    assert f'href="/cohorts/{world.cohort.id}/discussions/event/{inventory["event_id"]}"' in event_page
    assignment = db.session.scalar(sa.select(CohortModule).where(CohortModule.cohort_id == world.cohort.id))
    module_page = text(fellow.get(f"/cohorts/{world.cohort.id}/modules/{assignment.slug}"))
    assert f'href="/cohorts/{world.cohort.id}/discussions/module/{assignment.id}"' in module_page
    thread = text(fellow.get(f"/cohorts/{world.cohort.id}/discussions/module/{assignment.id}"))
    assert "Mission statement" in thread


def test_another_cohorts_module_is_not_found_through_mine(world: World, client_as: Any) -> None:
    theirs = f.CohortModuleFactory(cohort=world.other_cohort)
    for role in ("fellow", "admin"):
        response = client_as(role).get(f"/cohorts/{world.cohort.id}/discussions/module/{theirs.id}")
        assert response.status_code == 404
    assert (
        client_as("other_fellow")
        .get(f"/cohorts/{world.other_cohort.id}/discussions/module/{theirs.id}")
        .status_code
        == 200
    )
    assert db.session.scalar(sa.select(sa.func.count(Thread.id))) == 0


def test_replies_are_rate_limited_per_person(
    app: Any, world: World, client_as: Any, announcement: Announcement, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "FELLOWSHIP_RATELIMIT_DISCUSSION", "3 per minute")
    url = f"/cohorts/{world.cohort.id}/discussions/announcement/{announcement.id}/replies"
    fellow = client_as("fellow")
    answers = [fellow.post(url, data={"body": f"Reply {n}"}).status_code for n in range(4)]
    assert answers == [302, 302, 302, 429]
    assert client_as("facilitator").post(url, data={"body": "Staff reply"}).status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(Reply.id))) == 4
    limiter.reset()


def test_a_thread_page_issues_the_same_queries_for_10_and_2000_replies(
    world: World, client_as: Any, announcement: Announcement, count_queries: Any
) -> None:
    thread = thread_of(announcement)
    people = [world.users[name].id for name in ("fellow", "observer", "facilitator")]

    def add(count: int, start: int) -> None:
        now = app_clock.now()
        rows = [
            {
                "thread_id": thread.id,
                "author_id": people[n % 3],
                "body": f"Reply {n}",
                "quote_of_id": None,
                "created_at": now - dt.timedelta(hours=1) + dt.timedelta(seconds=n),
                "hidden_reason": "",
            }
            for n in range(start, start + count)
        ]
        db.session.execute(sa.insert(Reply), rows)
        db.session.commit()

    add(10, 0)
    last = db.session.scalars(sa.select(Reply).order_by(Reply.id.desc())).first()
    reply(announcement, world.users["fellow"], "Quoting", quote_of=last)
    fellow = client_as("fellow")
    with count_queries() as few:
        page = fellow.get(page_of(announcement))
    assert page.status_code == 200 and "11 replies" in text(page)
    add(1988, 10)
    newest = db.session.scalars(
        sa.select(Reply).order_by(Reply.created_at.desc(), Reply.id.desc()).offset(1)
    ).first()
    reply(announcement, world.users["fellow"], "Quoting again", quote_of=newest)
    with count_queries() as many:
        page = fellow.get(page_of(announcement) + "?page=40")
    assert page.status_code == 200 and "2000 replies" in text(page) and "Page 40 of 40" in text(page)
    assert few.count == many.count


def test_the_discussions_list_is_paged_and_its_queries_do_not_grow(
    world: World, client_as: Any, count_queries: Any, inventory: dict[str, Any]
) -> None:
    """Announcements and event and module threads, newest activity first: the same statements for 4
    conversations and for 300 (on page 12 of 12)."""

    from fellowship.discussions import services

    facilitator = world.users["facilitator"].id
    assignment = db.session.scalar(sa.select(CohortModule).where(CohortModule.cohort_id == world.cohort.id))
    services.post_reply(
        services.open_thread(world.cohort.id, "module", assignment.id, app_clock.now()),
        facilitator,
        "Hi",
        app_clock.now(),
    )
    services.post_announcement(world.cohort.id, facilitator, "Only one", "Text", app_clock.now())
    db.session.commit()
    url = f"/cohorts/{world.cohort.id}/discussions"
    fellow = client_as("fellow")
    with count_queries() as few:
        page = text(fellow.get(url))
    assert (page.count('class="tag"'), "Mission statement" in page, "Only one" in page) == (4, True, True)
    for number in range(296):
        services.post_announcement(
            world.cohort.id,
            facilitator,
            f"News {number}",
            "Text",
            app_clock.now() + dt.timedelta(minutes=number + 1),
        )
    db.session.commit()
    with count_queries() as many:
        page = text(fellow.get(url + "?page=12"))
    assert "Page 12 of 12" in page and page.count('class="tag"') == 300 - 11 * 25
    oldest = f'href="/cohorts/{world.cohort.id}/discussions/event/{inventory["event_id"]}"'
    assert oldest in page
    assert few.count == many.count


def test_the_home_page_shows_recent_announcements_of_ones_cohorts(
    world: World, client_as: Any, announcement: Announcement
) -> None:
    link = f'href="{page_of(announcement)}"'
    assert link in text(client_as("fellow").get("/"))
    assert link not in text(client_as("other_fellow").get("/"))
