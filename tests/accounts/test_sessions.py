"""Sessions end for real: sign-out, sign out everywhere, idle and absolute lifetimes, renewal at sign-in."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests import factories as f
from tests.conftest import World


def signed_in(app: Any, email: str) -> Any:
    client = app.test_client()
    assert client.post("/sign-in", data={"email": email, "password": f.PASSWORD}).status_code == 302
    return client


def copy_of(app: Any, client: Any) -> Any:
    """Another browser holding a copy of ``client``'s session cookie."""
    thief = app.test_client()
    cookie = client.get_cookie("session", domain=app.config["SERVER_NAME"])
    thief.set_cookie(cookie.key, cookie.value, domain=cookie.domain)
    return thief


def test_copied_cookie_stops_working_after_sign_out(world: World, app: Any) -> None:
    client = signed_in(app, world.users["fellow"].email)
    thief = copy_of(app, client)
    assert thief.get("/").status_code == 200
    client.post("/sign-out")
    assert thief.get("/").status_code == 302


def test_copied_cookie_stops_working_after_password_change(world: World, app: Any) -> None:
    client = signed_in(app, world.users["fellow"].email)
    thief = copy_of(app, client)
    new = "a completely new passphrase"
    client.post("/profile/password", data={"current": f.PASSWORD, "password": new, "confirm": new})
    assert thief.get("/").status_code == 302
    assert client.get("/").status_code == 200


def test_copied_cookie_stops_working_after_deactivation(world: World, app: Any, client_as: Any) -> None:
    thief = copy_of(app, signed_in(app, world.users["fellow"].email))
    client_as("admin").post(f"/admin/users/{world.users['fellow'].id}/deactivate")
    assert thief.get("/").status_code == 302


def test_sign_out_everywhere_ends_every_session(world: World, app: Any) -> None:
    laptop = signed_in(app, world.users["fellow"].email)
    phone = signed_in(app, world.users["fellow"].email)
    response = phone.post("/profile/sign-out-everywhere")
    assert (response.status_code, response.headers["Location"]) == (302, "/sign-in")
    assert laptop.get("/").status_code == 302
    assert phone.get("/").status_code == 302


def test_idle_session_ends_after_two_hours(world: World, app: Any, clock: Any) -> None:
    client = signed_in(app, world.users["fellow"].email)
    clock.advance(dt.timedelta(minutes=119))
    assert client.get("/").status_code == 200
    clock.advance(dt.timedelta(minutes=119))
    assert client.get("/").status_code == 200  # activity keeps it alive
    clock.advance(dt.timedelta(minutes=121))
    response = client.get("/")
    assert response.headers["Location"] == "/sign-in?next=/"
    assert "Your session has ended. Please sign in again." in client.get("/sign-in").get_data(as_text=True)


def test_session_ends_after_twelve_hours_even_when_active(world: World, app: Any, clock: Any) -> None:
    client = signed_in(app, world.users["fellow"].email)
    for _hour in range(11):
        clock.advance(dt.timedelta(minutes=60))
        assert client.get("/").status_code == 200
    clock.advance(dt.timedelta(minutes=61))
    assert client.get("/").status_code == 302


def test_sign_in_starts_a_fresh_session(world: World, app: Any) -> None:
    client = app.test_client()
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
        session["locale"] = "pl"
    client.post("/sign-in", data={"email": world.users["fellow"].email, "password": f.PASSWORD})
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["locale"] == "pl"
        assert isinstance(session["sid"], str) and len(session["sid"]) >= 40


def test_session_cookie_flags(world: World, app: Any) -> None:
    client = app.test_client()
    response = client.post("/sign-in", data={"email": world.users["fellow"].email, "password": f.PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Expires=" in cookie  # the browser drops it after the absolute lifetime too
