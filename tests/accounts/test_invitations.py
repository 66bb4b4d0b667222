from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from fellowship.accounts.models import AccountInvite, User
from fellowship.extensions import db
from tests import factories as f
from tests.conftest import World
from tests.mailbox import link_path, messages

NEW_PERSON = {
    "name": "Idris Bello",
    "email": "idris@example.org",
    "organization": "Uptown Care Co-op",
    "role": "fellow",
    "joined_on": "2024-01-18",
    "send_invitations": "y",
}
GOOD_PASSWORD = "river stone lantern"


def invite_new_person(client: Any, world: World, **headers: str) -> str:
    response = client.post(f"/cohorts/{world.cohort.id}/members/new", data=NEW_PERSON, headers=headers)
    assert response.status_code == 302
    [message] = messages("invitation", "idris@example.org")
    return link_path(message, "/invitations/")


def test_invitation_email_is_queued_with_a_working_link(world: World, client_as: Any, app: Any) -> None:
    path = invite_new_person(client_as("facilitator"), world)
    [message] = messages("invitation")
    assert message.subject == "Your invitation to Fellowship"
    assert "Fatima Facilitator invites you to Fellowship 2024 on Fellowship." in message.body_text
    assert message.body_html is not None and 'href="http://fellowship.test/invitations/' in message.body_html
    page = app.test_client().get(path)
    assert page.status_code == 200
    assert 'value="Idris Bello"' in page.get_data(as_text=True)


def test_accepting_sets_password_signs_in_and_lands_on_dashboard(
    world: World, client_as: Any, app: Any
) -> None:
    path = invite_new_person(client_as("facilitator"), world)
    invitee = app.test_client()
    response = invitee.post(
        path, data={"name": "Idris A. Bello", "password": GOOD_PASSWORD, "confirm": GOOD_PASSWORD}
    )
    assert (response.status_code, response.headers["Location"]) == (302, "/")
    assert "Fellowship 2024" in invitee.get("/").get_data(as_text=True)
    user = db.session.scalar(sa.select(User).where(User.email == "idris@example.org"))
    assert user.name == "Idris A. Bello"
    assert user.check_password(GOOD_PASSWORD)
    sign_in = app.test_client().post(
        "/sign-in", data={"email": "idris@example.org", "password": GOOD_PASSWORD}
    )
    assert sign_in.status_code == 302


def test_invitation_works_only_once(world: World, client_as: Any, app: Any) -> None:
    path = invite_new_person(client_as("facilitator"), world)
    app.test_client().post(path, data={"name": "Idris", "password": GOOD_PASSWORD, "confirm": GOOD_PASSWORD})
    again = app.test_client().post(
        path, data={"name": "Mallory", "password": "another long one", "confirm": "another long one"}
    )
    assert again.status_code == 410
    assert "already been used" in again.get_data(as_text=True)
    assert db.session.scalar(sa.select(User.name).where(User.email == "idris@example.org")) == "Idris"


def test_invitation_expires_after_fourteen_days(world: World, client_as: Any, app: Any, clock: Any) -> None:
    path = invite_new_person(client_as("facilitator"), world)
    clock.advance(dt.timedelta(days=14, minutes=1))
    response = app.test_client().get(path)
    assert response.status_code == 410
    assert "has expired" in response.get_data(as_text=True)


def test_unknown_invitation_token_is_404(client: Any, app: Any) -> None:
    assert client.get("/invitations/not-a-real-token").status_code == 404


def test_resend_replaces_the_link(world: World, client_as: Any, app: Any) -> None:
    facilitator = client_as("facilitator")
    old_path = invite_new_person(facilitator, world)
    invitation = db.session.scalar(sa.select(AccountInvite))
    response = facilitator.post(f"/cohorts/{world.cohort.id}/invitations/{invitation.id}/resend")
    assert response.status_code == 302
    first, second = messages("invitation")
    new_path = link_path(second, "/invitations/")
    assert new_path != old_path
    assert app.test_client().get(old_path).status_code == 410
    assert app.test_client().get(new_path).status_code == 200


def test_revoked_invitation_stops_working(world: World, client_as: Any, app: Any) -> None:
    facilitator = client_as("facilitator")
    path = invite_new_person(facilitator, world)
    invitation = db.session.scalar(sa.select(AccountInvite))
    facilitator.post(f"/cohorts/{world.cohort.id}/invitations/{invitation.id}/revoke")
    response = app.test_client().get(path)
    assert response.status_code == 410
    assert "no longer valid" in response.get_data(as_text=True)
    listing = facilitator.get(f"/cohorts/{world.cohort.id}/invitations").get_data(as_text=True)
    assert "<td>Revoked</td>" in listing


