"""Surveys (templates, and the copy attached to an event), their questions, and the responses.

Named and anonymous responses live in different tables. Anonymous rows have random UUID keys and no
column that could tie them to a person or a moment: no user, invitation, organisation, address or time.
"One response per person" is kept for both by a Receipt (survey, invitation) with no time and no link to
the response it stands for.

An anonymous answer is first stored sealed (``SealedResponse``: encrypted, see ``sealing``) in the
transaction of its receipt; `flask fellowship dispatch` releases sealed answers in shuffled batches of at
least the minimum group into ``AnonymousResponse`` and ``AnonymousAnswer`` rows, and rewrites the survey's
receipts in the same transaction (``services.release``). So neither the order rows are stored in nor the
transaction that wrote them ties a readable answer to the receipt of the person who gave it.
"""

from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fellowship.core.models import TimestampMixin, UTCDateTime, enum_type
from fellowship.evaluations.enums import QuestionKind
from fellowship.events.models import Event, EventInvitation
from fellowship.extensions import db


class Survey(TimestampMixin, db.Model):
    """A template in the library (``event_id`` empty) or an event's evaluation (a copy of a template)."""

    __tablename__ = "surveys"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    event_id: Mapped[int | None] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"), unique=True)
    anonymous: Mapped[bool] = mapped_column(default=False)
    closes_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    event: Mapped[Event | None] = relationship()
    questions: Mapped[list[Question]] = relationship(
        order_by="Question.position", cascade="all, delete-orphan", back_populates="survey"
    )

    @property
    def is_template(self) -> bool:
        return self.event_id is None

    def is_open(self, now: dt.datetime) -> bool:
        return self.closes_at is None or now < self.closes_at


class Question(db.Model):
    __tablename__ = "survey_questions"
    __table_args__ = (sa.Index("ix_survey_questions_survey", "survey_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(sa.ForeignKey("surveys.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    key: Mapped[str] = mapped_column(sa.String(64), default="")
    """Kept by copies of the same template question, so figures compare across events and cohorts."""
    kind: Mapped[QuestionKind] = mapped_column(enum_type(QuestionKind))
    prompt: Mapped[str] = mapped_column(sa.String(500))
    options: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    low_label: Mapped[str] = mapped_column(sa.String(100), default="")
    high_label: Mapped[str] = mapped_column(sa.String(100), default="")
    required: Mapped[bool] = mapped_column(default=False)

    survey: Mapped[Survey] = relationship(back_populates="questions")


class Receipt(db.Model):
    """This invitee has answered this survey. No time, no link to the response."""

    __tablename__ = "survey_receipts"

    survey_id: Mapped[int] = mapped_column(sa.ForeignKey("surveys.id", ondelete="CASCADE"), primary_key=True)
    invitation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("event_invitations.id", ondelete="CASCADE"), primary_key=True
    )


class Response(db.Model):
    """A named response: who answered is known (and shown to the event's facilitators)."""

    __tablename__ = "survey_responses"
    __table_args__ = (sa.UniqueConstraint("survey_id", "invitation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(sa.ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    invitation_id: Mapped[int] = mapped_column(sa.ForeignKey("event_invitations.id", ondelete="CASCADE"))
    submitted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    invitation: Mapped[EventInvitation] = relationship()


class Answer(db.Model):
    """One value of a named response; a multiple-choice question has one row per chosen option."""

    __tablename__ = "survey_answers"
    __table_args__ = (sa.Index("ix_survey_answers_question", "question_id", "value_int"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(
        sa.ForeignKey("survey_responses.id", ondelete="CASCADE"), index=True
    )
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("survey_questions.id", ondelete="CASCADE"))
    value_int: Mapped[int | None] = mapped_column()
    value_text: Mapped[str | None] = mapped_column(sa.Text)


class SealedResponse(db.Model):
    """An anonymous answer not yet released: its cells, encrypted. No time, no invitation, no order."""

    __tablename__ = "sealed_responses"

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=uuid.uuid4)
    survey_id: Mapped[int] = mapped_column(sa.ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    sealed: Mapped[bytes] = mapped_column(sa.LargeBinary)


class AnonymousResponse(db.Model):
    __tablename__ = "anonymous_responses"

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=uuid.uuid4)
    survey_id: Mapped[int] = mapped_column(sa.ForeignKey("surveys.id", ondelete="CASCADE"), index=True)


class AnonymousAnswer(db.Model):
    __tablename__ = "anonymous_answers"
    __table_args__ = (sa.Index("ix_anonymous_answers_question", "question_id", "value_int"),)

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=uuid.uuid4)
    response_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("anonymous_responses.id", ondelete="CASCADE"), index=True
    )
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("survey_questions.id", ondelete="CASCADE"))
    value_int: Mapped[int | None] = mapped_column()
    value_text: Mapped[str | None] = mapped_column(sa.Text)
