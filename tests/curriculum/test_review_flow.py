"""Reviewing worksheets: comments beside fields, changes since the previous submission, the review queue,
and autosave of the working draft."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from fellowship.core.clock import now as clock_now
from fellowship.curriculum.enums import WorksheetStatus
from fellowship.curriculum.models import Review, Worksheet, WorksheetRevision
from fellowship.extensions import db
from fellowship.programs.enums import Role
from tests import factories as f
from tests.conftest import World
from tests.curriculum.test_progress import modules_for
from tests.curriculum.test_worksheets import FILLED, sheet


def submit_and_request_changes(client_as: Any, module: str, world: World, **notes: str) -> Worksheet:
    client_as("fellow").post(module, data={**FILLED, "action": "submit"})
    worksheet = sheet(world)
    response = client_as("facilitator").post(
        f"/worksheets/{worksheet.id}",
        data={"decision": "changes_requested", "comment": "Nearly there.", **notes},
    )
    assert response.status_code == 302
    return worksheet


def test_field_comments_are_shown_beside_their_fields(world: World, client_as: Any, module: str) -> None:
    worksheet = submit_and_request_changes(
        client_as, module, world, note_who_we_are="Say *whom* you serve.", note_members=""
    )
    review = db.session.scalar(sa.select(Review))
    assert review.field_comments == {"who_we_are": "Say *whom* you serve."}
    page = client_as("fellow").get(module).get_data(as_text=True)
    slot = page[page.index('class="slot slot-who_we_are"') :]
    slot = slot[: slot.index('class="slot slot-', 10)]
    assert "Say <em>whom</em> you serve." in slot  # beside the field it is about, as sanitised Markdown
    assert "1 comment on a field, shown beside it." in page
    other_slot = page[page.index('class="slot slot-members"') :]
    assert "field-note" not in other_slot[: other_slot.index('class="slot slot-', 10)]
    read_only = client_as("fellow").get(f"/worksheets/{worksheet.id}").get_data(as_text=True)
    assert "Say <em>whom</em> you serve." in read_only


def test_an_overlong_field_comment_is_refused_and_nothing_is_saved(
    world: World, client_as: Any, module: str
) -> None:
    client_as("fellow").post(module, data={**FILLED, "action": "submit"})
    worksheet = sheet(world)
    response = client_as("facilitator").post(
        f"/worksheets/{worksheet.id}",
        data={"decision": "approved", "comment": "Fine.", "note_name": "x" * 4001},
    )
    assert response.status_code == 400
    assert "Field cannot be longer than 4000 characters." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Review.id))) == 0
    assert sheet(world).status is WorksheetStatus.SUBMITTED


def test_a_resubmission_shows_what_changed_since_the_previous_one(
    world: World, client_as: Any, module: str
) -> None:
    worksheet = submit_and_request_changes(client_as, module, world, note_who_we_are="Whom?")
    first = client_as("facilitator").get(f"/worksheets/{worksheet.id}").get_data(as_text=True)
    assert "tag-changed" not in first  # nothing to compare with before a resubmission
    response = client_as("fellow").post(
        module,
        data={
            **FILLED,
            "who_we_are": "A bakery co-op of six members serving our street.",
            "members": "7",
            "action": "submit",
            "base_revision": "1",
        },
    )
    assert response.status_code == 302
    page = client_as("facilitator").get(f"/worksheets/{worksheet.id}").get_data(as_text=True)
    assert "Resubmitted: 2 answers changed since the previous submission; they are marked." in page
    who = page[page.index("answer answer-who_we_are") :]
    who = who[: who.index("</section>")]
    assert (
        " changed"
        in page[page.index("answer answer-who_we_are") - 20 : page.index("answer answer-who_we_are") + 40]
    )
    assert "<del>members.</del>" in who and "<ins>members serving our street.</ins>" in who
    members = page[page.index("answer answer-members") :]
    members = members[: members.index("</section>")]
    assert "Previous submission" in members and '<p dir="auto">6</p>' in members
    name = page[page.index("answer answer-name") - 30 : page.index("answer answer-name") + 40]
    assert "changed" not in name
    assert "Whom?" in who  # the earlier comment stays beside its field for the reviewer


def test_the_review_queue_spans_the_facilitators_cohorts_only(
    world: World, client_as: Any, module: str
) -> None:
    submit_and_request_changes(client_as, module, world)
    client_as("fellow").post(module, data={**FILLED, "action": "submit", "base_revision": "1"})
    page = client_as("facilitator").get("/reviews").get_data(as_text=True)
    assert "Fiona Fellow" in page and "Mission statement" in page and "Resubmitted" in page
    other = client_as("other_facilitator").get("/reviews")
    assert other.status_code == 200 and "Fiona Fellow" not in other.get_data(as_text=True)
    assert "Nothing is waiting for review." in other.get_data(as_text=True)
    assert "Fiona Fellow" in client_as("admin").get("/reviews").get_data(as_text=True)
    for role in ("fellow", "observer"):
        assert client_as(role).get("/reviews").status_code == 403
    assert 'href="/reviews"' in client_as("facilitator").get("/").get_data(as_text=True)
    assert 'href="/reviews"' not in client_as("fellow").get("/").get_data(as_text=True)


def test_review_queue_query_count_is_the_same_for_5x3_and_40x12(
    world: World, client_as: Any, count_queries: Any
) -> None:
    client = client_as("facilitator")
    counts = []
    for fellows, modules in ((5, 3), (40, 12)):
        cohort = f.CohortFactory()
        f.MembershipFactory(cohort=cohort, user=world.users["facilitator"], role=Role.FACILITATOR)
        made = modules_for(cohort, modules)
        for index in range(fellows):
            member = f.MembershipFactory(cohort=cohort, role=Role.FELLOW)
            for made_module in made:
                db.session.add(
                    Worksheet(
                        cohort_id=cohort.id,
                        user_id=member.user_id,
                        slug=made_module.slug,
                        module_id=made_module.id,
                        answers={},
                        status=WorksheetStatus.SUBMITTED if index % 2 == 0 else WorksheetStatus.DRAFT,
                        submitted_at=clock_now(),
                    )
                )
        db.session.commit()
        with count_queries() as counter:
            response = client.get("/reviews")
        assert response.status_code == 200
        counts.append(counter.count)
    body = response.get_data(as_text=True)
    assert body.count("/worksheets/") == 3 * 3 + 20 * 12  # both cohorts' submitted ones, no drafts
    assert counts[0] == counts[1]


# --- autosave ----------------------------------------------------------------------------------------------


def autosave_url(module: str) -> str:
    return module + "/autosave"


def test_autosave_overwrites_the_draft_without_a_revision(world: World, client_as: Any, module: str) -> None:
    fellow = client_as("fellow")
    response = fellow.post(autosave_url(module), data={**FILLED, "base_draft": "0"})
    assert response.status_code == 200
    assert response.json["saved"] is True and response.json["base_draft"] == 1
    assert response.json["base_revision"] == 0
    assert "Draft saved automatically at" in response.json["message"]
    worksheet = sheet(world)
    assert worksheet.answers["name"] == "Sourdough Collective"
    assert (worksheet.revision_number, worksheet.draft_version) == (0, 1)
    again = fellow.post(autosave_url(module), data={**FILLED, "name": "Rye", "base_draft": "1"})
    assert again.json["base_draft"] == 2
    assert sheet(world).answers["name"] == "Rye"
    assert db.session.scalar(sa.select(sa.func.count(WorksheetRevision.id))) == 0
    page = fellow.get(module).get_data(as_text=True)
    assert 'value="Rye"' in page and 'name="base_draft" type="hidden" value="2"' in page
    saved = fellow.post(module, data={**FILLED, "base_draft": "2"})  # the explicit save keeps a revision
    assert saved.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(WorksheetRevision.id))) == 1


def test_autosave_never_writes_over_another_tabs_text(world: World, client_as: Any, module: str) -> None:
    fellow = client_as("fellow")
    fellow.post(autosave_url(module), data={**FILLED, "name": "From tab one", "base_draft": "0"})
    stale = fellow.post(autosave_url(module), data={**FILLED, "name": "From tab two", "base_draft": "0"})
    assert stale.status_code == 409 and stale.json["stale"] is True
    assert sheet(world).answers["name"] == "From tab one"
    explicit = fellow.post(module, data={**FILLED, "name": "From tab two", "base_draft": "0"})
    assert explicit.status_code == 409  # the explicit save from tab two shows both versions instead
    body = explicit.get_data(as_text=True)
    assert "From tab one" in body and "From tab two" in body
    assert sheet(world).answers["name"] == "From tab one"


def test_autosave_refuses_invalid_values_and_locked_worksheets(
    world: World, client_as: Any, module: str
) -> None:
    fellow = client_as("fellow")
    bad = fellow.post(autosave_url(module), data={**FILLED, "members": "many"})
    assert bad.status_code == 422 and bad.json["fields"] == ["members"]
    assert sheet(world) is None
    fellow.post(module, data={**FILLED, "action": "submit"})
    locked = fellow.post(autosave_url(module), data={**FILLED, "base_revision": "1"})
    assert locked.status_code == 409
    assert sheet(world).status is WorksheetStatus.SUBMITTED
    assert client_as("facilitator").post(autosave_url(module), data=FILLED).status_code == 403
    assert fellow.post(autosave_url(module), data=FILLED, csrf=False).status_code == 400


def test_worksheet_page_loads_the_autosave_script(world: World, client_as: Any, module: str) -> None:
    page = client_as("fellow").get(module).get_data(as_text=True)
    assert 'src="/static/js/autosave.js" defer' in page
    assert f'data-autosave-url="{autosave_url(module)}"' in page
    script = client_as("fellow").get("/static/js/autosave.js")
    assert script.status_code == 200 and "localStorage" in script.get_data(as_text=True)
