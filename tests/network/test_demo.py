"""The network's demo: the bookkeeping need finds the bookkeepers' collective, in English and Spanish; two
fellows opted in; one entry went stale after its "is this still true?" email."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from fellowship.core.mail import MailStatus
from fellowship.core.notifications import Notification
from fellowship.extensions import db
from fellowship.network import notices, queries
from fellowship.network.demo import COLLECTIVE, STALE_OWNER
from fellowship.network.models import Entry, NetworkProfile
from fellowship.network.search import search
from fellowship.programs.models import Program
from tests.mailbox import messages


@pytest.fixture
def demo(app: Any) -> Any:
    result = app.test_cli_runner().invoke(args=["fellowship", "demo"])
    assert result.exit_code == 0, result.output
    return app


def owner(entry: Entry) -> str:
    return entry.organization.name if entry.organization is not None else entry.user.name


def test_the_bookkeeping_need_finds_the_collective_first(demo: Any) -> None:
    need = db.session.scalars(sa.select(Entry).where(Entry.title == "Someone to keep our books")).one()
    matches = db.session.scalars(queries.matches_for(need)).unique().all()
    assert owner(matches[0]) == COLLECTIVE
    assert "bookkeeping" in matches[0].skill_keys


def test_a_spanish_search_finds_the_collectives_offer(demo: Any) -> None:
    found = db.session.scalars(search("contabilidad")).unique().all()
    assert [entry.title for entry in found if owner(entry) == COLLECTIVE] == [
        "Contabilidad y teneduría de libros para cooperativas"
    ]
    assert "es" in found[0].languages


def test_two_fellows_published_their_own_entries(demo: Any) -> None:
    people = db.session.scalars(
        sa.select(Entry).where(Entry.user_id.is_not(None), Entry.published.is_(True)).order_by(Entry.id)
    ).all()
    assert [(entry.user.name, entry.kind.value) for entry in people] == [
        ("Benicio Ruiz", "offer"),
        ("Amara Okafor", "need"),
    ]
    assert all(entry.user.in_a_cohort for entry in people)
    matches = db.session.scalars(queries.matches_for(people[1])).unique().all()
    assert [entry.user.name for entry in matches if entry.user is not None] == ["Benicio Ruiz"]


def test_some_organisations_are_in_the_public_directory(demo: Any) -> None:
    listed = db.session.scalar(sa.select(sa.func.count()).where(NetworkProfile.in_public_directory.is_(True)))
    assert listed == 5


def test_one_stale_entry_was_asked_and_has_left_search(demo: Any) -> None:
    stale = db.session.scalars(sa.select(Entry).where(~queries.visible(), Entry.published.is_(True))).all()
    assert [owner(entry) for entry in stale] == [STALE_OWNER]
    [entry] = stale
    [reminder] = db.session.scalars(
        sa.select(Notification).where(
            Notification.subject_type == "network_entries", Notification.subject_id == entry.id
        )
    ).all()
    assert reminder.kind == notices.period_kind(entry)
    assert reminder.created_at > entry.confirmed_at
    [email] = messages(notices.MAIL_KIND)
    assert (email.recipient, email.status) == (reminder.recipient, MailStatus.SENT)
    assert "Garden tools to lend" in email.body_text
    # Dispatch asks nobody else: every other entry is fresh, and this one was asked in its period.
    with demo.test_request_context():
        assert notices.dispatch_reminders() == 0


def test_the_demo_still_loads_once(demo: Any) -> None:
    second = demo.test_cli_runner().invoke(args=["fellowship", "demo"])
    assert second.output == "Demo data already present; nothing changed.\n"
    # The fellowship, the academy, the founding track, the working group and the network's local groups.
    assert db.session.scalar(sa.select(sa.func.count(Program.id))) == 5
    assert db.session.scalar(sa.select(sa.func.count(Entry.id))) == 16


def test_the_demo_exchanges_count_in_the_february_draft_report(demo: Any, client: Any) -> None:
    """Two exchanges done in February 2024, one with a TA provider, on the fellowship's February draft;
    the open request waits on the Vistula participant's home page; dispatch has nothing old to send."""
    from fellowship.accounts.models import User
    from fellowship.impact import report
    from fellowship.impact.models import ReportingPeriod

    period = db.session.scalar(sa.select(ReportingPeriod).where(ReportingPeriod.label == "February 2024"))
    with demo.test_request_context():
        figures = report.figures(period)["assistance"]
    assert (figures["peer_exchanges"], figures["peer_exchange_hours"]) == (2, 7.5)
    assert figures["ta_providers"] == [COLLECTIVE]
    assert (figures["ta_provider_exchanges"], figures["ta_provider_exchange_hours"]) == (1, 6.0)
    # Only the open request is still to be told: to each of Vistula Logistics' three participants.
    assert notices.dispatch_exchanges() == 3
    agnieszka = db.session.scalar(sa.select(User).where(User.email == "agnieszka.nowak@example.pl"))
    client.login_as(agnieszka)
    home = client.get("/").get_data(as_text=True)
    assert "Sala konferencyjna w piątki" in home and "Celina Wójcik" in home
