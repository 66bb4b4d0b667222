from __future__ import annotations

import sqlalchemy as sa

from fellowship.credentials.models import Credential
from fellowship.impact.models import Certificate


def for_certificate(certificate_id: int) -> sa.Select[tuple[Credential]]:
    return sa.select(Credential).where(Credential.certificate_id == certificate_id)


def used_indexes(status_list: int) -> sa.Select[tuple[int]]:
    return sa.select(Credential.status_index).where(Credential.status_list == status_list)


def revoked_indexes(status_list: int) -> sa.Select[tuple[int]]:
    return sa.select(Credential.status_index).where(
        Credential.status_list == status_list, Credential.revoked_at.is_not(None)
    )


def certificates_without_credential() -> sa.Select[tuple[Certificate]]:
    return (
        sa.select(Certificate)
        .outerjoin(Credential, Credential.certificate_id == Certificate.id)
        .where(Credential.id.is_(None), Certificate.withdrawn_at.is_(None))
        .order_by(Certificate.id)
    )


def of_user(user_id: int) -> sa.Select[tuple[Credential]]:
    return (
        sa.select(Credential)
        .join(Certificate, Certificate.id == Credential.certificate_id)
        .where(Certificate.user_id == user_id)
        .order_by(Credential.id)
    )
