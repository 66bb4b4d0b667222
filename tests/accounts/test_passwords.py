from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from fellowship.accounts.models import User
from fellowship.accounts.services import AccountError, check_password_rules
from fellowship.extensions import db
from tests import factories as f
from tests.conftest import World
from tests.mailbox import link_path, messages

NEW = "quiet harbour lighthouse"


def ask_reset(client: Any, email: str) -> Any:
    return client.post("/password/forgot", data={"email": email})


@pytest.mark.parametrize(
    "password",
    [
        "short7!",
        "x" * 129,
        "password",
        "Password2024",
        "QWERTY123",
        "iloveyou!",
        "aaaaaaaaaaaa",
        "fellowship2025",
    ],
)
def test_password_rules_refuse(password: str) -> None:
    with pytest.raises(AccountError):
        check_password_rules(password)


@pytest.mark.parametrize(
    "password",
    ["eight ch", "correct horse battery staple", "zażółć gęślą jaźń", "Z" * 63 + "a", "a" * 127 + "b"],
)
def test_password_rules_accept_long_and_unicode_passwords_without_composition_rules(password: str) -> None:
    check_password_rules(password)


def test_forgot_password_answers_the_same_for_known_and_unknown_addresses(world: World, app: Any) -> None:
    known, unknown = app.test_client(), app.test_client()
    first = ask_reset(known, world.users["fellow"].email)
    second = ask_reset(unknown, "nobody@example.org")
    assert (first.status_code, first.headers["Location"]) == (second.status_code, second.headers["Location"])
    known_page = known.get("/sign-in").get_data(as_text=True)
    unknown_page = unknown.get("/sign-in").get_data(as_text=True)
    notice = "If an account uses that address, we have emailed it a link to choose a new password."
    assert notice in known_page and notice in unknown_page
    assert [m.recipient for m in messages("password_reset")] == [world.users["fellow"].email]


WRITES = ("INSERT", "UPDATE", "DELETE")


def test_forgot_password_does_the_same_work_for_known_and_unknown_addresses(
    world: World, app: Any, count_queries: Any
) -> None:
    """The same statements, writes included, in the same order: neither the answer nor the work done tells
    whether an address has an account."""

    def statements(email: str) -> list[str]:
        client = app.test_client()
        with count_queries() as counter:
            response = client.post("/password/forgot", data={"email": email})
        assert (response.status_code, response.headers["Location"]) == (302, "/sign-in")
        return counter.statements

    known = statements(world.users["fellow"].email)
    unknown = statements("nobody@example.org")
    assert known == unknown
    writes = [s.split("(")[0].strip() for s in known if s.lstrip().upper().startswith(WRITES)]
    assert writes == ["INSERT INTO password_resets", "INSERT INTO outbox_messages"]
    assert [m.kind for m in messages()] == ["password_reset", "password_reset_no_account"]


def test_reset_link_starts_with_the_site_address_whatever_host_the_request_names(
    world: World, app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without SERVER_NAME (as in most installations) Flask builds absolute links from the request's Host;
    localhost is a name the test application answers, as a proxy's own name might be. The emailed link still
    goes to the configured address."""
    monkeypatch.setitem(app.config, "SERVER_NAME", None)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)  # the session cookie is fellowship.test's
    response = app.test_client().post(
        "/password/forgot", data={"email": world.users["fellow"].email}, headers={"Host": "localhost"}
    )
    assert response.status_code == 302
    [message] = messages("password_reset")
    [link] = [word for word in message.body_text.split() if "/password/reset/" in word]
    assert link.startswith("http://fellowship.test/password/reset/")


def test_reset_link_sets_a_new_password_once(world: World, app: Any) -> None:
    ask_reset(app.test_client(), world.users["fellow"].email)
    path = link_path(messages("password_reset")[0], "/password/reset/")
    client = app.test_client()
    response = client.post(path, data={"password": NEW, "confirm": NEW})
    assert (response.status_code, response.headers["Location"]) == (302, "/")
    assert db.session.get(User, world.users["fellow"].id).check_password(NEW)
    assert client.get("/").status_code == 200
    again = app.test_client().post(
        path, data={"password": "another good phrase", "confirm": "another good phrase"}
    )
    assert again.status_code == 404
    assert db.session.get(User, world.users["fellow"].id).check_password(NEW)


def test_reset_link_expires_after_an_hour(world: World, app: Any, clock: Any) -> None:
    ask_reset(app.test_client(), world.users["fellow"].email)
    path = link_path(messages("password_reset")[0], "/password/reset/")
    clock.advance(dt.timedelta(minutes=61))
    response = app.test_client().get(path)
    assert response.status_code == 404
    assert "not valid any more" in response.get_data(as_text=True)


def test_reset_for_a_deactivated_account_sends_no_link(world: World, app: Any) -> None:
    user = f.UserFactory(email="gone@example.org", active=False)
    ask_reset(app.test_client(), user.email)
    [message] = messages()
    assert (message.kind, message.recipient) == ("password_reset_no_account", "gone@example.org")
    assert "/password/reset/" not in message.body_text


def test_reset_ends_existing_sessions(world: World, app: Any, client_as: Any) -> None:
    other_device = client_as("fellow")
    ask_reset(app.test_client(), world.users["fellow"].email)
    path = link_path(messages("password_reset")[0], "/password/reset/")
    app.test_client().post(path, data={"password": NEW, "confirm": NEW})
    assert other_device.get("/").status_code == 302


def test_change_password_needs_the_current_one(world: World, client_as: Any) -> None:
    client = client_as("fellow")
    response = client.post("/profile/password", data={"current": "wrong", "password": NEW, "confirm": NEW})
    assert response.status_code == 400
    assert "The current password is not right." in response.get_data(as_text=True)
    assert db.session.get(User, world.users["fellow"].id).check_password(f.PASSWORD)


def test_change_password_keeps_this_session_and_ends_the_others(world: World, client_as: Any) -> None:
    this_device, other_device = client_as("fellow"), client_as("fellow")
    response = this_device.post(
        "/profile/password", data={"current": f.PASSWORD, "password": NEW, "confirm": NEW}
    )
    assert response.status_code == 302
    assert db.session.get(User, world.users["fellow"].id).check_password(NEW)
    assert this_device.get("/").status_code == 200
    assert other_device.get("/").status_code == 302


def test_change_password_refuses_a_breached_password(world: World, client_as: Any) -> None:
    response = client_as("fellow").post(
        "/profile/password", data={"current": f.PASSWORD, "password": "letmein2024", "confirm": "letmein2024"}
    )
    assert response.status_code == 400
    assert "too common" in response.get_data(as_text=True)
