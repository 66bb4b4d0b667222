"""Locale and timezone selection and the template filters that format dates in them.

Order of precedence for the locale: the language chosen with the switcher (kept in the session), the
signed-in user's saved preference, the browser's Accept-Language, English.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

from babel import dates as babel_dates
from flask import g, has_request_context, request, session
from flask_babel import get_locale
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from fellowship.config import LOCALES, RTL_LOCALES

LANGUAGE_NAMES = {
    "en": "English",
    "es": "Español",
    "pl": "Polski",
    "ar": "العربية",
    "he": "עברית",
}


def select_locale() -> str:
    if not has_request_context():
        return "en"  # commands (the demo, dispatch) choose each message's language themselves
    if g.get("public_page"):
        # Cacheable public pages depend on the address and Accept-Language only, never on a session.
        asked = request.args.get("lang")
        return asked if asked in LOCALES else request.accept_languages.best_match(LOCALES) or "en"
    chosen = session.get("locale")
    if chosen in LOCALES:
        return chosen
    user_locale = getattr(current_user, "locale", None)
    if user_locale in LOCALES:
        return user_locale
    return request.accept_languages.best_match(LOCALES) or "en"


def select_timezone() -> str:
    tz = getattr(current_user, "timezone", None)
    return tz if tz and is_timezone(tz) else "UTC"


def is_timezone(name: str) -> bool:
    return name in _timezones()


_TZ_CACHE: frozenset[str] | None = None


def _timezones() -> frozenset[str]:
    global _TZ_CACHE
    if _TZ_CACHE is None:
        _TZ_CACHE = frozenset(available_timezones())
    return _TZ_CACHE


@functools.cache
def _choosable_timezones() -> tuple[str, ...]:
    return tuple(
        name
        for name in sorted(_timezones())
        if name == "UTC"
        or ("/" in name and not name.startswith(("Etc/", "SystemV/", "US/", "posix/", "right/")))
    )


def timezone_choices() -> list[SelectChoice]:
    return [SelectChoice(name, name.replace("_", " ")) for name in _choosable_timezones()]


def text_direction(locale: str | None = None) -> str:
    code = locale or str(get_locale() or "en")
    return "rtl" if code.split("_")[0] in RTL_LOCALES else "ltr"


def format_date(value: dt.date | None, fmt: str = "medium") -> str:
    if value is None:
        return ""
    return _date(value, fmt, get_locale())


# Dates repeat on a page (a cohort's members mostly joined on its first day, its cohorts share terms), and
# Babel's formatting is pure, so the text is remembered per (value, format, locale).
@functools.lru_cache(maxsize=4096)
def _date(value: dt.date, fmt: str, locale: Any) -> str:
    return babel_dates.format_date(value, format=fmt, locale=locale)


@functools.lru_cache(maxsize=4096)
def _date_range(start: dt.date, end: dt.date, locale: Any) -> str:
    return babel_dates.format_interval(start, end, "yMMMd", locale=locale)


def format_datetime_in(value: dt.datetime | None, tz: str | None, fmt: str = "medium") -> str:
    """Format an aware datetime in the given IANA timezone (a cohort's or event's), in the user's locale.

    The date follows the named format; the time is always the locale's short time: a session starts at
    "12:00 PM", never "12:00:00 PM" (nor with a zone name: the page says which zone). The locale's patterns
    are looked up once instead of on every call: a year's report formats 1,500 dates."""
    if value is None:
        return ""
    zone = ZoneInfo(tz) if tz and is_timezone(tz) else ZoneInfo("UTC")
    locale = get_locale()
    if fmt not in _NAMED_FORMATS:
        return babel_dates.format_datetime(value, format=fmt, tzinfo=zone, locale=locale)
    combined, date_pattern, time_pattern = _datetime_patterns(fmt, locale)
    local = value.astimezone(zone)
    return combined.replace("{0}", time_pattern.apply(local, locale)).replace(
        "{1}", date_pattern.apply(local, locale)
    )


_NAMED_FORMATS = frozenset({"full", "long", "medium", "short"})


@functools.lru_cache(maxsize=64)
def _datetime_patterns(fmt: str, locale: Any) -> tuple[str, Any, Any]:
    return (
        str(babel_dates.get_datetime_format(fmt, locale=locale)).replace("'", ""),
        babel_dates.get_date_format(fmt, locale=locale),
        babel_dates.get_time_format("short", locale=locale),
    )


def format_until(value: dt.datetime | None, tz: str | None) -> str:
    """When something stays open until: a moment at midnight in ``tz`` is the end of the day before, so an
    evaluation closing at the end of December 14 reads "Dec 14, 2024", not "Dec 15, 2024, 12:00 AM"."""
    if value is None:
        return ""
    zone = ZoneInfo(tz) if tz and is_timezone(tz) else ZoneInfo("UTC")
    local = value.astimezone(zone)
    if local.time() == dt.time(0, 0):
        return format_date(local.date() - dt.timedelta(days=1))
    return format_datetime_in(value, tz)


def format_date_range(start: dt.date, end: dt.date) -> str:
    return _date_range(start, end, get_locale())


def format_when(value: dt.datetime | None, tz: str | None) -> str:
    """A long, friendly date with a short time ("Thursday, February 15, 2024 at 12:00 PM") in ``tz``."""
    if value is None:
        return ""
    zone = ZoneInfo(tz) if tz and is_timezone(tz) else ZoneInfo("UTC")
    locale = get_locale()
    local = value.astimezone(zone)
    day = babel_dates.format_date(local.date(), "full", locale=locale)
    time = babel_dates.format_time(local, "short", tzinfo=zone, locale=locale)
    return (
        str(babel_dates.get_datetime_format("long", locale=locale)).replace("{1}", day).replace("{0}", time)
    )
