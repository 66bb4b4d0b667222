"""The audience award's public vote: requests, emailed confirmations, the tally and its proof.

- A voter is a *voter key*: HMAC-SHA256 of the normalised email with ``FELLOWSHIP_VOTER_KEY_SECRET``.
- A request stores that key and a hash of a random token; the plain address only travels in the
  confirmation email, which the outbox blanks once sent (see ``core.mail.EPHEMERAL_KINDS``).
- Confirming uses the token once (an atomic UPDATE … WHERE used_at IS NULL) and takes the first free slot
  with INSERT … ON CONFLICT DO NOTHING, so the database's unique constraints decide every race.
- Each counted vote gets a random receipt code shown once to the voter; only its SHA-256 is kept and,
  after voting closes, published per project.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import ipaddress
import secrets
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from fellowship.awards.models import Contest, Project, Vote, VoteRequest
from fellowship.core import audit, clock, inserts
from fellowship.extensions import db

DOTLESS_PROVIDERS = {"gmail.com": "gmail.com", "googlemail.com": "gmail.com"}
"""Providers where dots in the local part do not change the mailbox (and googlemail is gmail)."""


def normalise_email(address: str) -> str:
    """One spelling per mailbox: lower case, no +tag, no dots where the provider ignores them."""
    local, _at, domain = address.strip().lower().rpartition("@")
    local = local.split("+", 1)[0]
    domain = domain.rstrip(".")
    if domain in DOTLESS_PROVIDERS:
        domain = DOTLESS_PROVIDERS[domain]
        local = local.replace(".", "")
    return f"{local}@{domain}"


def voter_key(secret: str, address: str) -> str:
    return hmac.new(secret.encode(), normalise_email(address).encode(), hashlib.sha256).hexdigest()


def digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def network_of(secret: str, remote_addr: str | None) -> str:
    """A short keyed hash of the request's /24 (IPv4) or /48 (IPv6) network, to spot bursts."""
    try:
        address = ipaddress.ip_address(remote_addr or "")
    except ValueError:
        return ""
    prefix = 24 if address.version == 4 else 48
    network = ipaddress.ip_network(f"{address}/{prefix}", strict=False)
    return hmac.new(secret.encode(), str(network).encode(), hashlib.sha256).hexdigest()[:16]


TOKEN_SALT = "fellowship-vote"  # noqa: S105 - a signing salt, not a secret


def _signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt=TOKEN_SALT)


def request_vote(contest: Contest, project: Project, secret: str, address: str, hours: int) -> str:
    """Record a pending vote and return the token for the emailed link.

    The token is a random value signed together with the contest and project it is for (so a changed
    link is recognised as tampered before any lookup); only the random value's hash is stored, next to
    the voter key. No address is in the token or the row.
    """
    nonce = secrets.token_urlsafe(32)
    token = _signer().dumps([contest.id, project.id, nonce])
    now = clock.now()
    db.session.add(
        VoteRequest(
            contest_id=contest.id,
            project_id=project.id,
            voter_key=voter_key(secret, address),
            token_hash=digest(nonce),
            domain=normalise_email(address).rpartition("@")[2][:254],
            expires_at=now + dt.timedelta(hours=hours),
            created_at=now,
        )
    )
    db.session.flush()
    return token


@dataclass
class Outcome:
    """What confirming a token did: ``counted`` with a receipt, or the reason it did not count."""

    status: str  # counted | already_counted | no_votes_left | used | expired | unknown | tampered | closed
    receipt: str = ""
    project_id: int | None = None


def _insert(values: dict[str, object]) -> sa.Insert:
    return inserts.insert(Vote).values(**values).on_conflict_do_nothing().returning(Vote.id)


def project_named(token: str, contest: Contest) -> int | None:
    """The project a vote link is for, read from its signature alone (nothing is looked up or used), so
    the page can name it before the voter presses the button; None for a link that is not this contest's."""
    try:
        contest_id, project_id, _nonce = _signer().loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    return project_id if contest_id == contest.id and isinstance(project_id, int) else None


def confirm(token: str, contest: Contest, network: str) -> Outcome:
    """Use the token once and count the vote in the voter's first free slot."""
    now = clock.now()
    try:
        contest_id, project_id, nonce = _signer().loads(token)
    except (BadSignature, ValueError, TypeError):
        return Outcome("tampered")
    if contest_id != contest.id:
        return Outcome("tampered")
    request = db.session.scalar(
        sa.select(VoteRequest).where(
            VoteRequest.token_hash == digest(str(nonce)),
            VoteRequest.contest_id == contest.id,
            VoteRequest.project_id == project_id,
        )
    )
    if request is None:
        return Outcome("unknown")
    if not contest.voting_open(now):
        return Outcome("closed", project_id=request.project_id)
    if request.expires_at <= now:
        return Outcome("expired", project_id=request.project_id)
    claimed = db.session.execute(
        sa.update(VoteRequest)
        .where(VoteRequest.id == request.id, VoteRequest.used_at.is_(None))
        .values(used_at=now)
        .returning(VoteRequest.id)
    ).scalar()
    if claimed is None:
        return Outcome("used", project_id=request.project_id)
    already = db.session.scalar(
        sa.select(Vote.id).where(
            Vote.contest_id == contest.id,
            Vote.voter_key == request.voter_key,
            Vote.project_id == request.project_id,
        )
    )
    if already is not None:
        return Outcome("already_counted", project_id=request.project_id)
    receipt = secrets.token_hex(8).upper()
    for slot in range(1, contest.votes_per_voter + 1):
        inserted = db.session.execute(
            _insert(
                {
                    "contest_id": contest.id,
                    "project_id": request.project_id,
                    "voter_key": request.voter_key,
                    "slot": slot,
                    "slot_limit": contest.votes_per_voter,
                    "receipt_hash": digest(receipt),
                    "confirmed_at": now,
                    "network": network,
                    "domain": request.domain,
                    "voided": False,
                    "void_reason": "",
                }
            )
        ).scalar()
        if inserted is not None:
            return Outcome(
                "counted",
                receipt=f"{receipt[:4]}-{receipt[4:8]}-{receipt[8:12]}-{receipt[12:]}",
                project_id=request.project_id,
            )
        taken = db.session.scalar(
            sa.select(Vote.id).where(
                Vote.contest_id == contest.id,
                Vote.voter_key == request.voter_key,
                Vote.project_id == request.project_id,
            )
        )
        if taken is not None:  # a simultaneous confirmation for the same project won
            return Outcome("already_counted", project_id=request.project_id)
    return Outcome("no_votes_left", project_id=request.project_id)


