"""Mississippi 2026 (Pub 89-700-25): 4% above $10,000 after the 89-350 exemption and standard deduction, whole dollars."""
from __future__ import annotations

from decimal import Decimal

import pytest

try:  # the folder may or may not be a package
    from .test_state_helpers import ctx, explanation, income_tax
except ImportError:
    from test_state_helpers import ctx, explanation, income_tax

D = Decimal

CASES = [
    ("weekly-single-6000", dict(periods=52, gross="500", certificate={"MS": {"annual_allowance": "6000"}}), "6.00",
     "500 x 52 = 26,000 - 6,000 exemption - 2,300 standard deduction - 10,000 = 7,700 x 4% = 308 / 52 = 5.92 "
     "-> 6 (whole dollars)"),
    ("no-89-350", dict(), "101.00", "no 89-350: single, no exemption: 78,000 - 2,300 - 10,000 = 65,700 x 4% = 2,628 "
                                    "/ 26 = 101.08 -> 101"),
    ("monthly-married", dict(periods=12, gross="4000",
                             certificate={"MS": {"filing_status": "married", "annual_allowance": "15000"}}), "61.00",
     "spouse not employed, exemption 12,000 + 2 x 1,500: 48,000 - 15,000 - 4,600 - 10,000 = 18,400 x 4% = 736 / 12 "
     "= 61.33 -> 61"),
    ("semimonthly-head-of-family", dict(periods=24, gross="2000",
                                       certificate={"MS": {"filing_status": "head_of_household",
                                                           "annual_allowance": "9500"}}), "42.00",
     "48,000 - 9,500 - 3,400 - 10,000 = 25,100 x 4% = 1,004 / 24 = 41.83 -> 42"),
    ("weekly-bonus-aggregate", dict(periods=52, gross="600", supplemental="100",
                                    certificate={"MS": {"annual_allowance": "6000"}}), "10.00",
     "aggregate: 600 x 52 = 31,200 - 6,000 - 2,300 - 10,000 = 12,900 x 4% = 516 / 52 = 9.92 -> 10; "
     "regular alone 6 (first case); bonus part 10 - 6 = 4; total 10"),
    ("below-zero-rate", dict(periods=26, gross="400"), "0.00", "10,400 - 2,300 = 8,100 is under the 10,000 zero-rate amount"),
]


@pytest.mark.parametrize("case_id, kwargs, expected, hand", CASES, ids=[c[0] for c in CASES])
def test_mississippi_2026_by_hand(case_id, kwargs, expected, hand):
    assert income_tax(ctx("MS", **kwargs)) == D(expected), hand


def test_explanation_mentions_whole_dollar_rounding():
    assert "rounded to the dollar" in explanation(ctx("MS"))
