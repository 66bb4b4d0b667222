"""Signed Open Badges 3.0 credentials (a certificate's, or an approved module's), where each sits in the
revocation list, and the cohorts that chose module badges."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fellowship.core.models import UTCDateTime
from fellowship.extensions import db
from fellowship.impact.models import Certificate


class Credential(db.Model):
    """One per certificate, or one per approved worksheet in a cohort that chose module badges, kept exactly
    as signed (the compact JWS), so what a holder downloads twice is the same file. ``status_index`` is its
    bit in the revocation list, drawn at random among the free ones so the list says nothing about how many
    were issued or in what order.

    A row is never deleted while its copy may be out in the world: a freed position could be drawn again, and
    a revoked credential would read as valid. So a module badge's worksheet key is set to null, not cascaded,
    and ``user_id`` says whose it is for "download my data" and erasure whatever happens to the worksheet."""

    __tablename__ = "credentials"

    id: Mapped[int] = mapped_column(primary_key=True)
    certificate_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("certificates.id", ondelete="CASCADE"), unique=True
    )
    worksheet_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("worksheets.id", ondelete="SET NULL"), unique=True
    )
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    uuid: Mapped[str] = mapped_column(sa.String(36), unique=True)
    kid: Mapped[str] = mapped_column(sa.String(100))
    token: Mapped[str] = mapped_column(sa.Text)
    status_list: Mapped[int] = mapped_column(default=1)
    status_index: Mapped[int] = mapped_column()
    issued_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    revoked_reason: Mapped[str] = mapped_column(sa.Text, default="")
    revoked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    certificate: Mapped[Certificate | None] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("status_list", "status_index"),
        sa.CheckConstraint("certificate_id IS NULL OR worksheet_id IS NULL", name="one_subject"),
    )


class ModuleBadgeCohort(db.Model):
    """A cohort that chose to issue a badge for every approved module (the row's presence is the choice)."""

    __tablename__ = "module_badge_cohorts"

    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("cohorts.id", ondelete="CASCADE"), primary_key=True)
    chosen_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    chosen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
