"""Account rules: creating people and organisations, passwords, deactivation."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import secrets
from pathlib import Path

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import undefer_group
from werkzeug.security import generate_password_hash

from fellowship.accounts.enums import InviteStatus, OrganizationKind
from fellowship.accounts.models import (
    SESSION_GROUP,
    AccountInvite,
    Organization,
    PasswordReset,
    User,
    UserSession,
)
from fellowship.accounts.queries import normalise_email, organization_by_name, user_by_email
from fellowship.core import audit, clock
from fellowship.core.models import UTCDateTime
from fellowship.extensions import db

MIN_PASSWORD_LENGTH = 8
RECOMMENDED_PASSWORD_LENGTH = 15
MAX_PASSWORD_LENGTH = 128
RESET_LIFETIME = dt.timedelta(hours=1)
COMMON_SUFFIXES = (
    "",
    "1",
    "12",
    "123",
    "1234",
    "12345",
    "!",
    "1!",
    "01",
    "2023",
    "2024",
    "2025",
    "2026",
    "2027",
)


class AccountError(ValueError):
    """A rule of the accounts domain was broken; the message is shown to the user."""


@functools.cache
def common_passwords() -> frozenset[str]:
    """The bundled list of breached passwords, with the suffixes people add to meet a length rule."""
    path = Path(__file__).with_name("common_passwords.txt")
    words = [
        w.strip().lower() for w in path.read_text("utf-8").splitlines() if w.strip() and not w.startswith("#")
    ]
    return frozenset(word + suffix for word in words for suffix in COMMON_SUFFIXES)


def check_password_rules(password: str) -> None:
    """Length and the breached list only: no composition rules (NIST SP 800-63B, OWASP ASVS 6.2)."""
    if not MIN_PASSWORD_LENGTH <= len(password) <= MAX_PASSWORD_LENGTH:
        raise AccountError(
            _l(
                "A password must have between %(min)d and %(max)d characters.",
                min=MIN_PASSWORD_LENGTH,
                max=MAX_PASSWORD_LENGTH,
            )
        )
    if password.lower() in common_passwords() or len(set(password)) == 1:
        raise AccountError(_l("This password is too common and appears in lists of breached passwords."))


def hash_password(password: str) -> str:
    check_password_rules(password)
    return generate_password_hash(password)


def create_user(
    email: str,
    name: str,
    *,
    password: str | None = None,
    organization: Organization | None = None,
    is_admin: bool = False,
    locale: str | None = None,
    timezone: str = "UTC",
) -> User:
    email = normalise_email(email)
    if db.session.scalar(user_by_email(email)) is not None:
        raise AccountError(_l("An account with this email address already exists."))
    user = User(
        email=email,
        name=name.strip(),
        organization=organization,
        is_admin=is_admin,
        locale=locale,
        timezone=timezone,
        password_hash=hash_password(password) if password else None,
    )
    db.session.add(user)
    db.session.flush()
    return user


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, or None (same answer for every failure)."""
    user = db.session.scalar(user_by_email(email))
    if user is None:
        generate_password_hash(password)  # spend the same time as a real check
        return None
    if not user.check_password(password) or not user.active:
        return None
    return user


def set_password(user: User, password: str, actor_id: int | None) -> None:
    """Set a new password; every session the person had is ended."""
    user.password_hash = hash_password(password)
    end_all_sessions(user)
    audit.record(actor_id, user, "password_set")


def set_active(user: User, active: bool, actor_id: int | None) -> None:
    """Deactivation keeps the user and all their history; it only stops them signing in."""
    if user.active == active:
        return
    audit.record(actor_id, user, "activated" if active else "deactivated", {"active": [user.active, active]})
    user.active = active
    if not active:
        end_all_sessions(user)


def update_user(user: User, values: dict[str, object], actor_id: int | None) -> None:
    if "email" in values:
        values["email"] = normalise_email(str(values["email"]))
        other = db.session.scalar(user_by_email(str(values["email"])))
        if other is not None and other.id != user.id:
            raise AccountError(_l("An account with this email address already exists."))
    changes = audit.diff(user, values)
    if not changes:
        return
    for name, value in values.items():
        setattr(user, name, value)
    audit.record(actor_id, user, "updated", changes)


def create_organization(
    name: str, kind: OrganizationKind = OrganizationKind.OTHER, city: str = "", website: str = ""
) -> Organization:
    if db.session.scalar(organization_by_name(name)) is not None:
        raise AccountError(_l("An organisation with this name already exists."))
    org = Organization(name=name.strip(), kind=kind, city=city.strip(), website=website.strip())
    db.session.add(org)
    db.session.flush()
    return org


