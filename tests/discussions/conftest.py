"""Fixtures of the discussions tests: an announcement of the world's cohort, and replies to it."""

from __future__ import annotations

from typing import Any

import pytest

from fellowship.core import clock
from fellowship.discussions import services
from fellowship.discussions.enums import ThreadKind
from fellowship.discussions.models import Announcement, Reply, Thread
from fellowship.extensions import db
from tests.conftest import World


@pytest.fixture
def announcement(world: World) -> Announcement:
    """ "Welcome", posted by the world's facilitator to the world's cohort (who follows its thread)."""
    posted = services.post_announcement(
        world.cohort.id, world.users["facilitator"].id, "Welcome", "Hello, **everyone**.", clock.now()
    )
    db.session.commit()
    return posted


@pytest.fixture
def inventory(app: Any, world: World) -> dict[str, Any]:
    """The route inventory's objects of the world's cohort: an event (with a reply in its thread), a module
    assignment, an announcement ("Welcome"), ..., by their URL parameter names."""
    from tests.test_route_inventory import url_params

    return url_params(app, world)


def thread_of(announcement: Announcement) -> Thread:
    thread = services.thread_of(announcement.cohort_id, ThreadKind.ANNOUNCEMENT, announcement.id)
    assert thread is not None
    return thread


def reply(announcement: Announcement, author: Any, text: str, quote_of: Reply | None = None) -> Reply:
    posted = services.post_reply(thread_of(announcement), author.id, text, clock.now(), quote_of=quote_of)
    db.session.commit()
    return posted


def page_of(announcement: Announcement) -> str:
    return f"/cohorts/{announcement.cohort_id}/announcements/{announcement.id}"