def test_invitation_list_is_per_cohort(world: World, client_as: Any) -> None:
    invite_new_person(client_as("facilitator"), world)
    other = client_as("other_facilitator").get(f"/cohorts/{world.other_cohort.id}/invitations")
    assert "idris@example.org" not in other.get_data(as_text=True)
    invitation = db.session.scalar(sa.select(AccountInvite))
    refused = client_as("other_facilitator").post(
        f"/cohorts/{world.other_cohort.id}/invitations/{invitation.id}/revoke"
    )
    assert refused.status_code == 404
    assert db.session.get(AccountInvite, invitation.id).revoked_at is None


def test_invitation_is_written_in_the_inviters_language_for_a_new_person(
    world: World, client_as: Any
) -> None:
    invite_new_person(client_as("facilitator"), world, **{"Accept-Language": "es"})
    [message] = messages("invitation")
    assert (message.locale, message.subject) == ("es", "Tu invitación a Fellowship")
    assert "Fatima Facilitator te invita a Fellowship 2024 en Fellowship." in message.body_text


def test_invitation_uses_the_recipients_saved_language(world: World, client_as: Any) -> None:
    f.UserFactory(email="idris@example.org", name="Idris", password_hash=None, locale="he")
    invite_new_person(client_as("facilitator"), world)
    [message] = messages("invitation")
    assert message.locale == "he"
    assert 'dir="rtl"' in (message.body_html or "")


def test_accept_refuses_a_common_password_and_keeps_the_name(world: World, client_as: Any, app: Any) -> None:
    path = invite_new_person(client_as("facilitator"), world)
    response = app.test_client().post(
        path, data={"name": "Idris B", "password": "password2024", "confirm": "password2024"}
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "too common" in body
    assert 'value="Idris B"' in body


def test_accept_refuses_mismatched_confirmation(world: World, client_as: Any, app: Any) -> None:
    path = invite_new_person(client_as("facilitator"), world)
    response = app.test_client().post(
        path, data={"name": "Idris", "password": GOOD_PASSWORD, "confirm": "other"}
    )
    assert response.status_code == 400
    assert "not the same" in response.get_data(as_text=True)


def test_roster_import_invites_everyone_without_a_password(world: World, client_as: Any) -> None:
    text = "Ana Ruiz,ana@example.org,Coop Sur,fellow\nBen Cho,ben@example.org,Coop Norte,observer"
    response = client_as("facilitator").post(
        f"/cohorts/{world.cohort.id}/members/import",
        data={"text": text, "joined_on": "2024-01-18", "send_invitations": "y"},
    )
    assert response.status_code == 302
    assert sorted(m.recipient for m in messages("invitation")) == ["ana@example.org", "ben@example.org"]


def test_adding_someone_who_can_sign_in_sends_a_notice_with_unsubscribe(
    world: World, client_as: Any, app: Any
) -> None:
    person = f.UserFactory(email="known@example.org", name="Known Person")
    client_as("facilitator").post(
        f"/cohorts/{world.cohort.id}/members/new",
        data={**NEW_PERSON, "email": "known@example.org", "name": "Known Person"},
    )
    assert messages("invitation") == []
    [notice] = messages("cohort_added")
    assert "Fatima Facilitator added you to Fellowship 2024 as Fellow." in notice.body_text
    assert notice.headers["List-Unsubscribe"].startswith("<http://fellowship.test/unsubscribe/")
    path = link_path(notice, "/unsubscribe/")
    anonymous = app.test_client()
    assert anonymous.get(path).status_code == 200
    assert db.session.get(User, person.id).email_notifications is True  # GET changes nothing
    assert anonymous.post(path).status_code == 200
    assert db.session.get(User, person.id).email_notifications is False


def test_no_notice_after_unsubscribing(world: World, client_as: Any) -> None:
    f.UserFactory(email="quiet@example.org", email_notifications=False)
    client_as("facilitator").post(
        f"/cohorts/{world.cohort.id}/members/new", data={**NEW_PERSON, "email": "quiet@example.org"}
    )
    assert messages() == []


def test_forged_unsubscribe_link_is_refused(client: Any, app: Any) -> None:
    assert client.get("/unsubscribe/MQ.forged").status_code == 404


def test_admin_can_invite_an_existing_person(world: World, client_as: Any) -> None:
    response = client_as("admin").post(f"/admin/users/{world.users['observer'].id}/invite")
    assert response.status_code == 302
    [message] = messages("invitation")
    assert message.recipient == world.users["observer"].email
    assert "Ada Admin invites you to Fellowship." in message.body_text


def test_nothing_is_queued_when_the_action_fails(world: World, client_as: Any) -> None:
    response = client_as("facilitator").post(
        f"/cohorts/{world.cohort.id}/members/new", data={**NEW_PERSON, "email": world.users["fellow"].email}
    )
    assert response.status_code == 400
    assert messages() == []
