"""North Carolina 2026, NC-30's nonresident aliens (NC-4 NRA): withheld as single with NC-30's percentage method,
plus an additional amount each pay period (weekly $11, biweekly $21, semimonthly $22, monthly $44, as transcribed
from NC-30 (11-25)); the cases NC-30 limits or prints nothing for are refused by name."""
from __future__ import annotations

from decimal import Decimal

import pytest

from backoffice.errors import ValidationFailed
from payroll.engine.states import UnsupportedState

try:  # the folder may or may not be a package
    from .test_state_helpers import ctx, explanation, income_tax
except ImportError:
    from test_state_helpers import ctx, explanation, income_tax

D = Decimal


def _nra(periods, gross, year=2026, **cert):
    return ctx("NC", year=year, periods=periods, gross=gross,
               certificate={"NC": {"filing_status": "single", "nonresident_alien": True, **cert}})


CASES = [
    ("weekly-nc30-example", 52, "450", {"allowances": 2}, "15.00",
     "NC-30's own example: weekly 450, single, 2 allowances: 450 - 245.19 - 96.16 = 108.65 x 4.09% = 4.44 -> $4; "
     "plus the weekly nonresident-alien amount $11 = $15"),
    ("biweekly", 26, "2000", {}, "83.00",
     "biweekly 2,000 - 490.38 = 1,509.62 x 4.09% = 61.743 -> $62; plus $21 = $83"),
    ("semimonthly-with-line-2", 24, "2000", {"additional": "4"}, "86.00",
     "semimonthly 2,000 - 531.25 = 1,468.75 x 4.09% = 60.072 -> $60; plus NC-4 line 2 $4 and $22 = $86"),
    ("monthly-married-withheld-as-single", 12, "4000", {"filing_status": "married"}, "164.00",
     "monthly 4,000, withheld as single whatever the status: 4,000 - 1,062.50 = 2,937.50 x 4.09% = 120.144 -> $120; "
     "plus $44 = $164"),
]


@pytest.mark.parametrize("case_id, periods, gross, cert, expected, hand", CASES, ids=[c[0] for c in CASES])
def test_a_nonresident_alien_pays_the_percentage_method_plus_ncs_additional_amount(case_id, periods, gross, cert,
                                                                                     expected, hand):
    assert income_tax(_nra(periods, gross, **cert)) == D(expected), hand


def test_the_explanation_names_the_nonresident_alien_amount():
    text = explanation(_nra(52, "450", allowances=2))
    assert "Nonresident alien (NC-4 NRA): withheld as single, plus $11.00 a pay period." in text
    assert "Total NC withholding: $4.00 + $0.00 + $11.00 = $15.00" in text


@pytest.mark.parametrize("periods, gross, words", [
    (52, "200", r"not more than \$12,750\.00"),      # 200 x 52 = 10,400: NC-30's low-wage limit applies
    (4, "9000", "paid 4 times a year"),           # NC-30 prints amounts for weekly to monthly payrolls only
])
def test_what_nc30_limits_or_prints_nothing_for_is_refused_by_name(periods, gross, words):
    with pytest.raises(UnsupportedState, match=words):
        income_tax(_nra(periods, gross))


def test_2025_has_no_nonresident_alien_amounts_in_the_data_and_says_so():
    with pytest.raises(ValidationFailed) as err:
        income_tax(_nra(26, "2000", year=2025))
    assert err.value.issues[0].field == "certificate.NC.nonresident_alien"
