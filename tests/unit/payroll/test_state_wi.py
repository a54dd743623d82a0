"""Wisconsin (W-166 alternate method): the status's standard deduction phased out above a floor, $400 per exemption,
3.54% / 4.65% / 5.30% / 7.65%."""
from __future__ import annotations

from decimal import Decimal

import pytest

try:  # the folder may or may not be a package
    from .test_state_helpers import ctx, explanation, income_tax, lines
except ImportError:
    from test_state_helpers import ctx, explanation, income_tax, lines

D = Decimal


def wi(exemptions=None, status=None, **extra):
    cert = dict(extra)
    if exemptions is not None:
        cert["allowances"] = exemptions
    if status:
        cert["filing_status"] = status
    return {"WI": cert}


EXAMPLES = [
    ("w166-single-weekly-350-one-exemption", dict(periods=52, gross="350", certificate=wi(1)), "7.59",
     "W-166 example: 18,200; deduction 6,702 - 12% x (18,200 - 17,780) = 6,651.60; 18,200 - 6,651.60 - 400 = "
     "11,148.40 x 3.54% = 394.65 / 52 = 7.59"),
    ("w166-single-weekly-500-three-exemptions", dict(periods=52, gross="500", certificate=wi(3)), "14.34",
     "W-166 example: 26,000 - 5,715.60 - 1,200 = 19,084.40; 451.70 + 4.65% x 6,324.40 = 745.78 / 52 = 14.34"),
    ("w166-married-biweekly-1000-three-exemptions", dict(periods=26, gross="1000", certificate=wi(3, "married")),
     "22.08", "W-166 example: 26,000; deduction 9,461 - 20% x 273 = 9,406.40; 15,393.60; 451.70 + 4.65% x 2,633.60 "
              "= 574.16 / 26 = 22.08"),
]

CASES = [
    ("no-wt4-single-zero-no-deduction-above-the-ceiling", dict(periods=26, gross="3000"), "147.17",
     "78,000 >= 73,630: no deduction; 1,045.04 + 5.3% x 52,480 = 3,826.48 / 26 = 147.17"),
    ("low-earner-full-deduction", dict(periods=52, gross="200", certificate=wi(1)), "2.25",
     "10,400 < 17,780: 10,400 - 6,702 - 400 = 3,298 x 3.54% = 116.75 / 52 = 2.2452 -> 2.25"),
    ("below-the-deduction", dict(periods=52, gross="120"), "0.00", "6,240 < 6,702: nothing"),
    ("high-earner-married-monthly", dict(periods=12, gross="30000", certificate=wi(2, "married")), "1714.08",
     "360,000 - 800 = 359,200: 14,582.83 + 7.65% x 78,250 = 20,568.955 / 12 = 1,714.08"),
    ("married-monthly-phase-out", dict(periods=12, gross="4000", certificate=wi(2, "married")), "160.73",
     "48,000; 9,461 - 20% x 22,273 = 5,006.40; 42,193.60: 1,045.04 + 5.3% x 16,673.60 = 1,928.73 / 12 = 160.73"),
    ("head-of-household-uses-single", dict(periods=12, gross="4000", certificate=wi(0, "head_of_household")), "172.79",
     "48,000; 6,702 - 12% x 30,220 = 3,075.60; 44,924.40: 1,045.04 + 5.3% x 19,404.40 = 2,073.47 / 12 = 172.79"),
    ("supplemental-aggregated", dict(periods=52, gross="500", supplemental="150", certificate=wi(3)), "14.34",
     "regular 350, 3 exemptions: 18,200 - 6,651.60 - 1,200 = 10,348.40 x 3.54% = 366.33 / 52 = 7.04; with the bonus "
     "the 14.3419 of the example; bonus 7.30; 7.04 + 7.30 = 14.34"),
    ("additional-withholding", dict(periods=52, gross="350", certificate=wi(1, additional="5")), "12.59", "7.59 + 5"),
    ("exempt", dict(periods=52, gross="350", certificate=wi(1, exempt=True)), "0.00", "exempt on WT-4"),
]


@pytest.mark.parametrize("year", [2025, 2026])
@pytest.mark.parametrize("case_id, kwargs, expected, hand", EXAMPLES + CASES, ids=[c[0] for c in EXAMPLES + CASES])
def test_wisconsin_by_hand(year, case_id, kwargs, expected, hand):
    """The W-166 tables in force since 2022 apply in 2025 and 2026 alike."""
    assert income_tax(ctx("WI", year=year, **kwargs)) == D(expected), hand


def test_illinois_resident_with_w220_has_illinois_tax_withheld():
    got = lines(ctx("WI", residence="IL", certificate={"WI": {"reciprocity": True}}))
    assert got[("state_income_tax", "WI")] == D("0.00") and ("state_income_tax", "IL") in got


def test_explanation_shows_the_phase_out():
    assert "less 12% of wages over $17,780.00" in explanation(ctx("WI", periods=52, gross="350", certificate=wi(1)))
