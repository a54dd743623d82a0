"""Utah from 1 July 2026 (Pub 14 Rev. 04/26): 4.45% less the phased-out base allowance, per period in whole dollars."""
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
JULY = date(2026, 7, 10)

# Pub 14 lines per pay period, each rounded to the whole dollar (half up):
# line 2 = wages x 4.45%; credit = base - 1.3% x (wages - threshold); withholding = line 2 - credit.
CASES = [
    (52, "400", "single", "12.00", "18 (17.80) - (9 - 3 (220 x 1.3% = 2.86)) = 18 - 6 = 12"),
    (26, "2600", "single", "116.00", "116 (115.70) - max(0, 19 - 29 (2,240 x 1.3% = 29.12)) = 116 - 0 = 116"),
    (24, "1200", "married_jointly", "18.00", "53 (53.40) - (40 - 5 (421 x 1.3% = 5.47)) = 53 - 35 = 18"),
    (12, "7800", "married_jointly", "347.00", "347 (347.10) - (81 - 81 (6,242 x 1.3% = 81.15)) = 347 - 0 = 347"),
    (4, "9000", "single", "367.00", "401 (400.50 half up) - (121 - 87 (6,663 x 1.3% = 86.62)) = 401 - 34 = 367"),
    (260, "175", "married_jointly", "5.00", "8 (7.79) - (4 - 1 (103 x 1.3% = 1.34)) = 8 - 3 = 5"),
    (52, "150", "single", "0.00", "7 (6.68) - (9 - 0: wages under the 180 threshold) = -2 -> 0"),
    (26, "1000", "head_of_household", "34.00",
     "head of household uses the single schedule: 45 (44.50 half up) - (19 - 8 (640 x 1.3% = 8.32)) = 45 - 11 = 34"),
]


@pytest.mark.parametrize("periods, gross, federal, expected, hand", CASES)
def test_utah_pub14_rev_0426_by_hand(periods, gross, federal, expected, hand):
    assert income_tax(ctx("UT", pay_date=JULY, periods=periods, gross=gross, federal=federal)) == D(expected), hand


def test_bonus_by_the_aggregate_method():
    """Weekly 400 regular = 12 (first case). With a 100 bonus: 500 x 4.45% = 22.25 -> 22; 320 x 1.3% = 4.16 -> 4;
    credit 9 - 4 = 5; 22 - 5 = 17 on the total; bonus part 17 - 12 = 5; total 17.00."""
    c = ctx("UT", pay_date=JULY, periods=52, gross="500", supplemental="100")
    assert income_tax(c) == D("17.00")
    assert "aggregate method" in explanation(c)


def test_may_and_june_2026_are_refused_and_the_ranges_are_listed():
    """The June 2025 tables run to 31 May 2026 (4.5%); Pub 14 Rev. 4/26 is used from 1 July; June refused."""
    with pytest.raises(UnsupportedState, match="UT.*2026-06-05"):
        income_tax(ctx("UT", pay_date=date(2026, 6, 5)))
    assert partially_supported_states(2026)["UT"] == ((None, date(2026, 5, 31)), (date(2026, 7, 1), None))


def test_explanation_walks_the_pub14_lines():
    text = explanation(ctx("UT", pay_date=JULY, periods=52, gross="400"))
    assert "Line 2: $400.00 x 4.45% = $18.00 (whole dollars)" in text
    assert "Withholding: $18.00 - $6.00 = $12.00" in text
