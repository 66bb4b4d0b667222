"""Every free-text field, round-tripped with every payload of the corpus, and every page that shows it."""

from __future__ import annotations

import csv
import io
from typing import Any

import sqlalchemy as sa

from fellowship.accounts.models import Organization, User
from fellowship.events.models import EventInvitation
from fellowship.extensions import db, limiter
from fellowship.programs.models import Cohort, Membership, Program
from tests.conftest import World
from tests.xss import PAYLOADS, script_problems


def check(client: Any, url: str, payload: str) -> None:
    response = client.get(url)
    assert response.status_code == 200, url
    assert script_problems(response.get_data(as_text=True), payload) == [], (url, payload)


def check_response(response: Any, payload: str) -> None:
    assert response.status_code < 500
    assert script_problems(response.get_data(as_text=True), payload) == [], payload


def test_corpus_has_at_least_fifty_distinct_payloads() -> None:
    assert len(set(PAYLOADS)) == len(PAYLOADS)
    assert len(PAYLOADS) >= 50


def test_scanner_flags_an_unescaped_payload() -> None:
    html = '<p><img src=x onerror=alert(1)></p><a href=" javascript:alert(1)">x</a><script>alert(1)</script>'
    assert script_problems(html, "<img src=x onerror=alert(1)>") == [
        "<img> has an event handler attribute onerror",
        "<a href> points at ' javascript:alert(1)'",
        "a <script> that is not one of ours",
        "inline script content",
        "the payload appears unescaped in the page",
    ]


def test_xss_organization_fields(world: World, client_as: Any) -> None:
    admin = client_as("admin")
    for number, payload in enumerate(PAYLOADS):
        name = f"{payload} #{number}"  # names are unique regardless of case
        response = admin.post(
            "/organizations/new", data={"name": name, "kind": "coop", "city": payload, "website": payload}
        )
        check_response(response, payload)  # the website is refused: the form comes back with the payload
        response = admin.post("/organizations/new", data={"name": name, "kind": "coop", "city": payload})
        check_response(response, payload)
        org = db.session.scalar(sa.select(Organization).where(Organization.name == name.strip()))
        assert org is not None, payload
        check(admin, f"/organizations/{org.id}/edit", payload)
    check(admin, "/organizations", PAYLOADS[0])
    page = admin.get("/organizations").get_data(as_text=True)
    for payload in PAYLOADS:
        assert script_problems(page, payload) == []


def test_xss_program_and_cohort_fields(world: World, client_as: Any) -> None:
    admin = client_as("admin")
    for payload in PAYLOADS:
        response = admin.post(
            "/programs/new",
            data={"name": payload, "kind": "coop_fellowship", "timezone": "UTC", "description": payload},
        )
        check_response(response, payload)
        program = db.session.scalar(sa.select(Program).where(Program.name == payload.strip()))
        assert program is not None, payload
        response = admin.post(
            f"/programs/{program.id}/cohorts/new",
            data={"name": payload, "starts_on": "2024-01-10", "ends_on": "2024-12-15", "timezone": "UTC"},
        )
        check_response(response, payload)
        cohort = db.session.scalar(sa.select(Cohort).where(Cohort.program_id == program.id))
        assert cohort is not None, payload
        for url in (
            f"/programs/{program.id}",
            f"/cohorts/{cohort.id}",
            f"/cohorts/{cohort.id}/edit",
            f"/programs/{program.id}/edit",
        ):
            check(admin, url, payload)
    for url in ("/", "/programs"):
        page = admin.get(url).get_data(as_text=True)
        assert [p for p in PAYLOADS if script_problems(page, p)] == []


def test_xss_person_fields(world: World, client_as: Any) -> None:
    facilitator = client_as("facilitator")
    admin = client_as("admin")
    for number, payload in enumerate(PAYLOADS):
        response = facilitator.post(
            f"/cohorts/{world.cohort.id}/members/new",
            data={
                "name": payload,
                "email": f"xss{number}@example.org",
                "organization": f"{payload} #{number}",
                "role": "fellow",
                "joined_on": "2024-01-10",
            },
        )
        check_response(response, payload)
        user = db.session.scalar(sa.select(User).where(User.email == f"xss{number}@example.org"))
        assert user is not None, payload
        member = db.session.scalar(sa.select(Membership).where(Membership.user_id == user.id))
        assert member is not None
        check(facilitator, f"/cohorts/{world.cohort.id}/members/{member.id}", payload)
        check(admin, f"/admin/users/{user.id}", payload)
    for client, url in ((facilitator, f"/cohorts/{world.cohort.id}"), (admin, "/admin/users")):
        page = client.get(url).get_data(as_text=True)
        assert [p for p in PAYLOADS if script_problems(page, p)] == []


