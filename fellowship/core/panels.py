"""Registry of panels shown on pages that gather several domains (the cohort, event, program, module and
certificate pages);
the home page's blocks are registered in :mod:`fellowship.core.home`.

Higher domains (events, attendance, curriculum, awards ...) register a panel here when their views module
is imported, so the page's own domain renders them without importing the domains that build on it.
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


EventPanel = CohortPanel
"""Same shape; its context callable is called with (event, user)."""

ProgramPanel = CohortPanel
"""Same shape; its context callable is called with (program, user)."""

ModulePanel = CohortPanel
"""Same shape; its context callable is called with (the cohort's module assignment, user)."""

CertificatePanel = CohortPanel
"""Same shape; its context callable is called with (the certificate, user)."""

_panels: dict[str, dict[str, CohortPanel]] = {
    "cohort": {},
    "event": {},
    "program": {},
    "module": {},
    "certificate": {},
}


def register_cohort_panel(panel: CohortPanel) -> None:
    _panels["cohort"][panel.name] = panel


def unregister_cohort_panel(name: str) -> None:
    _panels["cohort"].pop(name, None)


def cohort_panels() -> list[CohortPanel]:
    return sorted(_panels["cohort"].values(), key=lambda p: (p.order, p.name))


def register_event_panel(panel: CohortPanel) -> None:
    _panels["event"][panel.name] = panel


def event_panels() -> list[CohortPanel]:
    return sorted(_panels["event"].values(), key=lambda p: (p.order, p.name))


def register_program_panel(panel: CohortPanel) -> None:
    _panels["program"][panel.name] = panel


def program_panels() -> list[CohortPanel]:
    return sorted(_panels["program"].values(), key=lambda p: (p.order, p.name))


def register_module_panel(panel: CohortPanel) -> None:
    _panels["module"][panel.name] = panel


def module_panels() -> list[CohortPanel]:
    return sorted(_panels["module"].values(), key=lambda p: (p.order, p.name))


def register_certificate_panel(panel: CohortPanel) -> None:
    _panels["certificate"][panel.name] = panel


def certificate_panels() -> list[CohortPanel]:
    return sorted(_panels["certificate"].values(), key=lambda p: (p.order, p.name))


def render_context(
    panels: list[CohortPanel], subject: Any, user: Any
) -> list[tuple[CohortPanel, dict[str, Any]]]:
    """The panels to show for ``subject``, each with its template data."""
    shown = []
    for panel in panels:
        data = panel.context(subject, user)
        if data is not None:
            shown.append((panel, data))
    return shown
