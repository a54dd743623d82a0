"""The kernel clock (system or fixed, set from configuration) and the one ISO date parser with its range check."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from backoffice.clock import Clock, FixedClock, from_setting
from backoffice.dates import parse_date


def test_a_fixed_clock_given_a_day_stands_at_noon_utc_of_that_day():
    clock = FixedClock(date(2026, 11, 22))
    assert clock.now() == datetime(2026, 11, 22, 12, 0, tzinfo=timezone.utc)
    assert clock.today() == date(2026, 11, 22)


def test_a_fixed_clock_advances_only_when_told_and_today_follows_now():
    """22 Nov 12:00 UTC + 13 h = 23 Nov 01:00 UTC: the day turns with the time."""
    clock = FixedClock(date(2026, 11, 22))
    clock.advance(hours=13)
    assert clock.now() == datetime(2026, 11, 23, 1, 0, tzinfo=timezone.utc)
    assert clock.today() == date(2026, 11, 23)


def test_a_fixed_clock_keeps_times_in_utc_and_refuses_a_naive_time():
    eastern = timezone(timedelta(hours=-5))
    clock = FixedClock(datetime(2026, 11, 22, 21, 30, tzinfo=eastern))
    assert clock.now() == datetime(2026, 11, 23, 2, 30, tzinfo=timezone.utc)
    assert clock.today() == date(2026, 11, 23)
    with pytest.raises(ValueError):
        FixedClock(datetime(2026, 11, 22, 9, 0))


def test_the_system_clock_tells_timezone_aware_utc_time():
    before = datetime.now(timezone.utc)
    now = Clock().now()
    assert now.tzinfo is not None and now.utcoffset() == timedelta(0)
    assert before <= now <= datetime.now(timezone.utc)
    assert Clock().today() in (before.date(), datetime.now(timezone.utc).date())


@pytest.mark.parametrize("setting,now", [
    ("2026-11-22", datetime(2026, 11, 22, 12, 0, tzinfo=timezone.utc)),
    ("2026-11-22T08:15:00", datetime(2026, 11, 22, 8, 15, tzinfo=timezone.utc)),
    ("2026-11-22T08:15:00-05:00", datetime(2026, 11, 22, 13, 15, tzinfo=timezone.utc)),
])
def test_the_clock_setting_fixes_the_clock_at_an_iso_date_or_time(setting, now):
    assert from_setting(setting).now() == now


def test_no_clock_setting_means_the_system_clock_and_a_clock_object_is_used_as_given():
    assert type(from_setting(None)) is Clock and type(from_setting("")) is Clock
    fixed = FixedClock(date(2026, 1, 2))
    assert from_setting(fixed) is fixed


@pytest.mark.parametrize("raw,day", [("2026-11-22", date(2026, 11, 22)), (" 2024-02-29 ", date(2024, 2, 29)),
                                     (date(2026, 1, 5), date(2026, 1, 5)), ("1900-01-01", date(1900, 1, 1)),
                                     ("2199-12-31", date(2199, 12, 31))])
def test_an_iso_date_or_a_date_is_read(raw, day):
    assert parse_date(raw) == day


@pytest.mark.parametrize("raw,message", [
    ("2026-02-30", "'2026-02-30' is not a date (YYYY-MM-DD)"),       # the right shape, not a calendar day
    ("2025-02-29", "'2025-02-29' is not a date (YYYY-MM-DD)"),       # 2025 is not a leap year
    ("11/22/2026", "'11/22/2026' is not a date (YYYY-MM-DD)"),
    ("20261122", "'20261122' is not a date (YYYY-MM-DD)"),           # ISO basic form: not what the forms ask for
    ("2026-11-22T10:00", "'2026-11-22T10:00' is not a date (YYYY-MM-DD)"),
    (20261122, "20261122 is not a date (YYYY-MM-DD)"),
    (None, "None is not a date (YYYY-MM-DD)"),
    ("0202-01-01", "0202-01-01 is not between 1900 and 2199"),       # a typo for 2020, not a date to act on
    ("2206-01-01", "2206-01-01 is not between 1900 and 2199"),
])
def test_anything_else_is_refused_saying_why(raw, message):
    with pytest.raises(ValueError) as exc:
        parse_date(raw)
    assert str(exc.value) == message


def test_a_timestamp_is_not_a_date():
    with pytest.raises(ValueError):
        parse_date(datetime(2026, 11, 22, 10, 0, tzinfo=timezone.utc))
