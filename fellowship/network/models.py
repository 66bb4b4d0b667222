"""The co-op network: what organisations and people offer and need.

One ``Entry`` row per listing, owned by exactly one organisation or one person (a check constraint). An
organisation's entries are published when saved; a person's are hidden until they publish them, and their
place is only ever what they typed here (never taken from their demographic answers).

Derived columns, written by ``services.save_entry`` and never typed by anyone:

- ``search_text``: title, skills, place and description, accent-folded and lower-cased (``search.fold``),
  title first so that ``search`` can rank a match in the title above one in the description;
- ``skill_keys`` and ``place_key``: the folded skills and place, for the skill and place filters and for
  ``queries.matches_for``.

The text index lives outside the metadata, as it differs by database: an FTS5 table with the trigram
tokenizer on SQLite (filled by triggers), a GIN trigram index on PostgreSQL. Both are created here for
``db.create_all()`` (the tests) and by the migration ``c41e7d2a9b60``; ``is_search_structure`` names them so
that Alembic's comparison leaves them alone (migrations/env.py, tests/test_migrations.py).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fellowship.accounts.models import Organization, User
from fellowship.core import clock
from fellowship.core.models import TimestampMixin, UTCDateTime, enum_type
from fellowship.extensions import db
from fellowship.network.enums import Category, EntryKind, ExchangeStatus, PairStatus, Payment


class WordList(sa.TypeDecorator[list[str]]):
    """A short list of words stored as ``|a|b|``, so that "has the word x" is a portable
    ``LIKE '%|x|%'`` (``has_word``) on both databases, where JSON containment is not."""

    impl = sa.String
    cache_ok = True

    def process_bind_param(self, value: list[str] | None, dialect: sa.Dialect) -> str | None:
        if value is None:
            return None
        return f"|{'|'.join(value)}|" if value else ""

    def process_result_value(self, value: str | None, dialect: sa.Dialect) -> list[str]:
        return [word for word in (value or "").split("|") if word]


def has_word(column: Any, word: str) -> sa.ColumnElement[bool]:
    return sa.type_coerce(column, sa.String).contains(f"|{word}|", autoescape=True)


class NetworkProfile(db.Model):
    """An organisation's settings in the network: whether its entries appear in the public directory,
    and where and in which languages it meets people (the defaults of its new entries)."""

    __tablename__ = "network_profiles"

    organization_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True
    )
    in_public_directory: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    place: Mapped[str] = mapped_column(sa.String(120), default="")
    languages: Mapped[list[str]] = mapped_column(WordList(100), default=list)
    ta_provider: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    """The organisation gives co-ops technical assistance (as every co-op developer does): exchanges with it
    count as collaboration with other TA providers in programs' reports."""

    organization: Mapped[Organization] = relationship()


class Entry(TimestampMixin, db.Model):
    __tablename__ = "network_entries"
    __table_args__ = (
        sa.CheckConstraint("(organization_id IS NULL) <> (user_id IS NULL)", name="one_owner"),
        sa.Index("ix_network_entries_kind_category", "kind", "category"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[EntryKind] = mapped_column(enum_type(EntryKind))
    category: Mapped[Category] = mapped_column(enum_type(Category))
    title: Mapped[str] = mapped_column(sa.String(120))
    description: Mapped[str] = mapped_column(sa.String(4000), default="")
    """Markdown, sanitised when shown."""
    skills: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    """As chosen or typed: keys of ``enums.SKILL_LABELS`` (shown translated) or the owner's own words."""
    place: Mapped[str] = mapped_column(sa.String(120), default="")
    """A city or area for meeting in person, as the owner typed it."""
    languages: Mapped[list[str]] = mapped_column(WordList(100), default=list)
    """Language codes (``en``, ``es``, ...), not limited to the site's five."""

    organization_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)

    published: Mapped[bool] = mapped_column(default=False)
    """Whether signed-in members can find it. A person's entry starts hidden, an organisation's shown."""
    confirmed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=clock.now, index=True)
    """When its owner last said it is still true; saving an edit counts as saying so."""
    hidden_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    """Set by an administrator's moderation, with the reason; the owner still sees it and the reason."""
    hidden_reason: Mapped[str] = mapped_column(sa.String(500), default="")
    hidden_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    archived_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    search_text: Mapped[str] = mapped_column(sa.Text, default="")
    skill_keys: Mapped[list[str]] = mapped_column(WordList(600), default=list)
    place_key: Mapped[str] = mapped_column(sa.String(120), default="")

    organization: Mapped[Organization | None] = relationship()
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])

    @property
    def owned_by_person(self) -> bool:
        return self.user_id is not None

    def __repr__(self) -> str:
        return f"<Entry {self.id} {self.kind} {self.title!r}>"


