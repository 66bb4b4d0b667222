"""Locale and timezone selection and the template filters that format dates in them.

Order of precedence for the locale: a language named in the address (``?lang=``), the language chosen
with the switcher (kept in the session), the signed-in user's saved preference, the browser's
Accept-Language, English. Public pages (no session) take ``?lang=`` or the browser only.

The language follows the reader: pages anyone may open without signing in (contest pages, voting,
certificate checks, guests' links) are registered with ``language_follows``, and every link to them
carries the language of the page it is on, so a reader who chose Arabic on a project page votes in
Arabic. Emails' links to such pages carry the recipient's language (``external_url(..., lang=...)``).
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
from markupsafe import Markup, escape
from wtforms.fields.choices import SelectChoice

from fellowship.config import LOCALES, RTL_LOCALES

LANGUAGE_NAMES = {
    "en": "English",
    "es": "Español",
    "pl": "Polski",
    "ar": "العربية",
    "he": "עברית",
}


_FOLLOWING: set[str] = set()


def language_follows(*endpoints: str) -> None:
    """Links to these endpoints carry the language of the page they are on (``?lang=``)."""
    _FOLLOWING.update(endpoints)


def carry_language(endpoint: str | None, values: dict[str, Any]) -> None:
    """``url_defaults`` hook: add the page's language to a link to a page the language follows."""
    if endpoint in _FOLLOWING and "lang" not in values and has_request_context():
        values["lang"] = str(get_locale() or "en")


def select_locale() -> str:
    if not has_request_context():
        return "en"  # commands (the demo, dispatch) choose each message's language themselves
    asked = request.args.get("lang")
    if asked in LOCALES:
        return asked
    if g.get("public_page"):
        # Cacheable public pages depend on the address and Accept-Language only, never on a session.
        return request.accept_languages.best_match(LOCALES) or "en"
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


class LocalText(str):
    """A text that knows its language: the reader's, or a fallback (English when a module lacks theirs)."""

    lang: str

    def __new__(cls, value: str, lang: str) -> LocalText:
        made = super().__new__(cls, value)
        made.lang = lang
        return made


def _foreign(value: Any) -> str | None:
    """The language of ``value`` when it is not the page's, else None."""
    lang = getattr(value, "lang", None)
    return lang if lang and lang != str(get_locale() or "en") else None


def marked(value: Any) -> Markup:
    """Text for a page, marked with its own language and direction when it is not the page's, so an
    English fallback inside an Arabic page keeps its full stop and numbers where English readers expect
    them (and screen readers pronounce it as English)."""
    lang = _foreign(value)
    if lang is None:
        return escape(value)
    return Markup('<span lang="{}" dir="{}">{}</span>').format(lang, text_direction(lang), value)


def lang_attrs(value: Any) -> Markup:
    """`` lang="…" dir="…"`` for an element holding ``value`` when its language is not the page's."""
    lang = _foreign(value)
    if lang is None:
        return Markup("")
    return Markup(' lang="{}" dir="{}"').format(lang, text_direction(lang))


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
