"""A working group's rules: who hosts each meeting, minutes, decisions and action items. Each function
flushes; the caller commits."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from fellowship.core import audit, clock
from fellowship.core.rotation import take_turns
from fellowship.events.models import Event
from fellowship.extensions import db
from fellowship.groups import queries
from fellowship.groups.enums import ActionStatus
from fellowship.groups.models import (
    AGENDA_TEXT_MAX,
    HOURS_MAX,
    HOURS_MIN,
    TEXT_MAX,
    WHAT_MAX,
    ActionItem,
    AgendaVersion,
    Decision,
    Interview,
    ItemNote,
    MeetingHost,
    Subgroup,
    SubgroupMember,
)

SECTIONS = ("vision", "principles", "problem", "results", "stories", "levers", "pitch")
"""The common agenda's sections, in seed 003's order (labels in ``forms.SECTION_LABELS``)."""


class GroupError(ValueError):
    """Why a change to the minutes was refused, in words for the person making it."""


def host_of(meeting: Event, today: dt.date) -> tuple[Any, list[Any]]:
    """The meeting's host and the member organisations (three queries, whatever the group's size)."""
    organizations = db.session.scalars(queries.member_organizations(meeting.cohort_id, today)).all()
    chosen = dict(db.session.execute(queries.chosen_hosts(meeting.cohort_id)).all())
    meetings = db.session.scalars(queries.meetings(meeting.cohort_id)).all()
    return take_turns(meetings, organizations, chosen).get(meeting.id), list(organizations)


def choose_host(meeting: Event, organization_id: int | None, allowed: Iterable[int], actor_id: int) -> None:
    """Host the meeting at a member organisation, or (None) go back to taking turns."""
    existing = db.session.get(MeetingHost, meeting.id)
    before = existing.organization_id if existing else None
    if organization_id == before:
        return
    if organization_id is None:
        db.session.delete(existing)
    elif organization_id not in set(allowed):
        raise GroupError(_l("Choose one of the group's member organisations."))
    elif existing is None:
        db.session.add(
            MeetingHost(event_id=meeting.id, organization_id=organization_id, chosen_by_id=actor_id)
        )
    else:
        existing.organization_id, existing.chosen_by_id = organization_id, actor_id
    audit.record(actor_id, meeting, "host", {"host": [before, organization_id]})
    db.session.flush()


def _text(value: str, limit: int) -> str:
    text = (value or "").strip()
    if len(text) > limit:
        raise GroupError(_l("Keep it under %(max)d characters.", max=limit))
    return text


def save_notes(meeting: Event, texts: dict[int, str], actor_id: int) -> int:
    """The minutes of the meeting's agenda items (by item id; items of other meetings are ignored). Says how
    many changed."""
    items = {item.id for item in meeting.agenda}
    cleaned = {item_id: _text(text, TEXT_MAX) for item_id, text in texts.items() if item_id in items}
    existing = {note.agenda_item_id: note for note in db.session.scalars(queries.notes(meeting.id))}
    changed = 0
    for item_id, text in cleaned.items():
        note = existing.get(item_id)
        if note is None and not text:
            continue
        if note is None:
            note = ItemNote(agenda_item_id=item_id, event_id=meeting.id)
            db.session.add(note)
        elif note.text == text:
            continue
        note.text, note.updated_at, note.updated_by_id = text, clock.now(), actor_id
        changed += 1
    db.session.flush()
    return changed


def record_decision(meeting: Event, text: str, actor_id: int) -> Decision:
    text = _text(text, TEXT_MAX)
    if not text:
        raise GroupError(_l("Write the decision."))
    decision = Decision(event_id=meeting.id, text=text, recorded_at=clock.now(), recorded_by_id=actor_id)
    db.session.add(decision)
    db.session.flush()
    return decision


def add_action(
    meeting: Event,
    what: str,
    owner_id: int | None,
    due_on: dt.date | None,
    actor_id: int,
    today: dt.date,
    subgroup_id: int | None = None,
) -> ActionItem:
    """An action item raised at the meeting, owned by someone in the group, perhaps for one of its
    subgroups."""
    what = _text(what, WHAT_MAX)
    if not what:
        raise GroupError(_l("Say what is to be done."))
    if owner_id is not None:
        members = {
            user_id for user_id, _name in db.session.execute(queries.members(meeting.cohort_id, today))
        }
        if owner_id not in members:
            raise GroupError(_l("The owner must be someone in the group."))
    if subgroup_id is not None:
        subgroup = db.session.get(Subgroup, subgroup_id)
        if subgroup is None or subgroup.cohort_id != meeting.cohort_id:
            raise GroupError(_l("Choose one of the group's subgroups."))
    item = ActionItem(
        cohort_id=meeting.cohort_id,
        event_id=meeting.id,
        what=what,
        owner_id=owner_id,
        due_on=due_on,
        status=ActionStatus.OPEN,
        created_at=clock.now(),
        created_by_id=actor_id,
        subgroup_id=subgroup_id,
    )
    db.session.add(item)
    db.session.flush()
    return item


def set_status(item: ActionItem, status: ActionStatus, actor_id: int) -> bool:
    """Mark an action item done, dropped or open again; says whether it changed. Two people marking it at the
    same moment change it once."""
    if item.status is status:
        return False
    closed = None if status is ActionStatus.OPEN else clock.now()
    changed = db.session.execute(
        sa.update(ActionItem)
        .where(ActionItem.id == item.id, ActionItem.status == item.status)
        .values(status=status, closed_at=closed)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not changed:
        db.session.refresh(item)
        return False
    audit.record(actor_id, item, "status", {"status": [item.status.value, status.value]})
    db.session.flush()
    db.session.refresh(item)
    return True


def is_overdue(item: ActionItem, today: dt.date) -> bool:
    return item.status is ActionStatus.OPEN and item.due_on is not None and item.due_on < today


def save_subgroup(
    cohort_id: int,
    subgroup: Subgroup | None,
    name: str,
    member_ids: Iterable[int],
    allowed: Iterable[int],
    actor_id: int,
) -> Subgroup:
    """Create a subgroup of the group (``subgroup`` None) or rename it and set its members, who must be in
    the group. Two subgroups of one group cannot share a name."""
    name = _text(name, 200)
    if not name:
        raise GroupError(_l("Name the subgroup."))
    members = set(member_ids)
    if not members <= set(allowed):
        raise GroupError(_l("Subgroup members must be people in the group."))
    clash = db.session.scalar(
        sa.select(Subgroup.id).where(Subgroup.cohort_id == cohort_id, Subgroup.name == name)
    )
    if clash is not None and (subgroup is None or clash != subgroup.id):
        raise GroupError(_l("The group already has a subgroup of that name."))
    if subgroup is None:
        subgroup = Subgroup(cohort_id=cohort_id, name=name, created_at=clock.now())
        db.session.add(subgroup)
        db.session.flush()
        audit.record(actor_id, subgroup, "created", {"name": [None, name]})
    elif subgroup.name != name:
        audit.record(actor_id, subgroup, "renamed", {"name": [subgroup.name, name]})
        subgroup.name = name
    db.session.execute(sa.delete(SubgroupMember).where(SubgroupMember.subgroup_id == subgroup.id))
    db.session.add_all(
        SubgroupMember(subgroup_id=subgroup.id, user_id=user_id) for user_id in sorted(members)
    )
    db.session.flush()
    return subgroup


def save_agenda(
    cohort_id: int, texts: dict[str, str], base: int, event_id: int | None, actor_id: int
) -> AgendaVersion | None:
    """A new version of the group's common agenda, when anything changed (None when nothing did). ``base`` is
    the version the editor started from: if someone saved another meanwhile, nothing is saved and the editor
    is told, so no one's text is silently replaced."""
    latest = db.session.scalar(queries.latest_agenda(cohort_id))
    number = latest.number if latest is not None else 0
    if base != number:
        raise StaleAgenda(number)
    sections = {key: _text(texts.get(key, ""), AGENDA_TEXT_MAX) for key in SECTIONS}
    if latest is not None and {k: latest.sections.get(k, "") for k in SECTIONS} == sections:
        return None
    if latest is None and not any(sections.values()):
        return None
    version = AgendaVersion(
        cohort_id=cohort_id,
        number=number + 1,
        sections=sections,
        event_id=event_id,
        changed_at=clock.now(),
        changed_by_id=actor_id,
    )
    try:
        with db.session.begin_nested():  # two editors saving from the same version: the second is refused
            db.session.add(version)
    except IntegrityError as error:
        raise StaleAgenda(number + 1) from error
    return version


