"""Evaluation rules: templates, attaching a copy to an event, answering once, and the figures.

Functions flush, never commit. Figures are computed from counts the database groups (GROUP BY), never by
loading every answer.
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from fellowship.core import clock
from fellowship.evaluations import queries
from fellowship.evaluations.enums import CHOICE_KINDS, SCALES, QuestionKind
from fellowship.evaluations.models import (
    AnonymousAnswer,
    AnonymousResponse,
    Answer,
    Question,
    Receipt,
    Response,
    Survey,
)
from fellowship.events.models import Event, EventInvitation
from fellowship.extensions import db


class EvaluationError(ValueError):
    """A rule was broken; the message is shown to the person."""


class AlreadyAnswered(EvaluationError):
    def __init__(self) -> None:
        super().__init__(_l("You have already answered this evaluation. Thank you!"))


# --- templates and copies -----------------------------------------------------------------------------------


def _question(spec: dict[str, Any], position: int) -> Question:
    kind = QuestionKind(spec["kind"])
    options = [o for o in spec.get("options", []) if o] if kind in CHOICE_KINDS else []
    if kind in CHOICE_KINDS and len(options) < 2:
        raise EvaluationError(_l("A choice question needs at least two options."))
    return Question(
        position=position,
        key=spec.get("key", "") or "",
        kind=kind,
        prompt=spec["prompt"],
        options=options,
        low_label=spec.get("low_label", "") if kind in SCALES else "",
        high_label=spec.get("high_label", "") if kind in SCALES else "",
        required=bool(spec.get("required")),
    )


def has_answers(survey: Survey) -> bool:
    return bool(db.session.scalar(queries.receipt_count(survey.id)))


def save_template(
    survey: Survey | None, title: str, questions: list[dict[str, Any]], user_id: int | None
) -> Survey:
    """Create a template or replace its questions. Editing a template never touches events' copies."""
    if not questions:
        raise EvaluationError(_l("Add at least one question."))
    if survey is None:
        survey = Survey(title=title, created_by_id=user_id)
        db.session.add(survey)
    elif survey.event_id is not None and has_answers(survey):
        raise EvaluationError(_l("This evaluation already has answers; its questions can no longer change."))
    survey.title = title
    survey.questions = [_question(spec, n) for n, spec in enumerate(questions)]
    db.session.flush()
    return survey


def as_specs(survey: Survey) -> list[dict[str, Any]]:
    return [
        {
            "key": q.key or f"q{q.id}",
            "kind": q.kind,
            "prompt": q.prompt,
            "options": list(q.options),
            "low_label": q.low_label,
            "high_label": q.high_label,
            "required": q.required,
        }
        for q in survey.questions
    ]


def attach(
    event: Event,
    title: str,
    questions: list[dict[str, Any]],
    anonymous: bool,
    closes_at: dt.datetime | None,
    user_id: int | None,
) -> Survey:
    """Copy the questions onto the event as its evaluation (later template edits never reach it)."""
    if db.session.scalar(sa.select(Survey.id).where(Survey.event_id == event.id)) is not None:
        raise EvaluationError(_l("This event already has an evaluation."))
    if closes_at is not None and closes_at <= event.ends_at:
        raise EvaluationError(_l("The evaluation must close after the event ends."))
    survey = Survey(
        title=title, event_id=event.id, anonymous=anonymous, closes_at=closes_at, created_by_id=user_id
    )
    db.session.add(survey)
    survey.questions = [_question(spec, n) for n, spec in enumerate(questions)]
    db.session.flush()
    return survey


def detach(survey: Survey) -> None:
    if has_answers(survey):
        raise EvaluationError(_l("This evaluation already has answers; it cannot be removed."))
    db.session.delete(survey)
    db.session.flush()


# --- answering ----------------------------------------------------------------------------------------------


def may_answer(invitation: EventInvitation) -> bool:
    return bool(
        db.session.scalar(
            sa.select(sa.func.count(EventInvitation.id)).where(
                EventInvitation.id == invitation.id, queries.attended_clause()
            )
        )
    )


def has_answered(survey: Survey, invitation: EventInvitation) -> bool:
    return db.session.get(Receipt, (survey.id, invitation.id)) is not None


