"""The program dashboard: monthly figures and partner organisations, in bounded queries."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fellowship.attendance.enums import Status
from fellowship.extensions import db
from fellowship.impact import services
from fellowship.impact.enums import AssistanceKind, Stage
from fellowship.programs.enums import Role
from tests import factories as f
from tests.conftest import World
from tests.impact.test_certificates import attended


def test_dashboard_shows_monthly_trends_and_partners(world: World, client_as: Any, clock: Any) -> None:
    attended(world, "fellow", Status.PRESENT)
    services.save_log(
        None,
        world.program,
        world.users["facilitator"].id,
        {
            "given_on": dt.date(2024, 1, 20),
            "kind": AssistanceKind.ONE_ON_ONE,
            "stage": Stage.OTHER,
            "hours": 2.5,
            "organization_id": world.organization.id,
        },
    )
    db.session.commit()
    page = client_as("facilitator").get(f"/programs/{world.program.id}/dashboard").get_data(as_text=True)
    assert "1 fellow active" in page
    assert '<th scope="row" dir="ltr">2024-01</th><td>1</td><td>100%</td><td>0</td><td>2.5</td>' in page
    assert "Northside Co-op</th><td>1</td><td>100%</td><td>0</td><td>2.5</td>" in page
    assert 'role="img" aria-label="Attendance rate per month' in page
    assert client_as("fellow").get(f"/programs/{world.program.id}/dashboard").status_code == 404


def test_dashboard_queries_do_not_grow_with_the_program(
    world: World, client_as: Any, count_queries: Any, clock: Any
) -> None:
    admin = client_as("admin")
    counts = []
    for size in (2, 30):
        for n in range(size):
            cohort = f.CohortFactory(program=world.program)
            f.MembershipFactory(
                cohort=cohort, role=Role.FELLOW, user=f.UserFactory(organization=f.OrganizationFactory())
            )
            services.save_log(
                None,
                world.program,
                world.users["facilitator"].id,
                {
                    "given_on": dt.date(2024, 1 + n % 12, 1),
                    "kind": AssistanceKind.OUTREACH,
                    "stage": Stage.OTHER,
                    "hours": 1.0,
                },
            )
        db.session.commit()
        with count_queries() as counter:
            assert admin.get(f"/programs/{world.program.id}/dashboard").status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1]