class StaleAgenda(GroupError):
    def __init__(self, newest: int) -> None:
        super().__init__(
            _l(
                "Someone saved version %(num)d while you were editing. Your text is below: compare it with "
                "the new version and save again.",
                num=newest,
            )
        )
        self.newest = newest


def save_interview(
    cohort_id: int,
    member: Any,
    interviewer_id: int | None,
    held_on: dt.date,
    hours: float,
    notes: str,
    actor_id: int,
    today: dt.date,
    interviewers: Iterable[int] = (),
) -> Interview:
    """Record (or correct) the one-on-one interview with a member of the group, held by one of
    ``interviewers`` (the group's facilitators, or the administrator recording it). The member's organisation
    is kept as it is today, for the program's figures. The audit trail says what changed but never repeats
    the notes, which are for the group's staff only."""
    notes = _text(notes, TEXT_MAX)
    if interviewer_id is not None and interviewer_id not in set(interviewers):
        raise GroupError(_l("Choose one of the group's facilitators."))
    if held_on > today:
        raise GroupError(_l("Record an interview once it has taken place: that day is still to come."))
    if not HOURS_MIN <= hours <= HOURS_MAX:
        raise GroupError(_l("Between a quarter of an hour and 24 hours."))
    interview = db.session.scalar(
        sa.select(Interview).where(Interview.cohort_id == cohort_id, Interview.member_id == member.id)
    )
    fields = {"interviewer_id": interviewer_id, "held_on": held_on, "hours": float(hours)}
    if interview is None:
        interview = Interview(
            cohort_id=cohort_id,
            member_id=member.id,
            organization_id=member.organization_id,
            notes=notes,
            recorded_at=clock.now(),
            recorded_by_id=actor_id,
            **fields,
        )
        try:
            with db.session.begin_nested():  # two people recording the same interview at once
                db.session.add(interview)
        except IntegrityError as error:
            raise GroupError(
                _l(
                    "Someone recorded this interview while you were writing. Your text is below: open the "
                    "interview again and save it there."
                )
            ) from error
        audit.record(actor_id, interview, "recorded", _jsonable({k: [None, v] for k, v in fields.items()}))
        return interview
    changes = {k: [getattr(interview, k), v] for k, v in fields.items() if getattr(interview, k) != v}
    if interview.notes != notes:
        changes["notes"] = ["…", "…"]
    if changes:
        for key, value in fields.items():
            setattr(interview, key, value)
        interview.notes, interview.recorded_at, interview.recorded_by_id = notes, clock.now(), actor_id
        audit.record(actor_id, interview, "changed", _jsonable(changes))
        db.session.flush()
    return interview


def remove_interview(interview: Interview, actor_id: int) -> None:
    """Take back an interview recorded by mistake: its hours leave the program's figures."""
    audit.record(
        actor_id,
        interview,
        "removed",
        _jsonable({"held_on": [interview.held_on, None], "hours": [interview.hours, None]}),
    )
    db.session.delete(interview)
    db.session.flush()


def _jsonable(changes: dict[str, list[Any]]) -> dict[str, list[Any]]:
    return {
        key: [value.isoformat() if isinstance(value, dt.date) else value for value in pair]
        for key, pair in changes.items()
    }
