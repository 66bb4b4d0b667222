"""Evaluation rules: templates, attaching a copy to an event, answering once, releasing anonymous answers,
and the figures.

Functions flush, never commit. Figures are computed from counts the database groups (GROUP BY), never by
loading every answer.

Anonymous answers are stored twice over time. When a person answers, their receipt and their answer, sealed
(encrypted, ``sealing``), are written in one transaction: whoever reads the database can tie the two (the
rows share PostgreSQL's transaction id ``xmin`` and sit side by side in SQLite's rowid order), but the
answer they reach is ciphertext. ``release`` (run by `flask fellowship dispatch`) later opens a batch of
sealed answers, shuffles it, stores it readable with fresh random keys and deletes the sealed rows, and in
the same transaction deletes and re-inserts every receipt of the survey in a shuffled order. After that,
all of the survey's receipts carry the release's transaction id and a random place, like the batch's
answers, so neither the transaction nor the storage order says whose answer is whose. A batch is never
smaller than the minimum group: while the survey is open, ``minimum`` answers are always kept back, so the
last batch (after closing) has at least that many too.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
import statistics
import uuid
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from fellowship.core import clock
from fellowship.evaluations import queries, sealing
from fellowship.evaluations.enums import CHOICE_KINDS, SCALES, QuestionKind
from fellowship.evaluations.models import (
    AnonymousAnswer,
    AnonymousResponse,
    Answer,
    Question,
    Receipt,
    Response,
    SealedResponse,
    Survey,
)
from fellowship.events.models import Event, EventInvitation
from fellowship.extensions import db

logger = logging.getLogger("fellowship.evaluations")


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
    """Store checked values: the receipt first, then the response. A named response and its answers are
    stored as they are; an anonymous one is sealed, to be released in a batch later (``release``).
    Only ``submit`` and the demo's historical answers call this."""
    db.session.add(Receipt(survey_id=survey.id, invitation_id=invitation.id))
    db.session.flush()  # the unique point: a concurrent second response stops here
    if survey.anonymous:
        db.session.add(SealedResponse(survey_id=survey.id, sealed=sealing.seal(_cells(survey, values))))
        db.session.flush()
        return
    response = Response(survey_id=survey.id, invitation_id=invitation.id, submitted_at=now)
    db.session.add(response)
    db.session.flush()
    db.session.add_all(
        Answer(response_id=response.id, question_id=q, value_int=n, value_text=t)
        for q, n, t in _cells(survey, values)
    )
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


# --- releasing anonymous answers ----------------------------------------------------------------------------


def releasable(sealed: int, is_open: bool, minimum: int) -> int:
    """How many of ``sealed`` readable answers to release now. While the survey is open: all but
    ``minimum`` once there are twice that many, so this batch and the one after closing each have at least
    ``minimum``. Once closed: all of them, if they are at least ``minimum`` (fewer stay sealed: a summary
    would not show them anyway)."""
    minimum = max(1, minimum)
    if is_open:
        return sealed - minimum if sealed >= 2 * minimum else 0
    return sealed if sealed >= minimum else 0


def release(survey: Survey, now: dt.datetime, minimum: int) -> int:
    """Open a shuffled batch of the survey's sealed answers, store it readable, and rewrite the survey's
    receipts in a shuffled order, in the caller's transaction; the number released. Flushes, never commits.

    The survey row is locked first (``FOR UPDATE`` on PostgreSQL), so two dispatches never release the
    same sealed rows, and an answer given meanwhile (its receipt's foreign key takes a share lock on that
    row) waits a moment for the release to commit. Receipts are taken with ``DELETE ... RETURNING``: a
    receipt committed meanwhile is either returned (and put back) or not touched, never lost. Sealed rows
    no key opens are left as they are, with a warning in the log.
    """
    db.session.flush()
    db.session.execute(sa.select(Survey.id).where(Survey.id == survey.id).with_for_update())
    rows = db.session.execute(
        sa.select(SealedResponse.id, SealedResponse.sealed).where(SealedResponse.survey_id == survey.id)
    ).all()
    if not rows:
        return 0
    readable: list[tuple[uuid.UUID, list[sealing.Cell]]] = []
    for sealed_id, token in rows:
        try:
            readable.append((sealed_id, sealing.unseal(token)))
        except sealing.Unreadable:
            continue
    unreadable = len(rows) - len(readable)
    if unreadable:
        logger.warning(
            "sealed anonymous answers no key opens",
            extra={"event": "sealed_answers_unreadable", "survey_id": survey.id, "count": unreadable},
        )
    count = releasable(len(readable), survey.is_open(now), minimum)
    if not count:
        return 0
    secrets.SystemRandom().shuffle(readable)
    batch = readable[:count]
    _store(survey.id, [cells for _sealed_id, cells in batch])
    db.session.execute(
        sa.delete(SealedResponse).where(SealedResponse.id.in_([sealed_id for sealed_id, _ in batch]))
    )
    _rewrite_receipts(survey.id)
    db.session.flush()
    return count


