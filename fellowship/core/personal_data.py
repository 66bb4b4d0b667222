"""Registry of what each domain holds about a person, for the "download my data" export.

Every domain that stores personal data registers a provider here (as panels are registered for the cohort
page), so the export in ``accounts`` covers domains that ``accounts`` cannot import.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Provider = Callable[[Any], Any]
_providers: dict[str, Provider] = {}


def register(section: str, provider: Provider) -> None:
    _providers[section] = provider


def collect(user: Any) -> dict[str, Any]:
    return {section: provider(user) for section, provider in sorted(_providers.items())}
