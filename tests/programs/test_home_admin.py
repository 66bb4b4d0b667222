"""The administrators' home block: programs, undeliverable mail, pending account invitations."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from fellowship.accounts import services as accounts
from fellowship.core import clock, home, mail
from fellowship.extensions import db
from fellowship.programs.views import _admin_block
from tests import factories as f
from tests.conftest import World

DAYS = dt.timedelta(days=14)


def block_html(body: str) -> str:
    match = re.search(
        r'<section class="panel home-block" data-block="site-admin">(.*?)</section>', body, re.S
    )
    assert match is not None, "no site-admin block"
    return match.group(1)


def fill(world: World, size: int) -> None:
    """``size`` programs of two cohorts, ``size`` undeliverable messages, ``size`` pending invitations in as
    many cohorts, and one of each that must not count."""
    admin = world.users["admin"]
    for n in range(size):
        cohort = f.CohortFactory(name=f"Invited cohort {size}-{n}")
        f.CohortFactory(program=cohort.program)
        accounts.invite(f.UserFactory(), DAYS, admin, cohort.id, "fellow")
        message = mail.queue("invitation", f"gone{size}-{n}@example.org", "Welcome", "Hello")
        message.status = mail.MailStatus.FAILED
    mail.queue("invitation", f"waiting{size}@example.org", "Welcome", "Hello")  # pending, not undeliverable
    expired, _token = accounts.invite(f.UserFactory(), dt.timedelta(seconds=-1), admin, world.cohort.id)
    revoked, _token = accounts.invite(f.UserFactory(), DAYS, admin, world.cohort.id)
    accounts.revoke_invite(revoked)
    db.session.commit()


def test_admin_block_shows_programs_mail_and_invitations(world: World, client_as: Any) -> None:
    fill(world, 2)
    accounts.invite(f.UserFactory(), DAYS, world.users["admin"])  # from a person's page: no cohort
    db.session.commit()
    block = block_html(client_as("admin").get("/").get_data(as_text=True))
    program = world.program
    # Isolated, so a Hebrew or Arabic name does not pull the cohort count into its own direction.
    assert f'<a href="/programs/{program.id}"><bdi>{program.name}</bdi></a>' in block
    assert re.findall(r"(\d+ cohorts?)</span>", block).count("1 cohort") == 2  # the world's two programs
    assert re.findall(r"(\d+ cohorts?)</span>", block).count("2 cohorts") == 2
    assert '<a href="/admin/outbox?status=failed">2 emails could not be delivered</a>' in block
    assert "3 account invitations are waiting to be accepted." in block
    assert "1 of them was sent from a person's page, for no cohort." in block
    invited = re.findall(
        r'<a href="/cohorts/(\d+)/invitations">([^<]+)</a>\s*<span class="muted">(\d+) pending', block
    )
    assert sorted((name, count) for _id, name, count in invited) == [
        ("Invited cohort 2-0", "1"),
        ("Invited cohort 2-1", "1"),
    ]
    assert '<a class="button" href="/programs/new">Create a program</a>' in block


def test_admin_block_is_for_admins_only(world: World, client_as: Any) -> None:
    fill(world, 2)
    for role in ("facilitator", "fellow", "observer", "juror"):
        assert 'data-block="site-admin"' not in client_as(role).get("/").get_data(as_text=True)


def test_admin_block_without_anything_waiting(world: World, client_as: Any) -> None:
    block = block_html(client_as("admin").get("/").get_data(as_text=True))
    assert "No undeliverable email." in block
    assert '<a href="/admin/outbox">Outbox</a>' in block
    assert "No account invitation is waiting to be accepted." in block
    assert "/invitations" not in block


def test_admin_block_queries_do_not_grow(world: World, client_as: Any, count_queries: Any, app: Any) -> None:
    client = client_as("admin")
    page_counts, block_counts = [], []
    for size in (2, 20):
        fill(world, size)
        with count_queries() as counter:
            response = client.get("/")
        assert response.status_code == 200
        page_counts.append(counter.count)
        viewer = home.Viewer(world.users["admin"], True, {}, clock.now(), clock.today())
        with app.test_request_context(), count_queries() as counter:
            data = _admin_block(viewer)
        assert data is not None
        block_counts.append(counter.count)
    assert block_counts == [3, 3]
    assert page_counts[0] == page_counts[1]


def test_admin_block_costs_nothing_for_others(world: World, count_queries: Any, app: Any) -> None:
    viewer = home.Viewer(world.users["facilitator"], False, {}, clock.now(), clock.today())
    with app.test_request_context(), count_queries() as counter:
        assert _admin_block(viewer) is None
    assert counter.count == 0


def test_outbox_shows_only_the_undeliverable_messages_when_asked(world: World, client_as: Any) -> None:
    fill(world, 2)
    client = client_as("admin")
    everything = client.get("/admin/outbox").get_data(as_text=True)
    failed = client.get("/admin/outbox?status=failed").get_data(as_text=True)
    assert everything.count("<td>Could not be delivered</td>") == 2
    assert everything.count("<td>Waiting to be sent</td>") == 1
    assert failed.count("<td>Could not be delivered</td>") == 2
    assert "<td>Waiting to be sent</td>" not in failed
    assert 'id="outbox-filter"' in failed
    sent = client.get("/admin/outbox?status=sent").get_data(as_text=True)
    assert "Showing only the messages with status Handed to the mail server." in sent
