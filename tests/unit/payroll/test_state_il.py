"""Illinois 2026 (IL-700-T automated payroll method): 4.95% after $2,925 per line 1 and $1,000 per line 2 allowance."""
from __future__ import annotations

from decimal import Decimal

import pytest

try:  # the folder may or may not be a package
    from .test_state_helpers import ctx, explanation, income_tax, lines
except ImportError:
    from test_state_helpers import ctx, explanation, income_tax, lines

D = Decimal

# (id, context kwargs, expected, hand calculation from IL-700-T (R-12/25))
CASES = [
    ("biweekly-one", dict(certificate={"IL": {"allowances": 1}}), "142.93",
     "(3,000 x 26 = 78,000 - 2,925) = 75,075 x 4.95% = 3,716.2125 / 26 = 142.9312 -> 142.93"),
    ("weekly-two-plus-one", dict(periods=52, gross="300", certificate={"IL": {"allowances": 2, "additional_allowances": 1}}),
     "8.33", "IL-700-T's own example (weekly $300, 2 + 1 allowances; its bracket table shows 8.38): "
     "15,600 - 2 x 2,925 - 1,000 = 8,750 x 4.95% = 433.125 / 52 = 8.3293 -> 8.33"),
    ("no-il-w4", dict(), "148.50", "no IL-W-4: no allowances, 78,000 x 4.95% = 3,861 / 26 = 148.50"),
    ("monthly-401k-bonus", dict(periods=12, gross="6000", supplemental="1000", pretax={"401k": "200"}), "287.10",
     "regular 6,000 - 1,000 bonus - 200 deferral = 4,800 x 12 = 57,600 x 4.95% = 2,851.20 / 12 = 237.60; "
     "bonus 1,000 x 4.95% = 49.50; 237.60 + 49.50 = 287.10"),
    ("allowances-exceed-pay", dict(periods=52, gross="100", certificate={"IL": {"allowances": 2}}), "0.00",
     "5,200 a year is below 2 x 2,925 = 5,850: nothing to tax"),
]


@pytest.mark.parametrize("case_id, kwargs, expected, hand", CASES, ids=[c[0] for c in CASES])
def test_illinois_2026_by_hand(case_id, kwargs, expected, hand):
    assert income_tax(ctx("IL", **kwargs)) == D(expected), hand


def test_explanation_names_the_2026_allowance_and_booklet():
    text = explanation(ctx("IL", certificate={"IL": {"allowances": 1}}))
    assert "1 x $2,925.00 = $2,925.00" in text
    assert "IL-700-T (R-12/25)" in text


def test_kentucky_resident_working_in_illinois_pays_kentucky_under_reciprocity():
    """IL-W-5-NR on file: IL withholds nothing; KY 2026 formula on the same pay:
    (78,000 - 3,360) x 3.5% = 2,612.40 / 26 = 100.4769 -> 100.48."""
    got = lines(ctx("IL", residence="KY", certificate={"IL": {"allowances": 1, "reciprocity": True}}))
    assert got[("state_income_tax", "IL")] == D("0.00")
    assert got[("state_income_tax", "KY")] == D("100.48")


def test_2025_allowance_is_unchanged():
    """IL-700-T (R-12/24): 2025 used $2,850: (78,000 - 2,850) x 4.95% / 26 = 143.0740 -> 143.07."""
    assert income_tax(ctx("IL", year=2025, certificate={"IL": {"allowances": 1}})) == D("143.07")
