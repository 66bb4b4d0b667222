"""Reads of a working group's minutes; each returns a statement. Impact may read these."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from fellowship.accounts.models import Organization, User
from fellowship.events.enums import EventKind
from fellowship.events.models import Event
from fellowship.groups.enums import ActionStatus
from fellowship.groups.models import (
    ActionItem,
    AgendaVersion,
    Decision,
    Interview,
    ItemNote,
    MeetingHost,
    Subgroup,
    SubgroupMember,
)
from fellowship.programs.enums import Role
from fellowship.programs.models import Cohort, Membership
from fellowship.programs.queries import current_membership_clause


def meetings(cohort_id: int) -> sa.Select[tuple[Event]]:
    """The group's meetings that take place (not cancelled), in order."""
    return (
        sa.select(Event)
        .where(
            Event.cohort_id == cohort_id,
            Event.kind == EventKind.WORKING_GROUP,
            Event.cancelled_at.is_(None),
        )
        .order_by(Event.starts_at, Event.id)
    )


def member_organizations(cohort_id: int, today: dt.date) -> sa.Select[tuple[Organization]]:
    """The organisations the group's current members represent, by name: the order hosting goes round."""
    members = sa.select(User.organization_id).join(Membership, Membership.user_id == User.id)
    members = members.where(
        Membership.cohort_id == cohort_id, Membership.role == Role.FELLOW, current_membership_clause(today)
    )
    return (
        sa.select(Organization)
        .where(Organization.id.in_(members.scalar_subquery()))
        .order_by(Organization.name, Organization.id)
    )


def chosen_hosts(cohort_id: int) -> sa.Select[tuple[int, int]]:
    """(meeting, organisation) for the meetings whose host someone chose."""
    return (
        sa.select(MeetingHost.event_id, MeetingHost.organization_id)
        .join(Event, Event.id == MeetingHost.event_id)
        .where(Event.cohort_id == cohort_id)
    )


def members(cohort_id: int, today: dt.date) -> sa.Select[tuple[int, str]]:
    """(id, name) of everyone currently in the group, members and staff: who may own an action item."""
    return (
        sa.select(User.id, User.name)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.cohort_id == cohort_id, current_membership_clause(today))
        .distinct()
        .order_by(User.name, User.id)
    )


def notes(event_id: int) -> sa.Select[tuple[ItemNote]]:
    return sa.select(ItemNote).where(ItemNote.event_id == event_id)


def decisions(event_id: int) -> sa.Select[tuple[Decision]]:
    return (
        sa.select(Decision).where(Decision.event_id == event_id).order_by(Decision.recorded_at, Decision.id)
    )


def _with_owner() -> sa.Select[tuple[ActionItem, Any, Any]]:
    """Action items with their owner's name and their subgroup's name (each may be None)."""
    return (
        sa.select(ActionItem, User.name, Subgroup.name)
        .outerjoin(User, User.id == ActionItem.owner_id)
        .outerjoin(Subgroup, Subgroup.id == ActionItem.subgroup_id)
    )


def raised_at(event_id: int) -> sa.Select[tuple[ActionItem, Any, Any]]:
    """The action items a meeting raised, with their owners' and subgroups' names."""
    return _with_owner().where(ActionItem.event_id == event_id).order_by(ActionItem.id)


def carried_to(meeting: Event) -> sa.Select[tuple[ActionItem, Any, Any]]:
    """The action items an earlier meeting of the group raised that were still open when this one began (or
    are open now, for a meeting to come): each once, oldest first, with its owner's and subgroup's names."""
    raised = aliased(Event)
    return (
        _with_owner()
        .join(raised, raised.id == ActionItem.event_id)
        .where(
            ActionItem.cohort_id == meeting.cohort_id,
            ActionItem.event_id != meeting.id,
            raised.starts_at < meeting.starts_at,
            sa.or_(ActionItem.status == ActionStatus.OPEN, ActionItem.closed_at >= meeting.starts_at),
        )
        .order_by(raised.starts_at, ActionItem.id)
    )


def open_for_owner(user_id: int, limit: int) -> sa.Select[tuple[ActionItem, Event, Cohort]]:
    """A person's open action items in every group, those due first on top (undated last)."""
    return (
        sa.select(ActionItem, Event, Cohort)
        .join(Event, Event.id == ActionItem.event_id)
        .join(Cohort, Cohort.id == ActionItem.cohort_id)
        .where(ActionItem.owner_id == user_id, ActionItem.status == ActionStatus.OPEN)
        .order_by(ActionItem.due_on.is_(None), ActionItem.due_on, ActionItem.id)
        .limit(limit)
    )


