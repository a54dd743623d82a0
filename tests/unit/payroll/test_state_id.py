"""Idaho 2026: the 2025 tables to 22 July, the revised EPB00744 (07-23-2026) from its revision date, 23 July;
whole dollars."""
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
AUGUST = date(2026, 8, 14)

CASES = [
    ("official-revised-biweekly", dict(periods=26, gross="1212", certificate={"ID": {"allowances": 4}}), "31.00",
     "EPB00744 (07-23-2026) example, single, 4 allowances worth $0: (1,212 - 619) x 5.3% = 31.43 -> 31; "
     "annualised: 31,512 - 16,100 = 15,412 x 5.3% = 816.84 / 26 = 31.42 -> 31"),
    ("annualised-married-weekly", dict(periods=52, gross="1000", certificate={"ID": {"filing_status": "married"}}),
     "20.00", "the Commission's annualised example: 52,000 - 32,200 = 19,800 x 5.3% = 1,049.40 / 52 = 20.18 -> 20"),
    ("biweekly-3000-no-id-w4", dict(), "126.00",
     "no ID W-4: single, 78,000 - 16,100 = 61,900 x 5.3% = 3,280.70 / 26 = 126.18 -> 126"),
    ("monthly-below-zero-rate", dict(periods=12, gross="1300"), "0.00", "15,600 a year is below 16,100"),
]


@pytest.mark.parametrize("case_id, kwargs, expected, hand", CASES, ids=[c[0] for c in CASES])
def test_idaho_revised_2026_tables_by_hand(case_id, kwargs, expected, hand):
    assert income_tax(ctx("ID", pay_date=AUGUST, **kwargs)) == D(expected), hand


def test_allowances_no_longer_reduce_withholding():
    """Same pay as the third case with 3 allowances: still 126 (the allowance value is $0 from these tables)."""
    assert income_tax(ctx("ID", pay_date=AUGUST, certificate={"ID": {"allowances": 3}})) == D("126.00")


def test_the_2025_tables_run_to_22_july_and_the_revised_tables_from_23_july():
    """22 July 2026: the old tables (78,000 - 15,000 = 63,000 x 5.3% = 3,339 / 26 = 128.42 -> 128); 23 July, the
    revision date the Commission says to use them 'going forward' from: the revised tables (126); so every 2026 pay
    date computes."""
    assert income_tax(ctx("ID", pay_date=date(2026, 7, 22))) == D("128.00")
    assert income_tax(ctx("ID", pay_date=date(2026, 7, 23))) == D("126.00")
    assert income_tax(ctx("ID", pay_date=date(2026, 7, 27))) == D("126.00")
    assert "ID" not in partially_supported_states(2026) and "ID" in supported_states(2026)


def test_explanation_names_the_revised_publication():
    assert "revised 07-23-2026" in explanation(ctx("ID", pay_date=AUGUST))
