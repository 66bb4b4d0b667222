"""The development mailbox: on only when switched on and asked from this machine; links clickable, text
escaped, a fixed number of queries."""

from __future__ import annotations

import re
from typing import Any

import pytest

from fellowship import create_app
from fellowship.awards.enums import Phase
from fellowship.config import ConfigError, load
from fellowship.core import dev_mailbox, mail
from fellowship.extensions import db
from tests.awards.conftest import add_project, make_contest
from tests.clients import Client
from tests.conftest import World
from tests.mailbox import messages

REMOTE = {"REMOTE_ADDR": "203.0.113.5"}


@pytest.fixture
def mailbox_on(app: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.config, "FELLOWSHIP_DEV_MAILBOX", True)


LINK = "https://fellowship.test/invitations/abc123"


def queue(count: int = 1, body: str = f"Open {LINK} to start.") -> list[Any]:
    queued = [
        mail.queue("password_reset", f"person{n}@example.org", f"Message {n}", body) for n in range(count)
    ]
    db.session.commit()
    return queued


def test_mailbox_is_not_found_by_default(app: Any, client: Client) -> None:
    (message,) = queue()
    assert app.config["FELLOWSHIP_DEV_MAILBOX"] is False
    assert client.get("/dev/mailbox").status_code == 404
    assert client.get(f"/dev/mailbox/{message.id}").status_code == 404


def test_mailbox_lists_messages_newest_first_for_a_loopback_peer(mailbox_on: None, client: Client) -> None:
    queue(3)
    response = client.get("/dev/mailbox")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    subjects = re.findall(r'/dev/mailbox/\d+">([^<]+)</a>', response.get_data(as_text=True))
    assert subjects == ["Message 2", "Message 1", "Message 0"]


def test_message_page_shows_its_link_as_a_link(mailbox_on: None, client: Client) -> None:
    (message,) = queue(body=f"Open {LINK}. Thanks!")
    body = client.get(f"/dev/mailbox/{message.id}").get_data(as_text=True)
    assert f'Open <a href="{LINK}">{LINK}</a>. Thanks!' in body
    assert "person0@example.org" in body


def test_message_text_is_escaped(mailbox_on: None, client: Client) -> None:
    (message,) = queue(body='<script>alert(1)</script> see https://example.org/?a=1&b="2"')
    body = client.get(f"/dev/mailbox/{message.id}").get_data(as_text=True)
    assert "<script>alert(1)" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert '<a href="https://example.org/?a=1&amp;b=">https://example.org/?a=1&amp;b=</a>&#34;2&#34;' in body


def test_mailbox_is_not_found_for_a_remote_peer_even_claiming_loopback(mailbox_on: None, app: Any) -> None:
    (message,) = queue()
    client = app.test_client()
    for path in ("/dev/mailbox", f"/dev/mailbox/{message.id}"):
        response = client.get(path, environ_base=REMOTE, headers={"X-Forwarded-For": "127.0.0.1"})
        assert response.status_code == 404


def test_a_forwarded_request_is_not_from_this_machine(mailbox_on: None, client: Client) -> None:
    """A reverse proxy on this host connects from loopback on behalf of someone else."""
    assert client.get("/dev/mailbox", headers={"X-Forwarded-For": "203.0.113.5"}).status_code == 404
    assert client.get("/dev/mailbox", headers={"Forwarded": "for=203.0.113.5"}).status_code == 404


@pytest.fixture
def proxied_app(app: Any, tmp_path: Any) -> Any:
    proxied = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "SECRET_KEY": "y" * 40,
            "FELLOWSHIP_TRUSTED_PROXIES": 1,
            "FELLOWSHIP_DEV_MAILBOX": True,
        }
    )
    proxied.instance_path = str(tmp_path)
    proxied.test_client_class = Client
    yield proxied
    with proxied.app_context():
        db.engine.dispose()


