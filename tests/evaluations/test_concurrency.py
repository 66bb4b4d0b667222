"""Two submissions of the same evaluation by the same person at the same moment (PostgreSQL)."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from fellowship.evaluations import services
from fellowship.evaluations.models import Receipt, Response, SealedResponse, Survey
from fellowship.events.models import EventInvitation
from fellowship.extensions import db
from tests.concurrency import run_at_once
from tests.evaluations.conftest import Webinar


@pytest.mark.postgres
@pytest.mark.parametrize("anonymous", [False, True])
def test_double_submission_from_two_connections_keeps_exactly_one(
    app: Any, webinar: Webinar, anonymous: bool
) -> None:
    survey_id = webinar.evaluate(anonymous=anonymous).id
    invitation_id = webinar.invitations["fellow"].id

    def answer() -> str:
        survey = db.session.get(Survey, survey_id)
        values = {q.id: 4 for q in survey.questions if q.required}
        services.submit(survey, db.session.get(EventInvitation, invitation_id), values)
        db.session.commit()
        return "saved"

    results = run_at_once(app, [answer, answer])
    outcomes = sorted(
        "refused" if isinstance(r, IntegrityError | services.AlreadyAnswered) else r for r in results
    )
    assert outcomes == ["refused", "saved"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Receipt)) == 1
    table = SealedResponse if anonymous else Response
    assert db.session.scalar(sa.select(sa.func.count()).select_from(table)) == 1