def test_xss_roster_import_lines(world: World, client_as: Any) -> None:
    facilitator = client_as("facilitator")
    for number, payload in enumerate(PAYLOADS):
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow([payload, f"roster{number}@example.org", f"{payload} roster #{number}", "fellow"])
        writer.writerow(["Bad Role", f"bad{number}@example.org", "", payload])  # echoed in the error list
        response = facilitator.post(
            f"/cohorts/{world.cohort.id}/members/import",
            data={"text": buffer.getvalue(), "joined_on": "2024-01-10"},
        )
        assert response.status_code == 400
        check_response(response, payload)
        response = facilitator.post(
            f"/cohorts/{world.cohort.id}/members/import",
            data={"text": buffer.getvalue().splitlines()[0], "joined_on": "2024-01-10"},
        )
        check_response(response, payload)
    page = facilitator.get(f"/cohorts/{world.cohort.id}").get_data(as_text=True)
    assert [p for p in PAYLOADS if script_problems(page, p)] == []


def test_xss_profile_name(world: World, client_as: Any) -> None:
    client = client_as("fellow")
    for number, payload in enumerate(PAYLOADS):
        response = client.post(
            "/profile",
            data={
                "name": payload,
                "organization_id": "0",
                "new_organization": f"{payload} #{number}"[:200],
                "locale": "",
                "timezone": "UTC",
            },
        )
        check_response(response, payload)
        for url in ("/profile", f"/cohorts/{world.cohort.id}", "/"):
            check(client, url, payload)
    facilitator = client_as("facilitator")  # offered every organisation the fellow named, as options
    page = facilitator.get("/profile").get_data(as_text=True)
    for payload in PAYLOADS:
        assert script_problems(page, payload) == [], payload
    check(facilitator, f"/cohorts/{world.cohort.id}", PAYLOADS[0])


def test_xss_invitation_acceptance_name(world: World, client_as: Any, app: Any) -> None:
    from tests.mailbox import link_path, messages

    facilitator = client_as("facilitator")
    for number, payload in enumerate(PAYLOADS):
        facilitator.post(
            f"/cohorts/{world.cohort.id}/members/new",
            data={
                "name": payload,
                "email": f"invitee{number}@example.org",
                "role": "fellow",
                "joined_on": "2024-01-18",
                "send_invitations": "y",
            },
        )
        [message] = messages("invitation", f"invitee{number}@example.org")
        assert script_problems(message.body_html or "", payload) == []
        path = link_path(message, "/invitations/")
        invitee = app.test_client()
        check(invitee, path, payload)
        response = invitee.post(path, data={"name": payload, "password": "short", "confirm": "short"})
        check_response(response, payload)
    page = facilitator.get(f"/cohorts/{world.cohort.id}/invitations").get_data(as_text=True)
    assert [p for p in PAYLOADS if script_problems(page, p)] == []


def test_xss_event_fields_agenda_guests_and_notes(world: World, client_as: Any, app: Any) -> None:
    import sqlalchemy as sa

    from fellowship.events.models import Event, EventInvitation

    facilitator = client_as("facilitator")
    fellow = client_as("fellow")
    for number, payload in enumerate(PAYLOADS):
        response = facilitator.post(
            f"/cohorts/{world.cohort.id}/events/new",
            data={
                "kind": "webinar",
                "title": f"{payload} #{number}",
                "starts_at": "2024-02-15T12:00",
                "ends_at": "2024-02-15T13:00",
                "timezone": "America/Chicago",
                "venue": payload,
                "speakers": payload,
                "description": payload,
                "online_link": "",
            },
        )
        check_response(response, payload)
        event = db.session.scalar(sa.select(Event).where(Event.title == f"{payload} #{number}".strip()))
        assert event is not None, payload
        facilitator.post(
            f"/events/{event.id}/agenda",
            data={"items-0-starts_at": "", "items-0-title": payload, "items-0-notes": payload},
        )
        response = facilitator.post(
            f"/events/{event.id}/guests", data={"guests": f"{payload}, g{number}@example.org"}
        )
        check_response(response, payload)
        check_response(fellow.post(f"/events/{event.id}/apologies", data={"reason": payload}), payload)
        guest = db.session.scalar(
            sa.select(EventInvitation).where(EventInvitation.email == f"g{number}@example.org")
        )
        if guest is not None:
            key = f"{guest.id}-2024-02-15"
            response = facilitator.post(
                f"/events/{event.id}/attendance", data={f"s-{key}": "present", f"n-{key}": payload}
            )
            check_response(response, payload)
        for url in (
            f"/events/{event.id}",
            f"/events/{event.id}/agenda",
            f"/events/{event.id}/guests",
            f"/events/{event.id}/attendance",
            f"/events/{event.id}/edit",
        ):
            check(facilitator, url, payload)
        check(fellow, f"/events/{event.id}", payload)
    for url in (f"/cohorts/{world.cohort.id}/events", f"/cohorts/{world.cohort.id}"):
        page = facilitator.get(url).get_data(as_text=True)
        assert [p for p in PAYLOADS if script_problems(page, p)] == []