def test_behind_a_trusted_proxy_the_peer_is_the_original_address(proxied_app: Any) -> None:
    client = proxied_app.test_client()
    spoofed = client.get("/dev/mailbox", environ_base=REMOTE, headers={"X-Forwarded-For": "127.0.0.1"})
    assert spoofed.status_code == 404
    assert client.get("/dev/mailbox").status_code == 200


@pytest.mark.parametrize(
    ("address", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("::1", True),
        ("::ffff:127.0.0.1", True),
        ("10.0.0.1", False),
        ("203.0.113.5", False),
        ("::ffff:203.0.113.5", False),
        ("", False),
        ("localhost", False),
    ],
)
def test_is_loopback(address: str, loopback: bool) -> None:
    assert dev_mailbox.is_loopback(address) is loopback


def test_peer_address_prefers_what_proxy_fix_kept_aside() -> None:
    environ = {"REMOTE_ADDR": "127.0.0.1", "werkzeug.proxy_fix.orig": {"REMOTE_ADDR": "203.0.113.5"}}
    assert dev_mailbox.peer_address(environ) == "203.0.113.5"
    assert dev_mailbox.peer_address({"REMOTE_ADDR": "::1"}) == "::1"


def test_production_refuses_to_start_with_the_mailbox_on() -> None:
    environ = {
        "FELLOWSHIP_ENV": "production",
        "SECRET_KEY": "x" * 40,
        "FELLOWSHIP_RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0",
        "FELLOWSHIP_VOTER_KEY_SECRET": "v" * 40,
        "FELLOWSHIP_DEV_MAILBOX": "1",
    }
    with pytest.raises(ConfigError, match="FELLOWSHIP_DEV_MAILBOX must be off in production"):
        load("/tmp/instance", environ)


def test_development_mode_alone_does_not_open_the_mailbox() -> None:
    assert load("/tmp/instance", {"FELLOWSHIP_ENV": "development"})["FELLOWSHIP_DEV_MAILBOX"] is False
    assert load("/tmp/instance", {"FELLOWSHIP_DEV_MAILBOX": "1"})["FELLOWSHIP_DEV_MAILBOX"] is True


def test_footer_links_the_mailbox_only_when_it_is_open(app: Any, client: Client, monkeypatch: Any) -> None:
    link = 'href="/dev/mailbox"'
    assert link not in client.get("/sign-in").get_data(as_text=True)
    monkeypatch.setitem(app.config, "FELLOWSHIP_DEV_MAILBOX", True)
    assert link in client.get("/sign-in").get_data(as_text=True)
    assert link not in client.get("/sign-in", environ_base=REMOTE).get_data(as_text=True)


def test_list_page_queries_do_not_grow_with_messages(
    mailbox_on: None, client: Client, count_queries: Any
) -> None:
    counts = []
    for size in (2, 40):
        queue(size)
        with count_queries() as counter:
            assert client.get("/dev/mailbox").status_code == 200
        counts.append(counter.count)
    assert counts == [2, 2]  # the page count and the page


def test_a_public_voter_confirms_through_the_mailbox(mailbox_on: None, world: World, client: Client) -> None:
    contest = make_contest(world, Phase.VOTING)
    project = add_project(contest, world, "Alpha")
    db.session.commit()
    sent = client.post(
        f"/awards/{contest.slug}/projects/{project.id}/vote", data={"email": "voter@example.net"}
    ).get_data(as_text=True)
    assert 'id="vote-sent"' in sent
    assert 'href="/dev/mailbox"' in sent.split('id="vote-sent"', 1)[1].split("</main>", 1)[0]
    (message,) = messages(kind="vote_confirmation")
    page = client.get(f"/dev/mailbox/{message.id}").get_data(as_text=True)
    (link,) = re.findall(r'<a href="(https?://[^"]+/confirm/[^"]+)">', page)
    assert client.get(link).status_code == 200
