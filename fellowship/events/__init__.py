"""Events (webinars, workshops, office hours, working-group meetings, ceremonies), agendas, invitations."""

from fellowship.events.views import bp

__all__ = ["bp"]