def check_values(survey: Survey, values: dict[int, Any]) -> None:
    """The values must fit their questions: known question, value in range, known options, required ones
    present. The forms check this too; this is the rule itself."""
    by_id = {q.id: q for q in survey.questions}
    if set(values) - set(by_id):
        raise EvaluationError(
            _l("This form does not match the evaluation. Reload the page and answer again.")
        )
    for question in survey.questions:
        value = values.get(question.id)
        empty = value in (None, "", [])
        if empty:
            if question.required:
                raise EvaluationError(_l("Please answer every required question."))
            continue
        if question.kind in SCALES and value not in SCALES[question.kind]:
            raise EvaluationError(_l("An answer is outside its scale."))
        chosen = value if question.kind is QuestionKind.MULTI else [value]
        if question.kind in CHOICE_KINDS and not all(
            isinstance(v, int) and 0 <= v < len(question.options) for v in chosen
        ):
            raise EvaluationError(_l("An answer is not one of the options."))
        if question.kind is QuestionKind.TEXT and (not isinstance(value, str) or len(value) > 5000):
            raise EvaluationError(_l("A text answer may have at most 5000 characters."))


def submit(survey: Survey, invitation: EventInvitation, values: dict[int, Any]) -> None:
    """Record one response. The receipt's primary key makes a second one fail, also when two arrive at
    the same moment (the loser's flush raises IntegrityError, which callers report as already answered)."""
    now = clock.now()
    if survey.event_id != invitation.event_id:
        raise EvaluationError(_l("This evaluation is for another event."))
    if not survey.is_open(now):
        raise EvaluationError(_l("This evaluation is closed."))
    if not may_answer(invitation):
        raise EvaluationError(_l("Only people who attended the session can evaluate it."))
    if has_answered(survey, invitation):
        raise AlreadyAnswered()
    check_values(survey, values)
    record(survey, invitation, values, now)


def record(survey: Survey, invitation: EventInvitation, values: dict[int, Any], now: Any) -> None:
    """Store checked values: the receipt first, then the response (named or anonymous) and its answers.
    Only ``submit`` and the demo's historical answers call this."""
    db.session.add(Receipt(survey_id=survey.id, invitation_id=invitation.id))
    db.session.flush()  # the unique point: a concurrent second response stops here
    if survey.anonymous:
        anonymous = AnonymousResponse(survey_id=survey.id)
        db.session.add(anonymous)
        db.session.flush()
        rows: list[Any] = [
            AnonymousAnswer(response_id=anonymous.id, question_id=q, value_int=n, value_text=t)
            for q, n, t in _cells(survey, values)
        ]
    else:
        response = Response(survey_id=survey.id, invitation_id=invitation.id, submitted_at=now)
        db.session.add(response)
        db.session.flush()
        rows = [
            Answer(response_id=response.id, question_id=q, value_int=n, value_text=t)
            for q, n, t in _cells(survey, values)
        ]
    db.session.add_all(rows)
    db.session.flush()


def _cells(survey: Survey, values: dict[int, Any]) -> list[tuple[int, int | None, str | None]]:
    cells: list[tuple[int, int | None, str | None]] = []
    for question in survey.questions:
        value = values.get(question.id)
        if value in (None, "", []):
            continue
        if question.kind is QuestionKind.TEXT:
            cells.append((question.id, None, value))
        elif question.kind is QuestionKind.MULTI:
            cells.extend((question.id, v, None) for v in sorted(set(value)))
        else:
            cells.append((question.id, int(value), None))
    return cells


# --- figures ------------------------------------------------------------------------------------------------


def mean(counts: dict[int, int]) -> float | None:
    total = sum(counts.values())
    return sum(v * n for v, n in counts.items()) / total if total else None


