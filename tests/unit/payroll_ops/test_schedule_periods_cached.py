"""The per-process memo of schedule periods (the portal home asks for the next pay date on every visit): the same
periods and pay dates as schedule_periods, and a caller cannot change what the next caller gets."""
from __future__ import annotations

from datetime import date

from payroll import calendar as cal


def test_the_remembered_periods_move_the_thanksgiving_pay_date_like_the_uncached_ones():
    """Weekly, periods Monday–Sunday from Mon Nov 2, 2026, paid 4 days after the period ends: the week of Nov 16–22
    would pay Thu Nov 26, Thanksgiving (a Federal Reserve holiday), so it pays Wed Nov 25 instead; the week of
    Nov 23–29 pays Thu Dec 3. Asked twice, the second answer is the remembered one and equal."""
    args = ("weekly", date(2026, 11, 2), 4, date(2026, 11, 24), date(2026, 12, 5))
    first = cal.schedule_periods_cached(*args)
    assert [(p.pay_date, p.unadjusted) for p in first] == [
        (date(2026, 11, 25), date(2026, 11, 26)), (date(2026, 12, 3), date(2026, 12, 3))]
    assert cal.schedule_periods_cached(*args) is first
    assert list(first) == cal.schedule_periods(*args)


def test_a_caller_gets_a_tuple_it_cannot_change_under_the_next_caller():
    periods = cal.schedule_periods_cached("biweekly", date(2026, 1, 5), 5, date(2026, 3, 1), date(2026, 4, 30))
    assert isinstance(periods, tuple) and periods
