from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from fellowship.accounts.models import Organization, User
from fellowship.core.audit import AuditEntry
from fellowship.extensions import db
from fellowship.programs.models import Membership
from tests import factories as f
from tests.conftest import World


def sign_in(client: Any, email: str, password: str = f.PASSWORD, **extra: str) -> Any:
    return client.post("/sign-in", data={"email": email, "password": password, **extra})


def test_sign_in_with_right_password_reaches_dashboard(world: World, client: Any) -> None:
    response = sign_in(client, world.users["fellow"].email)
    assert (response.status_code, response.headers["Location"]) == (302, "/")
    page = client.get("/")
    assert page.status_code == 200
    assert "Fellowship 2024" in page.get_data(as_text=True)


def test_sign_in_with_wrong_password_is_refused_and_keeps_email(world: World, client: Any) -> None:
    response = sign_in(client, world.users["fellow"].email, "not the password")
    body = response.get_data(as_text=True)
    assert response.status_code == 401
    assert "do not match an active account" in body
    assert f'value="{world.users["fellow"].email}"' in body
    assert client.get("/").status_code == 302


def test_sign_in_email_is_case_insensitive(world: World, client: Any) -> None:
    response = sign_in(client, world.users["fellow"].email.upper())
    assert response.status_code == 302


def test_sign_in_follows_local_next_only(world: World, client: Any) -> None:
    response = sign_in(client, world.users["fellow"].email, next=f"/cohorts/{world.cohort.id}")
    assert response.headers["Location"] == f"/cohorts/{world.cohort.id}"


def test_sign_in_ignores_next_to_another_site(world: World, app: Any) -> None:
    for target in (
        "//evil.example",
        "/\\evil.example",
        "////evil.example",
        "https:evil.example",
        "https://evil.example/",
        "javascript:alert(1)",
        "/\tevil",
    ):
        client = app.test_client()
        response = sign_in(client, world.users["fellow"].email, next=target)
        assert response.headers["Location"] == "/", target


def test_sign_in_without_csrf_token_is_refused(world: World, client: Any) -> None:
    response = client.post(
        "/sign-in", data={"email": world.users["fellow"].email, "password": f.PASSWORD}, csrf=False
    )
    assert response.status_code == 400
    assert client.get("/").status_code == 302


def test_sign_out_ends_the_session(world: World, client: Any) -> None:
    sign_in(client, world.users["fellow"].email)
    response = client.post("/sign-out")
    assert (response.status_code, response.headers["Location"]) == (302, "/sign-in")
    assert client.get("/").status_code == 302


def test_sign_out_by_get_is_not_allowed(world: World, client: Any) -> None:
    sign_in(client, world.users["fellow"].email)
    assert client.get("/sign-out").status_code == 405
    assert client.get("/").status_code == 200


def test_anonymous_visitor_is_sent_to_sign_in_with_next(world: World, client: Any) -> None:
    response = client.get(f"/cohorts/{world.cohort.id}")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/sign-in?next=/cohorts/{world.cohort.id}"


def test_deactivated_user_cannot_sign_in_and_loses_session(world: World, client_as: Any, app: Any) -> None:
    fellow_client = app.test_client()
    sign_in(fellow_client, world.users["fellow"].email)
    admin = client_as("admin")
    response = admin.post(f"/admin/users/{world.users['fellow'].id}/deactivate")
    assert response.status_code == 302
    assert fellow_client.get("/").status_code == 302  # the existing session no longer works
    assert sign_in(app.test_client(), world.users["fellow"].email).status_code == 401


def test_deactivation_keeps_history(world: World, client_as: Any) -> None:
    fellow = world.users["fellow"]
    client_as("admin").post(f"/admin/users/{fellow.id}/deactivate")
    user = db.session.get(User, fellow.id)
    assert user is not None and user.active is False
    memberships = db.session.scalars(
        sa.select(Membership.cohort_id).where(Membership.user_id == fellow.id)
    ).all()
    assert memberships == [world.cohort.id]
    actions = db.session.scalars(
        sa.select(AuditEntry.action).where(
            AuditEntry.subject_type == "users", AuditEntry.subject_id == fellow.id
        )
    ).all()
    assert actions == ["deactivated"]


def test_reactivated_user_can_sign_in_again(world: World, client_as: Any, app: Any) -> None:
    admin = client_as("admin")
    admin.post(f"/admin/users/{world.users['fellow'].id}/deactivate")
    admin.post(f"/admin/users/{world.users['fellow'].id}/activate")
    assert sign_in(app.test_client(), world.users["fellow"].email).status_code == 302


