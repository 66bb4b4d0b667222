"""Completion rules and certificates with a public check that reveals nothing else."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import sqlalchemy as sa

from fellowship.attendance.enums import Status
from fellowship.attendance.models import AttendanceRecord
from fellowship.curriculum.enums import WorksheetStatus
from fellowship.curriculum.models import Worksheet
from fellowship.events import services as events
from fellowship.events.enums import EventKind
from fellowship.events.models import EventInvitation
from fellowship.extensions import db
from fellowship.impact.models import Certificate
from tests.conftest import World
from tests.curriculum.test_progress import modules_for


def attended(world: World, role: str, status: Status) -> None:
    starts = dt.datetime(2024, 1, 10, 18, tzinfo=dt.UTC)
    event = events.create_event(
        world.cohort,
        events.EventFields(EventKind.WEBINAR, "Launch", "", starts, starts + dt.timedelta(hours=1), "UTC"),
        world.users["admin"].id,
    )
    invitation = db.session.scalar(
        sa.select(EventInvitation).where(
            EventInvitation.event_id == event.id, EventInvitation.user_id == world.users[role].id
        )
    )
    db.session.add(
        AttendanceRecord(invitation_id=invitation.id, day=starts.date(), status=status, recorded_at=starts)
    )


def test_a_fellow_who_completes_gets_a_verifiable_certificate(
    world: World, client_as: Any, clock: Any
) -> None:
    [module] = modules_for(world.cohort, 1)
    attended(world, "fellow", Status.PRESENT)
    db.session.add(
        Worksheet(
            cohort_id=world.cohort.id,
            user_id=world.users["fellow"].id,
            slug=module.slug,
            module_id=module.id,
            answers={},
            status=WorksheetStatus.SUBMITTED,
        )
    )
    db.session.commit()
    facilitator = client_as("facilitator")
    url = f"/cohorts/{world.cohort.id}/completion"
    assert facilitator.post(url, data={"min_attendance_rate": "120"}).status_code == 400
    assert (
        facilitator.post(url, data={"min_attendance_rate": "50", "module": [module.slug]}).status_code == 302
    )
    fellow = client_as("fellow")
    mine = f"/cohorts/{world.cohort.id}/certificate"
    assert "Module 0" in fellow.get(mine).get_data(as_text=True)  # still to approve
    assert (
        fellow.post(mine).status_code == 409
        and db.session.scalar(sa.select(sa.func.count(Certificate.id))) == 0
    )
    db.session.execute(sa.update(Worksheet).values(status=WorksheetStatus.APPROVED))
    db.session.commit()
    response = fellow.post(mine)
    assert response.status_code == 302
    certificate = db.session.scalar(sa.select(Certificate))
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", certificate.code)
    page = fellow.get(f"/certificates/{certificate.code}").get_data(as_text=True)
    assert "Fiona Fellow" in page and "Module 0" in page and certificate.code in page
    # The printed address to check it is the plain one, whatever language the certificate is read in.
    assert "check it at http://fellowship.test/certificates/verify</p>" in " ".join(page.split())
    assert client_as("facilitator").get(f"/certificates/{certificate.code}").status_code == 200
    assert client_as("observer").get(f"/certificates/{certificate.code}").status_code == 403
    assert client_as("other_fellow").get(f"/certificates/{certificate.code}").status_code == 404
    public = client_as("anonymous")
    ok = public.get(f"/certificates/verify?code={certificate.code.lower()}&name=fiona  FELLOW").get_data(
        as_text=True
    )
    assert "Valid: this certificate was issued on" in ok
    assert world.cohort.name not in ok and world.program.name not in ok  # nothing beyond what was typed
    wrong = public.get(f"/certificates/verify?code={certificate.code}&name=Someone Else").get_data(
        as_text=True
    )
    assert "No certificate matches" in wrong


def test_attendance_below_the_rule_blocks_completion(world: World, client_as: Any, clock: Any) -> None:
    attended(world, "fellow", Status.ABSENT)
    db.session.commit()
    client_as("facilitator").post(
        f"/cohorts/{world.cohort.id}/completion", data={"min_attendance_rate": "75"}
    )
    page = client_as("facilitator").get(f"/cohorts/{world.cohort.id}/completion").get_data(as_text=True)
    assert "Fiona Fellow</th><td>0%</td>" in page and "Not yet" in page
    client_as("facilitator").post(f"/cohorts/{world.cohort.id}/completion", data={"action": "issue"})
    assert db.session.scalar(sa.select(sa.func.count(Certificate.id))) == 0


def completed_certificate(world: World, client_as: Any) -> Certificate:
    """The fellow meets an empty rule (no minimum, no module) and gets their certificate."""
    client_as("facilitator").post(f"/cohorts/{world.cohort.id}/completion", data={"min_attendance_rate": "0"})
    assert client_as("fellow").post(f"/cohorts/{world.cohort.id}/certificate").status_code == 302
    return db.session.scalar(sa.select(Certificate))


def test_issuing_again_counts_only_the_certificates_issued_now(
    world: World, client_as: Any, clock: Any
) -> None:
    completed_certificate(world, client_as)
    url = f"/cohorts/{world.cohort.id}/completion"
    facilitator = client_as("facilitator")
    response = facilitator.post(url, data={"action": "issue"}, follow_redirects=True)
    assert "0 certificates issued to fellows who completed." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Certificate.id))) == 1


def test_a_code_typed_without_dashes_or_in_lower_case_is_recognised(
    world: World, client_as: Any, clock: Any
) -> None:
    certificate = completed_certificate(world, client_as)
    public = client_as("anonymous")
    plain = certificate.code.replace("-", "")
    for typed in (plain, plain.lower(), certificate.code.lower().replace("-", " "), f" {certificate.code} "):
        page = public.get("/certificates/verify", query_string={"code": typed, "name": "Fiona Fellow"})
        assert "Valid: this certificate was issued on" in page.get_data(as_text=True), typed


def test_the_certificate_names_a_cohort_named_after_its_program_once(
    world: World, client_as: Any, clock: Any
) -> None:
    world.cohort.name = f"{world.program.name} 2024"
    db.session.commit()
    certificate = completed_certificate(world, client_as)
    page = client_as("fellow").get(f"/certificates/{certificate.code}").get_data(as_text=True)
    assert f'<p dir="auto" id="completed">completed {world.program.name} 2024</p>' in page
    certificate.cohort = "Spring cohort"
    db.session.commit()
    page = client_as("fellow").get(f"/certificates/{certificate.code}").get_data(as_text=True)
    assert f"completed Spring cohort in the program {world.program.name}</p>" in page
