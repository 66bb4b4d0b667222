"""The demo's credentials: every demo certificate has its credential, and one was revoked, so the revocation
list has a bit set and the certificate page shows both states."""

from __future__ import annotations

import sqlalchemy as sa

from fellowship.accounts.models import User
from fellowship.credentials import queries, services
from fellowship.extensions import db
from fellowship.impact.models import Certificate

REVOKED_HOLDER = "Benicio Ruiz"


def load(admin: User) -> None:
    services.issue_missing()
    revoked = db.session.scalar(sa.select(Certificate).where(Certificate.holder == REVOKED_HOLDER))
    if revoked is None:
        return
    credential = db.session.scalar(queries.for_certificate(revoked.id))
    if credential is not None:
        services.revoke(
            credential,
            admin.id,
            "Issued before an attendance correction; a corrected certificate will follow.",
        )
