"""Working groups: meetings hosted in turn by the member organisations, minutes (notes on each agenda item,
decisions, action items), and open action items carried onto every later meeting's agenda, once each, until
they are done; owners see theirs on their home page."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import sqlalchemy as sa

from fellowship.accounts.models import Organization, User
from fellowship.core import audit
from fellowship.events import services as events
from fellowship.events.enums import EventKind
from fellowship.events.models import Event
from fellowship.extensions import db
from fellowship.groups.enums import ActionStatus
from fellowship.groups.models import ActionItem, Decision, ItemNote
from fellowship.programs.enums import ProgramKind, Role
from tests import factories as f
from tests.conftest import World


def meeting(
    world: World, day: int, template: str = "working_group_2", kind: EventKind = EventKind.WORKING_GROUP
) -> Event:
    """A meeting of the world's cohort on ``day`` February 2024 (the clock stands at 18 January)."""
    event = events.create_event(
        world.cohort,
        events.EventFields(
            kind=kind,
            title=f"Meeting of {day} February",
            description="",
            starts_at=dt.datetime(2024, 2, day, 16, tzinfo=dt.UTC),
            ends_at=dt.datetime(2024, 2, day, 18, tzinfo=dt.UTC),
            timezone="Asia/Jerusalem",
            venue="Community hall",
        ),
        world.users["admin"].id,
    )
    events.apply_template(event, template)
    db.session.commit()
    return event


@pytest.fixture
def group(world: World) -> World:
    """The world's program is a working group; a second member represents another organisation."""
    world.program.kind = ProgramKind.WORKING_GROUP
    second = f.UserFactory(name="Gal Second", organization=f.OrganizationFactory(name="Alef Co-op"))
    f.MembershipFactory(cohort=world.cohort, user=second, role=Role.FELLOW)
    db.session.commit()
    return world


def panel(client: Any, event: Event) -> str:
    page = client.get(f"/events/{event.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    start = html.index('data-panel="minutes"')
    return html[start : html.index("</section>", start)]


def rows(html: str, what: str) -> int:
    """How many rows of the action-item tables say ``what``."""
    return html.count(f'<td dir="auto">{what}</td>')


def add_item(client: Any, event: Event, what: str, owner: int | str = "", due: str = "") -> Any:
    return client.post(
        f"/meetings/{event.id}/action-items", data={"what": what, "owner_id": owner, "due_on": due}
    )


def test_meetings_are_hosted_by_the_member_organisations_in_turn(group: World, client_as: Any) -> None:
    first, second, third = (meeting(group, day) for day in (1, 8, 15))
    fellow = client_as("fellow")
    # By name: Alef Co-op, then Northside Co-op, then Alef again.
    assert "Host: <bdi>Alef Co-op</bdi>" in panel(fellow, first)
    assert "Host: <bdi>Northside Co-op</bdi>" in panel(fellow, second)
    assert "Host: <bdi>Alef Co-op</bdi>" in panel(fellow, third)
    # The facilitator hosts the second meeting at Alef: the turn goes on from there.
    facilitator = client_as("facilitator")
    choices = facilitator.get(f"/meetings/{second.id}/minutes").get_data(as_text=True)
    assert "Take turns (the next member organisation)" in choices
    other = db.session.scalar(sa.select(Organization.id).where(Organization.name == "Alef Co-op"))
    response = facilitator.post(f"/meetings/{second.id}/minutes", data={"host": str(other)})
    assert response.status_code == 302
    assert "Host: <bdi>Alef Co-op</bdi>" in panel(fellow, second)
    assert "Host: <bdi>Northside Co-op</bdi>" in panel(fellow, third)
    [entry] = [e for e in db.session.scalars(audit.history(second)).all() if e.action == "host"]
    assert entry.changes == {"host": [None, other]}
    # An organisation that is not a member is refused, and nothing changes.
    stranger = f.OrganizationFactory(name="Not A Member")
    db.session.commit()
    refused = facilitator.post(f"/meetings/{second.id}/minutes", data={"host": str(stranger.id)})
    assert refused.status_code == 400 and "Not a valid choice" in refused.get_data(as_text=True)
    assert "Host: <bdi>Alef Co-op</bdi>" in panel(fellow, second)
    # The group's page says "members", as a working group's fellows are called.
    assert "2 members from 2 organisations" in fellow.get(f"/cohorts/{group.cohort.id}").get_data(
        as_text=True
    )


def test_a_facilitator_takes_the_minutes_of_a_meeting(group: World, client_as: Any) -> None:
    event = meeting(group, 8)
    facilitator = client_as("facilitator")
    page = facilitator.get(f"/events/{event.id}").get_data(as_text=True)
    assert f'href="/meetings/{event.id}/minutes"' in page
    items = event.agenda
    notes = {f"note_{items[1].id}": "Shared belief: members decide.\nSecond line.", f"note_{items[0].id}": ""}
    assert facilitator.post(f"/meetings/{event.id}/minutes", data={"host": "", **notes}).status_code == 302
    assert db.session.scalar(sa.select(ItemNote.text)) == "Shared belief: members decide.\nSecond line."
    assert (
        facilitator.post(f"/meetings/{event.id}/decisions", data={"text": "Meet monthly."}).status_code == 302
    )
    fellow_id = group.users["fellow"].id
    response = add_item(facilitator, event, "Draft the vision paragraph", fellow_id, "2024-02-20")
    assert response.status_code == 302
    shown = panel(client_as("fellow"), event)
    assert "Shared belief: members decide." in shown and "Meet monthly." in shown
    assert "Draft the vision paragraph" in shown and "Fiona Fellow" in shown
    # Refusals say why and save nothing.
    empty = facilitator.post(f"/meetings/{event.id}/decisions", data={"text": "  "})
    assert empty.status_code == 400 and "Write the decision." in empty.get_data(as_text=True)
    outsider = add_item(facilitator, event, "Someone else's job", group.users["other_fellow"].id)
    assert outsider.status_code == 400 and "Not a valid choice" in outsider.get_data(as_text=True)
    long = add_item(facilitator, event, "x" * 501)
    assert long.status_code == 400
    bad_day = add_item(facilitator, event, "A task", "", "2024-02-31")
    assert bad_day.status_code == 400
    too_long = facilitator.post(f"/meetings/{event.id}/minutes", data={f"note_{items[1].id}": "y" * 4001})
    assert too_long.status_code == 400 and "Keep it under 4000 characters." in too_long.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Decision.id))) == 1
    assert db.session.scalar(sa.select(sa.func.count(ActionItem.id))) == 1
    assert db.session.scalar(sa.select(ItemNote.text)).startswith("Shared belief")


