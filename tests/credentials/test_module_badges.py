"""Module badges: a cohort that chooses them issues a signed Open Badges 3.0 credential for every approved
module. The fellow gets it from the module's page, an independent verifier accepts it, an administrator
revokes it, and erasure revokes it without freeing its place in the revocation list."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from fellowship.core import audit
from fellowship.credentials.models import Credential, ModuleBadgeCohort
from fellowship.curriculum.enums import WorksheetStatus
from fellowship.curriculum.models import Review, Worksheet
from fellowship.extensions import db
from fellowship.programs.enums import Role
from tests import factories as f
from tests.conftest import World
from tests.credentials.test_credentials import now, payload
from tests.credentials.verifier import needs_verifier, verify
from tests.curriculum.conftest import assign_sample_module
from tests.curriculum.test_worksheets import FILLED, sheet


@pytest.fixture
def module(world: World, tmp_path: Path) -> str:
    return assign_sample_module(world, tmp_path)


def choose(client: Any, world: World, on: bool) -> Any:
    data = {"module_badges": "y"} if on else {}
    return client.post(f"/cohorts/{world.cohort.id}/module-badges", data=data)


def approve(client_as: Any, module: str, world: World, who: str = "fellow") -> Worksheet:
    assert client_as(who).post(module, data={**FILLED, "action": "submit"}).status_code == 302
    worksheet = db.session.scalar(sa.select(Worksheet).where(Worksheet.user_id == world.users[who].id))
    response = client_as("facilitator").post(
        f"/worksheets/{worksheet.id}", data={"decision": "approved", "comment": "Well done."}
    )
    assert response.status_code == 302
    return worksheet


def module_page(world: World) -> str:
    return f"/cohorts/{world.cohort.id}/modules/mission-statement"


@pytest.fixture
def badge(world: World, client_as: Any, module: str) -> str:
    """The cohort chose badges; the fellow's worksheet was approved, the badge asked for and downloaded."""
    assert choose(client_as("facilitator"), world, True).status_code == 302
    approve(client_as, module, world)
    fellow = client_as("fellow")
    page = fellow.get(module_page(world)).get_data(as_text=True)
    assert "Issue my badge" in page
    assert fellow.post(f"{module_page(world)}/badge").status_code == 302
    page = fellow.get(module_page(world)).get_data(as_text=True)
    assert f'href="{module_page(world)}/badge.jwt"' in page
    download = fellow.get(f"{module_page(world)}/badge.jwt")
    assert download.status_code == 200
    assert download.headers["Content-Disposition"] == 'attachment; filename="badge-mission-statement.jwt"'
    return download.get_data(as_text=True)


def test_the_cohorts_staff_choose_badges_on_the_cohort_page(world: World, client_as: Any) -> None:
    cohort_page = f"/cohorts/{world.cohort.id}"
    facilitator = client_as("facilitator")
    page = facilitator.get(cohort_page).get_data(as_text=True)
    assert "This cohort issues no module badges" in page and "Issue a badge for every approved module" in page
    assert "Module badges" not in client_as("fellow").get(cohort_page).get_data(as_text=True)
    assert choose(client_as("fellow"), world, True).status_code == 403
    assert choose(client_as("other_facilitator"), world, True).status_code == 404
    assert choose(client_as("anonymous"), world, True).status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ModuleBadgeCohort)) == 0
    response = choose(facilitator, world, True)
    assert response.status_code == 302 and response.headers["Location"].endswith("#module-badges")
    chosen = db.session.get(ModuleBadgeCohort, world.cohort.id)
    assert chosen is not None and chosen.chosen_by_id == world.users["facilitator"].id
    assert "This cohort issues a badge for every approved module." in facilitator.get(cohort_page).get_data(
        as_text=True
    )
    assert "earns you a badge" in client_as("fellow").get(cohort_page).get_data(as_text=True)
    assert choose(facilitator, world, True).status_code == 302  # saying it twice changes nothing
    assert choose(client_as("admin"), world, False).status_code == 302
    assert db.session.get(ModuleBadgeCohort, world.cohort.id) is None
    entries = db.session.scalars(audit.history(world.cohort)).all()
    assert [(e.action, e.actor_id, e.changes) for e in entries if e.action == "module_badges"] == [
        ("module_badges", world.users["facilitator"].id, {"module_badges": [False, True]}),
        ("module_badges", world.users["admin"].id, {"module_badges": [True, False]}),
    ]


