"""The application's single source of "now".

Code asks ``clock.now()`` or ``clock.today(tz)`` instead of ``datetime.now()`` so tests can set the time.
The override is for tests only; production never sets it.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

_frozen: dt.datetime | None = None


def now() -> dt.datetime:
    """Current time, timezone-aware, in UTC."""
    if _frozen is not None:
        return _frozen
    return dt.datetime.now(dt.UTC)


def today(tz: str | None = None) -> dt.date:
    """Today's date in ``tz`` (an IANA name), UTC when omitted."""
    current = now()
    return current.astimezone(ZoneInfo(tz)).date() if tz else current.date()


def set_time(value: dt.datetime) -> None:
    if value.tzinfo is None:
        raise ValueError("the clock takes timezone-aware datetimes")
    global _frozen
    _frozen = value.astimezone(dt.UTC)


def advance(delta: dt.timedelta) -> None:
    set_time(now() + delta)


def reset() -> None:
    global _frozen
    _frozen = None
