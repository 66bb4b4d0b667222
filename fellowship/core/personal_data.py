"""Registry of what each domain holds about a person: its part of "download my data", and its eraser.

Every domain that stores personal data registers one ``Holding`` here (as panels are registered for the
cohort page), so the export and the erasure in ``accounts`` cover domains that ``accounts`` cannot import.
A holding names the tables it answers for; ``tests/core/test_personal_data.py`` fails when a table that
points at a person (a key to ``users``, an address or a name column) is claimed by no holding, so a new
domain cannot forget its eraser.

Erasure keeps the person's row and every row that a figure counts (memberships, attendance, receipts,
votes, scores): it removes what says *who* they were, and the text they wrote. Each eraser flushes, never
commits; ``accounts.erasure.erase`` runs them all in one transaction.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from fellowship.extensions import db


@dataclass(frozen=True)
class Erasure:
    """What an eraser needs: the person, what they were called (read before anything changed), and the
    placeholder that replaces their name everywhere ("Erased person #N")."""

    user: Any
    name: str
    email: str
    label: str
    actor_id: int | None
    now: dt.datetime

    def scrub(self, text: str) -> str:
        """``text`` with the person's name and address replaced by the placeholder."""
        for secret in self.secrets():
            text = text.replace(secret, self.label)
        return text

    def secrets(self) -> list[str]:
        """The strings that must not survive: the address (as typed and lower-case) and the name, longest
        first so an address is replaced before the name inside it. Names shorter than three characters
        are left alone: replacing them would mangle unrelated words."""
        found = {self.email, self.email.lower()}
        if len(self.name.strip()) >= 3:
            found.add(self.name.strip())
        return sorted((s for s in found if s), key=len, reverse=True)

    def scrub_json(self, value: Any) -> Any:
        """``scrub`` applied to every string inside a JSON value."""
        if isinstance(value, str):
            return self.scrub(value)
        if isinstance(value, list):
            return [self.scrub_json(v) for v in value]
        if isinstance(value, dict):
            return {k: self.scrub_json(v) for k, v in value.items()}
        return value

    def scrub_rows(self, model: Any, columns: Iterable[str]) -> None:
        """Every row of ``model`` whose text ``columns`` mention the person, scrubbed (found in one query)."""
        columns, secrets = tuple(columns), self.secrets()
        if not secrets:
            return
        naming = sa.or_(
            *(getattr(model, c).contains(secret, autoescape=True) for secret in secrets for c in columns)
        )
        for row in db.session.scalars(sa.select(model).where(naming)):
            for column in columns:
                setattr(row, column, self.scrub(getattr(row, column)))

    def mentioned_in(self, value: Any) -> bool:
        text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
        return any(secret in text for secret in self.secrets())


Provider = Callable[[Any], Any]
Eraser = Callable[[Erasure], None]


@dataclass(frozen=True)
class Holding:
    section: str
    export: Provider
    erase: Eraser
    tables: tuple[str, ...]
    """The tables whose personal data this holding exports and erases (or keeps on purpose, said in its
    eraser's docstring)."""


_holdings: dict[str, Holding] = {}


def register(section: str, export: Provider, *, erase: Eraser, tables: Iterable[str]) -> None:
    _holdings[section] = Holding(section, export, erase, tuple(tables))


def holdings() -> list[Holding]:
    return [holding for _section, holding in sorted(_holdings.items())]


def collect(user: Any) -> dict[str, Any]:
    return {holding.section: holding.export(user) for holding in holdings()}


def erase_everywhere(erasure: Erasure) -> None:
    for holding in holdings():
        holding.erase(erasure)