@needs_verifier
def test_the_independent_verifier_accepts_an_approved_modules_badge(
    app: Any, client: Any, world: World, badge: str
) -> None:
    base = app.config["FELLOWSHIP_BASE_URL"]
    result = verify(badge, client, base, now())
    assert result["ok"], result
    vc = result["credential"]
    assert vc["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert vc["credentialSubject"]["identifier"][0]["identityHash"] == "Fiona Fellow"
    achievement = vc["credentialSubject"]["achievement"]
    assert (achievement["achievementType"], achievement["name"]) == ("Badge", "Mission statement")
    assert "Fellowship 2024" in achievement["criteria"]["narrative"]
    assert "activityStartDate" not in vc["credentialSubject"] and vc["credentialSubject"]["activityEndDate"]
    credential = db.session.scalar(sa.select(Credential))
    assert credential.worksheet_id == sheet(world).id and credential.certificate_id is None
    assert credential.user_id == world.users["fellow"].id
    # The public check page accepts it too.
    checked = client.post("/credentials/verify", data={"credential": badge})
    assert checked.status_code == 200 and "Valid: this site issued this credential" in checked.get_data(
        as_text=True
    )


def test_no_badge_before_approval_or_without_the_cohorts_choice(
    world: World, client_as: Any, module: str
) -> None:
    fellow = client_as("fellow")
    assert "Module badge" not in fellow.get(module_page(world)).get_data(as_text=True)
    approve(client_as, module, world)
    # Approved, but the cohort did not choose badges: nothing to ask for.
    assert "Module badge" not in fellow.get(module_page(world)).get_data(as_text=True)
    assert fellow.post(f"{module_page(world)}/badge").status_code == 404
    assert fellow.get(f"{module_page(world)}/badge.jwt").status_code == 404
    assert db.session.scalar(sa.select(sa.func.count(Credential.id))) == 0


def test_a_fellow_waiting_for_approval_is_told_when_the_badge_comes(
    world: World, client_as: Any, module: str
) -> None:
    choose(client_as("facilitator"), world, True)
    fellow = client_as("fellow")
    page = fellow.get(module_page(world)).get_data(as_text=True)
    assert "Once a facilitator approves your worksheet, you can download a badge" in page
    assert fellow.post(f"{module_page(world)}/badge").status_code == 404
    assert fellow.get(f"{module_page(world)}/badge.jwt").status_code == 404


def test_only_the_holder_downloads_the_badge(world: World, client_as: Any, badge: str) -> None:
    for role in ("other_fellow", "facilitator", "observer", "admin"):
        assert client_as(role).get(f"{module_page(world)}/badge.jwt").status_code == 404
    anonymous = client_as("anonymous").get(f"{module_page(world)}/badge.jwt")
    assert anonymous.status_code == 302 and "/sign-in" in anonymous.headers["Location"]


def test_dispatch_issues_badges_once_and_none_after_the_cohort_stops(
    app: Any, world: World, client_as: Any, module: str
) -> None:
    choose(client_as("facilitator"), world, True)
    approve(client_as, module, world)
    runner = app.test_cli_runner()
    assert "credentials: 1" in runner.invoke(args=["fellowship", "dispatch"]).output
    assert "credentials: 0" in runner.invoke(args=["fellowship", "dispatch"]).output
    # Turned off: the badge already issued stays valid; a newly approved worksheet gets none.
    choose(client_as("facilitator"), world, False)
    f.MembershipFactory(cohort=world.cohort, user=world.users["other_fellow"], role=Role.FELLOW)
    db.session.commit()
    approve(client_as, module, world, who="other_fellow")
    assert "credentials: 0" in runner.invoke(args=["fellowship", "dispatch"]).output
    [credential] = db.session.scalars(sa.select(Credential)).all()
    assert credential.revoked_at is None and credential.worksheet_id == sheet(world).id
    page = client_as("fellow").get(module_page(world)).get_data(as_text=True)
    assert "Download the badge (.jwt)" in page  # the earned one is still offered


@needs_verifier
def test_an_administrator_revokes_a_badge_with_a_reason(
    app: Any, client: Any, world: World, client_as: Any, badge: str
) -> None:
    credential = db.session.scalar(sa.select(Credential))
    url = f"/credentials/{credential.uuid}/revoke"
    staff_page = client_as("facilitator").get(module_page(world)).get_data(as_text=True)
    assert "Fiona Fellow" in staff_page and url not in staff_page  # the cohort's staff see who holds one
    assert client_as("facilitator").post(url, data={"reason": "No."}).status_code == 403
    admin = client_as("admin")
    assert url in admin.get(module_page(world)).get_data(as_text=True)
    form = admin.get(url)
    assert form.status_code == 200 and "Mission statement" in form.get_data(as_text=True)
    refused = admin.post(url, data={"reason": " "})
    assert refused.status_code == 400 and "Say why the credential is revoked." in refused.get_data(
        as_text=True
    )
    response = admin.post(url, data={"reason": "Approved by mistake."})
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"{module_page(world)}#badge"
    )
    db.session.refresh(credential)
    assert credential.revoked_reason == "Approved by mistake."
    [entry] = db.session.scalars(audit.history(credential)).all()
    assert (entry.action, entry.actor_id) == ("revoke", world.users["admin"].id)
    base = app.config["FELLOWSHIP_BASE_URL"]
    assert verify(badge, client, base, now()) == {"ok": False, "reason": "revoked"}
    page = client_as("fellow").get(module_page(world)).get_data(as_text=True)
    assert "Your badge for this module was revoked on" in page and "by mistake" not in page
    again = admin.post(url, data={"reason": "Again."})
    assert again.status_code == 409 and "This credential is already revoked." in again.get_data(as_text=True)
    assert admin.get("/credentials/00000000-0000-0000-0000-000000000000/revoke").status_code == 404


