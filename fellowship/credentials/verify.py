"""Checking a credential someone pastes or uploads on the public verification page.

Only this installation's own keys and revocation list are trusted, and nothing is fetched: the ``kid`` must be
one of this site's key addresses and the status entry must point at this site's list, which is read from the
database. Everything about the input is treated as hostile: its size is limited before it is parsed, and a
credential that fails a check shows no content, so the page never displays claims nobody signed.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from fellowship.core import clock
from fellowship.credentials import document, keys
from fellowship.credentials.models import Credential
from fellowship.credentials.services import STATUS_LIST, issuer
from fellowship.extensions import db

MAX_BYTES = 64 * 1024


@dataclass
class Outcome:
    """Each check as passed (True), failed (False) or not reached (None), and what the credential says when
    its signature holds."""

    signature: bool | None = None
    issuer: bool | None = None
    dates: bool | None = None
    status: bool | None = None
    problem: str = ""
    claims: dict[str, Any] = field(default_factory=dict)
    valid_from: dt.datetime | None = None

    @property
    def valid(self) -> bool:
        return bool(self.signature and self.issuer and self.dates and self.status)


def _decode(part: str) -> Any:
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def _instant(value: Any) -> dt.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else None


def check(text: str) -> Outcome:
    outcome = Outcome()
    token = text.strip()
    if len(token.encode("utf-8")) > MAX_BYTES:
        outcome.problem = str(_l("The credential is larger than %(num)d KB.", num=MAX_BYTES // 1024))
        return outcome
    if token.startswith("{"):
        outcome.problem = str(
            _l("This page checks the credentials this site issues: a .jwt file, not a JSON document.")
        )
        return outcome
    parts = token.split(".")
    try:
        header = _decode(parts[0]) if len(parts) == 3 else None
    except ValueError:
        header = None
    if not isinstance(header, dict):
        outcome.problem = str(_l("This is not a credential in the JWT form (three parts separated by dots)."))
        return outcome
    who = issuer()
    kid = header.get("kid")
    prefix = who.key_url("")
    ours = isinstance(kid, str) and kid.startswith(prefix)
    key = keys.ring().find(kid.removeprefix(prefix)) if ours else None
    if key is None or header.get("alg") != document.ALGORITHM:
        outcome.signature = False
        outcome.problem = str(_l("It is not signed with a key of this site."))
        return outcome
    try:
        claims = document.read(token, key)
    except (document.JoseError, ValueError):
        outcome.signature = False
        outcome.problem = str(
            _l("The signature does not match: the credential was changed after it was signed.")
        )
        return outcome
    outcome.signature, outcome.claims = True, claims
    issuer_id = claims.get("issuer", {}).get("id") if isinstance(claims.get("issuer"), dict) else None
    subject = claims.get("credentialSubject") if isinstance(claims.get("credentialSubject"), dict) else {}
    outcome.issuer = (
        issuer_id == who.id
        and claims.get("iss") == who.id
        and claims.get("jti") == claims.get("id")
        and claims.get("sub") == subject.get("id")
    )
    now = clock.now()
    valid_from, valid_until = _instant(claims.get("validFrom")), _instant(claims.get("validUntil"))
    outcome.valid_from = valid_from
    outcome.dates = (
        valid_from is not None
        and claims.get("nbf") == int(valid_from.timestamp())
        and valid_from <= now
        and ("validUntil" not in claims or (valid_until is not None and now < valid_until))
    )
    outcome.status = _not_revoked(claims.get("credentialStatus"), who)
    return outcome


def _not_revoked(entry: Any, who: document.Issuer) -> bool:
    """True when the entry points at this site's list and that position is not set; a credential whose entry
    points elsewhere cannot be checked here, so it does not pass."""
    if not isinstance(entry, dict) or entry.get("statusPurpose") != "revocation":
        return False
    if entry.get("statusListCredential") != who.status_list_url(STATUS_LIST):
        return False
    try:
        index = int(entry.get("statusListIndex", ""))
    except (TypeError, ValueError):
        return False
    revoked = db.session.scalar(
        sa.select(sa.func.count(Credential.id)).where(
            Credential.status_list == STATUS_LIST,
            Credential.status_index == index,
            Credential.revoked_at.is_not(None),
        )
    )
    return not revoked
