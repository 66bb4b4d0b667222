"""Evaluations through the web: answering (members and guests), bad input, the summary, export, emails."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import sqlalchemy as sa

from fellowship.evaluations.models import (
    AnonymousAnswer,
    AnonymousResponse,
    Answer,
    Receipt,
    Response,
    SealedResponse,
    Survey,
)
from fellowship.events.models import EventInvitation
from fellowship.extensions import db
from tests.conftest import World
from tests.evaluations.conftest import STARTS, Webinar
from tests.mailbox import messages


def form_for(survey: Any, **answers: Any) -> dict[str, Any]:
    keys = {q.key: q.id for q in survey.questions}
    values = {"overall": "5", "content": "4", "facilitation": "4", "recommend": "9"}
    values.update(answers)
    return {f"q{keys[k]}": v for k, v in values.items()}


def test_a_fellow_answers_once(world: World, client_as: Any, webinar: Webinar) -> None:
    survey = webinar.evaluate()
    url = f"/events/{webinar.event.id}/evaluation"
    fellow = client_as("fellow")
    page = fellow.get(url).get_data(as_text=True)
    assert "How well was the session facilitated?" in page and "This evaluation is named" in page
    response = fellow.post(url, data=form_for(survey, worked="The myths part."))
    assert response.status_code == 200
    assert "Thank you! Your answers are saved." in response.get_data(as_text=True)
    again = fellow.post(url, data=form_for(survey))
    assert again.status_code == 409
    assert "You have already answered this evaluation." in again.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Response.id))) == 1
    assert db.session.scalar(sa.select(Answer.value_text).where(Answer.value_text.is_not(None))) == (
        "The myths part."
    )


def test_bad_input_is_refused_with_a_message_and_nothing_saved(
    world: World, client_as: Any, webinar: Webinar
) -> None:
    survey = webinar.evaluate()
    url = f"/events/{webinar.event.id}/evaluation"
    fellow = client_as("fellow")
    out_of_range = fellow.post(url, data=form_for(survey, overall="7", worked="Kept text"))
    assert out_of_range.status_code == 422
    body = out_of_range.get_data(as_text=True)
    assert "Not a valid choice" in body and "Kept text" in body
    missing = fellow.post(url, data=form_for(survey, overall=""))
    assert missing.status_code == 422 and "Please answer this question." in missing.get_data(as_text=True)
    tampered = fellow.post(url, data={**form_for(survey), "q999999": "3"})
    assert tampered.status_code == 400
    assert "This form does not match the evaluation." in tampered.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Receipt)) == 0


def test_people_who_did_not_attend_cannot_answer(world: World, client_as: Any, webinar: Webinar) -> None:
    survey = webinar.evaluate()
    url = f"/events/{webinar.event.id}/evaluation"
    page = client_as("observer").get(url)
    assert "Only people who attended the session can evaluate it." in page.get_data(as_text=True)
    assert client_as("observer").post(url, data=form_for(survey)).status_code == 403
    assert client_as("admin").post(url, data=form_for(survey)).status_code == 403
    assert client_as("other_fellow").get(url).status_code == 404


def test_a_guest_answers_through_the_personal_link(client: Any, webinar: Webinar) -> None:
    survey = webinar.evaluate(anonymous=True)
    url = f"/evaluation/{webinar.guest_token}"
    assert "This evaluation is anonymous" in client.get(url).get_data(as_text=True)
    assert client.post(url, data=form_for(survey)).status_code == 200
    second = client.post(url, data=form_for(survey))
    assert second.status_code == 409 and "already answered" in second.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(SealedResponse.id))) == 1  # sealed until released
    assert db.session.scalar(sa.select(sa.func.count(AnonymousResponse.id))) == 0
    assert client.get("/evaluation/not-a-token").status_code == 404


def test_closed_evaluations_refuse_answers(
    world: World, client_as: Any, webinar: Webinar, clock: Any
) -> None:
    survey = webinar.evaluate()
    clock.set_time(STARTS + dt.timedelta(days=16))
    response = client_as("fellow").post(f"/events/{webinar.event.id}/evaluation", data=form_for(survey))
    assert response.status_code == 409 and "This evaluation is closed." in response.get_data(as_text=True)


def test_summary_shows_counts_rate_means_nps_and_texts(
    world: World, client_as: Any, webinar: Webinar, app: Any
) -> None:
    survey = webinar.evaluate()
    url = f"/events/{webinar.event.id}/evaluation"
    client_as("fellow").post(url, data=form_for(survey, worked="Real stories"))
    webinar.client_of(app, "second").post(url, data=form_for(survey, overall="3", recommend="6"))
    hosting = client_as("facilitator").post(url, data=form_for(survey, overall="1"))  # staff do not answer
    assert hosting.status_code == 403
    page = client_as("observer").get(f"{url}/summary").get_data(as_text=True)
    assert "2 responses from 3 attendees (response rate 67%)" in page
    assert "Mean 4, median 4" in page  # overall: 5 and 3
    assert "Net promoter score 0" in page  # one promoter (9), one detractor (6)
    assert "Real stories" in page
    assert '<svg class="chart diverging"' in page and "<title id=" in page
    assert client_as("fellow").get(f"{url}/summary").status_code == 403


def test_anonymous_summary_below_the_minimum_hides_answers(
    world: World, client_as: Any, webinar: Webinar
) -> None:
    survey = webinar.evaluate(anonymous=True)
    url = f"/events/{webinar.event.id}/evaluation"
    client_as("fellow").post(url, data=form_for(survey, worked="Only I wrote this"))
    page = client_as("facilitator").get(f"{url}/summary").get_data(as_text=True)
    assert "Fewer than 3 responses" in page and "Only I wrote this" not in page
    assert "<svg" not in page
    csv = client_as("facilitator").get(f"{url}/responses.csv").get_data(as_text=True)
    assert "Only I wrote this" not in csv and csv.count("\r\n") == 1


def add_responses(survey: Any, event_id: int, count: int) -> None:
    """``count`` guest attendees with a named response each, inserted in bulk."""
    keys = {q.key: q.id for q in survey.questions}
    now = STARTS
    start = db.session.scalar(sa.select(sa.func.coalesce(sa.func.max(EventInvitation.id), 0))) + 1
    db.session.execute(
        sa.insert(EventInvitation),
        [
            {
                "id": start + n,
                "event_id": event_id,
                "email": f"g{start + n}@example.org",
                "name": f"Guest {n}",
                "created_at": now,
                "waitlisted": False,
            }
            for n in range(count)
        ],
    )
    from fellowship.attendance.models import AttendanceRecord

    db.session.execute(
        sa.insert(AttendanceRecord),
        [
            {
                "invitation_id": start + n,
                "day": now.date(),
                "status": "present",
                "note": "",
                "recorded_at": now,
            }
            for n in range(count)
        ],
    )
    db.session.execute(
        sa.insert(Receipt), [{"survey_id": survey.id, "invitation_id": start + n} for n in range(count)]
    )
    first = db.session.scalar(sa.select(sa.func.coalesce(sa.func.max(Response.id), 0))) + 1
    db.session.execute(
        sa.insert(Response),
        [
            {"id": first + n, "survey_id": survey.id, "invitation_id": start + n, "submitted_at": now}
            for n in range(count)
        ],
    )
    db.session.execute(
        sa.insert(Answer),
        [
            {"response_id": first + n, "question_id": keys[key], "value_int": (n % 5) + 1, "value_text": None}
            for n in range(count)
            for key in ("overall", "content", "facilitation")
        ]
        + [
            {
                "response_id": first + n,
                "question_id": keys["recommend"],
                "value_int": n % 11,
                "value_text": None,
            }
            for n in range(count)
        ]
        + [
            {
                "response_id": first + n,
                "question_id": keys["worked"],
                "value_int": None,
                "value_text": f"Note {n}",
            }
            for n in range(count)
        ],
    )
    db.session.commit()


def test_summary_query_count_is_the_same_for_10_and_5000_responses(
    world: World, client_as: Any, webinar: Webinar, count_queries: Any
) -> None:
    survey = webinar.evaluate()
    client = client_as("facilitator")
    url = f"/events/{webinar.event.id}/evaluation/summary"
    counts = []
    for total in (10, 5000):
        add_responses(survey, webinar.event.id, total - (10 if total == 5000 else 0))
        with count_queries() as counter:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(counter.count)
        assert f"{total} responses from {total + 3} attendees" in response.get_data(as_text=True)
    assert counts[0] == counts[1]


def test_csv_export_named_and_neutralised(world: World, client_as: Any, webinar: Webinar) -> None:
    survey = webinar.evaluate()
    url = f"/events/{webinar.event.id}/evaluation"
    client_as("fellow").post(url, data=form_for(survey, worked="=HYPERLINK(1)"))
    response = client_as("facilitator").get(f"{url}/responses.csv")
    lines = response.get_data(as_text=True).lstrip("\ufeff").split("\r\n")
    assert lines[0].startswith(
        'Name,Organisation,Submitted (UTC),"Overall, how would you rate this session?"'
    )
    assert lines[1].startswith("Fiona Fellow,")
    assert "'=HYPERLINK(1)" in lines[1]
    assert client_as("observer").get(f"{url}/responses.csv").status_code == 403


def test_dispatch_emails_each_attendee_once(world: World, app: Any, webinar: Webinar) -> None:
    webinar.evaluate(anonymous=True)
    runner = app.test_cli_runner()
    runner.invoke(args=["fellowship", "dispatch"])
    runner.invoke(args=["fellowship", "dispatch"])
    sent = sorted(m.recipient for m in messages("evaluation_link"))
    assert sent == sorted(
        [world.users["fellow"].email, webinar.invitations["second"].email, "gail@example.org"]
    )  # the hosts (the facilitator, late, and the absent observer) get nothing
    guest = next(m for m in messages("evaluation_link") if m.recipient == "gail@example.org")
    assert f"/evaluation/{webinar.guest_token}" in guest.body_text
    assert "Your answers are anonymous" in guest.body_text


def test_cohort_page_prompts_members_with_an_open_evaluation(
    world: World, client_as: Any, webinar: Webinar
) -> None:
    survey = webinar.evaluate()
    cohort_url = f"/cohorts/{world.cohort.id}"
    page = client_as("fellow").get(cohort_url).get_data(as_text=True)
    assert "Evaluations waiting for you" in page and f"/events/{webinar.event.id}/evaluation" in page
    client_as("fellow").post(f"/events/{webinar.event.id}/evaluation", data=form_for(survey))
    assert "Evaluations waiting for you" not in client_as("fellow").get(cohort_url).get_data(as_text=True)
    assert "Evaluations waiting for you" not in client_as("observer").get(cohort_url).get_data(as_text=True)


def test_dashboard_prompts_across_cohorts(world: World, client_as: Any, webinar: Webinar) -> None:
    survey = webinar.evaluate()
    page = client_as("fellow").get("/").get_data(as_text=True)
    assert "Evaluations waiting for you" in page and "Launch webinar" in page
    assert "Evaluations waiting for you" not in client_as("other_fellow").get("/").get_data(as_text=True)
    client_as("fellow").post(f"/events/{webinar.event.id}/evaluation", data=form_for(survey))
    assert "Evaluations waiting for you" not in client_as("fellow").get("/").get_data(as_text=True)


def test_attach_and_remove_through_the_event(world: World, client_as: Any, webinar: Webinar) -> None:
    facilitator = client_as("facilitator")
    setup = f"/events/{webinar.event.id}/evaluation/setup"
    assert "Attach an evaluation" in facilitator.get(f"/events/{webinar.event.id}").get_data(as_text=True)
    early = facilitator.post(setup, data={"source": "default", "closes_on": "2024-01-17"})
    assert early.status_code == 400 and "must close after the event ends" in early.get_data(as_text=True)
    done = facilitator.post(setup, data={"source": "default", "closes_on": "2024-02-01", "anonymous": "y"})
    assert done.status_code == 302
    assert webinar.survey.anonymous and len(webinar.survey.questions) == 7
    assert webinar.survey.closes_at == dt.datetime(2024, 2, 2, 6, 0, tzinfo=dt.UTC)  # end of day, Chicago
    assert facilitator.post(f"/events/{webinar.event.id}/evaluation/remove").status_code == 302
    assert webinar.survey is None


def test_template_library_edits_without_touching_copies(
    world: World, client_as: Any, webinar: Webinar
) -> None:
    facilitator = client_as("facilitator")
    form = {"title": "Short check-in", "questions-0-prompt": "Was it useful?", "questions-0-kind": "likert5"}
    form |= {
        "questions-1-prompt": "Which format?",
        "questions-1-kind": "single",
        "questions-1-options": "Online",
    }
    bad = facilitator.post("/surveys/new", data=form)
    assert bad.status_code == 400 and "A choice question needs at least two options." in bad.get_data(
        as_text=True
    )
    form["questions-1-options"] = "Online\nIn person"
    form |= {"questions-0-position": "2", "questions-1-position": "1"}  # asked in this order
    assert facilitator.post("/surveys/new", data=form).status_code == 302
    template = db.session.scalar(sa.select(Survey).where(Survey.title == "Short check-in"))
    assert [(q.prompt, q.kind.value, q.options) for q in template.questions] == [
        ("Which format?", "single", ["Online", "In person"]),
        ("Was it useful?", "likert5", []),
    ]
    library = facilitator.get("/surveys").get_data(as_text=True)
    assert "Short check-in" in library and "Post-session evaluation" in library
    assert client_as("fellow").get("/surveys").status_code == 403


def test_trend_and_comparison_pages(world: World, client_as: Any, webinar: Webinar) -> None:
    survey = webinar.evaluate()
    client_as("fellow").post(f"/events/{webinar.event.id}/evaluation", data=form_for(survey))
    trend = client_as("observer").get(f"/cohorts/{world.cohort.id}/evaluations").get_data(as_text=True)
    assert "Launch webinar" in trend and '5 <span class="muted">(n=1)</span>' in trend
    compare = client_as("admin").get("/evaluations/compare").get_data(as_text=True)
    assert world.cohort.name in compare and "(n=1)" in compare
    assert "(n=1)" not in client_as("other_facilitator").get("/evaluations/compare").get_data(as_text=True)


def test_anonymous_answers_cannot_be_tied_to_a_person(
    world: World, client_as: Any, webinar: Webinar, app: Any, clock: Any
) -> None:
    inspector = sa.inspect(db.engine)
    columns = {
        t: {c["name"] for c in inspector.get_columns(t)}
        for t in ("anonymous_responses", "anonymous_answers", "survey_receipts", "sealed_responses")
    }
    assert columns == {
        "anonymous_responses": {"id", "survey_id"},
        "anonymous_answers": {"id", "response_id", "question_id", "value_int", "value_text"},
        "survey_receipts": {"survey_id", "invitation_id"},
        "sealed_responses": {"id", "survey_id", "sealed"},
    }
    survey = webinar.evaluate(anonymous=True)
    url = f"/events/{webinar.event.id}/evaluation"
    client_as("fellow").post(url, data=form_for(survey, worked="Secret of fellow"))
    webinar.client_of(app, "second").post(url, data=form_for(survey, worked="Secret of second"))
    client_as("anonymous").post(
        f"/evaluation/{webinar.guest_token}", data=form_for(survey, worked="Guest secret")
    )
    sealed = db.session.scalars(sa.select(SealedResponse.id)).all()
    assert len(sealed) == 3 and all(isinstance(k, uuid.UUID) and k.version == 4 for k in sealed)
    waiting = client_as("facilitator").get(f"{url}/summary").get_data(as_text=True)
    assert "3 answers are waiting to be added" in waiting and "Secret of fellow" not in waiting
    clock.set_time(STARTS + dt.timedelta(days=15))  # closed: the three are released as one batch
    assert "anonymous answers: 3" in app.test_cli_runner().invoke(args=["fellowship", "dispatch"]).output
    keys = db.session.scalars(sa.select(AnonymousResponse.id)).all()
    assert len(keys) == 3 and all(isinstance(k, uuid.UUID) and k.version == 4 for k in keys)
    assert not set(keys) & set(sealed)  # fresh keys: the sealed row's key leads nowhere
    names = [world.users["fellow"].name, "Sam Second", "Gail Guest"]

    def content(page: str) -> str:  # the page without its header, which names the signed-in viewer
        return page[page.index("<main") :]

    pages = {
        "summary": content(client_as("facilitator").get(f"{url}/summary").get_data(as_text=True)),
        "csv": client_as("facilitator").get(f"{url}/responses.csv").get_data(as_text=True),
        "admin summary": content(client_as("admin").get(f"{url}/summary").get_data(as_text=True)),
    }
    for page in pages.values():
        assert "Secret of fellow" in page and "Guest secret" in page  # the answers are there ...
        assert not any(name in page for name in names)  # ... but nobody's name
    for figures_page in (f"/cohorts/{world.cohort.id}/evaluations", "/evaluations/compare"):
        trend = content(client_as("admin").get(figures_page).get_data(as_text=True))
        assert "(n=3)" in trend and not any(name in trend for name in names)
    event_page = content(client_as("admin").get(f"/events/{webinar.event.id}").get_data(as_text=True))
    assert "Secret of" not in event_page and "Guest secret" not in event_page
    csv = client_as("facilitator").get(f"{url}/responses.csv").get_data(as_text=True)
    assert csv.splitlines()[0].startswith('\ufeff"Overall')  # no name, organisation or time columns
    assert db.session.scalar(sa.select(sa.func.count(AnonymousAnswer.id))) == 3 * 5
