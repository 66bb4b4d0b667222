"""Who may open an event's pages: the cohort's rules, used by the events and attendance views."""

from __future__ import annotations

from fellowship.events.models import Event
from fellowship.programs.access import with_role
from fellowship.programs.enums import Role


def event_for(event_id: int, manage: bool = False) -> tuple[Event, Role | None]:
    """The event and the user's role in its cohort; 404 outside the cohort, 403 if they may not manage it."""
    return with_role(Event, event_id, "cohort_id", manage)