def receipt_hash(receipt: str) -> str:
    """The published form of a receipt code as the voter typed or copied it."""
    return digest(receipt.replace("-", "").strip().upper())


def tally(contest_id: int) -> dict[int, int]:
    """Counted (not voided) votes per project: one aggregate query."""
    return dict(
        db.session.execute(
            sa.select(Vote.project_id, sa.func.count(Vote.id))
            .where(Vote.contest_id == contest_id, Vote.voided.is_(False))
            .group_by(Vote.project_id)
        ).all()
    )


def project_votes(contest_id: int, project_id: int) -> int:
    """One project's counted votes (the tally index answers it without reading the other projects')."""
    return (
        db.session.scalar(
            sa.select(sa.func.count(Vote.id)).where(
                Vote.contest_id == contest_id, Vote.project_id == project_id, Vote.voided.is_(False)
            )
        )
        or 0
    )


def votes_per_day(contest_id: int) -> list[tuple[str, int]]:
    """Counted votes per (UTC) day, oldest first: one aggregate query, for the admin's page."""
    day = sa.func.date(Vote.confirmed_at)
    return [
        (str(d), n)
        for d, n in db.session.execute(
            sa.select(day, sa.func.count(Vote.id))
            .where(Vote.contest_id == contest_id, Vote.voided.is_(False))
            .group_by(day)
            .order_by(day)
        )
    ]


def voided_count(contest_id: int) -> int:
    return (
        db.session.scalar(
            sa.select(sa.func.count(Vote.id)).where(Vote.contest_id == contest_id, Vote.voided.is_(True))
        )
        or 0
    )


def void(vote: Vote, reason: str, actor_id: int | None) -> None:
    if not reason.strip():
        raise ValueError("a reason is needed")
    audit.record(actor_id, vote, "voided", {"voided": [False, True], "reason": ["", reason]})
    vote.voided, vote.void_reason = True, reason.strip()
    db.session.flush()


@dataclass
class Flag:
    kind: str  # "network" or "domain"
    label: str
    votes: int


BURST_WINDOW = dt.timedelta(minutes=10)
BURST_VOTES = 10
DOMAIN_VOTES = 10
COMMON_DOMAINS = frozenset(
    {
        "gmail.com",
        "outlook.com",
        "hotmail.com",
        "yahoo.com",
        "icloud.com",
        "wp.pl",
        "onet.pl",
        "o2.pl",
        "interia.pl",
        "proton.me",
        "protonmail.com",
        "live.com",
        "gmx.com",
        "gmx.de",
        "yandex.ru",
    }
)


def anomalies(contest_id: int) -> list[Flag]:
    """Bursts of votes from one network within ten minutes, and many votes from one uncommon domain.
    Flags are for a person to look at; nothing is voided automatically."""
    flags: list[Flag] = []
    rows = db.session.execute(
        sa.select(Vote.network, Vote.confirmed_at)
        .where(Vote.contest_id == contest_id, Vote.voided.is_(False), Vote.network != "")
        .order_by(Vote.network, Vote.confirmed_at)
    ).all()
    by_network: dict[str, list[dt.datetime]] = {}
    for network, at in rows:
        by_network.setdefault(network, []).append(at)
    for network, times in by_network.items():
        start, best = 0, 0
        for end, at in enumerate(times):
            while at - times[start] > BURST_WINDOW:
                start += 1
            best = max(best, end - start + 1)
        if best >= BURST_VOTES:
            flags.append(Flag("network", network, best))
    for domain, count in db.session.execute(
        sa.select(Vote.domain, sa.func.count(Vote.id))
        .where(Vote.contest_id == contest_id, Vote.voided.is_(False))
        .group_by(Vote.domain)
    ):
        if domain and domain not in COMMON_DOMAINS and count >= DOMAIN_VOTES:
            flags.append(Flag("domain", domain, count))
    return flags


def published_receipts(contest_id: int) -> dict[int, list[str]]:
    """Per project, the SHA-256 of every counted receipt, sorted (so order reveals nothing)."""
    result: dict[int, list[str]] = {}
    for project_id, receipt in db.session.execute(
        sa.select(Vote.project_id, Vote.receipt_hash)
        .where(Vote.contest_id == contest_id, Vote.voided.is_(False))
        .order_by(Vote.project_id, Vote.receipt_hash)
    ):
        result.setdefault(project_id, []).append(receipt)
    return result