def test_admin_cannot_deactivate_self(world: World, client_as: Any) -> None:
    client_as("admin").post(f"/admin/users/{world.users['admin'].id}/deactivate")
    assert db.session.get(User, world.users["admin"].id).active is True


def test_admin_sets_initial_password_for_new_person(world: World, client_as: Any, app: Any) -> None:
    admin = client_as("admin")
    response = admin.post(
        "/admin/users/new",
        data={
            "name": "Rosa Nueva",
            "email": "Rosa@Example.org",
            "organization_id": str(world.organization.id),
            "locale": "es",
            "timezone": "America/Chicago",
            "password": "a long enough secret",
        },
    )
    assert response.status_code == 302
    user = db.session.scalar(sa.select(User).where(User.email == "rosa@example.org"))
    assert (user.name, user.organization_id, user.locale, user.timezone) == (
        "Rosa Nueva",
        world.organization.id,
        "es",
        "America/Chicago",
    )
    assert sign_in(app.test_client(), "rosa@example.org", "a long enough secret").status_code == 302


def test_admin_new_person_with_taken_email_keeps_input(world: World, client_as: Any) -> None:
    response = client_as("admin").post(
        "/admin/users/new",
        data={
            "name": "Second Fiona",
            "email": world.users["fellow"].email,
            "organization_id": "0",
            "locale": "",
            "timezone": "UTC",
            "password": "",
        },
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "already exists" in body
    assert 'value="Second Fiona"' in body


def test_admin_short_password_is_refused(world: World, client_as: Any) -> None:
    response = client_as("admin").post(
        f"/admin/users/{world.users['fellow'].id}",
        data={
            "name": "Fiona Fellow",
            "email": world.users["fellow"].email,
            "organization_id": "0",
            "locale": "",
            "timezone": "UTC",
            "password": "short",
        },
    )
    assert response.status_code == 400
    assert sign_in(client_as("anonymous"), world.users["fellow"].email).status_code == 302


def test_admin_password_change_ends_the_persons_sessions(world: World, client_as: Any, app: Any) -> None:
    fellow_client = app.test_client()
    sign_in(fellow_client, world.users["fellow"].email)
    client_as("admin").post(
        f"/admin/users/{world.users['fellow'].id}",
        data={
            "name": "Fiona Fellow",
            "email": world.users["fellow"].email,
            "organization_id": "0",
            "locale": "",
            "timezone": "UTC",
            "password": "a brand new password",
        },
    )
    assert fellow_client.get("/").status_code == 302


def test_admin_creates_organization(world: World, client_as: Any) -> None:
    response = client_as("admin").post(
        "/organizations/new",
        data={
            "name": "Calumet Growers",
            "kind": "cbo",
            "city": "South Chicago",
            "website": "https://calumet.example",
        },
    )
    assert response.status_code == 302
    org = db.session.scalar(sa.select(Organization).where(Organization.name == "Calumet Growers"))
    assert (org.kind.value, org.city, org.website) == ("cbo", "South Chicago", "https://calumet.example")


def test_organization_website_must_be_http(world: World, client_as: Any) -> None:
    response = client_as("admin").post(
        "/organizations/new", data={"name": "Bad Link", "kind": "cbo", "website": "javascript:alert(1)"}
    )
    assert response.status_code == 400
    assert "http://" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(Organization).where(Organization.name == "Bad Link")) is None


def test_organization_duplicate_name_is_refused(world: World, client_as: Any) -> None:
    response = client_as("admin").post("/organizations/new", data={"name": "northside co-op", "kind": "coop"})
    assert response.status_code == 400
    assert "already exists" in response.get_data(as_text=True)
    names = db.session.scalars(
        sa.select(Organization.name).where(sa.func.lower(Organization.name) == "northside co-op")
    )
    assert names.all() == ["Northside Co-op"]


def test_organization_edit_renames(world: World, client_as: Any) -> None:
    response = client_as("admin").post(
        f"/organizations/{world.organization.id}/edit", data={"name": "Northside Workers", "kind": "coop"}
    )
    assert response.status_code == 302
    assert db.session.get(Organization, world.organization.id).name == "Northside Workers"


def test_organizations_list_counts_people(world: World, client_as: Any) -> None:
    body = client_as("admin").get("/organizations").get_data(as_text=True)
    row = body[body.index("Northside Co-op") :].split("</tr>")[0]
    assert row.rstrip().endswith("<td>1</td>")
