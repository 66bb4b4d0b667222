"""The public pages: visibility by phase, caching, no cookies, bounded queries, sharing tags."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import sqlalchemy as sa

from fellowship.awards import voting
from fellowship.awards.enums import Phase, ProjectStatus
from fellowship.awards.models import Contest, Project, Vote
from fellowship.core import clock, pagecache
from fellowship.extensions import db
from tests import factories as f
from tests.awards.conftest import add_project, make_contest
from tests.conftest import World


def test_nothing_is_public_before_voting(world: World, app: Any, contest: Contest) -> None:
    project = add_project(contest, world, "Alpha")
    db.session.commit()
    anonymous = app.test_client()
    for phase in (Phase.DRAFT, Phase.SUBMISSIONS, Phase.JUDGING):
        contest.phase = phase
        db.session.commit()
        assert anonymous.get(f"/awards/{contest.slug}").status_code == 404
        assert anonymous.get(f"/awards/{contest.slug}/projects/{project.id}").status_code == 404
    contest.phase = Phase.VOTING
    db.session.commit()
    assert anonymous.get(f"/awards/{contest.slug}").status_code == 200
    assert anonymous.get(f"/awards/{contest.slug}/results").status_code == 404


def test_returned_projects_stay_private(world: World, app: Any, contest: Contest) -> None:
    project = add_project(contest, world, "Hidden", accepted=False)
    contest.phase = Phase.VOTING
    db.session.commit()
    anonymous = app.test_client()
    assert "Hidden" not in anonymous.get(f"/awards/{contest.slug}").get_data(as_text=True)
    assert anonymous.get(f"/awards/{contest.slug}/projects/{project.id}").status_code == 404
    assert project.status is ProjectStatus.SUBMITTED


def test_public_pages_are_cacheable_and_set_no_cookie(world: World, app: Any, contest: Contest) -> None:
    project = add_project(contest, world, "Alpha", summary="A *useful* thing.")
    contest.phase = Phase.VOTING
    db.session.commit()
    anonymous = app.test_client()
    for url in (f"/awards/{contest.slug}", f"/awards/{contest.slug}/projects/{project.id}"):
        response = anonymous.get(url, headers={"Accept-Language": "pl"})
        assert response.status_code == 200
        assert "Set-Cookie" not in response.headers
        assert response.headers["Cache-Control"] == "public, max-age=60"
        assert "Accept-Language" in response.headers["Vary"]
        assert '<html lang="pl"' in response.get_data(as_text=True)
        again = anonymous.get(
            url, headers={"Accept-Language": "pl", "If-None-Match": response.headers["ETag"]}
        )
        assert again.status_code == 304
    page = anonymous.get(f"/awards/{contest.slug}/projects/{project.id}?lang=he").get_data(as_text=True)
    assert 'dir="rtl"' in page and '<meta property="og:title" content="Alpha">' in page
    assert '<meta property="og:description" content="A *useful* thing.">' in page
    vote = anonymous.get(f"/awards/{contest.slug}/projects/{project.id}/vote")
    assert vote.headers["Cache-Control"] == "no-store" and 'name="csrf_token"' in vote.get_data(as_text=True)


def test_a_page_rendered_under_another_prefix_is_not_served_to_others(
    world: World, app: Any, contest: Contest
) -> None:
    """A mount prefix (from a proxy's X-Forwarded-Prefix) changes every link, so it is part of the key."""
    add_project(contest, world, "Alpha")
    contest.phase = Phase.VOTING
    db.session.commit()
    visitor = app.test_client()
    odd = visitor.get(f"/awards/{contest.slug}", base_url="http://fellowship.test/elsewhere")
    assert 'href="/elsewhere/static/' in odd.get_data(as_text=True)
    plain = visitor.get(f"/awards/{contest.slug}").get_data(as_text=True)
    assert "/elsewhere/" not in plain and 'href="/static/' in plain


def test_a_proxy_may_keep_public_pages_as_long_as_the_page_cache(
    world: World, app: Any, contest: Contest, monkeypatch: Any
) -> None:
    """One window for every cache in front of a vote: a server's own and nginx's or a CDN's."""
    add_project(contest, world, "Alpha")
    contest.phase = Phase.VOTING
    db.session.commit()
    monkeypatch.setitem(app.config, "FELLOWSHIP_PAGE_CACHE_SECONDS", 5)
    response = app.test_client().get(f"/awards/{contest.slug}")
    assert response.headers["Cache-Control"] == "public, max-age=5"


def test_gallery_lists_alphabetically_and_shuffles_in_the_browser(
    world: World, app: Any, contest: Contest
) -> None:
    for title in ("Gamma", "alpha", "Beta"):
        add_project(contest, world, title)
    contest.phase = Phase.VOTING
    db.session.commit()
    page = app.test_client().get(f"/awards/{contest.slug}").get_data(as_text=True)
    assert page.index(">alpha<") < page.index(">Beta<") < page.index(">Gamma<")
    assert f'data-shuffle="{contest.slug}"' in page and "js/gallery.js" in page


def test_tally_is_hidden_until_published_unless_live(world: World, app: Any, contest: Contest) -> None:
    project = add_project(contest, world, "Alpha")
    contest.phase = Phase.VOTING
    db.session.commit()
    secret = app.config["FELLOWSHIP_VOTER_KEY_SECRET"]
    voting.confirm(voting.request_vote(contest, project, secret, "a@example.org", 24), contest, "")
    db.session.commit()
    anonymous = app.test_client()
    assert '<p class="figure">1 vote</p>' not in anonymous.get(f"/awards/{contest.slug}").get_data(
        as_text=True
    )
    contest.live_tally = True
    db.session.commit()
    assert '<p class="figure">1 vote</p>' in anonymous.get(f"/awards/{contest.slug}").get_data(as_text=True)


def fill(world: World, contest: Contest, count: int, votes: int) -> Project:
    """``count`` accepted projects and ``votes`` confirmed votes, inserted in bulk."""
    made = [
        add_project(contest, world, f"Project {n:03d}", organization_id=f.OrganizationFactory().id)
        for n in range(count)
    ]  # each with its own organisation, so a lazy load per card would show in the count
    now = clock.now()
    db.session.execute(
        sa.insert(Vote),
        [
            {
                "contest_id": contest.id,
                "project_id": made[n % count].id,
                "voter_key": f"k{n}",
                "slot": 1,
                "slot_limit": 1,
                "receipt_hash": f"{contest.id}-{n}",
                "confirmed_at": now,
                "network": "",
                "domain": "example.org",
                "voided": False,
                "void_reason": "",
            }
            for n in range(votes)
        ],
    )
    db.session.commit()
    return made[0]


def test_hot_paths_issue_the_same_queries_for_12_and_500_projects(
    world: World, app: Any, count_queries: Any
) -> None:
    counts: dict[str, list[int]] = {"gallery": [], "project": [], "vote": []}
    for size, votes in ((12, 30), (500, 3000)):
        contest = make_contest(world, Phase.VOTING, slug=f"contest-{size}")
        contest.live_tally = True
        first = fill(world, contest, size, votes)
        client = app.test_client()
        for name, url in (
            ("gallery", f"/awards/{contest.slug}"),
            ("project", f"/awards/{contest.slug}/projects/{first.id}"),
            ("vote", f"/awards/{contest.slug}/projects/{first.id}/vote"),
        ):
            with count_queries() as counter:
                assert client.get(url).status_code == 200
            counts[name].append(counter.count)
        with count_queries() as counter:
            client.post(
                f"/awards/{contest.slug}/projects/{first.id}/vote", data={"email": f"q{size}@example.org"}
            )
        counts.setdefault("vote request", []).append(counter.count)
    assert all(a == b for a, b in counts.values()), counts


def test_results_and_ceremony_after_publishing(
    world: World, app: Any, client_as: Any, contest: Contest
) -> None:
    alpha, beta = add_project(contest, world, "Alpha"), add_project(contest, world, "Beta")
    contest.categories[2].winner_id = beta.id
    contest.categories[2].citation = "For courage."
    contest.phase = Phase.VOTING
    db.session.commit()
    secret = app.config["FELLOWSHIP_VOTER_KEY_SECRET"]
    for n in range(3):
        voting.confirm(
            voting.request_vote(contest, alpha if n else beta, secret, f"p{n}@example.org", 24), contest, ""
        )
    contest.phase = Phase.CLOSED
    db.session.commit()
    anonymous = app.test_client()
    assert anonymous.get(f"/awards/{contest.slug}/results").status_code == 404
    assert client_as("admin").get(f"/awards/{contest.slug}/ceremony/1").status_code == 200
    contest.phase = Phase.PUBLISHED
    db.session.commit()
    results = anonymous.get(f"/awards/{contest.slug}/results").get_data(as_text=True)
    audience = results[results.index("Audience award") :]
    assert "Alpha" in audience[: audience.index("</li>")] and "2 votes" in audience
    assert "For courage." in results
    step3 = anonymous.get(f"/awards/{contest.slug}/ceremony/3").get_data(as_text=True)
    assert "Special award" in step3 and "Beta" in step3
    assert anonymous.get(f"/awards/{contest.slug}/ceremony/4").status_code == 404


def test_an_admins_preview_is_never_cached_for_others(world: World, client_as: Any, contest: Contest) -> None:
    project = add_project(contest, world, "Alpha")
    db.session.commit()
    admin = client_as("admin")
    for url in (f"/awards/{contest.slug}", f"/awards/{contest.slug}/projects/{project.id}"):
        response = admin.get(url)
        assert response.status_code == 200 and response.headers["Cache-Control"] == "private, no-store"
    contest.phase = Phase.CLOSED
    db.session.commit()
    results = admin.get(f"/awards/{contest.slug}/results")
    assert results.status_code == 200 and results.headers["Cache-Control"] == "private, no-store"


def test_a_cached_public_page_is_served_without_rendering_and_follows_every_change(
    world: World, app: Any, client_as: Any, contest: Contest, count_queries: Any
) -> None:
    """The gallery and project pages come from the page cache on a second visit (only the contest and
    project are read), yet an admin's edit, a new accepted project, a phase change, a void and another
    language show at once."""
    alpha = add_project(contest, world, "Alpha")
    contest.phase = Phase.VOTING
    db.session.commit()
    anonymous, admin = app.test_client(), client_as("admin")
    gallery, project = f"/awards/{contest.slug}", f"/awards/{contest.slug}/projects/{alpha.id}"
    cache = pagecache.cache()
    for url, reads in ((gallery, 1), (project, 2)):
        with count_queries() as first:
            assert anonymous.get(url).status_code == 200
        hits = cache.hits
        with count_queries() as second:
            again = anonymous.get(url)
        assert cache.hits == hits + 1 and second.count == reads <= first.count
        assert anonymous.get(url + "?utm_source=newsletter").status_code == 200
        assert cache.hits == hits + 2  # a query string other than ?lang= shares the entry
        assert again.headers["Cache-Control"] == "public, max-age=60" and "Set-Cookie" not in again.headers

    form = {"title": "Alpha Kitchen", "summary": "Now a kitchen.", "organization": "0"}
    edited = admin.post(f"/contests/{contest.id}/projects/{alpha.id}/edit", data=form)
    assert edited.status_code == 302
    assert "Alpha Kitchen" in anonymous.get(gallery).get_data(as_text=True)
    assert "Now a kitchen." in anonymous.get(project).get_data(as_text=True)

    beta = add_project(contest, world, "Beta", accepted=False)
    db.session.commit()
    assert ">Beta<" not in anonymous.get(gallery).get_data(as_text=True)
    review = admin.post(f"/contests/{contest.id}/projects/{beta.id}/review", data={"decision": "accepted"})
    assert review.status_code == 302
    assert ">Beta<" in anonymous.get(gallery).get_data(as_text=True)

    assert '<html lang="pl"' in anonymous.get(gallery + "?lang=pl").get_data(as_text=True)
    assert '<html lang="en"' in anonymous.get(gallery).get_data(as_text=True)

    secret = app.config["FELLOWSHIP_VOTER_KEY_SECRET"]
    voting.confirm(voting.request_vote(contest, alpha, secret, "a@example.org", 24), contest, "")
    voting.confirm(voting.request_vote(contest, alpha, secret, "b@example.org", 24), contest, "")
    assert admin.post(f"/contests/{contest.id}/phase", data={"phase": "closed"}).status_code == 302
    assert "Voting is not open." in anonymous.get(gallery).get_data(as_text=True)
    assert admin.post(f"/contests/{contest.id}/phase", data={"phase": "published"}).status_code == 302
    assert "2 votes" in anonymous.get(project).get_data(as_text=True)
    vote = db.session.scalars(sa.select(Vote).where(Vote.contest_id == contest.id)).first()
    assert vote is not None
    voided = admin.post(f"/contests/{contest.id}/votes/{vote.id}/void", data={"reason": "A test address"})
    assert voided.status_code == 302
    page = anonymous.get(project).get_data(as_text=True)
    assert "1 vote" in page and "2 votes" not in page


def test_voting_window_closing_by_the_clock_shows_on_a_cached_gallery(
    world: World, app: Any, contest: Contest
) -> None:
    add_project(contest, world, "Alpha")
    contest.phase = Phase.VOTING
    contest.voting_closes_at = clock.now() + dt.timedelta(hours=1)
    db.session.commit()
    anonymous = app.test_client()
    assert "Public voting is open" in anonymous.get(f"/awards/{contest.slug}").get_data(as_text=True)
    clock.advance(dt.timedelta(hours=2))
    assert "Voting is not open." in anonymous.get(f"/awards/{contest.slug}").get_data(as_text=True)


def test_a_project_moved_to_another_contest_leaves_the_cached_gallery(
    world: World, app: Any, contest: Contest
) -> None:
    alpha = add_project(contest, world, "Alpha")
    contest.phase = Phase.VOTING
    other = make_contest(world, Phase.VOTING, slug="other-awards")
    db.session.commit()
    anonymous = app.test_client()
    assert ">Alpha<" in anonymous.get(f"/awards/{contest.slug}").get_data(as_text=True)
    alpha.contest_id = other.id
    db.session.commit()
    assert ">Alpha<" not in anonymous.get(f"/awards/{contest.slug}").get_data(as_text=True)
    assert ">Alpha<" in anonymous.get(f"/awards/{other.slug}").get_data(as_text=True)


@pytest.mark.parametrize("store", ["folder", "database"])
def test_a_project_image_is_linked_by_version_and_cached_for_a_year(
    world: World, app: Any, contest: Contest, monkeypatch: Any, store: str
) -> None:
    """Pages link the image with the start of its content's SHA-256 as ``v``, which a proxy may keep for a
    year; from either store, with an ETag answering 304."""
    import hashlib
    import re

    from fellowship.awards import images
    from tests.awards.conftest import png

    monkeypatch.setitem(app.config, "FELLOWSHIP_STORAGE", store)
    project = add_project(contest, world, "Alpha")
    project.image = images.store(png(), 5 * 1024 * 1024)
    contest.phase = Phase.VOTING
    db.session.commit()
    anonymous = app.test_client()
    gallery = anonymous.get(f"/awards/{contest.slug}").get_data(as_text=True)
    [address] = re.findall(r'<img src="([^"]+/image\?v=[0-9a-f]{16})"', gallery)
    image = anonymous.get(address)
    assert address.endswith("?v=" + hashlib.sha256(image.data).hexdigest()[:16])
    assert image.status_code == 200 and image.data.startswith(b"\xff\xd8") and image.mimetype == "image/jpeg"
    assert image.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert anonymous.get(address, headers={"If-None-Match": image.headers["ETag"]}).status_code == 304
    plain = anonymous.get(address.split("?")[0])
    assert plain.headers["Cache-Control"] == "public, max-age=3600"
    old = anonymous.get(address.split("?")[0] + "?v=" + "0" * 16)  # an address from before a new upload
    assert old.headers["Cache-Control"] == "public, max-age=3600"
