"""What changed between two texts, word by word, for people reading a revision: a list of ``(kind, text)``
pieces where kind is ``same``, ``added`` or ``removed``, found by the standard library's :mod:`difflib`.
Used by the worksheet review (curriculum) and the common agenda's versions (groups)."""

from __future__ import annotations

import difflib
import re
from typing import Any

_TOKENS = re.compile(r"\s+|[^\s]+")


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
