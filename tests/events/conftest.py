from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from fellowship.events import services
from fellowship.events.enums import EventKind
from fellowship.extensions import db
from tests.conftest import World


def make_event(world: World, **overrides: Any) -> Any:
    values = {
        "kind": EventKind.WEBINAR,
        "title": "Business model canvases",
        "description": "",
        "starts_at": dt.datetime(2024, 2, 15, 18, 0, tzinfo=dt.UTC),  # noon in Chicago
        "ends_at": dt.datetime(2024, 2, 15, 19, 30, tzinfo=dt.UTC),
        "timezone": "America/Chicago",
    }
    values.update(overrides)
    event = services.create_event(world.cohort, services.EventFields(**values), world.users["facilitator"].id)
    db.session.commit()
    return event


@pytest.fixture
def event(world: World) -> Any:
    return make_event(world)
