"""The network's part of "download my data" and of erasure."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from fellowship.core import personal_data
from fellowship.extensions import db
from fellowship.network.models import Entry
from fellowship.network.search import search


def erase(person: Any) -> None:
    holding = {h.section: h for h in personal_data.holdings()}["network"]
    holding.erase(
        personal_data.Erasure(
            user=person,
            name=person.name,
            email=person.email,
            label=f"Erased person #{person.id}",
            actor_id=None,
            now=person.created_at,
        )
    )
    db.session.commit()


def test_export_lists_the_persons_own_entries(entry: Any, person: Any) -> None:
    entry("Mentoring calls", user=person, skills=["governance"], languages=["es"])
    entry("An organisation's offer naming Rosa Luxemburg")
    holding = {h.section: h for h in personal_data.holdings()}["network"]
    assert [(e["title"], e["skills"], e["languages"], e["published"]) for e in holding.export(person)] == [
        ("Mentoring calls", ["governance"], ["es"], False)
    ]


def test_erasure_deletes_the_persons_entries_and_scrubs_organisations(entry: Any, person: Any) -> None:
    entry("Mentoring calls", user=person, published=True)
    kept = entry("Ask Rosa Luxemburg about governance", description="Write to Rosa Luxemburg.")
    erase(person)
    label = f"Erased person #{person.id}"
    assert db.session.scalars(sa.select(Entry.title)).all() == [f"Ask {label} about governance"]
    assert (kept.description, db.session.scalars(search("luxemburg")).all()) == (f"Write to {label}.", [])
    assert db.session.scalars(search("erased person")).all() == [kept]
