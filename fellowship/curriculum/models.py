"""Curriculum modules (versioned copies of the files in the content folder) and their place in a cohort."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fellowship.accounts.models import User
from fellowship.core.models import TimestampMixin, UTCDateTime, enum_type
from fellowship.curriculum.enums import WorksheetStatus
from fellowship.extensions import db
from fellowship.programs.models import Cohort


class Module(TimestampMixin, db.Model):
    """One version of a module. A changed file makes a new row; work stays with the version it was done on."""

    __tablename__ = "modules"
    __table_args__ = (sa.UniqueConstraint("slug", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(100), index=True)
    version: Mapped[int] = mapped_column()
    content_hash: Mapped[str] = mapped_column(sa.String(64))
    program_kind: Mapped[str] = mapped_column(sa.String(32))
    position: Mapped[int] = mapped_column(default=0)
    published_on: Mapped[dt.date] = mapped_column()
    title: Mapped[dict[str, str]] = mapped_column(sa.JSON)
    summary: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict)
    body: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict)
    questions: Mapped[dict[str, list[str]]] = mapped_column(sa.JSON, default=dict)
    layout: Mapped[str] = mapped_column(sa.String(32), default="form")
    fields: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
    current: Mapped[bool] = mapped_column(default=True)
    """The newest version of its slug; older versions stay for the work done on them."""
    source: Mapped[str] = mapped_column(sa.String(16), default="file", server_default="file")
    """Where this version came from: ``file`` (``curriculum sync``) or ``browser`` (the module editor)."""
    substantive: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    """A substantive revision: counted with new modules as "curriculum materials created" on its
    ``published_on``. A typo fix or a translation is not."""
    change_note: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    """What changed since the version before, in the editor's words (shown to fellows whose draft stays)."""
    published_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    published_by: Mapped[User | None] = relationship()


class ModuleDraft(db.Model):
    """The module editor's work in progress on one module: the whole module as the loader reads a file
    (``loader.check_data``), possibly incomplete. Publishing it makes the module's next version."""

    __tablename__ = "module_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(100), unique=True)
    program_kind: Mapped[str] = mapped_column(sa.String(32))
    base_version: Mapped[int] = mapped_column(default=0)
    """The version the draft started from (0: a new module); publishing over a newer one is refused."""
    data: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    edits: Mapped[int] = mapped_column(default=0)
    """Counts saves; a save must name the count it started from, so two editors never overwrite each other."""
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    updated_by: Mapped[User | None] = relationship()


class CurriculumEditor(db.Model):
    """A person who may edit the modules of one program kind (admins edit every module anyway)."""

    __tablename__ = "curriculum_editors"
    __table_args__ = (sa.UniqueConstraint("user_id", "program_kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    program_kind: Mapped[str] = mapped_column(sa.String(32))
    granted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    granted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship(foreign_keys=[user_id])


class CohortModule(db.Model):
    __tablename__ = "cohort_modules"
    __table_args__ = (sa.UniqueConstraint("cohort_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    slug: Mapped[str] = mapped_column(sa.String(100))
    position: Mapped[int] = mapped_column(default=0)
    due_on: Mapped[dt.date | None] = mapped_column()

    cohort: Mapped[Cohort] = relationship()


class Worksheet(TimestampMixin, db.Model):
    """A fellow's work on one module in one cohort: the working draft plus its status.

    It stays attached to the module version it was started on, even when a newer version is loaded.
    """

    __tablename__ = "worksheets"
    __table_args__ = (sa.UniqueConstraint("cohort_id", "user_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    slug: Mapped[str] = mapped_column(sa.String(100))
    module_id: Mapped[int] = mapped_column(sa.ForeignKey("modules.id", ondelete="RESTRICT"))
    status: Mapped[WorksheetStatus] = mapped_column(enum_type(WorksheetStatus), default=WorksheetStatus.DRAFT)
    answers: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    revision_number: Mapped[int] = mapped_column(default=0)
    """How many revisions are kept; a save must say which one it started from (stale edits are refused)."""
    draft_version: Mapped[int] = mapped_column(default=0, server_default="0")
    """Counts autosaves, which overwrite ``answers`` without a revision; checked like ``revision_number``."""
    updated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    submitted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    module: Mapped[Module] = relationship()
    user: Mapped[User] = relationship()
    cohort: Mapped[Cohort] = relationship()


class WorksheetRevision(db.Model):
    __tablename__ = "worksheet_revisions"
    __table_args__ = (sa.UniqueConstraint("worksheet_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    worksheet_id: Mapped[int] = mapped_column(sa.ForeignKey("worksheets.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column()
    kind: Mapped[str] = mapped_column(sa.String(16))  # "save" or "submission"
    answers: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    saved_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class Review(db.Model):
    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    worksheet_id: Mapped[int] = mapped_column(sa.ForeignKey("worksheets.id", ondelete="CASCADE"), index=True)
    revision_id: Mapped[int] = mapped_column(sa.ForeignKey("worksheet_revisions.id", ondelete="CASCADE"))
    reviewer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    decision: Mapped[WorksheetStatus] = mapped_column(enum_type(WorksheetStatus))
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    field_comments: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict, server_default="{}")
    """Comments on single fields, by field name; the fellow sees them beside those fields."""
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    reviewer: Mapped[User | None] = relationship()


class Resource(db.Model):
    """A link or a small file for learners: attached to a module (every cohort using it sees it) or to one
    cohort's resource library. A file lives in the store (``core.storage``, area ``resources``) under a
    random name; its type was read from its content when it was added."""

    __tablename__ = "resources"
    __table_args__ = (
        sa.CheckConstraint("(module_slug IS NULL) <> (cohort_id IS NULL)", name="one_place"),
        sa.CheckConstraint("(url IS NULL) <> (stored_name IS NULL)", name="link_or_file"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    module_slug: Mapped[str | None] = mapped_column(sa.String(100), index=True)
    cohort_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    url: Mapped[str | None] = mapped_column(sa.String(2000))
    stored_name: Mapped[str | None] = mapped_column(sa.String(64))
    filename: Mapped[str | None] = mapped_column(sa.String(200))
    content_type: Mapped[str | None] = mapped_column(sa.String(120))
    size: Mapped[int | None] = mapped_column()
    added_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    added_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    added_by: Mapped[User | None] = relationship()
