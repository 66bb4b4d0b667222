"""Taking turns: who hosts each of a series of meetings when hosting goes round (a working group's member
organisations, a local group's members). A pure calculation, shared by the domains that rotate hosts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def take_turns(meetings: Sequence[Any], candidates: Sequence[Any], chosen: dict[int, int]) -> dict[int, Any]:
    """Each meeting's host (by meeting id): the candidate chosen for it, else the candidate after the
    previous meeting's host (in the order of ``candidates``), starting from the first. Meetings and
    candidates are anything with an ``id``; a choice naming someone no longer a candidate is ignored."""
    by_id = {candidate.id: candidate for candidate in candidates}
    order = [candidate.id for candidate in candidates]
    found: dict[int, Any] = {}
    position = -1
    for meeting in meetings:
        picked = chosen.get(meeting.id)
        if picked is not None and picked in by_id:
            position = order.index(picked)
            found[meeting.id] = by_id[picked]
        elif order:
            position = (position + 1) % len(order)
            found[meeting.id] = by_id[order[position]]
    return found
