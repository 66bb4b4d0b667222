"""Post-session evaluations: survey templates, an event's evaluation, one response per attendee, summaries."""

from fellowship.evaluations import notices  # noqa: F401  (registers the dispatcher)
from fellowship.evaluations.views import bp

__all__ = ["bp"]