def find_or_create_organization(name: str) -> Organization:
    return db.session.scalar(organization_by_name(name)) or create_organization(name)


def update_organization(org: Organization, values: dict[str, object]) -> None:
    if "name" in values:
        other = db.session.scalar(organization_by_name(str(values["name"])))
        if other is not None and other.id != org.id:
            raise AccountError(_l("An organisation with this name already exists."))
    for name, value in values.items():
        setattr(org, name, value)


# --- tokens and sessions -----------------------------------------------------------------------------------


def new_token() -> tuple[str, str]:
    """A random URL-safe token and the SHA-256 hex digest that is stored in its place."""
    token = secrets.token_urlsafe(32)
    return token, token_digest(token)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def start_session(user: User) -> str:
    """Record a new signed-in session and return the id to keep in the cookie."""
    token, digest = new_token()
    db.session.add(UserSession(user_id=user.id, token_hash=digest, created_at=clock.now()))
    return token


def end_session(token: str | None) -> None:
    if not token:
        return
    db.session.execute(
        sa.update(UserSession)
        .where(UserSession.token_hash == token_digest(token), UserSession.ended_at.is_(None))
        .values(ended_at=clock.now())
    )


def end_all_sessions(user: User) -> None:
    """Sign the person out everywhere: end every session row and change the session version."""
    db.session.execute(
        sa.update(UserSession)
        .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
        .values(ended_at=clock.now())
    )
    user.session_version += 1


@functools.cache
def _session_user_statement() -> sa.Select[tuple[User]]:
    """Built once: every signed-in request runs it, and building and keying a five-condition join took a
    third of its cost. The values are bound at execution. Facts that domains above accounts derive about the
    person for every page (deferred column properties in ``SESSION_GROUP``) come in the same statement."""
    return (
        sa.select(User)
        .options(undefer_group(SESSION_GROUP))
        .join(UserSession, UserSession.user_id == User.id)
        .where(
            User.id == sa.bindparam("user_id"),
            User.session_version == sa.bindparam("version"),
            User.active.is_(True),
            UserSession.token_hash == sa.bindparam("token_hash"),
            UserSession.ended_at.is_(None),
            UserSession.created_at > sa.bindparam("since", type_=UserSession.created_at.type),
        )
    )


def session_user(user_id: int, version: int, token: str, max_age: dt.timedelta) -> User | None:
    """The active user behind a cookie, if that session is still open and young enough (one query)."""
    return db.session.scalar(
        _session_user_statement(),
        {
            "user_id": user_id,
            "version": version,
            "token_hash": token_digest(token),
            "since": clock.now() - max_age,
        },
    )


# --- invitations -------------------------------------------------------------------------------------------


def invite(
    user: User,
    lifetime: dt.timedelta,
    invited_by: User | None,
    cohort_id: int | None = None,
    role: str | None = None,
) -> tuple[AccountInvite, str]:
    """A new invitation for ``user``; earlier pending ones stop working. Returns it with its raw token."""
    now = clock.now()
    db.session.execute(
        sa.update(AccountInvite)
        .where(
            AccountInvite.user_id == user.id,
            AccountInvite.accepted_at.is_(None),
            AccountInvite.revoked_at.is_(None),
        )
        .values(revoked_at=now)
    )
    token, digest = new_token()
    invitation = AccountInvite(
        user_id=user.id,
        email=user.email,
        cohort_id=cohort_id,
        role=role,
        token_hash=digest,
        expires_at=now + lifetime,
        sent_at=now,
        invited_by_id=invited_by.id if invited_by else None,
    )
    db.session.add(invitation)
    db.session.flush()
    return invitation, token


def resend_invite(
    invitation: AccountInvite, lifetime: dt.timedelta, invited_by: User | None
) -> tuple[AccountInvite, str]:
    if invitation.accepted_at is not None:
        raise AccountError(_l("This invitation has already been accepted."))
    return invite(invitation.user, lifetime, invited_by, invitation.cohort_id, invitation.role)


def revoke_invite(invitation: AccountInvite) -> None:
    if invitation.status(clock.now()) is InviteStatus.PENDING:
        invitation.revoked_at = clock.now()


def invite_by_token(token: str) -> AccountInvite | None:
    return db.session.scalar(sa.select(AccountInvite).where(AccountInvite.token_hash == token_digest(token)))


