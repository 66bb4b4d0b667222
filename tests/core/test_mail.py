"""The outbox: written with the action, delivered by a worker over SMTP, retried, never lost."""

from __future__ import annotations

import datetime as dt
import email
import re
import socket
from collections.abc import Iterator
from email.message import Message
from typing import Any

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from fellowship.core import mail
from fellowship.core.mail import MailStatus, OutboxMessage, SmtpSettings
from fellowship.extensions import db
from tests.concurrency import run_at_once


class Inbox:
    def __init__(self) -> None:
        self.received: list[Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd API
        self.received.append(email.message_from_bytes(envelope.content))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def smtp_server() -> Iterator[tuple[Inbox, SmtpSettings]]:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield (
        inbox,
        SmtpSettings(host="127.0.0.1", port=port, security="none", sender="Fellowship <f@example.org>"),
    )
    controller.stop()


def queue_one(**overrides: Any) -> OutboxMessage:
    values = {
        "kind": "test",
        "recipient": "ana@example.org",
        "subject": "Hola",
        "body_text": "Texto",
        "body_html": "<p>Texto</p>",
        "locale": "es",
    }
    message = mail.queue(**{**values, **overrides})
    db.session.commit()
    return message


def test_message_is_not_kept_when_the_action_rolls_back(app: Any) -> None:
    mail.queue("test", "ana@example.org", "Subject", "Body")
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 0


def test_deliver_sends_text_and_html_and_marks_sent(app: Any, smtp_server: Any, clock: Any) -> None:
    inbox, settings = smtp_server
    message = queue_one(headers={"List-Unsubscribe": "<https://example.org/u>"})
    assert mail.deliver(settings) == (1, 0)
    [received] = inbox.received
    assert (received["To"], received["Subject"], received["Content-Language"]) == (
        "ana@example.org",
        "Hola",
        "es",
    )
    assert received["List-Unsubscribe"] == "<https://example.org/u>"
    assert [part.get_content_type() for part in received.walk()] == [
        "multipart/alternative",
        "text/plain",
        "text/html",
    ]
    stored = db.session.get(OutboxMessage, message.id)
    assert (stored.status, stored.sent_at, stored.attempts) == (MailStatus.SENT, clock.now(), 1)
    assert mail.deliver(settings) == (0, 0)  # nothing is sent twice
    assert len(inbox.received) == 1


def test_deliver_retries_with_backoff_when_smtp_is_down(app: Any, clock: Any) -> None:
    message = queue_one()
    down = SmtpSettings(host="127.0.0.1", port=free_port(), security="none")
    assert mail.deliver(down) == (0, 1)
    stored = db.session.get(OutboxMessage, message.id)
    assert (stored.status, stored.attempts) == (MailStatus.PENDING, 1)
    assert stored.next_attempt_at == clock.now() + dt.timedelta(minutes=1)
    assert "ConnectionRefusedError" in stored.last_error
    assert mail.deliver(down) == (0, 0)  # not due yet
    clock.advance(dt.timedelta(minutes=1))
    assert mail.deliver(down) == (0, 1)
    assert db.session.get(OutboxMessage, message.id).next_attempt_at == clock.now() + dt.timedelta(minutes=2)


def test_message_fails_for_good_after_the_last_attempt(app: Any, clock: Any) -> None:
    message = queue_one()
    down = SmtpSettings(host="127.0.0.1", port=free_port(), security="none")
    for _attempt in range(mail.MAX_ATTEMPTS):
        mail.deliver(down)
        clock.advance(dt.timedelta(hours=6))
    stored = db.session.get(OutboxMessage, message.id)
    assert (stored.status, stored.attempts) == (MailStatus.FAILED, mail.MAX_ATTEMPTS)


def test_claimed_message_is_not_claimed_again_until_its_lease_ends(app: Any, clock: Any) -> None:
    """A worker that crashed after claiming leaves the message to be sent again, once, after the lease."""
    message = queue_one()
    assert [m.id for m in mail.claim(10)] == [message.id]
    assert mail.claim(10) == []
    clock.advance(mail.LEASE + dt.timedelta(seconds=1))
    assert [m.id for m in mail.claim(10)] == [message.id]


def test_a_shorter_lease_hands_a_dead_workers_messages_on_sooner(app: Any, clock: Any) -> None:
    message = queue_one()
    assert [m.id for m in mail.claim(10, dt.timedelta(seconds=5))] == [message.id]
    clock.advance(dt.timedelta(seconds=4))
    assert mail.claim(10) == []
    clock.advance(dt.timedelta(seconds=2))
    assert [m.id for m in mail.claim(10)] == [message.id]


def test_a_message_sent_again_carries_the_same_message_id(app: Any, smtp_server: Any, clock: Any) -> None:
    """The duplicate a dead worker can cause is recognisably the same message for mail programs."""
    inbox, settings = smtp_server
    first = queue_one()
    queue_one(recipient="ben@example.org")
    assert mail.deliver(settings) == (2, 0)
    stored = db.session.get(OutboxMessage, first.id)
    stored.status = MailStatus.PENDING  # as if the worker had died before marking it
    db.session.commit()
    assert mail.deliver(settings) == (1, 0)
    ids = [received["Message-ID"] for received in inbox.received]
    assert ids[0] == ids[2] != ids[1]
    assert ids[0] == mail.message_id(stored, settings.sender, app.config["SECRET_KEY"])
    # Keyed: it does not give away the row's id (how many messages the site sent before this one).
    assert re.fullmatch(r"<[0-9a-f]{40}@example\.org>", ids[0])
    assert mail.message_id(stored, settings.sender, "another secret") != ids[0]


def test_a_batch_costs_one_query_to_claim_and_one_update_per_message(
    app: Any, smtp_server: Any, count_queries: Any
) -> None:
    _inbox, settings = smtp_server
    for n in range(5):
        queue_one(recipient=f"p{n}@example.org")
    with count_queries() as counter:
        assert mail.deliver(settings) == (5, 0)
    selects = [s for s in counter.statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 1  # the claim; nothing is read again after each commit
    assert db.session.scalar(sa.select(sa.func.count()).where(OutboxMessage.status == MailStatus.SENT)) == 5


def test_a_worker_starts_no_send_once_its_lease_is_nearly_over(
    app: Any, smtp_server: Any, clock: Any, monkeypatch: Any
) -> None:
    """A slow relay must not let a batch outlive its lease (another worker would take and send it too):
    what is left is given back at once, and sent by the next round."""
    inbox, settings = smtp_server
    for n in range(3):
        queue_one(recipient=f"p{n}@example.org")
    sent_before = mail.smtplib.SMTP.send_message

    def slow(self: Any, *args: Any, **kwargs: Any) -> Any:
        clock.advance(dt.timedelta(seconds=3))  # each send takes three seconds of a ten-second lease
        return sent_before(self, *args, **kwargs)

    monkeypatch.setattr(mail.smtplib.SMTP, "send_message", slow)
    lease = dt.timedelta(seconds=10)
    assert mail.deliver(settings, lease=lease) == (2, 0)  # the third would start 6 s in, 4 s before the end
    left = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.status == MailStatus.PENDING)
    ).one()
    assert (left.lease_until, left.attempts) == (None, 0)
    assert [m.id for m in mail.claim(10)] == [left.id]  # free for any worker now


