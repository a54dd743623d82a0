"""New York State withholding by the NYS-50-T-NYS exact calculation method, NY SDI and Paid Family Leave."""
from __future__ import annotations

from decimal import Decimal

import pytest

from payroll.engine.states import UnsupportedState

try:  # the folder may or may not be a package
    from .test_state_helpers import ctx, explanation, income_tax, lines
except ImportError:
    from test_state_helpers import ctx, explanation, income_tax, lines

D = Decimal


def test_single_no_it2104_biweekly_3000():
    """NYS-50-T-NYS (1/26) exact calculation; no IT-2104 -> single, 0 allowances.
    Annual 3,000 x 26 = 78,000 - deduction allowance 7,400 - 0 x 1,000 = 70,600 net wages.
    Single table over 13,900: 586 + 5.40% x 56,700 = 586 + 3,061.80 = 3,647.80; / 26 = 140.30.
    SDI 0.5% x 3,000 = 15.00, capped at 0.60/week x 52 / 26 = 1.20. PFL 0.432% x 3,000 = 12.96."""
    c = ctx("NY")
    assert lines(c) == {("state_income_tax", "NY"): D("140.30"), ("state_disability", "NY"): D("1.20"),
                        ("state_family_leave", "NY"): D("12.96")}
    text = explanation(c)
    assert "IT-2104" in text and "NYS-50-T-NYS" in text and "New York City and Yonkers" in text


def test_married_two_allowances_weekly_2500():
    """Married, 2 allowances, weekly 2,500: 130,000 - 7,950 - 2,000 = 120,050.
    Married table over 107,650: 5,855 + 7.07% x 12,400 = 5,855 + 876.68 = 6,731.68; / 52 = 129.455 -> 129.46.
    SDI cap 0.60 (weekly). PFL 2,500 x 0.432% = 10.80."""
    c = ctx("NY", periods=52, gross="2500.00", certificate={"NY": {"filing_status": "married", "allowances": 2}})
    assert lines(c) == {("state_income_tax", "NY"): D("129.46"), ("state_disability", "NY"): D("0.60"),
                        ("state_family_leave", "NY"): D("10.80")}


def test_high_income_flat_rate_on_whole_net_wages():
    """Single, 1 allowance, monthly 100,000: 1,200,000 - 7,400 - 1,000 = 1,191,600 >= 1,077,550,
    so 10.45% of the whole: 124,522.20; / 12 = 10,376.85.
    SDI cap 0.60 x 52 / 12 = 2.60. PFL: 100,000 > the 95,349.54 wage base -> 95,349.54 x 0.432% = 411.91
    (the published 2026 annual maximum)."""
    c = ctx("NY", periods=12, gross="100000.00", certificate={"NY": {"allowances": 1}})
    assert lines(c) == {("state_income_tax", "NY"): D("10376.85"), ("state_disability", "NY"): D("2.60"),
                        ("state_family_leave", "NY"): D("411.91")}


def test_pfl_stops_at_the_annual_wage_base():
    """Year to date 94,349.54 before a weekly 2,000 pay: only 1,000 is below 95,349.54 -> 1,000 x 0.432% = 4.32.
    Once the base is reached nothing more is taken."""
    assert lines(ctx("NY", periods=52, gross="2000", ytd="94349.54"))[("state_family_leave", "NY")] == D("4.32")
    assert lines(ctx("NY", periods=52, gross="2000", ytd="95349.54"))[("state_family_leave", "NY")] == D("0.00")


def test_bonus_at_the_supplemental_rate():
    """Biweekly 4,000 including a 1,000 bonus, single 0: regular 3,000 -> 140.30 (first case);
    bonus 1,000 x 11.70% = 117.00; total 257.30."""
    assert income_tax(ctx("NY", gross="4000", supplemental="1000")) == D("257.30")


def test_head_of_household_uses_single_table():
    """IT-2104 has no head-of-household table: same as the single case, 140.30."""
    c = ctx("NY", certificate={"NY": {"filing_status": "head_of_household"}})
    assert income_tax(c) == D("140.30")
    assert "single table" in explanation(c)


def test_2025_is_refused_rather_than_guessed():
    with pytest.raises(UnsupportedState, match="NY"):
        lines(ctx("NY", year=2025))