def test_open_action_items_are_carried_to_every_later_meeting_once_until_done(
    group: World, client_as: Any, clock: Any
) -> None:
    first, second, third = (meeting(group, day) for day in (1, 8, 15))
    facilitator = client_as("facilitator")
    fellow_id = group.users["fellow"].id
    add_item(facilitator, first, "Call the credit union", fellow_id, "2024-02-05")
    add_item(facilitator, first, "Book the hall", "", "")
    add_item(facilitator, second, "Write the pitch", fellow_id, "")
    fellow = client_as("fellow")
    on_second = panel(fellow, second)
    carried = on_second[
        on_second.index('id="action-items"') : on_second.index("Action items from this meeting")
    ]
    assert rows(carried, "Call the credit union") == 1 and rows(carried, "Book the hall") == 1
    assert rows(carried, "Write the pitch") == 0  # raised there: listed once, under this meeting's own items
    assert rows(on_second, "Write the pitch") == 1
    on_third = panel(fellow, third)
    assert [rows(on_third, w) for w in ("Call the credit union", "Book the hall", "Write the pitch")] == [
        1,
        1,
        1,
    ]
    assert "None: every earlier action item is done." in panel(fellow, first)
    # Done on 10 February (after the second meeting began): it leaves the third meeting's agenda, and the
    # second meeting's agenda still shows what was carried to it.
    clock.set_time(dt.datetime(2024, 2, 10, 9, tzinfo=dt.UTC))
    fellow = client_as("fellow")  # signed in again: three weeks idle ended the earlier session
    item = db.session.scalar(sa.select(ActionItem).where(ActionItem.what == "Call the credit union"))
    marked = fellow.post(f"/action-items/{item.id}/status", data={"status": "done"})
    assert marked.status_code == 302, marked.get_data(as_text=True)
    assert "Call the credit union" not in panel(fellow, third)
    assert "Call the credit union" in panel(fellow, second)
    db.session.refresh(item)
    assert item.status is ActionStatus.DONE and item.closed_at is not None
    [entry] = [e for e in db.session.scalars(audit.history(item)).all()]
    assert (entry.actor_id, entry.changes) == (fellow_id, {"status": ["open", "done"]})


