"""Asking for help in the co-op network, and the exchanges requests become (seed 004's people exchange):
contact details only once the offer's side accepts, blocks and a per-person limit, both sides marking an
exchange done, notices sent once each by `dispatch`, and the hours counted once in the program's report."""

from __future__ import annotations

import csv as csvlib
import datetime as dt
import io
from typing import Any

import pytest
import sqlalchemy as sa

from fellowship.accounts.enums import OrganizationKind
from fellowship.extensions import db
from fellowship.impact import services as impact_services
from fellowship.network import notices, services
from fellowship.network.enums import Category, EntryKind, ExchangeStatus
from fellowship.network.models import Entry, Exchange, NetworkProfile
from tests import factories as f
from tests.conftest import World
from tests.mailbox import messages

HELPER_EMAIL = "olga@helpers.example.org"


@pytest.fixture
def offer(world: World) -> Entry:
    """Olga (a fellow of another program) offers bookkeeping help in her own name, published."""
    olga = world.users["other_fellow"]
    olga.email = HELPER_EMAIL
    made = services.save_entry(
        Entry(user_id=olga.id),
        olga.id,
        kind=EntryKind.OFFER,
        category=Category.BUSINESS,
        title="Bookkeeping help",
        published=True,
    )
    db.session.commit()
    return made


def ask(client: Any, entry: Entry, message: str = "We need our books set up by March.") -> Any:
    return client.post(f"/network/entries/{entry.id}/ask", data={"message": message})


def accept(client: Any, exchange: Exchange, **data: str) -> Any:
    fields = {
        "agreed_help": "Two sessions on the chart of accounts.",
        "expectations": "Fiona brings last year's receipts.",
        "due_on": "2024-02-15",
        "payment": "in_kind",
        "answer": "Happy to help.",
    }
    fields.update(data)
    return client.post(f"/network/exchanges/{exchange.id}/accept", data=fields)


def dispatch() -> int:
    sent = notices.dispatch_exchanges()
    db.session.commit()
    return sent


def report_rows(world: World, client: Any) -> dict[str, str]:
    period = impact_services.open_period(
        world.program, "January 2024", dt.date(2024, 1, 1), dt.date(2024, 1, 31), None
    )
    db.session.commit()
    exported = client.get(f"/reports/{period.id}/export.csv")
    assert exported.status_code == 200
    return {row[1]: row[2] for row in csvlib.reader(io.StringIO(exported.get_data(as_text=True)))}


