"""A cohort that talks to itself: facilitators' announcements, and members' threads under an announcement,
a module or an event, with an hourly digest of replies to the threads each person follows.

Threads hang off other domains' objects through ``core.subjects``, so this package builds on ``programs``
and imports no domain above it. The blueprint is in ``views``; importing it also registers the personal-data
holding (``personal``), the cohort, event and module panels and the home block.
"""

from fellowship.discussions.views import bp

__all__ = ["bp"]

# Registers the dispatchers of `flask fellowship dispatch` (announcement emails, reply digests).
from fellowship.discussions import notices  # noqa: E402, F401
