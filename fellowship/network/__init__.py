"""The co-op network: organisations and people listing what they offer and what they need, found by
category, skill, place and language in any of the site's languages, and kept fresh by asking owners to
confirm their entries. Signed-in members of every program use it (``access``); organisations that choose to
are listed in a public directory of offers.

The blueprint (views, forms, templates) is in ``views``; importing it also registers the network's
personal-data holding (``personal``).
"""

from fellowship.network.views import bp

__all__ = ["bp"]

# Registers the network's dispatchers of `flask fellowship dispatch` (reminders, archive).
from fellowship.network import notices  # noqa: E402, F401
