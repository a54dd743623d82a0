"""Georgia 2026: 5.19% to 10 May (the January 2026 Employer's Tax Guide), 4.99% from 11 May (the June guide, HB 463),
after the G-4 standard deduction and dependent allowances."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from payroll.engine.states import partially_supported_states, supported_states

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


JANUARY_CASES = [
    ("january-guide-example-1", dict(periods=24, gross="1470.83",
                                     certificate={"GA": {"filing_status": "married", "allowances": 1}}), "15.79",
     "2026 Employer's Tax Guide (January 2026) Example 1, status C, 1 dependent: 1,470.83 x 24 = 35,299.92 - 24,000 "
     "- 4,000 = 7,299.92 x 5.19% = 378.8658 / 24 = 15.786 -> 15.79 (per period: 1,470.83 - 1,000.00 - 166.67 = "
     "304.16 x 5.19% = 15.79)"),
    ("january-guide-example-2", dict(periods=26, gross="730.77",
                                     certificate={"GA": {"filing_status": "head_of_household", "allowances": 2}}),
     "0.00", "January guide Example 2, head of household, 2 dependents: 730.77 x 26 = 19,000.02 - 12,000 - 8,000 < 0"),
    ("january-no-g4", dict(), "131.75", "no G-4: single, no allowances: 78,000 - 12,000 = 66,000 x 5.19% = "
                                        "3,425.40 / 26 = 131.7462 -> 131.75"),
]


@pytest.mark.parametrize("case_id, kwargs, expected, hand", JANUARY_CASES, ids=[c[0] for c in JANUARY_CASES])
def test_georgia_from_1_january_to_10_may_2026_reproduces_the_january_guide(case_id, kwargs, expected, hand):
    assert income_tax(ctx("GA", pay_date=date(2026, 3, 6), **kwargs)) == D(expected), hand


def test_the_rate_cut_takes_effect_on_the_11_may_pay_date():
    """No G-4, biweekly 3,000: 10 May -> 5.19% with $12,000 = 131.75; 11 May -> 4.99% with $15,000 = 120.91."""
    assert income_tax(ctx("GA", pay_date=date(2026, 5, 10))) == D("131.75")
    assert income_tax(ctx("GA", pay_date=date(2026, 5, 11))) == D("120.91")


def test_georgia_is_supported_for_the_whole_of_2026():
    assert "GA" not in partially_supported_states(2026)
    assert "GA" in supported_states(2026)


def test_explanation_names_the_guide():
    assert "Employer's Tax Guide" in explanation(ctx("GA", pay_date=JUNE))
    assert "January 2026" in explanation(ctx("GA", pay_date=date(2026, 2, 6)))
