"""Contests: phases, rubric, submissions and the admin's review, jury conflicts, scores and ranking."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import sqlalchemy as sa

from fellowship.awards import services
from fellowship.awards.enums import Combine, Phase, ProjectStatus
from fellowship.awards.models import ConflictOfInterest, Contest, Project, Score
from fellowship.core.audit import AuditEntry
from fellowship.extensions import db
from tests.awards.conftest import add_project, make_contest, png
from tests.conftest import World


def test_admin_creates_a_contest_with_three_awards(world: World, client_as: Any) -> None:
    admin = client_as("admin")
    response = admin.post(
        "/contests/new",
        data={
            "program": world.program.id,
            "title": "Grassroot Excellence Awards",
            "slug": "gea-2026",
            "votes_per_voter": "1",
            "combine": "mean",
        },
    )
    assert response.status_code == 302
    contest = db.session.scalar(sa.select(Contest))
    assert [(c.kind.value, c.name) for c in contest.categories] == [
        ("jury", "Main award"),
        ("audience", "Audience award"),
        ("special", "Special award"),
    ]
    again = admin.post(
        "/contests/new",
        data={
            "program": world.program.id,
            "title": "X",
            "slug": "gea-2026",
            "votes_per_voter": "1",
            "combine": "mean",
        },
    )
    assert again.status_code == 400 and "Another contest already uses this web address." in again.get_data(
        as_text=True
    )
    bad = admin.post(
        "/contests/new",
        data={
            "program": world.program.id,
            "title": "X",
            "slug": "Not OK!",
            "votes_per_voter": "1",
            "combine": "mean",
        },
    )
    assert bad.status_code == 400


def test_phases_move_one_step_at_a_time_and_are_audited(
    world: World, client_as: Any, contest: Contest
) -> None:
    admin = client_as("admin")
    url = f"/contests/{contest.id}/phase"
    assert admin.post(url, data={"phase": "judging"}).status_code == 302
    assert db.session.get(Contest, contest.id).phase is Phase.DRAFT  # two steps: refused
    for phase in ("submissions", "judging", "voting", "closed", "published"):
        admin.post(url, data={"phase": phase})
    db.session.expire_all()
    assert db.session.get(Contest, contest.id).phase is Phase.PUBLISHED
    moves = db.session.scalars(sa.select(AuditEntry.changes).where(AuditEntry.action == "phase")).all()
    assert len(moves) == 5


def test_a_closed_contest_never_goes_back_to_voting(world: World, client_as: Any, contest: Contest) -> None:
    contest.phase = Phase.CLOSED
    db.session.commit()
    admin = client_as("admin")
    page = admin.get(f"/contests/{contest.id}").get_data(as_text=True)
    assert 'name="phase" value="voting"' not in page and 'name="phase" value="published"' in page
    refused = admin.post(f"/contests/{contest.id}/phase", data={"phase": "voting"}, follow_redirects=True)
    assert "Voting has closed: the contest cannot take votes again." in refused.get_data(as_text=True)
    assert db.session.get(Contest, contest.id).phase is Phase.CLOSED


def test_withdrawing_published_results_needs_a_reason_kept_in_the_audit_trail(
    world: World, client_as: Any, contest: Contest
) -> None:
    contest.phase = Phase.PUBLISHED
    db.session.commit()
    admin = client_as("admin")
    url = f"/contests/{contest.id}/phase"
    assert 'id="withdraw-reason"' in admin.get(f"/contests/{contest.id}").get_data(as_text=True)
    refused = admin.post(url, data={"phase": "closed", "reason": "  "}, follow_redirects=True)
    assert "Say why the published results are withdrawn." in refused.get_data(as_text=True)
    assert db.session.get(Contest, contest.id).phase is Phase.PUBLISHED
    admin.post(url, data={"phase": "closed", "reason": "A juror's conflict came to light."})
    assert db.session.get(Contest, contest.id).phase is Phase.CLOSED
    change = db.session.scalar(sa.select(AuditEntry.changes).where(AuditEntry.action == "phase"))
    assert change == {"phase": ["published", "closed"], "reason": [None, "A juror's conflict came to light."]}


def test_fellows_submit_while_submissions_are_open(world: World, client_as: Any, contest: Contest) -> None:
    fellow = client_as("fellow")
    url = f"/contests/{contest.id}/projects/new"
    data = {
        "title": "Mentoring circle",
        "summary": "We pair new **staff**.",
        "organization": "0",
        "team": "Fiona Fellow",
    }
    assert fellow.post(url, data=data).status_code == 409  # still a draft contest
    contest.phase = Phase.SUBMISSIONS
    db.session.commit()
    assert fellow.post(url, data=data).status_code == 302
    project = db.session.scalar(sa.select(Project))
    assert (project.title, project.status, project.submitted_by_id) == (
        "Mentoring circle",
        ProjectStatus.SUBMITTED,
        world.users["fellow"].id,
    )
    assert client_as("other_fellow").get(url).status_code == 403  # another program's fellow
    assert client_as("observer").get(url).status_code == 403
    edit = f"/contests/{contest.id}/projects/{project.id}/edit"
    assert client_as("other_fellow").get(edit).status_code == 404
    contest.submissions_close_at = world_now() - dt.timedelta(minutes=1)
    db.session.commit()
    closed = fellow.post(edit, data={**data, "title": "Late change"})
    assert closed.status_code == 409 and "Submissions are closed." in closed.get_data(as_text=True)
    assert db.session.get(Project, project.id).title == "Mentoring circle"


def world_now() -> dt.datetime:
    from fellowship.core import clock

    return clock.now()


def test_admin_accepts_or_returns_and_a_returned_project_comes_back(
    world: World, client_as: Any, contest: Contest
) -> None:
    contest.phase = Phase.SUBMISSIONS
    project = add_project(contest, world, "Mentoring circle", accepted=False)
    project.submitted_by_id = world.users["fellow"].id
    db.session.commit()
    url = f"/contests/{contest.id}/projects/{project.id}/review"
    client_as("admin").post(url, data={"decision": "returned", "comment": "Add your results."})
    assert db.session.get(Project, project.id).status is ProjectStatus.RETURNED
    assert "Add your results." in client_as("fellow").get(f"/contests/{contest.id}/entries").get_data(
        as_text=True
    )
    client_as("fellow").post(
        f"/contests/{contest.id}/projects/{project.id}/edit",
        data={"title": "Mentoring circle", "summary": "Now with results.", "organization": "0"},
    )
    db.session.expire_all()
    assert db.session.get(Project, project.id).status is ProjectStatus.SUBMITTED


def test_an_admin_who_edits_a_fellows_project_returns_to_its_review(
    world: World, client_as: Any, contest: Contest
) -> None:
    """Not to the administrator's own entries, which do not hold it ("you have submitted nothing yet")."""
    project = add_project(contest, world, "Mentoring circle", accepted=False)
    project.submitted_by_id = world.users["fellow"].id
    db.session.commit()
    admin = client_as("admin")
    edited = admin.post(
        f"/contests/{contest.id}/projects/{project.id}/edit",
        data={"title": "Mentoring circles", "summary": "Edited by staff.", "organization": "0"},
    )
    assert edited.status_code == 302
    assert edited.headers["Location"] == f"/contests/{contest.id}/projects/{project.id}/review"
    db.session.expire_all()
    assert db.session.get(Project, project.id).title == "Mentoring circles"
    review = admin.get(edited.headers["Location"]).get_data(as_text=True)
    assert "Saved." in review


