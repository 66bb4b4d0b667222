"""The discussions' part of the demo (DOMAIN.md §7)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from fellowship.discussions import notices
from fellowship.discussions.models import Announcement, Reply, Thread
from fellowship.extensions import db
from fellowship.programs.models import Cohort


def test_the_demo_has_threads_in_both_cohorts_one_reply_hidden_and_nothing_to_send(app: Any) -> None:
    assert app.test_cli_runner().invoke(args=["fellowship", "demo"]).exit_code == 0
    kinds = db.session.execute(
        sa.select(Cohort.name, Thread.kind, sa.func.count(Reply.id))
        .join(Thread, Thread.cohort_id == Cohort.id)
        .join(Reply, Reply.thread_id == Thread.id)
        .group_by(Cohort.name, Thread.kind)
        .order_by(Cohort.name, Thread.kind)
    ).all()
    assert [tuple(row) for row in kinds] == [
        ("Grassroots in Action Academy", "announcement", 3),
        ("Worker Cooperative Developer Fellowship 2024", "announcement", 6),
        ("Worker Cooperative Developer Fellowship 2024", "event", 1),
        ("Worker Cooperative Developer Fellowship 2024", "module", 3),
    ]
    hidden = db.session.scalars(sa.select(Reply.hidden_reason).where(Reply.hidden_at.is_not(None))).all()
    assert hidden == ["Off-topic here: please list offers in the co-op network."]
    bodies = " ".join(db.session.scalars(sa.select(Reply.body)))
    assert ("¿Habrá interpretación" in bodies, "śniadanie z zarządem" in bodies) == (True, True)
    assert (
        db.session.scalar(sa.select(sa.func.count(Announcement.id)).where(Announcement.emailed_at.is_(None)))
        == 0
    )
    assert (notices.dispatch_announcements(), notices.dispatch_digests()) == (0, 0)
