"""The demo's credentials: every demo certificate has its credential, and one was revoked, so the revocation
list has a bit set and the certificate page shows both states. The fellowship cohort chose module badges, so
its two approved mission statements have theirs."""

from __future__ import annotations

import sqlalchemy as sa

from fellowship.accounts.models import User
from fellowship.credentials import queries, services
from fellowship.extensions import db
from fellowship.impact.models import Certificate
from fellowship.programs.models import Cohort

REVOKED_HOLDER = "Benicio Ruiz"


def load(admin: User, badges_cohort: Cohort) -> None:
    services.choose_badges(badges_cohort, True, admin.id)
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
