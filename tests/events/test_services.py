import datetime as dt

import pytest

from fellowship.events.models import Event
from fellowship.events.services import EventError, parse_guests, to_utc


def test_to_utc_reads_wall_clock_time_in_the_events_zone() -> None:
    assert to_utc(dt.datetime(2024, 1, 18, 12, 0), "America/Chicago") == dt.datetime(
        2024, 1, 18, 18, 0, tzinfo=dt.UTC
    )
    assert to_utc(dt.datetime(2024, 7, 18, 12, 0), "America/Chicago") == dt.datetime(
        2024, 7, 18, 17, 0, tzinfo=dt.UTC
    )


def test_to_utc_refuses_the_hour_skipped_when_clocks_go_forward() -> None:
    with pytest.raises(EventError):
        to_utc(dt.datetime(2024, 3, 10, 2, 30), "America/Chicago")


def test_to_utc_reads_the_repeated_hour_as_the_first_one() -> None:
    assert to_utc(dt.datetime(2024, 11, 3, 1, 30), "America/Chicago") == dt.datetime(
        2024, 11, 3, 6, 30, tzinfo=dt.UTC
    )


def test_days_of_a_two_and_a_half_day_workshop() -> None:
    event = Event(
        starts_at=to_utc(dt.datetime(2024, 3, 14, 9, 0), "America/Chicago"),
        ends_at=to_utc(dt.datetime(2024, 3, 16, 13, 0), "America/Chicago"),
        timezone="America/Chicago",
    )
    assert event.days() == [dt.date(2024, 3, 14), dt.date(2024, 3, 15), dt.date(2024, 3, 16)]


def test_days_across_a_clock_change_and_ending_at_midnight() -> None:
    event = Event(
        starts_at=to_utc(dt.datetime(2024, 3, 9, 20, 0), "America/Chicago"),
        ends_at=to_utc(dt.datetime(2024, 3, 11, 0, 0), "America/Chicago"),
        timezone="America/Chicago",
    )
    assert event.days() == [dt.date(2024, 3, 9), dt.date(2024, 3, 10)]


def test_parse_guests_accepts_three_forms_and_skips_repeats() -> None:
    guests, errors = parse_guests(
        "ana@example.org\nBen Cho <BEN@example.org>\nCarla Ruiz, carla@example.org\nana@example.org"
    )
    assert errors == []
    assert guests == [
        ("ana", "ana@example.org"),
        ("Ben Cho", "ben@example.org"),
        ("Carla Ruiz", "carla@example.org"),
    ]


def test_parse_guests_reports_lines_without_an_address() -> None:
    guests, errors = parse_guests("ana@example.org\nno address here\n")
    assert errors == [(2, "“no address here” has no valid email address.")]