def test_xss_worksheet_fields_and_review_comments(world: World, client_as: Any, tmp_path: Any) -> None:
    from fellowship.curriculum.models import Review, Worksheet
    from tests.curriculum.conftest import assign_sample_module

    url = assign_sample_module(world, tmp_path)
    fellow, facilitator = client_as("fellow"), client_as("facilitator")
    revision = 0
    for payload in PAYLOADS:
        data = {
            "who_we_are": payload,
            "name": payload[:200],
            "strengths": payload,
            "frequency": "",
            "indicators-0-indicator": payload[:200],
            "indicators-0-target": "",
            "base_revision": str(revision),
        }
        check_response(fellow.post(url, data={**data, "action": "save"}), payload)
        check(fellow, url, payload)
        check_response(
            fellow.post(url, data={**data, "action": "submit", "base_revision": str(revision + 1)}), payload
        )
        revision += 2
        sheet = db.session.scalar(sa.select(Worksheet).where(Worksheet.user_id == world.users["fellow"].id))
        check(facilitator, f"/worksheets/{sheet.id}", payload)  # with the changes since the last submission
        check(facilitator, "/reviews", payload)
        check_response(
            facilitator.post(
                f"/worksheets/{sheet.id}",
                data={
                    "decision": "changes_requested",
                    "comment": payload,
                    "note_who_we_are": payload,
                    "note_indicators": payload,
                },
            ),
            payload,
        )
        assert (
            db.session.scalar(sa.select(Review.field_comments).order_by(Review.id.desc()).limit(1))
            == {"who_we_are": payload.strip(), "indicators": payload.strip()}
            or not payload.strip()
        )
        check(facilitator, f"/worksheets/{sheet.id}", payload)
        check(fellow, url, payload)


def test_xss_evaluation_templates_and_free_text_answers(world: World, client_as: Any, clock: Any) -> None:
    import datetime as dt

    from fellowship.attendance.enums import Status
    from fellowship.evaluations import services as evaluations
    from fellowship.evaluations.enums import QuestionKind
    from fellowship.events import services as events
    from fellowship.events.enums import EventKind
    from tests.evaluations.conftest import mark

    facilitator = client_as("facilitator")
    starts = dt.datetime(2024, 1, 18, 18, 0, tzinfo=dt.UTC)
    for index, payload in enumerate(PAYLOADS):
        text = payload[:400]
        form = {
            "title": payload[:200],
            "questions-0-prompt": text,
            "questions-0-kind": "single",
            "questions-0-options": f"{payload[:150]}\nPlain",
            "questions-0-low_label": payload[:100],
            "questions-1-prompt": "Why?",
            "questions-1-kind": "text",
        }
        check_response(facilitator.post("/surveys/new", data=form), payload)
        check(facilitator, "/surveys", payload)
        if not text.strip():
            continue
        event = events.create_event(
            world.cohort,
            events.EventFields(
                EventKind.WEBINAR, f"Webinar {index}", "", starts, starts + dt.timedelta(hours=1), "UTC"
            ),
            world.users["admin"].id,
        )
        survey = evaluations.attach(
            event,
            payload[:200] or "Evaluation",
            [
                {"kind": QuestionKind.SINGLE, "prompt": text, "options": [payload[:150] or "A", "Plain"]},
                {"kind": QuestionKind.TEXT, "prompt": "Why?"},
                {
                    "kind": QuestionKind.LIKERT5,
                    "prompt": "Rate",
                    "low_label": payload[:100],
                    "high_label": "5",
                },
            ],
            index % 2 == 1,
            starts + dt.timedelta(days=30),
            None,
        )
        invitation = db.session.scalar(
            sa.select(EventInvitation).where(
                EventInvitation.event_id == event.id, EventInvitation.user_id == world.users["fellow"].id
            )
        )
        mark(invitation, Status.PRESENT)
        db.session.commit()
        clock.set_time(starts + dt.timedelta(hours=2))
        url = f"/events/{event.id}/evaluation"
        check(client_as("fellow"), url, payload)
        [choice, why, rate] = survey.questions
        check_response(
            client_as("fellow").post(
                url, data={f"q{choice.id}": "0", f"q{why.id}": payload, f"q{rate.id}": "4"}
            ),
            payload,
        )
        db.session.expire_all()
        check(facilitator, f"{url}/summary", payload)
        check(client_as("observer"), f"/cohorts/{world.cohort.id}/evaluations", payload)


