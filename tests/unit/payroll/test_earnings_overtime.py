"""Earnings lines, FLSA weekly overtime with the regular rate, California daily overtime, the TT premium."""
from __future__ import annotations

from decimal import Decimal

import pytest

from backoffice.errors import DomainError
from payroll.engine import Earning
from payroll.engine.earnings import california_daily_overtime, earning_line, flsa_weekly_overtime, sum_earnings

D = Decimal


def test_hourly_piece_and_amount_lines():
    """80 h × $25 = $2,000.00; 120 units × $0.85 = $102.00; salary as given."""
    assert earning_line(Earning("regular", hours=D(80), rate=D(25)))[0].amount == D("2000.00")
    assert earning_line(Earning("piece", units=D(120), rate=D("0.85")))[0].amount == D("102.00")
    assert earning_line(Earning("salary", amount=D("3846.15")))[0].amount == D("3846.15")


def test_hourly_line_rounds_half_up_to_the_cent():
    """7.5 h × $13.333 = 99.9975 → $100.00 (half-up)."""
    assert earning_line(Earning("regular", hours=D("7.5"), rate=D("13.333")))[0].amount == D("100.00")


def test_overtime_line_tracks_the_half_time_premium_for_box_12_tt():
    """5 h at $37.50 (1.5 × $25) = $187.50; qualified premium = the 0.5× part = 5 × $12.50 = $62.50."""
    line, premium = earning_line(Earning("overtime", hours=D(5), rate=D("37.50")))
    assert (line.amount, premium) == (D("187.50"), D("62.50"))
    assert "box 12 TT" in line.explanation[1]
    _, premium_rr = earning_line(Earning("overtime", hours=D(5), rate=D("37.50"), regular_rate=D(25)))
    assert premium_rr == D("62.50")


def test_sum_separates_regular_supplemental_and_reimbursement():
    """regular 2,000 + overtime 187.50 = 2,187.50 regular; bonus 500 + commission 250 = 750 supplemental;
    reimbursement 80 is not wages; gross 3,017.50."""
    totals = sum_earnings([Earning("regular", hours=D(80), rate=D(25)),
                           Earning("overtime", hours=D(5), rate=D("37.50")),
                           Earning("bonus", amount=D(500)), Earning("commission", amount=D(250)),
                           Earning("reimbursement", amount=D(80))])
    assert (totals.regular, totals.supplemental, totals.reimbursement) == (D("2187.50"), D("750.00"), D("80.00"))
    assert totals.gross == D("3017.50") and totals.wages == D("2937.50")
    assert totals.qualified_overtime_premium == D("62.50")
    assert totals.supplemental_other == D("250.00")     # the commission: not a bonus (California's 6.6%)


def test_missing_hours_is_a_domain_error():
    with pytest.raises(DomainError):
        earning_line(Earning("regular", rate=D(25)))


@pytest.mark.parametrize("hours, rate, bonus, ot, regular_rate, premium, total", [
    # 40 h: no overtime.
    ("40", "20", "0", "0", "20", "0.00", "800.00"),
    # 45 h × $20: straight 900; 5 OT h × $10 half-time = 50; total 950 (= 40 × 20 + 5 × 30).
    ("45", "20", "0", "5", "20", "50.00", "950.00"),
    # 29 CFR 778.110(b)-style: 46 h × $12 + $46 production bonus = 598; regular rate 598 ÷ 46 = 13.00;
    # 6 OT h × 6.50 = 39; total 637.
    ("46", "12", "46", "6", "13", "39.00", "637.00"),
])
def test_flsa_weekly_overtime_with_nondiscretionary_bonus(hours, rate, bonus, ot, regular_rate, premium, total):
    r = flsa_weekly_overtime(D(hours), D(rate), D(bonus))
    assert r.overtime_hours == D(ot)
    assert r.regular_rate == D(regular_rate)
    assert r.overtime_premium == D(premium)
    assert r.total_pay == D(total)


@pytest.mark.parametrize("days, regular, overtime, double", [
    # 10 h then four 8 h days: day 1 has 2 h daily OT; straight 40.
    (["10", "8", "8", "8", "8"], "40", "2", "0"),
    # 13 h in one day: 8 regular, 4 at 1.5× (hours 9-12), 1 at 2× (over 12).
    (["13"], "8", "4", "1"),
    # Seven consecutive days: days 1-5 40 straight; day 6's 4 h exceed 40 in the week → OT;
    # day 7: first 8 h at 1.5×, the 2 h over 8 at 2×.
    (["8", "8", "8", "8", "8", "4", "10"], "40", "12", "2"),
    # Seven days with a day off is not seven consecutive days: day 7's 8 h are weekly overtime only.
    (["8", "8", "0", "8", "8", "8", "8"], "40", "8", "0"),
    # Six 9 h days: 6 × 1 h daily OT, then day 6's 8 straight hours are over 40 → OT; 40 / 14 / 0.
    (["9", "9", "9", "9", "9", "9"], "40", "14", "0"),
])
def test_california_daily_overtime(days, regular, overtime, double):
    r = california_daily_overtime([D(h) for h in days])
    assert (r.regular_hours, r.overtime_hours, r.double_time_hours) == (D(regular), D(overtime), D(double))
    assert r.regular_hours + r.overtime_hours + r.double_time_hours == sum(D(h) for h in days)


def test_california_rejects_impossible_days():
    with pytest.raises(DomainError):
        california_daily_overtime([D(25)])
    with pytest.raises(DomainError):
        california_daily_overtime([D(8)] * 8)
