"""Transactional mail outbox.

``queue`` adds a message to the database session of the action that causes it, so a message exists exactly
when that action committed: never lost, never sent for a rolled-back action, never sent on the request
path. ``deliver`` (the ``flask fellowship deliver-mail`` command) claims pending messages under a lease,
sends them over SMTP, and marks them sent. A worker that dies between sending and marking leaves the lease
to expire, so a message may be sent twice at most, never lost.

Without SMTP settings nothing leaves the machine: administrators see the messages on the Outbox page, but
not the text of a message that holds a secret (``holds_secret``: a password-reset, invitation, guest, vote
or unsubscribe link that acts for its recipient without signing in). Whoever composes a message declares
whether it holds one; only the development mailbox (core/dev_mailbox.py, never in production) shows it.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import hmac
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, parseaddr
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column

from fellowship.core import clock
from fellowship.core.models import UTCDateTime, enum_type
from fellowship.extensions import db

LEASE = dt.timedelta(minutes=5)
"""How long a worker holds what it claimed unless told otherwise (FELLOWSHIP_MAIL_LEASE_SECONDS)."""
MAX_ATTEMPTS = 8


class MailStatus(enum.StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


STATUS_LABELS = {
    MailStatus.PENDING: _l("Waiting to be sent"),
    MailStatus.SENT: _l("Handed to the mail server"),
    MailStatus.FAILED: _l("Could not be delivered"),
}


class OutboxMessage(db.Model):
    __tablename__ = "outbox_messages"
    __table_args__ = (sa.Index("ix_outbox_messages_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(64))
    recipient: Mapped[str] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.String(300))
    body_text: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str | None] = mapped_column(sa.Text)
    headers: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict)
    attachments: Mapped[list[dict[str, str]]] = mapped_column(sa.JSON, default=list)
    """Each {"filename", "mimetype", "content"}: text attachments such as an iCalendar invitation."""
    locale: Mapped[str] = mapped_column(sa.String(8), default="en")
    holds_secret: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    """The text carries a link that acts for the recipient (see the module's docstring): never shown to
    administrators."""
    status: Mapped[MailStatus] = mapped_column(enum_type(MailStatus), default=MailStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=clock.now)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=clock.now)
    lease_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str] = mapped_column(sa.Text, default="")


class TitledSubject:
    """A subject whose wording (a lazy string with ``%(title)s``) is translated as the message is composed, in
    the recipient's language, with a title someone wrote put in as it is: never through %-formatting, so a
    "%" in the title cannot break it."""

    def __init__(self, wording: Any, title: str) -> None:
        self.wording, self.title = wording, title

    def __str__(self) -> str:
        return str(self.wording).replace("%(title)s", self.title)


def compose(
    kind: str,
    recipient: str,
    locale: str,
    subject: Any,
    template: str,
    headers: dict[str, str] | None = None,
    attachments: list[dict[str, str]] | None = None,
    *,
    secret: bool,
    **context: Any,
) -> OutboxMessage:
    """Render ``template``.txt and .html in the recipient's language and queue the message.

    ``subject`` may be a lazy string; it is translated in ``locale`` too. ``secret`` (no default: every
    caller decides) says whether the message holds a link that acts for its recipient.
    """
    from flask import render_template
    from flask_babel import force_locale

    with force_locale(locale):
        text = render_template(template + ".txt", **context)
        html = render_template(template + ".html", **context)
        message = queue(
            kind, recipient, str(subject), text, html, locale=locale, headers=headers, secret=secret
        )
    message.attachments = attachments or []
    return message


EPHEMERAL_KINDS: set[str] = set()
"""Kinds whose address and body must not outlive their delivery (vote confirmations): blanked once sent,
or after ``forget_stale``'s age when they could not be sent, and masked on the outbox pages."""


def register_ephemeral(kind: str) -> None:
    EPHEMERAL_KINDS.add(kind)


def shown_to_admins(message: OutboxMessage) -> bool:
    """Whether the outbox pages may show the message's text (and so its links)."""
    return not message.holds_secret and message.kind not in EPHEMERAL_KINDS


def forget(message: OutboxMessage) -> None:
    message.recipient, message.body_text, message.body_html, message.headers = "", "", None, {}


def shown_recipient(message: OutboxMessage) -> str:
    """The address as the outbox pages show it: masked for ephemeral kinds (removed once sent)."""
    if message.kind not in EPHEMERAL_KINDS:
        return message.recipient
    if not message.recipient:
        return "—"
    local, _at, domain = message.recipient.partition("@")
    return f"{local[:1]}…@{domain[:1]}…"


def forget_stale(max_age: dt.timedelta) -> int:
    """Give up on ephemeral messages still unsent after ``max_age``: blank them and mark them failed."""
    cutoff = clock.now() - max_age
    stale = db.session.scalars(
        sa.select(OutboxMessage).where(
            OutboxMessage.kind.in_(sorted(EPHEMERAL_KINDS) or [""]),
            OutboxMessage.status == MailStatus.PENDING,
            OutboxMessage.created_at < cutoff,
        )
    ).all()
    for message in stale:
        forget(message)
        message.status, message.last_error = MailStatus.FAILED, "not sent in time; address removed"
    return len(stale)


def queue(
    kind: str,
    recipient: str,
    subject: str,
    body_text: str,
    body_html: str | None = None,
    locale: str = "en",
    headers: dict[str, str] | None = None,
    secret: bool = False,
) -> OutboxMessage:
    """Add a message to the current transaction; it is delivered only if that transaction commits."""
    message = OutboxMessage(
        kind=kind,
        recipient=recipient,
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        locale=locale,
        headers=headers or {},
        holds_secret=secret,
        next_attempt_at=clock.now(),
    )
    db.session.add(message)
    return message


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int = 587
    username: str = ""
    password: str = ""
    security: str = "starttls"  # starttls, ssl or none
    sender: str = "Fellowship <fellowship@localhost>"
    timeout: float = 30

    @classmethod
    def from_config(cls, config: Any) -> SmtpSettings | None:
        host = config.get("FELLOWSHIP_SMTP_HOST") or ""
        if not host:
            return None
        return cls(
            host=host,
            port=int(config.get("FELLOWSHIP_SMTP_PORT") or 587),
            username=config.get("FELLOWSHIP_SMTP_USERNAME") or "",
            password=config.get("FELLOWSHIP_SMTP_PASSWORD") or "",
            security=(config.get("FELLOWSHIP_SMTP_SECURITY") or "starttls").lower(),
            sender=config.get("FELLOWSHIP_MAIL_FROM") or cls.sender,
        )


def backoff(attempts: int) -> dt.timedelta:
    """Wait 1, 2, 4 … minutes between attempts, at most six hours."""
    return min(dt.timedelta(minutes=2 ** max(attempts - 1, 0)), dt.timedelta(hours=6))


def claim(batch: int, lease: dt.timedelta = LEASE) -> list[OutboxMessage]:
    """Lease up to ``batch`` due messages to this worker for ``lease`` and commit the lease.

    On PostgreSQL the rows are locked with SKIP LOCKED, so parallel workers never claim the same row; on
    SQLite the claiming transaction is BEGIN IMMEDIATE, which serialises claims.
    """
    now = clock.now()
    stmt = (
        sa.select(OutboxMessage)
        .where(
            OutboxMessage.status == MailStatus.PENDING,
            OutboxMessage.next_attempt_at <= now,
            sa.or_(OutboxMessage.lease_until.is_(None), OutboxMessage.lease_until < now),
        )
        .order_by(OutboxMessage.id)
        .limit(batch)
        .with_for_update(skip_locked=True)
    )
    messages = list(db.session.scalars(stmt))
    for message in messages:
        message.lease_until = now + lease
        message.attempts += 1
    db.session.commit()
    return messages


def message_id(message: OutboxMessage, sender: str, secret: str) -> str:
    """The same Message-ID every time the row is sent: the rare second copy (see ``deliver``) carries the
    first's, so mail programs and list servers treat it as the same message. A keyed hash of the row's id
    and creation time (to the microsecond, so it differs across databases and restores), never the id
    itself, which would tell every recipient how many messages the site has sent (during a vote, how many
    people voted). The domain is the sender's."""
    domain = parseaddr(sender)[1].rpartition("@")[2] or "fellowship.local"
    stamp = message.created_at.strftime("%Y%m%d%H%M%S%f") if message.created_at else "0"
    digest = hmac.new(secret.encode(), f"outbox|{message.id}|{stamp}".encode(), hashlib.sha256)
    return f"<{digest.hexdigest()[:40]}@{domain}>"


def build(message: OutboxMessage, sender: str, secret: str) -> EmailMessage:
    """The email of ``message``; ``secret`` (the application's SECRET_KEY) keys its Message-ID."""
    email = EmailMessage()
    email["From"] = sender
    email["To"] = formataddr(("", message.recipient))
    email["Subject"] = message.subject
    email["Message-ID"] = message_id(message, sender, secret)
    for name, value in (message.headers or {}).items():
        email[name] = value
    email.set_content(message.body_text)
    if message.body_html:
        email.add_alternative(message.body_html, subtype="html")
    for attachment in message.attachments or []:  # text attachments only (str content makes text/<subtype>)
        _text, _slash, subtype = attachment["mimetype"].partition("/")
        params = {"method": attachment["method"]} if attachment.get("method") else {}
        email.add_attachment(
            attachment["content"], subtype=subtype, filename=attachment["filename"], params=params
        )
    email["Content-Language"] = message.locale  # after the body: set_content drops Content-* headers
    return email


def _connect(settings: SmtpSettings) -> smtplib.SMTP:
    if settings.security == "ssl":
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(
            settings.host, settings.port, timeout=settings.timeout, context=ssl.create_default_context()
        )
    else:
        smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
        if settings.security == "starttls":
            smtp.starttls(context=ssl.create_default_context())
    if settings.username:
        smtp.login(settings.username, settings.password)
    return smtp


def deliver(settings: SmtpSettings, batch: int = 50, lease: dt.timedelta = LEASE) -> tuple[int, int]:
    """Send one batch of due messages; returns (sent, failed attempts).

    At least once, never lost. Each outcome is committed as soon as the mail server has answered, so a
    worker that dies loses only its lease, and once the lease ends another worker sends what it had not
    marked. A message goes out twice only when (a) its worker died, or lost the database, after the mail
    server accepted it and before the mark was committed, or (b) the connection broke after the server
    accepted the message but before its answer arrived (then the send counts as failed and is retried).
    Both second copies carry the first's Message-ID. Nothing else is sent twice: a lease is claimed with
    SKIP LOCKED (or under SQLite's single writer), so two workers never hold the same message, and a
    worker starts no send once its lease is close to its end (``_lease_margin``): what it has not sent by
    then it gives back at once for the next round.
    """
    session = db.session()
    expiring, session.expire_on_commit = session.expire_on_commit, False
    try:  # the rows are leased to this worker, which alone changes them: nothing to read again per commit
        return _deliver(settings, batch, lease)
    finally:
        session.expire_on_commit = expiring


def _lease_margin(settings: SmtpSettings, lease: dt.timedelta) -> dt.timedelta:
    """How long before its lease ends a worker stops starting sends: room for one slow send (a few SMTP
    commands, each up to the timeout), at most half the lease."""
    return min(dt.timedelta(seconds=3 * settings.timeout), lease / 2)


def _deliver(settings: SmtpSettings, batch: int, lease: dt.timedelta) -> tuple[int, int]:
    messages = claim(batch, lease)
    if not messages:
        return 0, 0
    from flask import current_app

    secret = current_app.config["SECRET_KEY"]
    stop_at = clock.now() + lease - _lease_margin(settings, lease)
    sent = failed = 0
    smtp: smtplib.SMTP | None = None
    try:
        smtp = _connect(settings)
    except (OSError, smtplib.SMTPException) as error:
        for message in messages:
            _failed(message, error)
        db.session.commit()
        return 0, len(messages)
    try:
        for position, message in enumerate(messages):
            if clock.now() >= stop_at:
                for unsent in messages[position:]:  # another worker may take them now
                    unsent.lease_until, unsent.attempts = None, unsent.attempts - 1
                db.session.commit()
                break
            try:
                smtp.send_message(build(message, settings.sender, secret))
            except (OSError, smtplib.SMTPException) as error:
                _failed(message, error)
                failed += 1
            else:
                message.status, message.sent_at, message.lease_until = MailStatus.SENT, clock.now(), None
                if message.kind in EPHEMERAL_KINDS:
                    forget(message)
                sent += 1
            db.session.commit()  # record each outcome at once, so a crash re-sends as little as possible
    finally:
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()
    return sent, failed


def _failed(message: OutboxMessage, error: Exception) -> None:
    message.last_error = f"{type(error).__name__}: {error}"[:2000]
    message.lease_until = None
    if message.attempts >= MAX_ATTEMPTS:
        message.status = MailStatus.FAILED
    else:
        message.next_attempt_at = clock.now() + backoff(message.attempts)
