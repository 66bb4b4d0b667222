"""What changed between two submissions of a worksheet, for the reviewer.

Each displayed answer (see ``worksheet_forms.display_answers``) gets ``changed``; text answers also get
``diff``, a list of ``(kind, text)`` pieces where kind is ``same``, ``added`` or ``removed``, compared word
by word with the standard library's :mod:`difflib`; other answers get ``before``, the earlier display entry.
"""

from __future__ import annotations

import difflib
import re
from typing import Any

_TOKENS = re.compile(r"\s+|[^\s]+")
_TEXT_TYPES = {"short_text", "long_text"}


def _words(text: Any) -> list[str]:
    return _TOKENS.findall("" if text is None else str(text))


def word_diff(before: Any, after: Any) -> list[tuple[str, str]]:
    old, new = _words(before), _words(after)
    pieces: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            pieces.append(("same", "".join(new[b1:b2])))
            continue
        if a2 > a1:
            pieces.append(("removed", "".join(old[a1:a2])))
        if b2 > b1:
            pieces.append(("added", "".join(new[b1:b2])))
    return pieces


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
