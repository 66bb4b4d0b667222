"""Who may open an event's pages: the cohort's rules, used by the events and attendance views."""

from __future__ import annotations

from fellowship.events.models import Event
from fellowship.extensions import db
from fellowship.programs.access import require_cohort
from fellowship.programs.enums import Role


def event_for(event_id: int, manage: bool = False) -> tuple[Event, Role | None]:
    """The event and the user's role in its cohort; 404 outside the cohort, 403 if they may not manage it."""
    event = db.get_or_404(Event, event_id)
    return event, require_cohort(event.cohort, manage)