def median(counts: dict[int, int]) -> float | None:
    """The median of the values the counts stand for, without expanding them."""
    total = sum(counts.values())
    if not total:
        return None
    ordered = sorted(counts.items())

    def nth(index: int) -> int:
        seen = 0
        for value, n in ordered:
            seen += n
            if index < seen:
                return value
        raise IndexError(index)

    if total % 2:
        return float(nth(total // 2))
    return statistics.mean([nth(total // 2 - 1), nth(total // 2)])


def nps(counts: dict[int, int]) -> int | None:
    """Net promoter score of a 0–10 question: per cent promoters (9–10) minus per cent detractors (0–6)."""
    total = sum(counts.values())
    if not total:
        return None
    promoters = sum(n for v, n in counts.items() if v >= 9)
    detractors = sum(n for v, n in counts.items() if v <= 6)
    return round(100 * (promoters - detractors) / total)


@dataclass
class QuestionFigures:
    question: Question
    counts: dict[int, int] = field(default_factory=dict)
    texts: list[str] = field(default_factory=list)

    @property
    def answered(self) -> int:
        return sum(self.counts.values()) if self.question.kind is not QuestionKind.MULTI else 0

    @property
    def values(self) -> list[int]:
        kind = self.question.kind
        return list(SCALES[kind]) if kind in SCALES else list(range(len(self.question.options)))

    @property
    def mean(self) -> float | None:
        return mean(self.counts) if self.question.kind in SCALES else None

    @property
    def median(self) -> float | None:
        return median(self.counts) if self.question.kind in SCALES else None

    @property
    def nps(self) -> int | None:
        return nps(self.counts) if self.question.kind is QuestionKind.SCALE10 else None


@dataclass
class Summary:
    survey: Survey
    responses: int
    attendees: int
    questions: list[QuestionFigures]
    hidden: bool
    """Too few anonymous responses: per-option counts, figures and free text are withheld."""
    more_texts: bool = False

    @property
    def rate(self) -> float | None:
        return self.responses / self.attendees if self.attendees else None


TEXT_LIMIT = 2000


def summary(survey: Survey, minimum_group: int) -> Summary:
    """The event's figures in four queries whatever the number of responses."""
    assert survey.event_id is not None
    responses = db.session.scalar(queries.receipt_count(survey.id)) or 0
    attendees = db.session.scalar(queries.attendee_count(survey.event_id)) or 0
    figures = {q.id: QuestionFigures(q) for q in survey.questions}
    hidden = survey.anonymous and responses < minimum_group
    more = False
    if not hidden:
        for question_id, value, count in db.session.execute(queries.distribution(survey.id)):
            figures[question_id].counts[value] = count
        rows = db.session.execute(queries.texts(survey.id, TEXT_LIMIT + 1)).all()
        more = len(rows) > TEXT_LIMIT
        for question_id, text in rows[:TEXT_LIMIT]:
            figures[question_id].texts.append(text)
    return Summary(survey, responses, attendees, list(figures.values()), hidden, more)


# --- splits and comparisons ---------------------------------------------------------------------------------


@dataclass
class GroupFigures:
    name: str
    responses: int
    means: dict[int, float]


def by_organisation(survey: Survey, minimum_group: int) -> tuple[list[GroupFigures], int]:
    """Mean per scale question per partner organisation, for named surveys only; groups smaller than
    ``minimum_group`` are left out (returned as a count) so nobody's answers show through. Two queries."""
    from fellowship.accounts.models import Organization, User

    if survey.anonymous:
        return [], 0
    org = sa.func.coalesce(Organization.name, "")
    sizes = dict(
        db.session.execute(
            sa.select(org, sa.func.count(Response.id))
            .select_from(Response)
            .join(EventInvitation, EventInvitation.id == Response.invitation_id)
            .outerjoin(User, User.id == EventInvitation.user_id)
            .outerjoin(Organization, Organization.id == User.organization_id)
            .where(Response.survey_id == survey.id)
            .group_by(org)
        ).all()
    )
    means: dict[str, dict[int, float]] = {}
    rows = db.session.execute(
        sa.select(org, Answer.question_id, sa.func.avg(Answer.value_int))
        .select_from(Answer)
        .join(Response, Response.id == Answer.response_id)
        .join(Question, Question.id == Answer.question_id)
        .join(EventInvitation, EventInvitation.id == Response.invitation_id)
        .outerjoin(User, User.id == EventInvitation.user_id)
        .outerjoin(Organization, Organization.id == User.organization_id)
        .where(Response.survey_id == survey.id, Question.kind.in_(list(SCALES)))
        .group_by(org, Answer.question_id)
    )
    for name, question_id, average in rows:
        means.setdefault(name, {})[question_id] = float(average)
    groups = [
        GroupFigures(name, size, means.get(name, {}))
        for name, size in sorted(sizes.items(), key=lambda item: item[0].lower())
        if size >= minimum_group
    ]
    return groups, sum(1 for size in sizes.values() if size < minimum_group)


def compare(group_column: Any, where: Any) -> dict[tuple[Any, str], tuple[float, int]]:
    """Mean and number of answers per (group, question key) over scale questions, named and anonymous
    answers alike; ``group_column`` is a column of Event (its id, or its cohort). One query."""
    rows = queries.answers()
    stmt = (
        sa.select(group_column, Question.key, sa.func.avg(rows.c.value_int), sa.func.count())
        .select_from(rows)
        .join(Question, Question.id == rows.c.question_id)
        .join(Survey, Survey.id == Question.survey_id)
        .join(Event, Event.id == Survey.event_id)
        .where(where, Question.kind.in_(list(SCALES)), Question.key != "")
        .group_by(group_column, Question.key)
    )
    return {(group, key): (float(avg), n) for group, key, avg, n in db.session.execute(stmt)}


# --- export -------------------------------------------------------------------------------------------------


def export_rows(survey: Survey, minimum_group: int) -> list[list[Any]]:
    """The responses as CSV rows, one per response, one column per question.

    Named: the person's name and organisation and the time first. Anonymous: no name, no time, rows in
    the order of their random keys; below the minimum group size only the header is given, like the page.
    """
    questions = survey.questions
    header = [q.prompt for q in questions]
    column = {q.id: n for n, q in enumerate(questions)}
    option = {q.id: q.options for q in questions}
    kinds = {q.id: q.kind for q in questions}

    def cell(
        rows: list[list[Any]], index: int, question_id: int, number: int | None, text: str | None
    ) -> None:
        kind, at = kinds[question_id], column[question_id]
        if kind is QuestionKind.TEXT:
            value: Any = text or ""
        elif kind in CHOICE_KINDS:
            options = option[question_id]
            value = options[number] if number is not None and 0 <= number < len(options) else ""
        else:
            value = number
        if kind is QuestionKind.MULTI and rows[index][at]:
            rows[index][at] = f"{rows[index][at]}; {value}"
        else:
            rows[index][at] = value

    if survey.anonymous:
        if (db.session.scalar(queries.receipt_count(survey.id)) or 0) < minimum_group:
            return [header]
        stmt = (
            sa.select(
                AnonymousAnswer.response_id,
                AnonymousAnswer.question_id,
                AnonymousAnswer.value_int,
                AnonymousAnswer.value_text,
            )
            .join(AnonymousResponse, AnonymousResponse.id == AnonymousAnswer.response_id)
            .where(AnonymousResponse.survey_id == survey.id)
            .order_by(AnonymousAnswer.response_id, AnonymousAnswer.value_int)
        )
        order: dict[Any, int] = {}
        rows: list[list[Any]] = []
        for response_id, question_id, number, text in db.session.execute(stmt):
            if response_id not in order:
                order[response_id] = len(rows)
                rows.append([""] * len(questions))
            cell(rows, order[response_id], question_id, number, text)
        return [header, *rows]

    from fellowship.accounts.models import Organization, User

    people = db.session.execute(
        sa.select(Response.id, EventInvitation.name, Organization.name, Response.submitted_at)
        .join(EventInvitation, EventInvitation.id == Response.invitation_id)
        .outerjoin(User, User.id == EventInvitation.user_id)
        .outerjoin(Organization, Organization.id == User.organization_id)
        .where(Response.survey_id == survey.id)
        .order_by(Response.submitted_at, Response.id)
    ).all()
    index = {response_id: n for n, (response_id, *_rest) in enumerate(people)}
    named: list[list[Any]] = [[""] * len(questions) for _ in people]
    answers = db.session.execute(
        sa.select(Answer.response_id, Answer.question_id, Answer.value_int, Answer.value_text)
        .join(Response, Response.id == Answer.response_id)
        .where(Response.survey_id == survey.id)
        .order_by(Answer.response_id, Answer.value_int)
    )
    for response_id, question_id, number, text in answers:
        cell(named, index[response_id], question_id, number, text)
    return [
        [str(_l("Name")), str(_l("Organisation")), str(_l("Submitted (UTC)")), *header],
        *[
            [name, org or "", submitted.strftime("%Y-%m-%d %H:%M"), *named[n]]
            for n, (_id, name, org, submitted) in enumerate(people)
        ],
    ]
