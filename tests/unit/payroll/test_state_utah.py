"""Utah's credit-based withholding (Pub 14, tables for periods from 1 June 2025, used from 1 July 2025 pay dates), using
the federal W-4 filing status."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from payroll.engine.states import UnsupportedState

try:  # the folder may or may not be a package
    from .test_state_helpers import ctx, explanation, income_tax
except ImportError:
    from test_state_helpers import ctx, explanation, income_tax

D = Decimal
JUNE = date(2025, 7, 18)   # a pay date whose period began after 1 June 2025 (June pay dates are refused)


@pytest.mark.parametrize("periods, gross, federal, expected, hand", [
    (26, "3000", "single", "135.00",
     "78,000 x 4.5% = 3,510; credit 450 - 1.3% x (78,000 - 9,107) = 450 - 895.61 -> 0; 3,510 / 26 = 135.00"),
    (12, "2000", "married_jointly", "21.00",
     "24,000 x 4.5% = 1,080; credit 900 - 1.3% x (24,000 - 18,213 = 5,787) = 900 - 75.231 = 824.769; "
     "255.231 / 12 = 21.27 -> 21 (whole dollars)"),
    (52, "300", "single", "6.00",
     "15,600 x 4.5% = 702; credit 450 - 1.3% x 6,493 = 450 - 84.409 = 365.591; 336.409 / 52 = 6.47 -> 6"),
    (52, "150", "single", "0.00", "7,800 x 4.5% = 351 is below the full 450 credit -> 0"),
    (26, "3000", "head_of_household", "135.00", "head of household uses the single schedule: as the first row"),
])
def test_utah_pub14_by_hand(periods, gross, federal, expected, hand):
    assert income_tax(ctx("UT", year=2025, pay_date=JUNE, periods=periods, gross=gross, federal=federal)) \
        == D(expected), hand


def test_bonus_by_the_aggregate_method():
    """Regular 3,000 -> 135 (above). With a 1,000 bonus: 104,000 x 4.5% = 4,680, credit 0, / 26 = 180;
    supplemental part 180 - 135 = 45; total 180.00."""
    c = ctx("UT", year=2025, pay_date=JUNE, gross="4000", supplemental="1000")
    assert income_tax(c) == D("180.00")
    assert "aggregate method" in explanation(c)


def test_june_2025_pay_dates_are_refused():
    """Periods beginning 1 June 2025 use these tables, earlier ones the 1 June 2024 tables: a June pay date may be
    either (the 1 June 2024 tables to 31 May are tested in test_state_gapb.py)."""
    with pytest.raises(UnsupportedState, match="UT.*2025-06-20"):
        income_tax(ctx("UT", year=2025, pay_date=date(2025, 6, 20)))


def test_2026_uses_the_june_2025_tables_until_may_then_stops():
    """January and May 2026 pay: the June 2025 tables still apply -> 135.00 as in the first case; June 2026 refused
    (Pub 14 Rev. 4/26 applies to periods beginning 1 June; from 1 July it is tested in test_state_ut.py)."""
    assert income_tax(ctx("UT", year=2026, pay_date=date(2026, 1, 9))) == D("135.00")
    assert income_tax(ctx("UT", year=2026, pay_date=date(2026, 5, 29))) == D("135.00")
    with pytest.raises(UnsupportedState, match="UT"):
        income_tax(ctx("UT", year=2026, pay_date=date(2026, 6, 12)))
