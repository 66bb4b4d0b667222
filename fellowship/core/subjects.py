"""References to another domain's objects ("subjects") that a lower domain can hold and show.

A discussion thread hangs off a cohort's event or module, and an announcement may point at one; yet
``discussions`` builds on ``programs`` only and may import neither ``events`` nor ``curriculum``. So a
reference is a plain pair (kind, id) scoped by a cohort, and each domain that owns a kind registers how to
describe its objects (a title and an address) when its views module is imported, as it registers panels.

A kind's ``describe`` answers for one cohort and a batch of ids in a fixed number of queries, and leaves out
every id that is not that cohort's (or that its members may not see), so a reference taken from another
cohort resolves to nothing and the page answers 404.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Subject:
    kind: str
    id: int
    title: str
    url: str


@dataclass(frozen=True)
class SubjectKind:
    name: str
    """The key stored in references ("event", "module"); it appears in addresses, so it never changes."""
    label: Any
    """What the kind is called ("Event"), lazily translated."""
    describe: Callable[[int, Sequence[int]], dict[int, Subject]]
    """(cohort id, ids) -> the cohort's subjects among ``ids``, by id."""
    choices: Callable[[int], list[Subject]]
    """The cohort's subjects of this kind in the order people expect them (an announcement points at one)."""


_kinds: dict[str, SubjectKind] = {}


def register(kind: SubjectKind) -> None:
    _kinds[kind.name] = kind


def kinds() -> list[SubjectKind]:
    return [kind for _name, kind in sorted(_kinds.items())]


def kind(name: str) -> SubjectKind | None:
    return _kinds.get(name)


def describe(name: str, cohort_id: int, ids: Sequence[int]) -> dict[int, Subject]:
    """The cohort's subjects of kind ``name`` among ``ids``; nothing for an unknown kind."""
    found = _kinds.get(name)
    if found is None or not ids:
        return {}
    return found.describe(cohort_id, ids)


def describe_many(cohort_id: int, references: Sequence[tuple[str, int]]) -> dict[tuple[str, int], Subject]:
    """Several references at once: one ``describe`` call per kind, whatever their number."""
    by_kind: dict[str, list[int]] = {}
    for name, subject_id in references:
        by_kind.setdefault(name, []).append(subject_id)
    found: dict[tuple[str, int], Subject] = {}
    for name, ids in by_kind.items():
        for subject_id, subject in describe(name, cohort_id, ids).items():
            found[(name, subject_id)] = subject
    return found