def test_owners_see_their_open_items_at_home_with_overdue_ones_flagged(
    group: World, client_as: Any, clock: Any
) -> None:
    event = meeting(group, 1)
    facilitator = client_as("facilitator")
    fellow_id = group.users["fellow"].id
    add_item(facilitator, event, "Send the survey", fellow_id, "2024-02-05")
    add_item(facilitator, event, "Not mine", group.users["facilitator"].id, "2024-02-05")
    fellow = client_as("fellow")
    home = fellow.get("/").get_data(as_text=True)
    assert "Your action items" in home and "Send the survey" in home and "Not mine" not in home
    assert "Overdue" not in home
    clock.set_time(dt.datetime(2024, 2, 6, 9, tzinfo=dt.UTC))
    fellow = client_as("fellow")  # signed in again: the earlier session ended while idle
    home = fellow.get("/").get_data(as_text=True)
    assert "Overdue" in home
    item = db.session.scalar(sa.select(ActionItem).where(ActionItem.what == "Send the survey"))
    done = fellow.post(f"/action-items/{item.id}/status", data={"status": "done", "back": "home"})
    assert done.status_code == 302 and done.headers["Location"].endswith("/#action-items")
    assert "Your action items" not in fellow.get("/").get_data(as_text=True)


def test_who_may_do_what(group: World, client_as: Any) -> None:
    event = meeting(group, 8)
    add_item(client_as("facilitator"), event, "The facilitator task", group.users["facilitator"].id)
    item = db.session.scalar(sa.select(ActionItem))
    fellow = client_as("fellow")
    assert fellow.get(f"/meetings/{event.id}/minutes").status_code == 403
    assert fellow.post(f"/meetings/{event.id}/decisions", data={"text": "Mine."}).status_code == 403
    assert fellow.post(f"/action-items/{item.id}/status", data={"status": "done"}).status_code == 403
    assert client_as("other_fellow").get(f"/events/{event.id}").status_code == 404
    assert (
        client_as("other_facilitator")
        .post(f"/action-items/{item.id}/status", data={"status": "done"})
        .status_code
        == 404
    )
    observer = panel(client_as("observer"), event)
    assert "The facilitator task" in observer and "<select" not in observer  # observers read
    assert (
        client_as("facilitator")
        .post(f"/action-items/{item.id}/status", data={"status": "finished"})
        .status_code
        == 400
    )
    db.session.refresh(item)
    assert item.status is ActionStatus.OPEN
    # Another kind of event has no minutes.
    webinar = meeting(group, 9, kind=EventKind.WEBINAR)
    assert client_as("facilitator").get(f"/meetings/{webinar.id}/minutes").status_code == 404
    assert 'data-panel="minutes"' not in client_as("facilitator").get(f"/events/{webinar.id}").get_data(
        as_text=True
    )


def test_the_meeting_page_reads_a_fixed_number_of_queries(
    group: World, client_as: Any, count_queries: Any
) -> None:
    first, second = meeting(group, 1), meeting(group, 8)
    facilitator = client_as("facilitator")
    add_item(facilitator, first, "One", group.users["fellow"].id)
    with count_queries() as few:
        assert facilitator.get(f"/events/{second.id}").status_code == 200
    for n in range(8):
        member = f.UserFactory(name=f"Member {n}", organization=f.OrganizationFactory(name=f"Org {n}"))
        f.MembershipFactory(cohort=group.cohort, user=member, role=Role.FELLOW)
    db.session.commit()
    for n in range(8):
        add_item(facilitator, first, f"Task {n}", group.users["fellow"].id)
        facilitator.post(f"/meetings/{first.id}/decisions", data={"text": f"Decision {n}"})
    with count_queries() as many:
        page = facilitator.get(f"/events/{second.id}")
    assert (
        page.status_code == 200 and sum(rows(page.get_data(as_text=True), f"Task {n}") for n in range(8)) == 8
    )
    assert many.count == few.count


