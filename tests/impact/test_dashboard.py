"""The program dashboard: monthly figures and partner organisations, in bounded queries."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from fellowship.attendance.enums import Status
from fellowship.extensions import db
from fellowship.impact import services
from fellowship.impact.enums import AssistanceKind, Stage
from fellowship.programs.enums import Role
from tests import factories as f
from tests.conftest import World
from tests.curriculum.conftest import assign_sample_module
from tests.curriculum.test_worksheets import FILLED, sheet
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
    assert (
        '<svg class="chart bars" viewBox="0 0 320 34" role="img" aria-labelledby="chart-attendance-alt">\n'
        '      <title id="chart-attendance-alt">'
        "Attendance rate per month; the table below gives the numbers.</title>"
    ) in page
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


@pytest.fixture
def module(world: World, tmp_path: Path) -> str:
    return assign_sample_module(world, tmp_path)


@pytest.mark.parametrize(
    ("zone", "moment", "month"),
    [
        ("America/Chicago", dt.datetime(2024, 2, 1, 3, 0), "2024-01"),  # 21:00 on 31 January there
        ("America/Chicago", dt.datetime(2024, 4, 1, 4, 30), "2024-03"),  # 23:30, daylight time
        ("America/Chicago", dt.datetime(2024, 4, 1, 5, 30), "2024-04"),  # 00:30 on 1 April
        ("Europe/Warsaw", dt.datetime(2024, 3, 31, 22, 30), "2024-04"),  # 00:30 on 1 April, summer time
        ("Europe/Warsaw", dt.datetime(2024, 1, 31, 22, 30), "2024-01"),  # 23:30, winter time
    ],
)
def test_approvals_count_in_the_programs_local_month(
    world: World, client_as: Any, module: str, clock: Any, zone: str, moment: dt.datetime, month: str
) -> None:
    world.program.timezone = zone
    db.session.commit()
    client_as("fellow").post(module, data={**FILLED, "action": "submit"})
    clock.set_time(moment.replace(tzinfo=dt.UTC))
    worksheet = sheet(world)
    approved = client_as("facilitator").post(
        f"/worksheets/{worksheet.id}", data={"decision": "approved", "comment": "Good."}
    )
    assert approved.status_code == 302
    page = client_as("facilitator").get(f"/programs/{world.program.id}/dashboard").get_data(as_text=True)
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    approvals = {
        row.split("</th>")[0].rsplit(">", 1)[1]: row.split("<td>")[3].split("<")[0]
        for row in body.split("<tr>")[1:]
    }
    assert approvals.get(month) == "1", approvals
    assert sum(int(n) for n in approvals.values()) == 1
