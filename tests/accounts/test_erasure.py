"""The right to erasure: a person asks, an administrator erases, and afterwards nothing shows who they were
while every figure that counted them stays the same."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from fellowship import demo
from fellowship.accounts.erasure import erased_address, label
from fellowship.accounts.models import User
from fellowship.core import backup, mail, personal_data
from fellowship.core.audit import AuditEntry
from fellowship.curriculum.models import Worksheet, WorksheetRevision
from fellowship.evaluations.models import Answer, Receipt, Response
from fellowship.events.models import EventInvitation
from fellowship.extensions import db
from fellowship.impact.models import Certificate, Demographics, ReportingPeriod
from tests.factories import PASSWORD
from tests.test_reachability import crawl

# --- asking and erasing, through the pages ------------------------------------------------------------------


def ask(client: Any, **data: Any) -> Any:
    return client.post("/profile/erasure", data={"current_password": PASSWORD, "understood": "y", **data})


def test_a_fellow_asks_and_an_admin_erases(client_as: Any, world: Any) -> None:
    fellow = client_as("fellow")
    user = world.users["fellow"]
    page = fellow.get("/profile")
    assert "Ask to erase my account" in page.get_data(as_text=True)

    asked = ask(fellow)
    assert asked.status_code == 302
    assert user.erasure_requested_at is not None
    assert "You asked on" in fellow.get("/profile").get_data(as_text=True)
    assert fellow.get("/profile/data").status_code == 200  # download my data keeps working

    admin = client_as("admin")
    home = admin.get("/").get_data(as_text=True)
    assert "1 person asked for their account to be erased" in home
    assert 'href="/admin/users#erasure-requests"' in home
    people = admin.get("/admin/users").get_data(as_text=True)
    assert "Asked to be erased" in people and user.name in people

    wrong = admin.post(f"/admin/users/{user.id}/erase", data={"confirm": "someone@example.org"})
    assert wrong.status_code == 400
    assert "This is not the address of the account to erase." in wrong.get_data(as_text=True)
    db.session.refresh(user)
    assert user.erased_at is None

    done = admin.post(f"/admin/users/{user.id}/erase", data={"confirm": user.email.upper()})
    assert done.status_code == 302
    db.session.refresh(user)
    assert (user.name, user.email, user.active, user.password_hash) == (
        label(user.id),
        erased_address(user.id),
        False,
        None,
    )
    assert user.erased_at is not None and user.erasure_requested_at is None
    # Their session ended with the erasure.
    assert fellow.get("/profile").status_code == 302
    entry = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "erased", AuditEntry.subject_id == user.id)
    ).one()
    assert (entry.actor_id, entry.changes) == (world.users["admin"].id, {})
    # Erased is final: the account cannot be reactivated, edited or erased again.
    again = admin.post(f"/admin/users/{user.id}/erase", data={"confirm": user.email}, follow_redirects=True)
    assert "This account has been erased; nothing about it can change." in again.get_data(as_text=True)
    assert admin.post(f"/admin/users/{user.id}/activate").status_code == 302
    db.session.refresh(user)
    assert user.active is False
    page = admin.get(f"/admin/users/{user.id}").get_data(as_text=True)
    assert "This account was erased on" in page


def test_asking_needs_the_password_and_the_box_ticked(client_as: Any, world: Any) -> None:
    fellow = client_as("fellow")
    wrong = ask(fellow, current_password="not the password")
    assert wrong.status_code == 400
    assert "The current password is not right." in wrong.get_data(as_text=True)
    unticked = fellow.post("/profile/erasure", data={"current_password": PASSWORD})
    assert unticked.status_code == 400
    assert "Tick the box to confirm that you understand." in unticked.get_data(as_text=True)
    assert world.users["fellow"].erasure_requested_at is None


def test_a_request_can_be_withdrawn(client_as: Any, world: Any) -> None:
    fellow = client_as("fellow")
    ask(fellow)
    assert fellow.post("/profile/erasure/withdraw").status_code == 302
    db.session.refresh(world.users["fellow"])
    assert world.users["fellow"].erasure_requested_at is None
    assert "Asked to be erased" not in client_as("admin").get("/admin/users").get_data(as_text=True)


def test_an_admin_cannot_erase_their_own_account(client_as: Any, world: Any) -> None:
    admin = client_as("admin")
    own = admin.post(
        f"/admin/users/{world.users['admin'].id}/erase", data={"confirm": world.users["admin"].email}
    )
    assert own.status_code == 400
    assert "Another administrator must erase your account." in own.get_data(as_text=True)
    db.session.refresh(world.users["admin"])
    assert world.users["admin"].erased_at is None


def test_only_admins_erase(client_as: Any, world: Any) -> None:
    facilitator = client_as("facilitator")
    answer = facilitator.post(
        f"/admin/users/{world.users['fellow'].id}/erase", data={"confirm": world.users["fellow"].email}
    )
    assert answer.status_code == 403
    db.session.refresh(world.users["fellow"])
    assert world.users["fellow"].erased_at is None


# --- every domain answers for its tables --------------------------------------------------------------------

# Tables with a name column that names a thing, not a person (stored_files: a file's random name; the rows
# that point at a file answer for it).
THINGS = {
    "organizations",
    "programs",
    "cohorts",
    "criteria",
    "award_categories",
    "stored_files",
    "dispatch_runs",
}
PERSONAL_COLUMNS = {"email", "recipient", "name", "holder", "team", "voter_key"}


def test_every_table_about_a_person_is_claimed_by_a_holding(app: Any) -> None:
    claimed = {table for holding in personal_data.holdings() for table in holding.tables}
    about_people = {
        table.name
        for table in db.metadata.sorted_tables
        if table.name not in THINGS
        and (
            any(fk.column.table.name == "users" for column in table.columns for fk in column.foreign_keys)
            or PERSONAL_COLUMNS & set(table.columns.keys())
        )
    }
    assert sorted(about_people - claimed) == []
    assert sorted(claimed - set(db.metadata.tables)) == []  # no holding names a table that is gone


# --- on the demo: nothing shows the person, every figure stays --------------------------------------------

SUBJECT = "amara.okafor@example.org"


@pytest.fixture
def demo_data(app: Any) -> None:
    assert app.test_cli_runner().invoke(args=["fellowship", "demo"]).exit_code == 0


def sign_in(app: Any, email: str) -> Any:
    client = app.test_client()
    assert client.post("/sign-in", data={"email": email, "password": demo.DEMO_PASSWORD}).status_code == 302
    return client


def january(client: Any) -> dict[str, bytes]:
    period = db.session.scalars(
        sa.select(ReportingPeriod).where(ReportingPeriod.label == "January 2024")
    ).one()
    return {
        suffix: client.get(f"/reports/{period.id}/export.{suffix}").get_data() for suffix in ("csv", "md")
    }


def test_after_erasure_nothing_shows_the_person_and_the_figures_stay(app: Any, demo_data: None) -> None:
    person = db.session.scalars(sa.select(User).where(User.email == SUBJECT)).one()
    name, email, user_id = person.name, person.email, person.id
    # The demo gives them something in each domain that holds personal data.
    assert db.session.scalar(sa.select(sa.func.count()).where(Worksheet.user_id == user_id))
    assert db.session.get(Demographics, user_id) is not None
    assert db.session.scalar(sa.select(sa.func.count()).where(Certificate.user_id == user_id))
    named_answers = (
        sa.select(sa.func.count(Answer.id))
        .join(Response, Response.id == Answer.response_id)
        .join(EventInvitation, EventInvitation.id == Response.invitation_id)
        .where(EventInvitation.user_id == user_id)
    )
    assert db.session.scalar(named_answers.where(Answer.value_text.is_not(None)))
    certificate_code = db.session.scalars(
        sa.select(Certificate.code).where(Certificate.user_id == user_id)
    ).first()

    # Their own download holds every domain's part.
    mine = json.loads(sign_in(app, SUBJECT).get("/profile/data").get_data(as_text=True))
    assert {"accounts", "attendance", "certificates", "evaluations", "events", "worksheets"} <= mine.keys()
    assert mine["accounts"]["profile"]["email"] == email
    assert mine["worksheets"] and mine["evaluations"]["named_answers"]

    admin = sign_in(app, demo.ADMIN_EMAIL)
    before = january(admin)
    counts_before = {
        "receipts": db.session.scalar(sa.select(sa.func.count()).select_from(Receipt)),
        "numbers": db.session.scalar(named_answers.where(Answer.value_int.is_not(None))),
        "invitations": db.session.scalar(
            sa.select(sa.func.count()).where(EventInvitation.user_id == user_id)
        ),
    }
    # An email to them is waiting, and one to somebody else names them.
    db.session.add_all(
        [
            mail.OutboxMessage(kind="test", recipient=email, subject="For you", body_text=f"Hello {name}"),
            mail.OutboxMessage(
                kind="test",
                recipient="nadia.petrova@example.org",
                subject=f"About {name}",
                body_text=f"{name} <{email}>",
                body_html=f"<p>{name}</p>",
            ),
        ]
    )
    db.session.commit()

    erased = admin.post(f"/admin/users/{user_id}/erase", data={"confirm": email})
    assert erased.status_code == 302
    placeholder = label(user_id)

    # Figures: the submitted January report, exactly; the counts that counted them.
    assert january(admin) == before
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Receipt)) == counts_before["receipts"]
    assert db.session.scalar(named_answers.where(Answer.value_int.is_not(None))) == counts_before["numbers"]
    assert db.session.scalar(named_answers.where(Answer.value_text.is_not(None))) == 0
    assert (
        db.session.scalar(sa.select(sa.func.count()).where(EventInvitation.user_id == user_id))
        == counts_before["invitations"]
    )
    assert db.session.get(Demographics, user_id) is None
    assert all(
        not sheet.answers
        for sheet in db.session.scalars(sa.select(Worksheet).where(Worksheet.user_id == user_id))
    )
    revisions = sa.select(WorksheetRevision.answers).join(Worksheet).where(Worksheet.user_id == user_id)
    assert all(not answers for answers in db.session.scalars(revisions))

    secrets = (name, email, email.split("@")[0])

    def clean(where: str, text: str) -> None:
        for secret in secrets:
            assert secret.lower() not in text.lower(), f"{secret!r} still in {where}"

    # No page, file or export that the staff reach by clicking.
    pages: list[str] = []

    def check(url: str, response: Any) -> None:
        pages.append(url)
        clean(url, response.get_data(as_text=True))

    for who in (demo.ADMIN_EMAIL, "nadia.petrova@example.org", "funder.observer@example.org"):
        _reached, refused = crawl(app, sign_in(app, who), ("/",), check)
        assert refused == []
    assert len(pages) > 200
    assert placeholder in admin.get("/admin/users?page=1").get_data(as_text=True) or placeholder in "".join(
        admin.get(f"/admin/users/{user_id}").get_data(as_text=True)
    )
    # No queued email, no outbox copy, and a new backup holds neither the name nor the address.
    for message in db.session.scalars(sa.select(mail.OutboxMessage)):
        clean(
            f"outbox message {message.id}",
            json.dumps(
                [message.recipient, message.subject, message.body_text, message.body_html, message.headers],
                ensure_ascii=False,
            ),
        )
    out = io.StringIO()
    backup.dump(out, Path(app.config["FELLOWSHIP_STORAGE_DIR"]))
    db.session.rollback()
    clean("the backup", out.getvalue())
    # They cannot sign in; their certificate reads as withdrawn.
    assert (
        app.test_client().post("/sign-in", data={"email": email, "password": demo.DEMO_PASSWORD}).status_code
        == 401
    )
    check_page = app.test_client().get(
        "/certificates/verify", query_string={"code": certificate_code, "name": name}
    )
    assert "This certificate was withdrawn on" in check_page.get_data(as_text=True)
    result = check_page.get_data(as_text=True).split('id="verify-result">')[1].split("</p>")[0]
    clean("the verification result", result)  # the form itself shows back what the visitor typed