def test_erasure_scrubs_the_name_from_the_minutes(group: World, client_as: Any) -> None:
    event = meeting(group, 8)
    facilitator = client_as("facilitator")
    fellow = group.users["fellow"]
    add_item(facilitator, event, "Fiona Fellow calls the bank", fellow.id)
    facilitator.post(f"/meetings/{event.id}/decisions", data={"text": "Fiona Fellow chairs."})
    exported = client_as("fellow").get("/profile/data").get_json()
    assert exported["working_groups"] == [
        {"action_item": "Fiona Fellow calls the bank", "due_on": None, "status": "open"}
    ]
    response = client_as("admin").post(f"/admin/users/{fellow.id}/erase", data={"confirm": fellow.email})
    assert response.status_code == 302
    texts = [db.session.scalar(sa.select(ActionItem.what)), db.session.scalar(sa.select(Decision.text))]
    assert all("Fiona" not in text and "Erased person" in text for text in texts), texts


def test_the_summary_goes_to_every_member_once_in_their_language(group: World, client_as: Any) -> None:
    """After meeting 2: its decision and action item, the item still open from meeting 1 and meeting 3 with
    its calendar file, to every member and the staff, each in their own language; pressing again sends
    nothing."""
    from fellowship.core.mail import OutboxMessage

    first, second, third = (meeting(group, day) for day in (1, 8, 15))
    facilitator = client_as("facilitator")
    add_item(facilitator, first, "Book the hall", group.users["fellow"].id, "2024-02-05")
    add_item(facilitator, second, "Write the pitch", group.users["fellow"].id, "2024-02-12")
    facilitator.post(f"/meetings/{second.id}/decisions", data={"text": "Meet monthly."})
    group.users["fellow"].locale = "es"
    db.session.commit()
    assert client_as("fellow").post(f"/meetings/{second.id}/summary").status_code == 403
    page = facilitator.get(f"/meetings/{second.id}/minutes").get_data(as_text=True)
    assert "Email the summary" in page and third.title in page
    response = facilitator.post(f"/meetings/{second.id}/summary", follow_redirects=True)
    assert response.status_code == 200
    messages = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.kind == "group_summary")).all()
    recipients = sorted(m.recipient for m in messages)
    second_member = db.session.scalar(sa.select(User.email).where(User.name == "Gal Second"))
    staff_and_members = [group.users[r].email for r in ("fellow", "observer", "facilitator")] + [
        second_member
    ]
    assert recipients == sorted(staff_and_members)
    assert "The summary went to 4 members." in response.get_data(as_text=True)
    spanish = next(m for m in messages if m.recipient == group.users["fellow"].email)
    assert spanish.locale == "es" and spanish.subject.startswith("Resumen")
    assert "Meet monthly." in spanish.body_text and "Write the pitch" in spanish.body_text
    assert "Book the hall" in spanish.body_text and third.title in spanish.body_text
    assert [a["filename"] for a in spanish.attachments] == ["invite.ics"]
    assert "Meeting of 15 February" in spanish.attachments[0]["content"]
    again = facilitator.post(f"/meetings/{second.id}/summary", follow_redirects=True)
    assert "nothing was sent again" in again.get_data(as_text=True)
    assert (
        db.session.scalar(
            sa.select(sa.func.count(OutboxMessage.id)).where(OutboxMessage.kind == "group_summary")
        )
        == 4
    )


def test_subgroups_group_members_and_action_items(group: World, client_as: Any) -> None:
    from fellowship.groups.models import Subgroup, SubgroupMember

    facilitator, fellow = client_as("facilitator"), client_as("fellow")
    fellow_id, outsider_id = group.users["fellow"].id, group.users["other_fellow"].id
    cohort_page = f"/cohorts/{group.cohort.id}"
    assert "No subgroups yet." in fellow.get(cohort_page).get_data(as_text=True)
    url = f"/cohorts/{group.cohort.id}/subgroups"
    assert fellow.post(url, data={"name": "Research", "members": [fellow_id]}).status_code == 403
    assert client_as("other_fellow").get(url).status_code == 404
    refused = facilitator.post(url, data={"name": "Research", "members": [outsider_id]})
    assert refused.status_code == 400 and "is not a valid choice" in refused.get_data(as_text=True)
    assert facilitator.post(url, data={"name": "Research", "members": [fellow_id]}).status_code == 302
    twice = facilitator.post(url, data={"name": "Research", "members": []})
    assert twice.status_code == 400
    assert "The group already has a subgroup of that name." in twice.get_data(as_text=True)
    research = db.session.scalar(sa.select(Subgroup))
    assert db.session.scalars(sa.select(SubgroupMember.user_id)).all() == [fellow_id]
    shown = fellow.get(cohort_page).get_data(as_text=True)
    assert "<bdi>Research</bdi></strong>: <bdi>Fiona Fellow</bdi>" in shown
    # Renamed, and its members changed, by the staff only.
    edit = f"/subgroups/{research.id}"
    assert fellow.get(edit).status_code == 403
    assert facilitator.post(edit, data={"name": "Research and data", "members": []}).status_code == 302
    db.session.refresh(research)
    assert research.name == "Research and data"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SubgroupMember)) == 0
    # An action item for the subgroup shows its name; another group's subgroup is refused.
    event = meeting(group, 8)
    response = facilitator.post(
        f"/meetings/{event.id}/action-items", data={"what": "Collect wage data", "subgroup_id": research.id}
    )
    assert response.status_code == 302
    assert '<span class="tag"><bdi>Research and data</bdi></span>' in panel(fellow, event)
    other = Subgroup(cohort_id=group.other_cohort.id, name="Theirs", created_at=research.created_at)
    db.session.add(other)
    db.session.commit()
    wrong = facilitator.post(
        f"/meetings/{event.id}/action-items", data={"what": "Not ours", "subgroup_id": other.id}
    )
    assert wrong.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count(ActionItem.id))) == 1


