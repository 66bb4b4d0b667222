"""Curriculum modules (versioned copies of the files in the content folder) and their place in a cohort."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fellowship.core.models import TimestampMixin
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


class CohortModule(db.Model):
    __tablename__ = "cohort_modules"
    __table_args__ = (sa.UniqueConstraint("cohort_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    slug: Mapped[str] = mapped_column(sa.String(100))
    position: Mapped[int] = mapped_column(default=0)
    due_on: Mapped[dt.date | None] = mapped_column()

    cohort: Mapped[Cohort] = relationship()