def test_images_are_checked_and_re_encoded(world: World, client_as: Any, contest: Contest, app: Any) -> None:
    import io

    contest.phase = Phase.SUBMISSIONS
    db.session.commit()
    fellow = client_as("fellow")
    url = f"/contests/{contest.id}/projects/new"
    base = {"title": "With picture", "summary": "S", "organization": "0"}
    fake = fellow.post(
        url,
        data={**base, "image": (io.BytesIO(b"GIF89a not really"), "x.png")},
        content_type="multipart/form-data",
    )
    assert fake.status_code == 400 and "not a JPEG, PNG or WebP image" in fake.get_data(as_text=True)
    polyglot = png() + b"<script>alert(1)</script>"
    mixed = fellow.post(
        url, data={**base, "image": (io.BytesIO(polyglot), "x.png")}, content_type="multipart/form-data"
    )
    assert mixed.status_code == 400 and "something other than an image" in mixed.get_data(as_text=True)
    trailing = png() + b"\x00\x01extra"
    assert (
        fellow.post(
            url, data={**base, "image": (io.BytesIO(trailing), "x.png")}, content_type="multipart/form-data"
        ).status_code
        == 400
    )
    app.config["FELLOWSHIP_IMAGE_MAX_BYTES"] = 100
    try:
        big = fellow.post(
            url,
            data={**base, "image": (io.BytesIO(png((400, 400))), "x.png")},
            content_type="multipart/form-data",
        )
    finally:
        app.config["FELLOWSHIP_IMAGE_MAX_BYTES"] = 5 * 1024 * 1024
    assert big.status_code == 400 and "larger than" in big.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Project.id))) == 0  # nothing saved
    ok = fellow.post(
        url,
        data={**base, "image": (io.BytesIO(png((3000, 1000))), "mine.png")},
        content_type="multipart/form-data",
    )
    assert ok.status_code == 302
    stored = db.session.scalar(sa.select(Project.image))
    assert stored.endswith(".jpg") and "mine" not in stored
    from pathlib import Path

    from PIL import Image

    with Image.open(Path(app.config["FELLOWSHIP_STORAGE_DIR"]) / "awards" / stored) as picture:
        assert picture.format == "JPEG" and max(picture.size) == 1600
    # The administrator deciding on the project sees its image before accepting it.
    project = db.session.scalar(sa.select(Project))
    admin = client_as("admin")
    review = admin.get(f"/contests/{contest.id}/projects/{project.id}/review").get_data(as_text=True)
    src = re.search(r'<img class="project-image" src="([^"]+)"', review).group(1)  # type: ignore[union-attr]
    assert src.startswith(f"/awards/{contest.slug}/projects/{project.id}/image?v=")
    shown = admin.get(src)
    assert shown.status_code == 200 and shown.mimetype == "image/jpeg"
    assert shown.headers["Cache-Control"] == "private, no-store"  # not public before it is accepted


