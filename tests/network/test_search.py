"""Search: the same ids in the same order on SQLite (FTS5 trigram) and PostgreSQL (pg_trgm); the suite runs
on both, and every test asserts the exact result."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import sqlalchemy as sa

from fellowship.extensions import db
from fellowship.network import services
from fellowship.network.enums import Category, EntryKind
from fellowship.network.models import Entry
from fellowship.network.search import search


def found(text: str = "", **filters: Any) -> list[int]:
    return list(db.session.scalars(search(text, **filters).with_only_columns(Entry.id)))


@pytest.fixture
def five(entry: Any) -> dict[str, int]:
    """One offer in each of the site's languages, written with their accents and marks."""
    return {
        "en": entry("Bookkeeping for worker co-ops", description="Monthly books and payroll.").id,
        "es": entry("Contabilidad para cooperativas", description="Declaraciones y nóminas.").id,
        "pl": entry("Księgowość dla spółdzielni", description="Rozliczenia i płace.").id,
        "ar": entry("مُحَاسَبَة لِلتَّعَاوُنِيَّات", description="أدوات إدارة الرواتب").id,
        "he": entry("הַנְהָלַת חֶשְׁבּוֹנוֹת לְקוֹאוֹפֶּרָטִיבִים", description="שכר ודיווח").id,
    }


@pytest.mark.parametrize(
    ("language", "query"),
    [
        ("en", "bookkeeping"),
        ("en", "BOOKKEEP"),
        ("en", "bookkeeping co-ops"),
        ("es", "contabilidad"),
        ("es", "contabílidad"),
        ("es", "nominas"),
        ("es", "cooperativas contab"),
        ("pl", "księgowość"),
        ("pl", "ksiegowosc"),
        ("pl", "SPÓŁDZIELNI"),
        ("pl", "place"),  # "płace", typed without the ł
        ("ar", "محاسبة"),  # without harakat
        ("ar", "مُحَاسَبَة"),  # with them
        ("ar", "ادوات"),  # plain alef for أ
        ("ar", "تعاونيات"),  # "للتعاونيات" is li- + al-taʿāwuniyyāt
        ("he", "חשבונות"),  # without niqqud
        ("he", "חֶשְׁבּוֹנוֹת"),  # with it
        ("he", "חשבון"),  # a final nun, inside the word in the text
        ("he", "קואופרטיבים"),
    ],
)
def test_search_finds_each_language_with_and_without_marks(
    five: dict[str, int], language: str, query: str
) -> None:
    assert found(query) == [five[language]]


def test_search_needs_every_word(five: dict[str, int]) -> None:
    assert found("contabilidad księgowość") == []


def test_search_without_words_lists_the_most_recently_confirmed_first(entry: Any, clock: Any) -> None:
    older = entry("Older offer").id
    clock.advance(dt.timedelta(days=1))
    newer = entry("Newer offer").id
    assert found("") == [newer, older]


def test_search_ranks_a_title_match_before_a_description_match(entry: Any) -> None:
    described = entry("Payroll help", description="We also do legal paperwork.").id
    titled = entry("Legal advice for co-ops").id
    assert found("legal") == [titled, described]


def test_search_breaks_rank_ties_by_confirmation_then_id(entry: Any) -> None:
    first = entry("Legal clinic").id
    second = entry("Legal clinic").id
    assert found("legal") == [first, second]


def test_search_finds_skills_in_any_entry_language(entry: Any) -> None:
    spanish = entry("Contabilidad para cooperativas", skills=["bookkeeping"]).id
    english = entry("Help with the books", skills=["bookkeeping"]).id
    entry("Web design", category=Category.TECH, skills=["design"])
    assert found("bookkeeping") == [english, spanish]


def test_search_matches_short_words_by_substring(entry: Any) -> None:
    ai = entry("AI tools", category=Category.TOOLS).id
    entry("Bookkeeping")
    assert found("ai") == [ai]
    assert found("ai tools") == [ai]


def test_search_takes_like_and_match_syntax_literally(entry: Any) -> None:
    hundred = entry("100% recycled laptops", category=Category.IN_KIND).id
    entry("100 laptops, some recycled", category=Category.IN_KIND)
    assert found("100%") == [hundred]
    assert found('"') == []
    assert found("_") == []
    assert found("AND OR NOT * ( ) :") == []


def test_search_filters_by_kind_and_category(entry: Any) -> None:
    offer = entry("Governance training").id
    need = entry("Governance help wanted", kind=EntryKind.NEED).id
    space = entry("Meeting room for governance circles", category=Category.SPACE).id
    assert found("governance", kind=EntryKind.NEED) == [need]
    assert found("governance", category=Category.SPACE) == [space]
    assert found("governance", kind=EntryKind.OFFER, category=Category.BUSINESS) == [offer]


