"""Louisiana 2026 (R-1306 with the 2026 L-4): 3.09% after the standard deduction chosen on the L-4; none without one."""
from __future__ import annotations

from decimal import Decimal

import pytest

try:  # the folder may or may not be a package
    from .test_state_helpers import ctx, explanation, income_tax
except ImportError:
    from test_state_helpers import ctx, explanation, income_tax

D = Decimal

CASES = [
    ("r1306-weekly-example", dict(periods=52, gross="700", certificate={"LA": {"filing_status": "single"}}), "14.20",
     "R-1306 example: 700 x 52 = 36,400 - 12,500 = 23,900 x 3.09% = 738.51 / 52 = 14.2021 -> 14.20 "
     "(R-1306 prints 14.20)"),
    ("r1306-biweekly-example", dict(periods=26, gross="4600", certificate={"LA": {"filing_status": "married"}}),
     "112.43", "R-1306 example: 4,600 x 26 = 119,600 - 25,000 = 94,600 x 3.09% = 2,923.14 / 26 = 112.4285 -> 112.43 "
     "(R-1306 prints 112.432)"),
    ("no-l4", dict(), "92.70", "no L-4: no standard deduction, 78,000 x 3.09% = 2,410.20 / 26 = 92.70"),
    ("hoh-below-deduction", dict(periods=12, gross="2000", certificate={"LA": {"filing_status": "head_of_household"}}),
     "0.00", "head of household takes 25,000: 24,000 a year is below it"),
    ("weekly-bonus", dict(periods=52, gross="1000", supplemental="300", certificate={"LA": {"filing_status": "single"}}),
     "23.47", "regular 700 as in the first case = 14.20; bonus 300 x 3.09% = 9.27; 14.20 + 9.27 = 23.47"),
]


@pytest.mark.parametrize("case_id, kwargs, expected, hand", CASES, ids=[c[0] for c in CASES])
def test_louisiana_2026_by_hand(case_id, kwargs, expected, hand):
    assert income_tax(ctx("LA", **kwargs)) == D(expected), hand


def test_missing_l4_is_explained():
    assert "No L-4: no deduction is subtracted." in explanation(ctx("LA"))
