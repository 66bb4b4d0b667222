"""A holder asking for the credential while `dispatch` issues it (PostgreSQL): one credential, no error;
two administrators revoking at once: one revocation, one audit entry."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import sqlalchemy as sa

from fellowship.core.audit import AuditEntry
from fellowship.credentials import services
from fellowship.credentials.models import Credential
from fellowship.extensions import db
from fellowship.impact.models import Certificate
from tests.concurrency import run_at_once
from tests.conftest import World


def certificate(world: World) -> int:
    made = Certificate(
        cohort_id=world.cohort.id,
        user_id=world.users["fellow"].id,
        code="RACE-RACE-RACE",
        holder="Fiona Fellow",
        program=world.program.name,
        cohort=world.cohort.name,
        starts_on=world.cohort.starts_on,
        ends_on=world.cohort.ends_on,
        modules=[],
        issued_at=dt.datetime(2024, 6, 1, tzinfo=dt.UTC),
    )
    db.session.add(made)
    db.session.commit()
    return made.id


@pytest.mark.postgres
def test_issuing_one_certificate_twice_at_once_gives_one_credential(app: Any, world: World) -> None:
    certificate_id = certificate(world)

    def issue() -> str:
        with app.test_request_context():
            credential = services.issue(db.session.get(Certificate, certificate_id))
            db.session.commit()
            return credential.uuid

    first, second = run_at_once(app, [issue, issue])
    assert isinstance(first, str) and first == second  # the later one returns the credential the first made
    count = db.session.scalar(sa.select(sa.func.count(Credential.id)))
    assert count == 1


@pytest.mark.postgres
def test_two_administrators_revoking_at_once_revoke_once(app: Any, world: World) -> None:
    certificate_id = certificate(world)
    with app.test_request_context():
        services.issue(db.session.get(Certificate, certificate_id))
        db.session.commit()
    admin_id = world.users["admin"].id

    def revoke(reason: str) -> Any:
        def work() -> str:
            with app.test_request_context():
                credential = db.session.scalar(sa.select(Credential))
                services.revoke(credential, admin_id, reason)
                db.session.commit()
                return "revoked"

        return work

    results = run_at_once(app, [revoke("First reason."), revoke("Second reason.")])
    assert sorted(r if isinstance(r, str) else type(r).__name__ for r in results) == [
        "CredentialError",
        "revoked",
    ]
    assert db.session.scalar(sa.select(sa.func.count(AuditEntry.id))) == 1


@pytest.mark.postgres
def test_two_facilitators_turning_badges_on_at_once_choose_once(app: Any, world: World) -> None:
    """Both see the box unticked and tick it: one choice is stored and audited, the other changes nothing."""
    from fellowship.credentials.models import ModuleBadgeCohort
    from fellowship.programs.models import Cohort

    cohort_id, actors = world.cohort.id, [world.users["facilitator"].id, world.users["admin"].id]

    def choose(actor_id: int) -> Any:
        def work() -> bool:
            with app.test_request_context():
                changed = services.choose_badges(db.session.get(Cohort, cohort_id), True, actor_id)
                db.session.commit()
                return changed

        return work

    results = run_at_once(app, [choose(a) for a in actors])
    assert sorted(results) == [False, True], results
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ModuleBadgeCohort)) == 1
    entries = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "module_badges")).all()
    assert len(entries) == 1
