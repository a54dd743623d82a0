"""2025 data filled in for Colorado, Mississippi and Georgia (issue 15, helper gapa), checked by hand from each formula.

No state-printed worked example was found for these editions, so every case is a hand calculation written out here."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from payroll.engine.states import partially_supported_states, supported_states

try:  # the folder may or may not be a package
    from .test_state_helpers import explanation, income_tax, lines
    from .test_state_helpers import ctx as _ctx
except ImportError:
    from test_state_helpers import ctx as _ctx
    from test_state_helpers import explanation, income_tax, lines

D = Decimal
BEFORE_JULY = date(2025, 3, 7)
FROM_JULY = date(2025, 7, 11)


def ctx(state, **kwargs):
    return _ctx(state, year=2025, **kwargs)


CASES = [
    # Colorado DR 1098 (2025): 4.40% of annualised wages after the DR 0004 allowance ($5,000 / $10,000 MFJ default)
    ("CO-weekly-single-default", "CO", dict(periods=52, gross="1000"), "39.77",
     "1,000 x 52 = 52,000 - 5,000 = 47,000 x 4.40% = 2,068 / 52 = 39.7692 -> 39.77"),
    ("CO-semimonthly-mfj-default", "CO", dict(periods=24, gross="5000", federal="married_jointly"), "201.67",
     "120,000 - 10,000 = 110,000 x 4.40% = 4,840 / 24 = 201.6667 -> 201.67"),
    ("CO-dr0004-allowance", "CO", dict(periods=26, gross="3000", certificate={"CO": {"annual_allowance": "8000"}}),
     "118.46", "DR 0004 line 2 replaces the default: 78,000 - 8,000 = 70,000 x 4.40% = 3,080 / 26 = 118.4615 -> 118.46"),
    ("CO-below-allowance", "CO", dict(periods=52, gross="95"), "0.00", "95 x 52 = 4,940 is below the 5,000 allowance"),
    # Mississippi Pub 89-700 (2025): 4.4% above 10,000 after exemption and standard deduction, whole dollars
    ("MS-weekly-single-6000", "MS", dict(periods=52, gross="500", certificate={"MS": {"annual_allowance": "6000"}}),
     "7.00", "26,000 - 6,000 - 2,300 - 10,000 = 7,700 x 4.4% = 338.80 / 52 = 6.515 -> 7"),
    ("MS-no-89-350", "MS", dict(), "111.00",
     "single, no exemption: 78,000 - 2,300 - 10,000 = 65,700 x 4.4% = 2,890.80 / 26 = 111.18 -> 111"),
    ("MS-monthly-married", "MS", dict(periods=12, gross="4000",
                                      certificate={"MS": {"filing_status": "married", "annual_allowance": "15000"}}),
     "67.00", "48,000 - 15,000 - 4,600 - 10,000 = 18,400 x 4.4% = 809.60 / 12 = 67.47 -> 67"),
    # Georgia 2025: 5.39% before 1 July, 5.19% from 1 July; $12,000 / $24,000 standard deduction, $4,000 a dependent
    ("GA-no-g4-before-july", "GA", dict(pay_date=BEFORE_JULY), "136.82",
     "single: 78,000 - 12,000 = 66,000 x 5.39% = 3,557.40 / 26 = 136.8231 -> 136.82"),
    ("GA-no-g4-from-july", "GA", dict(pay_date=FROM_JULY), "131.75",
     "66,000 x 5.19% = 3,425.40 / 26 = 131.7462 -> 131.75"),
    ("GA-30-june-status-c", "GA", dict(periods=24, gross="2000", pay_date=date(2025, 6, 30),
                                       certificate={"GA": {"filing_status": "married", "allowances": 1}}), "44.92",
     "48,000 - 24,000 - 4,000 = 20,000 x 5.39% = 1,078 / 24 = 44.9167 -> 44.92"),
    ("GA-1-july-status-c", "GA", dict(periods=24, gross="2000", pay_date=date(2025, 7, 1),
                                      certificate={"GA": {"filing_status": "married", "allowances": 1}}), "43.25",
     "20,000 x 5.19% = 1,038 / 24 = 43.25"),
    ("GA-bonus-from-july", "GA", dict(periods=52, gross="1500", supplemental="500", pay_date=FROM_JULY,
                                      certificate={"GA": {"filing_status": "head_of_household", "allowances": 2}}),
     "57.89", "regular 1,000 x 52 = 52,000 - 12,000 - 8,000 = 32,000 x 5.19% = 1,660.80 / 52 = 31.9385 -> 31.94; "
              "bonus 500 x 5.19% = 25.95; 31.94 + 25.95 = 57.89"),
]


@pytest.mark.parametrize("case_id, state, kwargs, expected, hand", CASES, ids=[c[0] for c in CASES])
def test_2025_by_hand(case_id, state, kwargs, expected, hand):
    assert income_tax(ctx(state, **kwargs)) == D(expected), hand


def test_colorado_2025_famli_employee_share():
    """FAMLI 2025: 0.9% premium, employee share 0.45%: 3,000 x 0.45% = 13.50."""
    assert lines(ctx("CO", gross="3000"))[("state_pfml", "CO")] == D("13.50")


def test_the_three_states_are_fully_covered_in_2025():
    assert {"CO", "MS", "GA"} <= supported_states(2025)
    assert not {"CO", "MS", "GA"} & set(partially_supported_states(2025))


def test_georgia_2025_explanation_names_the_rate_of_the_pay_date():
    assert "5.39%" in explanation(ctx("GA", pay_date=BEFORE_JULY))
    assert "5.19%" in explanation(ctx("GA", pay_date=FROM_JULY))