def test_conflicts_are_found_and_hidden_from_the_juror(
    world: World, client_as: Any, contest: Contest
) -> None:
    mine = add_project(contest, world, "Our own project", organization_id=world.organization.id)
    other = add_project(contest, world, "Someone else's")
    teammate = add_project(contest, world, "Team project", team="Jules Juror\nAnn")
    world.users["juror"].organization_id = world.organization.id
    services.assign_juror(contest, world.users["juror"], None)
    contest.phase = Phase.JUDGING
    db.session.commit()
    reasons = dict(
        db.session.execute(sa.select(ConflictOfInterest.project_id, ConflictOfInterest.reason)).all()
    )
    assert reasons == {
        mine.id: "Belongs to the entrant's organisation",
        teammate.id: "Is on the project's team",
    }
    juror = client_as("juror")
    page = juror.get(f"/contests/{contest.id}/jury").get_data(as_text=True)
    assert "Someone else&#39;s" in page and "Our own project" not in page and "Team project" not in page
    assert juror.get(f"/contests/{contest.id}/jury/{mine.id}").status_code == 404
    declared = juror.post(
        f"/contests/{contest.id}/jury/{other.id}/conflict", data={"reason": "My cousin leads it"}
    )
    assert declared.status_code == 302
    assert juror.get(f"/contests/{contest.id}/jury/{other.id}").status_code == 404


def score(client: Any, contest: Contest, project: Project, impact: str, sustainability: str) -> Any:
    [first, second] = contest.criteria
    return client.post(
        f"/contests/{contest.id}/jury/{project.id}",
        data={
            f"points-{first.id}": impact,
            f"points-{second.id}": sustainability,
            f"comment-{first.id}": "Fine",
        },
    )


def test_scores_save_submit_lock_and_reopen(world: World, client_as: Any, contest: Contest) -> None:
    project = add_project(contest, world, "Mentoring circle")
    assignment = services.assign_juror(contest, world.users["juror"], None)
    contest.phase = Phase.JUDGING
    db.session.commit()
    juror = client_as("juror")
    over = score(juror, contest, project, "11", "3")
    assert over.status_code == 400 and "between 0 and the criterion&#39;s maximum" in over.get_data(
        as_text=True
    )
    assert db.session.scalar(sa.select(sa.func.count(Score.id))) == 0
    assert score(juror, contest, project, "8", "").status_code == 302  # a draft may be partial
    refused = juror.post(f"/contests/{contest.id}/jury/submit", follow_redirects=True)
    assert "1 missing" in refused.get_data(as_text=True)
    score(juror, contest, project, "8", "4")
    juror.post(f"/contests/{contest.id}/jury/submit")
    assert score(juror, contest, project, "2", "1").status_code == 400  # locked
    client_as("admin").post(f"/contests/{contest.id}/jurors/{assignment.id}/reopen")
    assert score(juror, contest, project, "2", "1").status_code == 302
    points = sorted(db.session.scalars(sa.select(Score.points)).all())
    assert points == [1, 2]


