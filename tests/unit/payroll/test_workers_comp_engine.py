"""The pure workers' compensation premium: wages subject to premium, the overtime premium exclusion per state,
Washington's hours basis, the rate in force by pay date, one rounding per line."""
from __future__ import annotations

from datetime import date

import pytest

from backoffice.money import D
from payroll.engine import workers_comp as wc
from payroll.engine.workers_comp import WcEarning, WcRate


def _rate(per_100=None, per_hour=None, start=date(2026, 1, 1), end=None, state="TX", code="7219"):
    return WcRate(1, state, code, "hours" if per_hour is not None else "payroll", D(per_100) if per_100 else None,
                  D(per_hour) if per_hour else None, start, end)


# what the workweek engine pays for 45 hours at $20: straight time for every hour, the extra half for 5 hours
WEEK_45H = (WcEarning("regular", D("900.00"), D("45"), None),
            WcEarning("overtime_premium", D("50.00"), D("5"), D("20")))


def test_the_overtime_premium_is_left_out_of_payroll_under_the_ncci_rule():
    """45 h at $20 in Texas (NCCI rule): remuneration 900.00 + 50.00 = 950.00; the extra half for 5 h, 50.00, is
    excluded; premium = 900.00 × 6.50 ÷ 100 = 58.50."""
    p = wc.premium(WEEK_45H, wc.state_rule("TX"), _rate("6.50"))
    assert (p.gross_wages, p.overtime_excluded, p.wages, p.premium) == (D("950.00"), D("50.00"), D("900.00"),
                                                                       D("58.50"))


def test_overtime_paid_at_time_and_a_half_in_one_line_excludes_the_half_above_the_regular_rate():
    """40 h × $20 = 800.00 and 5 overtime h × $30 = 150.00 with the regular rate 20: excluded 5 × 20 × ½ = 50.00;
    without the regular rate NCCI takes ⅓ of the overtime pay: 150.00 ÷ 3 = 50.00. Wages 900.00 × 3.10 ÷ 100
    = 27.90 both ways."""
    with_rate = (WcEarning("regular", D("800.00"), D("40")), WcEarning("overtime", D("150.00"), D("5"), D("20")))
    without = (WcEarning("regular", D("800.00"), D("40")), WcEarning("overtime", D("150.00"), D("5")))
    for earnings in (with_rate, without):
        p = wc.premium(earnings, wc.state_rule("TX"), _rate("3.10"))
        assert (p.overtime_excluded, p.wages, p.premium) == (D("50.00"), D("900.00"), D("27.90"))


def test_double_time_excludes_the_whole_extra_rate_or_half_the_pay():
    """4 double-time h × $40 = 160.00 at regular rate 20: excluded 4 × 20 = 80.00 (½ of 160.00 without the rate)."""
    assert wc.overtime_premium_of(WcEarning("double_time", D("160.00"), D("4"), D("20"))) == D("80.00")
    assert wc.overtime_premium_of(WcEarning("double_time", D("160.00"), D("4"))) == D("80.00")
    assert wc.overtime_premium_of(WcEarning("double_time_premium", D("80.00"), D("4"), D("20"))) == D("80.00")
    assert wc.overtime_premium_of(WcEarning("regular", D("800.00"), D("40"))) == D("0")


def test_north_dakota_keeps_the_overtime_premium_in_payroll():
    """ND WSI counts 'extra pay for overtime' as remuneration: 950.00 × 0.44 ÷ 100 = 4.18."""
    rule = wc.state_rule("ND")
    assert rule.monopolistic and not rule.overtime_premium_excluded
    p = wc.premium(WEEK_45H, rule, _rate("0.44", state="ND", code="8805"))
    assert (p.overtime_excluded, p.wages, p.premium) == (D("0"), D("950.00"), D("4.18"))


def test_washington_charges_per_hour_worked_counting_each_hour_once():
    """WA: 45 hours worked (the premium line's 5 h are the same hours) × $1.025 = 46.125 → 46.13 half up."""
    rule = wc.state_rule("WA")
    assert rule.basis == "hours"
    p = wc.premium(WEEK_45H, rule, _rate(per_hour="1.025", state="WA", code="8292"))
    assert (p.hours, p.premium, p.rate_per_100) == (D("45"), D("46.13"), None)


def test_washington_salary_without_hours_is_refused_rather_than_priced_wrong():
    """A salary line carries no hours worked: no WA premium can be computed from it."""
    with pytest.raises(wc.NotPriced) as refused:
        wc.premium((WcEarning("salary", D("2000.00")),), wc.state_rule("WA"),
                   _rate(per_hour="0.05", state="WA", code="8810"))
    assert refused.value.code == "wc_hours_unknown"


def test_a_rate_per_100_is_refused_in_an_hours_state():
    with pytest.raises(wc.NotPriced) as refused:
        wc.premium(WEEK_45H, wc.state_rule("WA"), _rate("1.00", state="WA"))
    assert refused.value.code == "wc_basis_mismatch"


def test_reimbursements_are_not_payroll_and_bonuses_are():
    """Regular 500.00 + bonus 100.00 + mileage reimbursement 40.00: payroll 600.00 × 0.20 ÷ 100 = 1.20."""
    p = wc.premium((WcEarning("regular", D("500.00"), D("25")), WcEarning("bonus", D("100.00")),
                    WcEarning("reimbursement", D("40.00"))), wc.state_rule("FL"), _rate("0.20", state="FL"))
    assert (p.gross_wages, p.premium) == (D("600.00"), D("1.20"))


def test_the_premium_is_rounded_once_half_up():
    """333.33 × 0.20 ÷ 100 = 0.666666 → 0.67; 112.50 × 0.20 ÷ 100 = 0.225 → 0.23 (half up, not to even)."""
    assert wc.premium((WcEarning("regular", D("333.33"), D("10")),), wc.state_rule("TX"),
                      _rate("0.20")).premium == D("0.67")
    assert wc.premium((WcEarning("regular", D("112.50"), D("5")),), wc.state_rule("TX"),
                      _rate("0.20")).premium == D("0.23")


def test_the_rate_in_force_is_chosen_by_the_pay_date_with_inclusive_ends():
    """3.09 through 31 Dec 2025, 3.00 from 1 Jan 2026: the last day keeps the old rate, the next takes the new."""
    old = _rate("3.09", start=date(2025, 1, 1), end=date(2025, 12, 31))
    new = _rate("3.00", start=date(2026, 1, 1))
    assert wc.rate_on((old, new), "TX", "7219", date(2025, 12, 31)) is old
    assert wc.rate_on((old, new), "TX", "7219", date(2026, 1, 1)) is new
    assert wc.rate_on((old, new), "TX", "7219", date(2024, 12, 31)) is None
    assert wc.rate_on((old, new), "CA", "7219", date(2026, 1, 1)) is None


def test_states_without_their_own_rule_follow_ncci_and_the_four_monopolistic_funds_are_marked():
    assert wc.state_rule("GA").overtime_premium_excluded and wc.state_rule("GA").basis == "payroll"
    assert wc.monopolistic_states() == ["ND", "OH", "WA", "WY"]
