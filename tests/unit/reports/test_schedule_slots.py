"""When a scheduled report falls due and what range it covers (reports/slots.py, pure). Calendar facts used:
22 Nov 2026 is a Sunday, 23 Nov a Monday; November has 30 days, February 2027 28."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from reports.slots import Cadence, check, due_slot, latest_slot, next_slot, slot_range


def at(y, m, d, h=0, mi=0):
    return datetime(y, m, d, h, mi, tzinfo=timezone.utc)


DAILY = Cadence("daily", hour=6)
MONDAYS = Cadence("weekly", hour=7, weekday=0)
LAST_DAY = Cadence("monthly", hour=6, day_of_month=31)


@pytest.mark.parametrize("cadence,now,slot", [
    (DAILY, at(2026, 11, 22, 5, 59), at(2026, 11, 21, 6)),       # before today's hour: yesterday's slot
    (DAILY, at(2026, 11, 22, 6, 0), at(2026, 11, 22, 6)),        # on the hour: today's
    (MONDAYS, at(2026, 11, 22, 12), at(2026, 11, 16, 7)),         # Sunday: the Monday before
    (MONDAYS, at(2026, 11, 23, 6, 59), at(2026, 11, 16, 7)),      # Monday before 07:00: still last week's
    (MONDAYS, at(2026, 11, 23, 7, 0), at(2026, 11, 23, 7)),
    (LAST_DAY, at(2026, 11, 22, 12), at(2026, 10, 31, 6)),        # day 31: October's 31st
    (LAST_DAY, at(2026, 11, 30, 6), at(2026, 11, 30, 6)),         # November has no 31st: its last day
    (LAST_DAY, at(2027, 2, 28, 7), at(2027, 2, 28, 6)),
    (Cadence("monthly", hour=6, day_of_month=5), at(2027, 1, 3), at(2026, 12, 5, 6)),   # across the year
])
def test_the_latest_slot_is_the_last_due_moment_at_or_before_now(cadence, now, slot):
    assert latest_slot(cadence, now) == slot


def test_the_next_slot_of_a_month_end_schedule_is_the_next_months_last_day():
    """After 30 Nov 06:00 (November's last day) comes 31 Dec 06:00; a weekly one a week on; a daily one a day on."""
    assert next_slot(LAST_DAY, at(2026, 11, 30, 6)) == at(2026, 12, 31, 6)
    assert next_slot(MONDAYS, at(2026, 11, 22, 12)) == at(2026, 11, 23, 7)
    assert next_slot(DAILY, at(2026, 11, 22, 12)) == at(2026, 11, 23, 6)


def test_a_slot_before_the_schedule_existed_is_not_due():
    """Made at 10:00 on 22 Nov, daily at 06:00: nothing due that day; the next morning's 06:00 slot is."""
    made = at(2026, 11, 22, 10)
    assert due_slot(DAILY, at(2026, 11, 22, 11), made) is None
    assert due_slot(DAILY, at(2026, 11, 23, 6, 30), made) == at(2026, 11, 23, 6)


@pytest.mark.parametrize("cadence,kind,slot,days", [
    (DAILY, "previous_period", at(2026, 11, 22, 6), (date(2026, 11, 21), date(2026, 11, 21))),
    (MONDAYS, "previous_period", at(2026, 11, 23, 7), (date(2026, 11, 16), date(2026, 11, 22))),   # Mon–Sun
    (Cadence("monthly", day_of_month=1), "previous_period", at(2026, 12, 1, 6),
     (date(2026, 11, 1), date(2026, 11, 30))),
    (Cadence("monthly", day_of_month=5), "previous_period", at(2026, 3, 5, 6),
     (date(2026, 2, 1), date(2026, 2, 28))),                      # the whole previous month, not 30 days
    (DAILY, "month_to_date", at(2026, 12, 1, 6), (date(2026, 11, 1), date(2026, 11, 30))),
    (MONDAYS, "quarter_to_date", at(2026, 11, 23, 7), (date(2026, 10, 1), date(2026, 11, 22))),
    (DAILY, "year_to_date", at(2027, 1, 1, 6), (date(2026, 1, 1), date(2026, 12, 31))),
])
def test_a_slot_covers_whole_days_before_its_own(cadence, kind, slot, days):
    assert slot_range(cadence, kind, slot) == days


def test_a_cadence_missing_its_day_or_with_a_bad_hour_is_refused_field_by_field():
    assert [i.field for i in check(Cadence("weekly", hour=24))] == ["hour", "weekday"]
    assert [i.field for i in check(Cadence("monthly", day_of_month=32))] == ["day_of_month"]
    assert [i.field for i in check(Cadence("hourly"))] == ["frequency"]
    assert check(MONDAYS) == [] and check(LAST_DAY) == []
