"""The audience vote: requests, confirmations, limits, receipts, anomalies and what the outbox keeps."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from typing import Any

import pytest
import sqlalchemy as sa
from itsdangerous import URLSafeSerializer

from fellowship.awards import voting
from fellowship.awards.enums import Phase
from fellowship.awards.models import Contest, Vote, VoteRequest
from fellowship.core import mail
from fellowship.extensions import db
from tests.awards.conftest import add_project
from tests.conftest import World
from tests.mailbox import messages


@pytest.fixture
def open_contest(world: World, contest: Contest) -> Contest:
    for title in ("Alpha", "Beta", "Gamma"):
        add_project(contest, world, title)
    contest.phase = Phase.VOTING
    db.session.commit()
    return contest


def project_id(contest: Contest, title: str) -> int:
    from fellowship.awards.models import Project

    return db.session.scalar(
        sa.select(Project.id).where(Project.contest_id == contest.id, Project.title == title)
    )


def ask(client: Any, contest: Contest, title: str, email: str, **extra: str) -> Any:
    return client.post(
        f"/awards/{contest.slug}/projects/{project_id(contest, title)}/vote", data={"email": email, **extra}
    )


def token_from(message: Any) -> str:
    return re.search(r"/confirm/([A-Za-z0-9_.-]+)", message.body_text).group(1)


def confirm(client: Any, contest: Contest, token: str) -> Any:
    return client.post(f"/awards/{contest.slug}/confirm/{token}")


@pytest.mark.parametrize(
    ("address", "same_as"),
    [
        ("Ann.Lee+awards@Gmail.com", "annlee@gmail.com"),
        ("a.n.n.l.e.e@googlemail.com", "annlee@gmail.com"),
        ("Ann.Lee+x@Example.org", "ann.lee@example.org"),
    ],
)
def test_addresses_are_normalised_before_the_key_is_made(address: str, same_as: str) -> None:
    assert voting.normalise_email(address) == same_as
    assert voting.voter_key("k", address) == voting.voter_key("k", same_as)
    assert voting.voter_key("other", address) != voting.voter_key("k", address)


def test_a_vote_counts_once_confirmed_and_the_receipt_checks(
    world: World, app: Any, open_contest: Contest
) -> None:
    voter = app.test_client()
    assert (
        voter.get(
            f"/awards/{open_contest.slug}/projects/{project_id(open_contest, 'Alpha')}/vote"
        ).status_code
        == 200
    )
    response = ask(voter, open_contest, "Alpha", "Ann.Lee@example.org")
    assert response.status_code == 200 and "Check your inbox" in response.get_data(as_text=True)
    assert voting.tally(open_contest.id) == {}  # not before it is confirmed
    [message] = messages("vote_confirmation")
    token = token_from(message)
    contest_id, project, nonce = URLSafeSerializer(app.secret_key, salt="fellowship-vote").loads(token)
    assert (contest_id, project) == (open_contest.id, project_id(open_contest, "Alpha"))  # signed, no address
    assert db.session.scalar(sa.select(VoteRequest.token_hash)) == voting.digest(nonce)
    assert "ann" not in str(db.session.execute(sa.select(VoteRequest.__table__)).all()).lower()
    page = voter.get(f"/awards/{open_contest.slug}/confirm/{token}")
    assert page.status_code == 200 and voting.tally(open_contest.id) == {}  # opening the link changes nothing
    from fellowship.core.metrics import VOTE_CONFIRMATIONS

    confirmed_before = VOTE_CONFIRMATIONS._value.get()
    counted = confirm(voter, open_contest, token)
    body = counted.get_data(as_text=True)
    assert "Your vote is counted." in body
    assert VOTE_CONFIRMATIONS._value.get() == confirmed_before + 1  # the operator's /metrics counts it
    receipt = re.search(r'id="receipt"[^>]*><strong>([0-9A-F-]+)</strong>', body).group(1)
    assert voting.tally(open_contest.id) == {project_id(open_contest, "Alpha"): 1}
    again = confirm(voter, open_contest, token)
    assert again.status_code == 409 and "already been used" in again.get_data(as_text=True)
    assert VOTE_CONFIRMATIONS._value.get() == confirmed_before + 1
    open_contest.phase = Phase.CLOSED
    db.session.commit()
    check = voter.get(f"/awards/{open_contest.slug}/receipts?receipt={receipt}")
    assert "Counted, for Alpha." in check.get_data(as_text=True)
    assert voting.receipt_hash(receipt) in check.get_data(as_text=True)
    # The page says how each line is computed, and that rule gives the published line.
    expected = hashlib.sha256(receipt.replace("-", "").upper().encode()).hexdigest()
    assert f'<p id="receipt-hash">The SHA-256 of your code: <code dir="ltr">{expected}</code></p>' in (
        check.get_data(as_text=True)
    )
    assert "the SHA-256 of ABCDEFGHJKLM" in check.get_data(as_text=True)
    wrong = voter.get(f"/awards/{open_contest.slug}/receipts?receipt=0000-0000-0000-0000")
    assert "not among the counted votes" in wrong.get_data(as_text=True)


def test_the_answer_never_tells_whether_an_address_voted(
    world: World, app: Any, open_contest: Contest
) -> None:
    first = ask(app.test_client(), open_contest, "Alpha", "ann@example.org")
    confirm(app.test_client(), open_contest, token_from(messages("vote_confirmation")[0]))
    second = ask(app.test_client(), open_contest, "Alpha", "ANN@example.org")
    assert first.status_code == second.status_code == 200

    def text(r: Any) -> str:
        return re.sub(r'name="csrf_token"[^>]*>', "", r.get_data(as_text=True))

    assert text(first) == text(second)
    late = confirm(app.test_client(), open_contest, token_from(messages("vote_confirmation")[1]))
    assert "This vote was already counted." in late.get_data(as_text=True)
    assert sum(voting.tally(open_contest.id).values()) == 1


def test_votes_per_voter_and_one_per_project(world: World, app: Any, open_contest: Contest) -> None:
    open_contest.votes_per_voter = 2
    db.session.commit()
    client = app.test_client()
    for title in ("Alpha", "Beta", "Gamma"):
        ask(client, open_contest, title, "bo@example.org")
    outcomes = [
        confirm(client, open_contest, token_from(m)).get_data(as_text=True)
        for m in messages("vote_confirmation")
    ]
    assert "Your vote is counted." in outcomes[0] and "Your vote is counted." in outcomes[1]
    assert "You have used all your votes" in outcomes[2]
    slots = sorted(db.session.scalars(sa.select(Vote.slot)).all())
    assert slots == [1, 2]


def test_bad_links_get_clear_pages(world: World, app: Any, open_contest: Contest, clock: Any) -> None:
    client = app.test_client()
    ask(client, open_contest, "Alpha", "cy@example.org")
    token = token_from(messages("vote_confirmation")[0])
    tampered = confirm(client, open_contest, token[:-2] + "xx")
    assert tampered.status_code == 409 and "has been changed" in tampered.get_data(as_text=True)
    forged = URLSafeSerializer(app.secret_key, salt="fellowship-vote").dumps([open_contest.id, 1, "guess"])
    unknown = confirm(client, open_contest, forged)
    assert unknown.status_code == 409 and "not valid" in unknown.get_data(as_text=True)
    clock.advance(dt.timedelta(hours=25))
    expired = confirm(client, open_contest, token)
    assert "has expired" in expired.get_data(as_text=True)
    ask(client, open_contest, "Beta", "cy@example.org")
    fresh = token_from(messages("vote_confirmation")[1])
    open_contest.phase = Phase.CLOSED
    db.session.commit()
    closed = confirm(client, open_contest, fresh)
    assert closed.status_code == 409 and "Voting is not open" in closed.get_data(as_text=True)
    assert ask(client, open_contest, "Alpha", "dee@example.org").status_code == 409
    assert voting.tally(open_contest.id) == {}


def test_the_confirm_page_names_the_project_and_contest_before_the_button(
    world: World, app: Any, open_contest: Contest
) -> None:
    client = app.test_client()
    ask(client, open_contest, "Beta", "eve@example.org")
    token = token_from(messages("vote_confirmation")[0])
    page = client.get(f"/awards/{open_contest.slug}/confirm/{token}").get_data(as_text=True)
    assert f'<p id="vote-for">You are voting for Beta in {open_contest.title}.</p>' in page
    assert voting.tally(open_contest.id) == {}  # opening the page counts nothing
    tampered = client.get(f"/awards/{open_contest.slug}/confirm/{token[:-2]}xx").get_data(as_text=True)
    assert 'id="vote-for"' not in tampered and "Confirm my vote" in tampered


def test_honeypot_and_bad_addresses(world: World, app: Any, open_contest: Contest) -> None:
    client = app.test_client()
    bot = ask(client, open_contest, "Alpha", "bot@example.org", website="http://spam.example")
    assert bot.status_code == 200 and messages("vote_confirmation") == []
    assert ask(client, open_contest, "Alpha", "not-an-address").status_code == 400
    assert (
        client.post(
            f"/awards/{open_contest.slug}/projects/{project_id(open_contest, 'Alpha')}/vote",
            data={"email": "x@example.org"},
            csrf=False,
        ).status_code
        == 400
    )


def test_vote_requests_are_limited_per_mailbox_without_saying_so(
    world: World, app: Any, open_contest: Contest
) -> None:
    """Over the mailbox's limit the page is the one under it, and nothing is sent: a 429 would tell anyone
    typing that address that someone has been using it to vote."""
    client = app.test_client()
    answers = [ask(client, open_contest, "Alpha", f"Eve+{n}@Example.org") for n in range(6)]
    assert [answer.status_code for answer in answers] == [200] * 6  # the same mailbox spelled six ways
    under, over = answers[4].get_data(as_text=True), answers[5].get_data(as_text=True)
    assert 'id="vote-sent"' in over
    assert _without_csrf(over) == _without_csrf(under)
    assert len(messages("vote_confirmation")) == 5
    assert ask(client, open_contest, "Alpha", "frank@example.org").status_code == 200
    assert len(messages("vote_confirmation")) == 6


def _without_csrf(page: str) -> str:
    return re.sub(r'name="csrf_token" type="hidden" value="[^"]*"', "", page)


def test_the_outbox_forgets_vote_addresses(
    world: World, app: Any, client_as: Any, open_contest: Contest, clock: Any
) -> None:
    ask(app.test_client(), open_contest, "Alpha", "gil@example.org")
    [message] = messages("vote_confirmation")
    outbox = client_as("admin").get("/admin/outbox").get_data(as_text=True)
    assert "gil@example.org" not in outbox and "g…@e…" in outbox
    detail = client_as("admin").get(f"/admin/outbox/{message.id}").get_data(as_text=True)
    assert "/confirm/" not in detail
    clock.advance(dt.timedelta(hours=25))
    assert mail.forget_stale(dt.timedelta(hours=24)) == 1
    db.session.commit()
    db.session.expire_all()
    stale = db.session.get(mail.OutboxMessage, message.id)
    assert (stale.recipient, stale.body_text, stale.status) == ("", "", mail.MailStatus.FAILED)


def test_anomalies_and_voiding(
    world: World, app: Any, client_as: Any, open_contest: Contest, clock: Any
) -> None:
    client = app.test_client()
    for n in range(12):
        ask(client, open_contest, ["Alpha", "Beta", "Gamma"][n % 3], f"v{n}@throwaway.example")
    for m in messages("vote_confirmation"):
        confirm(client, open_contest, token_from(m))
    flags = {(f.kind, f.votes) for f in voting.anomalies(open_contest.id)}
    assert flags == {("network", 12), ("domain", 12)}
    page = client_as("admin").get(f"/contests/{open_contest.id}").get_data(as_text=True)
    assert "12 votes from addresses at throwaway.example" in page
    per_day = page[page.index("Votes over time") :]
    assert f"<td>{clock.now().date().isoformat()}</td><td>12</td>" in per_day
    vote = db.session.scalar(sa.select(Vote).limit(1))
    refused = client_as("admin").post(
        f"/contests/{open_contest.id}/votes/{vote.id}/void", data={"reason": ""}
    )
    assert refused.status_code == 302 and not db.session.get(Vote, vote.id).voided
    client_as("admin").post(
        f"/contests/{open_contest.id}/votes/{vote.id}/void", data={"reason": "Scripted burst"}
    )
    db.session.expire_all()
    assert db.session.get(Vote, vote.id).void_reason == "Scripted burst"
    assert sum(voting.tally(open_contest.id).values()) == 11 and voting.voided_count(open_contest.id) == 1