def test_search_filters_by_skill_folded(entry: Any) -> None:
    tagged = entry("Help with the books", skills=["Księgowość", "legal"]).id
    entry("Księgowość", skills=["finance"])
    assert found(skill="ksiegowosc") == [tagged]
    assert found(skill="LEGAL") == [tagged]
    assert found(skill="leg") == []  # a skill is a whole word, not a substring


def test_search_filters_by_place_as_a_folded_substring(entry: Any) -> None:
    lodz = entry("Bookkeeping", place="Łódź, Bałuty").id
    entry("Bookkeeping", place="Chicago")
    assert found(place="lodz") == [lodz]
    assert found("bookkeeping", place="BAŁUTY") == [lodz]


def test_search_filters_by_language(entry: Any) -> None:
    both = entry("Bookkeeping", languages=["es", "en"]).id
    polish = entry("Bookkeeping", languages=["pl"]).id
    entry("Bookkeeping")
    assert found(language="es") == [both]
    assert found("bookkeeping", language="pl") == [polish]


# --- visibility -----------------------------------------------------------------------------------------


def test_a_persons_entry_is_hidden_until_published(entry: Any, person: Any) -> None:
    mine = entry("Mentoring on co-op finance", user=person, category=Category.MENTORING)
    assert found("mentoring") == []
    services.save_entry(mine, person.id, published=True)
    db.session.commit()
    assert found("mentoring") == [mine.id]


def test_hidden_and_archived_entries_are_never_found(entry: Any, world: Any) -> None:
    shown = entry("Legal clinic").id
    hidden = entry("Legal clinic")
    archived = entry("Legal clinic")
    services.hide(hidden, "Spam", world.users["admin"].id)
    archived.archived_at = archived.confirmed_at
    db.session.commit()
    assert found("legal") == [shown]
    assert found("") == [shown]


def test_an_entry_leaves_search_after_the_months_and_a_month_of_grace(entry: Any, clock: Any) -> None:
    confirmed = entry("Legal clinic").id  # confirmed 2024-01-18 18:00
    clock.set_time(dt.datetime(2024, 8, 18, 18, 0, tzinfo=dt.UTC))  # 6 months + 1 exactly
    assert found("legal") == [confirmed]
    clock.set_time(dt.datetime(2024, 8, 18, 18, 1, tzinfo=dt.UTC))
    assert found("legal") == []
    assert found("legal", months=7) == [confirmed]


# --- the query count does not grow with the entries ---------------------------------------------------------


def bulk(org_id: int, count: int, now: dt.datetime) -> None:
    """``count`` entries in one executemany (on SQLite the triggers fill the FTS table)."""
    rows = [
        {
            "kind": EntryKind.OFFER if n % 2 else EntryKind.NEED,
            "category": Category.BUSINESS if n % 3 else Category.TECH,
            "title": f"Offer {n} bookkeeping",
            "description": "Books, payroll and taxes for worker co-ops.",
            "skills": ["bookkeeping"],
            "place": "Chicago",
            "languages": ["en"],
            "organization_id": org_id,
            "published": True,
            "confirmed_at": now,
            "hidden_reason": "",
            "search_text": f"offer {n} bookkeeping\nbookkeeping\nchicago\nbooks, payroll and taxes",
            "skill_keys": ["bookkeeping"],
            "place_key": "chicago",
            "created_at": now,
        }
        for n in range(count)
    ]
    db.session.execute(sa.insert(Entry), rows)
    db.session.commit()


def searched_queries(count_queries: Any) -> int:
    with count_queries() as counter:
        for text, filters in (
            ("bookkeeping payroll", {"kind": EntryKind.OFFER, "language": "en", "place": "chicago"}),
            ("", {"category": Category.TECH, "skill": "bookkeeping"}),
        ):
            page = db.session.scalars(search(text, **filters).limit(20)).unique().all()
            assert len(page) == 20
            assert all(found.organization.name for found in page)
    return counter.count


def test_search_issues_the_same_queries_for_20_and_5000_entries(
    org: Any, clock: Any, count_queries: Any
) -> None:
    bulk(org.id, 60, clock.now())
    few = searched_queries(count_queries)
    bulk(org.id, 4940, clock.now())
    assert db.session.scalar(sa.select(sa.func.count(Entry.id))) == 5000
    assert (few, searched_queries(count_queries)) == (2, 2)
