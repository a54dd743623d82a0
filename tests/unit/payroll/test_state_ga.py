"""Georgia 2026 from 11 May (Employer's Tax Guide, HB 463): 4.99% after the G-4 standard deduction and allowances."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from payroll.engine.states import UnsupportedState, partially_supported_states

try:  # the folder may or may not be a package
    from .test_state_helpers import ctx, explanation, income_tax
except ImportError:
    from test_state_helpers import ctx, explanation, income_tax

D = Decimal
JUNE = date(2026, 6, 12)

CASES = [
    ("guide-semimonthly-example", dict(periods=24, gross="2000",
                                       certificate={"GA": {"filing_status": "married", "allowances": 1}}), "27.03",
     "Employer's Tax Guide example (status C, 1 dependent): 2,000 - 1,250 - 208.33 = 541.67 x 4.99% = 27.03; "
     "annualised: 48,000 - 30,000 - 5,000 = 13,000 x 4.99% = 648.70 / 24 = 27.0292 -> 27.03"),
    ("guide-biweekly-example", dict(periods=26, gross="935", certificate={"GA": {"allowances": 2}}), "0.00",
     "guide example (single, 2 dependents): 24,310 - 15,000 - 10,000 < 0 -> nothing withheld"),
    ("no-g4", dict(), "120.91", "no G-4: single, no allowances: 78,000 - 15,000 = 63,000 x 4.99% = 3,143.70 / 26 "
                                "= 120.9115 -> 120.91"),
    ("weekly-hoh-bonus", dict(periods=52, gross="1500", supplemental="500",
                              certificate={"GA": {"filing_status": "head_of_household"}}), "60.46",
     "regular 1,000 x 52 = 52,000 - 15,000 = 37,000 x 4.99% = 1,846.30 / 52 = 35.5058 -> 35.51; "
     "bonus 500 x 4.99% = 24.95; 35.51 + 24.95 = 60.46"),
    ("status-b-uses-single-deduction", dict(periods=12, gross="5000",
                                            certificate={"GA": {"filing_status": "married_filing_separately"}}),
     "187.13", "status B: 60,000 - 15,000 = 45,000 x 4.99% = 2,245.50 / 12 = 187.125 -> 187.13 (half up)"),
]


@pytest.mark.parametrize("case_id, kwargs, expected, hand", CASES, ids=[c[0] for c in CASES])
def test_georgia_from_11_may_2026_by_hand(case_id, kwargs, expected, hand):
    assert income_tax(ctx("GA", pay_date=JUNE, **kwargs)) == D(expected), hand


def test_pay_dates_before_the_rate_cut_are_refused():
    """1 January to 10 May 2026 used 5.19% with deductions the June guide does not print: not guessed."""
    with pytest.raises(UnsupportedState, match="GA"):
        income_tax(ctx("GA", pay_date=date(2026, 5, 8)))
    assert income_tax(ctx("GA", pay_date=date(2026, 5, 11))) == D("120.91")


def test_georgia_is_listed_as_partly_supported():
    assert partially_supported_states(2026)["GA"] == ((date(2026, 5, 11), None),)


def test_explanation_names_the_guide():
    assert "Employer's Tax Guide" in explanation(ctx("GA", pay_date=JUNE))
