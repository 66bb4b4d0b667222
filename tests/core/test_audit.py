from typing import Any

import sqlalchemy as sa

from fellowship.core import audit
from fellowship.core.audit import AuditEntry
from fellowship.extensions import db
from tests import factories as f


def test_audit_records_who_when_and_old_to_new(app: Any, clock: Any) -> None:
    actor = f.UserFactory()
    org = f.OrganizationFactory(city="Chicago")
    changes = audit.diff(org, {"city": "Evanston", "name": org.name})
    audit.record(actor.id, org, "updated", changes)
    db.session.commit()
    entry = db.session.scalars(audit.history(org)).one()
    assert (entry.actor_id, entry.at, entry.action, entry.changes) == (
        actor.id,
        clock.now(),
        "updated",
        {"city": ["Chicago", "Evanston"]},
    )


def test_audit_diff_is_empty_when_nothing_changes(app: Any) -> None:
    org = f.OrganizationFactory(city="Chicago")
    assert audit.diff(org, {"city": "Chicago"}) == {}


def test_audit_history_is_per_subject(app: Any) -> None:
    first, second = f.OrganizationFactory(), f.OrganizationFactory()
    audit.record(None, first, "a")
    audit.record(None, second, "b")
    db.session.commit()
    assert [e.action for e in db.session.scalars(audit.history(first))] == ["a"]
    assert db.session.scalar(sa.select(sa.func.count(AuditEntry.id))) == 2
