"""Awards contests: categories, projects, the jury's rubric and scores, and the public vote.

The vote rules live in the database: one vote per (contest, voter, project) and per (contest, voter,
slot), the slot between 1 and the contest's votes per voter (copied onto the row so a CHECK can hold it).
A voter is only a keyed hash of their normalised email; the address itself is never stored here.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fellowship.accounts.models import Organization, User
from fellowship.awards.enums import CategoryKind, Combine, Phase, ProjectStatus
from fellowship.core.models import TimestampMixin, UTCDateTime, enum_type
from fellowship.extensions import db
from fellowship.programs.models import Program


class Contest(TimestampMixin, db.Model):
    __tablename__ = "contests"
    __table_args__ = (
        sa.CheckConstraint("votes_per_voter >= 1 AND votes_per_voter <= 20", name="votes_per_voter_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(sa.ForeignKey("programs.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    slug: Mapped[str] = mapped_column(sa.String(100), unique=True)
    description: Mapped[str] = mapped_column(sa.Text, default="")
    phase: Mapped[Phase] = mapped_column(enum_type(Phase), default=Phase.DRAFT)
    submissions_close_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    judging_closes_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    """When jurors should have submitted their scores: shown to them; the phase still moves by hand."""
    voting_opens_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    voting_closes_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    votes_per_voter: Mapped[int] = mapped_column(default=1)
    live_tally: Mapped[bool] = mapped_column(default=False)
    combine: Mapped[Combine] = mapped_column(enum_type(Combine), default=Combine.MEAN)
    revision: Mapped[int] = mapped_column(default=0, server_default="0")
    """Raised by every flush that changes the contest or its categories, criteria, projects or votes'
    voiding (see ``_raise_revisions``): the public page cache keys on it."""

    program: Mapped[Program] = relationship()
    categories: Mapped[list[AwardCategory]] = relationship(
        order_by="AwardCategory.position", cascade="all, delete-orphan", back_populates="contest"
    )
    criteria: Mapped[list[Criterion]] = relationship(
        order_by="Criterion.position", cascade="all, delete-orphan", back_populates="contest"
    )

    def voting_open(self, now: dt.datetime) -> bool:
        """Votes count in the voting phase, inside the voting window when one is set."""
        if self.phase is not Phase.VOTING:
            return False
        if self.voting_opens_at is not None and now < self.voting_opens_at:
            return False
        return self.voting_closes_at is None or now < self.voting_closes_at


class AwardCategory(db.Model):
    __tablename__ = "award_categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(sa.ForeignKey("contests.id", ondelete="CASCADE"), index=True)
    kind: Mapped[CategoryKind] = mapped_column(enum_type(CategoryKind))
    name: Mapped[str] = mapped_column(sa.String(200))
    position: Mapped[int] = mapped_column(default=0)
    winner_id: Mapped[int | None] = mapped_column(sa.ForeignKey("projects.id", ondelete="SET NULL"))
    """Chosen by admins for special awards; jury and audience winners come from the figures."""
    citation: Mapped[str] = mapped_column(sa.Text, default="")

    contest: Mapped[Contest] = relationship(back_populates="categories")


class Criterion(db.Model):
    __tablename__ = "criteria"
    __table_args__ = (
        sa.CheckConstraint("weight > 0", name="weight_positive"),
        sa.CheckConstraint("max_points >= 1", name="max_points_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(sa.ForeignKey("contests.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.String(1000), default="")
    weight: Mapped[float] = mapped_column(default=1.0)
    max_points: Mapped[int] = mapped_column(default=10)
    position: Mapped[int] = mapped_column(default=0)

    contest: Mapped[Contest] = relationship(back_populates="criteria")


class Project(TimestampMixin, db.Model):
    __tablename__ = "projects"

    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(
        sa.ForeignKey("contests.id", ondelete="CASCADE"),
        index=True,
        active_history=True,  # the contest a project leaves is known at flush (its revision is raised)
    )
    submitted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    organization_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="SET NULL")
    )
    title: Mapped[str] = mapped_column(sa.String(200))
    team: Mapped[str] = mapped_column(sa.String(1000), default="")
    """Team members, one per line."""
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    problem: Mapped[str] = mapped_column(sa.Text, default="")
    beneficiaries: Mapped[str] = mapped_column(sa.Text, default="")
    results: Mapped[str] = mapped_column(sa.Text, default="")
    image: Mapped[str | None] = mapped_column(sa.String(100))
    """File name in the storage folder (a random name; the upload's own name is never used)."""
    status: Mapped[ProjectStatus] = mapped_column(enum_type(ProjectStatus), default=ProjectStatus.SUBMITTED)
    review_comment: Mapped[str] = mapped_column(sa.Text, default="")
    updated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    contest: Mapped[Contest] = relationship()
    organization: Mapped[Organization | None] = relationship()
    submitted_by: Mapped[User | None] = relationship()


class JurorAssignment(db.Model):
    __tablename__ = "juror_assignments"
    __table_args__ = (sa.UniqueConstraint("contest_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(sa.ForeignKey("contests.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    """Set when the juror submits: their scores lock until an admin reopens them."""

    user: Mapped[User] = relationship()


class ConflictOfInterest(db.Model):
    __tablename__ = "conflicts_of_interest"
    __table_args__ = (sa.UniqueConstraint("user_id", "project_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    automatic: Mapped[bool] = mapped_column(default=False)
    reason: Mapped[str] = mapped_column(sa.String(500), default="")


class Score(db.Model):
    __tablename__ = "scores"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "project_id", "criterion_id"),
        sa.CheckConstraint("points >= 0", name="points_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    criterion_id: Mapped[int] = mapped_column(sa.ForeignKey("criteria.id", ondelete="CASCADE"))
    points: Mapped[int | None] = mapped_column()
    comment: Mapped[str] = mapped_column(sa.Text, default="")


class VoteRequest(db.Model):
    """A pending confirmation: the emailed link's token is stored only as a hash, with no address."""

    __tablename__ = "vote_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(sa.ForeignKey("contests.id", ondelete="CASCADE"), index=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id", ondelete="CASCADE"))
    voter_key: Mapped[str] = mapped_column(sa.String(64))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    domain: Mapped[str] = mapped_column(sa.String(254), default="")
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class Vote(db.Model):
    __tablename__ = "votes"
    __table_args__ = (
        sa.UniqueConstraint("contest_id", "voter_key", "project_id"),
        sa.UniqueConstraint("contest_id", "voter_key", "slot"),
        sa.CheckConstraint("slot >= 1 AND slot <= slot_limit", name="slot_in_range"),
        sa.Index("ix_votes_tally", "contest_id", "project_id", "voided"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(sa.ForeignKey("contests.id", ondelete="CASCADE"))
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id", ondelete="CASCADE"))
    voter_key: Mapped[str] = mapped_column(sa.String(64))
    slot: Mapped[int] = mapped_column()
    slot_limit: Mapped[int] = mapped_column()
    receipt_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    confirmed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    network: Mapped[str] = mapped_column(sa.String(16), default="")
    """A keyed hash of the confirming request's network (IPv4 /24, IPv6 /48), only to flag bursts."""
    domain: Mapped[str] = mapped_column(sa.String(254), default="")
    """The address's domain (never the address), only to flag many votes from one throw-away domain."""
    voided: Mapped[bool] = mapped_column(default=False)
    void_reason: Mapped[str] = mapped_column(sa.String(500), default="")


@sa.event.listens_for(db.session, "before_flush")
def _raise_revisions(session: sa.orm.Session, _context: object, _instances: object) -> None:
    """Any ORM change to what the public contest pages show raises the contest's revision, atomically
    (``revision + 1`` in SQL), so a cached page is never served after a change made by any worker.
    Votes are inserted with Core statements and do not raise it: the live tally is never cached."""
    contest_ids: set[int] = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Contest):
            if obj.id is not None and (obj in session.deleted or session.is_modified(obj)):
                contest_ids.add(obj.id)
        elif isinstance(obj, (AwardCategory, Criterion, Project, Vote)):
            if obj in session.dirty and not session.is_modified(obj):
                continue
            contest_id = getattr(obj, "contest_id", None)
            if contest_id is None and getattr(obj, "contest", None) is not None:
                contest_id = obj.contest.id
            if contest_id is not None:
                contest_ids.add(contest_id)
            # Moved to another contest: the one it left changes too.
            contest_ids.update(i for i in sa.inspect(obj).attrs.contest_id.history.deleted if i is not None)
    if contest_ids:
        session.connection().execute(
            sa.update(Contest.__table__)
            .where(Contest.__table__.c.id.in_(sorted(contest_ids)))
            .values(revision=Contest.__table__.c.revision + 1)
        )
        for obj in session.identity_map.values():
            if isinstance(obj, Contest) and obj.id in contest_ids:
                session.expire(obj, ["revision"])
