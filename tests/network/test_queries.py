"""``matches_for``: a need shows the offers that match it, an offer the needs; same place first."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fellowship.extensions import db
from fellowship.network import queries
from fellowship.network.enums import Category, EntryKind
from fellowship.network.models import Entry
from tests import factories as f


def matched(entry: Entry) -> list[int]:
    return list(db.session.scalars(queries.matches_for(entry).with_only_columns(Entry.id)))


def test_a_need_shows_matching_offers_same_place_first(entry: Any) -> None:
    other = f.OrganizationFactory(name="Southside Co-op")
    need = entry("Need a bookkeeper", kind=EntryKind.NEED, skills=["bookkeeping", "legal"], place="Chicago")
    elsewhere_both = entry(
        "Books and contracts", organization=other, skills=["bookkeeping", "legal"], place="Detroit"
    ).id
    here_one = entry("Books", organization=other, skills=["Bookkeeping"], place="chicago").id
    here_category = entry("Governance", organization=other, place="Chicago").id
    elsewhere_skill_other_category = entry(
        "Contract review", organization=other, category=Category.WORK, skills=["legal"]
    ).id
    entry("Web design", organization=other, category=Category.TECH, place="Chicago")  # nothing shared
    entry("Also need books", organization=other, kind=EntryKind.NEED, skills=["bookkeeping"])  # a need
    entry("Our own books offer", skills=["bookkeeping"])  # the same owner's
    assert matched(need) == [here_one, here_category, elsewhere_both, elsewhere_skill_other_category]


def test_an_offer_shows_matching_needs(entry: Any, person: Any) -> None:
    offer = entry("Meeting room", category=Category.SPACE, place="Łódź")
    wanted = entry(
        "Room for our assembly",
        kind=EntryKind.NEED,
        category=Category.SPACE,
        user=person,
        place="LODZ",
        published=True,
    ).id
    hidden_person = f.UserFactory(organization=None)
    entry("Room wanted", kind=EntryKind.NEED, category=Category.SPACE, user=hidden_person)  # unpublished
    assert matched(offer) == [wanted]


def test_matches_for_is_one_query(entry: Any, count_queries: Any) -> None:
    need = entry("Need a bookkeeper", kind=EntryKind.NEED, skills=["bookkeeping"])
    other = f.OrganizationFactory(name="Southside Co-op")
    for n in range(5):
        entry(f"Books {n}", organization=other, skills=["bookkeeping"])
    db.session.refresh(need)  # as a page has it, loaded
    with count_queries() as counter:
        shown = db.session.scalars(queries.matches_for(need)).unique().all()
        assert [offer.organization.name for offer in shown] == ["Southside Co-op"] * 5
    assert counter.count == 1


def test_entries_of_a_member_are_theirs_and_their_organisations(entry: Any, org: Any, person: Any) -> None:
    member = f.UserFactory(organization=org)
    ours = entry("Our offer", published=False).id
    mine = entry("My offer", user=member).id
    entry("Someone else's", user=person)
    assert list(db.session.scalars(queries.entries_of(member).with_only_columns(Entry.id))) == [mine, ours]


def test_reminders_are_due_after_the_months(entry: Any, clock: Any) -> None:
    due = entry("Old offer").id
    clock.set_time(dt.datetime(2024, 7, 18, 18, 0, tzinfo=dt.UTC))  # six months later to the minute
    entry("Fresh offer")
    assert list(db.session.scalars(queries.reminders_due().with_only_columns(Entry.id))) == []
    clock.set_time(dt.datetime(2024, 7, 18, 18, 1, tzinfo=dt.UTC))
    assert list(db.session.scalars(queries.reminders_due().with_only_columns(Entry.id))) == [due]