def test_ranking_weights_combines_and_shows_ties(world: World, contest: Contest) -> None:
    from tests.factories import UserFactory

    projects = [add_project(contest, world, t) for t in ("Alpha", "Beta", "Gamma")]
    jurors = [services.assign_juror(contest, UserFactory(), None) for _ in range(3)]
    [impact, sustain] = contest.criteria
    given = {  # juror -> project -> (impact /10 ×2, sustainability /5 ×1)
        0: {"Alpha": (10, 5), "Beta": (5, 5), "Gamma": (10, 5)},
        1: {"Alpha": (8, 2), "Beta": (10, 0), "Gamma": (8, 2)},
        2: {"Alpha": (0, 0), "Beta": (10, 5), "Gamma": (0, 0)},
    }
    for index, assignment in enumerate(jurors):
        for project in projects:
            i, s = given[index][project.title]
            services.save_scores(
                assignment, project, {impact.id: (i, ""), sustain.id: (s, "")}, contest.criteria
            )
        assignment.submitted_at = world_now()
    db.session.flush()
    ranked = services.ranking(contest, projects, contest.criteria)
    table = [(r.project.title, r.score, r.rank, r.tied, r.spread) for r in ranked]
    # Alpha: 100, 66.67, 0 → mean 55.56; Beta: 66.67, 66.67, 100 → 77.78
    assert table == [
        ("Beta", 77.78, 1, False, 33.33),
        ("Alpha", 55.56, 2, True, 100.0),
        ("Gamma", 55.56, 2, True, 100.0),
    ]
    contest.combine = Combine.MEDIAN
    medians = services.ranking(contest, projects, contest.criteria)
    assert [(r.project.title, r.score, r.rank, r.tied) for r in medians] == [
        ("Alpha", 66.67, 1, True),  # a three-way tie, listed alphabetically, all first
        ("Beta", 66.67, 1, True),
        ("Gamma", 66.67, 1, True),
    ]


def test_the_rubric_is_frozen_once_judging_starts(world: World, contest: Contest) -> None:
    contest.phase = Phase.JUDGING
    with pytest.raises(services.ContestError):
        services.save_criteria(contest, [{"name": "New", "weight": 1, "max_points": 3}])


def edit_windows(client: Any, contest: Contest, **windows: str) -> Any:
    return client.post(
        f"/contests/{contest.id}/edit",
        data={"title": contest.title, "votes_per_voter": "1", "combine": "mean", **windows},
    )


def test_judging_deadline_round_trips_in_the_program_timezone(
    world: World, client_as: Any, contest: Contest
) -> None:
    admin = client_as("admin")
    saved = edit_windows(
        admin, contest, submissions_close_at="2024-02-01T17:00", judging_closes_at="2024-02-10T17:00"
    )
    assert saved.status_code == 302
    db.session.expire_all()
    stored = db.session.get(Contest, contest.id)
    assert stored.judging_closes_at == dt.datetime(2024, 2, 10, 23, 0, tzinfo=dt.UTC)  # Chicago, UTC-6
    form = admin.get(f"/contests/{contest.id}/edit").get_data(as_text=True)
    assert 'name="judging_closes_at" type="datetime-local" value="2024-02-10T17:00"' in form
    manage = admin.get(f"/contests/{contest.id}").get_data(as_text=True)
    assert '<p id="judging-deadline">Judging closes Saturday, February 10, 2024, 5:00\u202fPM.</p>' in manage


def test_judging_deadline_before_submissions_close_is_refused(
    world: World, client_as: Any, contest: Contest
) -> None:
    refused = edit_windows(
        client_as("admin"),
        contest,
        submissions_close_at="2024-02-01T17:00",
        judging_closes_at="2024-02-01T17:00",
    )
    assert refused.status_code == 400
    assert "Judging must close after submissions close." in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Contest, contest.id).judging_closes_at is None


