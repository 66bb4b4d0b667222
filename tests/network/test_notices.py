"""The "is this still true?" emails of `flask fellowship dispatch`, and the archiving of stale entries."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import sqlalchemy as sa

from fellowship.core.notifications import Notification
from fellowship.extensions import db
from fellowship.network import notices, services
from fellowship.network.enums import EntryKind
from fellowship.network.models import Entry
from tests import factories as f
from tests.mailbox import link_path, messages

CONFIRM = "fellowship.network.confirm"
START = dt.datetime(2024, 1, 18, 18, 0, tzinfo=dt.UTC)  # the clock fixture's moment
DUE = dt.datetime(2024, 7, 18, 18, 1, tzinfo=dt.UTC)  # six months and a minute later


@pytest.fixture(autouse=True)
def person_in_a_cohort(person: Any) -> None:
    """The network is for members of cohorts (``access.may_use``): so are the people it emails."""
    f.MembershipFactory(user=person)


def fellow(**values: Any) -> Any:
    return f.MembershipFactory(user=f.UserFactory(**values)).user


def still_true(to: str | None = None) -> list[Any]:
    return messages(notices.MAIL_KIND, to)


def kinds(entry: Entry) -> list[tuple[str, str]]:
    rows = db.session.execute(
        sa.select(Notification.recipient, Notification.kind)
        .where(Notification.subject_type == "network_entries", Notification.subject_id == entry.id)
        .order_by(Notification.id)
    )
    return [(recipient, kind) for recipient, kind in rows]


def dispatch() -> int:
    sent = notices.dispatch_reminders()
    db.session.commit()
    return sent


def test_reminds_once_per_period_and_again_after_a_confirmation(clock: Any, org: Any) -> None:
    member = fellow(organization=org, name="Ana")
    offer = services.save_entry(
        Entry(organization_id=org.id), member.id, kind="offer", category="business", title="Bookkeeping"
    )
    db.session.commit()
    clock.set_time(DUE - dt.timedelta(minutes=2))
    assert dispatch() == 0
    clock.set_time(DUE)
    assert (dispatch(), dispatch()) == (1, 0)
    [message] = still_true()
    assert (message.recipient, message.subject) == (member.email, "Is this still true? Bookkeeping")
    assert "Offer: Bookkeeping" in message.body_text
    assert "This entry of Riverside Co-op in the co-op network was last confirmed on January 18, 2024" in (
        message.body_text
    )
    assert "Unless it is confirmed by August 18, 2024, it will no longer show in searches." in (
        message.body_text
    )
    assert message.headers["List-Unsubscribe"]
    clock.set_time(DUE + dt.timedelta(days=3))
    services.confirm(offer, member.id)
    db.session.commit()
    assert dispatch() == 0
    clock.set_time(DUE + dt.timedelta(days=3 + 185))  # six months and a day after the confirmation
    assert (dispatch(), dispatch()) == (1, 0)
    assert kinds(offer) == [
        (member.email, "still_true:2024-01-18"),
        (member.email, "still_true:2024-07-21"),
    ]
    assert len(still_true()) == 2


def test_an_organisations_entry_asks_who_last_vouched_for_it_else_every_active_member(
    clock: Any, org: Any
) -> None:
    first, second = fellow(organization=org), fellow(organization=org)
    fellow(organization=org, active=False)
    fellow(organization=org, erased_at=START)
    f.UserFactory(organization=org)  # in no cohort: the network's pages are not for them
    admin = f.UserFactory(organization=None, is_admin=True)
    entry = services.save_entry(
        Entry(organization_id=org.id), admin.id, kind="need", category="space", title="A room"
    )
    db.session.commit()
    assert notices.recipients(entry) == [first, second]  # an administrator saved it: every member is asked
    services.confirm(entry, second.id)
    assert notices.recipients(entry) == [second]
    second.organization = None  # left the organisation
    assert notices.recipients(entry) == [first]
    second.organization, second.active = org, False
    assert notices.recipients(entry) == [first]


def test_a_person_is_asked_in_their_language(clock: Any, person: Any, entry: Any) -> None:
    person.locale = "es"
    entry("Mentoría", user=person, published=True, kind=EntryKind.OFFER)
    clock.set_time(DUE)
    assert dispatch() == 1
    [message] = still_true(person.email)
    assert message.locale == "es"
    assert "Hola, Rosa Luxemburg:" in message.body_text
    assert "Oferta: Mentoría" in message.body_text
    assert "18 de enero de 2024" in message.body_text
    assert link_path(message, "/confirm").endswith("/confirm")


def test_nobody_is_asked_about_unpublished_hidden_or_archived_entries(
    clock: Any, person: Any, entry: Any, org: Any
) -> None:
    fellow(organization=org)
    entry("Unpublished", user=person)
    hidden = entry("Hidden")
    archived = entry("Archived")
    services.hide(hidden, "Spam", f.UserFactory(is_admin=True).id)
    archived.archived_at = START
    db.session.commit()
    clock.set_time(DUE)
    assert dispatch() == 0
    assert still_true() == []
    assert db.session.scalar(sa.select(sa.func.count(Notification.id))) == 0


def test_inactive_people_and_those_who_turned_emails_off_are_not_emailed(
    clock: Any, person: Any, entry: Any
) -> None:
    quiet = fellow(organization=None, email_notifications=False)
    gone = fellow(organization=None, active=False)
    mine = entry("Quiet", user=quiet, published=True)
    entry("Gone", user=gone, published=True)
    entry("Rosa's", user=person, published=True)
    clock.set_time(DUE)
    assert dispatch() == 1
    assert [m.recipient for m in still_true()] == [person.email]
    assert kinds(mine) == [("", "still_true:2024-01-18")]  # nobody to ask this period
    assert list(db.session.scalars(notices.due(DUE, 6))) == []  # so no entry is read again
    quiet.email_notifications = True
    db.session.commit()
    assert dispatch() == 0  # the period was marked; the next one reminds them


def test_a_late_reminder_says_the_entry_has_left_search(clock: Any, person: Any, entry: Any) -> None:
    entry("Old", user=person, published=True)
    clock.set_time(DUE + dt.timedelta(days=40))
    assert dispatch() == 1
    [message] = still_true()
    assert "It no longer shows in searches; once confirmed, it shows again." in message.body_text


def test_dispatch_command_reports_reminders_and_archived_entries(
    app: Any, clock: Any, person: Any, entry: Any
) -> None:
    old = entry("Old", user=person, published=True)
    runner = app.test_cli_runner()
    clock.set_time(DUE)
    output = runner.invoke(args=["fellowship", "dispatch"]).output
    assert "network archive: 0\nnetwork exchanges: 0\nnetwork mentoring: 0\nnetwork reminders: 1\n" in output
    clock.set_time(dt.datetime(2025, 2, 18, 18, 1, tzinfo=dt.UTC))  # 2 × 6 + 1 months after
    output = runner.invoke(args=["fellowship", "dispatch"]).output
    assert "network archive: 1\nnetwork exchanges: 0\nnetwork mentoring: 0\nnetwork reminders: 0\n" in output
    db.session.refresh(old)
    assert old.archived_at is not None


def test_the_link_opens_the_confirmation_page(app: Any, clock: Any, person: Any, entry: Any) -> None:
    made = entry("Mine", user=person, published=True)
    clock.set_time(DUE)
    assert dispatch() == 1
    [message] = still_true()
    path = link_path(message, "/")
    with app.test_request_context():
        from flask import url_for

        assert path == url_for(CONFIRM, entry_id=made.id)
    client = app.test_client()
    client.login_as(person)
    before = made.confirmed_at
    assert client.get(path).status_code == 200
    db.session.refresh(made)
    assert made.confirmed_at == before  # opening the link (as a mail scanner does) confirms nothing
