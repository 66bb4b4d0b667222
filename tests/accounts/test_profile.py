from __future__ import annotations

import json
from typing import Any

from fellowship.accounts.models import User
from fellowship.extensions import db
from tests import factories as f
from tests.conftest import World


def test_profile_saves_name_organisation_language_and_timezone(world: World, client_as: Any) -> None:
    client = client_as("fellow")
    response = client.post(
        "/profile",
        data={
            "name": "Fiona F. Fellow",
            "organization_id": "0",
            "locale": "pl",
            "timezone": "Europe/Warsaw",
            "email_notifications": "",
        },
    )
    assert (response.status_code, response.headers["Location"]) == (302, "/profile")
    user = db.session.get(User, world.users["fellow"].id)
    assert (user.name, user.organization_id, user.locale, user.timezone, user.email_notifications) == (
        "Fiona F. Fellow",
        None,
        "pl",
        "Europe/Warsaw",
        False,
    )
    assert '<html lang="pl" dir="ltr">' in client.get("/profile").get_data(as_text=True)


def test_profile_refuses_an_unknown_timezone_and_keeps_input(world: World, client_as: Any) -> None:
    response = client_as("fellow").post(
        "/profile",
        data={"name": "New Name", "organization_id": "0", "locale": "", "timezone": "Nowhere/City"},
    )
    assert response.status_code == 400
    assert 'value="New Name"' in response.get_data(as_text=True)
    assert db.session.get(User, world.users["fellow"].id).name == "Fiona Fellow"


def test_profile_cannot_make_anyone_an_administrator(world: World, client_as: Any) -> None:
    client_as("fellow").post(
        "/profile",
        data={
            "name": "Fiona",
            "organization_id": "0",
            "locale": "",
            "timezone": "UTC",
            "is_admin": "y",
            "email": "admin-takeover@example.org",
        },
    )
    user = db.session.get(User, world.users["fellow"].id)
    assert (user.is_admin, user.email) == (False, world.users["fellow"].email)


def test_download_my_data_has_profile_and_memberships_but_no_secrets(world: World, client_as: Any) -> None:
    client = client_as("fellow")
    response = client.get("/profile/data")
    assert response.headers["Content-Disposition"] == 'attachment; filename="fellowship-my-data.json"'
    data = json.loads(response.get_data(as_text=True))
    assert data["accounts"]["profile"]["email"] == world.users["fellow"].email
    assert data["memberships"] == [
        {"cohort": "Fellowship 2024", "role": "fellow", "joined_on": "2024-01-10", "left_on": None}
    ]
    assert len(data["accounts"]["sessions"]) == 1
    text = response.get_data(as_text=True)
    with client.session_transaction() as session:
        assert session["sid"] not in text
    assert f.password_hash() not in text and "token" not in text


def _offered(client: Any) -> list[str]:
    page = client.get("/profile").get_data(as_text=True)
    select = page.split('name="organization_id"', 1)[1].split("</select>", 1)[0]
    return [option.split(">", 1)[1].split("<", 1)[0] for option in select.split("<option")[1:]]


def test_profile_offers_the_organisations_of_ones_own_programs(world: World, client_as: Any) -> None:
    """Not every organisation of every program: a fellow sees their program's, plus "no organisation"."""
    fellow = client_as("fellow")
    mine = sorted(world.users[role].organization.name for role in ("fellow", "observer", "facilitator"))
    assert _offered(fellow) == ["No organisation", *mine]
    outsider = world.users["other_fellow"].organization
    refused = fellow.post(
        "/profile",
        data={"name": "Fiona", "organization_id": str(outsider.id), "locale": "", "timezone": "UTC"},
    )
    assert refused.status_code == 400
    assert db.session.get(User, world.users["fellow"].id).organization_id == world.organization.id
    assert outsider.name in _offered(client_as("admin"))  # administrators are offered every organisation
    # Someone in no program keeps their own organisation to choose, and nobody else's.
    assert _offered(client_as("juror")) == ["No organisation", world.users["juror"].organization.name]


def test_profile_adds_a_new_organisation_or_finds_the_one_with_that_name(
    world: World, client_as: Any
) -> None:
    fellow = client_as("fellow")
    form = {"name": "Fiona", "organization_id": "0", "locale": "", "timezone": "UTC"}
    assert fellow.post("/profile", data={**form, "new_organization": " Lakeside Bakers "}).status_code == 302
    user = db.session.get(User, world.users["fellow"].id)
    assert user.organization.name == "Lakeside Bakers"
    assert "Lakeside Bakers" in _offered(client_as("facilitator"))  # now one of the program's
    assert "Lakeside Bakers" not in _offered(client_as("other_fellow"))
    fellow.post("/profile", data={**form, "new_organization": "northside co-op"})
    assert db.session.get(User, user.id).organization_id == world.organization.id  # no duplicate made
    too_long = fellow.post("/profile", data={**form, "new_organization": "x" * 201})
    assert too_long.status_code == 400
    assert db.session.get(User, user.id).organization_id == world.organization.id
