"""The binding rules of ``accounts.oidc.resolve`` on claims a provider has already proved (no provider
needed: the end-to-end tests with a real one are in ``test_oidc.py``)."""

from __future__ import annotations

from typing import Any

import pytest

from fellowship.accounts import oidc
from fellowship.core import clock
from fellowship.core.identity_providers import Provider
from fellowship.extensions import db
from tests import factories as f

ACME = Provider("acme", "https://id.acme.example", "c", "s", "Acme", ("acme.example",))


def claims(subject: str, email: str) -> dict[str, Any]:
    return {"sub": subject, "email": email, "email_verified": True, "name": "Someone"}


def test_an_address_that_passed_to_another_subject_does_not_open_a_bound_account(app: Any) -> None:
    alice = f.UserFactory(email="alice@acme.example")
    assert oidc.resolve(ACME, claims("alice-sub", "alice@acme.example"), clock.now(), None) == alice
    db.session.commit()
    with pytest.raises(oidc.Refused) as refused:
        oidc.resolve(ACME, claims("someone-else", "alice@acme.example"), clock.now(), None)
    assert refused.value.reason == "manual_link"
    db.session.rollback()
    admin = f.UserFactory(is_admin=True)
    oidc.grant_link(alice, ACME, admin.id, clock.now())
    assert oidc.resolve(ACME, claims("someone-else", "alice@acme.example"), clock.now(), None) == alice
