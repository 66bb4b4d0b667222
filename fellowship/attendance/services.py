"""Attendance rules: the grid (with conflict detection), "mark all present", apologies, self check-in, and
the figures of an event. Functions flush, never commit."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from fellowship.attendance.enums import ATTENDED, Status
from fellowship.attendance.models import AttendanceRecord
from fellowship.core import clock
from fellowship.core.audit import AuditEntry
from fellowship.events import services as event_services
from fellowship.events.enums import Rsvp
from fellowship.events.models import Event, EventInvitation
from fellowship.events.queries import invitees
from fellowship.extensions import db
from fellowship.programs.enums import STAFF_ROLES, Role
from fellowship.programs.models import Membership

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L
CODE_LENGTH = 6


class AttendanceError(ValueError):
    """A rule of attendance was broken; the message is shown to the user."""


Cell = tuple[int, dt.date]


@dataclass
class Grid:
    """An event's participants (fellows and guests) by day. Staff invited to it are its hosts: listed,
    never in the grid, its figures or anything counted from it."""

    event: Event
    invitations: list[EventInvitation]
    records: dict[Cell, AttendanceRecord]
    joined: dict[int, dt.date]  # invitation id -> the day its member joined the cohort
    roles: dict[int, Role]
    hosts: list[EventInvitation] = field(default_factory=list)

    @property
    def days(self) -> list[dt.date]:
        return self.event.days()

    def counts(self, invitation: EventInvitation, day: dt.date) -> bool:
        """Days before a member joined the cohort do not count for or against them."""
        joined = self.joined.get(invitation.id)
        return joined is None or day >= joined


def load_grid(event: Event) -> Grid:
    """Everything the grid shows, in three queries whatever the number of invitees (members' names as they
    are now, read with the invitations)."""
    everyone = list(db.session.scalars(invitees(event.id).options(joinedload(EventInvitation.user))))
    members = db.session.execute(
        sa.select(EventInvitation.id, Membership.joined_on, Membership.role)
        .join(
            Membership,
            sa.and_(Membership.user_id == EventInvitation.user_id, Membership.cohort_id == event.cohort_id),
        )
        .where(EventInvitation.event_id == event.id)
    ).all()
    roles = {i: r for i, _j, r in members}
    invitations = [i for i in everyone if roles.get(i.id) not in STAFF_ROLES]
    hosts = [i for i in everyone if roles.get(i.id) in STAFF_ROLES]
    ids = [i.id for i in invitations]
    records = (
        {
            (r.invitation_id, r.day): r
            for r in db.session.scalars(
                sa.select(AttendanceRecord).where(AttendanceRecord.invitation_id.in_(ids))
            )
        }
        if ids
        else {}
    )
    return Grid(event, invitations, records, {i: j for i, j, _r in members}, roles, hosts)


@dataclass(frozen=True)
class CellChange:
    invitation_id: int
    day: dt.date
    status: Status | None
    note: str
    seen_status: Status | None
    seen_note: str


@dataclass
class SaveResult:
    changed: int = 0
    conflicts: list[Cell] = field(default_factory=list)


def _lock(event: Event) -> None:
    """Serialise grid saves of one event (row lock on PostgreSQL; SQLite writers are already serial)."""
    db.session.scalar(sa.select(Event.id).where(Event.id == event.id).with_for_update())


def save_grid(event: Event, cells: list[CellChange], actor_id: int) -> SaveResult:
    """Store every changed cell. A cell someone else changed since the grid was loaded (its stored value
    differs from what this form saw) is reported as a conflict and left as the other person set it."""
    valid_days = set(event.days())
    _lock(event)
    grid = load_grid(event)
    known = {i.id for i in grid.invitations}
    for cell in cells:
        if cell.invitation_id not in known:
            raise AttendanceError(_l("Someone in the form is not invited to this event."))
        if cell.day not in valid_days:
            raise AttendanceError(_l("A day in the form is not a day of this event."))
    result = SaveResult()
    batch = _Batch(actor_id)
    for cell in cells:
        key = (cell.invitation_id, cell.day)
        record = grid.records.get(key)
        current = (record.status if record else None, record.note if record else "")
        wanted = (cell.status, cell.note)
        if wanted == current:
            continue
        if current != (cell.seen_status, cell.seen_note):
            result.conflicts.append(key)
            continue
        batch.write(record, key, cell.status, cell.note)
        result.changed += 1
    batch.flush()
    return result


class _Batch:
    """Changes to attendance gathered over a whole grid and written in a fixed number of statements."""

    def __init__(self, actor_id: int | None) -> None:
        self.actor_id = actor_id
        self.now = clock.now()
        self.new_records: list[dict[str, object]] = []
        self.audit_rows: list[dict[str, object]] = []

    def write(self, record: AttendanceRecord | None, key: Cell, status: Status | None, note: str) -> None:
        old = [record.status.value if record else None, record.note if record else ""]
        if status is None:
            if record is not None:
                db.session.delete(record)
        elif record is None:
            self.new_records.append(
                {
                    "invitation_id": key[0],
                    "day": key[1],
                    "status": status,
                    "note": note,
                    "recorded_by_id": self.actor_id,
                    "recorded_at": self.now,
                }
            )
        else:
            record.status, record.note = status, note
            record.recorded_by_id, record.recorded_at = self.actor_id, self.now
        changes = {"status": [old[0], status.value if status else None]}
        if note != old[1]:
            changes["note"] = [old[1], note]
        # Attendance history hangs off the invitation: one history per person per event, all days together.
        self.audit_rows.append(
            {
                "at": self.now,
                "actor_id": self.actor_id,
                "subject_type": "event_invitations",
                "subject_id": key[0],
                "action": f"attendance {key[1].isoformat()}",
                "changes": changes,
            }
        )

    def flush(self) -> None:
        db.session.flush()
        if self.new_records:
            db.session.execute(sa.insert(AttendanceRecord), self.new_records)
        if self.audit_rows:
            db.session.execute(sa.insert(AuditEntry), self.audit_rows)


def mark_all_present(event: Event, actor_id: int) -> int:
    """Set "present" on every empty cell that counts; never overwrites a status already set."""
    _lock(event)
    grid = load_grid(event)
    batch = _Batch(actor_id)
    for invitation in grid.invitations:
        for day in grid.days:
            if (invitation.id, day) not in grid.records and grid.counts(invitation, day):
                batch.write(None, (invitation.id, day), Status.PRESENT, "")
    batch.flush()
    return len(batch.new_records)


def is_host(invitation: EventInvitation) -> bool:
    """Whether the invitation is a staff member's (facilitator or observer of the event's cohort)."""
    return bool(
        invitation.user_id is not None
        and db.session.scalar(
            sa.select(Membership.id).where(
                Membership.user_id == invitation.user_id,
                Membership.cohort_id == invitation.event.cohort_id,
                Membership.role.in_(STAFF_ROLES),
            )
        )
    )


HOSTS_ATTEND_NOTHING = _l("You host this event: hosts are not counted as attendees.")


def send_apologies(invitation: EventInvitation, reason: str, actor_id: int) -> EventInvitation | None:
    """Excused for every day of the event, given before it starts; nothing already recorded is changed.
    The answer to the invitation becomes "no", so a place taken is given to the waitlist: returns whoever
    moved up, if anyone."""
    if is_host(invitation):
        raise AttendanceError(HOSTS_ATTEND_NOTHING)
    event = invitation.event
    if clock.now() >= event.starts_at:
        raise AttendanceError(_l("Apologies can only be sent before the event starts."))
    grid_records = {
        r.day: r
        for r in db.session.scalars(
            sa.select(AttendanceRecord).where(AttendanceRecord.invitation_id == invitation.id)
        )
    }
    batch = _Batch(actor_id)
    for day in event.days():
        record = grid_records.get(day)
        if record is None or record.status is Status.EXCUSED:
            batch.write(record, (invitation.id, day), Status.EXCUSED, reason)
    batch.flush()
    if event.cancelled_at is not None or invitation.rsvp is Rsvp.NO:
        return None
    return event_services.set_rsvp(invitation, Rsvp.NO)


CHECKIN_EARLY = dt.timedelta(hours=2)
"""How long before the event starts its check-in may open (people arrive early)."""


def open_checkin(event: Event, minutes: int, grace_minutes: int) -> str:
    """Open self check-in for ``minutes``. Only around a day of the event: from two hours before it starts
    until it ends, on one of its days; a window opened days before would expire before anyone arrived."""
    now = clock.now()
    today = now.astimezone(event.zone).date()
    if not (event.starts_at - CHECKIN_EARLY <= now < event.ends_at and today in event.days()):
        raise AttendanceError(
            _l("Check-in can be opened on a day of the event, from two hours before it starts until it ends.")
        )
    event.checkin_code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    event.checkin_opens_at = now
    event.checkin_closes_at = now + dt.timedelta(minutes=minutes)
    event.checkin_grace_minutes = grace_minutes
    return event.checkin_code


def close_checkin(event: Event) -> None:
    event.checkin_closes_at = clock.now()


@dataclass(frozen=True)
class CheckIn:
    status: Status
    earlier: dt.datetime | None = None
    """When the person had already checked in today (a repeat changes nothing), else None."""


def check_in(event: Event, invitation: EventInvitation | None, code: str) -> CheckIn:
    """Mark the invitee present (or late after the grace period) for today; a repeat changes nothing and
    says when they checked in."""
    now = clock.now()
    if not event.checkin_open(now):
        raise AttendanceError(_l("Check-in is not open for this event right now."))
    if (code or "").strip().upper() != event.checkin_code:
        raise AttendanceError(_l("That code is not right. Check the code shown in the room and try again."))
    if invitation is None:
        raise AttendanceError(_l("You are not invited to this event."))
    if is_host(invitation):
        raise AttendanceError(HOSTS_ATTEND_NOTHING)
    today = now.astimezone(event.zone).date()
    if today not in event.days():
        raise AttendanceError(_l("The event does not take place today."))
    record = db.session.scalar(
        sa.select(AttendanceRecord).where(
            AttendanceRecord.invitation_id == invitation.id, AttendanceRecord.day == today
        )
    )
    if record is not None and record.status in ATTENDED:
        return CheckIn(record.status, record.recorded_at)
    local_start = event.starts_at.astimezone(event.zone)
    day_start = dt.datetime.combine(today, local_start.timetz().replace(tzinfo=None), tzinfo=event.zone)
    if today == local_start.date():
        day_start = event.starts_at
    status = (
        Status.LATE if now > day_start + dt.timedelta(minutes=event.checkin_grace_minutes) else Status.PRESENT
    )
    batch = _Batch(invitation.user_id)
    batch.write(record, (invitation.id, today), status, record.note if record else "")
    batch.flush()
    return CheckIn(status)


@dataclass(frozen=True)
class EventFigures:
    fellows: int
    fellows_attended: int
    fellows_excused: int
    invited: int
    attended: int
    guests: int
    guests_attended: int
    said_yes: int
    waitlisted: int


def figures(grid: Grid) -> EventFigures:
    """Who came: a person attended if present or late on any day that counts for them."""
    attended: set[int] = set()
    excused: set[int] = set()
    for (invitation_id, _day), record in grid.records.items():
        if record.status in ATTENDED:
            attended.add(invitation_id)
        elif record.status is Status.EXCUSED:
            excused.add(invitation_id)
    excused -= attended
    fellows = {i.id for i in grid.invitations if grid.roles.get(i.id) is Role.FELLOW}
    guests = {i.id for i in grid.invitations if i.is_guest}
    return EventFigures(
        fellows=len(fellows),
        fellows_attended=len(fellows & attended),
        fellows_excused=len(fellows & excused),
        invited=len(grid.invitations),
        attended=len(attended),
        guests=len(guests),
        guests_attended=len(guests & attended),
        said_yes=sum(1 for i in grid.invitations if i.rsvp is Rsvp.YES and not i.waitlisted),
        waitlisted=sum(1 for i in grid.invitations if i.waitlisted),
    )
