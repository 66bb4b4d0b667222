"""A certificate's signed Open Badges 3.0 credential, and where it sits in the revocation list."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fellowship.core.models import UTCDateTime
from fellowship.extensions import db
from fellowship.impact.models import Certificate


class Credential(db.Model):
    """One per certificate, kept exactly as signed (the compact JWS), so what a holder downloads twice is the
    same file. ``status_index`` is its bit in the revocation list, drawn at random among the free ones so the
    list says nothing about how many were issued or in what order."""

    __tablename__ = "credentials"

    id: Mapped[int] = mapped_column(primary_key=True)
    certificate_id: Mapped[int] = mapped_column(
        sa.ForeignKey("certificates.id", ondelete="CASCADE"), unique=True
    )
    uuid: Mapped[str] = mapped_column(sa.String(36), unique=True)
    kid: Mapped[str] = mapped_column(sa.String(100))
    token: Mapped[str] = mapped_column(sa.Text)
    status_list: Mapped[int] = mapped_column(default=1)
    status_index: Mapped[int] = mapped_column()
    issued_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    revoked_reason: Mapped[str] = mapped_column(sa.Text, default="")
    revoked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    certificate: Mapped[Certificate] = relationship()

    __table_args__ = (sa.UniqueConstraint("status_list", "status_index"),)