def test_a_fellow_asks_the_other_side_accepts_and_both_mark_it_done(
    world: World, client_as: Any, offer: Entry
) -> None:
    fellow, helper = client_as("fellow"), client_as("other_fellow")
    fiona = world.users["fellow"]
    page = fellow.get(f"/network/entries/{offer.id}").get_data(as_text=True)
    assert f'href="/network/entries/{offer.id}/ask"' in page
    response = ask(fellow, offer)
    assert response.status_code == 302
    exchange = db.session.scalar(sa.select(Exchange))
    assert (
        exchange.status is ExchangeStatus.REQUESTED
        and exchange.asker_organization_id == fiona.organization_id
    )
    # Asked: neither side sees the other's address, on any page or in the notice.
    for client, hidden in ((fellow, HELPER_EMAIL), (helper, fiona.email)):
        for url in (f"/network/exchanges/{exchange.id}", "/network/exchanges", "/", "/profile/data"):
            assert hidden not in client.get(url).get_data(as_text=True), url
    assert dispatch() == 1 and dispatch() == 0  # once
    [notice] = messages(notices.EXCHANGE_MAIL_KIND, HELPER_EMAIL)
    assert "Fiona Fellow asks your side for help" in notice.body_text and fiona.email not in notice.body_text
    # The helper reaches it from home, and accepts with the agreement.
    home = helper.get("/").get_data(as_text=True)
    assert f'href="/network/exchanges/{exchange.id}"' in home
    assert accept(helper, exchange).status_code == 302
    db.session.refresh(exchange)
    assert exchange.status is ExchangeStatus.AGREED and exchange.helper_id == world.users["other_fellow"].id
    for client in (fellow, helper):
        page = client.get(f"/network/exchanges/{exchange.id}").get_data(as_text=True)
        assert (
            HELPER_EMAIL in page and fiona.email in page and "Two sessions on the chart of accounts." in page
        )
    assert dispatch() == 1
    [answered] = messages(notices.EXCHANGE_MAIL_KIND, fiona.email)
    assert (
        "Your request for help was accepted" in answered.body_text and HELPER_EMAIL not in answered.body_text
    )
    # Both mark it done; the helper says how long it took.
    assert fellow.post(f"/network/exchanges/{exchange.id}/done", data={}).status_code == 302
    db.session.refresh(exchange)
    assert exchange.status is ExchangeStatus.AGREED and exchange.asker_done_at is not None
    assert dispatch() == 1  # the helper is asked to confirm
    refused = helper.post(f"/network/exchanges/{exchange.id}/done", data={})
    assert refused.status_code == 400 and "Say how many hours the help took" in refused.get_data(as_text=True)
    assert helper.post(f"/network/exchanges/{exchange.id}/done", data={"hours": "3"}).status_code == 302
    db.session.refresh(exchange)
    assert (exchange.status, exchange.hours, exchange.completed_on) == (
        ExchangeStatus.DONE,
        3.0,
        dt.date(2024, 1, 18),
    )
    # The public directory (and its Open Graph tags) never names people or their addresses.
    directory = client_as("anonymous").get("/network/directory").get_data(as_text=True)
    assert HELPER_EMAIL not in directory and fiona.email not in directory and "og:description" in directory
    # Counted once, as help between peers: not technical assistance the program gave.
    figures = report_rows(world, client_as("admin"))
    assert figures["Peer exchanges (co-op network)"] == "1; hours: 3"
    assert figures["One-on-one TA sessions"] == "0" and figures["Collaboration with other TA providers"] == ""


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"agreed_help": ""}, "Say what help was agreed."),
        ({"payment": "gold"}, "Not a valid choice."),
        ({"due_on": "soon"}, "Not a valid date value."),
        ({"answer": "x" * 1001}, "1000"),
    ],
)
def test_a_bad_acceptance_is_refused_and_the_request_waits(
    world: World, client_as: Any, offer: Entry, data: dict[str, str], message: str
) -> None:
    ask(client_as("fellow"), offer)
    exchange = db.session.scalar(sa.select(Exchange))
    response = accept(client_as("other_fellow"), exchange, **data)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    db.session.refresh(exchange)
    assert exchange.status is ExchangeStatus.REQUESTED
    assert world.users["fellow"].email not in response.get_data(as_text=True)


def test_who_may_see_and_answer_an_exchange(world: World, client_as: Any, offer: Entry) -> None:
    ask(client_as("fellow"), offer)
    exchange = db.session.scalar(sa.select(Exchange))
    url = f"/network/exchanges/{exchange.id}"
    assert client_as("observer").get(url).status_code == 404  # in a cohort, but neither side
    assert client_as("admin").get(url).status_code == 200  # administrators moderate
    moderation = client_as("admin").get(f"/network/entries/{offer.id}").get_data(as_text=True)
    assert f'href="{url}"' in moderation  # the offer's requests, listed for administrators only
    assert f'href="{url}"' not in client_as("other_fellow").get(f"/network/entries/{offer.id}").get_data(
        as_text=True
    )
    fellow = client_as("fellow")
    assert accept(fellow, exchange).status_code == 403  # the asker cannot accept their own request
    assert fellow.post(f"{url}/block").status_code == 403
    assert client_as("other_fellow").post(f"{url}/withdraw").status_code == 403
    # One's own offer cannot be asked.
    own = client_as("other_fellow").get(f"/network/entries/{offer.id}").get_data(as_text=True)
    assert f"/network/entries/{offer.id}/ask" not in own
    refused = ask(client_as("other_fellow"), offer)
    assert refused.status_code == 400 and "This is your own offer." in refused.get_data(as_text=True)
    # Asking twice while the first request waits is refused; withdrawing frees it.
    again = ask(fellow, offer)
    assert again.status_code == 400 and "You already asked for this help" in again.get_data(as_text=True)
    assert fellow.post(f"{url}/withdraw").status_code == 302
    assert ask(fellow, offer).status_code == 302
    # A need cannot be asked for help.
    need = services.save_entry(
        Entry(user_id=world.users["other_fellow"].id),
        None,
        kind=EntryKind.NEED,
        category=Category.BUSINESS,
        title="A need",
        published=True,
    )
    db.session.commit()
    assert fellow.get(f"/network/entries/{need.id}/ask").status_code == 404


