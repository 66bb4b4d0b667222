"""The discussions' part of "download my data" and of erasure."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from fellowship.accounts import erasure
from fellowship.core import personal_data
from fellowship.discussions.models import Announcement, Follow, Reply
from fellowship.extensions import db
from tests.conftest import World
from tests.discussions.conftest import page_of, reply


def holding() -> personal_data.Holding:
    return {h.section: h for h in personal_data.holdings()}["discussions"]


def test_export_has_the_persons_replies_announcements_and_follows(
    world: World, announcement: Announcement
) -> None:
    reply(announcement, world.users["fellow"], "My reply")
    exported = holding().export(world.users["fellow"])
    assert [r["text"] for r in exported["replies"]] == ["My reply"]
    assert (exported["announcements"], exported["following"]) == (
        [],
        [f"announcement:{announcement.id} (cohort {world.cohort.id})"],
    )
    assert [a["title"] for a in holding().export(world.users["facilitator"])["announcements"]] == ["Welcome"]


def test_erasure_empties_the_persons_replies_and_scrubs_their_name_elsewhere(
    world: World, announcement: Announcement, client_as: Any
) -> None:
    fellow = world.users["fellow"]
    mine = reply(announcement, fellow, "Write to me at " + fellow.email)
    reply(announcement, world.users["observer"], "Thanks, Fiona Fellow!", quote_of=mine)
    email = fellow.email
    erasure.erase(fellow, world.users["admin"].id)
    db.session.commit()
    label = f"Erased person #{fellow.id}"
    rows = db.session.execute(sa.select(Reply.body, Reply.deleted_at.is_not(None)).order_by(Reply.id)).all()
    assert [tuple(row) for row in rows] == [("", True), (f"Thanks, {label}!", False)]
    assert db.session.scalars(sa.select(Follow.user_id).where(Follow.user_id == fellow.id)).all() == []
    page = client_as("observer").get(page_of(announcement)).get_data(as_text=True)
    assert "Fiona Fellow" not in page and email not in page and label in page
    assert "A reply that is no longer shown." in page
