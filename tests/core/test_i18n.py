"""Locale choice (switcher, saved preference, Accept-Language), right-to-left, and formatting."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from flask_babel import force_locale

from fellowship.accounts.models import User
from fellowship.core import i18n
from fellowship.extensions import db
from tests.conftest import World


def html_tag(body: str) -> str:
    match = re.search(r"<html[^>]*>", body)
    assert match is not None
    return match.group(0)


def test_accept_language_picks_the_locale(client: Any, app: Any) -> None:
    assert html_tag(
        client.get("/sign-in", headers={"Accept-Language": "es-MX,es;q=0.9"}).get_data(as_text=True)
    ) == ('<html lang="es" dir="ltr">')


def test_hebrew_and_arabic_are_right_to_left(client: Any, app: Any) -> None:
    for code in ("he", "ar"):
        body = client.get("/sign-in", headers={"Accept-Language": code}).get_data(as_text=True)
        assert html_tag(body) == f'<html lang="{code}" dir="rtl">'


def test_unsupported_language_falls_back_to_english(client: Any, app: Any) -> None:
    body = client.get("/sign-in", headers={"Accept-Language": "fr-FR"}).get_data(as_text=True)
    assert html_tag(body) == '<html lang="en" dir="ltr">'


def test_switcher_overrides_browser_language(client: Any, app: Any) -> None:
    response = client.post("/language", data={"locale": "pl", "next": "/sign-in"})
    assert (response.status_code, response.headers["Location"]) == (302, "/sign-in")
    body = client.get("/sign-in", headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert html_tag(body) == '<html lang="pl" dir="ltr">'


def test_switcher_saves_the_signed_in_users_preference(world: World, client_as: Any) -> None:
    client = client_as("fellow")
    client.post("/language", data={"locale": "ar", "next": "/"})
    assert db.session.get(User, world.users["fellow"].id).locale == "ar"


def test_saved_preference_applies_before_browser_language(world: World, client_as: Any) -> None:
    world.users["fellow"].locale = "he"
    db.session.commit()
    body = client_as("fellow").get("/", headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert html_tag(body) == '<html lang="he" dir="rtl">'


def test_switcher_refuses_unknown_locale_and_foreign_next(client: Any, app: Any) -> None:
    assert client.post("/language", data={"locale": "xx", "next": "/"}).status_code == 400
    response = client.post("/language", data={"locale": "es", "next": "//evil.example"})
    assert response.headers["Location"] == "/"


def test_datetimes_are_shown_in_the_cohort_timezone(app: Any) -> None:
    moment = dt.datetime(2024, 1, 18, 18, 0, tzinfo=dt.UTC)
    with app.test_request_context(), force_locale("en"):
        assert i18n.format_datetime_in(moment, "America/Chicago", "short") == "1/18/24, 12:00\u202fPM"
        assert i18n.format_datetime_in(moment, "Europe/Warsaw", "short") == "1/18/24, 7:00\u202fPM"
    with app.test_request_context(), force_locale("pl"):
        assert i18n.format_datetime_in(moment, "Europe/Warsaw", "short") == "18.01.2024, 19:00"


def test_dates_follow_the_locale(app: Any) -> None:
    with app.test_request_context(), force_locale("es"):
        assert (
            i18n.format_date_range(dt.date(2024, 1, 10), dt.date(2024, 12, 15))
            == "10 ene\u2009–\u200915 dic 2024"
        )
    with app.test_request_context(), force_locale("en"):
        assert i18n.format_date(dt.date(2024, 3, 14)) == "Mar 14, 2024"


def test_datetime_text_is_babels_date_with_the_short_time_in_every_locale_format_and_zone(app: Any) -> None:
    """The formatter that looks the locale's patterns up once writes Babel's text for the date in the named
    format, joined by the locale's pattern to the short time: times never show seconds."""
    from zoneinfo import ZoneInfo

    from babel import dates

    moments = [
        dt.datetime(2024, 1, 18, 18, 0, tzinfo=dt.UTC),
        dt.datetime(2024, 3, 10, 7, 59, tzinfo=dt.UTC),  # a minute before Chicago's spring-forward
        dt.datetime(2024, 3, 10, 8, 1, tzinfo=dt.UTC),
        dt.datetime(2024, 10, 27, 0, 30, tzinfo=dt.UTC),  # Warsaw's autumn change
        dt.datetime(2025, 12, 31, 23, 45, tzinfo=dt.UTC),
    ]
    zones = ["America/Chicago", "Europe/Warsaw", "Asia/Jerusalem", "UTC"]
    with app.test_request_context():
        for code in ("en", "es", "pl", "ar", "he"):
            with force_locale(code):
                for fmt in ("short", "medium", "long", "full"):
                    for zone in zones:
                        for moment in moments:
                            local = moment.astimezone(ZoneInfo(zone))
                            expected = (
                                str(dates.get_datetime_format(fmt, locale=code))
                                .replace("'", "")
                                .replace("{1}", dates.format_date(local, fmt, locale=code))
                                .replace("{0}", dates.format_time(local, "short", locale=code))
                            )
                            assert i18n.format_datetime_in(moment, zone, fmt) == expected, (code, fmt, zone)


def test_times_show_no_seconds_and_open_until_names_the_last_day(app: Any) -> None:
    moment = dt.datetime(2024, 1, 18, 18, 0, tzinfo=dt.UTC)
    end_of_day = dt.datetime(2024, 12, 15, 6, 0, tzinfo=dt.UTC)  # midnight in Chicago: Dec 14 is the last day
    with app.test_request_context(), force_locale("en"):
        assert i18n.format_datetime_in(moment, "America/Chicago", "medium") == "Jan 18, 2024, 12:00\u202fPM"
        assert i18n.format_until(end_of_day, "America/Chicago") == "Dec 14, 2024"
        assert i18n.format_until(moment, "America/Chicago") == "Jan 18, 2024, 12:00\u202fPM"
