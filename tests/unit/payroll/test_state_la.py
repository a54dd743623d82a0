"""Louisiana 2026 (R-1306 1/26 with the 2026 L-4): 3.09% after the L-4 standard deduction; none without an L-4."""
from __future__ import annotations

from decimal import Decimal

import pytest

try:  # the folder may or may not be a package
    from .test_state_helpers import ctx, explanation, income_tax
except ImportError:
    from test_state_helpers import ctx, explanation, income_tax

D = Decimal

CASES = [
    ("r1306-weekly-example", dict(periods=52, gross="700", certificate={"LA": {"filing_status": "single"}}), "13.98",
     "R-1306 (1/26) example 1: (700 - 12,875/52 = 247.60) x 3.09% = 13.98; annualised: 36,400 - 12,875 = 23,525 "
     "x 3.09% = 726.92 / 52 = 13.979 -> 13.98"),
    ("r1306-biweekly-example", dict(periods=26, gross="4600", certificate={"LA": {"filing_status": "married"}}),
     "111.54", "R-1306 (1/26) example 2: (4,600 - 25,750/26 = 990.38) x 3.09% = 111.54; annualised: 119,600 - 25,750 "
     "= 93,850 x 3.09% = 2,899.965 / 26 = 111.537 -> 111.54"),
    ("no-l4", dict(), "92.70", "no L-4: no standard deduction, 78,000 x 3.09% = 2,410.20 / 26 = 92.70"),
    ("hoh-below-deduction", dict(periods=12, gross="2100", certificate={"LA": {"filing_status": "head_of_household"}}),
     "0.00", "head of household takes 25,750: 25,200 a year is below it"),
    ("weekly-bonus", dict(periods=52, gross="1000", supplemental="300", certificate={"LA": {"filing_status": "single"}}),
     "23.25", "regular 700 as in the first case = 13.98; bonus 300 x 3.09% = 9.27; 13.98 + 9.27 = 23.25"),
]


@pytest.mark.parametrize("case_id, kwargs, expected, hand", CASES, ids=[c[0] for c in CASES])
def test_louisiana_2026_by_hand(case_id, kwargs, expected, hand):
    assert income_tax(ctx("LA", **kwargs)) == D(expected), hand


def test_missing_l4_is_explained():
    assert "No L-4: no deduction is subtracted." in explanation(ctx("LA"))


@pytest.mark.parametrize("year", [2025, 2026])
def test_a_negative_l4_line_7_decreases_the_withholding_never_below_zero(year):
    """L-4 line 7 'should be used to increase or decrease the tax withheld for each pay period. Decreases should be
    indicated as a negative amount' (L-4 instructions): a decrease is the certificate's reduction.
    2026, R-1306 (1/26) example 1: weekly 700, single -> 13.98; line 7 of -5.00 -> 13.98 - 5.00 = 8.98; line 7 of
    -20.00 -> 13.98 - 20.00 is negative -> 0.00.
    2025 (the 2025 data: $12,500 single, 3.09%): 700 x 52 = 36,400 - 12,500 = 23,900 x 3.09% = 738.51 / 52 = 14.202
    -> 14.20; less 5.00 = 9.20."""
    cert = {"LA": {"filing_status": "single", "reduction": "5.00"}}
    expected = {2026: "8.98", 2025: "9.20"}[year]
    assert income_tax(ctx("LA", year=year, periods=52, gross="700", certificate=cert)) == D(expected)
    big = {"LA": {"filing_status": "single", "reduction": "20.00"}}
    assert income_tax(ctx("LA", year=year, periods=52, gross="700", certificate=big)) == D("0.00")
    assert "Less the reduction per pay period on L-4, $5.00" in explanation(
        ctx("LA", year=year, periods=52, gross="700", certificate=cert))


def test_a_reduction_on_a_certificate_without_that_line_is_refused_by_name():
    """NC-4 has no reduced-withholding line: a reduction given for North Carolina is refused, not ignored."""
    from backoffice.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as err:
        income_tax(ctx("NC", periods=52, gross="700", certificate={"NC": {"reduction": "5.00"}}))
    assert err.value.issues[0].field == "certificate.NC.reduction"