# --- the text index, by database ---------------------------------------------------------------------------

FTS_TABLE = "network_entries_fts"
TRIGRAM_INDEX = "ix_network_entries_search_trgm"

SQLITE_DDL = (
    # A plain FTS5 table (it keeps its own copy of the text): no "external content" to fall out of step.
    "CREATE VIRTUAL TABLE network_entries_fts USING fts5(search_text, tokenize='trigram')",
    "CREATE TRIGGER network_entries_fts_insert AFTER INSERT ON network_entries BEGIN "
    "INSERT INTO network_entries_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER network_entries_fts_update AFTER UPDATE OF search_text ON network_entries BEGIN "
    "UPDATE network_entries_fts SET search_text = new.search_text WHERE rowid = old.id; END",
    "CREATE TRIGGER network_entries_fts_delete AFTER DELETE ON network_entries BEGIN "
    "DELETE FROM network_entries_fts WHERE rowid = old.id; END",
)
POSTGRESQL_DDL = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    f"CREATE INDEX IF NOT EXISTS {TRIGRAM_INDEX} ON network_entries USING gin (search_text gin_trgm_ops)",
)


def is_search_structure(name: str | None) -> bool:
    """Whether a table or index is part of the text index (FTS5's table and its shadow tables, the
    trigram index), which the metadata does not describe."""
    return bool(name) and (name in (FTS_TABLE, TRIGRAM_INDEX) or str(name).startswith(f"{FTS_TABLE}_"))


for _statement in SQLITE_DDL:
    sa.event.listen(Entry.__table__, "after_create", sa.DDL(_statement).execute_if(dialect="sqlite"))
for _statement in POSTGRESQL_DDL:
    sa.event.listen(Entry.__table__, "after_create", sa.DDL(_statement).execute_if(dialect="postgresql"))
sa.event.listen(
    Entry.__table__, "before_drop", sa.DDL(f"DROP TABLE IF EXISTS {FTS_TABLE}").execute_if(dialect="sqlite")
)


MESSAGE_MAX = 1000
AGREEMENT_MAX = 2000
EXCHANGE_HOURS_MAX = 500


class Exchange(db.Model):
    """A member's request for help on an offer and, once the offer's side accepts it, the exchange it became:
    what was agreed, by when, paid or in kind (seed 004's "social contract"), and its hours once both sides
    marked it done.

    The two sides: the **asker**, and the **helper** side, the offer's owner (a person, or an organisation
    any of whose members may answer); ``helper_id`` is the person who accepted. The entry's title and both
    organisations are kept as they were, so the exchange keeps its meaning after the entry changes or goes.
    Neither side sees the other's contact details until the request is accepted (``contact_open``).
    """

    __tablename__ = "network_exchanges"
    __table_args__ = (
        sa.CheckConstraint(
            f"hours IS NULL OR (hours > 0 AND hours <= {EXCHANGE_HOURS_MAX})", name="hours_in_range"
        ),
        sa.CheckConstraint("(owner_user_id IS NULL) <> (owner_organization_id IS NULL)", name="one_owner"),
        sa.Index("ix_network_exchanges_status_completed", "status", "completed_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("network_entries.id", ondelete="SET NULL"), index=True
    )
    entry_title: Mapped[str] = mapped_column(sa.String(120))
    asker_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    asker_organization_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="SET NULL")
    )
    owner_user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    """The offer's owner when a person offered it."""
    owner_organization_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    """The offer's owner when an organisation offered it."""
    message: Mapped[str] = mapped_column(sa.String(MESSAGE_MAX))
    status: Mapped[ExchangeStatus] = mapped_column(
        enum_type(ExchangeStatus), default=ExchangeStatus.REQUESTED, index=True
    )
    asked_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    answer: Mapped[str] = mapped_column(sa.String(MESSAGE_MAX), default="")
    answered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    helper_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    """Who answered for the offer's side (accepted or declined)."""
    helper_organization_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="SET NULL")
    )
    """The organisation that helps: the offer's, or the helper's own when a person offered it."""
    agreed_help: Mapped[str] = mapped_column(sa.String(AGREEMENT_MAX), default="")
    expectations: Mapped[str] = mapped_column(sa.String(AGREEMENT_MAX), default="")
    due_on: Mapped[dt.date | None] = mapped_column()
    payment: Mapped[Payment | None] = mapped_column(enum_type(Payment))
    asker_done_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    helper_done_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    hours: Mapped[float | None] = mapped_column()
    """The helper side's count of the hours given, recorded when it marks the exchange done."""
    completed_on: Mapped[dt.date | None] = mapped_column()
    """The day (UTC) both sides had marked it done: the day reports count it."""

    asker: Mapped[User] = relationship(foreign_keys=[asker_id])
    helper: Mapped[User | None] = relationship(foreign_keys=[helper_id])
    owner_user: Mapped[User | None] = relationship(foreign_keys=[owner_user_id])
    owner_organization: Mapped[Organization | None] = relationship(foreign_keys=[owner_organization_id])
    asker_organization: Mapped[Organization | None] = relationship(foreign_keys=[asker_organization_id])
    helper_organization: Mapped[Organization | None] = relationship(foreign_keys=[helper_organization_id])

    @property
    def contact_open(self) -> bool:
        """Contact details show to the two sides only once the request is accepted."""
        return self.status in (ExchangeStatus.AGREED, ExchangeStatus.DONE)


