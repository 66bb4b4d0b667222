"""Attendance across a cohort: the fellows × events matrix, per-fellow rates, per-organisation figures.

A day counts for a person from the day they joined the cohort, and only once attendance was taken for it.
Excused days are shown but left out of the rate: the rate is the days attended (present or late) over the
days that count and were not excused.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import sqlalchemy as sa

from fellowship.accounts.models import User
from fellowship.attendance.enums import ATTENDED, Status
from fellowship.attendance.models import AttendanceRecord
from fellowship.events.models import Event, EventInvitation
from fellowship.extensions import db
from fellowship.programs.enums import Role
from fellowship.programs.models import Cohort, Membership


@dataclass
class Tally:
    counted: int = 0
    attended: int = 0
    excused: int = 0
    absent: int = 0

    @property
    def rate(self) -> float | None:
        base = self.counted - self.excused
        return self.attended / base if base > 0 else None

    def add(self, status: Status | None) -> None:
        self.counted += 1
        if status in ATTENDED:
            self.attended += 1
        elif status is Status.EXCUSED:
            self.excused += 1
        elif status is Status.ABSENT:
            self.absent += 1


@dataclass(frozen=True)
class Mark:
    """A fellow's mark for one event: its summary status and, for events of several days, on how many of
    the days whose attendance was taken they came."""

    status: Status | None
    attended_days: int = 0
    days: int = 0

    @property
    def partial(self) -> bool:
        """Came on some of the days only ("1 of 3 days" rather than "Present")."""
        return self.status is Status.PRESENT and 0 < self.attended_days < self.days


@dataclass
class FellowRow:
    membership: Membership
    user: User
    cells: dict[int, Mark | str] = field(default_factory=dict)  # event id -> mark, "" = not yet a member
    tally: Tally = field(default_factory=Tally)

    def below(self, minimum: int | None) -> bool:
        return minimum is not None and self.tally.rate is not None and self.tally.rate * 100 < minimum


@dataclass
class CohortReport:
    cohort: Cohort
    events: list[Event]
    rows: list[FellowRow]

    def organisations(self) -> list[tuple[str, int, Tally]]:
        groups: dict[str, tuple[int, Tally]] = {}
        for row in self.rows:
            name = row.user.organization.name if row.user.organization else ""
            count, tally = groups.get(name, (0, Tally()))
            tally.counted += row.tally.counted
            tally.attended += row.tally.attended
            tally.excused += row.tally.excused
            tally.absent += row.tally.absent
            groups[name] = (count + 1, tally)
        return [(name, count, tally) for name, (count, tally) in sorted(groups.items())]


def _summary(statuses: list[Status | None]) -> Status | None:
    """One mark per event: attended if present or late on any day, else excused, else absent."""
    if any(s in ATTENDED for s in statuses):
        return Status.PRESENT
    if statuses and all(s is Status.EXCUSED for s in statuses):
        return Status.EXCUSED
    if any(s is not None for s in statuses):
        return Status.ABSENT
    return None


def cohort_report(cohort: Cohort, now: dt.datetime, only_user_id: int | None = None) -> CohortReport:
    """Past, not-cancelled events of the cohort against its current fellows, in four queries."""
    events = list(
        db.session.scalars(
            sa.select(Event)
            .where(Event.cohort_id == cohort.id, Event.starts_at <= now, Event.cancelled_at.is_(None))
            .order_by(Event.starts_at, Event.id)
        )
    )
    members_stmt = (
        sa.select(Membership, User)
        .join(User, User.id == Membership.user_id)
        .where(Membership.cohort_id == cohort.id, Membership.role == Role.FELLOW)
        .order_by(sa.func.lower(User.name), User.id)
    )
    if only_user_id is not None:
        members_stmt = members_stmt.where(Membership.user_id == only_user_id)
    members = db.session.execute(members_stmt).all()
    event_ids = [e.id for e in events]
    invitations = (
        db.session.execute(
            sa.select(EventInvitation.id, EventInvitation.event_id, EventInvitation.user_id).where(
                EventInvitation.event_id.in_(event_ids), EventInvitation.user_id.is_not(None)
            )
        ).all()
        if event_ids
        else []
    )
    by_person_event = {(user_id, event_id): inv_id for inv_id, event_id, user_id in invitations}
    records: dict[tuple[int, dt.date], Status] = {}
    if invitations:
        for inv_id, day, status in db.session.execute(
            sa.select(AttendanceRecord.invitation_id, AttendanceRecord.day, AttendanceRecord.status).where(
                AttendanceRecord.invitation_id.in_([i[0] for i in invitations])
            )
        ):
            records[(inv_id, day)] = status
    rows = []
    for membership, user in members:
        row = FellowRow(membership, user)
        for event in events:
            inv_id = by_person_event.get((user.id, event.id))
            days = [d for d in event.days() if d >= membership.joined_on]
            if inv_id is None or not days:
                row.cells[event.id] = ""
                continue
            statuses = [records.get((inv_id, d)) for d in days]
            taken = [status for status in statuses if status is not None]
            for status in taken:  # a day whose attendance was never taken counts for nobody
                row.tally.add(status)
            attended = sum(1 for status in taken if status in ATTENDED)
            row.cells[event.id] = Mark(_summary(statuses), attended, len(taken))
        rows.append(row)
    return CohortReport(cohort, events, rows)
