"""Working groups (seed 003): a cohort of a collective-impact program whose monthly meetings are hosted by its
member organisations in turn, take minutes (notes on each agenda item, decisions, action items with owners and
due dates) and carry every open action item onto the next meeting's agenda until it is done.

Builds on events: a meeting is an event of kind ``working_group``, in a cohort of a working-group program
(whose fellows are called members) or in any other cohort that meets as a working group. Importing the
blueprint registers the event page's minutes panel, the owners' home block and the personal-data holding.
"""

from fellowship.groups.views import bp

__all__ = ["bp"]

from fellowship.groups import personal  # noqa: E402, F401  (registers the groups' personal-data holding)
