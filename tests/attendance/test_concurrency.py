"""Two facilitators save overlapping grids at the same moment (PostgreSQL, separate connections)."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from fellowship.attendance import services
from fellowship.attendance.enums import Status
from fellowship.attendance.models import AttendanceRecord
from fellowship.core.audit import AuditEntry
from fellowship.events import services as events
from fellowship.events.models import Event, EventInvitation
from fellowship.extensions import db
from fellowship.programs.enums import Role
from tests import factories as f
from tests.concurrency import run_at_once
from tests.conftest import World


@pytest.mark.postgres
def test_overlapping_grids_saved_at_once_lose_no_update(app: Any, world: World, event: Any) -> None:
    # Three participants (the grid has no row for staff, who host the event): the fellow and two more.
    people = {
        "fellow": world.users["fellow"],
        **{
            name: f.MembershipFactory(
                cohort=world.cohort, role=Role.FELLOW, user=f.UserFactory(name=name)
            ).user
            for name in ("second", "third")
        },
    }
    events.invite_members(event)
    db.session.commit()
    ids = {
        name: db.session.scalar(
            sa.select(EventInvitation.id).where(
                EventInvitation.event_id == event.id, EventInvitation.user_id == user.id
            )
        )
        for name, user in people.items()
    }
    day = event.days()[0]
    event_id = event.id

    def save(actor: str, cells: dict[str, Status]) -> services.SaveResult:
        loaded = db.session.get(Event, event_id)
        changes = [services.CellChange(ids[r], day, s, "", None, "") for r, s in cells.items()]
        result = services.save_grid(loaded, changes, world.users[actor].id)
        db.session.commit()
        return result

    first, second = run_at_once(
        app,
        [
            lambda: save("facilitator", {"fellow": Status.PRESENT, "second": Status.LATE}),
            lambda: save("admin", {"fellow": Status.ABSENT, "third": Status.PRESENT}),
        ],
    )
    assert not isinstance(first, Exception), first
    assert not isinstance(second, Exception), second
    assert sorted([len(first.conflicts), len(second.conflicts)]) == [0, 1]
    assert (first.conflicts or second.conflicts) == [(ids["fellow"], day)]
    stored = dict(
        db.session.execute(sa.select(AttendanceRecord.invitation_id, AttendanceRecord.status)).all()
    )
    assert stored[ids["second"]] is Status.LATE and stored[ids["third"]] is Status.PRESENT
    assert stored[ids["fellow"]] in {Status.PRESENT, Status.ABSENT}
    entries = db.session.scalars(
        sa.select(AuditEntry.subject_id).where(AuditEntry.subject_type == "event_invitations")
    ).all()
    assert sorted(entries) == sorted(ids.values())  # every real change audited exactly once
