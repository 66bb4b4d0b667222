"""Evaluations' part of "download my data" and of erasure (``core.personal_data``).

Anonymous answers are nobody's: only the receipt (that the person answered) is theirs. Named answers are
the person's: erasure deletes their written answers and keeps the numbers, which now belong to the
placeholder, so response counts, means and rates stay right.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from fellowship.core import personal_data
from fellowship.evaluations.models import Answer, Question, Receipt, Response, Survey
from fellowship.events.models import EventInvitation
from fellowship.extensions import db


def export(user: Any) -> dict[str, Any]:
    answered = db.session.scalars(
        sa.select(Survey.title)
        .join(Receipt, Receipt.survey_id == Survey.id)
        .join(EventInvitation, EventInvitation.id == Receipt.invitation_id)
        .where(EventInvitation.user_id == user.id, Survey.anonymous.is_(True))
        .order_by(Survey.id)
    ).all()
    rows = db.session.execute(
        sa.select(Survey.title, Response.submitted_at, Question.prompt, Answer.value_int, Answer.value_text)
        .join(Response, Response.survey_id == Survey.id)
        .join(EventInvitation, EventInvitation.id == Response.invitation_id)
        .join(Answer, Answer.response_id == Response.id)
        .join(Question, Question.id == Answer.question_id)
        .where(EventInvitation.user_id == user.id)
        .order_by(Response.submitted_at, Question.position, Answer.value_int)
    )
    named = [
        {
            "evaluation": title,
            "submitted_at": at.isoformat(),
            "question": prompt,
            "answer": text if text is not None else number,
        }
        for title, at, prompt, number, text in rows
    ]
    return {"named_answers": named, "anonymous_evaluations_answered": list(answered)}


def erase(erasure: personal_data.Erasure) -> None:
    """Written answers of the person's named responses are deleted; receipts and numbers stay."""
    mine = (
        sa.select(Response.id)
        .join(EventInvitation, EventInvitation.id == Response.invitation_id)
        .where(EventInvitation.user_id == erasure.user.id)
        .scalar_subquery()
    )
    db.session.execute(sa.delete(Answer).where(Answer.response_id.in_(mine), Answer.value_text.is_not(None)))


personal_data.register(
    "evaluations",
    export,
    erase=erase,
    tables=("survey_responses", "survey_answers", "survey_receipts", "surveys"),
)
