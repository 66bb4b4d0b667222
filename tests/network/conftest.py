"""Fixtures of the network tests: an organisation, a person, and ``entry(...)`` to list something."""

from __future__ import annotations

from typing import Any

import pytest

from fellowship.extensions import db
from fellowship.network import services
from fellowship.network.enums import Category, EntryKind
from fellowship.network.models import Entry
from tests import factories as f


@pytest.fixture
def org(app: Any, clock: Any) -> Any:
    return f.OrganizationFactory(name="Riverside Co-op")


@pytest.fixture
def person(app: Any, clock: Any) -> Any:
    return f.UserFactory(name="Rosa Luxemburg", organization=None)


@pytest.fixture
def entry(org: Any) -> Any:
    """``entry("Title", ...)``: an organisation's published entry (or ``user=`` a person's), saved through
    the service so its search text is written as in production."""

    def make(
        title: str,
        *,
        kind: EntryKind = EntryKind.OFFER,
        category: Category = Category.BUSINESS,
        user: Any = None,
        organization: Any = None,
        **values: Any,
    ) -> Entry:
        owner = {"user_id": user.id} if user is not None else {"organization_id": (organization or org).id}
        made = services.save_entry(Entry(**owner), None, kind=kind, category=category, title=title, **values)
        db.session.commit()
        return made

    return make
