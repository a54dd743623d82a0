"""Iowa 2026 withholding formula: 3.8% after the IA W-4 standard deduction, less the allowance amount."""
from __future__ import annotations

from decimal import Decimal

import pytest

try:  # the folder may or may not be a package
    from .test_state_helpers import ctx, explanation, income_tax, lines
except ImportError:
    from test_state_helpers import ctx, explanation, income_tax, lines

D = Decimal

# The first five are the official examples of the 2026 formula (its four-step method per period:
# T1 = wages - periodic deduction, T2 = T1 x 3.8%, T3 = T2 - allowance / periods), which the engine follows; on
# these five the annualised figure (also shown) comes to the same cents.
CASES = [
    ("official-biweekly-other", dict(periods=26, gross="2100", certificate={"IA": {"annual_allowance": "40"}}), "59.26",
     "(2,100 - 500) x 3.8% = 60.80 - 40/26 = 59.26; annualised 54,600 - 13,000 = 41,600 x 3.8% = 1,580.80 - 40 "
     "= 1,540.80 / 26 = 59.2615 -> 59.26"),
    ("official-biweekly-married", dict(periods=26, gross="2100",
                                       certificate={"IA": {"filing_status": "married", "annual_allowance": "80"}}),
     "38.72", "54,600 - 26,000 = 28,600 x 3.8% = 1,086.80 - 80 = 1,006.80 / 26 = 38.7231 -> 38.72"),
    ("official-biweekly-hoh", dict(periods=26, gross="2100",
                                   certificate={"IA": {"filing_status": "head_of_household", "annual_allowance": "160"}}),
     "45.15", "54,600 - 19,500 = 35,100 x 3.8% = 1,333.80 - 160 = 1,173.80 / 26 = 45.1462 -> 45.15"),
    ("official-monthly-other", dict(periods=12, gross="5000", certificate={"IA": {"annual_allowance": "40"}}), "145.50",
     "60,000 - 13,000 = 47,000 x 3.8% = 1,786 - 40 = 1,746 / 12 = 145.50"),
    ("official-monthly-married", dict(periods=12, gross="5000",
                                      certificate={"IA": {"filing_status": "married", "annual_allowance": "80"}}),
     "101.00", "60,000 - 26,000 = 34,000 x 3.8% = 1,292 - 80 = 1,212 / 12 = 101.00"),
    ("legacy-form-count", dict(periods=26, gross="2100", certificate={"IA": {"allowances": 2}}), "57.72",
     "2023-or-earlier IA W-4 with 2 allowances = 2 x $40 = 80: 1,580.80 - 80 = 1,500.80 / 26 = 57.7231 -> 57.72"),
    ("no-ia-w4", dict(), "95.00", "no IA W-4: 78,000 - 13,000 = 65,000 x 3.8% = 2,470 / 26 = 95.00"),
    ("semimonthly-per-period-rounding", dict(periods=24, gross="1000.22"), "17.42",
     "the formula per period: (1,000.22 - 541.67) = 458.55 x 3.8% = 17.4249 -> 17.42; annualised it would be "
     "(24,005.28 - 13,000) x 3.8% / 24 = 17.4250 -> 17.43, a cent off (issue 15)"),
    ("quarterly-annualised", dict(periods=4, gross="15000", certificate={"IA": {"annual_allowance": "40"}}), "436.50",
     "no quarterly deduction printed: annualise as the instructions say, 60,000 - 13,000 = 47,000 x 3.8% = 1,786 "
     "- 40 = 1,746 / 4 = 436.50"),
]


@pytest.mark.parametrize("case_id, kwargs, expected, hand", CASES, ids=[c[0] for c in CASES])
def test_iowa_2026_by_hand(case_id, kwargs, expected, hand):
    assert income_tax(ctx("IA", **kwargs)) == D(expected), hand


def test_bonus_at_the_supplemental_rate():
    """Regular 2,100 biweekly with a $40 allowance = 59.26 (first case); bonus 1,000 x 3.8% = 38.00; total 97.26."""
    c = ctx("IA", periods=26, gross="3100", supplemental="1000", certificate={"IA": {"annual_allowance": "40"}})
    assert income_tax(c) == D("97.26")


def test_illinois_resident_working_in_iowa_pays_illinois():
    """Reciprocity (44-016): no IA tax; IL 2026 with no IL-W-4: 78,000 x 4.95% / 26 = 148.50."""
    got = lines(ctx("IA", residence="IL", certificate={"IA": {"reciprocity": True}}))
    assert got[("state_income_tax", "IA")] == D("0.00")
    assert got[("state_income_tax", "IL")] == D("148.50")


def test_explanation_shows_the_allowance_credit():
    text = explanation(ctx("IA", periods=26, gross="2100", certificate={"IA": {"annual_allowance": "40"}}))
    assert "annual allowance amount from IA W-4, $40.00" in text
