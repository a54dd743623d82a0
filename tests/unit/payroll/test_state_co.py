"""Colorado 2026 (DR 1098 / DR 0004): 4.40% of annualised wages after the DR 0004 annual withholding allowance."""
from __future__ import annotations

from decimal import Decimal

import pytest

try:  # the folder may or may not be a package
    from .test_state_helpers import ctx, explanation, income_tax, lines
except ImportError:
    from test_state_helpers import ctx, explanation, income_tax, lines

D = Decimal

CASES = [
    ("weekly-single-default", dict(periods=52, gross="1000"), "39.35",
     "no DR 0004, federal W-4 single: 1,000 x 52 = 52,000 - 5,500 = 46,500 x 4.40% = 2,046 / 52 = 39.3462 -> 39.35"),
    ("semimonthly-married-default", dict(periods=24, gross="5000", federal="married_jointly"), "199.83",
     "no DR 0004, federal W-4 married filing jointly: 120,000 - 11,000 = 109,000 x 4.40% = 4,796 / 24 "
     "= 199.8333 -> 199.83"),
    ("biweekly-explicit-zero-plus-extra", dict(periods=26, gross="1234.56",
                                               certificate={"CO": {"annual_allowance": "0", "additional": "10.25"}}),
     "64.57", "DR 0004 line 2 = $0 (an explicit zero overrides the default): 1,234.56 x 26 = 32,098.56 x 4.40% "
     "= 1,412.33664 / 26 = 54.32064 -> 54.32; plus line 3 extra 10.25 = 64.57"),
    ("weekly-below-allowance", dict(periods=52, gross="105"), "0.00",
     "105 x 52 = 5,460 is below the 5,500 default allowance"),
    ("head-of-household-uses-5500", dict(periods=12, gross="4000", federal="head_of_household"), "155.83",
     "every status except married filing jointly gets 5,500: 48,000 - 5,500 = 42,500 x 4.40% = 1,870 / 12 "
     "= 155.8333 -> 155.83"),
    ("dr0004-allowance-and-401k", dict(periods=26, gross="3000", pretax={"401k": "300"},
                                       certificate={"CO": {"annual_allowance": "8000"}}), "105.26",
     "(3,000 - 300 deferral) x 26 = 70,200 - 8,000 (DR 0004 line 2) = 62,200 x 4.40% = 2,736.80 / 26 "
     "= 105.2615 -> 105.26"),
]


@pytest.mark.parametrize("case_id, kwargs, expected, hand", CASES, ids=[c[0] for c in CASES])
def test_colorado_2026_by_hand(case_id, kwargs, expected, hand):
    assert income_tax(ctx("CO", **kwargs)) == D(expected), hand


def test_explanation_shows_the_default_allowance():
    assert "the default for single, $5,500.00, applies" in explanation(ctx("CO", periods=52, gross="1000"))


def test_famli_employee_share():
    """FAMLI 2026: 0.44% employee share of Social Security wages: (3,000 - 200 Section 125) x 0.44% = 12.32;
    the 401(k) deferral does not reduce it."""
    got = lines(ctx("CO", pretax={"section125": "200", "401k": "300"}))
    assert got[("state_pfml", "CO")] == D("12.32")


def test_famli_stops_at_the_wage_base():
    """184,500 cap: with 184,000 paid earlier this year only 500 of this 3,000 is subject: 500 x 0.44% = 2.20."""
    got = lines(ctx("CO", ytd="184000"))
    assert got[("state_pfml", "CO")] == D("2.20")