class Block(db.Model):
    """An offer's side refuses further requests from a person: a person blocks for themselves, an
    organisation's member for the organisation's offers. ``services.block`` keeps one row per pair."""

    __tablename__ = "network_blocks"
    __table_args__ = (
        sa.CheckConstraint("(owner_user_id IS NULL) <> (owner_organization_id IS NULL)", name="one_owner"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    owner_organization_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    blocked_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    blocked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    blocked: Mapped[User] = relationship(foreign_keys=[blocked_id])


NOTES_MAX = 4000
MEETING_MINUTES_MAX = 600
REFLECTION_MAX = 2000


class MentoringPair(db.Model):
    """A mentor (someone who published a mentoring offer in the network) and a fellow of a cohort, paired by
    one of the cohort's facilitators or at the fellow's request (seed 002: mentoring and peer support)."""

    __tablename__ = "network_mentoring_pairs"
    __table_args__ = (sa.CheckConstraint("mentor_id <> mentee_id", name="two_people"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    mentor_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    mentee_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[PairStatus] = mapped_column(enum_type(PairStatus), default=PairStatus.ACTIVE, index=True)
    message: Mapped[str] = mapped_column(sa.String(MESSAGE_MAX), default="")
    """The fellow's words when they asked the mentor themselves."""
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    started_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    ended_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    mentor: Mapped[User] = relationship(foreign_keys=[mentor_id])
    mentee: Mapped[User] = relationship(foreign_keys=[mentee_id])

    def in_pair(self, user: Any) -> bool:
        return user.id in (self.mentor_id, self.mentee_id)


class MentoringMeeting(db.Model):
    """One meeting of a pair: when and how long for everyone who may see the pair; the notes for the pair
    only."""

    __tablename__ = "network_mentoring_meetings"
    __table_args__ = (
        sa.CheckConstraint(f"minutes > 0 AND minutes <= {MEETING_MINUTES_MAX}", name="minutes_in_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pair_id: Mapped[int] = mapped_column(
        sa.ForeignKey("network_mentoring_pairs.id", ondelete="CASCADE"), index=True
    )
    held_on: Mapped[dt.date] = mapped_column()
    minutes: Mapped[int] = mapped_column()
    notes: Mapped[str] = mapped_column(sa.String(NOTES_MAX), default="")
    logged_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    logged_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class MentoringReflection(db.Model):
    """What one side of a pair says at its end: read by its author and the cohort's facilitators only."""

    __tablename__ = "network_mentoring_reflections"
    __table_args__ = (sa.UniqueConstraint("pair_id", "author_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pair_id: Mapped[int] = mapped_column(
        sa.ForeignKey("network_mentoring_pairs.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(sa.String(REFLECTION_MAX))
    written_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class LocalGroup(db.Model):
    """A local group of the co-op network (seed 004's cell): a cohort of a local-groups program, in a place,
    with a champion who coordinates it (the cohort's facilitator). Its meetups are events of kind
    ``meetup``, hosted by its members in turn."""

    __tablename__ = "network_local_groups"

    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("cohorts.id", ondelete="CASCADE"), primary_key=True)
    place: Mapped[str] = mapped_column(sa.String(120), default="")
    champion_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    champion: Mapped[User | None] = relationship()