@pytest.mark.postgres
def test_two_workers_never_claim_the_same_message(app: Any) -> None:
    ids = {queue_one(recipient=f"p{n}@example.org").id for n in range(40)}

    def claim() -> list[int]:
        return [m.id for m in mail.claim(25)]

    first, second = run_at_once(app, [claim, claim])
    assert not isinstance(first, Exception) and not isinstance(second, Exception)
    assert set(first).isdisjoint(second)
    assert set(first) | set(second) == ids


def test_deliver_mail_command_sends_the_outbox(app: Any, smtp_server: Any) -> None:
    inbox, settings = smtp_server
    queue_one()
    app.config.update(
        FELLOWSHIP_SMTP_HOST=settings.host,
        FELLOWSHIP_SMTP_PORT=settings.port,
        FELLOWSHIP_SMTP_SECURITY="none",
    )
    try:
        result = app.test_cli_runner().invoke(args=["fellowship", "deliver-mail", "--once"])
    finally:
        app.config.update(FELLOWSHIP_SMTP_HOST="")
    assert (result.exit_code, result.output) == (0, "sent 1, failed 0\n")
    assert len(inbox.received) == 1


def test_deliver_mail_command_refuses_without_smtp(app: Any) -> None:
    result = app.test_cli_runner().invoke(args=["fellowship", "deliver-mail", "--once"])
    assert result.exit_code == 1
    assert "FELLOWSHIP_SMTP_HOST is not set" in result.output


def test_outbox_page_shows_messages_to_admins(world: Any, client_as: Any) -> None:
    message = queue_one(subject="Your invitation", body_text="Open https://fellowship.test/invitations/abc")
    admin = client_as("admin")
    assert "Your invitation" in admin.get("/admin/outbox").get_data(as_text=True)
    body = admin.get(f"/admin/outbox/{message.id}").get_data(as_text=True)
    assert 'href="https://fellowship.test/invitations/abc"' in body


def test_calendar_attachment_travels_with_its_method(app: Any, smtp_server: Any) -> None:
    inbox, settings = smtp_server
    message = queue_one()
    message.attachments = [
        {
            "filename": "invite.ics",
            "mimetype": "text/calendar",
            "method": "REQUEST",
            "content": "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n",
        }
    ]
    db.session.commit()
    mail.deliver(settings)
    [received] = inbox.received
    [part] = [p for p in received.walk() if p.get_content_type() == "text/calendar"]
    assert (part.get_filename(), part.get_param("method")) == ("invite.ics", "REQUEST")
