"""What changed between two submissions of a worksheet, for the reviewer.

Each displayed answer (see ``worksheet_forms.display_answers``) gets ``changed``; text answers also get
``diff``, a list of ``(kind, text)`` pieces where kind is ``same``, ``added`` or ``removed``, compared word
by word (``core.textdiff``); other answers get ``before``, the earlier display entry.
"""

from __future__ import annotations

from typing import Any

from fellowship.core.textdiff import word_diff

_TEXT_TYPES = {"short_text", "long_text"}


def _shown(entry: dict[str, Any]) -> Any:
    return entry.get("rows") if entry["type"] == "table" else entry.get("value")


def mark_changes(now: list[dict[str, Any]], before: list[dict[str, Any]] | None) -> int:
    """Mark the entries of ``now`` that differ from ``before``; returns how many changed.

    Without an earlier submission nothing is marked: everything is new to the reviewer anyway.
    """
    if before is None:
        return 0
    earlier = {entry["name"]: entry for entry in before}
    changed = 0
    for entry in now:
        old = earlier.get(entry["name"])
        old_value = _shown(old) if old else None
        if (old_value or None) == (_shown(entry) or None):
            entry["changed"] = False
            continue
        changed += 1
        entry["changed"] = True
        if entry["type"] in _TEXT_TYPES:
            entry["diff"] = word_diff(old_value, entry.get("value"))
        else:
            entry["before"] = old
    return changed
