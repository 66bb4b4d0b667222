"""First replies and digests at the same moment (PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import sqlalchemy as sa

from fellowship.core import clock as app_clock
from fellowship.discussions import notices, services
from fellowship.discussions.models import Follow, Reply, Thread
from fellowship.extensions import db
from fellowship.programs.enums import Role
from tests import factories as f
from tests.concurrency import run_at_once
from tests.mailbox import messages


@pytest.mark.postgres
def test_eight_first_replies_at_once_share_one_thread(app: Any, clock: Any) -> None:
    cohort = f.CohortFactory()
    people = [f.MembershipFactory(cohort=cohort, role=Role.FELLOW).user.id for _ in range(8)]
    cohort_id = cohort.id
    db.session.commit()

    def first_reply(user_id: int) -> Any:
        def work() -> int:
            thread = services.open_thread(cohort_id, "event", 42, app_clock.now())
            services.post_reply(thread, user_id, "Me first!", app_clock.now())
            db.session.commit()
            return thread.id

        return work

    results = run_at_once(app, [first_reply(user_id) for user_id in people])
    assert len(set(results)) == 1 and all(isinstance(r, int) for r in results)
    counts = [db.session.scalar(sa.select(sa.func.count()).select_from(m)) for m in (Thread, Reply, Follow)]
    assert counts == [1, 8, 8]


@pytest.mark.postgres
def test_two_dispatches_at_once_send_each_digest_once(app: Any, clock: Any) -> None:
    cohort = f.CohortFactory()
    members = [f.MembershipFactory(cohort=cohort, role=Role.FELLOW).user for _ in range(5)]
    thread = services.open_thread(cohort.id, "event", 7, app_clock.now())
    for user in members:
        services.post_reply(thread, user.id, f"From {user.name}", app_clock.now())
    db.session.commit()
    clock.set_time(app_clock.now() + dt.timedelta(minutes=16))

    def dispatch() -> int:
        sent = notices.dispatch_digests()
        db.session.commit()
        return sent

    results = run_at_once(app, [dispatch, dispatch])
    assert sum(r for r in results if isinstance(r, int)) == 5
    assert sorted(m.recipient for m in messages(notices.DIGEST_KIND)) == sorted(u.email for u in members)
