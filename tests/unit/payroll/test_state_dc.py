"""District of Columbia 2025 and 2026. OTR has printed no FR-230 tables since 2018; OTR Tax Notice 2022-08 tells
employers to use the current rate schedule (4% to 10.75%, in force since 1 January 2022) and the federal allowance
amount ($4,300, Pub. 15-T Worksheet 1B). OTR prints no worked example, so every case is a hand calculation:
annual wages less $4,300 per D-4 allowance, the schedule, divided by the pay periods."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

try:  # the folder may or may not be a package
    from .test_state_helpers import ctx, explanation, income_tax, lines
except ImportError:
    from test_state_helpers import ctx, explanation, income_tax, lines

D = Decimal
YEARS = [2025, 2026]


def _dc(year, cert=None, **kw):
    return ctx("DC", year=year, pay_date=date(year, 3, 13), certificate={"DC": cert} if cert is not None else None,
               **kw)


CASES = [
    ("weekly-no-allowances", {"allowances": 0}, dict(periods=52, gross="1000"), "57.31",
     "52,000: 2,200 + 6.5% x 12,000 = 2,980 / 52 = 57.307"),
    ("no-d4-on-file-zero-allowances", None, dict(periods=52, gross="1000"), "57.31", "as with no allowances"),
    ("biweekly-two-allowances", {"allowances": 2}, dict(periods=26, gross="3000"), "165.35",
     "78,000 - 2 x 4,300 = 69,400: 3,500 + 8.5% x 9,400 = 4,299 / 26 = 165.346"),
    ("monthly-one-allowance-high-earner", {"allowances": 1}, dict(periods=12, gross="25000"), "1989.77",
     "300,000 - 4,300 = 295,700: 19,650 + 9.25% x 45,700 = 23,877.25 / 12 = 1,989.77"),
    ("married-uses-the-same-schedule", {"filing_status": "married", "allowances": 2}, dict(periods=26, gross="3000"),
     "165.35", "one schedule for every D-4 status"),
    ("low-earner-bottom-bracket", {"allowances": 1}, dict(periods=52, gross="200"), "4.69",
     "10,400 - 4,300 = 6,100 x 4% = 244 / 52 = 4.692"),
    ("allowances-above-wages-floor-at-zero", {"allowances": 10}, dict(periods=52, gross="500"), "0.00",
     "26,000 - 43,000 < 0"),
    ("top-bracket", {"allowances": 0}, dict(periods=1, gross="1200000"), "113025.00",
     "91,525 + 10.75% x 200,000 = 113,025"),
    ("additional", {"allowances": 2, "additional": "20"}, dict(periods=26, gross="3000"), "185.35", "165.35 + 20"),
    ("exempt", {"exempt": True}, dict(periods=26, gross="3000"), "0.00", "D-4 exempt"),
    ("supplemental-aggregated", {"allowances": 2}, dict(periods=26, gross="4000", supplemental="1000"), "250.35",
     "regular 3,000 -> 165.35; with the bonus 4,000 x 26 = 104,000 - 8,600 = 95,400: 3,500 + 8.5% x 35,400 = "
     "6,509 / 26 = 250.346 -> 250.35; bonus share 85.00"),
]


@pytest.mark.parametrize("year", YEARS)
@pytest.mark.parametrize("case_id, cert, kwargs, expected, hand", CASES, ids=[c[0] for c in CASES])
def test_district_by_hand(year, case_id, cert, kwargs, expected, hand):
    assert income_tax(_dc(year, cert, **kwargs)) == D(expected), hand


@pytest.mark.parametrize("year", YEARS)
@pytest.mark.parametrize("home", ["PA", "FL"])
def test_a_nonresident_has_nothing_withheld_for_the_district(year, home):
    """The District cannot tax nonresidents: with D-4A on file (the DC certificate's claim) the DC line is zero and the residence state's
    own withholding applies (PA: 3.07% of 3,000 = 92.10; FL: none)."""
    got = lines(_dc(year, {"reciprocity": True}, periods=26, gross="3000", residence=home))
    assert got[("state_income_tax", "DC")] == D("0.00")
    assert got[("state_income_tax", home)] == {"PA": D("92.10"), "FL": D("0.00")}[home]


def test_explanation_names_the_allowance_and_the_notice():
    text = explanation(_dc(2026, {"allowances": 2}, periods=26, gross="3000"))
    assert "2 x $4,300.00 = $8,600.00" in text and "OTR Tax Notice 2022-08" in text


def test_dc_paid_family_leave_is_an_employer_contribution_in_2025():
    """OPFL's 2025 rate table: 0.75% of wages, paid by the employer: 0.75% x 3,000 = 22.50, nothing withheld."""
    from payroll.engine.states import compute_state_taxes
    pfl = [line for line in compute_state_taxes(_dc(2025, {"allowances": 2}, periods=26, gross="3000"))
           if line.code == "state_pfml"]
    assert len(pfl) == 1 and pfl[0].amount == D("22.50") and pfl[0].employer is True


def test_dc_paid_family_leave_is_an_employer_contribution_in_2026_too():
    """D.C. Code s. 32-541.03(a): 0.75% of each covered employee's wages, no cap, paid by the employer:
    0.75% x 3,000 = 22.50 a biweekly paycheck; no employee line."""
    from payroll.engine.states import compute_state_taxes
    got = [line for line in compute_state_taxes(_dc(2026, {"allowances": 2}, periods=26, gross="3000"))
           if line.code == "state_pfml"]
    assert [(line.amount, line.employer) for line in got] == [(D("22.50"), True)]