def test_jury_page_shows_the_judging_deadline(world: World, client_as: Any, contest: Contest) -> None:
    services.assign_juror(contest, world.users["juror"], None)
    contest.phase = Phase.JUDGING
    contest.judging_closes_at = dt.datetime(2024, 1, 22, 23, 0, tzinfo=dt.UTC)
    db.session.commit()
    page = client_as("juror").get(f"/contests/{contest.id}/jury").get_data(as_text=True)
    assert '<p id="judging-deadline">Judging closes Monday, January 22, 2024, 5:00\u202fPM.</p>' in page


def list_links(client: Any) -> list[str]:
    """The links of the contests list's cards, each followed: "label status" per link."""
    page = client.get("/contests").get_data(as_text=True)
    links = re.findall(r'<p class="contest-links">(.*?)</p>', page, re.S)
    found = []
    for card in links:
        for href, label in re.findall(r'<a href="([^"]+)">([^<]+)</a>', card):
            found.append(f"{label} {client.get(href.split('#')[0]).status_code}")
    return found


def test_contests_list_links_each_person_only_to_pages_that_open(
    world: World, client_as: Any, contest: Contest
) -> None:
    project = add_project(contest, world, "Mentoring circle")
    project.submitted_by_id = world.users["fellow"].id
    services.assign_juror(contest, world.users["juror"], None)
    contest.phase = Phase.JUDGING
    db.session.commit()
    assert list_links(client_as("admin")) == ["Jurors 200"]
    assert list_links(client_as("juror")) == ["Jury 200"]
    assert list_links(client_as("fellow")) == ["My projects 200"]
    assert list_links(client_as("other_fellow")) == []
    contest.phase = Phase.VOTING
    db.session.commit()
    assert list_links(client_as("juror")) == ["Jury 200", "Public page 200"]
    # From voting on the pages are public: everybody signed in finds them in the list, with no other link.
    assert list_links(client_as("other_fellow")) == ["Public page 200"]
    assert list_links(client_as("observer")) == ["Public page 200"]


def test_contests_list_queries_do_not_grow(world: World, client_as: Any, count_queries: Any) -> None:
    counts: dict[str, list[int]] = {"admin": [], "fellow": [], "juror": []}
    for size in (2, 30):
        for n in range(size):
            made = make_contest(world, Phase.SUBMISSIONS, slug=f"open-{size}-{n}")
            services.assign_juror(made, world.users["juror"], None)
        db.session.commit()
        for role, found in counts.items():
            client = client_as(role)
            with count_queries() as counter:
                page = client.get("/contests")
            assert page.status_code == 200
            found.append(counter.count)
    assert counts["admin"][0] == counts["admin"][1]
    assert counts["fellow"][0] == counts["fellow"][1]
    assert counts["juror"][0] == counts["juror"][1]


def test_entries_page_offers_a_new_project_only_to_those_who_may_submit(
    world: World, client_as: Any, contest: Contest
) -> None:
    project = add_project(contest, world, "Mentoring circle", accepted=False)
    project.submitted_by_id = world.users["fellow"].id
    contest.phase = Phase.SUBMISSIONS
    db.session.commit()
    url = f"/contests/{contest.id}/entries"
    assert "Submit a project" in client_as("fellow").get(url).get_data(as_text=True)
    world.memberships["fellow"].left_on = world_now().date()  # left the program: keeps their entry
    db.session.commit()
    page = client_as("fellow").get(url)
    assert page.status_code == 200 and "Submit a project" not in page.get_data(as_text=True)
    assert client_as("fellow").get(f"/contests/{contest.id}/projects/new").status_code == 403


def test_results_preview_links_receipts_only_once_voting_is_over(
    world: World, client_as: Any, contest: Contest
) -> None:
    contest.phase = Phase.VOTING
    db.session.commit()
    admin = client_as("admin")
    assert "/receipts" not in admin.get(f"/awards/{contest.slug}/results").get_data(as_text=True)
    contest.phase = Phase.CLOSED
    db.session.commit()
    assert f"/awards/{contest.slug}/receipts" in admin.get(f"/awards/{contest.slug}/results").get_data(
        as_text=True
    )
