"""Pay dates filled in by gapb: Idaho before 1 July 2025 (the 1 July 2024 tables) and Utah to 31 May 2025 (Pub 14's
1 June 2024 tables), each worked by hand from the published formula (whole-dollar withholding)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from payroll.engine.states import UnsupportedState, partially_supported_states, supported_states

try:  # the folder may or may not be a package
    from .test_state_helpers import ctx, explanation, income_tax
except ImportError:
    from test_state_helpers import ctx, explanation, income_tax

D = Decimal
SPRING_2025 = date(2025, 4, 18)

ID_CASES = [
    ("biweekly-single-no-allowances", dict(periods=26, gross="3000"), "139.00",
     "(78,000 - 14,600) x 5.695% = 3,610.63 / 26 = 138.87 -> 139"),
    ("monthly-married-2-allowances",
     dict(periods=12, gross="5000", certificate={"ID": {"filing_status": "married", "allowances": 2}}), "112.00",
     "(60,000 - 29,200 - 2 x 3,600 = 23,600) x 5.695% = 1,344.02 / 12 = 112.00"),
    ("weekly-just-above-zero-rate", dict(periods=52, gross="300"), "1.00",
     "(15,600 - 14,600 = 1,000) x 5.695% = 56.95 / 52 = 1.095 -> 1"),
    ("weekly-below-zero-rate", dict(periods=52, gross="250"), "0.00", "13,000 is below the 14,600 zero-rate amount"),
]


@pytest.mark.parametrize("case_id, kwargs, expected, hand", ID_CASES, ids=[c[0] for c in ID_CASES])
def test_idaho_july_2024_tables_for_the_first_half_of_2025(case_id, kwargs, expected, hand):
    assert income_tax(ctx("ID", year=2025, pay_date=SPRING_2025, **kwargs)) == D(expected), hand


def test_idaho_2025_switches_to_the_5_3_percent_tables_on_1_july():
    """30 June: 139 (above); 1 July: (78,000 - 15,000) x 5.3% = 3,339 / 26 = 128.42 -> 128. Idaho 2025 is whole."""
    assert income_tax(ctx("ID", year=2025, pay_date=date(2025, 6, 30))) == D("139.00")
    assert income_tax(ctx("ID", year=2025, pay_date=date(2025, 7, 1))) == D("128.00")
    assert "ID" in supported_states(2025)
    assert "5.695%" in explanation(ctx("ID", year=2025, pay_date=SPRING_2025)) or \
        "1 July 2024" in explanation(ctx("ID", year=2025, pay_date=SPRING_2025))


UT_CASES = [
    ("biweekly-single", dict(periods=26, gross="3100"), "141.00",
     "80,600 x 4.55% = 3,667.30; credit 440 - 1.3% x (80,600 - 8,826) < 0 -> 0; 3,667.30 / 26 = 141.05 -> 141"),
    ("monthly-married", dict(periods=12, gross="2000", federal="married_jointly"), "25.00",
     "24,000 x 4.55% = 1,092; credit 880 - 1.3% x (24,000 - 17,652 = 6,348) = 880 - 82.524 = 797.476; "
     "294.524 / 12 = 24.54 -> 25"),
    ("weekly-single", dict(periods=52, gross="300"), "7.00",
     "15,600 x 4.55% = 709.80; credit 440 - 1.3% x (15,600 - 8,826 = 6,774) = 440 - 88.062 = 351.938; "
     "357.862 / 52 = 6.88 -> 7"),
    ("weekly-single-low", dict(periods=52, gross="150"), "0.00", "7,800 x 4.55% = 354.90 is below the 440 credit"),
]


@pytest.mark.parametrize("case_id, kwargs, expected, hand", UT_CASES, ids=[c[0] for c in UT_CASES])
def test_utah_june_2024_tables_to_31_may_2025(case_id, kwargs, expected, hand):
    assert income_tax(ctx("UT", year=2025, pay_date=SPRING_2025, **kwargs)) == D(expected), hand


def test_utah_2025_pay_dates_by_period_start():
    """31 May 2025: the 4.55% tables (141 as above); June refused (the period may have begun in May or June);
    1 July: 4.5%: 80,600 x 4.5% = 3,627 / 26 = 139.50 -> 140 (credit 0)."""
    assert income_tax(ctx("UT", year=2025, pay_date=date(2025, 5, 31), gross="3100")) == D("141.00")
    with pytest.raises(UnsupportedState, match="UT.*2025-06-13"):
        income_tax(ctx("UT", year=2025, pay_date=date(2025, 6, 13)))
    assert income_tax(ctx("UT", year=2025, pay_date=date(2025, 7, 1), gross="3100")) == D("140.00")
    assert partially_supported_states(2025)["UT"] == ((None, date(2025, 5, 31)), (date(2025, 7, 1), None))