def test_xss_contest_projects(world: World, client_as: Any, app: Any) -> None:
    from fellowship.awards.enums import Phase
    from fellowship.awards.models import Project
    from tests.awards.conftest import make_contest

    contest = make_contest(world, Phase.SUBMISSIONS, slug="xss-awards")
    contest.categories[2].citation = PAYLOADS[0]
    db.session.commit()
    fellow, admin, anonymous = client_as("fellow"), client_as("admin"), app.test_client()
    juror = client_as("juror")
    for payload in PAYLOADS:
        data = {
            "title": payload[:200],
            "team": payload,
            "summary": payload,
            "problem": payload,
            "beneficiaries": payload,
            "results": payload,
            "organization": "0",
        }
        check_response(fellow.post(f"/contests/{contest.id}/projects/new", data=data), payload)
    db.session.execute(sa.update(Project).values(status="accepted"))
    from fellowship.awards.services import assign_juror

    assign_juror(contest, world.users["juror"], None)
    contest.phase = Phase.VOTING
    contest.live_tally = True
    db.session.commit()
    from fellowship.awards import voting

    secret = app.config["FELLOWSHIP_VOTER_KEY_SECRET"]
    check(admin, f"/contests/{contest.id}", PAYLOADS[0])
    check(anonymous, f"/awards/{contest.slug}", PAYLOADS[0])
    projects = db.session.scalars(sa.select(Project).order_by(Project.id)).all()
    for payload, project in zip(PAYLOADS, projects, strict=False):
        check(anonymous, f"/awards/{contest.slug}/projects/{project.id}", payload)
        check(anonymous, f"/awards/{contest.slug}/projects/{project.id}/vote", payload)
        check(fellow, f"/contests/{contest.id}/projects/{project.id}/edit", payload)
        check(admin, f"/contests/{contest.id}/projects/{project.id}/review", payload)
        check(juror, f"/contests/{contest.id}/jury/{project.id}", payload)
        token = voting.request_vote(contest, project, secret, f"x{project.id}@example.org", 24)
        check(anonymous, f"/awards/{contest.slug}/confirm/{token}", payload)
    contest.phase = Phase.PUBLISHED
    db.session.commit()
    check(anonymous, f"/awards/{contest.slug}/results", PAYLOADS[0])
    check(anonymous, f"/awards/{contest.slug}/ceremony/3", PAYLOADS[0])


def test_xss_reason_for_withdrawing_published_results(world: World, client_as: Any) -> None:
    """The reason is kept in the audit trail; the pages around the move never show it unescaped."""
    from fellowship.awards.enums import Phase
    from fellowship.awards.models import Contest
    from tests.awards.conftest import make_contest

    contest = make_contest(world, Phase.PUBLISHED, slug="xss-withdrawn")
    db.session.commit()
    admin = client_as("admin")
    for payload in PAYLOADS:
        db.session.execute(sa.update(Contest).values(phase=Phase.PUBLISHED))
        db.session.commit()
        response = admin.post(
            f"/contests/{contest.id}/phase",
            data={"phase": "closed", "reason": payload},
            follow_redirects=True,
        )
        check_response(response, payload)
    check(admin, f"/contests/{contest.id}", PAYLOADS[0])


def test_xss_assistance_log_report_narratives_and_demographics(world: World, client_as: Any) -> None:
    import datetime as dt

    from fellowship.impact import services as impact

    period = impact.open_period(
        world.program, "January 2024", dt.date(2024, 1, 1), dt.date(2024, 1, 31), None
    )
    db.session.commit()
    facilitator, fellow = client_as("facilitator"), client_as("fellow")
    url = f"/programs/{world.program.id}/assistance"
    for index, payload in enumerate(PAYLOADS):
        entry = {
            "given_on": f"2024-01-{1 + index % 28:02d}",
            "organization": "0",
            "new_organization": payload[:200] if index % 5 == 0 else "",
            "kind": "one_on_one",
            "stage": "other",
            "hours": "1",
            "people": "1",
            "help_type": payload[:200],
            "notes": payload,
        }
        check_response(facilitator.post(url, data=entry), payload)
        narratives = {key: payload for key in ("goals", "needs", "testimonials", "gaps")}
        check_response(facilitator.post(f"/reports/{period.id}", data=narratives), payload)
        check(facilitator, f"/reports/{period.id}", payload)
        check_response(
            fellow.post(
                "/profile/demographics",
                data={
                    "races": ["other"],
                    "race_self": payload[:200],
                    "gender": "self",
                    "gender_self": payload[:200],
                },
            ),
            payload,
        )
        check(fellow, "/profile/demographics", payload)
    check(facilitator, url, PAYLOADS[-1])


def test_xss_network_entries_directory_and_moderation(world: World, client_as: Any) -> None:
    """An organisation's published offer carries each payload in every free-text field; the find page, the
    entry page, the edit form, the owner's list, the public directory and the moderation reason show it
    escaped (the description as sanitised Markdown)."""
    from fellowship.network.models import Entry, NetworkProfile

    fellow = client_as("fellow")
    admin = client_as("admin")
    organization_id = world.users["fellow"].organization_id
    assert organization_id is not None
    db.session.merge(NetworkProfile(organization_id=organization_id, in_public_directory=True))
    db.session.commit()
    for number, payload in enumerate(PAYLOADS):
        fields = {
            "owner": "organization",
            "kind": "offer",
            "category": "business",
            "title": f"{payload[:100]} {number}",
            "description": payload,
            "skills": ["bookkeeping"],
            "own_skills": payload.replace(",", " "),
            "place": payload[:100],
            "languages": ["en"],
        }
        response = fellow.post("/network/entries/new", data=fields)
        check_response(response, payload)  # a skill word over its length is refused: the form comes back
        if response.status_code == 400:
            response = fellow.post("/network/entries/new", data={**fields, "own_skills": payload[:30]})
            check_response(response, payload)
        assert response.status_code == 302, payload
        entry = db.session.scalars(sa.select(Entry).order_by(Entry.id.desc())).first()
        assert entry is not None and entry.title.endswith(str(number)), (payload, response.status_code)
        for url in (f"/network/entries/{entry.id}", f"/network/entries/{entry.id}/edit"):
            check(fellow, url, payload)
        hidden = admin.post(f"/network/entries/{entry.id}/hide", data={"hidden_reason": payload})
        check_response(hidden, payload)
        check(admin, f"/network/entries/{entry.id}", payload)
        check(fellow, "/network/mine", payload)
        admin.post(f"/network/entries/{entry.id}/unhide")
    for url in ("/network", "/network?q=bookkeeping", "/network/directory"):
        page = fellow.get(url).get_data(as_text=True)
        for payload in PAYLOADS:
            assert script_problems(page, payload) == [], (url, payload)


