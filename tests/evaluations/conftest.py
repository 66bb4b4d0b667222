"""An ended webinar of the world's cohort with attendance taken, ready for an evaluation."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
import sqlalchemy as sa

from fellowship.attendance.enums import Status
from fellowship.attendance.models import AttendanceRecord
from fellowship.evaluations import defaults, services
from fellowship.evaluations.models import Survey
from fellowship.evaluations.tokens import guest_token
from fellowship.events import services as events
from fellowship.events.enums import EventKind
from fellowship.events.models import Event, EventInvitation
from fellowship.extensions import db
from fellowship.programs.enums import Role
from tests.conftest import World
from tests.factories import MembershipFactory, UserFactory

STARTS = dt.datetime(2024, 1, 18, 18, 0, tzinfo=dt.UTC)


@dataclass
class Webinar:
    event: Event
    invitations: dict[str, EventInvitation]
    guest_token: str

    def client_of(self, app: Any, name: str) -> Any:
        """A client signed in as the invitee ``name`` (e.g. "second", the second fellow)."""
        client = app.test_client()
        client.login_as(self.invitations[name].user)
        return client

    @property
    def survey(self) -> Survey:
        return db.session.scalar(sa.select(Survey).where(Survey.event_id == self.event.id))

    def evaluate(self, anonymous: bool = False, specs: list[dict[str, Any]] | None = None) -> Survey:
        survey = services.attach(
            self.event,
            "Post-session evaluation",
            specs or defaults.questions(),
            anonymous,
            STARTS + dt.timedelta(days=14),
            None,
        )
        db.session.commit()
        return survey


def mark(invitation: EventInvitation, status: Status) -> None:
    db.session.add(
        AttendanceRecord(
            invitation_id=invitation.id,
            day=STARTS.date(),
            status=status,
            recorded_at=STARTS,
        )
    )


@pytest.fixture
def webinar(world: World, clock: Any) -> Webinar:
    """The launch webinar, 18:00–19:30 UTC; the clock is moved to 20:00, after it. Its attendees are the
    fellow, a second fellow (late) and a guest; the facilitator and the observer host it, so their marks
    (late, absent) count for nothing."""
    event = events.create_event(
        world.cohort,
        events.EventFields(
            kind=EventKind.WEBINAR,
            title="Launch webinar",
            description="",
            starts_at=STARTS,
            ends_at=STARTS + dt.timedelta(minutes=90),
            timezone="America/Chicago",
        ),
        world.users["admin"].id,
    )
    [(guest, token)] = events.add_guests(event, [("Gail Guest", "gail@example.org")])
    invitations = {
        role: db.session.scalar(
            sa.select(EventInvitation).where(
                EventInvitation.event_id == event.id, EventInvitation.user_id == world.users[role].id
            )
        )
        for role in ("fellow", "facilitator", "observer")
    }
    second = MembershipFactory(
        cohort=world.cohort, role=Role.FELLOW, user=UserFactory(name="Sam Second", organization=None)
    )
    events.invite_members(event)
    invitations["second"] = db.session.scalar(
        sa.select(EventInvitation).where(
            EventInvitation.event_id == event.id, EventInvitation.user_id == second.user_id
        )
    )
    invitations["guest"] = guest
    mark(invitations["fellow"], Status.PRESENT)
    mark(invitations["second"], Status.LATE)
    mark(invitations["facilitator"], Status.LATE)
    mark(invitations["observer"], Status.ABSENT)
    mark(guest, Status.PRESENT)
    db.session.commit()
    clock.set_time(STARTS + dt.timedelta(hours=2))
    return Webinar(event, invitations, guest_token(guest))