def subgroups(cohort_id: int) -> sa.Select[tuple[Subgroup]]:
    return sa.select(Subgroup).where(Subgroup.cohort_id == cohort_id).order_by(Subgroup.name, Subgroup.id)


def subgroup_members(cohort_id: int) -> sa.Select[tuple[int, int, str]]:
    """(subgroup, member, name) for every subgroup of the group, by name."""
    return (
        sa.select(SubgroupMember.subgroup_id, User.id, User.name)
        .join(Subgroup, Subgroup.id == SubgroupMember.subgroup_id)
        .join(User, User.id == SubgroupMember.user_id)
        .where(Subgroup.cohort_id == cohort_id)
        .order_by(User.name, User.id)
    )


def latest_agenda(cohort_id: int) -> sa.Select[tuple[AgendaVersion]]:
    return (
        sa.select(AgendaVersion)
        .where(AgendaVersion.cohort_id == cohort_id)
        .order_by(AgendaVersion.number.desc())
        .limit(1)
    )


def agenda_history(cohort_id: int) -> sa.Select[tuple[int, Any, Any, Any]]:
    """(number, when, who, meeting title) of every version, newest first."""
    return (
        sa.select(AgendaVersion.number, AgendaVersion.changed_at, User.name, Event.title)
        .outerjoin(User, User.id == AgendaVersion.changed_by_id)
        .outerjoin(Event, Event.id == AgendaVersion.event_id)
        .where(AgendaVersion.cohort_id == cohort_id)
        .order_by(AgendaVersion.number.desc())
    )


def agenda_versions(cohort_id: int, numbers: list[int]) -> sa.Select[tuple[AgendaVersion]]:
    return sa.select(AgendaVersion).where(
        AgendaVersion.cohort_id == cohort_id, AgendaVersion.number.in_(numbers)
    )


def checklist(cohort_id: int, today: dt.date) -> sa.Select[tuple[Any, ...]]:
    """The interview checklist: every current member, by name, with their organisation and their interview
    (None when not held yet) and who held it. One query, whatever the group's size."""
    interviewer = aliased(User)
    return (
        sa.select(User.id, User.name, Organization.name, Interview, interviewer.name)
        .join(Membership, Membership.user_id == User.id)
        .outerjoin(Organization, Organization.id == User.organization_id)
        .outerjoin(Interview, sa.and_(Interview.member_id == User.id, Interview.cohort_id == cohort_id))
        .outerjoin(interviewer, interviewer.id == Interview.interviewer_id)
        .where(
            Membership.cohort_id == cohort_id,
            Membership.role == Role.FELLOW,
            current_membership_clause(today),
        )
        .order_by(User.name, User.id)
    )


def interview_of(cohort_id: int, member_id: int) -> sa.Select[tuple[Interview]]:
    return sa.select(Interview).where(Interview.cohort_id == cohort_id, Interview.member_id == member_id)


def interview_counts(cohort_id: int, today: dt.date) -> sa.Select[tuple[int, int]]:
    """(current members, of them interviewed) for the cohort page's panel."""
    done = sa.func.count(Interview.id)
    return (
        sa.select(sa.func.count(Membership.user_id), done)
        .outerjoin(
            Interview,
            sa.and_(Interview.member_id == Membership.user_id, Interview.cohort_id == cohort_id),
        )
        .where(
            Membership.cohort_id == cohort_id,
            Membership.role == Role.FELLOW,
            current_membership_clause(today),
        )
    )


def staff(cohort_id: int, today: dt.date) -> sa.Select[tuple[int, str]]:
    """(id, name) of the group's current facilitators: who may have held an interview."""
    return (
        sa.select(User.id, User.name)
        .join(Membership, Membership.user_id == User.id)
        .where(
            Membership.cohort_id == cohort_id,
            Membership.role == Role.FACILITATOR,
            current_membership_clause(today),
        )
        .order_by(User.name, User.id)
    )


def interview_hours(program_id: int, starts_on: dt.date | None = None, ends_on: dt.date | None = None) -> Any:
    """(held_on, organization_id, hours) of every interview in the program's groups, between the two days
    when given: one-on-one assistance the program's staff gave, for impact's figures."""
    statement = (
        sa.select(
            Interview.held_on.label("held_on"),
            Interview.organization_id.label("organization_id"),
            Interview.hours.label("hours"),
        )
        .join(Cohort, Cohort.id == Interview.cohort_id)
        .where(Cohort.program_id == program_id)
    )
    if starts_on is not None:
        statement = statement.where(Interview.held_on >= starts_on)
    if ends_on is not None:
        statement = statement.where(Interview.held_on <= ends_on)
    return statement
