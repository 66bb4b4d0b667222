"""The network's pages through HTTP: who may use them, creating, editing, confirming, moderating, finding,
and the public directory."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from fellowship.core import audit
from fellowship.extensions import db
from fellowship.network.enums import Category, EntryKind
from fellowship.network.models import Entry, NetworkProfile
from tests.conftest import World


def test_network_is_refused_to_a_person_in_no_cohort(world: World, client_as: Any) -> None:
    assert client_as("juror").get("/network").status_code == 403


def test_network_link_shows_to_cohort_members_only(world: World, client_as: Any) -> None:
    assert 'href="/network"' in client_as("fellow").get("/").get_data(as_text=True)
    assert 'href="/network"' not in client_as("juror").get("/").get_data(as_text=True)


def test_person_entry_is_hidden_until_published(world: World, client_as: Any) -> None:
    fellow = client_as("fellow")
    data = {"owner": "person", "kind": "offer", "category": "mentoring", "title": "A call about bylaws"}
    assert fellow.post("/network/entries/new", data=data).status_code == 302
    entry = db.session.scalar(sa.select(Entry))
    assert (entry.user_id, entry.published) == (world.users["fellow"].id, False)
    other = client_as("other_fellow")
    assert other.get(f"/network/entries/{entry.id}").status_code == 404
    assert "A call about bylaws" not in other.get("/network").get_data(as_text=True)
    fellow.post(f"/network/entries/{entry.id}/edit", data={**data, "published": "y"})
    assert other.get(f"/network/entries/{entry.id}").status_code == 200


def test_organisation_entry_is_published_at_once(world: World, client_as: Any) -> None:
    data = {"owner": "organization", "kind": "need", "category": "business", "title": "Bookkeeper wanted"}
    client_as("fellow").post("/network/entries/new", data=data)
    entry = db.session.scalar(sa.select(Entry))
    assert (entry.organization_id, entry.published) == (world.organization.id, True)


def _org_entry(world: World, title: str = "Contabilidad para cooperativas", **values: Any) -> Entry:
    from fellowship.network import services

    entry = services.save_entry(
        Entry(organization_id=world.organization.id),
        None,
        kind=values.pop("kind", EntryKind.OFFER),
        category=values.pop("category", Category.BUSINESS),
        title=title,
        **values,
    )
    db.session.commit()
    return entry


def test_editing_confirms(world: World, client_as: Any, clock: Any) -> None:
    entry = _org_entry(world)
    clock.set_time(dt.datetime(2024, 5, 1, tzinfo=dt.UTC))
    data = {"kind": "offer", "category": "business", "title": "Księgowość dla spółdzielni"}
    assert client_as("fellow").post(f"/network/entries/{entry.id}/edit", data=data).status_code == 302
    db.session.refresh(entry)
    assert (entry.title, entry.confirmed_at) == (data["title"], dt.datetime(2024, 5, 1, tzinfo=dt.UTC))


def test_search_finds_spanish_and_polish_without_accents(world: World, client_as: Any) -> None:
    _org_entry(world)
    _org_entry(world, "Księgowość dla spółdzielni")
    fellow = client_as("other_fellow")
    assert "Contabilidad para cooperativas" in fellow.get("/network?q=contabilidad").get_data(as_text=True)
    page = fellow.get("/network?q=ksiegowosc").get_data(as_text=True)
    assert ("Księgowość dla spółdzielni" in page, "Contabilidad" in page) == (True, False)


def test_filters_narrow_the_results(world: World, client_as: Any) -> None:
    _org_entry(world, "Offer of bookkeeping", skills=["bookkeeping"], place="Chicago")
    _org_entry(world, "Need of a website", kind=EntryKind.NEED, category=Category.TECH)
    page = client_as("fellow").get("/network?kind=need&category=tech").get_data(as_text=True)
    assert ("Need of a website" in page, "Offer of bookkeeping" in page) == (True, False)
    page = client_as("fellow").get("/network?skill=bookkeeping&place=chicago").get_data(as_text=True)
    assert ("Need of a website" in page, "Offer of bookkeeping" in page) == (False, True)


def test_a_bad_filter_answers_400_with_a_message(world: World, client_as: Any) -> None:
    assert client_as("fellow").get("/network?kind=nonsense").status_code == 400


def test_entry_page_shows_matching_offers(world: World, client_as: Any, entry: Any, person: Any) -> None:
    need = _org_entry(world, "We need a bookkeeper", kind=EntryKind.NEED, skills=["bookkeeping"])
    entry("Bookkeeping by Riverside", skills=["bookkeeping"])
    page = client_as("fellow").get(f"/network/entries/{need.id}").get_data(as_text=True)
    assert "Bookkeeping by Riverside" in page


def test_confirm_get_changes_nothing_and_post_confirms(world: World, client_as: Any, clock: Any) -> None:
    entry = _org_entry(world)
    clock.set_time(dt.datetime(2024, 8, 1, tzinfo=dt.UTC))
    fellow = client_as("fellow")
    assert fellow.get(f"/network/entries/{entry.id}/confirm").status_code == 200
    db.session.refresh(entry)
    assert entry.confirmed_at == dt.datetime(2024, 1, 18, 18, tzinfo=dt.UTC)
    assert fellow.post(f"/network/entries/{entry.id}/confirm").status_code == 302
    db.session.refresh(entry)
    assert entry.confirmed_at == dt.datetime(2024, 8, 1, tzinfo=dt.UTC)


def test_hide_needs_a_reason(world: World, client_as: Any) -> None:
    entry = _org_entry(world)
    response = client_as("admin").post(f"/network/entries/{entry.id}/hide", data={"hidden_reason": " "})
    assert response.status_code == 400 and "Say why the entry is hidden." in response.get_data(as_text=True)
    db.session.refresh(entry)
    assert entry.hidden_at is None


def test_hide_with_a_reason_is_audited_and_leaves_search(world: World, client_as: Any) -> None:
    entry = _org_entry(world)
    admin = client_as("admin")
    assert admin.post(f"/network/entries/{entry.id}/hide", data={"hidden_reason": "Spam"}).status_code == 302
    db.session.refresh(entry)
    assert entry.hidden_reason == "Spam"
    assert [e.action for e in db.session.scalars(sa.select(audit.AuditEntry).order_by(audit.AuditEntry.id))][
        -1
    ] == "hidden"
    assert client_as("other_fellow").get(f"/network/entries/{entry.id}").status_code == 404
    assert "Spam" in client_as("fellow").get("/network/mine").get_data(as_text=True)


def test_directory_shows_opted_in_organisations_offers_only(
    world: World, client: Any, entry: Any, org: Any, person: Any
) -> None:
    _org_entry(world, "Listed offer")
    _org_entry(world, "Listed need", kind=EntryKind.NEED)
    entry("Unlisted organisation's offer")
    entry("A person's offer", user=person, published=True)
    db.session.add(NetworkProfile(organization_id=world.organization.id, in_public_directory=True))
    db.session.commit()
    response = client.get("/network/directory?lang=es")
    page = response.get_data(as_text=True)
    assert [title in page for title in ("Listed offer", "Listed need", "Unlisted", "A person", "Rosa")] == [
        True,
        False,
        False,
        False,
        False,
    ]
    assert response.headers["Cache-Control"] == "public, max-age=60" and "Set-Cookie" not in response.headers
    assert '<meta property="og:title"' in page and 'lang="es"' in page


def test_organisation_member_opts_into_the_directory(world: World, client_as: Any) -> None:
    response = client_as("fellow").post(
        "/network/organisation", data={"in_public_directory": "y", "place": "Chicago", "languages": ["es"]}
    )
    assert response.status_code == 302
    profile = db.session.get(NetworkProfile, world.organization.id)
    assert (profile.in_public_directory, profile.place, profile.languages) == (True, "Chicago", ["es"])


def test_find_page_queries_do_not_grow(world: World, client_as: Any, clock: Any, count_queries: Any) -> None:
    """The search page (a search, filters and a page of results) issues the same statements for 20 and for
    5,000 entries."""
    from tests.network.test_search import bulk

    fellow = client_as("fellow")
    organization_id = world.users["fellow"].organization_id
    bulk(organization_id, 20, clock.now())
    db.session.commit()
    search = "/network?q=bookkeeping&skill=bookkeeping&place=Chicago&language=en"
    with count_queries() as few:
        page = fellow.get(search)
    assert page.status_code == 200 and "20 entries" in page.get_data(as_text=True)
    bulk(organization_id, 4980, clock.now())
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count(Entry.id))) == 5000
    with count_queries() as many:
        page = fellow.get(search + "&page=3")
    assert page.status_code == 200 and "5000 entries" in page.get_data(as_text=True)
    assert (few.count, many.count) == (4, 4)
