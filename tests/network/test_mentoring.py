"""Mentoring through the co-op network: people who publish a mentoring offer are mentors; a fellow asks one,
or a facilitator pairs them; the pair logs its meetings (notes for the two of them only); the cohort page
shows pairs and meeting counts; the mentoring ends with a reflection from each side, read by its author and
the cohort's facilitators."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import sqlalchemy as sa

from fellowship.extensions import db
from fellowship.network import notices, services
from fellowship.network.enums import Category, EntryKind, PairStatus
from fellowship.network.models import Entry, MentoringMeeting, MentoringPair, MentoringReflection
from fellowship.programs.enums import Role
from tests import factories as f
from tests.conftest import World
from tests.mailbox import messages

NOTE = "We spoke about the valuation of the bakery."


@pytest.fixture
def offer(world: World) -> Entry:
    """Olga, a fellow of another program, offers mentoring in the network."""
    made = services.save_entry(
        Entry(user_id=world.users["other_fellow"].id),
        world.users["other_fellow"].id,
        kind=EntryKind.OFFER,
        category=Category.MENTORING,
        title="Mentoring on conversions",
        published=True,
    )
    db.session.commit()
    return made


def log(client: Any, found: MentoringPair, **data: str) -> Any:
    fields = {"held_on": "2024-01-15", "minutes": "45", "notes": NOTE}
    fields.update(data)
    return client.post(f"/mentoring/{found.id}/meetings", data=fields)


def dispatch() -> int:
    sent = notices.dispatch_mentoring()
    db.session.commit()
    return sent


def test_a_fellow_asks_a_mentor_and_the_pair_logs_its_meetings(
    world: World, client_as: Any, offer: Entry
) -> None:
    fellow, mentor = client_as("fellow"), client_as("other_fellow")
    page = fellow.get(f"/network/entries/{offer.id}").get_data(as_text=True)
    assert f'href="/network/entries/{offer.id}/mentoring"' in page
    asked = fellow.post(
        f"/network/entries/{offer.id}/mentoring",
        data={"cohort_id": str(world.cohort.id), "message": "Could we talk monthly?"},
    )
    assert asked.status_code == 302
    found = db.session.scalar(sa.select(MentoringPair))
    assert (found.status, found.mentee_id, found.cohort_id) == (
        PairStatus.PROPOSED,
        world.users["fellow"].id,
        world.cohort.id,
    )
    assert dispatch() == 1 and dispatch() == 0
    assert messages(notices.PAIR_MAIL_KIND, world.users["other_fellow"].email)
    assert log(fellow, found).status_code == 400  # nothing to log before the mentor accepts
    assert fellow.post(f"/mentoring/{found.id}/answer", data={"decision": "accept"}).status_code == 403
    home = mentor.get("/").get_data(as_text=True)
    assert f'href="/mentoring/{found.id}"' in home
    assert mentor.post(f"/mentoring/{found.id}/answer", data={"decision": "accept"}).status_code == 302
    db.session.refresh(found)
    assert found.status is PairStatus.ACTIVE
    assert dispatch() == 1  # the fellow hears the answer
    assert log(fellow, found).status_code == 302
    assert log(mentor, found, held_on="2024-01-17", minutes="30", notes="Second talk.").status_code == 302
    # The pair reads the notes; the cohort's facilitator sees the meetings, never the notes.
    for client in (fellow, mentor):
        assert NOTE in client.get(f"/mentoring/{found.id}").get_data(as_text=True)
    facilitator = client_as("facilitator")
    staff_view = facilitator.get(f"/mentoring/{found.id}").get_data(as_text=True)
    assert NOTE not in staff_view and "Second talk." not in staff_view and "2024" in staff_view
    cohort_page = facilitator.get(f"/cohorts/{world.cohort.id}").get_data(as_text=True)
    panel = cohort_page[cohort_page.index('data-panel="mentoring"') :]
    assert "<td>2</td><td>75</td>" in panel and NOTE not in cohort_page
    fellow_page = fellow.get(f"/cohorts/{world.cohort.id}").get_data(as_text=True)
    assert "Olga Outsider" in fellow_page and NOTE not in fellow_page
    for role in ("observer", "other_facilitator"):
        assert client_as(role).get(f"/mentoring/{found.id}").status_code == 404


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"held_on": "2024-01-19"}, "Log a meeting once it has taken place."),
        ({"held_on": ""}, "Say on which day you met."),
        ({"minutes": "0"}, "Between 1 and 600 minutes."),
        ({"minutes": "601"}, "Between 1 and 600 minutes."),
        ({"minutes": "an hour"}, "Not a valid integer value."),
        ({"notes": "x" * 4001}, "4000"),
    ],
)
def test_a_bad_meeting_is_refused_with_a_message(
    world: World, client_as: Any, offer: Entry, data: dict[str, str], message: str
) -> None:
    found = services.pair(
        world.cohort.id,
        world.users["other_fellow"].id,
        world.users["fellow"].id,
        world.users["facilitator"].id,
        dt.date(2024, 1, 18),
    )
    db.session.commit()
    response = log(client_as("fellow"), found, **data)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(MentoringMeeting.id))) == 0


def test_a_facilitator_pairs_a_mentor_with_a_fellow(world: World, client_as: Any, offer: Entry) -> None:
    facilitator = client_as("facilitator")
    url = f"/cohorts/{world.cohort.id}/mentoring"
    page = facilitator.get(f"/cohorts/{world.cohort.id}").get_data(as_text=True)
    assert f'href="{url}"' in page
    form = facilitator.get(url).get_data(as_text=True)
    assert f'action="{url}"' in form and "Olga Outsider" in form and "Fiona Fellow" in form
    data = {"mentor_id": str(world.users["other_fellow"].id), "mentee_id": str(world.users["fellow"].id)}
    assert facilitator.post(url, data=data).status_code == 302
    again = facilitator.post(url, data=data)
    assert again.status_code == 400 and "already paired" in again.get_data(as_text=True)
    stranger = facilitator.post(url, data={**data, "mentor_id": str(world.users["observer"].id)})
    assert stranger.status_code == 400 and "Not a valid choice" in stranger.get_data(as_text=True)
    assert client_as("fellow").post(url, data=data).status_code == 403
    assert db.session.scalar(sa.select(sa.func.count(MentoringPair.id))) == 1
    assert dispatch() == 2  # the mentor and the fellow each hear of it


def test_reflections_are_read_by_their_author_and_the_cohorts_facilitators(
    world: World, client_as: Any, offer: Entry
) -> None:
    found = services.pair(
        world.cohort.id,
        world.users["other_fellow"].id,
        world.users["fellow"].id,
        world.users["facilitator"].id,
        dt.date(2024, 1, 18),
    )
    db.session.commit()
    fellow, mentor = client_as("fellow"), client_as("other_fellow")
    empty = mentor.post(f"/mentoring/{found.id}/end", data={"text": ""})
    assert empty.status_code == 400 and "Write a few words" in empty.get_data(as_text=True)
    assert mentor.post(f"/mentoring/{found.id}/end", data={"text": "Fiona grew fast."}).status_code == 302
    db.session.refresh(found)
    assert found.status is PairStatus.ENDED
    assert (
        fellow.post(f"/mentoring/{found.id}/reflection", data={"text": "Olga was generous."}).status_code
        == 302
    )
    twice = fellow.post(f"/mentoring/{found.id}/reflection", data={"text": "Again."})
    assert twice.status_code == 400
    views = {
        role: client_as(role).get(f"/mentoring/{found.id}").get_data(as_text=True)
        for role in ("fellow", "other_fellow", "facilitator", "admin")
    }
    assert "Olga was generous." in views["fellow"] and "Fiona grew fast." not in views["fellow"]
    assert "Fiona grew fast." in views["other_fellow"] and "Olga was generous." not in views["other_fellow"]
    assert "Fiona grew fast." in views["facilitator"] and "Olga was generous." in views["facilitator"]
    assert "Fiona grew fast." not in views["admin"] and "Olga was generous." not in views["admin"]


def test_the_cohort_page_counts_pairs_in_a_fixed_number_of_queries(
    world: World, client_as: Any, offer: Entry, count_queries: Any
) -> None:
    facilitator = client_as("facilitator")

    def add_pair(mentee: Any) -> None:
        made = services.pair(
            world.cohort.id,
            world.users["other_fellow"].id,
            mentee.id,
            world.users["admin"].id,
            dt.date(2024, 1, 18),
        )
        services.log_meeting(made, mentee, dt.date(2024, 1, 10), 30, "Notes.", dt.date(2024, 1, 18))
        db.session.commit()

    add_pair(world.users["fellow"])
    with count_queries() as few:
        assert facilitator.get(f"/cohorts/{world.cohort.id}").status_code == 200
    for n in range(5):
        add_pair(
            f.MembershipFactory(
                cohort=world.cohort, user=f.UserFactory(name=f"Fellow {n}"), role=Role.FELLOW
            ).user
        )
    with count_queries() as many:
        page = facilitator.get(f"/cohorts/{world.cohort.id}").get_data(as_text=True)
    assert page.count("<td>1</td><td>30</td>") == 6
    assert many.count == few.count


def test_export_and_erasure(world: World, client_as: Any, offer: Entry) -> None:
    found = services.pair(
        world.cohort.id,
        world.users["other_fellow"].id,
        world.users["fellow"].id,
        world.users["facilitator"].id,
        dt.date(2024, 1, 18),
    )
    db.session.commit()
    fellow = client_as("fellow")
    log(fellow, found, notes="Fiona Fellow talked about her co-op.")
    fellow.post(f"/mentoring/{found.id}/end", data={"text": "It helped me, Fiona Fellow."})
    exported = [row for row in fellow.get("/profile/data").get_json()["network"] if "mentoring" in row]
    assert exported == [
        {
            "mentoring": "mentee",
            "status": "ended",
            "message": "",
            "meetings": [
                {"held_on": "2024-01-15", "minutes": 45, "notes": "Fiona Fellow talked about her co-op."}
            ],
            "reflection": "It helped me, Fiona Fellow.",
        }
    ]
    fiona = world.users["fellow"]
    assert (
        client_as("admin").post(f"/admin/users/{fiona.id}/erase", data={"confirm": fiona.email}).status_code
        == 302
    )
    assert db.session.scalar(sa.select(sa.func.count(MentoringReflection.id))) == 0
    notes = db.session.scalar(sa.select(MentoringMeeting.notes))
    assert "Fiona" not in notes and "Erased person" in notes
    assert db.session.scalar(sa.select(sa.func.count(MentoringPair.id))) == 1  # the cohort's count stays
