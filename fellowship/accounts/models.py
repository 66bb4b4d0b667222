"""People and the organisations they belong to."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash

from fellowship.accounts.enums import InviteStatus, OrganizationKind
from fellowship.core.models import TimestampMixin, UTCDateTime, enum_type
from fellowship.extensions import db


class Organization(TimestampMixin, db.Model):
    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    kind: Mapped[OrganizationKind] = mapped_column(
        enum_type(OrganizationKind), default=OrganizationKind.OTHER
    )
    city: Mapped[str] = mapped_column(sa.String(120), default="")
    website: Mapped[str] = mapped_column(sa.String(300), default="")

    def __repr__(self) -> str:
        return f"<Organization {self.name!r}>"


SESSION_GROUP = "session"
"""Deferred column properties in this group load with the signed-in user (``services.session_user``) and
nowhere else: a domain above accounts adds one to ``User`` for a fact every page needs (whether the person
belongs to any cohort, for the header's links) without a query per page and without accounts knowing it."""


class User(UserMixin, TimestampMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    locale: Mapped[str | None] = mapped_column(sa.String(8))
    timezone: Mapped[str] = mapped_column(sa.String(64), default="UTC")
    is_admin: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    session_version: Mapped[int] = mapped_column(default=1)
    email_notifications: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    calendar_version: Mapped[int] = mapped_column(default=1, server_default="1")
    """Part of the private calendar feed's token; bumping it retires the old feed address."""
    organization_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="SET NULL"), index=True
    )

    erasure_requested_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    """When the person asked for their account to be erased (an administrator carries it out)."""
    erased_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    """Set by erasure: the row stays (the figures count it) as "Erased person #N", with nothing personal."""

    organization: Mapped[Organization | None] = relationship(lazy="joined", innerjoin=False)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses to sign in inactive users
        return self.active

    def get_id(self) -> str:
        # The session version is part of the id, so bumping it invalidates every existing session.
        return f"{self.id}:{self.session_version}"

    def check_password(self, password: str) -> bool:
        return bool(self.password_hash) and check_password_hash(self.password_hash or "", password)

    def __repr__(self) -> str:
        return f"<User {self.email!r}>"


class UserSession(db.Model):
    """One signed-in browser. The cookie holds a random id; only its SHA-256 is stored here, so ending the
    row ends that browser's session even if someone copied the cookie."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class AccountInvite(TimestampMixin, db.Model):
    """An emailed, single-use link that lets someone set their password and sign in.

    The cohort and role are what the person was invited to (the membership itself is made when they are
    invited); they are kept for the invitation list and the email's wording.
    """

    __tablename__ = "account_invites"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(sa.String(254))
    cohort_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("cohorts.id", ondelete="SET NULL"), index=True
    )
    role: Mapped[str | None] = mapped_column(sa.String(32))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    accepted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    invited_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])

    def status(self, now: dt.datetime) -> InviteStatus:
        if self.accepted_at is not None:
            return InviteStatus.ACCEPTED
        if self.revoked_at is not None:
            return InviteStatus.REVOKED
        if self.expires_at <= now:
            return InviteStatus.EXPIRED
        return InviteStatus.PENDING


class PasswordReset(TimestampMixin, db.Model):
    __tablename__ = "password_resets"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class ProviderIdentity(db.Model):
    """An account bound to a person at an identity provider: the provider's (issuer, subject) pair, which
    never changes for that person there. Once bound, the provider signs in this account whatever email it
    later reports. ``email`` is the address asserted when the binding was made (shown on the profile)."""

    __tablename__ = "provider_identities"
    __table_args__ = (sa.UniqueConstraint("issuer", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    provider: Mapped[str] = mapped_column(sa.String(32))
    issuer: Mapped[str] = mapped_column(sa.String(500))
    subject: Mapped[str] = mapped_column(sa.String(255))
    email: Mapped[str] = mapped_column(sa.String(254), default="")
    linked_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    last_used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class ProviderLinkGrant(db.Model):
    """An administrator's leave for a provider to bind an account it would never bind on its own (an
    administrator's): the next sign-in through that provider with the account's verified address binds it,
    once, before ``expires_at``."""

    __tablename__ = "provider_link_grants"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    provider: Mapped[str] = mapped_column(sa.String(32))
    granted_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