def _store(survey_id: int, responses: list[list[sealing.Cell]]) -> None:
    """Insert readable anonymous responses in the order given (the callers shuffle), with fresh keys."""
    rows: list[dict[str, Any]] = []
    answers: list[dict[str, Any]] = []
    for cells in responses:
        response_id = uuid.uuid4()
        rows.append({"id": response_id, "survey_id": survey_id})
        answers.extend(
            {
                "id": uuid.uuid4(),
                "response_id": response_id,
                "question_id": q,
                "value_int": n,
                "value_text": t,
            }
            for q, n, t in cells
        )
    if rows:
        db.session.execute(sa.insert(AnonymousResponse.__table__), rows)
    if answers:
        db.session.execute(sa.insert(AnonymousAnswer.__table__), answers)


def _rewrite_receipts(survey_id: int) -> None:
    """Delete the survey's receipts and insert them again in a random order, in the caller's transaction:
    afterwards they all carry its transaction id and a new, random place. ``RETURNING`` gives exactly the
    rows deleted, so a receipt another transaction commits meanwhile is either put back or left alone."""
    receipts = list(
        db.session.execute(
            sa.delete(Receipt).where(Receipt.survey_id == survey_id).returning(Receipt.invitation_id)
        ).scalars()
    )
    secrets.SystemRandom().shuffle(receipts)
    if receipts:
        db.session.execute(
            sa.insert(Receipt.__table__),
            [{"survey_id": survey_id, "invitation_id": invitation_id} for invitation_id in receipts],
        )


def reshuffle(survey: Survey) -> int:
    """Store the survey's readable anonymous responses again in a random order with fresh keys, and its
    receipts too, in the caller's transaction; the number of responses. For answers stored before they were
    sealed and released in batches (`flask fellowship reshuffle-anonymous`), whose rows still lie in the
    order they arrived in. Flushes, never commits."""
    db.session.flush()
    db.session.execute(sa.select(Survey.id).where(Survey.id == survey.id).with_for_update())
    responses = sa.select(AnonymousResponse.id).where(AnonymousResponse.survey_id == survey.id)
    grouped: dict[uuid.UUID, list[sealing.Cell]] = {
        response_id: [] for response_id in db.session.scalars(responses)
    }
    for response_id, q, n, t in db.session.execute(
        sa.select(
            AnonymousAnswer.response_id,
            AnonymousAnswer.question_id,
            AnonymousAnswer.value_int,
            AnonymousAnswer.value_text,
        ).where(AnonymousAnswer.response_id.in_(responses))
    ):
        grouped[response_id].append((q, n, t))
    cells = list(grouped.values())
    secrets.SystemRandom().shuffle(cells)
    db.session.execute(sa.delete(AnonymousAnswer).where(AnonymousAnswer.response_id.in_(responses)))
    db.session.execute(sa.delete(AnonymousResponse).where(AnonymousResponse.survey_id == survey.id))
    _store(survey.id, cells)
    _rewrite_receipts(survey.id)
    db.session.flush()
    return len(cells)


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
    sealed: int = 0
    """Anonymous answers counted in ``responses`` but not released yet, so not in the figures."""

    @property
    def rate(self) -> float | None:
        return self.responses / self.attendees if self.attendees else None


TEXT_LIMIT = 2000


def summary(survey: Survey, minimum_group: int) -> Summary:
    """The event's figures in four queries whatever the number of responses (five for an anonymous survey:
    it also counts the answers still sealed). Responses are counted from the receipts, so they include
    the sealed answers the figures do not have yet."""
    assert survey.event_id is not None
    responses = db.session.scalar(queries.receipt_count(survey.id)) or 0
    sealed = (db.session.scalar(queries.sealed_count(survey.id)) or 0) if survey.anonymous else 0
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
    return Summary(survey, responses, attendees, list(figures.values()), hidden, more, sealed)


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
    the order of their random keys, released answers only (sealed ones are not readable yet); below the
    minimum group size only the header is given, like the page.
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