def test_declining_and_blocking(world: World, client_as: Any, offer: Entry) -> None:
    fellow, helper = client_as("fellow"), client_as("other_fellow")
    ask(fellow, offer)
    first = db.session.scalar(sa.select(Exchange))
    declined = helper.post(f"/network/exchanges/{first.id}/decline", data={"decline-answer": "Fully booked."})
    assert declined.status_code == 302
    page = fellow.get(f"/network/exchanges/{first.id}").get_data(as_text=True)
    assert "Fully booked." in page and HELPER_EMAIL not in page
    ask(fellow, offer)
    second = db.session.scalar(sa.select(Exchange).order_by(Exchange.id.desc()))
    assert helper.post(f"/network/exchanges/{second.id}/block").status_code == 302
    db.session.refresh(second)
    assert second.status is ExchangeStatus.DECLINED
    refused = ask(fellow, offer)
    assert refused.status_code == 400
    assert "This offer does not take requests from you." in refused.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Exchange.id))) == 2
    listed = helper.get("/network/exchanges").get_data(as_text=True)
    assert "Fiona Fellow" in listed and "Unblock" in listed
    block_id = db.session.scalar(sa.text("SELECT id FROM network_blocks"))
    assert fellow.post(f"/network/blocks/{block_id}/remove").status_code == 404  # not the blocker's side
    assert helper.post(f"/network/blocks/{block_id}/remove").status_code == 302
    assert ask(fellow, offer).status_code == 302


def test_requests_are_limited_per_person(
    app: Any, world: World, client_as: Any, offer: Entry, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "FELLOWSHIP_RATELIMIT_HELP_REQUEST", "2 per day")
    fellow = client_as("fellow")
    offers = [offer] + [
        services.save_entry(
            Entry(user_id=world.users["other_fellow"].id),
            None,
            kind=EntryKind.OFFER,
            category=Category.TECH,
            title=f"Offer {n}",
            published=True,
        )
        for n in range(2)
    ]
    db.session.commit()
    assert ask(fellow, offers[0], "").status_code == 400  # refused input does not count
    assert [ask(fellow, entry).status_code for entry in offers] == [302, 302, 429]
    assert db.session.scalar(sa.select(sa.func.count(Exchange.id))) == 2
    assert ask(client_as("observer"), offers[2]).status_code == 302  # another person has their own limit


def test_an_exchange_given_by_the_programs_staff_is_technical_assistance(
    world: World, client_as: Any
) -> None:
    """Fatima facilitates the program: her help to Fiona's co-op counts as a one-on-one session at the
    existing co-op stage, not as a peer exchange."""
    fatima = world.users["facilitator"]
    staff_offer = services.save_entry(
        Entry(user_id=fatima.id),
        fatima.id,
        kind=EntryKind.OFFER,
        category=Category.BUSINESS,
        title="Governance coaching",
        published=True,
    )
    db.session.commit()
    fellow, facilitator = client_as("fellow"), client_as("facilitator")
    ask(fellow, staff_offer)
    exchange = db.session.scalar(sa.select(Exchange))
    accept(facilitator, exchange)
    facilitator.post(f"/network/exchanges/{exchange.id}/done", data={"hours": "2"})
    fellow.post(f"/network/exchanges/{exchange.id}/done")
    log_page = client_as("facilitator").get(f"/programs/{world.program.id}/assistance").get_data(as_text=True)
    assert 'id="network-exchanges"' in log_page and "Northside Co-op" in log_page  # not to be logged twice
    figures = report_rows(world, client_as("admin"))
    assert figures["One-on-one TA sessions"] == "1"
    assert figures["Hours of support: Existing co-op"] == "2"
    assert figures["Peer exchanges (co-op network)"] == "0; hours: 0"


