"""South Carolina (WH-1603F): annual wages less allowances and the 10% standard deduction, the annual table."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

try:  # the folder may or may not be a package
    from .test_state_helpers import ctx, explanation, income_tax
except ImportError:
    from test_state_helpers import ctx, explanation, income_tax

D = Decimal


def sc(allowances=None, **extra):
    cert = dict(extra)
    if allowances is not None:
        cert["allowances"] = allowances
    return {"SC": cert}


CASES_2026 = [
    ("wh1603f-2026-example", dict(periods=52, gross="750", certificate=sc(3)), "10.58",
     "WH-1603F 2026 example: 750 x 52 = 39,000 - 3 x 5,000 - 3,900 (10%, under 7,500) = 20,100; "
     "0.03 x (18,230 - 3,640) = 437.70 + 0.06 x 1,870 = 112.20 -> 549.90 / 52 = 10.575 -> 10.58"),
    ("no-certificate-zero-allowances-no-standard-deduction", dict(periods=26, gross="3000"), "154.77",
     "78,000, no allowance and so no standard deduction: 437.70 + 0.06 x 59,770 = 4,023.90 / 26 = 154.765 -> 154.77"),
    ("monthly-married-two-allowances", dict(periods=12, gross="4000", certificate=sc(2, filing_status="married")),
     "111.33", "status does not matter: 48,000 - 10,000 - 4,800 = 33,200; 437.70 + 0.06 x 14,970 = 1,335.90 / 12 "
               "= 111.325 -> 111.33"),
    ("high-earner-standard-deduction-capped", dict(periods=24, gross="20000", certificate=sc(1)), "1141.41",
     "480,000 - 5,000 - 7,500 (cap) = 467,500; 437.70 + 0.06 x 449,270 = 27,393.90 / 24 = 1,141.4125 -> 1,141.41"),
    ("low-earner-in-the-zero-bracket", dict(periods=52, gross="150", certificate=sc(1)), "0.00",
     "7,800 - 5,000 - 780 = 2,020, under 3,640: 0% bracket"),
    ("supplemental-aggregated", dict(periods=26, gross="3000", supplemental="1000", certificate=sc(1)), "125.92",
     "regular 2,000: 52,000 - 5,000 - 5,200 = 41,800 -> 437.70 + 1,414.20 = 1,851.90 / 26 = 71.23; all 3,000: "
     "78,000 - 5,000 - 7,500 = 65,500 -> 437.70 + 2,836.20 = 3,273.90 / 26 = 125.919; bonus 54.69; 71.23 + 54.69"),
    ("additional-withholding", dict(periods=52, gross="750", certificate=sc(3, additional="5")), "15.58",
     "the example's 10.58 + 5.00"),
    ("exempt", dict(periods=52, gross="750", certificate=sc(3, exempt=True)), "0.00", "exempt on SC W-4"),
]

CASES_2025 = [
    ("wh1603f-2025-example", dict(year=2025, periods=52, gross="750", certificate=sc(3)), "11.44",
     "2025 example (Real Tax Tools' reproduction): 39,000 - 3 x 4,860 - 3,900 = 20,520; 428.10 + 0.062 x 2,690 = "
     "594.88 / 52 = 11.44"),
    ("no-certificate-2025", dict(year=2025, periods=26, gross="3000"), "159.95",
     "78,000: 428.10 + 0.062 x 60,170 = 4,158.64 / 26 = 159.948 -> 159.95"),
]


@pytest.mark.parametrize("case_id, kwargs, expected, hand", CASES_2026 + CASES_2025,
                         ids=[c[0] for c in CASES_2026 + CASES_2025])
def test_south_carolina_by_hand(case_id, kwargs, expected, hand):
    assert income_tax(ctx("SC", **kwargs)) == D(expected), hand


def test_2025_standard_deduction_cap_is_7300():
    """120,000 - 4,860 - min(12,000, 7,300) = 107,840; 428.10 + 0.062 x (107,840 - 17,830) = 428.10 + 5,580.62
    = 6,008.72 / 12 = 500.7267 -> 500.73 (a 7,500 cap would give 107,640 -> 499.69)."""
    assert income_tax(ctx("SC", year=2025, periods=12, gross="10000", certificate=sc(1))) == D("500.73")


def test_explanation_names_the_formula_and_the_deduction():
    text = explanation(ctx("SC", periods=52, gross="750", certificate=sc(3)))
    assert "WH-1603F" in text and "the lesser of 10%" in text


def test_pay_date_in_december_uses_the_same_tables():
    assert income_tax(ctx("SC", pay_date=date(2026, 12, 31), periods=52, gross="750", certificate=sc(3))) == D("10.58")
