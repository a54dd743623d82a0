"""Nebraska (Circular EN): per-period percentage tables for single / married, a printed allowance value per period."""
from __future__ import annotations

from decimal import Decimal

import pytest

try:  # the folder may or may not be a package
    from .test_state_helpers import ctx, explanation, income_tax
except ImportError:
    from test_state_helpers import ctx, explanation, income_tax

D = Decimal


def ne(periods, gross, supplemental="0", year=2026, **cert):
    return ctx("NE", year=year, periods=periods, gross=gross, supplemental=supplemental,
               certificate={"NE": cert} if cert else {})


CASES_2026 = [
    ("no-w4n-biweekly-single", ne(26, "2000"), "72.15",
     "single biweekly row over 1,543 (40,130/26 = 1,543.46) base 51.68 (1,343.55/26 = 51.675): "
     "51.68 + 4.48% x 457 = 72.1536"),
    ("weekly-married-two-allowances", ne(52, "1500", filing_status="married", allowances=2), "47.92",
     "1,500 - 2 x 46.92 = 1,406.16; married weekly row over 1,203 (62,530/52 = 1,202.5) base 38.82 "
     "(2,018.75/52): 38.82 + 4.48% x 203.16 = 47.9216"),
    ("monthly-single-one-allowance", ne(12, "3000", allowances=1), "88.16",
     "3,000 - 203.33 = 2,796.67; monthly row over 2,634 (31,610/12) base 81.08 (972.93/12): "
     "81.08 + 4.35% x 162.67 = 88.1561"),
    ("low-earner-below-the-zero-bracket", ne(52, "60"), "0.00", "60 is below 66 (3,430/52): nothing"),
    ("semimonthly-high-earner", ne(24, "10000"), "437.32",
     "top row over 3,140 (75,370/24) base 121.76 (2,922.30/24): 121.76 + 4.6% x 6,860 = 437.32"),
    ("bonus-aggregated", ne(26, "2500", supplemental="500"), "94.55",
     "2,500 together: 51.68 + 4.48% x 957 = 94.5536 -> 94.55 (regular 72.15 + 22.40 on the bonus)"),
    ("head-of-household-uses-single", ne(26, "2000", filing_status="head_of_household"), "72.15",
     "Circular EN: single or head of household"),
    ("additional-withholding", ne(26, "2000", additional="25"), "97.15", "72.15 + 25"),
    ("exempt", ne(26, "2000", exempt=True), "0.00", "exempt on W-4N"),
]


@pytest.mark.parametrize("case_id, context, expected, hand", CASES_2026, ids=[c[0] for c in CASES_2026])
def test_nebraska_2026(case_id, context, expected, hand):
    assert income_tax(context) == D(expected), hand


CASES_2025 = [
    ("biweekly-single", ne(26, "2000", year=2025), "81.38",
     "2025 single biweekly row over 1,490 (38,740/26) base 54.71 (1,422.54/26): 54.71 + 5.23% x 510 = 81.383"),
    ("biweekly-single-one-allowance", ne(26, "2000", year=2025, allowances=1), "76.64",
     "2,000 - 90.77 (2,360/26) = 1,909.23: 54.71 + 5.23% x 419.23 = 76.6357"),
]


@pytest.mark.parametrize("case_id, context, expected, hand", CASES_2025, ids=[c[0] for c in CASES_2025])
def test_nebraska_2025(case_id, context, expected, hand):
    assert income_tax(context) == D(expected), hand


def test_explanation_names_the_circular_and_the_allowance_value():
    text = explanation(ne(52, "1500", filing_status="married", allowances=2))
    assert "2 x $46.92 a period" in text and "Circular EN" in text
