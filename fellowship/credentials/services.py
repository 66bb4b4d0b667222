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
from fellowship.credentials.models import Credential, ModuleBadgeCohort
from fellowship.curriculum.enums import WorksheetStatus
from fellowship.curriculum.models import Worksheet
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
    achievement = document.Achievement(
        certificate.cohort_id,
        certificate.program,
        certificate.cohort,
        certificate.starts_on,
        certificate.ends_on,
        rate,
        list(certificate.modules),
    )
    return _signed(
        {"certificate_id": certificate.id, "user_id": certificate.user_id},
        certificate.holder,
        achievement,
        certificate.issued_at,
        lambda: db.session.scalar(queries.for_certificate(certificate.id)),
    )


def issue_badge(worksheet: Worksheet) -> Credential:
    """An approved worksheet's module badge, in a cohort that chose them (the existing one when issued)."""
    existing = db.session.scalar(queries.for_worksheet(worksheet.id))
    if existing is not None:
        return existing
    if worksheet.status is not WorksheetStatus.APPROVED:
        raise CredentialError(_l("A module badge is issued once the worksheet is approved."))
    row = db.session.execute(queries.badge_facts(worksheet.id)).one_or_none()
    if row is None:
        raise CredentialError(_l("This cohort does not issue module badges."))
    cohort, program, holder, approved_at = row
    approved_at = approved_at or worksheet.updated_at or clock.now()  # approved with no review row kept
    module = worksheet.module
    achievement = document.ModuleAchievement(
        cohort.id,
        worksheet.slug,
        source_title(module.title),
        module.version,
        program,
        cohort.name,
        approved_at.date(),
    )
    return _signed(
        {"worksheet_id": worksheet.id, "user_id": worksheet.user_id},
        holder,
        achievement,
        approved_at,
        lambda: db.session.scalar(queries.for_worksheet(worksheet.id)),
    )


def source_title(titles: dict[str, str]) -> str:
    """A module's title in English, the language the credentials' texts are written in (any other when the
    module has no English one)."""
    return titles.get("en") or next(iter(titles.values()), "")


def _signed(
    subject: dict[str, Any],
    holder: str,
    achievement: document.Achievement | document.ModuleAchievement,
    valid_from: Any,
    existing: Any,
) -> Credential:
    """Sign and store a new credential at a free random position; ``existing`` reads the one another request
    stored meanwhile."""
    used = set(db.session.scalars(queries.used_indexes(STATUS_LIST)))
    if len(used) >= status.LENGTH // 2:
        raise CredentialError(_l("The revocation list is full; ask the operator to start another."))
    who, key = issuer(), keys.ring().signing
    for _attempt in range(5):
        index = secrets.randbelow(status.LENGTH)
        while index in used:
            index = secrets.randbelow(status.LENGTH)
        credential_uuid = str(uuid.uuid4())
        payload = document.credential(
            who, credential_uuid, holder, achievement, valid_from, STATUS_LIST, index
        )
        credential = Credential(
            **subject,
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
            found = existing()
            if found is not None:
                return found
            used.add(index)
            continue
        return credential
    raise CredentialError(_l("The credential could not be issued just now. Try again."))


def issue_missing() -> int:
    """Every certificate gets its credential, and every approved worksheet in a cohort that chose module
    badges its badge (``flask fellowship dispatch`` runs this)."""
    issued = 0
    for certificate in db.session.scalars(queries.certificates_without_credential()).all():
        issue(certificate)
        issued += 1
    for worksheet in db.session.scalars(queries.worksheets_without_badge()).all():
        issue_badge(worksheet)
        issued += 1
    return issued


def badges_chosen(cohort_id: int) -> bool:
    return db.session.get(ModuleBadgeCohort, cohort_id) is not None


def choose_badges(cohort: Cohort, on: bool, actor_id: int) -> bool:
    """Turn the cohort's module badges on or off; says whether anything changed. Badges already issued stay
    valid when they are turned off: they were earned; none are issued after."""
    chosen = db.session.get(ModuleBadgeCohort, cohort.id)
    if on == (chosen is not None):
        return False
    if on:
        try:
            with db.session.begin_nested():
                db.session.add(
                    ModuleBadgeCohort(cohort_id=cohort.id, chosen_by_id=actor_id, chosen_at=clock.now())
                )
        except IntegrityError:  # chosen in another request meanwhile
            return False
    else:
        db.session.delete(chosen)
    audit.record(actor_id, cohort, "module_badges", {"module_badges": [not on, on]})
    db.session.flush()
    return True


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
            "kind": "certificate" if c.certificate_id is not None else "module badge",
            "issued_at": c.issued_at.isoformat(),
            "revoked_at": c.revoked_at.isoformat() if c.revoked_at else None,
            "token": c.token,
        }
        for c in db.session.scalars(queries.of_user(user.id))
    ]


def erase(erasure: Any) -> None:
    """Erasure withdraws the certificates (impact), so their credentials, and the person's module badges, are
    revoked, which anyone who holds a copy can see in the status list, and the signed copies kept here, which
    name the holder, are emptied. The rows stay: their positions in the list must never be drawn again."""
    db.session.execute(
        sa.update(Credential)
        .where(Credential.user_id == erasure.user.id, Credential.revoked_at.is_(None))
        .values(revoked_at=erasure.now, revoked_reason="The holder's account was erased.")
    )
    db.session.execute(sa.update(Credential).where(Credential.user_id == erasure.user.id).values(token=""))
    # Who turned a cohort's badges on is staff's history, not a figure: it goes.
    db.session.execute(
        sa.update(ModuleBadgeCohort)
        .where(ModuleBadgeCohort.chosen_by_id == erasure.user.id)
        .values(chosen_by_id=None)
    )