def test_xss_discussions_announcements_replies_reasons_and_emails(
    app: Any, world: World, client_as: Any, clock: Any, monkeypatch: Any
) -> None:
    """Each payload as an announcement's title, text and link, a reply, a quote and a hiding reason: every
    page that shows them, and the announcement and digest emails, show them escaped (texts as sanitised
    Markdown)."""
    import datetime as dt

    from fellowship.discussions import notices
    from fellowship.discussions.models import Announcement, Reply
    from fellowship.extensions import limiter

    monkeypatch.setattr(limiter, "enabled", False)  # fifty replies in a minute would only meet the limit
    facilitator, fellow = client_as("facilitator"), client_as("fellow")
    cohort = world.cohort.id
    for number, payload in enumerate(PAYLOADS):
        fields = {"title": f"{payload[:150]} {number}", "body": payload, "points": "", "link": payload}
        response = facilitator.post(f"/cohorts/{cohort}/announcements/new", data=fields)
        check_response(response, payload)  # the link is refused: the form comes back with the payload
        if response.status_code == 400:
            response = facilitator.post(f"/cohorts/{cohort}/announcements/new", data={**fields, "link": ""})
        assert response.status_code == 302, payload
        announcement = db.session.scalars(sa.select(Announcement).order_by(Announcement.id.desc())).first()
        page = f"/cohorts/{cohort}/announcements/{announcement.id}"
        response = fellow.post(
            f"/cohorts/{cohort}/discussions/announcement/{announcement.id}/replies", data={"body": payload}
        )
        check_response(response, payload)
        reply = db.session.scalars(sa.select(Reply).order_by(Reply.id.desc())).first()
        check(fellow, f"{page}?quote={reply.id}", payload)
        fellow.post(
            f"/cohorts/{cohort}/discussions/announcement/{announcement.id}/replies",
            data={"body": "Quoting", "quote": str(reply.id)},
        )
        check(fellow, f"/cohorts/{cohort}/replies/{reply.id}/edit", payload)
        check(facilitator, f"/cohorts/{cohort}/announcements/{announcement.id}/edit", payload)
        check(facilitator, f"/cohorts/{cohort}/replies/{reply.id}/hide", payload)
        check_response(
            facilitator.post(f"/cohorts/{cohort}/replies/{reply.id}/hide", data={"hidden_reason": payload}),
            payload,
        )
        check(facilitator, page, payload)
        check(fellow, page, payload)
        facilitator.post(f"/cohorts/{cohort}/replies/{reply.id}/unhide")
    clock.set_time(clock.now() + dt.timedelta(hours=1))
    for _batch in range(-(-len(PAYLOADS) // notices.ANNOUNCEMENT_BATCH)):
        notices.dispatch_announcements()
    notices.dispatch_digests()
    db.session.commit()
    sent = messages_of_kinds(notices.ANNOUNCEMENT_KIND, notices.DIGEST_KIND)
    assert len(sent) == 2 * len(PAYLOADS) + 1  # to the fellow and the observer; the facilitator's digest
    for url in (f"/cohorts/{cohort}/discussions", f"/cohorts/{cohort}", "/"):
        html = fellow.get(url).get_data(as_text=True)
        for payload in PAYLOADS:
            assert script_problems(html, payload) == [], (url, payload)
    for message in sent:
        for payload in PAYLOADS:
            assert script_problems(message.body_html, payload) == [], (message.kind, payload)


def messages_of_kinds(*kinds: str) -> list[Any]:
    from tests.mailbox import messages

    return [message for kind in kinds for message in messages(kind)]


def test_xss_names_asserted_by_a_sign_in_provider(app: Any, world: World, client_as: Any) -> None:
    """A provider allowed to create accounts names each new person as its ID token says: the payloads
    become names that the people list and each person's page show escaped."""
    from fellowship.accounts import oidc
    from fellowship.core import clock
    from fellowship.core.identity_providers import Provider

    provider = Provider("acme", "https://id.acme.example", "c", "s", "Acme", ("acme.example",), True)
    for number, payload in enumerate(PAYLOADS):
        claims = {
            "sub": f"s{number}",
            "email": f"p{number}@acme.example",
            "email_verified": True,
            "name": payload,
        }
        user = oidc.resolve(provider, claims, clock.now(), None)
        db.session.commit()
        assert user.name in {" ".join(payload.split())[:200], f"p{number}"}, payload
        check(client_as("admin"), f"/admin/users/{user.id}", payload)
    page = client_as("admin").get("/admin/users?per_page=200").get_data(as_text=True)
    for payload in PAYLOADS:
        assert script_problems(page, payload) == [], payload


def test_xss_credential_revocation_reasons_and_pasted_credentials(
    app: Any, world: World, client_as: Any, client: Any
) -> None:
    """The reason an administrator gives for revoking a credential (shown to administrators on the
    certificate page), and whatever anyone pastes into the public credential check (shown back in its
    form)."""
    from fellowship.credentials.models import Credential
    from tests.impact.test_certificates import completed_certificate

    certificate = completed_certificate(world, client_as)
    assert client_as("fellow").post(f"/certificates/{certificate.code}/credential").status_code == 302
    admin = client_as("admin")
    for payload in PAYLOADS:
        db.session.execute(sa.update(Credential).values(revoked_at=None, revoked_reason=""))
        db.session.commit()
        response = admin.post(
            f"/certificates/{certificate.code}/credential/revoke",
            data={"reason": payload},
            follow_redirects=True,
        )
        check_response(response, payload)
        check(admin, f"/certificates/{certificate.code}", payload)
        pasted = client.post("/credentials/verify", data={"credential": payload})
        check_response(pasted, payload)


def test_xss_module_badge_revocation_reasons_and_holder_names(world: World, client_as: Any) -> None:
    """The reason an administrator gives for revoking a module badge (shown on its revocation page), and the
    holder's name in the module page's list of badges."""
    from fellowship.accounts.models import User
    from fellowship.credentials.models import Credential
    from tests.test_route_inventory import approved_badge

    fellow = world.users["fellow"]
    badge = approved_badge(world, fellow)
    db.session.commit()
    admin = client_as("admin")
    url = f"/credentials/{badge.uuid}/revoke"
    module_page = f"/cohorts/{world.cohort.id}/modules/badge-module"
    for payload in PAYLOADS:
        db.session.execute(sa.update(Credential).values(revoked_at=None, revoked_reason=""))
        db.session.execute(sa.update(User).where(User.id == fellow.id).values(name=payload[:200]))
        db.session.commit()
        check(admin, module_page, payload)
        response = admin.post(url, data={"reason": payload}, follow_redirects=True)
        check_response(response, payload)
        check(admin, url, payload)


def test_xss_working_group_minutes_decisions_and_action_items(world: World, client_as: Any) -> None:
    """A meeting's notes, decisions and action items (shown on the meeting's page, the minutes page and the
    owner's home page)."""
    from tests.test_route_inventory import group_meeting

    meeting, _item = group_meeting(world, world.users["fellow"])
    db.session.commit()
    facilitator = client_as("facilitator")
    first_item = meeting.agenda[0].id
    for payload in PAYLOADS:
        saved = facilitator.post(f"/meetings/{meeting.id}/minutes", data={f"note_{first_item}": payload})
        check_response(saved, payload)
        check_response(facilitator.post(f"/meetings/{meeting.id}/decisions", data={"text": payload}), payload)
        added = facilitator.post(
            f"/meetings/{meeting.id}/action-items",
            data={"what": payload[:500], "owner_id": world.users["fellow"].id},
        )
        check_response(added, payload)
    for url, role in (
        (f"/events/{meeting.id}", "fellow"),
        (f"/meetings/{meeting.id}/minutes", "facilitator"),
        ("/", "fellow"),
    ):
        page = client_as(role).get(url)
        assert page.status_code == 200
        for payload in PAYLOADS:
            assert script_problems(page.get_data(as_text=True), payload) == [], (url, payload)


def test_xss_subgroup_names(world: World, client_as: Any) -> None:
    """A working group's subgroup names, on its subgroups page and its cohort page's panel."""
    from fellowship.programs.enums import ProgramKind

    world.program.kind = ProgramKind.WORKING_GROUP
    db.session.commit()
    facilitator = client_as("facilitator")
    url = f"/cohorts/{world.cohort.id}/subgroups"
    for number, payload in enumerate(PAYLOADS):
        name = f"{number} {payload}"[:200]
        check_response(facilitator.post(url, data={"name": name}, follow_redirects=True), payload)
    for page in (url, f"/cohorts/{world.cohort.id}"):
        html = client_as("fellow").get(page).get_data(as_text=True)
        for payload in PAYLOADS:
            assert script_problems(html, payload) == [], (page, payload)


def test_xss_common_agenda_sections(world: World, client_as: Any) -> None:
    """The common agenda's sections, on the agenda page, a version's changes and the edit form."""
    facilitator = client_as("facilitator")
    edit = f"/cohorts/{world.cohort.id}/common-agenda/edit"
    for number, payload in enumerate(PAYLOADS):
        data = {"base": str(number), "vision": f"{number} {payload}", "pitch": payload}
        check_response(facilitator.post(edit, data=data, follow_redirects=True), payload)
    pages = [f"/cohorts/{world.cohort.id}/common-agenda", edit]
    pages += [f"/cohorts/{world.cohort.id}/common-agenda/versions/{n}" for n in (1, 2, len(PAYLOADS))]
    for url in pages:
        html = facilitator.get(url).get_data(as_text=True)
        for payload in PAYLOADS:
            assert script_problems(html, payload) == [], (url, payload)


def test_xss_interview_notes(world: World, client_as: Any) -> None:
    """A member's interview notes, on the group's checklist and the interview's form (one interview, its
    notes replaced by each payload in turn)."""
    from fellowship.programs.enums import ProgramKind

    world.program.kind = ProgramKind.WORKING_GROUP
    db.session.commit()
    facilitator = client_as("facilitator")
    url = f"/cohorts/{world.cohort.id}/interviews/{world.users['fellow'].id}"
    for payload in PAYLOADS:
        data = {"held_on": "2024-01-10", "hours": "1", "interviewer_id": "", "notes": payload}
        saved = facilitator.post(url, data=data, follow_redirects=True)
        assert saved.status_code == 200, payload  # saved, and the checklist shows it
        check_response(saved, payload)
        assert script_problems(facilitator.get(url).get_data(as_text=True), payload) == [], payload


def test_xss_network_exchange_texts(world: World, client_as: Any) -> None:
    """A request's message, the answer, the agreed help and the expectations, written through the forms,
    on the exchange's page, the list of exchanges and the helper's home page."""
    from fellowship.network import services
    from fellowship.network.enums import Category, EntryKind
    from fellowship.network.models import Entry, Exchange

    offer = services.save_entry(
        Entry(user_id=world.users["other_fellow"].id),
        None,
        kind=EntryKind.OFFER,
        category=Category.BUSINESS,
        title="Help offered",
        published=True,
    )
    db.session.commit()
    fellow, helper = client_as("fellow"), client_as("other_fellow")
    for payload in PAYLOADS:
        limiter.reset()
        asked = fellow.post(
            f"/network/entries/{offer.id}/ask", data={"message": payload}, follow_redirects=True
        )
        assert asked.status_code == 200, payload
        check_response(asked, payload)
        exchange = db.session.scalar(sa.select(Exchange).order_by(Exchange.id.desc()))
        url = f"/network/exchanges/{exchange.id}"
        check(helper, "/", payload)
        data = {"agreed_help": payload, "expectations": payload, "payment": "paid", "answer": payload}
        accepted = helper.post(f"{url}/accept", data=data, follow_redirects=True)
        assert accepted.status_code == 200, payload
        check_response(accepted, payload)
        check(fellow, url, payload)
        helper.post(f"{url}/done", data={"hours": "1"})
        fellow.post(f"{url}/done")
    check(helper, "/network/exchanges", PAYLOADS[0])


def test_xss_mentoring_texts(world: World, client_as: Any) -> None:
    """A fellow's request to a mentor, the meetings' notes and the reflections, through the forms, on the
    pair's page for each side and the cohort's facilitator."""
    from fellowship.network import services
    from fellowship.network.enums import Category, EntryKind
    from fellowship.network.models import Entry, MentoringPair

    services.save_entry(
        Entry(user_id=world.users["other_fellow"].id),
        None,
        kind=EntryKind.OFFER,
        category=Category.MENTORING,
        title="Mentoring",
        published=True,
    )
    db.session.commit()
    offer = db.session.scalar(sa.select(Entry))
    fellow, mentor, staff = client_as("fellow"), client_as("other_fellow"), client_as("facilitator")
    for payload in PAYLOADS:
        limiter.reset()
        data = {"cohort_id": str(world.cohort.id), "message": payload}
        asked = fellow.post(f"/network/entries/{offer.id}/mentoring", data=data, follow_redirects=True)
        assert asked.status_code == 200, payload
        check_response(asked, payload)
        found = db.session.scalar(sa.select(MentoringPair).order_by(MentoringPair.id.desc()))
        url = f"/mentoring/{found.id}"
        mentor.post(f"{url}/answer", data={"decision": "accept"})
        meeting = {"held_on": "2024-01-10", "minutes": "30", "notes": payload}
        check_response(fellow.post(f"{url}/meetings", data=meeting, follow_redirects=True), payload)
        check_response(mentor.post(f"{url}/end", data={"text": payload}, follow_redirects=True), payload)
        reflected = fellow.post(f"{url}/reflection", data={"text": payload}, follow_redirects=True)
        check_response(reflected, payload)  # the fellow's view of the pair, notes and reflection on it
        check(staff, url, payload)
        db.session.refresh(found)
        assert found.status.value == "ended", payload  # accepted, met and ended through the forms
    check(staff, f"/cohorts/{world.cohort.id}", PAYLOADS[0])


def test_xss_local_group_names_and_places(world: World, client_as: Any) -> None:
    """A local group's name and place, as an administrator starts it, on the list of groups and its page."""
    admin = client_as("admin")
    for number, payload in enumerate(PAYLOADS):
        data = {
            "name": f"{number} {payload}"[:200],
            "place": payload[:120],
            "timezone": "UTC",
            "champion": world.users["facilitator"].email,
        }
        check_response(admin.post("/network/groups/new", data=data, follow_redirects=True), payload)
    from fellowship.network.models import LocalGroup

    saved = db.session.scalar(sa.select(sa.func.count(LocalGroup.cohort_id)))
    assert saved >= len(PAYLOADS) - 5  # all but the few the text rules refuse (control characters)
    listing = client_as("fellow").get("/network/groups").get_data(as_text=True)
    for payload in PAYLOADS:
        assert script_problems(listing, payload) == [], payload


def test_xss_module_editor_texts_fields_and_change_notes(world: World, client_as: Any, tmp_path: Any) -> None:
    """Every text of a module as an editor writes it (title, reading, a field's label and help, a choice, in
    English and Arabic), the change note fellows read, on the editor's pages and the fellows' pages."""
    from fellowship.curriculum.models import Module, ModuleDraft
    from tests.curriculum.conftest import assign_sample_module

    url = assign_sample_module(world, tmp_path)
    admin, fellow = client_as("admin"), client_as("fellow")
    fellow.post(url, data={"action": "save", "base_revision": "0", "frequency": "monthly", "name": "Ours"})
    edit, fields = "/curriculum/mission-statement/edit", "/curriculum/mission-statement/fields"

    def edits() -> str:
        db.session.expire_all()
        found = db.session.scalar(sa.select(ModuleDraft.edits))
        return str(found or 0)

    # "Monthly" goes: the fellow's draft stays behind, so the worksheet page shows each new change note.
    admin.post(
        fields, data={"edits": "0", "remove-choice:frequency:0": "on", "add-choices:frequency": "Weekly"}
    )
    admin.post("/curriculum/mission-statement/publish", data={"edits": edits()})
    assert "newer-version" in fellow.get(url).get_data(as_text=True)

    for number, payload in enumerate(PAYLOADS):
        texts = {
            "t:title": f"{number} {payload}"[:200],
            "t:body": payload,
            "t:f.who_we_are.label": payload[:300],
            "t:f.who_we_are.help": payload,
        }
        for lang in ("en", "ar"):
            check_response(admin.post(f"{edit}?texts={lang}", data={**texts, "edits": edits()}), payload)
            check(admin, f"{edit}?texts={lang}", payload)
        check_response(
            admin.post(fields, data={"edits": edits(), "add-choices:frequency": payload[:300]}), payload
        )
        check(admin, fields, payload)
        check(admin, "/curriculum", payload)
        check(admin, "/curriculum/mission-statement/publish", payload)
        # Only the first few are published: each publication is a version, and the texts are already shown.
        if number % 10 == 0:
            check_response(
                admin.post(
                    "/curriculum/mission-statement/publish", data={"change_note": payload, "edits": edits()}
                ),
                payload,
            )
            check(fellow, f"/cohorts/{world.cohort.id}/modules/mission-statement", payload)
            check(fellow, url, payload)  # the worksheet, on its version, with the note when it stays behind
    assert db.session.scalar(sa.select(sa.func.max(Module.version))) > 1


def test_xss_resource_titles_links_and_file_names(world: World, client_as: Any, tmp_path: Any) -> None:
    """A resource's title, link and uploaded file name, on a module and in a cohort's library, wherever they
    are shown: the library, the cohort page, the module page and the editor's resources page."""
    from io import BytesIO

    from fellowship.curriculum.models import Resource
    from tests.curriculum.conftest import assign_sample_module

    assign_sample_module(world, tmp_path)
    admin, fellow = client_as("admin"), client_as("fellow")
    library = f"/cohorts/{world.cohort.id}/resources"
    pdf = b"%PDF-1.4\n%%EOF\n"
    for number, payload in enumerate(PAYLOADS):
        title = f"{number} {payload}"[:200]
        check_response(admin.post(library, data={"title": title, "url": payload[:2000]}), payload)
        check_response(
            admin.post(library, data={"title": title, "upload": (BytesIO(pdf), f"{payload}.pdf")}), payload
        )
        check_response(
            admin.post(
                "/curriculum/mission-statement/resources",
                data={"title": title, "url": f"https://example.org/{number}"},
            ),
            payload,
        )
    assert db.session.scalar(sa.select(sa.func.count(Resource.id))) >= len(PAYLOADS)
    pages = [
        page.get_data(as_text=True)
        for page in (
            fellow.get(library),
            fellow.get(f"/cohorts/{world.cohort.id}"),
            fellow.get(f"/cohorts/{world.cohort.id}/modules/mission-statement"),
            admin.get("/curriculum/mission-statement/resources"),
        )
    ]
    for payload in PAYLOADS:
        for html in pages:
            assert script_problems(html, payload) == [], payload
    for item in db.session.scalars(sa.select(Resource).where(Resource.stored_name.is_not(None))):
        download = fellow.get(f"/resources/{item.id}/file")
        assert download.status_code == 200 and download.headers["Content-Disposition"].startswith(
            "attachment"
        )
        assert "\n" not in download.headers["Content-Disposition"] and "<" not in item.filename
