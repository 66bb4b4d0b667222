import datetime as dt

import pytest

from fellowship.core import clock


def test_clock_can_be_set_and_advanced() -> None:
    try:
        clock.set_time(dt.datetime(2024, 3, 14, 15, 0, tzinfo=dt.UTC))
        clock.advance(dt.timedelta(hours=10))
        assert clock.now() == dt.datetime(2024, 3, 15, 1, 0, tzinfo=dt.UTC)
        assert clock.today() == dt.date(2024, 3, 15)
        assert clock.today("America/Chicago") == dt.date(2024, 3, 14)
    finally:
        clock.reset()


def test_clock_refuses_naive_time() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        clock.set_time(dt.datetime(2024, 3, 14, 15, 0))  # noqa: DTZ001


def test_clock_runs_in_utc_when_not_set() -> None:
    assert clock.now().tzinfo is dt.UTC
