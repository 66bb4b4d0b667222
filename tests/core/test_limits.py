"""The rules for what the application accepts: dates in range, text without control characters."""

from __future__ import annotations

import datetime as dt

import pytest

from fellowship.core import limits


@pytest.mark.parametrize(
    ("value", "fine"),
    [
        (dt.date(1900, 1, 1), True),
        (dt.date(2200, 12, 31), True),
        (dt.datetime(2200, 12, 31, 23, 59), True),
        (dt.date(1899, 12, 31), False),
        (dt.date(2201, 1, 1), False),
        (dt.date.min, False),
        (dt.datetime.max, False),
        (None, True),
        (dt.time(12, 0), True),
    ],
)
def test_date_problem_is_none_only_inside_the_range(value: object, fine: bool) -> None:
    assert (limits.date_problem(value) is None) is fine


@pytest.mark.parametrize(
    ("text", "multiline", "fine"),
    [
        ("Fiona Fellow", False, True),
        ("Łódź, العربية, עברית 🙂", False, True),
        ("", False, True),
        ("two\nlines", True, True),
        ("tab\tand\r\nbreaks", True, True),
        ("tab\tin a name", False, False),
        ("line\nin a name", False, False),
        ("nul\x00", True, False),
        ("escape \x1b[31m", True, False),
        ("delete\x7f", True, False),
        ("next line\x85", True, False),
        ("lone \ud800 surrogate", True, False),
        ("right-to-left \u202e mark", False, True),
    ],
)
def test_text_problem_refuses_control_characters(text: str, multiline: bool, fine: bool) -> None:
    assert (limits.text_problem(text, multiline) is None) is fine


def test_text_problem_refuses_text_longer_than_allowed_and_says_how_long_it_is() -> None:
    assert limits.text_problem("x" * 500, max_length=500) is None
    assert str(limits.text_problem("x" * 501, max_length=500)) == "Use at most 500 characters (this has 501)."


def test_stored_values_beyond_the_range_are_read_at_its_edges() -> None:
    assert limits.clamp_stored(dt.date.min) == dt.date(1900, 1, 1)
    assert limits.clamp_stored(dt.date.max) == dt.date(2200, 12, 31)
    assert limits.clamp_stored(dt.date(2024, 2, 15)) == dt.date(2024, 2, 15)
    far = dt.datetime.max.replace(tzinfo=dt.UTC)
    assert limits.clamp_stored(far) == limits.STORED_LATEST
    moment = dt.datetime(2024, 2, 15, 18, tzinfo=dt.UTC)
    assert limits.clamp_stored(moment) == moment
    assert limits.clamp_stored(None) is None
