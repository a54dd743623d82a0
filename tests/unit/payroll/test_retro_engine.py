"""The retro difference of a back-dated rate change, per paycheck, from the earning lines already written."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from payroll.engine.retro import PaidEarning, retro_differences

D = Decimal


def _line(pid, start, code, hours, rate, amount=None):
    end = date.fromordinal(start.toordinal() + 13)
    return PaidEarning(pid, end, start, end, code, D(hours), D(rate), D(amount or D(hours) * D(rate)))


def test_two_biweekly_paychecks_of_80_hours_and_5_overtime_hours_at_one_dollar_more():
    """$20.00 → $21.00 effective two periods ago (Nov 2): paycheck 1 80 h regular: 80 × $1 = $80.00;
    paycheck 2 80 h regular + 5 h overtime: 80 × $1 = $80.00 and 5 × 1.5 × $1 = $7.50, so $87.50.
    2 paychecks × 80 h × $1 = $160.00 + $7.50 = $167.50."""
    p1, p2 = date(2026, 11, 2), date(2026, 11, 16)
    paid = [_line(1, p1, "regular", "80", "20.00"),
            _line(2, p2, "regular", "80", "20.00"), _line(2, p2, "overtime", "5", "30.00")]
    r = retro_differences(paid, "20.00", "21.00", p1)
    assert [(p.paycheck_id, p.difference) for p in r.paychecks] == [(1, D("80.00")), (2, D("87.50"))]
    assert r.total == D("167.50")
    assert r.paychecks[1].lines[1].explanation == "5.00 h overtime × 1.5 × (21.00 − 20.00) = $7.50"
    assert r.explanation[-1] == "Retro difference $167.50"


def test_double_time_is_twice_the_difference_and_cents_round_half_up_per_line():
    """CA double time: 3 h × 2 × ($20.125 − $20.00) = $0.75; 7 h regular × $0.125 = $0.875 → $0.88 (half up)."""
    start = date(2026, 11, 2)
    paid = [_line(7, start, "regular", "7", "20.00"), _line(7, start, "double_time", "3", "40.00")]
    r = retro_differences(paid, "20.00", "20.125", start)
    assert [ln.difference for ln in r.paychecks[0].lines] == [D("0.88"), D("0.75")]
    assert r.total == D("1.63")


def test_a_period_that_starts_before_the_effective_date_is_listed_but_not_added():
    """The lines do not say which days the hours were worked: that paycheck is shown, not included."""
    paid = [_line(1, date(2026, 10, 26), "regular", "80", "20.00"), _line(2, date(2026, 11, 9), "regular", "10", "20.00")]
    r = retro_differences(paid, "20.00", "21.00", date(2026, 11, 2))
    assert [(p.paycheck_id, p.included) for p in r.paychecks] == [(1, False), (2, True)]
    assert r.total == D("10.00")
    assert "starts before 2026-11-02" in r.paychecks[0].reason


def test_lines_already_paid_at_the_new_rate_and_other_earnings_add_nothing():
    """A paycheck written after the change (regular at $21.00) and a bonus line: no difference."""
    start = date(2026, 11, 2)
    paid = [_line(3, start, "regular", "40", "21.00"), _line(3, start, "bonus", "0", "0", amount="100")]
    r = retro_differences(paid, "20.00", "21.00", start)
    assert r.total == D("0.00")
    assert "already paid at the new rate" in r.paychecks[0].lines[0].explanation
    assert len(r.paychecks[0].lines) == 1


def test_salary_is_repriced_in_proportion():
    """$2,000.00 salary paid, $52,000 → $54,600 a year (+5%): $2,000.00 × 0.05 = $100.00."""
    start = date(2026, 11, 2)
    paid = [PaidEarning(4, date(2026, 11, 20), start, date(2026, 11, 15), "salary", None, None, D("2000.00"))]
    assert retro_differences(paid, "52000", "54600", start).total == D("100.00")
