"""The demo follows the demo calendar: 13 fellows from 12 organisations, 11 of 13 at the launch webinar,
47 invited and 19 attending the office hours, and it loads only once."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from fellowship.attendance import services as attendance
from fellowship.curriculum.models import CohortModule
from fellowship.events.models import Event
from fellowship.extensions import db
from fellowship.programs.models import Cohort, Membership, Program


def figures(title: str) -> attendance.EventFigures:
    event = db.session.scalar(sa.select(Event).where(Event.title.startswith(title)))
    return attendance.figures(attendance.load_grid(event))


def test_demo_loads_the_calendar_once(app: Any) -> None:
    runner = app.test_cli_runner()
    first = runner.invoke(args=["fellowship", "demo"])
    assert first.exit_code == 0, first.output
    assert "admin@example.org" in first.output
    launch = figures("Launch webinar")
    assert (launch.fellows, launch.fellows_attended, launch.fellows_excused) == (13, 11, 2)
    office = figures("Office hours")
    assert (office.invited, office.attended) == (47, 19)
    assert (
        len(
            attendance.load_grid(
                db.session.scalar(sa.select(Event).where(Event.title.startswith("In-person workshop")))
            ).days
        )
        == 3
    )
    upcoming = db.session.scalar(sa.select(Event).where(Event.title == "Building impact and sustainability"))
    # Today's workshop is under way as the demo loads, its check-in open: participants can check in now.
    from fellowship.core import clock

    assert upcoming.starts_at <= clock.now() < upcoming.ends_at and upcoming.checkin_open(clock.now())
    fellowship_modules = db.session.scalars(
        sa.select(CohortModule.slug)
        .join(Cohort, Cohort.id == CohortModule.cohort_id)
        .where(Cohort.name == "Worker Cooperative Developer Fellowship 2024")
        .order_by(CohortModule.position)
    ).all()
    assert fellowship_modules == [
        "cooperative-development-roadmap",
        "impact-metrics",
        "business-model-canvas",
        "mission-statement",
        "ecosystem-assessment",
        "decision-making-design",
    ]
    second = runner.invoke(args=["fellowship", "demo"])
    assert second.output == "Demo data already present; nothing changed.\n"
    # The fellowship, the academy, the founding track, the Hebrew working group and the network's local
    # groups, each once.
    assert db.session.scalar(sa.select(sa.func.count(Program.id))) == 5


def test_demo_founders_circle_follows_the_tech_coop_track_in_arabic(app: Any) -> None:
    """The founding track's circle has the twelve modules in the track's order, due one every two weeks, and
    its first founder, who reads in Arabic, reaches her draft from her home page."""
    from fellowship.curriculum.models import Worksheet

    app.test_cli_runner().invoke(args=["fellowship", "demo"])
    cohort = db.session.scalar(sa.select(Cohort).where(Cohort.name == "Tech Co-op Founders' Circle"))
    assert cohort is not None and cohort.program.kind.value == "tech_coop_founding"
    assigned = db.session.execute(
        sa.select(CohortModule.slug, CohortModule.due_on)
        .where(CohortModule.cohort_id == cohort.id)
        .order_by(CohortModule.position)
    ).all()
    assert [slug for slug, _ in assigned][:3] == [
        "tech-coop-why-a-cooperative",
        "tech-coop-finding-partners",
        "tech-coop-development-concept",
    ]
    assert len(assigned) == 12 and assigned[-1][0] == "tech-coop-lessons-from-ten-stories"
    assert [(due - cohort.starts_on).days for _, due in assigned] == [14 * n for n in range(1, 13)]
    client = app.test_client()
    client.post("/sign-in", data={"email": "layla.mansour@example.org", "password": "fellowship-demo"})
    home = client.get("/").get_data(as_text=True)
    assert 'dir="rtl"' in home and f"/cohorts/{cohort.id}" in home
    draft = db.session.scalar(
        sa.select(Worksheet).where(
            Worksheet.cohort_id == cohort.id, Worksheet.slug == "tech-coop-finding-partners"
        )
    )
    assert draft is not None and draft.status.value == "draft"
    page = client.get(f"/cohorts/{cohort.id}/modules/tech-coop-finding-partners/worksheet")
    assert page.status_code == 200 and "مجموعة المستقلين في عمّان" in page.get_data(as_text=True)


def test_demo_cohort_page_says_thirteen_fellows_from_twelve_organisations(app: Any) -> None:
    app.test_cli_runner().invoke(args=["fellowship", "demo"])
    client = app.test_client()
    client.post("/sign-in", data={"email": "nadia.petrova@example.org", "password": "fellowship-demo"})
    page = client.get("/").get_data(as_text=True)
    cohort_link = page.split('class="cohort-link" href="/cohorts/')[1].split('"')[0]
    body = client.get(f"/cohorts/{cohort_link}").get_data(as_text=True)
    assert "13 fellows from 12 organisations" in body


def test_demo_fellows_are_at_every_point_of_the_review_cycle(app: Any) -> None:
    from fellowship.curriculum.enums import WorksheetStatus
    from fellowship.curriculum.models import Review, Worksheet

    app.test_cli_runner().invoke(args=["fellowship", "demo"])
    fellowship = sa.select(Cohort.id).where(Cohort.name == "Worker Cooperative Developer Fellowship 2024")
    statuses = sorted(
        s.value
        for s in db.session.scalars(
            sa.select(Worksheet.status).where(Worksheet.cohort_id == fellowship.scalar_subquery())
        )
    )
    assert statuses == sorted(
        ["approved", "approved", "submitted", "submitted", "changes_requested", "draft", "draft"]
    )
    assert db.session.scalar(sa.select(sa.func.count(Review.id))) == 4
    client = app.test_client()
    client.post("/sign-in", data={"email": "nadia.petrova@example.org", "password": "fellowship-demo"})
    queue = client.get("/reviews").get_data(as_text=True)
    assert queue.count("/worksheets/") == 2 and "Resubmitted" in queue
    resubmitted = db.session.scalar(
        sa.select(Worksheet.id)
        .join(Review, Review.worksheet_id == Worksheet.id)
        .where(Worksheet.status == WorksheetStatus.SUBMITTED)
    )
    page = client.get(f"/worksheets/{resubmitted}").get_data(as_text=True)
    assert "Resubmitted: 1 answer changed since the previous submission; it is marked." in page


def test_demo_webinars_have_evaluations_with_answers(app: Any) -> None:
    from fellowship.evaluations.models import Receipt, Survey

    app.test_cli_runner().invoke(args=["fellowship", "demo"])
    surveys = db.session.execute(
        sa.select(Event.title, Survey.anonymous, sa.func.count(Receipt.invitation_id))
        .join(Survey, Survey.event_id == Event.id)
        .join(Receipt, Receipt.survey_id == Survey.id)
        .group_by(Event.title, Survey.anonymous)
        .order_by(Event.title)
    ).all()
    assert surveys == [
        ("Designing with target groups", False, 6),  # the academy's, still open
        ("Launch webinar: what worker cooperatives are", False, 11),
        ("Webinar: business model canvases", True, 12),
    ]
    client = app.test_client()
    client.post("/sign-in", data={"email": "nadia.petrova@example.org", "password": "fellowship-demo"})
    launch = db.session.scalar(sa.select(Event.id).where(Event.title.startswith("Launch webinar")))
    page = client.get(f"/events/{launch}/evaluation/summary").get_data(as_text=True)
    assert "11 responses from 11 attendees" in page and "Net promoter score" in page  # fellows, not staff
    from fellowship.evaluations.models import AnonymousResponse, SealedResponse

    # The anonymous one has closed: its answers were released as the demo loaded, none left sealed.
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AnonymousResponse)) == 12
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SealedResponse)) == 0
    canvas = db.session.scalar(sa.select(Event.id).where(Event.title == "Webinar: business model canvases"))
    page = client.get(f"/events/{canvas}/evaluation/summary").get_data(as_text=True)
    assert "12 responses" in page and "Mean " in page and "waiting to be added" not in page


def test_the_demo_academy_evaluation_waits_for_its_first_participant(app: Any) -> None:
    app.test_cli_runner().invoke(args=["fellowship", "demo"])
    client = app.test_client()
    client.post("/sign-in", data={"email": "agnieszka.nowak@example.pl", "password": "fellowship-demo"})
    home = client.get("/").get_data(as_text=True)
    workshop = db.session.scalar(sa.select(Event.id).where(Event.title == "Designing with target groups"))
    assert f'href="/events/{workshop}/evaluation"' in home
    assert 'href="/surveys' not in home  # participants do not keep the template library


def test_demo_contest_is_voting_now_with_scores_and_votes(app: Any) -> None:
    from fellowship.awards import voting
    from fellowship.awards.enums import Phase
    from fellowship.awards.models import Contest, JurorAssignment, Project
    from fellowship.core import clock

    app.test_cli_runner().invoke(args=["fellowship", "demo"])
    contests = {c.slug: c for c in db.session.scalars(sa.select(Contest))}
    awards = contests["grassroot-excellence-awards"]
    assert contests["cooperative-development-prize"].phase is Phase.JUDGING
    assert awards.voting_open(clock.now())
    assert (
        db.session.scalar(sa.select(sa.func.count(Project.id)).where(Project.contest_id == awards.id)) == 12
    )
    submitted = db.session.scalars(
        sa.select(JurorAssignment.submitted_at).where(JurorAssignment.contest_id == awards.id)
    ).all()
    assert len(submitted) == 3 and all(submitted)
    assert sum(voting.tally(awards.id).values()) == 320
    page = app.test_client().get("/awards/grassroot-excellence-awards")
    assert page.status_code == 200 and page.get_data(as_text=True).count('class="card project-card"') == 12


def test_demo_prize_is_in_judging_with_one_juror_yet_to_score(app: Any, clock: Any) -> None:
    from fellowship.awards.models import Contest, JurorAssignment, Project

    output = app.test_cli_runner().invoke(args=["fellowship", "demo"]).output
    assert "  juror        juror@example.org\n" in output
    assert "  observer     funder.observer@example.org\n" in output
    prize = db.session.scalar(sa.select(Contest).where(Contest.slug == "cooperative-development-prize"))
    assert prize.judging_closes_at == clock.now() + dt.timedelta(days=4)
    assert db.session.scalar(sa.select(sa.func.count(Project.id)).where(Project.contest_id == prize.id)) == 5
    jurors = db.session.scalars(
        sa.select(JurorAssignment).where(JurorAssignment.contest_id == prize.id).order_by(JurorAssignment.id)
    ).all()
    assert [(a.user.email, a.submitted_at is not None) for a in jurors] == [
        ("rosa.delgado@example.org", True),
        ("theo.lindqvist@example.org", True),
        ("juror@example.org", False),
    ]
    client = app.test_client()
    client.post("/sign-in", data={"email": "juror@example.org", "password": "fellowship-demo"})
    page = client.get("/").get_data(as_text=True)
    assert "5 of 5 projects left to score" in page and f"/contests/{prize.id}/jury" in page


def test_demo_fellows_with_an_approved_mission_statement_have_certificates(app: Any) -> None:
    from fellowship.impact.models import Certificate

    app.test_cli_runner().invoke(args=["fellowship", "demo"])
    holders = db.session.scalars(sa.select(Certificate.holder).order_by(Certificate.holder)).all()
    assert holders == ["Amara Okafor", "Benicio Ruiz"]


def test_demo_worksheet_activity_is_dated_inside_its_cohort(app: Any) -> None:
    """Every submission, saved revision and review falls within its own cohort's dates: the fellowship's in
    2024, the founders' circle's in the four weeks since it began."""
    from fellowship.curriculum.models import Review, Worksheet, WorksheetRevision

    app.test_cli_runner().invoke(args=["fellowship", "demo"])
    by_cohort = sa.select(Cohort.name, Cohort.starts_on, Cohort.ends_on).join(
        Worksheet, Worksheet.cohort_id == Cohort.id
    )
    moments = [
        *db.session.execute(
            by_cohort.add_columns(Worksheet.submitted_at).where(Worksheet.submitted_at.is_not(None))
        ),
        *db.session.execute(
            by_cohort.add_columns(WorksheetRevision.saved_at).join(
                WorksheetRevision, WorksheetRevision.worksheet_id == Worksheet.id
            )
        ),
        *db.session.execute(
            by_cohort.add_columns(Review.created_at).join(Review, Review.worksheet_id == Worksheet.id)
        ),
    ]
    assert {name for name, *_ in moments} == {
        "Worker Cooperative Developer Fellowship 2024",
        "Tech Co-op Founders' Circle",
    }
    outside = [
        (name, moment)
        for name, starts, ends, moment in moments
        if not starts <= moment.date() <= ends + dt.timedelta(days=1)
    ]
    assert outside == []


def test_demo_is_refused_in_production(app: Any, monkeypatch: Any) -> None:
    """Its accounts, administrators included, sign in with the password the documentation publishes."""
    from fellowship.accounts.models import User

    monkeypatch.setitem(app.config, "FELLOWSHIP_MODE", "production")
    result = app.test_cli_runner().invoke(args=["fellowship", "demo"])
    assert result.exit_code == 1
    assert "The demo is refused in production (FELLOWSHIP_ENV=production)" in result.output
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(Program.id))) == 0


def test_every_demo_certificate_has_its_credential_and_one_is_revoked(app: Any) -> None:
    from fellowship.credentials.models import Credential
    from fellowship.impact.models import Certificate

    app.test_cli_runner().invoke(args=["fellowship", "demo"])
    rows = db.session.execute(
        sa.select(Certificate.holder, Credential.revoked_at.is_not(None))
        .join(Credential, Credential.certificate_id == Certificate.id)
        .order_by(Certificate.holder)
    ).all()
    assert [tuple(row) for row in rows] == [("Amara Okafor", False), ("Benicio Ruiz", True)]
    client = app.test_client()
    client.post("/sign-in", data={"email": "amara.okafor@example.org", "password": "fellowship-demo"})
    code = db.session.scalar(sa.select(Certificate.code).where(Certificate.holder == "Amara Okafor"))
    page = client.get(f"/certificates/{code}").get_data(as_text=True)
    assert f'href="/certificates/{code}/credential.jwt"' in page
    status = client.get("/credentials/status/1").get_data(as_text=True)
    assert status.count(".") == 2
    # The fellowship cohort chose module badges: its two approved mission statements have theirs, and each
    # holder downloads hers from the module's page.
    from fellowship.accounts.models import User
    from fellowship.curriculum.models import Worksheet

    badges = db.session.execute(
        sa.select(User.email, Worksheet.slug, Credential.revoked_at)
        .join(Worksheet, Worksheet.id == Credential.worksheet_id)
        .join(User, User.id == Worksheet.user_id)
        .order_by(User.email)
    ).all()
    assert [(slug, revoked) for _email, slug, revoked in badges] == [("mission-statement", None)] * 2, badges
    holder = app.test_client()
    holder.post("/sign-in", data={"email": badges[0].email, "password": "fellowship-demo"})
    cohort_id = db.session.scalar(
        sa.select(Worksheet.cohort_id).join(Credential, Credential.worksheet_id == Worksheet.id).limit(1)
    )
    page = holder.get(f"/cohorts/{cohort_id}/modules/mission-statement").get_data(as_text=True)
    assert f'href="/cohorts/{cohort_id}/modules/mission-statement/badge.jwt"' in page


def test_demo_working_group_follows_seed_003(app: Any, client: Any) -> None:
    """The Hebrew working group: every member interviewed before meeting 1, meetings 1–3 held with minutes,
    three versions of the common agenda, action items done and open (one overdue), and meeting 4's page
    carrying the open ones, each once."""
    from fellowship.accounts.models import User
    from fellowship.core import clock
    from fellowship.groups.enums import ActionStatus
    from fellowship.groups.models import ActionItem, AgendaVersion, Decision, Interview, ItemNote

    app.test_cli_runner().invoke(args=["fellowship", "demo"])
    cohort = db.session.scalar(sa.select(Cohort).where(Cohort.name == "קבוצת העבודה לתעסוקה הוגנת"))
    meetings = db.session.scalars(
        sa.select(Event).where(Event.cohort_id == cohort.id).order_by(Event.starts_at)
    ).all()
    assert len(meetings) == 4
    members = db.session.scalars(
        sa.select(Membership.user_id).where(Membership.cohort_id == cohort.id, Membership.role == "fellow")
    ).all()
    interviews = db.session.scalars(sa.select(Interview).where(Interview.cohort_id == cohort.id)).all()
    assert sorted(i.member_id for i in interviews) == sorted(members) and len(members) == 8
    first_day = meetings[0].starts_at.date()
    assert all(i.held_on < first_day and i.notes for i in interviews)
    held = [m.id for m in meetings[:3]]
    assert db.session.scalar(sa.select(sa.func.count(ItemNote.event_id.distinct()))) == 3
    assert set(db.session.scalars(sa.select(Decision.event_id))) == set(held)
    assert db.session.scalar(sa.select(sa.func.count(AgendaVersion.id))) == 3
    items = db.session.scalars(sa.select(ActionItem).where(ActionItem.cohort_id == cohort.id)).all()
    open_items = [i for i in items if i.status is ActionStatus.OPEN]
    assert len(open_items) == 3 and len(items) == 6
    today = clock.today("Asia/Jerusalem")
    assert sum(1 for i in open_items if i.due_on is not None and i.due_on < today) == 1
    client.login_as(db.session.scalar(sa.select(User).where(User.email == "michal.barak@example.org.il")))
    page = client.get(f"/events/{meetings[3].id}").get_data(as_text=True)
    for item in open_items:
        assert page.count(f'<td dir="auto">{item.what}</td>') == 1, item.what
    checklist = client.get(f"/cohorts/{cohort.id}/interviews").get_data(as_text=True)
    assert checklist.count('class="tag"') == 0  # no member marked "not yet", in any language
    assert all(f'id="member-{i.member_id}"' in checklist for i in interviews)