def accept_invite(invitation: AccountInvite, name: str, password: str) -> User:
    """Use the invitation: set the name and password. Refused unless the invitation is pending."""
    status = invitation.status(clock.now())
    if status is not InviteStatus.PENDING:
        raise AccountError(INVITE_PROBLEMS[status])
    user = invitation.user
    if not user.active:
        raise AccountError(INVITE_PROBLEMS[InviteStatus.REVOKED])
    user.password_hash = hash_password(password)
    user.name = name.strip() or user.name
    invitation.accepted_at = clock.now()
    audit.record(user.id, user, "invitation_accepted")
    return user


INVITE_PROBLEMS = {
    InviteStatus.ACCEPTED: _l("This invitation has already been used. Sign in with your email and password."),
    InviteStatus.EXPIRED: _l("This invitation has expired. Ask the program staff to send a new one."),
    InviteStatus.REVOKED: _l("This invitation is no longer valid. Ask the program staff to send a new one."),
}


# --- password reset ----------------------------------------------------------------------------------------


def request_password_reset(email: str) -> tuple[User | None, str]:
    """Record a reset for the active account with this email; returns that account (None if there is none)
    and the token for its link.

    Both outcomes run the same statements, so the work done does not tell whether the address has an
    account: the reset row is written by one INSERT … SELECT that picks the account by id, and with no
    account picks (and inserts) nothing. Callers queue one message either way.
    """
    user = db.session.scalar(user_by_email(email))
    if user is not None and not user.active:
        user = None
    token, digest = new_token()
    now = clock.now()
    account_id = sa.bindparam("account_id", user.id if user is not None else None, type_=sa.Integer())
    db.session.execute(
        sa.insert(PasswordReset).from_select(
            ["user_id", "token_hash", "expires_at", "created_at"],
            sa.select(
                User.id,
                sa.literal(digest, sa.String()),
                sa.literal(now + RESET_LIFETIME, UTCDateTime()),
                sa.literal(now, UTCDateTime()),
            ).where(User.id == account_id),
        )
    )
    return user, token


def deliverable_address(address: str) -> str | None:
    """``address`` as mail can be sent to it, or None for text that is no email address (and so no
    account's: accounts are created with valid addresses only)."""
    try:
        return validate_email(address, check_deliverability=False).normalized
    except EmailNotValidError:
        return None


def reset_by_token(token: str) -> PasswordReset | None:
    """The reset for this token if it can still be used."""
    reset = db.session.scalar(sa.select(PasswordReset).where(PasswordReset.token_hash == token_digest(token)))
    if reset is None or reset.used_at is not None or reset.expires_at <= clock.now():
        return None
    return reset


def complete_password_reset(reset: PasswordReset, password: str) -> User:
    user = db.session.get(User, reset.user_id)
    assert user is not None
    set_password(user, password, user.id)
    reset.used_at = clock.now()
    db.session.execute(  # every other reset link for this person stops working too
        sa.update(PasswordReset)
        .where(PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None))
        .values(used_at=clock.now())
    )
    return user


def change_password(user: User, current: str, new: str) -> None:
    if not user.check_password(current):
        raise AccountError(_l("The current password is not right."))
    set_password(user, new, user.id)


def personal_data(user: User) -> dict[str, object]:
    """What the accounts domain holds about ``user`` (no hashes, no tokens)."""
    sessions = db.session.scalars(
        sa.select(UserSession).where(UserSession.user_id == user.id).order_by(UserSession.created_at)
    )
    invitations = db.session.scalars(
        sa.select(AccountInvite).where(AccountInvite.user_id == user.id).order_by(AccountInvite.sent_at)
    )
    return {
        "profile": {
            "name": user.name,
            "email": user.email,
            "organization": user.organization.name if user.organization else None,
            "locale": user.locale,
            "timezone": user.timezone,
            "email_notifications": user.email_notifications,
            "administrator": user.is_admin,
            "active": user.active,
            "created_at": user.created_at.isoformat(),
        },
        "sessions": [
            {
                "started_at": s.created_at.isoformat(),
                "ended_at": s.ended_at.isoformat() if s.ended_at else None,
            }
            for s in sessions
        ],
        "invitations": [
            {
                "sent_at": i.sent_at.isoformat(),
                "accepted_at": i.accepted_at.isoformat() if i.accepted_at else None,
            }
            for i in invitations
        ],
    }
