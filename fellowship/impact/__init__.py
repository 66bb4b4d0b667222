"""Impact reporting: technical assistance, participants' demographics, the funder's period report."""

from fellowship.impact.views import bp

__all__ = ["bp"]
