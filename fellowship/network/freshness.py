"""How an entry goes stale: pure date arithmetic, no database.

With ``FELLOWSHIP_NETWORK_CONFIRM_MONTHS`` = *m* (6 by default), an entry last confirmed at *t*

- is due for an "is this still true?" email from *t* + *m* months (``reminder_due``);
- leaves search at *t* + *m* + 1 months, the month of grace to answer (``search_cutoff``);
- is archived at *t* + 2*m* + 1 months (``archive_cutoff``): out of search for as long again as it was
  fresh, which gives an owner back from a long absence time to find it and confirm it. An archived entry is
  kept for its owner (who may edit it, which confirms and restores it); nothing else shows it.

Months are calendar months; a day missing from the shorter month is its last day (31 March - 1 month is
29 February in a leap year).
"""

from __future__ import annotations

import calendar
import datetime as dt

from flask import current_app

DEFAULT_CONFIRM_MONTHS = 6
GRACE_MONTHS = 1


def confirm_months() -> int:
    """The setting, at least one month."""
    return max(1, int(current_app.config.get("FELLOWSHIP_NETWORK_CONFIRM_MONTHS", DEFAULT_CONFIRM_MONTHS)))


def months_before(moment: dt.datetime, months: int) -> dt.datetime:
    index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def reminder_due(now: dt.datetime, months: int) -> dt.datetime:
    """Entries confirmed before this moment are due for the owner's reminder."""
    return months_before(now, months)


def search_cutoff(now: dt.datetime, months: int) -> dt.datetime:
    """Entries confirmed before this moment no longer show in search."""
    return months_before(now, months + GRACE_MONTHS)


def archive_cutoff(now: dt.datetime, months: int) -> dt.datetime:
    """Entries confirmed before this moment are archived."""
    return months_before(now, 2 * months + GRACE_MONTHS)
