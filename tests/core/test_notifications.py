from typing import Any

import pytest

from fellowship.core import notifications
from fellowship.extensions import db
from tests.concurrency import run_at_once


def test_claim_is_true_only_the_first_time(app: Any) -> None:
    assert notifications.claim("events", 1, "a@example.org", "reminder") is True
    assert notifications.claim("events", 1, "a@example.org", "reminder") is False
    assert notifications.claim("events", 1, "a@example.org", "evaluation") is True
    db.session.commit()


@pytest.mark.postgres
def test_two_dispatchers_at_once_claim_a_notification_once(app: Any) -> None:
    def claim() -> bool:
        claimed = notifications.claim("events", 7, "b@example.org", "reminder")
        db.session.commit()
        return claimed

    assert sorted(run_at_once(app, [claim, claim])) == [False, True]
