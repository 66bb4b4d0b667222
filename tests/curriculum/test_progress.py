from __future__ import annotations

import datetime as dt
from typing import Any

from fellowship.curriculum.enums import WorksheetStatus
from fellowship.curriculum.models import CohortModule, Module, Worksheet
from fellowship.extensions import db
from fellowship.programs.enums import Role
from tests import factories as f
from tests.conftest import World


def modules_for(cohort: Any, count: int, due: dt.date | None = None) -> list[Module]:
    made = []
    for n in range(count):
        slug = f"m{cohort.id}-{n}"
        module = Module(
            slug=slug,
            version=1,
            content_hash=slug,
            program_kind="coop_fellowship",
            position=n,
            published_on=dt.date(2024, 1, 15),
            title={"en": f"Module {n}"},
            body={"en": "."},
            fields=[],
        )
        db.session.add(module)
        db.session.add(CohortModule(cohort_id=cohort.id, slug=slug, position=n, due_on=due))
        made.append(module)
    db.session.commit()
    return made


def test_matrix_shows_statuses_and_overdue(world: World, client_as: Any, clock: Any) -> None:
    first, _second = modules_for(world.cohort, 2, due=dt.date(2024, 1, 15))  # the clock says 2024-01-18
    db.session.add(
        Worksheet(
            cohort_id=world.cohort.id,
            user_id=world.users["fellow"].id,
            slug=first.slug,
            module_id=first.id,
            status=WorksheetStatus.APPROVED,
            answers={},
        )
    )
    db.session.commit()
    body = client_as("facilitator").get(f"/cohorts/{world.cohort.id}/progress").get_data(as_text=True)
    assert '<td class="status-approved">Approved</td>' in body
    assert "status-not-started overdue" in body and "overdue</span>" in body


def test_fellow_sees_only_their_own_progress(world: World, client_as: Any) -> None:
    modules_for(world.cohort, 1)
    other = f.MembershipFactory(
        cohort=world.cohort, role=Role.FELLOW, user=f.UserFactory(name="Other Fellow")
    )
    body = client_as("fellow").get(f"/cohorts/{world.cohort.id}/progress").get_data(as_text=True)
    assert "Fiona Fellow" in body and other.user.name not in body


def test_progress_query_count_is_the_same_for_5x3_and_40x12(
    world: World, client_as: Any, count_queries: Any
) -> None:
    client = client_as("admin")
    counts = []
    for fellows, modules in ((5, 3), (40, 12)):
        cohort = f.CohortFactory()
        made = modules_for(cohort, modules)
        for index in range(fellows):
            member = f.MembershipFactory(cohort=cohort, role=Role.FELLOW)
            db.session.add(
                Worksheet(
                    cohort_id=cohort.id,
                    user_id=member.user_id,
                    slug=made[index % modules].slug,
                    module_id=made[index % modules].id,
                    answers={},
                )
            )
        db.session.commit()
        url = f"/cohorts/{cohort.id}/progress"
        with count_queries() as counter:
            assert client.get(url).status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1]
