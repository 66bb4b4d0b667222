from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import World
from tests.curriculum.conftest import assign_sample_module


@pytest.fixture
def module(world: World, tmp_path: Path) -> str:
    return assign_sample_module(world, tmp_path)