def test_the_common_agenda_keeps_every_version_and_shows_what_changed(group: World, client_as: Any) -> None:
    from fellowship.groups.models import AgendaVersion

    facilitator, fellow = client_as("facilitator"), client_as("fellow")
    page = f"/cohorts/{group.cohort.id}/common-agenda"
    edit = f"{page}/edit"
    assert "has not written its common agenda yet" in fellow.get(page).get_data(as_text=True)
    assert fellow.get(edit).status_code == 403
    assert client_as("other_fellow").get(page).status_code == 404
    event = meeting(group, 8)
    first = {"base": "0", "vision": "Fair pay for every cleaner.", "pitch": "We change how the city buys."}
    assert facilitator.post(edit, data={**first, "event_id": event.id}).status_code == 302
    second = {**first, "base": "1", "vision": "Fair pay and a voice for every cleaner."}
    assert facilitator.post(edit, data=second).status_code == 302
    shown = fellow.get(page).get_data(as_text=True)
    assert "Fair pay and a voice for every cleaner." in shown and "Version 2" in shown
    diff = fellow.get(f"{page}/versions/2").get_data(as_text=True)
    assert "Fair pay<ins> and a voice</ins> for every cleaner." in diff
    assert "Fair pay" in diff and "Changes since version 1" in diff
    # Saving from an old version is refused, and the text typed comes back.
    stale = facilitator.post(edit, data={**first, "vision": "Mine, from version 1."})
    assert stale.status_code == 409 and "Mine, from version 1." in stale.get_data(as_text=True)
    assert "Someone saved version 2" in stale.get_data(as_text=True)
    # Saving with nothing changed makes no version.
    assert facilitator.post(edit, data={**second, "base": "2"}).status_code == 302
    versions = db.session.scalars(sa.select(AgendaVersion).order_by(AgendaVersion.number)).all()
    assert [(v.number, v.event_id) for v in versions] == [(1, event.id), (2, None)]
    assert versions[1].sections["vision"] == "Fair pay and a voice for every cleaner."
    assert fellow.get(f"{page}/versions/3").status_code == 404


def test_a_summary_nobody_takes_says_so(group: World, client_as: Any) -> None:
    event = meeting(group, 8)
    db.session.execute(sa.update(User).values(email_notifications=False))
    db.session.commit()
    response = client_as("facilitator").post(f"/meetings/{event.id}/summary", follow_redirects=True)
    assert "Nobody in the group takes notification emails: nothing was sent." in response.get_data(
        as_text=True
    )


def test_a_meetings_attendance_counts_members(group: World, client_as: Any) -> None:
    """Attendance works for a meeting as for any event, in the group's words: members, not fellows."""
    from fellowship.attendance import services as attendance

    event = meeting(group, 8)
    attendance.mark_all_present(event, group.users["facilitator"].id)
    db.session.commit()
    facilitator = client_as("facilitator")
    page = facilitator.get(f"/events/{event.id}").get_data(as_text=True)
    assert '<li id="fellows-figure">2 of 2 members attended</li>' in page
    report = facilitator.get(f"/cohorts/{group.cohort.id}/attendance").get_data(as_text=True)
    assert '<th scope="col">Members</th>' in report and ">Fellows<" not in report
