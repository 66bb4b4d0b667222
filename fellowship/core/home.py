"""The home page's "what needs me now" blocks, registered by each domain.

The home page (``/``) belongs to ``programs``, yet what needs a person today lives in every domain above it:
worksheets to open or review, events to answer, evaluations, reports, contests. Each domain registers its
blocks here when its views module is imported (as the cohort-page panels are), so the home page imports no
domain. The page reads who the person is once (a :class:`Viewer`) and hands it to every block.

A block's ``context`` returns None to stay hidden (nothing needs the person), else the dict its template
reads as ``block``. It must issue a fixed number of queries, whatever the data size; the tests assert it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Viewer:
    """The signed-in person as every block sees them: read once per home page."""

    user: Any
    is_admin: bool
    roles: Mapping[int, str]
    """Cohort id → the person's current role there ("fellow", "facilitator", "observer")."""
    now: dt.datetime
    today: dt.date

    def cohorts_as(self, *roles: str) -> list[int]:
        """The ids of the cohorts where the person currently holds one of ``roles``."""
        return sorted(cohort_id for cohort_id, role in self.roles.items() if role in roles)


@dataclass(frozen=True)
class HomeBlock:
    name: str
    template: str
    order: int
    context: Callable[[Viewer], dict[str, Any] | None]


_blocks: dict[str, HomeBlock] = {}


def register(block: HomeBlock) -> None:
    _blocks[block.name] = block


def blocks() -> list[HomeBlock]:
    return sorted(_blocks.values(), key=lambda b: (b.order, b.name))


def render_context(viewer: Viewer) -> list[tuple[HomeBlock, dict[str, Any]]]:
    """The blocks that have something for ``viewer``, in order, each with its template data."""
    shown = []
    for block in blocks():
        data = block.context(viewer)
        if data is not None:
            shown.append((block, data))
    return shown
