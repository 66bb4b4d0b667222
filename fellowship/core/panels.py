"""Registry of panels shown on the cohort page.

Higher domains (events, curriculum, awards ...) register a panel here at import time of their package, so
``programs`` renders them without importing those domains.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class CohortPanel:
    name: str
    template: str
    order: int
    context: Callable[[Any, Any], dict[str, Any] | None]
    """Called with (cohort, user); returns a dict the template reads as ``panel_data``, or None to hide the
    panel. It must issue a fixed number of queries, whatever the cohort's size."""


_cohort_panels: dict[str, CohortPanel] = {}


def register_cohort_panel(panel: CohortPanel) -> None:
    _cohort_panels[panel.name] = panel


def unregister_cohort_panel(name: str) -> None:
    _cohort_panels.pop(name, None)


def cohort_panels() -> list[CohortPanel]:
    return sorted(_cohort_panels.values(), key=lambda p: (p.order, p.name))
