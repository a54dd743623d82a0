"""The portable-benefit credit, pure: hours worked or pay, rounded once, reimbursements left out."""
from __future__ import annotations

from decimal import Decimal as D

import pytest

from benefits.engine.portable import EarningLine, Terms, credit_for, reporting_category, reversal_amount


def test_per_hour_counts_regular_overtime_and_double_time_hours_not_premium_lines():
    """40 h regular + 5 h overtime + 2 h double time = 47 h worked (the overtime_premium line repeats 5 h already
    counted) × $1.50 = $70.50."""
    lines = [EarningLine("regular", D("1000.00"), D("40")), EarningLine("overtime", D("187.50"), D("5")),
             EarningLine("double_time", D("100.00"), D("2")), EarningLine("overtime_premium", D("12.50"), D("5")),
             EarningLine("reimbursement", D("80.00"))]
    c = credit_for(Terms("per_hour", D("1.50"), "client"), lines)
    assert (c.amount, c.basis) == (D("70.50"), D("47"))
    assert "47 h worked × $1.50 an hour = $70.50, funded by the client" == c.explanation


def test_percent_of_pay_leaves_out_reimbursements_and_rounds_half_up_once():
    """2% of (1,000.00 + 187.50 + 12.75 bonus) = 2% × 1,200.25 = 24.005 → 24.01 (half up); the $80 reimbursement
    is not pay."""
    lines = [EarningLine("regular", D("1000.00"), D("40")), EarningLine("overtime", D("187.50"), D("5")),
             EarningLine("bonus", D("12.75")), EarningLine("reimbursement", D("80.00"))]
    c = credit_for(Terms("percent_of_pay", D("0.02"), "agency"), lines)
    assert (c.amount, c.basis) == (D("24.01"), D("1200.25"))


def test_a_negative_correction_never_makes_a_negative_credit():
    c = credit_for(Terms("percent_of_pay", D("0.02"), "agency"), [EarningLine("correction", D("-50.00"))])
    assert c.amount == D("0.00")


@pytest.mark.parametrize("worker_type, category", [("contractor", "1099_nec_box1"), ("employee", "w2_wages")])
def test_the_reporting_category_follows_the_paycheck(worker_type, category):
    assert reporting_category(worker_type) == category


def test_a_reversal_takes_back_at_most_the_balance():
    """Credited 60.00, 50.00 already used toward a premium: 10.00 back, 50.00 not recoverable."""
    assert reversal_amount(D("60.00"), D("10.00")) == (D("10.00"), D("50.00"))
    assert reversal_amount(D("60.00"), D("75.00")) == (D("60.00"), D("0.00"))
