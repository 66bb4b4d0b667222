"""A contest of the world's program with a two-criterion rubric, and helpers to fill it."""

from __future__ import annotations

import io
from typing import Any

import pytest
from PIL import Image

from fellowship.awards import services
from fellowship.awards.enums import Phase, ProjectStatus
from fellowship.awards.models import Contest, Project
from fellowship.extensions import db
from tests.conftest import World


def png(size: tuple[int, int] = (40, 30), colour: str = "teal") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG")
    return buffer.getvalue()


def make_contest(world: World, phase: Phase = Phase.DRAFT, slug: str = "grassroot-awards") -> Contest:
    contest = services.create_contest(world.program, "Grassroot Excellence Awards", slug, "", None)
    services.save_criteria(
        contest,
        [
            {"name": "Impact", "weight": 2.0, "max_points": 10},
            {"name": "Sustainability", "weight": 1.0, "max_points": 5},
        ],
    )
    contest.phase = phase
    db.session.flush()
    return contest


def add_project(contest: Contest, world: World, title: str, accepted: bool = True, **values: Any) -> Project:
    project = services.save_project(
        contest, None, {"title": title, "summary": f"About {title}.", **values}, world.users["admin"], True
    )
    if accepted:
        project.status = ProjectStatus.ACCEPTED
    db.session.flush()
    return project


@pytest.fixture
def contest(world: World) -> Contest:
    made = make_contest(world)
    db.session.commit()
    return made
