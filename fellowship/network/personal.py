"""The network's part of "download my data" and of erasure (``core.personal_data``).

A person's own entries are personal data and go entirely. Organisations' entries stay (they are the
organisation's), but their text loses the person's name and address; so does a moderation reason.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from fellowship.core import personal_data
from fellowship.extensions import db
from fellowship.network.models import (
    Block,
    Entry,
    Exchange,
    LocalGroup,
    MentoringMeeting,
    MentoringPair,
    MentoringReflection,
)
from fellowship.network.services import reindex
from fellowship.programs.models import Cohort


def export(user: Any) -> list[dict[str, Any]]:
    """The person's entries, and the requests and exchanges they took part in (as asker or as the one who
    answered), with what was written on both sides."""
    entries = db.session.scalars(sa.select(Entry).where(Entry.user_id == user.id).order_by(Entry.id))
    exchanges = db.session.scalars(
        sa.select(Exchange)
        .where(
            sa.or_(
                Exchange.asker_id == user.id, Exchange.helper_id == user.id, Exchange.owner_user_id == user.id
            )
        )
        .order_by(Exchange.id)
    )
    return (
        [
            {
                "kind": entry.kind.value,
                "category": entry.category.value,
                "title": entry.title,
                "description": entry.description,
                "skills": entry.skills,
                "place": entry.place,
                "languages": entry.languages,
                "published": entry.published,
                "confirmed_at": entry.confirmed_at.isoformat(),
                "hidden_reason": entry.hidden_reason,
            }
            for entry in entries
        ]
        + [
            {
                "exchange": exchange.entry_title,
                "asked": exchange.asker_id == user.id,
                "status": exchange.status.value,
                "asked_at": exchange.asked_at.isoformat(),
                "message": exchange.message,
                "answer": exchange.answer,
                "agreed_help": exchange.agreed_help,
                "expectations": exchange.expectations,
                "hours": exchange.hours,
            }
            for exchange in exchanges
        ]
        + _mentoring(user)
        + [
            {"local_group_champion": name}
            for name in db.session.scalars(
                sa.select(Cohort.name)
                .join(LocalGroup, LocalGroup.cohort_id == Cohort.id)
                .where(LocalGroup.champion_id == user.id)
                .order_by(Cohort.name)
            )
        ]
    )


def _mentoring(user: Any) -> list[dict[str, Any]]:
    """The person's mentoring pairs, the meetings logged (with their notes) and their own reflections."""
    pairs = db.session.scalars(
        sa.select(MentoringPair)
        .where(sa.or_(MentoringPair.mentor_id == user.id, MentoringPair.mentee_id == user.id))
        .order_by(MentoringPair.id)
    ).all()
    out: list[dict[str, Any]] = []
    for found in pairs:
        meetings = db.session.scalars(
            sa.select(MentoringMeeting)
            .where(MentoringMeeting.pair_id == found.id)
            .order_by(MentoringMeeting.id)
        )
        mine = db.session.scalar(
            sa.select(MentoringReflection.text).where(
                MentoringReflection.pair_id == found.id, MentoringReflection.author_id == user.id
            )
        )
        out.append(
            {
                "mentoring": "mentor" if found.mentor_id == user.id else "mentee",
                "status": found.status.value,
                "message": found.message,
                "meetings": [
                    {"held_on": m.held_on.isoformat(), "minutes": m.minutes, "notes": m.notes}
                    for m in meetings
                ],
                "reflection": mine,
            }
        )
    return out


def erase(erasure: personal_data.Erasure) -> None:
    """The person's entries are deleted; organisations' entries that name them are scrubbed and
    re-indexed. Entries they hid as an administrator stay hidden (``hidden_by_id`` then points at the
    erased account). Requests and exchanges stay, for the other side and the figures: the person's own
    request messages are emptied, and their name and address leave every text of every exchange; blocks
    by or of them go."""
    user_id = erasure.user.id
    db.session.execute(sa.delete(Entry).where(Entry.user_id == user_id))
    # Exchanges stay (their hours are counted), without what the person wrote in their own requests.
    db.session.execute(sa.update(Exchange).where(Exchange.asker_id == user_id).values(message=""))
    db.session.execute(
        sa.delete(Block).where(sa.or_(Block.blocked_id == user_id, Block.owner_user_id == user_id))
    )
    erasure.scrub_rows(Exchange, ("entry_title", "message", "answer", "agreed_help", "expectations"))
    # Mentoring: the pair stays for the cohort's counts; what the person wrote alone goes, what the pair
    # wrote together loses their name.
    db.session.execute(sa.delete(MentoringReflection).where(MentoringReflection.author_id == user_id))
    db.session.execute(sa.update(MentoringPair).where(MentoringPair.mentee_id == user_id).values(message=""))
    erasure.scrub_rows(MentoringMeeting, ("notes",))
    erasure.scrub_rows(MentoringReflection, ("text",))
    # A local group they championed stays, its champion forgotten (its facilitators coordinate it).
    db.session.execute(
        sa.update(LocalGroup).where(LocalGroup.champion_id == user_id).values(champion_id=None)
    )
    secrets = erasure.secrets()
    if not secrets:
        return
    naming = sa.or_(
        *(
            column.contains(secret, autoescape=True)
            for secret in secrets
            for column in (Entry.title, Entry.description, Entry.hidden_reason)
        )
    )
    for entry in db.session.scalars(sa.select(Entry).where(naming)):
        entry.title = erasure.scrub(entry.title)
        entry.description = erasure.scrub(entry.description)
        entry.hidden_reason = erasure.scrub(entry.hidden_reason)
        reindex(entry)
    db.session.flush()


personal_data.register(
    "network",
    export,
    erase=erase,
    tables=(
        "network_entries",
        "network_exchanges",
        "network_blocks",
        "network_mentoring_pairs",
        "network_mentoring_meetings",
        "network_mentoring_reflections",
        "network_local_groups",
    ),
)
