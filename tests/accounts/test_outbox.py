"""What administrators may read of the mail: never the text of a message whose link acts for its recipient
(password resets, invitations, guests' links, unsubscribe links). The development mailbox shows it."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from fellowship.core import mail
from tests.conftest import World
from tests.events.conftest import make_event
from tests.mailbox import messages


def reset_for_a_fellow(world: World, app: Any, client_as: Any) -> str:
    app.test_client().post("/password/forgot", data={"email": world.users["fellow"].email})
    return "password_reset"


def invitation_from_an_admin(world: World, app: Any, client_as: Any) -> str:
    client_as("admin").post(f"/admin/users/{world.users['observer'].id}/invite")
    return "invitation"


def guest_invited_to_an_event(world: World, app: Any, client_as: Any) -> str:
    event = make_event(world)
    client_as("facilitator").post(f"/events/{event.id}/guests", data={"guests": "Gail <gail@example.org>"})
    return "event_invitation"


FLOWS = [reset_for_a_fellow, invitation_from_an_admin, guest_invited_to_an_event]


def only_message(kind: str, to: str | None = None) -> mail.OutboxMessage:
    [message] = messages(kind, to)
    return message


def links_in(message: mail.OutboxMessage) -> list[str]:
    return re.findall(r"https?://[^\s<>\"]+", message.body_text)


@pytest.mark.parametrize("flow", FLOWS, ids=lambda flow: flow.__name__)
def test_admins_never_read_a_message_whose_link_acts_for_its_recipient(
    world: World, app: Any, client_as: Any, flow: Callable[..., str]
) -> None:
    kind = flow(world, app, client_as)
    message = only_message(kind, "gail@example.org" if kind == "event_invitation" else None)
    assert message.holds_secret is True
    assert links_in(message)
    admin = client_as("admin")
    listing = admin.get("/admin/outbox").get_data(as_text=True)
    page = admin.get(f"/admin/outbox/{message.id}").get_data(as_text=True)
    assert 'id="message-withheld"' in page
    for link in links_in(message):
        assert link not in page and link not in listing
    assert message.body_text.splitlines()[0] not in page  # no part of the text either


def test_admins_read_a_message_without_such_a_link(world: World, app: Any, client_as: Any) -> None:
    app.test_client().post("/password/forgot", data={"email": "nobody@example.org"})
    message = only_message("password_reset_no_account")
    assert message.holds_secret is False
    page = client_as("admin").get(f"/admin/outbox/{message.id}").get_data(as_text=True)
    assert 'id="message-withheld"' not in page
    assert "no active account uses it" in page


def test_the_development_mailbox_shows_the_link(
    world: World, app: Any, client_as: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "FELLOWSHIP_DEV_MAILBOX", True)
    reset_for_a_fellow(world, app, client_as)
    message = only_message("password_reset")
    [link] = links_in(message)
    page = app.test_client().get(f"/dev/mailbox/{message.id}").get_data(as_text=True)
    assert f'<a href="{link}">{link}</a>' in page