def test_erasure_revokes_the_badge_and_keeps_its_place(world: World, client_as: Any, badge: str) -> None:
    fellow = world.users["fellow"]
    index = payload(badge)["credentialStatus"]["statusListIndex"]
    response = client_as("admin").post(f"/admin/users/{fellow.id}/erase", data={"confirm": fellow.email})
    assert response.status_code == 302
    credential = db.session.scalar(sa.select(Credential))
    assert credential.revoked_at is not None and credential.token == ""
    assert str(credential.status_index) == index  # the row stays, so its position is never drawn again
    assert "Fiona" not in json.dumps(
        [row._asdict() for row in db.session.execute(sa.select(Credential.token, Credential.revoked_reason))]
    )


def test_download_my_data_lists_the_badge(world: World, client_as: Any, badge: str) -> None:
    exported = client_as("fellow").get("/profile/data")
    assert exported.status_code == 200
    [entry] = exported.get_json()["credentials"]
    assert entry["kind"] == "module badge" and entry["token"] == badge


def test_the_module_page_reads_a_fixed_number_of_queries_for_its_badges(
    app: Any, world: World, client_as: Any, module: str, count_queries: Any
) -> None:
    """The staff's list of holders is one query whatever the cohort's size."""
    choose(client_as("facilitator"), world, True)
    approve(client_as, module, world)
    runner = app.test_cli_runner()
    assert "credentials: 1" in runner.invoke(args=["fellowship", "dispatch"]).output
    admin = client_as("admin")
    with count_queries() as few:
        assert admin.get(module_page(world)).status_code == 200
    first = sheet(world)
    for n in range(6):
        user = f.UserFactory(name=f"Extra Fellow {n}")
        f.MembershipFactory(cohort=world.cohort, user=user, role=Role.FELLOW)
        worksheet = Worksheet(
            cohort_id=world.cohort.id,
            user_id=user.id,
            slug=first.slug,
            module_id=first.module_id,
            status=WorksheetStatus.APPROVED,
        )
        db.session.add(worksheet)
        db.session.flush()
        review = db.session.scalar(sa.select(Review).where(Review.worksheet_id == first.id))
        db.session.add(
            Review(
                worksheet_id=worksheet.id,
                revision_id=review.revision_id,
                decision=WorksheetStatus.APPROVED,
                created_at=review.created_at,
            )
        )
    db.session.commit()
    assert "credentials: 6" in runner.invoke(args=["fellowship", "dispatch"]).output
    with count_queries() as many:
        page = admin.get(module_page(world))
    assert page.status_code == 200 and page.get_data(as_text=True).count("/revoke") == 7
    assert many.count == few.count


def test_a_worksheet_approved_without_a_review_row_still_gets_its_badge(
    app: Any, world: World, client_as: Any, module: str
) -> None:
    """A worksheet marked approved with no review kept (as an import would leave it): the badge is dated by
    the worksheet's last change instead of failing dispatch."""
    choose(client_as("facilitator"), world, True)
    client_as("fellow").post(module, data={**FILLED, "action": "save"})
    worksheet = sheet(world)
    worksheet.status = WorksheetStatus.APPROVED
    db.session.commit()
    assert "credentials: 1" in app.test_cli_runner().invoke(args=["fellowship", "dispatch"]).output
    token = db.session.scalar(sa.select(Credential.token))
    assert payload(token)["validFrom"].startswith(worksheet.updated_at.date().isoformat())
