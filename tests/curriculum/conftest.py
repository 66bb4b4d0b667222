"""The ``module`` fixture: a small module with every field type assigned to the world's cohort; it returns
the fellow's worksheet URL."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from fellowship.curriculum import loader, services
from fellowship.curriculum.models import CohortModule
from fellowship.extensions import db
from tests.conftest import World
from tests.curriculum.test_loader import GOOD


def assign_sample_module(world: World, folder: Path) -> str:
    """Load the test module (every field type) from ``folder`` and assign it to the world's cohort; returns
    the worksheet's path."""
    path = folder / "coop_fellowship" / "mission-statement.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(textwrap.dedent(GOOD), "utf-8")
    services.sync(loader.read_all(folder).modules)
    db.session.add(CohortModule(cohort_id=world.cohort.id, slug="mission-statement", position=0))
    db.session.commit()
    return f"/cohorts/{world.cohort.id}/modules/mission-statement/worksheet"


@pytest.fixture
def module(world: World, tmp_path: Path) -> str:
    return assign_sample_module(world, tmp_path)
