"""Michigan 2026 (Form 446): 4.25% after $5,900 per MI-W4 exemption; separately paid bonuses at 4.25% flat."""
from __future__ import annotations

from decimal import Decimal

import pytest

try:  # the folder may or may not be a package
    from .test_state_helpers import ctx, explanation, income_tax, lines
except ImportError:
    from test_state_helpers import ctx, explanation, income_tax, lines

D = Decimal

CASES = [
    ("biweekly-two", dict(certificate={"MI": {"allowances": 2}}), "108.21",
     "(3,000 x 26 = 78,000 - 2 x 5,900 = 11,800) = 66,200 x 4.25% = 2,813.50 / 26 = 108.2115 -> 108.21"),
    ("no-mi-w4", dict(), "127.50", "no MI-W4: zero exemptions, 78,000 x 4.25% = 3,315 / 26 = 127.50"),
    ("weekly-bonus", dict(periods=52, gross="1500", supplemental="500", certificate={"MI": {"allowances": 1}}),
     "58.93", "regular 1,000 x 52 = 52,000 - 5,900 = 46,100 x 4.25% = 1,959.25 / 52 = 37.6779 -> 37.68; "
     "bonus 500 x 4.25% (no exemption) = 21.25; 37.68 + 21.25 = 58.93"),
    ("monthly-section125", dict(periods=12, gross="2000", pretax={"section125": "150"},
                                certificate={"MI": {"allowances": 3}}), "15.94",
     "Section 125 premiums excluded: (2,000 - 150) x 12 = 22,200 - 3 x 5,900 = 17,700 -> 4,500 x 4.25% = 191.25 "
     "/ 12 = 15.9375 -> 15.94"),
]


@pytest.mark.parametrize("case_id, kwargs, expected, hand", CASES, ids=[c[0] for c in CASES])
def test_michigan_2026_by_hand(case_id, kwargs, expected, hand):
    assert income_tax(ctx("MI", **kwargs)) == D(expected), hand


def test_illinois_resident_working_in_michigan_pays_illinois():
    """Reciprocity (Form 446): no MI tax; IL 2026 on the same pay with one IL-W-4 allowance:
    (78,000 - 2,925) x 4.95% = 3,716.2125 / 26 = 142.93."""
    got = lines(ctx("MI", residence="IL", certificate={"IL": {"allowances": 1}, "MI": {"reciprocity": True}}))
    assert got[("state_income_tax", "MI")] == D("0.00")
    assert got[("state_income_tax", "IL")] == D("142.93")


def test_michigan_resident_working_in_illinois_pays_michigan():
    """IL-W-5-NR on file: IL withholds nothing; MI with two exemptions as in the first case: 108.21."""
    got = lines(ctx("IL", residence="MI", certificate={"MI": {"allowances": 2}, "IL": {"reciprocity": True}}))
    assert got[("state_income_tax", "IL")] == D("0.00")
    assert got[("state_income_tax", "MI")] == D("108.21")


def test_city_tax_is_said_to_be_out_of_scope():
    assert "city income taxes are local" in explanation(ctx("MI"))
