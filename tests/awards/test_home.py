"""The awards blocks of the home page: a juror's projects to score, a fellow's open contests, the admins'
next steps; each for its people only, in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import sqlalchemy as sa

from fellowship.awards import services, voting
from fellowship.awards.enums import Phase, ProjectStatus
from fellowship.awards.models import Contest, Project, Vote
from fellowship.awards.views import _contests_block, _entries_block, _jury_block
from fellowship.core import clock, home
from fellowship.extensions import db
from fellowship.programs.enums import Role
from tests import factories as f
from tests.awards.conftest import add_project, make_contest
from tests.conftest import World


def block_html(body: str, name: str) -> str | None:
    match = re.search(rf'<section class="panel home-block" data-block="{name}">(.*?)</section>', body, re.S)
    return match.group(1) if match else None


def items(body: str, name: str) -> list[str]:
    """The text of each outer list item of the block, tags stripped and spaces collapsed."""
    html = block_html(body, name)
    assert html is not None, f"no {name} block"
    rows = re.findall(r'<li data-contest="\d+">(.*?)</li>\s*(?=<li data-contest|</ul>\s*$)', html, re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in rows]


def home_of(client_as: Any, role: str) -> str:
    response = client_as(role).get("/")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def viewer_of(world: World, role: str) -> home.Viewer:
    """The home page's viewer for ``role``, its rows loaded (so counting starts with the block's own)."""
    roles = {m.cohort_id: m.role.value for key, m in world.memberships.items() if key == role}
    user = world.users[role]
    assert user.id is not None
    return home.Viewer(user, role == "admin", roles, clock.now(), clock.today())


def score_all(assignment: Any, project: Any, contest: Contest, points: int | None = 3) -> None:
    values = {c.id: (points, "") for c in contest.criteria}
    services.save_scores(assignment, project, values, contest.criteria)


# --- the juror's block ------------------------------------------------------------------------------------


def judging(world: World, size: int, slug: str = "grassroot-awards") -> tuple[Contest, Any]:
    """A contest in judging with ``size`` accepted projects for the world's juror, plus one they have a
    conflict with and one still waiting for review; the juror scored the first fully, the second halfway."""
    contest = make_contest(world, slug=slug)
    projects = [add_project(contest, world, f"Project {slug} {n}") for n in range(size)]
    add_project(contest, world, f"Juror's own {slug}", team="Jules Juror")
    add_project(contest, world, f"Waiting {slug}", accepted=False)
    assignment = services.assign_juror(contest, world.users["juror"], None)
    contest.phase = Phase.JUDGING
    contest.judging_closes_at = dt.datetime(2024, 1, 22, 23, 0, tzinfo=dt.UTC)
    score_all(assignment, projects[0], contest)
    first, _second = contest.criteria
    services.save_scores(assignment, projects[1], {first.id: (4, "")}, contest.criteria)
    db.session.commit()
    return contest, assignment


def test_jury_block_counts_the_projects_left_and_links_the_jury_page(world: World, client_as: Any) -> None:
    contest, _assignment = judging(world, 3)
    page = home_of(client_as, "juror")
    assert items(page, "awards-jury") == [
        "Grassroot Excellence Awards : 2 of 3 projects left to score"
        " judging closes Monday, January 22, 2024, 5:00 PM"
    ]
    assert f'<a href="/contests/{contest.id}/jury" dir="auto">' in block_html(page, "awards-jury")


def test_jury_block_asks_to_submit_once_everything_is_scored(world: World, client_as: Any) -> None:
    contest, assignment = judging(world, 2)
    for project in contest_projects(contest):
        score_all(assignment, project, contest)
    db.session.commit()
    assert items(home_of(client_as, "juror"), "awards-jury") == [
        "Grassroot Excellence Awards : every project is scored; submit your scores"
        " judging closes Monday, January 22, 2024, 5:00 PM"
    ]
    client_as("juror").post(f"/contests/{contest.id}/jury/submit")
    assert block_html(home_of(client_as, "juror"), "awards-jury") is None


def contest_projects(contest: Contest) -> list[Project]:
    return list(
        db.session.scalars(
            sa.select(Project).where(
                Project.contest_id == contest.id,
                Project.status == ProjectStatus.ACCEPTED,
                ~Project.title.startswith("Juror's own"),
            )
        )
    )


@pytest.mark.parametrize("phase", [Phase.SUBMISSIONS, Phase.VOTING])
def test_jury_block_is_hidden_outside_judging(world: World, client_as: Any, phase: Phase) -> None:
    contest, _assignment = judging(world, 2)
    contest.phase = phase
    db.session.commit()
    assert block_html(home_of(client_as, "juror"), "awards-jury") is None


def test_jury_block_is_for_the_contest_jurors_only(world: World, client_as: Any) -> None:
    judging(world, 2)
    other = make_contest(world, Phase.JUDGING, slug="other-awards")
    add_project(other, world, "Elsewhere")
    services.assign_juror(other, world.users["other_facilitator"], None)
    db.session.commit()
    assert items(home_of(client_as, "other_facilitator"), "awards-jury") == [
        "Grassroot Excellence Awards : 1 of 1 project left to score"
    ]
    assert items(home_of(client_as, "juror"), "awards-jury") == [
        "Grassroot Excellence Awards : 1 of 2 projects left to score"
        " judging closes Monday, January 22, 2024, 5:00 PM"
    ]
    for role in ("admin", "fellow", "facilitator", "observer", "other_fellow"):
        assert block_html(home_of(client_as, role), "awards-jury") is None, role


def test_jury_block_queries_do_not_grow(world: World, client_as: Any, count_queries: Any, app: Any) -> None:
    client = client_as("juror")
    page_counts, block_counts, left = [], [], []
    for size in (2, 30):
        judging(world, size, slug=f"contest-{size}")
        with count_queries() as counter:
            assert client.get("/").status_code == 200
        page_counts.append(counter.count)
        viewer = viewer_of(world, "juror")
        with app.test_request_context(), count_queries() as counter:
            data = _jury_block(viewer)
        assert data is not None
        block_counts.append(counter.count)
        left.append(sorted((row["left"], row["total"]) for row in data["contests"]))
    assert left == [[(1, 2)], [(1, 2), (29, 30)]]
    assert block_counts == [1, 1]
    assert page_counts[0] == page_counts[1]


# --- the fellow's block -----------------------------------------------------------------------------------


def open_contest(world: World, slug: str = "grassroot-awards", **fields: Any) -> Contest:
    contest = make_contest(world, Phase.SUBMISSIONS, slug=slug)
    for name, value in fields.items():
        setattr(contest, name, value)
    db.session.commit()
    return contest


def test_entries_block_offers_to_submit_then_shows_the_entry(world: World, client_as: Any) -> None:
    contest = open_contest(world, submissions_close_at=dt.datetime(2024, 2, 1, 6, 0, tzinfo=dt.UTC))
    page = home_of(client_as, "fellow")
    assert items(page, "awards-entries") == [
        "Grassroot Excellence Awards submissions close Thursday, February 1, 2024, 12:00 AM Submit a project"
    ]
    assert f'<a href="/contests/{contest.id}/projects/new">Submit a project</a>' in block_html(
        page, "awards-entries"
    )
    project = add_project(contest, world, "Mentoring circle", accepted=False)
    project.submitted_by_id = world.users["fellow"].id
    db.session.commit()
    page = home_of(client_as, "fellow")
    assert items(page, "awards-entries") == [
        "Grassroot Excellence Awards submissions close Thursday, February 1, 2024, 12:00 AM"
        " Mentoring circle Submitted"
    ]
    assert f'<a href="/contests/{contest.id}/projects/{project.id}/edit" dir="auto">Mentoring circle</a>' in (
        block_html(page, "awards-entries")
    )


def test_entries_block_leaves_out_closed_windows_and_other_phases(world: World, client_as: Any) -> None:
    open_contest(world, submissions_close_at=clock.now() - dt.timedelta(minutes=1))
    make_contest(world, Phase.JUDGING, slug="judging-now")
    make_contest(world, Phase.DRAFT, slug="draft-still")
    db.session.commit()
    assert block_html(home_of(client_as, "fellow"), "awards-entries") is None


def test_entries_block_is_for_the_program_fellows_only(world: World, client_as: Any) -> None:
    open_contest(world)
    assert items(home_of(client_as, "fellow"), "awards-entries") == [
        "Grassroot Excellence Awards Submit a project"
    ]
    for role in ("other_fellow", "observer", "facilitator", "admin", "juror"):
        assert block_html(home_of(client_as, role), "awards-entries") is None, role


def test_entries_block_queries_do_not_grow(
    world: World, client_as: Any, count_queries: Any, app: Any
) -> None:
    client = client_as("fellow")
    page_counts, block_counts, shown = [], [], []
    for size in (2, 30):
        for n in range(size):
            contest = open_contest(world, slug=f"open-{size}-{n}")
            if n % 2:
                project = add_project(contest, world, f"Entry {size}-{n}", accepted=False)
                project.submitted_by_id = world.users["fellow"].id
        db.session.commit()
        with count_queries() as counter:
            assert client.get("/").status_code == 200
        page_counts.append(counter.count)
        viewer = viewer_of(world, "fellow")
        with app.test_request_context(), count_queries() as counter:
            data = _entries_block(viewer)
        assert data is not None
        block_counts.append(counter.count)
        shown.append(len(data["contests"]))
    assert shown == [2, 32]
    assert block_counts == [2, 2]
    assert page_counts[0] == page_counts[1]


def test_entries_block_costs_nothing_for_people_who_are_no_fellows(
    world: World, count_queries: Any, app: Any
) -> None:
    open_contest(world)
    viewer = viewer_of(world, "facilitator")
    with app.test_request_context(), count_queries() as counter:
        assert _entries_block(viewer) is None
        assert _contests_block(viewer) is None
    assert counter.count == 0


# --- the admins' block ------------------------------------------------------------------------------------


def every_phase(world: World, tag: str = "") -> dict[Phase, Contest]:
    """One contest per phase, with what each one's next step counts."""
    made = {phase: make_contest(world, phase, slug=f"{phase.value}{tag}") for phase in Phase}
    for phase, contest in made.items():
        contest.title = f"{phase.value.title()} contest{tag}"
    submissions = made[Phase.SUBMISSIONS]
    for n in range(3):
        add_project(submissions, world, f"Entry {n}", accepted=n == 0)
    judged = made[Phase.JUDGING]
    add_project(judged, world, "Judged")
    done = services.assign_juror(judged, f.UserFactory(), None)
    done.submitted_at = clock.now()
    services.assign_juror(judged, f.UserFactory(), None)
    services.assign_juror(judged, f.UserFactory(), None)
    voted = made[Phase.VOTING]
    voted.voting_closes_at = dt.datetime(2024, 1, 25, 18, 0, tzinfo=dt.UTC)
    project = add_project(voted, world, "Voted")
    secret = "test-voter-secret"
    for n in range(2):
        voting.confirm(voting.request_vote(voted, project, secret, f"v{n}{tag}@example.org", 24), voted, "")
    voting.confirm(voting.request_vote(voted, project, secret, f"x{tag}@example.org", 24), voted, "")
    last = db.session.scalars(
        sa.select(Vote).where(Vote.contest_id == voted.id).order_by(Vote.id.desc())
    ).first()
    voting.void(last, "Test vote", None)
    db.session.commit()
    return made


