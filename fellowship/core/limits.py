"""What the application accepts from people, whatever the form: dates in a range every calculation can
handle, and text without control characters that fits where it is stored.

Every form gets these rules from ``core.forms.Form``; the few views that read ``request.form`` by hand (the
attendance grid, scores, module assignment) call the functions here, so the rules and their messages are
the same everywhere.

**The date range: 1 January 1900 to 31 December 2200.** A program's records (joining days, assistance,
events, deadlines, reporting periods) lie within a lifetime of today; the range allows every real one with
room to spare, catches mistyped years (0224, 20224), and keeps dates thousands of years away from the limits
of Python's dates (years 1 and 9999), so adding days, converting between timezones or taking "the day
after" can never overflow. Values saved before the range existed are read back clamped to it (see
``core.models``), so they cannot break a page either.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from flask_babel import lazy_gettext as _l

EARLIEST = dt.date(1900, 1, 1)
LATEST = dt.date(2200, 12, 31)

# Stored moments are kept a day inside Python's reach of the range: a wall-clock time on its first or last
# day, converted to UTC, may fall on the day before or after it.
STORED_EARLIEST = dt.datetime.combine(EARLIEST - dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
STORED_LATEST = dt.datetime.combine(LATEST + dt.timedelta(days=2), dt.time(), tzinfo=dt.UTC)

DATE_OUT_OF_RANGE = _l(
    "Enter a date from the year %(first)d to the year %(last)d.", first=EARLIEST.year, last=LATEST.year
)
CONTROL_CHARACTERS = _l(
    "This text contains invisible control characters (such as NUL) that cannot be saved. Remove them and "
    "try again."
)


def too_long(limit: int, length: int) -> Any:
    return _l("Use at most %(max)d characters (this has %(length)d).", max=limit, length=length)


# Unicode's control characters (C0, DEL and C1) and lone surrogates, which no encoding can store. Text
# over several lines keeps its tabs and line breaks.
_SINGLE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_MULTI_LINE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def date_problem(value: Any) -> Any:
    """The message for a date (or datetime) outside the accepted range; None when it is fine or empty."""
    if not isinstance(value, dt.date):
        return None  # empty, or a time of day
    day = value.date() if isinstance(value, dt.datetime) else value
    return None if EARLIEST <= day <= LATEST else DATE_OUT_OF_RANGE


def text_problem(value: str | None, multiline: bool = False, max_length: int | None = None) -> Any:
    """The message for text that cannot be accepted as it is; None when it is fine. Never shortens it."""
    if not value:
        return None
    if (_MULTI_LINE if multiline else _SINGLE_LINE).search(value):
        return CONTROL_CHARACTERS
    if max_length is not None and len(value) > max_length:
        return too_long(max_length, len(value))
    return None


def column_length(column: Any) -> int | None:
    """The length of a string column (``Event.title``), or None for unbounded text and other types."""
    kind = getattr(column, "type", None)
    length = getattr(kind, "length", None)
    return length if isinstance(length, int) else None


def clamp_stored(value: Any) -> Any:
    """A stored date or aware datetime, moved inside the range when it lies beyond it (saved before the
    range was enforced), so arithmetic on what pages read cannot overflow."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return min(max(value, STORED_EARLIEST), STORED_LATEST)
    return min(max(value, EARLIEST), LATEST)
