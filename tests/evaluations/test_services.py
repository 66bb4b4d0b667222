"""Evaluation rules tested directly: copies, answering once, validation, figures."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import sqlalchemy as sa

from fellowship.evaluations import defaults, services
from fellowship.evaluations.enums import QuestionKind
from fellowship.evaluations.models import AnonymousAnswer, Answer, Receipt, Response, SealedResponse
from fellowship.extensions import db
from tests.evaluations.conftest import Webinar


def by_key(survey: Any) -> dict[str, int]:
    return {q.key: q.id for q in survey.questions}


def test_attaching_copies_the_template_and_later_edits_do_not_reach_the_copy(webinar: Webinar) -> None:
    template = services.save_template(None, "Webinar feedback", defaults.questions(), None)
    copy = webinar.evaluate(specs=services.as_specs(template))
    edited = services.as_specs(template)
    edited[0]["prompt"] = "Changed later"
    services.save_template(template, "Webinar feedback", edited[:2], None)
    db.session.commit()
    db.session.expire_all()
    assert [q.prompt for q in copy.questions][:1] == ["Overall, how would you rate this session?"]
    assert len(copy.questions) == 7 and len(template.questions) == 2


def test_a_named_response_is_stored_once(webinar: Webinar) -> None:
    survey = webinar.evaluate()
    keys = by_key(survey)
    values = {keys["overall"]: 5, keys["content"]: 4, keys["facilitation"]: 4, keys["recommend"]: 9}
    services.submit(survey, webinar.invitations["fellow"], {**values, keys["worked"]: "Clear examples."})
    with pytest.raises(services.AlreadyAnswered):
        services.submit(survey, webinar.invitations["fellow"], values)
    assert db.session.scalar(sa.select(sa.func.count(Response.id))) == 1
    assert sorted(db.session.scalars(sa.select(Answer.value_int)).all(), key=str) == sorted(
        [5, 4, 4, 9, None], key=str
    )


def test_an_anonymous_response_leaves_no_trace_of_the_person(webinar: Webinar) -> None:
    survey = webinar.evaluate(anonymous=True)
    keys = by_key(survey)
    services.submit(
        survey,
        webinar.invitations["guest"],
        {keys["overall"]: 3, keys["content"]: 3, keys["facilitation"]: 3, keys["recommend"]: 6},
    )
    assert db.session.scalar(sa.select(sa.func.count(Response.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(AnonymousAnswer.id))) == 0  # sealed until released
    assert db.session.scalar(sa.select(sa.func.count(SealedResponse.id))) == 1
    assert db.session.execute(sa.select(Receipt.survey_id, Receipt.invitation_id)).all() == [
        (survey.id, webinar.invitations["guest"].id)
    ]
    with pytest.raises(services.AlreadyAnswered):
        services.submit(survey, webinar.invitations["guest"], {})
    assert services.release(survey, survey.closes_at, 1) == 1
    assert db.session.scalar(sa.select(sa.func.count(AnonymousAnswer.id))) == 4
    assert db.session.execute(sa.select(Receipt.survey_id, Receipt.invitation_id)).all() == [
        (survey.id, webinar.invitations["guest"].id)
    ]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"overall": 6}, "An answer is outside its scale."),
        ({"recommend": -1}, "An answer is outside its scale."),
        ({"overall": None}, "Please answer every required question."),
        ({"worked": "x" * 5001}, "A text answer may have at most 5000 characters."),
    ],
)
def test_values_that_do_not_fit_are_refused(webinar: Webinar, change: dict[str, Any], message: str) -> None:
    survey = webinar.evaluate()
    keys = by_key(survey)
    values = {keys["overall"]: 5, keys["content"]: 4, keys["facilitation"]: 4, keys["recommend"]: 9}
    values.update({keys[k]: v for k, v in change.items()})
    with pytest.raises(services.EvaluationError, match=message):
        services.submit(survey, webinar.invitations["fellow"], values)
    assert db.session.scalar(sa.select(sa.func.count(Receipt.survey_id))) == 0


def test_unknown_options_and_questions_are_refused(webinar: Webinar) -> None:
    survey = webinar.evaluate(
        specs=[{"kind": QuestionKind.MULTI, "prompt": "Which parts?", "options": ["Talk", "Breakouts"]}]
    )
    [question] = survey.questions
    with pytest.raises(services.EvaluationError, match="not one of the options"):
        services.submit(survey, webinar.invitations["fellow"], {question.id: [0, 2]})
    with pytest.raises(services.EvaluationError, match="does not match"):
        services.submit(survey, webinar.invitations["fellow"], {question.id + 999: 1})
    services.submit(survey, webinar.invitations["fellow"], {question.id: [1, 0]})
    assert sorted(db.session.scalars(sa.select(Answer.value_int))) == [0, 1]


def test_only_attendees_answer_and_only_while_open(webinar: Webinar, clock: Any) -> None:
    survey = webinar.evaluate()
    with pytest.raises(services.EvaluationError, match="Only people who attended"):
        services.submit(survey, webinar.invitations["observer"], {})
    clock.advance(dt.timedelta(days=15))
    with pytest.raises(services.EvaluationError, match="closed"):
        services.submit(survey, webinar.invitations["fellow"], {})


def test_figures_mean_median_and_nps() -> None:
    counts = {9: 3, 10: 2, 7: 1, 3: 2}
    assert services.mean(counts) == pytest.approx((27 + 20 + 7 + 6) / 8)
    assert services.median(counts) == 9  # 3 3 7 9 | 9 9 10 10
    assert services.median({1: 1, 2: 1}) == 1.5
    assert services.nps(counts) == round(100 * (5 - 2) / 8)
    assert services.mean({}) is None and services.nps({}) is None


def test_summary_hides_small_anonymous_groups(webinar: Webinar) -> None:
    survey = webinar.evaluate(anonymous=True)
    keys = by_key(survey)
    base = {keys["overall"]: 4, keys["content"]: 4, keys["facilitation"]: 5, keys["recommend"]: 10}
    services.submit(survey, webinar.invitations["fellow"], {**base, keys["worked"]: "Good pace"})
    services.submit(survey, webinar.invitations["guest"], base)
    hidden = services.summary(survey, minimum_group=3)
    assert hidden.hidden and hidden.responses == 2 and hidden.attendees == 3 and hidden.sealed == 2
    assert all(not q.counts and not q.texts for q in hidden.questions)
    assert services.release(survey, survey.closes_at, 2) == 2  # closed, and the group is big enough
    shown = services.summary(survey, minimum_group=2)
    assert shown.sealed == 0
    overall = next(q for q in shown.questions if q.question.key == "overall")
    assert (shown.hidden, overall.counts, overall.mean) == (False, {4: 2}, 4.0)
    assert next(q for q in shown.questions if q.question.key == "worked").texts == ["Good pace"]
    assert next(q for q in shown.questions if q.question.key == "recommend").nps == 100


def test_by_organisation_leaves_out_small_groups(webinar: Webinar) -> None:
    survey = webinar.evaluate()
    keys = by_key(survey)
    base = {keys["overall"]: 4, keys["content"]: 4, keys["facilitation"]: 5, keys["recommend"]: 10}
    services.submit(survey, webinar.invitations["fellow"], base)
    services.submit(survey, webinar.invitations["guest"], {**base, keys["overall"]: 2})
    groups, small = services.by_organisation(survey, minimum_group=1)
    assert sorted((g.name, g.responses, g.means[keys["overall"]]) for g in groups) == [
        ("", 1, 2.0),
        (webinar.invitations["fellow"].user.organization.name, 1, 4.0),
    ]
    assert services.by_organisation(survey, minimum_group=2) == ([], 2)
    anonymous = webinar.evaluate  # a second evaluation is refused for the same event
    with pytest.raises(services.EvaluationError):
        anonymous()