def test_contests_block_gives_each_contest_its_next_step(world: World, client_as: Any) -> None:
    made = every_phase(world)
    page = home_of(client_as, "admin")
    assert items(page, "awards-contests") == [
        "Closed contest Closed Publish the results",
        "Voting contest Public voting Voting closes Thursday, January 25, 2024, 12:00 PM, 2 confirmed votes",
        "Judging contest Judging 1 of 3 jurors submitted",
        "Submissions contest Submissions open 3 projects submitted, 2 waiting for review",
        "Draft contest Draft Open submissions",
    ]
    html = block_html(page, "awards-contests")
    assert f'<a href="/contests/{made[Phase.DRAFT].id}#phase-heading">Open submissions</a>' in html
    assert f'<a href="/contests/{made[Phase.JUDGING].id}#jury-heading">' in html


def test_contests_block_is_for_admins_only(world: World, client_as: Any) -> None:
    every_phase(world)
    for role in ("fellow", "facilitator", "observer", "juror", "other_fellow"):
        assert block_html(home_of(client_as, role), "awards-contests") is None, role


def test_contests_block_is_hidden_when_every_contest_is_published(world: World, client_as: Any) -> None:
    make_contest(world, Phase.PUBLISHED)
    db.session.commit()
    assert block_html(home_of(client_as, "admin"), "awards-contests") is None


def test_contests_block_queries_do_not_grow(
    world: World, client_as: Any, count_queries: Any, app: Any
) -> None:
    client = client_as("admin")
    page_counts, block_counts, shown = [], [], []
    for size in (2, 30):
        for n in range(size // 2 if size > 2 else 1):
            every_phase(world, tag=f"-{size}-{n}")
        with count_queries() as counter:
            assert client.get("/").status_code == 200
        page_counts.append(counter.count)
        viewer = viewer_of(world, "admin")
        with app.test_request_context(), count_queries() as counter:
            data = _contests_block(viewer)
        assert data is not None
        block_counts.append(counter.count)
        shown.append(len(data["contests"]))
    assert shown == [5, 80]
    assert block_counts == [1, 1]
    assert page_counts[0] == page_counts[1]


def test_fellow_in_several_cohorts_of_the_program_sees_each_contest_once(
    world: World, client_as: Any
) -> None:
    second = f.CohortFactory(program=world.program, name="Second cohort")
    f.MembershipFactory(cohort=second, user=world.users["fellow"], role=Role.FELLOW)
    open_contest(world)
    assert items(home_of(client_as, "fellow"), "awards-entries") == [
        "Grassroot Excellence Awards Submit a project"
    ]
