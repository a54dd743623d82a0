"""Pay calendar: banking holidays from the data file against the published Federal Reserve dates, pay dates moved
off weekends and holidays, schedule periods."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from backoffice.errors import DomainError
from payroll import calendar as cal

# Federal Reserve holiday schedule (frbservices.org, "Holiday Schedules") for 2026: the days the Reserve Banks are
# closed. July 4, 2026 is a Saturday: not observed (the Banks are open Friday July 3).
FED_2026 = {
    date(2026, 1, 1): "New Year's Day", date(2026, 1, 19): "Birthday of Martin Luther King, Jr.",
    date(2026, 2, 16): "Washington's Birthday", date(2026, 5, 25): "Memorial Day",
    date(2026, 6, 19): "Juneteenth National Independence Day", date(2026, 9, 7): "Labor Day",
    date(2026, 10, 12): "Columbus Day", date(2026, 11, 11): "Veterans Day", date(2026, 11, 26): "Thanksgiving Day",
    date(2026, 12, 25): "Christmas Day",
}


def test_2026_bank_holidays_are_the_federal_reserve_closings():
    assert cal.bank_holidays(2026) == FED_2026


@pytest.mark.parametrize("holiday, observed", [
    (date(2027, 12, 25), None),                 # Saturday: not observed
    (date(2028, 1, 1), None),                   # Saturday
    (date(2027, 7, 4), date(2027, 7, 5)),       # Sunday: the Monday after
    (date(2028, 6, 19), date(2028, 6, 19)),     # Monday
])
def test_weekend_rule(holiday, observed):
    days = cal.bank_holidays(holiday.year)
    if observed is None:
        friday = holiday - timedelta(days=1)
        assert holiday not in days and friday not in cal.bank_holidays(friday.year)
    else:
        assert observed in days


def test_a_year_without_data_is_refused_clearly():
    with pytest.raises(DomainError, match="no US banking-holiday calendar for 2040"):
        cal.bank_holidays(2040)


@pytest.mark.parametrize("period_end, lag, expected", [
    (date(2026, 11, 8), 5, date(2026, 11, 13)),     # Sunday + 5 = Friday
    (date(2026, 11, 21), 5, date(2026, 11, 25)),    # Thursday 26 Nov is Thanksgiving: Wednesday 25
    (date(2026, 11, 1), 5, date(2026, 11, 6)),
    (date(2026, 11, 9), 5, date(2026, 11, 13)),     # Saturday 14 → Friday 13
    (date(2026, 11, 6), 5, date(2026, 11, 10)),     # Wednesday 11 Nov is Veterans Day → Tuesday 10
    (date(2026, 12, 31), 1, date(2026, 12, 31)),    # Friday 1 Jan 2027 is New Year's Day → Thursday 31 Dec
])
def test_pay_date_moves_back_to_the_previous_banking_day(period_end, lag, expected):
    assert cal.pay_date_for(period_end, lag) == expected


def test_biweekly_schedule_periods_in_november_2026():
    periods = cal.schedule_periods("biweekly", date(2026, 1, 5), 5, date(2026, 11, 1), date(2026, 11, 30))
    assert [(p.period.start, p.period.end, p.pay_date) for p in periods] == [
        (date(2026, 10, 26), date(2026, 11, 8), date(2026, 11, 13)),
        (date(2026, 11, 9), date(2026, 11, 22), date(2026, 11, 27)),
    ]


def test_semimonthly_periods_and_a_moved_pay_date():
    periods = cal.schedule_periods("semimonthly", date(2026, 1, 1), 0, date(2026, 2, 1), date(2026, 2, 28))
    # 15 Feb 2026 is a Sunday → Friday 13; 28 Feb is a Saturday → Friday 27
    assert [(p.period.start, p.pay_date, p.moved) for p in periods] == [
        (date(2026, 2, 1), date(2026, 2, 13), True), (date(2026, 2, 16), date(2026, 2, 27), True)]


def test_month_grid_marks_holidays_and_pay_dates():
    grid = cal.month_grid(2026, 11, {date(2026, 11, 13): ["Weekly"]})
    cells = {c.day: c for week in grid for c in week if c.day}
    assert len(cells) == 30 and grid[0][0].day is None          # 1 Nov 2026 is a Sunday
    assert cells[date(2026, 11, 26)].holiday == "Thanksgiving Day"
    assert cells[date(2026, 11, 13)].pay_dates == ("Weekly",)
    assert cells[date(2026, 11, 14)].weekend
