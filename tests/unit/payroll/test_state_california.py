"""California withholding by Method B (exact calculation) and CA SDI, checked against hand calculations."""
from __future__ import annotations

from decimal import Decimal

import pytest

from payroll.engine.states import UnsupportedState

try:  # the folder may or may not be a package
    from .test_state_helpers import ctx, explanation, income_tax, lines
except ImportError:
    from test_state_helpers import ctx, explanation, income_tax, lines

D = Decimal


def test_single_no_de4_biweekly_3000():
    """EDD 2026 Method B, no DE 4 on file -> single, 0 allowances.
    Annual wages 3,000 x 26 = 78,000 > low-income exemption 18,895.
    Less standard deduction 5,706 -> taxable 72,294.
    Single table row over 57,542: 2,186.15 + 8.8% x (72,294 - 57,542 = 14,752) = 2,186.15 + 1,298.176 = 3,484.326.
    Exemption credit 0 x 168.30 = 0. Per period 3,484.326 / 26 = 134.0125 -> 134.01.
    SDI 2026: 3,000 x 1.3% = 39.00 (no wage cap)."""
    c = ctx("CA", gross="3000.00")
    assert lines(c) == {("state_income_tax", "CA"): D("134.01"), ("state_disability", "CA"): D("39.00")}
    text = explanation(c)
    assert "No DE 4 on file" in text and "$72,294.00" in text and "Method B" in text


def test_married_three_allowances_one_estimated_monthly_5000():
    """Married, DE 4 line 1 = 3 regular allowances, line 2 = 1 estimated-deduction allowance, monthly 5,000.
    Annual 60,000; married with 2+ allowances -> low-income exemption 37,790 (exceeded), standard deduction 11,412.
    Taxable 60,000 - 1,000 - 11,412 = 47,588.
    Married row over 22,158: 243.74 + 2.2% x 25,430 = 243.74 + 559.46 = 803.20.
    Less credit 3 x 168.30 = 504.90 -> 298.30. Monthly 298.30 / 12 = 24.858 -> 24.86. SDI 5,000 x 1.3% = 65.00."""
    c = ctx("CA", periods=12, gross="5000.00",
            certificate={"CA": {"filing_status": "married", "allowances": 3, "additional_allowances": 1}})
    assert lines(c) == {("state_income_tax", "CA"): D("24.86"), ("state_disability", "CA"): D("65.00")}


def test_low_income_exemption_means_no_tax():
    """Single, 1 allowance, weekly 350: annual 18,200 is not above the 18,895 low-income exemption -> 0.
    SDI still applies: 350 x 1.3% = 4.55."""
    c = ctx("CA", periods=52, gross="350.00", certificate={"CA": {"filing_status": "single", "allowances": 1}})
    assert lines(c) == {("state_income_tax", "CA"): D("0.00"), ("state_disability", "CA"): D("4.55")}
    assert "not above it" in explanation(c)


def test_head_of_household_two_allowances_weekly_2000():
    """Head of household, 2 allowances, weekly 2,000: annual 104,000; standard deduction 11,412 -> 92,588.
    HOH row over 83,805: 2,641.80 + 8.8% x 8,783 = 2,641.80 + 772.904 = 3,414.704.
    Less 2 x 168.30 = 336.60 -> 3,078.104; / 52 = 59.1943 -> 59.19."""
    c = ctx("CA", periods=52, gross="2000.00",
            certificate={"CA": {"filing_status": "head_of_household", "allowances": 2}})
    assert income_tax(c) == D("59.19")


def test_bonus_at_supplemental_rate_and_sdi_on_all_wages():
    """Biweekly 4,000 of which 1,000 bonus; single, 1 allowance.
    Regular 3,000: 3,484.326 (as above) - 168.30 = 3,316.026 / 26 = 127.539 -> 127.54.
    Bonus 1,000 x 10.23% (DE 44 bonus rate) = 102.30. Total 229.84. SDI 4,000 x 1.3% = 52.00."""
    c = ctx("CA", gross="4000.00", supplemental="1000.00", certificate={"CA": {"allowances": 1}})
    assert lines(c) == {("state_income_tax", "CA"): D("229.84"), ("state_disability", "CA"): D("52.00")}


def test_pretax_california_taxes_hsa_but_not_401k():
    """Biweekly 3,000 with 401(k) 200 and HSA (cafeteria) 100. California excludes the 401(k) deferral but not
    HSA contributions: CA wages 2,800 -> annual 72,800 - 5,706 = 67,094.
    Row over 57,542: 2,186.15 + 8.8% x 9,552 = 2,186.15 + 840.576 = 3,026.726 / 26 = 116.4125 -> 116.41.
    SDI wages exclude cafeteria-plan amounts (HSA) but not 401(k): (3,000 - 100) x 1.3% = 37.70."""
    c = ctx("CA", gross="3000.00", pretax={"401k": "200", "hsa": "100"})
    assert lines(c) == {("state_income_tax", "CA"): D("116.41"), ("state_disability", "CA"): D("37.70")}
    assert "Not excluded for CA income tax: hsa" in explanation(c)


def test_additional_withholding_and_exempt():
    """DE 4 line 3 additional 25.00 on the first case: 134.01 + 25.00 = 159.01. Exempt: 0 income tax, SDI stays."""
    assert income_tax(ctx("CA", certificate={"CA": {"additional": "25.00"}})) == D("159.01")
    exempt = ctx("CA", certificate={"CA": {"exempt": True}})
    assert lines(exempt) == {("state_income_tax", "CA"): D("0.00"), ("state_disability", "CA"): D("39.00")}


def test_2025_tables():
    """2025 schedules: single biweekly 3,000, no DE 4: 78,000 - 5,540 = 72,460.
    Row over 70,606: 3,419.60 + 10.23% x 1,854 = 3,419.60 + 189.6642 = 3,609.2642 / 26 = 138.8179 -> 138.82.
    SDI 2025 1.2%: 36.00."""
    c = ctx("CA", year=2025)
    assert lines(c) == {("state_income_tax", "CA"): D("138.82"), ("state_disability", "CA"): D("36.00")}


def test_2025_head_of_household_is_refused_not_guessed():
    with pytest.raises(UnsupportedState, match="CA"):
        lines(ctx("CA", year=2025, certificate={"CA": {"filing_status": "head_of_household"}}))


@pytest.mark.parametrize("annual_wage, allowances, expected_zero", [
    ("18895", 0, True),    # exactly the 2026 single low-income exemption
    ("18921", 0, False),   # just above it
])
def test_low_income_exemption_boundary(annual_wage, allowances, expected_zero):
    """Annual pay period (periods = 1) so the annualised wage is the pay itself.
    At 18,895 (the exemption) nothing is withheld; at 18,921: 18,921 - 5,706 = 13,215;
    tax 121.87 + 2.2% x (13,215 - 11,079 = 2,136) = 121.87 + 46.992 = 168.862 -> 168.86 (no credit at 0 allowances)."""
    amount = income_tax(ctx("CA", periods=1, gross=annual_wage,
                            certificate={"CA": {"allowances": allowances}}))
    assert (amount == 0) is expected_zero
    if not expected_zero:
        assert amount == D("168.86")
