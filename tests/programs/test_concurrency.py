"""Two facilitators adding the same person at the same moment (PostgreSQL)."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from fellowship.accounts.models import User
from fellowship.extensions import db
from fellowship.programs import services
from fellowship.programs.enums import Role
from fellowship.programs.models import Cohort, Membership
from tests import factories as f
from tests.concurrency import run_at_once


@pytest.mark.postgres
def test_same_person_added_twice_at_once_gives_one_membership(app: Any) -> None:
    cohort_id = f.CohortFactory().id
    user_id = f.UserFactory().id
    db.session.commit()

    def add() -> str:
        cohort = db.session.get(Cohort, cohort_id)
        user = db.session.get(User, user_id)
        services.add_member(cohort, user, Role.FELLOW, cohort.starts_on, None)
        db.session.commit()
        return "added"

    results = run_at_once(app, [add, add])
    assert sorted(type(r).__name__ if isinstance(r, Exception) else r for r in results) == [
        "IntegrityError",
        "added",
    ]
    assert any(isinstance(r, IntegrityError) for r in results)
    count = db.session.scalar(
        sa.select(sa.func.count(Membership.id)).where(Membership.cohort_id == cohort_id)
    )
    assert count == 1
