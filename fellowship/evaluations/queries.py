"""Reads for evaluations; every one returns a select and issues one query."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from fellowship.attendance.enums import ATTENDED
from fellowship.attendance.models import AttendanceRecord
from fellowship.evaluations.models import (
    AnonymousAnswer,
    Answer,
    Question,
    Receipt,
    SealedResponse,
    Survey,
)
from fellowship.events.models import Event, EventInvitation
from fellowship.events.queries import participant_clause


def attended_clause() -> sa.ColumnElement[bool]:
    """The invitation is a participant's (never staff's) marked present or late on at least one day: that
    person is an attendee, and may answer."""
    return sa.and_(
        sa.exists().where(
            AttendanceRecord.invitation_id == EventInvitation.id, AttendanceRecord.status.in_(ATTENDED)
        ),
        participant_clause(),
    )


def attendees(event_id: int) -> sa.Select[tuple[EventInvitation]]:
    return (
        sa.select(EventInvitation)
        .where(EventInvitation.event_id == event_id, attended_clause())
        .order_by(EventInvitation.name, EventInvitation.id)
    )


def attendee_count(event_id: int) -> sa.Select[tuple[int]]:
    return sa.select(sa.func.count(EventInvitation.id)).where(
        EventInvitation.event_id == event_id, attended_clause()
    )


def receipt_count(survey_id: int) -> sa.Select[tuple[int]]:
    return sa.select(sa.func.count()).select_from(Receipt).where(Receipt.survey_id == survey_id)


def sealed_count(survey_id: int) -> sa.Select[tuple[int]]:
    """Anonymous answers given but not released yet (``services.release``)."""
    return sa.select(sa.func.count()).select_from(SealedResponse).where(SealedResponse.survey_id == survey_id)


def sealed_surveys() -> sa.Select[tuple[Survey]]:
    """Surveys with answers waiting to be released, in id order (the order their rows are locked in)."""
    waiting = sa.exists().where(SealedResponse.survey_id == Survey.id)
    return sa.select(Survey).where(waiting).order_by(Survey.id)


def templates() -> sa.Select[tuple[Survey]]:
    return sa.select(Survey).where(Survey.event_id.is_(None)).order_by(sa.func.lower(Survey.title), Survey.id)


def answers() -> sa.Subquery:
    """Named and anonymous answers together (question, number, text), for aggregates over both."""
    return sa.union_all(
        sa.select(Answer.question_id, Answer.value_int, Answer.value_text),
        sa.select(AnonymousAnswer.question_id, AnonymousAnswer.value_int, AnonymousAnswer.value_text),
    ).subquery("answers")


def distribution(survey_id: int) -> sa.Select[tuple[int, int, int]]:
    """(question, value, how many) for every numbered answer of the survey: scales and chosen options."""
    rows = answers()
    return (
        sa.select(rows.c.question_id, rows.c.value_int, sa.func.count())
        .join(Question, Question.id == rows.c.question_id)
        .where(Question.survey_id == survey_id, rows.c.value_int.is_not(None))
        .group_by(rows.c.question_id, rows.c.value_int)
    )


def texts(survey_id: int, limit: int) -> sa.Select[tuple[int, str]]:
    """Free-text answers, ordered by question then text (never by arrival: that would hint at who wrote
    what), at most ``limit`` per survey page."""
    rows = answers()
    return (
        sa.select(rows.c.question_id, rows.c.value_text)
        .join(Question, Question.id == rows.c.question_id)
        .where(Question.survey_id == survey_id, rows.c.value_text.is_not(None))
        .order_by(Question.position, rows.c.value_text)
        .limit(limit)
    )


def open_for_member(user_id: int, cohort_id: int | None, now: object) -> sa.Select:
    """(survey, event, invitation) of evaluations this member attended, may still answer, and has not;
    in one cohort, or in all of them when ``cohort_id`` is None."""
    stmt = (
        sa.select(Survey, Event, EventInvitation)
        .join(Event, Event.id == Survey.event_id)
        .join(EventInvitation, EventInvitation.event_id == Event.id)
        .where(
            Event.ends_at <= now,
            sa.or_(Survey.closes_at.is_(None), Survey.closes_at > now),
            EventInvitation.user_id == user_id,
            attended_clause(),
            ~sa.exists().where(Receipt.survey_id == Survey.id, Receipt.invitation_id == EventInvitation.id),
        )
        .order_by(Event.starts_at, Event.id)
    )
    return stmt if cohort_id is None else stmt.where(Event.cohort_id == cohort_id)


def events_without_evaluation(
    cohort_ids: list[int], since: dt.datetime, now: dt.datetime
) -> sa.Select[tuple[Event]]:
    """Events of these cohorts that ended between ``since`` and ``now``, were not cancelled, and have no
    evaluation attached yet; latest first."""
    return (
        sa.select(Event)
        .where(
            Event.cohort_id.in_(cohort_ids),
            Event.ends_at > since,
            Event.ends_at <= now,
            Event.cancelled_at.is_(None),
            ~sa.exists().where(Survey.event_id == Event.id),
        )
        .order_by(Event.ends_at.desc(), Event.id.desc())
    )


def open_evaluations(cohort_ids: list[int], now: dt.datetime) -> sa.Select[tuple[Survey, Event, int, int]]:
    """Evaluations of these cohorts' past events still open for answers, those closing first at the top,
    each with its number of responses (receipts) and of attendees who may answer; one query."""
    responses = sa.select(sa.func.count()).where(Receipt.survey_id == Survey.id).correlate(Survey)
    attended = (
        sa.select(sa.func.count(EventInvitation.id))
        .where(EventInvitation.event_id == Event.id, attended_clause())
        .correlate(Event)
    )
    return (
        sa.select(Survey, Event, responses.scalar_subquery(), attended.scalar_subquery())
        .join(Event, Event.id == Survey.event_id)
        .where(
            Event.cohort_id.in_(cohort_ids),
            Event.ends_at <= now,
            sa.or_(Survey.closes_at.is_(None), Survey.closes_at > now),
        )
        .order_by(Survey.closes_at.is_(None), Survey.closes_at, Event.ends_at.desc(), Survey.id)
    )
