"""Working groups' part of "download my data" and of erasure (``core.personal_data``)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from fellowship.core import personal_data
from fellowship.extensions import db
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


def export(user: Any) -> list[dict[str, Any]]:
    """The action items the person owns, the subgroups they are in, and the interviews they gave. The
    interview notes are kept from the rest of the group, not from the person they are about: the right of
    access covers them."""
    items = db.session.scalars(
        sa.select(ActionItem).where(ActionItem.owner_id == user.id).order_by(ActionItem.id)
    )
    subgroups = db.session.scalars(
        sa.select(Subgroup.name)
        .join(SubgroupMember, SubgroupMember.subgroup_id == Subgroup.id)
        .where(SubgroupMember.user_id == user.id)
        .order_by(Subgroup.name)
    )
    return (
        [
            {
                "action_item": item.what,
                "due_on": item.due_on.isoformat() if item.due_on else None,
                "status": item.status.value,
            }
            for item in items
        ]
        + [{"subgroup": name} for name in subgroups]
        + [
            {"interview_held_on": held_on.isoformat(), "hours": hours, "notes": notes}
            for held_on, hours, notes in db.session.execute(
                sa.select(Interview.held_on, Interview.hours, Interview.notes)
                .where(Interview.member_id == user.id)
                .order_by(Interview.held_on, Interview.id)
            )
        ]
    )


def erase(erasure: personal_data.Erasure) -> None:
    """The minutes are the group's record: they stay, with the person's name and address replaced by the
    placeholder wherever they were written. Action items they own stay theirs (the placeholder's), so the
    group still sees what was undertaken; who took the minutes or chose a host is forgotten. An interview
    with the person keeps its day and hours (the program's figures count them) but loses its notes, which
    are about them; one they held forgets who held it."""
    user_id = erasure.user.id
    db.session.execute(
        sa.update(ItemNote).where(ItemNote.updated_by_id == user_id).values(updated_by_id=None)
    )
    db.session.execute(
        sa.update(Decision).where(Decision.recorded_by_id == user_id).values(recorded_by_id=None)
    )
    db.session.execute(
        sa.update(ActionItem).where(ActionItem.created_by_id == user_id).values(created_by_id=None)
    )
    db.session.execute(
        sa.update(MeetingHost).where(MeetingHost.chosen_by_id == user_id).values(chosen_by_id=None)
    )
    db.session.execute(
        sa.update(AgendaVersion).where(AgendaVersion.changed_by_id == user_id).values(changed_by_id=None)
    )
    db.session.execute(sa.update(Interview).where(Interview.member_id == user_id).values(notes=""))
    db.session.execute(
        sa.update(Interview).where(Interview.interviewer_id == user_id).values(interviewer_id=None)
    )
    db.session.execute(
        sa.update(Interview).where(Interview.recorded_by_id == user_id).values(recorded_by_id=None)
    )
    for secret in erasure.secrets():
        naming = sa.cast(AgendaVersion.sections, sa.Text).contains(secret, autoescape=True)
        for version in db.session.scalars(sa.select(AgendaVersion).where(naming)):
            version.sections = erasure.scrub_json(version.sections)
    for model, column in (
        (ItemNote, "text"),
        (Decision, "text"),
        (ActionItem, "what"),
        (Subgroup, "name"),
        (Interview, "notes"),
    ):
        erasure.scrub_rows(model, (column,))
    db.session.flush()


personal_data.register(
    "working_groups",
    export,
    erase=erase,
    tables=(
        "group_meeting_hosts",
        "group_item_notes",
        "group_decisions",
        "group_action_items",
        "group_subgroups",
        "group_subgroup_members",
        "group_agenda_versions",
        "group_interviews",
    ),
)
