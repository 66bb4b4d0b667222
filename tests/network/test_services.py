"""Saving, confirming, moderating and archiving entries."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import sqlalchemy as sa

from fellowship.core.audit import AuditEntry
from fellowship.extensions import db
from fellowship.network import services
from fellowship.network.enums import Category, EntryKind
from fellowship.network.models import Entry
from tests import factories as f


def actions(entry: Entry) -> list[str]:
    return list(
        db.session.scalars(
            sa.select(AuditEntry.action)
            .where(AuditEntry.subject_type == "network_entries", AuditEntry.subject_id == entry.id)
            .order_by(AuditEntry.id)
        )
    )


def test_an_organisations_entry_is_published_and_a_persons_is_not(entry: Any, person: Any) -> None:
    assert (entry("Ours").published, entry("Mine", user=person).published) == (True, False)


def test_saving_writes_the_folded_search_text_skills_and_place(entry: Any) -> None:
    saved = entry(
        "Księgowość",
        description="Płace i **podatki**",
        skills=["bookkeeping", "Księgowość", "ksiegowosc", " in_kind "],
        place="Łódź",
    )
    assert (saved.skills, saved.skill_keys, saved.place_key, saved.search_text) == (
        ["bookkeeping", "Księgowość", "in_kind"],
        ["bookkeeping", "ksiegowosc", "in kind"],
        "lodz",
        "ksiegowosc bookkeeping ksiegowosc in kind lodz place i **podatki**",
    )


@pytest.mark.parametrize(
    "values",
    [
        {"title": "   "},
        {"title": "x" * 121},
        {"skills": ["bookkeeping\x00"]},
        {"description": "x" * 4001},
        {"skills": ["x" * 41]},
        {"skills": [f"skill {n}" for n in range(13)]},
        {"languages": ["klingon"]},
        {"languages": ["xx"]},
        {"place": "x" * 121},
    ],
)
def test_save_entry_refuses_bad_values(entry: Any, values: dict[str, Any]) -> None:
    saved = entry("Offer")
    with pytest.raises(services.NetworkError):
        services.save_entry(saved, None, **values)


def test_a_bar_separates_skills(entry: Any) -> None:
    assert entry("Offer", skills=["legal|finance", "Legal"]).skills == ["legal", "finance"]


def test_a_new_entry_has_exactly_one_owner(org: Any, person: Any) -> None:
    for owner in ({}, {"organization_id": org.id, "user_id": person.id}):
        with pytest.raises(TypeError):
            services.save_entry(Entry(**owner), None, kind=EntryKind.NEED, category=Category.TECH, title="x")


def test_an_edit_confirms_and_restores_an_archived_entry_and_is_audited(entry: Any, clock: Any) -> None:
    saved = entry("Legal clinic", languages=["en"])
    saved.archived_at = clock.now()
    clock.advance(dt.timedelta(days=200))
    services.save_entry(saved, None, title="Legal clinic on Tuesdays", languages=["en", "es"])
    assert (saved.confirmed_at, saved.archived_at, saved.languages) == (clock.now(), None, ["en", "es"])
    edited = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "edited", AuditEntry.subject_id == saved.id)
    ).one()
    assert edited.changes == {
        "title": ["Legal clinic", "Legal clinic on Tuesdays"],
        "languages": [["en"], ["en", "es"]],
    }


def test_confirm_freshens_the_entry(entry: Any, clock: Any, person: Any) -> None:
    saved = entry("Mine", user=person)
    clock.advance(dt.timedelta(days=190))
    services.confirm(saved, person.id)
    assert (saved.confirmed_at, actions(saved)) == (clock.now(), ["created", "confirmed"])


def test_hiding_needs_a_reason_and_is_audited(entry: Any, world: Any) -> None:
    saved = entry("Spam offer")
    admin = world.users["admin"]
    with pytest.raises(services.NetworkError):
        services.hide(saved, "  ", admin.id)
    services.hide(saved, "Advertising,  not an offer", admin.id)
    assert (saved.hidden_reason, saved.hidden_by_id, actions(saved)) == (
        "Advertising, not an offer",
        admin.id,
        ["created", "hidden"],
    )
    services.unhide(saved, admin.id)
    assert (saved.hidden_at, actions(saved)[-1]) == (None, "unhidden")


def test_archive_stale_takes_entries_unconfirmed_for_twice_the_months_and_the_grace(
    entry: Any, clock: Any
) -> None:
    old = entry("Old")
    clock.set_time(dt.datetime(2025, 2, 18, 18, 0, tzinfo=dt.UTC))  # 13 months later
    fresh = entry("Fresh")
    assert services.archive_stale() == 0
    clock.advance(dt.timedelta(minutes=1))
    assert services.archive_stale() == 1
    db.session.expire_all()
    assert (old.archived_at, fresh.archived_at, actions(old)) == (clock.now(), None, ["created", "archived"])


def test_may_edit(entry: Any, org: Any, person: Any, world: Any) -> None:
    ours = entry("Ours")
    mine = entry("Mine", user=person)
    member = f.UserFactory(organization=org)
    outsider = world.users["other_fellow"]
    admin = world.users["admin"]
    assert [services.may_edit(user, ours) for user in (member, person, outsider, admin)] == [
        True,
        False,
        False,
        True,
    ]
    assert [services.may_edit(user, mine) for user in (member, person, outsider, admin)] == [
        False,
        True,
        False,
        True,
    ]
