"""Programs, cohorts, memberships and rosters."""

from fellowship.programs.views import bp

__all__ = ["bp"]
