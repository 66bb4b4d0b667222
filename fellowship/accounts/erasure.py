"""The right to erasure: a person asks, an administrator erases.

Erasure keeps the ``users`` row, so every figure that counted the person stays right (rosters, attendance
counts and rates, response counts, votes, scores, submitted reports' snapshots), and makes it say nothing
about who they were: the name becomes "Erased person #N" (the row's id; the placeholder is stored in
English, like the audit trail), the address an undeliverable ``erased-N@erased.invalid`` (RFC 2606), and
the account can never sign in again. Each domain's eraser (``core.personal_data``) removes the rest of what
it holds; the accounts eraser here also clears the shared tables: sessions, invitations, reset links,
outbox messages, notifications and the names and addresses inside the audit trail.

Certificates name their holder and are checked by name, so erasure **withdraws** them (impact's eraser):
the public check then says the certificate was withdrawn and confirms no name. The rule is the same
whoever starts the erasure; a holder who needs proof of completion keeps the printed certificate, whose
code then reads as withdrawn. Functions flush, never commit.
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from fellowship.accounts.models import AccountInvite, PasswordReset, User, UserSession
from fellowship.core import audit, clock, personal_data
from fellowship.core.mail import OutboxMessage
from fellowship.core.notifications import Notification
from fellowship.extensions import db

ERASED_DOMAIN = "erased.invalid"


class ErasureError(ValueError):
    """The erasure cannot be done; the message is shown to the person."""


def label(user_id: int) -> str:
    return f"Erased person #{user_id}"


def erased_address(user_id: int) -> str:
    return f"erased-{user_id}@{ERASED_DOMAIN}"


def request(user: User) -> None:
    """Record the person's request; administrators see it on the people page and carry it out."""
    if user.erasure_requested_at is None:
        user.erasure_requested_at = clock.now()
        audit.record(user.id, user, "erasure_requested")
    db.session.flush()


def withdraw_request(user: User) -> None:
    if user.erasure_requested_at is not None:
        user.erasure_requested_at = None
        audit.record(user.id, user, "erasure_request_withdrawn")
    db.session.flush()


def requests() -> sa.Select[tuple[User]]:
    return (
        sa.select(User)
        .where(User.erasure_requested_at.is_not(None), User.erased_at.is_(None))
        .order_by(User.erasure_requested_at, User.id)
    )


def erase(user: User, actor_id: int | None) -> str:
    """Erase ``user`` everywhere; returns the placeholder now standing for them. One transaction (the
    caller commits): either everything is erased or nothing is."""
    if user.erased_at is not None:
        raise ErasureError(_l("This account has already been erased."))
    if actor_id == user.id:
        raise ErasureError(_l("Another administrator must erase your account."))
    erasure = personal_data.Erasure(
        user=user,
        name=user.name,
        email=user.email,
        label=label(user.id),
        actor_id=actor_id,
        now=clock.now(),
    )
    personal_data.erase_everywhere(erasure)
    # The trail says that this account was erased and by whom, nothing about the person.
    audit.record(actor_id, user, "erased")
    db.session.flush()
    return erasure.label


# --- the accounts domain's own holding ----------------------------------------------------------------------


def _erase_account(erasure: personal_data.Erasure) -> None:
    """Sessions, invitations and reset links go; the row stays as the placeholder. Also clears the shared
    tables no domain owns: outbox messages to the person (deleted, so nothing queued reaches them and no
    copy of the address stays) and those naming them (scrubbed), notifications addressed to them, and the
    audit trail's changes (scrubbed: the entries keep what kind of change it was)."""
    user = erasure.user
    addresses = {erasure.email, erasure.email.lower()}
    db.session.execute(sa.delete(UserSession).where(UserSession.user_id == user.id))
    db.session.execute(sa.delete(PasswordReset).where(PasswordReset.user_id == user.id))
    db.session.execute(
        sa.delete(AccountInvite).where(
            sa.or_(AccountInvite.user_id == user.id, sa.func.lower(AccountInvite.email).in_(addresses))
        )
    )
    db.session.execute(sa.delete(OutboxMessage).where(sa.func.lower(OutboxMessage.recipient).in_(addresses)))
    db.session.execute(sa.delete(Notification).where(sa.func.lower(Notification.recipient).in_(addresses)))
    _scrub_outbox(erasure)
    _scrub_trail(erasure)
    user.name = erasure.label
    user.email = erased_address(user.id)
    user.password_hash = None
    user.locale = None
    user.timezone = "UTC"
    user.is_admin = False
    user.active = False
    user.email_notifications = False
    user.organization_id = None
    user.session_version += 1
    user.calendar_version += 1
    user.erasure_requested_at = None
    user.erased_at = erasure.now
    db.session.flush()


def _mentions(column: sa.ColumnElement[str], erasure: personal_data.Erasure) -> sa.ColumnElement[bool]:
    """A pre-filter in SQL: the column's text holds one of the secrets, as typed or as JSON escapes it."""
    forms = set()
    for secret in erasure.secrets():
        forms.add(secret)
        forms.add(json.dumps(secret)[1:-1])
    text = sa.cast(column, sa.Text)
    return sa.or_(*(text.contains(form, autoescape=True) for form in sorted(forms)))


def _scrub_outbox(erasure: personal_data.Erasure) -> None:
    rows = db.session.scalars(
        sa.select(OutboxMessage).where(
            sa.or_(
                _mentions(OutboxMessage.subject, erasure),
                _mentions(OutboxMessage.body_text, erasure),
                _mentions(sa.func.coalesce(OutboxMessage.body_html, ""), erasure),
                _mentions(OutboxMessage.headers, erasure),
            )
        )
    )
    for message in rows:
        message.subject = erasure.scrub(message.subject)
        message.body_text = erasure.scrub(message.body_text)
        if message.body_html is not None:
            message.body_html = erasure.scrub(message.body_html)
        message.headers = erasure.scrub_json(message.headers)


def _scrub_trail(erasure: personal_data.Erasure) -> None:
    rows = db.session.scalars(
        sa.select(audit.AuditEntry)
        .where(_mentions(audit.AuditEntry.changes, erasure))
        .execution_options(yield_per=500)
    )
    for entry in rows:
        if erasure.mentioned_in(entry.changes):
            entry.changes = erasure.scrub_json(entry.changes)


def _export_account(user: User) -> dict[str, object]:
    from fellowship.accounts import services

    data = services.personal_data(user)
    data["erasure_requested_at"] = (
        user.erasure_requested_at.isoformat() if user.erasure_requested_at else None
    )
    return data


personal_data.register(
    "accounts",
    _export_account,
    erase=_erase_account,
    tables=(
        "users",
        "user_sessions",
        "account_invites",
        "password_resets",
        "outbox_messages",
        "notifications",
        "audit_entries",
    ),
)
