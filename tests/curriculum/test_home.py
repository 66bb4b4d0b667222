"""The curriculum's blocks on the home page: a fellow's next worksheet, a facilitator's review queue."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fellowship.curriculum.enums import WorksheetStatus
from fellowship.curriculum.models import CohortModule, Worksheet
from fellowship.curriculum.services import next_module
from fellowship.extensions import db
from fellowship.programs.enums import Role
from tests import factories as f
from tests.conftest import World
from tests.curriculum.test_progress import modules_for
from tests.curriculum.test_review_flow import submit_and_request_changes
from tests.home import block


def assignment(position: int, due: dt.date | None) -> CohortModule:
    return CohortModule(cohort_id=1, slug=f"m{position}", position=position, due_on=due)


def test_next_module_is_the_earliest_due_of_those_not_done() -> None:
    jan, feb, mar = dt.date(2024, 1, 22), dt.date(2024, 2, 17), dt.date(2024, 3, 21)
    modules = [
        (assignment(0, jan), WorksheetStatus.APPROVED),
        (assignment(1, mar), None),
        (assignment(2, feb), WorksheetStatus.CHANGES_REQUESTED),
        (assignment(3, None), WorksheetStatus.DRAFT),
    ]
    assert next_module(modules) == modules[2]


def test_next_module_puts_undated_modules_last_and_keeps_course_order() -> None:
    modules = [(assignment(0, None), None), (assignment(1, None), WorksheetStatus.DRAFT)]
    assert next_module(modules) == modules[0]
    assert next_module([(assignment(0, None), WorksheetStatus.SUBMITTED)]) is None


def test_the_fellow_opens_the_next_worksheet_from_home(world: World, client_as: Any, module: str) -> None:
    body = client_as("fellow").get("/").get_data(as_text=True)
    mine = block(body, "worksheets")
    assert f'href="{module}">Open my worksheet</a>' in mine
    assert ">Not started</span>" in mine
    from tests.curriculum.test_worksheets import FILLED

    assert client_as("fellow").post(module, data=FILLED).status_code == 302
    again = block(client_as("fellow").get("/").get_data(as_text=True), "worksheets")
    assert ">Draft</span>" in again


def test_the_module_page_opens_the_fellows_worksheet(world: World, client_as: Any, module: str) -> None:
    page = client_as("fellow").get(module.removesuffix("/worksheet")).get_data(as_text=True)
    assert f'<a class="button" href="{module}">Open my worksheet</a>' in page
    assert 'id="my-worksheet-status">Not started</span>' in page
    facilitator = client_as("facilitator").get(module.removesuffix("/worksheet")).get_data(as_text=True)
    assert "Open my worksheet" not in facilitator


def test_worksheets_sent_back_are_listed_for_the_fellow(world: World, client_as: Any, module: str) -> None:
    submit_and_request_changes(client_as, module, world)
    mine = block(client_as("fellow").get("/").get_data(as_text=True), "worksheets")
    assert "1 worksheet needs changes" in mine
    assert ">Changes requested</span>" in mine


def test_a_fellow_with_everything_submitted_sees_no_worksheet_block(
    world: World, client_as: Any, module: str
) -> None:
    from tests.curriculum.test_worksheets import FILLED

    client_as("fellow").post(module, data={**FILLED, "action": "submit"})
    body = client_as("fellow").get("/").get_data(as_text=True)
    assert 'data-block="worksheets"' not in body


def test_staff_and_other_cohorts_see_no_fellow_block(world: World, client_as: Any, module: str) -> None:
    for role in ("facilitator", "observer", "other_fellow", "admin", "juror"):
        assert 'data-block="worksheets"' not in client_as(role).get("/").get_data(as_text=True), role


def test_the_facilitator_sees_the_worksheets_waiting_for_review(
    world: World, client_as: Any, module: str
) -> None:
    from tests.curriculum.test_worksheets import FILLED

    client_as("fellow").post(module, data={**FILLED, "action": "submit"})
    sheet = db.session.query(Worksheet).one()
    mine = block(client_as("facilitator").get("/").get_data(as_text=True), "reviews")
    assert "1 worksheet is waiting for your decision." in mine
    assert f'href="/worksheets/{sheet.id}">Fiona Fellow</a>' in mine
    other = block(client_as("other_facilitator").get("/").get_data(as_text=True), "reviews")
    assert "Nothing is waiting for review." in other and "Fiona Fellow" not in other
    for role in ("fellow", "observer", "juror"):
        assert 'data-block="reviews"' not in client_as(role).get("/").get_data(as_text=True), role


def test_the_home_page_query_count_does_not_grow_with_modules_and_worksheets(
    world: World, client_as: Any, count_queries: Any
) -> None:
    fellow, facilitator = world.users["fellow"], world.users["facilitator"]
    counts: dict[str, list[int]] = {"fellow": [], "facilitator": []}
    for modules, fellows in ((2, 3), (12, 30)):
        cohort = f.CohortFactory()
        f.MembershipFactory(cohort=cohort, user=fellow, role=Role.FELLOW)
        f.MembershipFactory(cohort=cohort, user=facilitator, role=Role.FACILITATOR)
        made = modules_for(cohort, modules, due=dt.date(2024, 2, 1))
        for _ in range(fellows):
            member = f.MembershipFactory(cohort=cohort, role=Role.FELLOW)
            for made_module in made:
                db.session.add(
                    Worksheet(
                        cohort_id=cohort.id,
                        user_id=member.user_id,
                        slug=made_module.slug,
                        module_id=made_module.id,
                        answers={},
                        status=WorksheetStatus.SUBMITTED,
                        submitted_at=dt.datetime(2024, 1, 10, tzinfo=dt.UTC),
                    )
                )
        db.session.add(
            Worksheet(
                cohort_id=cohort.id,
                user_id=fellow.id,
                slug=made[0].slug,
                module_id=made[0].id,
                answers={},
                status=WorksheetStatus.CHANGES_REQUESTED,
            )
        )
        db.session.commit()
        for role in counts:
            client = client_as(role)
            with count_queries() as counter:
                assert client.get("/").status_code == 200
            counts[role].append(counter.count)
    assert counts["fellow"][0] == counts["fellow"][1]
    assert counts["facilitator"][0] == counts["facilitator"][1]
    # The whole home page: the user with their session, their cohorts with their roles, contests they judge
    # (anyone may be a juror), the evaluations waiting for them as invitees, then per block that concerns
    # them: the fellow's worksheets, certificates, next events and open contests; the facilitator's
    # reviews (2), attendance not taken, week, events without an evaluation, open evaluations and impact (2);
    # for both, their cohorts' recent announcements, the working groups' action items they own, and in the
    # co-op network the requests and exchanges waiting on them and their mentoring; for facilitators, the
    # program kinds whose curriculum they edit.
    assert (counts["fellow"][0], counts["facilitator"][0]) == (12, 17)
