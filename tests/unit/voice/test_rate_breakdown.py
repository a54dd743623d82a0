"""The rate breakdown's arithmetic (backoffice/voice/breakdown.py): the parts add up to the bill rate to the cent,
from a paycheck's actual figures, the year's statutory rates, or — for contractors — none."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backoffice.voice import breakdown as bd

D = Decimal


def _paycheck(wages, taxes="109.50", benefits="75.00", wc="20.00", hours="40", units="0"):
    return bd.PaycheckFigures(7, date(2026, 11, 13), date(2026, 11, 2), date(2026, 11, 8),
                              {k: D(v) for k, v in wages.items()}, D(taxes), D(benefits), D(wc), D(hours), D(units))


def _facts(**kw):
    base = dict(engagement_id=1, engagement_type="leased_employee", pay_unit="hour", pay_rate=D("25.00"),
                billing_method="bill_rate", bill_rate=D("40.00"), markup_rate=D("0"))
    base.update(kw)
    return bd.HourFacts(**base)


def _total(b):
    return b.wages + b.employer_taxes + b.benefits + b.workers_comp + b.agency_margin


def test_a_bill_rate_hour_splits_by_the_paychecks_actual_rates():
    """Paycheck: wages 1,000.00, employer taxes 109.50 (10.95%), benefits 75.00 over 40 h, workers' comp accrued
    20.00 (2% of wages). Per hour at $25.00: taxes 2.7375 → 2.74, benefits 1.875 → 1.88, comp 0.50; margin
    40.00 − 25.00 − 2.74 − 1.88 − 0.50 = 9.88."""
    b = bd.breakdown(_facts(paycheck=_paycheck({1: "1000.00"})))
    assert b.as_json() == {"bill_rate": "40.00", "wages": "25.00", "employer_taxes": "2.74", "benefits": "1.88",
                           "workers_comp": "0.50", "agency_margin": "9.88"}
    assert (b.basis, b.paycheck_id, b.unit) == ("paycheck", 7, "hour")


def test_a_paycheck_paying_two_engagements_shares_its_taxes_and_benefits_by_wages_as_the_invoice_does():
    """Wages 600.00 here (30 h × 20.00) and 400.00 elsewhere; taxes 109.50 → this share 600/1,000 × 109.50 =
    65.70 (10.95% of 600); benefits 75.00 → 45.00 over 30 h = 1.50 an hour. At $20.00 billed $30.00: taxes 2.19,
    benefits 1.50, no comp, margin 30.00 − 20.00 − 2.19 − 1.50 = 6.31."""
    f = _facts(pay_rate=D("20.00"), bill_rate=D("30.00"),
               paycheck=_paycheck({1: "600.00", 2: "400.00"}, wc="0", hours="30"))
    b = bd.breakdown(f)
    assert b.as_json() == {"bill_rate": "30.00", "wages": "20.00", "employer_taxes": "2.19", "benefits": "1.50",
                           "workers_comp": "0.00", "agency_margin": "6.31"}
    assert any("carries its share by wages" in s for s in b.explanation)


def test_the_class_rate_in_force_prices_workers_comp_per_hour_worked_in_washington():
    """WA class at $1.2345 per hour worked: 1.2345 → 1.23 an hour whatever the wage."""
    cr = bd.ClassRate("WA", "4904", "hours", None, D("1.2345"))
    b = bd.breakdown(_facts(class_rate=cr, statutory=bd.StatutoryRates(2026, D("0.062"), D("0.0145"), D("0.006"),
                                                                       None, "WA")))
    assert b.workers_comp == D("1.23")
    assert b.employer_taxes == D("2.06")       # 25.00 × (6.2% + 1.45% + 0.6%) = 25 × 0.0825 = 2.0625 → 2.06
    assert any("no WA unemployment rate on file" in s for s in b.explanation)


def test_a_contractor_hour_is_pay_and_margin_only():
    """A 1099 contractor at $35.00 billed $50.00: 35.00 + 0 + 0 + 0 + 15.00."""
    b = bd.breakdown(_facts(engagement_type="contractor", pay_rate=D("35.00"), bill_rate=D("50.00"),
                            paycheck=_paycheck({1: "1400.00"}, taxes="0", benefits="0", wc="0")))
    assert (b.wages, b.employer_taxes, b.benefits, b.workers_comp, b.agency_margin) == (
        D("35.00"), D("0"), D("0"), D("0"), D("15.00"))
    assert any("contractor (1099)" in s for s in b.explanation)


def test_a_cost_plus_hour_is_the_billing_engines_line_over_its_hours():
    """Cost 1,000.00 + 109.50 + 75.00 + 20.00 = 1,204.50, markup 25% = 301.125 → 301.13, line 1,505.63; over 40 h:
    37.64 = 25.00 + 2.74 + 1.88 + 0.50 + margin 7.52."""
    b = bd.breakdown(_facts(billing_method="cost_plus", markup_rate=D("0.2500"), paycheck=_paycheck({1: "1000.00"})))
    assert b.as_json() == {"bill_rate": "37.64", "wages": "25.00", "employer_taxes": "2.74", "benefits": "1.88",
                           "workers_comp": "0.50", "agency_margin": "7.52"}
    assert any("1,505.63" in s for s in b.explanation)


def test_a_cost_plus_estimate_before_any_paycheck_marks_up_one_hours_cost():
    """No paycheck: 25.00 + taxes 25 × 10.95% = 2.7375 → 2.74 + comp 25 × 2% = 0.50 = cost 28.24; markup 45% =
    12.708 → 12.71; bill 40.95."""
    st_ = bd.StatutoryRates(2026, D("0.062"), D("0.0145"), D("0.006"), D("0.027"), "TX")
    b = bd.breakdown(_facts(billing_method="cost_plus", markup_rate=D("0.4500"), statutory=st_,
                            class_rate=bd.ClassRate("TX", "8810", "payroll", D("2.00"), None)))
    assert b.as_json() == {"bill_rate": "40.95", "wages": "25.00", "employer_taxes": "2.74", "benefits": "0.00",
                           "workers_comp": "0.50", "agency_margin": "12.71"}
    assert b.basis == "statutory"


def test_a_margin_below_cost_is_said_as_a_loss():
    """Billed $26.00 for a $25.00 hour costing 2.74 + 1.88 + 0.50 more: margin 26 − 30.12 = −4.12."""
    b = bd.breakdown(_facts(bill_rate=D("26.00"), paycheck=_paycheck({1: "1000.00"})))
    assert b.agency_margin == D("-4.12")
    assert any("loses $4.12" in s for s in b.explanation)


def test_piece_pay_is_broken_down_per_unit():
    """Piece pay $2.00 a unit billed $3.00, last paycheck 500 units = 1,000.00, taxes 109.50, benefits 75.00: per
    unit taxes 2 × 0.1095 = 0.219 → 0.22, benefits 75 / 500 = 0.15, comp 2 × 2% = 0.04; margin 3 − 2.41 = 0.59."""
    b = bd.breakdown(_facts(pay_unit="piece", pay_rate=D("2.00"), bill_rate=D("3.00"),
                            paycheck=_paycheck({1: "1000.00"}, hours="0", units="500")))
    assert b.unit == "unit"
    assert b.as_json() == {"bill_rate": "3.00", "wages": "2.00", "employer_taxes": "0.22", "benefits": "0.15",
                           "workers_comp": "0.04", "agency_margin": "0.59"}


def test_salaried_work_at_a_bill_rate_client_and_a_missing_bill_rate_are_refused():
    with pytest.raises(bd.NotBillable) as salaried:
        bd.breakdown(_facts(pay_unit="year", pay_rate=D("60000")))
    with pytest.raises(bd.NotBillable) as unpriced:
        bd.breakdown(_facts(bill_rate=D("0")))
    assert (salaried.value.code, unpriced.value.code) == ("salaried_bill_rate", "no_bill_rate")


money = st.decimals(min_value=D("0.01"), max_value=D("500"), places=2)
share = st.decimals(min_value=D("0"), max_value=D("0.3"), places=4)


@settings(max_examples=200, deadline=None)
@given(pay=money, bill=money, tax=share, benefits=money, wc=share, hours=st.integers(1, 80),
       method=st.sampled_from(["bill_rate", "cost_plus"]), markup=share)
def test_the_five_parts_always_add_up_to_the_bill_rate_to_the_cent(pay, bill, tax, benefits, wc, hours, method,
                                                                   markup):
    wages = (pay * hours).quantize(D("0.01"))
    pc = _paycheck({1: str(wages)}, taxes=str((wages * tax).quantize(D("0.01"))), benefits=str(benefits),
                   wc=str((wages * wc).quantize(D("0.01"))), hours=str(hours))
    b = bd.breakdown(_facts(pay_rate=pay, bill_rate=bill, billing_method=method, markup_rate=markup, paycheck=pc))
    assert _total(b) == b.bill_rate
    assert all(v == v.quantize(D("0.01")) for v in (b.bill_rate, *b.parts().values()))