def test_exchanges_with_a_ta_provider_fill_the_collaboration_row(world: World, client_as: Any) -> None:
    """An organisation's offer, answered by one of its members: a co-op developer, and one that says in its
    settings that it gives TA, both count as other TA providers; a plain co-op does not."""
    fellow = client_as("fellow")
    for name, kind, says in (
        ("Developers United", OrganizationKind.DEVELOPER, False),
        ("Books Collective", OrganizationKind.COOP, True),
        ("Plain Co-op", OrganizationKind.COOP, False),
    ):
        organization = f.OrganizationFactory(name=name, kind=kind)
        member = f.MembershipFactory(user=f.UserFactory(organization=organization)).user
        db.session.add(NetworkProfile(organization_id=organization.id, ta_provider=says))
        entry = services.save_entry(
            Entry(organization_id=organization.id),
            member.id,
            kind=EntryKind.OFFER,
            category=Category.BUSINESS,
            title=f"Help from {name}",
        )
        db.session.commit()
        assert ask(fellow, entry).status_code == 302
        exchange = db.session.scalar(sa.select(Exchange).where(Exchange.entry_id == entry.id))
        services.accept(exchange, member, "Help.", "", None, "in_kind")
        services.mark_done(exchange, member, 1.5)
        services.mark_done(exchange, world.users["fellow"], None)
        db.session.commit()
    figures = report_rows(world, client_as("admin"))
    assert figures["Peer exchanges (co-op network)"] == "3; hours: 4.5"
    assert (
        figures["Collaboration with other TA providers"]
        == "Books Collective; Developers United (2; hours: 3)"
    )


def test_export_and_erasure(world: World, client_as: Any, offer: Entry) -> None:
    fellow = client_as("fellow")
    ask(fellow, offer, "Fiona Fellow needs help with payroll.")
    exchange = db.session.scalar(sa.select(Exchange))
    accept(client_as("other_fellow"), exchange, agreed_help="Payroll with Fiona Fellow.")
    exported = fellow.get("/profile/data").get_json()["network"]
    assert exported == [
        {
            "exchange": "Bookkeeping help",
            "asked": True,
            "status": "agreed",
            "asked_at": "2024-01-18T18:00:00+00:00",
            "message": "Fiona Fellow needs help with payroll.",
            "answer": "Happy to help.",
            "agreed_help": "Payroll with Fiona Fellow.",
            "expectations": "Fiona brings last year's receipts.",
            "hours": None,
        }
    ]
    fiona = world.users["fellow"]
    response = client_as("admin").post(f"/admin/users/{fiona.id}/erase", data={"confirm": fiona.email})
    assert response.status_code == 302
    db.session.refresh(exchange)
    assert (
        exchange.message == ""
        and "Fiona" not in exchange.agreed_help
        and exchange.status is ExchangeStatus.AGREED
    )


@pytest.mark.postgres
def test_two_members_answering_at_once_answer_once(app: Any, world: World) -> None:
    """Two members of the offering organisation accept the same request at the same moment: one agreement."""
    from fellowship.accounts.models import User
    from tests.concurrency import run_at_once

    organization = f.OrganizationFactory(name="Twin Co-op")
    first, second = (
        f.MembershipFactory(user=f.UserFactory(organization=organization)).user for _ in range(2)
    )
    entry = services.save_entry(
        Entry(organization_id=organization.id),
        first.id,
        kind=EntryKind.OFFER,
        category=Category.BUSINESS,
        title="Twin help",
    )
    exchange = services.ask(entry, world.users["fellow"], "Please.")
    db.session.commit()
    ids = (exchange.id, first.id, second.id)

    def answer_as(user_id: int) -> Any:
        def work() -> str:
            with app.test_request_context():
                found = db.session.get(Exchange, ids[0])
                services.accept(found, db.session.get(User, user_id), f"By {user_id}.", "", None, "in_kind")
                db.session.commit()
                return "accepted"

        return work

    results = run_at_once(app, [answer_as(ids[1]), answer_as(ids[2])])
    assert sorted(map(str, results)) == ["This request was already answered or withdrawn.", "accepted"]
    db.session.expire_all()
    assert db.session.get(Exchange, ids[0]).status is ExchangeStatus.AGREED
