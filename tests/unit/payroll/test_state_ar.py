"""Arkansas 2026 (Withholding Tax Formula Method): $2,470 standard deduction, the $100-range midpoint, rate less
adjustment rounded to the dollar, $29 per exemption. Arkansas 2025 (the 2025 formula as halfpricesoft reproduces it,
17 December 2024): $2,410 standard deduction and the 2024 brackets, computed below $91,300 of annual net taxable income
and refused from there (the 2025 midpoint limit and high-income rows were not read)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from payroll.engine.states import UnsupportedState

try:  # the folder may or may not be a package
    from .test_state_helpers import ctx, explanation, income_tax
except ImportError:
    from test_state_helpers import ctx, explanation, income_tax

D = Decimal

CASES = [
    ("formula-2026-example", dict(periods=12, gross="2127", certificate={"AR": {"allowances": 2}}), "36.50",
     "whformula_2026 example: 25,524 - 2,470 = 23,054 -> 23,050; 3.4% x 23,050 - 287.97 = 495.73 -> 496; "
     "496 - 2 x 29 = 438 / 12 = 36.50"),
    ("no-ar4ec", dict(periods=26, gross="1000"), "19.73",
     "26,000 - 2,470 = 23,530 -> 23,550; 3.4% x 23,550 - 287.97 = 512.73 -> 513; 0 exemptions; 513 / 26 = 19.7308"),
    ("weekly-two-exemptions", dict(periods=52, gross="500", certificate={"AR": {"allowances": 2}}), "8.75",
     "same 26,000 annual: 513 - 58 = 455 / 52 = 8.75"),
    ("low-earner", dict(periods=52, gross="200"), "0.90",
     "10,400 - 2,470 = 7,930 -> 7,950; 2% x 7,950 - 111.98 = 47.02 -> 47 / 52 = 0.9038 -> 0.90"),
    ("below-the-threshold", dict(periods=52, gross="100"), "0.00", "5,200 - 2,470 = 2,730 -> 2,750: 0% bracket"),
    ("high-earner-exact-income", dict(periods=12, gross="10000", certificate={"AR": {"allowances": 1}}), "372.08",
     "120,000 - 2,470 = 117,530 (no midpoint above 100,001); 3.9% x 117,530 - 89.30 = 4,494.37 -> 4,494 - 29 = "
     "4,465 / 12 = 372.0833 -> 372.08"),
    ("high-income-adjustment-row", dict(periods=24, gross="4050"), "137.33",
     "97,200 - 2,470 = 94,730 -> 94,750: row from 94,701, 3.9% x 94,750 - 399.30 = 3,295.95 -> 3,296 / 24 = 137.33"),
    ("supplemental-at-3.9", dict(periods=26, gross="1500", supplemental="500"), "39.23",
     "regular 1,000 -> 19.73 (as with no AR4EC); bonus 500 x 3.9% = 19.50"),
    ("additional", dict(periods=52, gross="500", certificate={"AR": {"allowances": 2, "additional": "5"}}), "13.75",
     "8.75 + 5.00"),
    ("exempt", dict(periods=52, gross="500", certificate={"AR": {"exempt": True}}), "0.00", "AR4EC exempt"),
]


@pytest.mark.parametrize("case_id, kwargs, expected, hand", CASES, ids=[c[0] for c in CASES])
def test_arkansas_2026_by_hand_and_by_the_formula_example(case_id, kwargs, expected, hand):
    assert income_tax(ctx("AR", **kwargs)) == D(expected), hand


CASES_2025 = [
    ("monthly-two-exemptions", dict(periods=12, gross="2127", certificate={"AR": {"allowances": 2}}), "37.33",
     "25,524 - 2,410 = 23,114 -> 23,150; 3.4% x 23,150 - 281.37 = 505.73 -> 506; 506 - 2 x 29 = 448 / 12 = 37.333"),
    ("no-ar4ec", dict(periods=26, gross="1000"), "19.96",
     "26,000 - 2,410 = 23,590 -> 23,550; 3.4% x 23,550 - 281.37 = 519.33 -> 519; 519 / 26 = 19.9615"),
    ("low-earner", dict(periods=52, gross="200"), "0.94",
     "10,400 - 2,410 = 7,990 -> 7,950; 2% x 7,950 - 109.98 = 49.02 -> 49 / 52 = 0.9423"),
    ("third-bracket", dict(periods=26, gross="600"), "6.77",
     "15,600 - 2,410 = 13,190 -> 13,150; 3% x 13,150 - 218.97 = 175.53 -> 176; no AR4EC; 176 / 26 = 6.769"),
    ("top-computed-row", dict(periods=12, gross="7800"), "262.08",
     "93,600 - 2,410 = 91,190 -> 91,150; 3.9% x 91,150 - 409.86 = 3,144.99 -> 3,145 / 12 = 262.0833"),
    ("supplemental-at-3.9", dict(periods=26, gross="1500", supplemental="500"), "39.46",
     "regular 1,000 -> 19.96 (as with no AR4EC); bonus 500 x 3.9% = 19.50"),
]


@pytest.mark.parametrize("case_id, kwargs, expected, hand", CASES_2025, ids=[c[0] for c in CASES_2025])
def test_arkansas_2025_by_hand_from_the_2025_formula(case_id, kwargs, expected, hand):
    assert income_tax(ctx("AR", pay_date=date(2025, 6, 6), **kwargs)) == D(expected), hand


def test_arkansas_2025_refuses_net_taxable_income_from_91_300_rather_than_guessing_the_unread_rows():
    """Monthly $7,820: 93,840 - 2,410 = 91,430 >= 91,300: refused; $7,800 (net 91,190 -> 91,150) computes."""
    with pytest.raises(UnsupportedState, match="AR"):
        income_tax(ctx("AR", pay_date=date(2025, 6, 6), periods=12, gross="7820"))


def test_explanation_names_the_midpoint():
    assert "middle of its $100 range, $23,050.00" in explanation(ctx("AR", periods=12, gross="2127"))
