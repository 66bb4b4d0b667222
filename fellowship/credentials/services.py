"""Issuing, revoking and publishing credentials. Each function flushes; the caller commits."""

from __future__ import annotations

import secrets
import uuid
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from fellowship.core import audit, clock
from fellowship.credentials import document, keys, queries, status
from fellowship.credentials.models import Credential
from fellowship.extensions import db
from fellowship.impact import completion
from fellowship.impact.models import Certificate
from fellowship.programs.models import Cohort

STATUS_LIST = 1  # one list holds 131,072 positions; a second would start when it is half full
REASON_MAX = 500


class CredentialError(ValueError):
    """Why a credential cannot be issued or revoked, in words for the person asking."""


def issuer() -> document.Issuer:
    config = current_app.config
    return document.Issuer(config["FELLOWSHIP_BASE_URL"], config["FELLOWSHIP_ISSUER_NAME"])


def issue(certificate: Certificate) -> Credential:
    """The certificate's credential, signed with the current key (the existing one when already issued)."""
    existing = db.session.scalar(queries.for_certificate(certificate.id))
    if existing is not None:
        return existing
    if certificate.withdrawn_at is not None:
        raise CredentialError(_l("This certificate was withdrawn; it has no credential."))
    cohort = db.session.get(Cohort, certificate.cohort_id)
    rate = completion.rule_for(cohort).min_attendance_rate if cohort is not None else 0
    used = set(db.session.scalars(queries.used_indexes(STATUS_LIST)))
    if len(used) >= status.LENGTH // 2:
        raise CredentialError(_l("The revocation list is full; ask the operator to start another."))
    achievement = document.Achievement(
        certificate.cohort_id,
        certificate.program,
        certificate.cohort,
        certificate.starts_on,
        certificate.ends_on,
        rate,
        list(certificate.modules),
    )
    who, key = issuer(), keys.ring().signing
    for _attempt in range(5):
        index = secrets.randbelow(status.LENGTH)
        while index in used:
            index = secrets.randbelow(status.LENGTH)
        credential_uuid = str(uuid.uuid4())
        payload = document.credential(
            who, credential_uuid, certificate.holder, achievement, certificate.issued_at, STATUS_LIST, index
        )
        credential = Credential(
            certificate_id=certificate.id,
            uuid=credential_uuid,
            kid=key.kid,
            token=document.sign(payload, key, who.key_url(key.kid)),
            status_list=STATUS_LIST,
            status_index=index,
            issued_at=clock.now(),
        )
        try:
            with db.session.begin_nested():  # another request may issue it, or take the position, meanwhile
                db.session.add(credential)
        except IntegrityError:
            existing = db.session.scalar(queries.for_certificate(certificate.id))
            if existing is not None:
                return existing
            used.add(index)
            continue
        return credential
    raise CredentialError(_l("The credential could not be issued just now. Try again."))


def issue_missing() -> int:
    """Every certificate gets its credential (``flask fellowship dispatch`` runs this)."""
    issued = 0
    for certificate in db.session.scalars(queries.certificates_without_credential()).all():
        issue(certificate)
        issued += 1
    return issued


def revoke(credential: Credential, actor_id: int, reason: str) -> None:
    """Revoke once: of two administrators revoking at the same moment, the second is told it is done."""
    reason = reason.strip()
    if not reason:
        raise CredentialError(_l("Say why the credential is revoked."))
    if len(reason) > REASON_MAX:
        raise CredentialError(_l("Keep the reason under %(max)d characters.", max=REASON_MAX))
    changed = db.session.execute(
        sa.update(Credential)
        .where(Credential.id == credential.id, Credential.revoked_at.is_(None))
        .values(revoked_at=clock.now(), revoked_reason=reason, revoked_by_id=actor_id)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not changed:
        raise CredentialError(_l("This credential is already revoked."))
    audit.record(actor_id, credential, "revoke", {"revoked_reason": [None, reason]})
    db.session.flush()
    db.session.refresh(credential)


def status_list_token(number: int) -> str:
    """The revocation list as a signed BitstringStatusListCredential, valid from the start of this minute."""
    encoded = status.encode(db.session.scalars(queries.revoked_indexes(number)))
    who, key = issuer(), keys.ring().signing
    payload = document.status_list(who, number, encoded, clock.now().replace(second=0, microsecond=0))
    return document.sign(payload, key, who.key_url(key.kid))


# --- personal data (core.personal_data) ---------------------------------------------------------------------


def export(user: Any) -> list[dict[str, Any]]:
    return [
        {
            "credential": f"urn:uuid:{c.uuid}",
            "issued_at": c.issued_at.isoformat(),
            "revoked_at": c.revoked_at.isoformat() if c.revoked_at else None,
            "token": c.token,
        }
        for c in db.session.scalars(queries.of_user(user.id))
    ]


def erase(erasure: Any) -> None:
    """Erasure withdraws the certificate (impact), so its credential is revoked, which anyone who holds a copy
    can see in the status list, and the signed copy kept here, which names the holder, is emptied."""
    ids = sa.select(Certificate.id).where(Certificate.user_id == erasure.user.id).scalar_subquery()
    db.session.execute(
        sa.update(Credential)
        .where(Credential.certificate_id.in_(ids), Credential.revoked_at.is_(None))
        .values(revoked_at=erasure.now, revoked_reason="The holder's account was erased.")
    )
    db.session.execute(sa.update(Credential).where(Credential.certificate_id.in_(ids)).values(token=""))
