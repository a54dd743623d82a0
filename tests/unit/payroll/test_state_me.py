"""Maine 2025 (withholding tables, percentage method): annual wages less W-4ME allowances and the standard
deduction phased out above $100,000 / $200,050, the single or married schedule, whole dollars; Maine PFML.
2026 is refused: its rate schedules could not be read."""
from __future__ import annotations

from decimal import Decimal

import pytest

from payroll.engine.states import UnsupportedState

try:  # the folder may or may not be a package
    from .test_state_helpers import ctx, explanation, income_tax, lines
except ImportError:
    from test_state_helpers import ctx, explanation, income_tax, lines

D = Decimal

CASES_2025 = [
    ("no-w4me-biweekly", dict(), "162.00",
     "single: 78,000 - 12,150 = 65,850; over 63,450: 4,028 + 7.15% x 2,400 (171.60) = 4,199.60 / 26 = 161.52 -> 162"),
    ("married-two-allowances-monthly", dict(periods=12, gross="6000",
                                            certificate={"ME": {"filing_status": "married", "allowances": 2}}),
     "167.00", "72,000 - 2 x 5,150 - 27,150 = 34,550 x 5.8% = 2,003.90 / 12 = 166.99 -> 167"),
    ("weekly-single-one-allowance", dict(periods=52, gross="800", certificate={"ME": {"allowances": 1}}), "27.00",
     "41,600 - 5,150 - 12,150 = 24,300 x 5.8% = 1,409.40 / 52 = 27.10 -> 27"),
    ("standard-deduction-partly-phased-out", dict(gross="4000"), "235.00",
     "104,000: ratio (175,000 - 104,000) / 75,000 = 0.94667 -> 0.9467; 12,150 x 0.9467 = 11,502.41; "
     "104,000 - 11,502.41 = 92,497.60; 4,028 + 7.15% x 29,047.60 (2,076.90) = 6,104.90 / 26 = 234.80 -> 235"),
    ("high-earner-no-standard-deduction", dict(periods=12, gross="20000"), "1388.00",
     "240,000 is past 175,000: no deduction; 4,028 + 7.15% x 176,550 (12,623.33) = 16,651.33 / 12 = 1,387.61 -> 1,388"),
    ("low-earner", dict(periods=52, gross="200"), "0.00", "10,400 a year is under the 12,150 deduction"),
    ("head-of-household-uses-the-single-schedule", dict(certificate={"ME": {"filing_status": "head_of_household"}}),
     "162.00", "as the first case"),
    ("bonus-at-5", dict(gross="3000", supplemental="1000"), "144.00",
     "regular 2,000: 52,000 - 12,150 = 39,850; over 26,800: 1,554 + 6.75% x 13,050 (880.88) = 2,434.88 / 26 = 93.65 "
     "-> 94; bonus 5% x 1,000 = 50; 144"),
    ("additional", dict(certificate={"ME": {"additional": "10"}}), "172.00", "162 + 10"),
    ("exempt", dict(certificate={"ME": {"exempt": True}}), "0.00", "W-4ME exemption"),
]


@pytest.mark.parametrize("case_id, kwargs, expected, hand", CASES_2025, ids=[c[0] for c in CASES_2025])
def test_maine_2025_by_hand(case_id, kwargs, expected, hand):
    assert income_tax(ctx("ME", year=2025, **kwargs)) == D(expected), hand


def test_maine_pfml_half_and_half_to_the_wage_base():
    """1% premium split 0.5% / 0.5%: 3,000 x 0.5% = 15.00; with 175,000 paid before, 1,100 is left under $176,100:
    1,100 x 0.5% = 5.50."""
    got = lines(ctx("ME", year=2025))
    assert got[("state_pfml", "ME")] == D("15.00") and got[("state_pfml_employer", "ME")] == D("15.00")
    assert lines(ctx("ME", year=2025, ytd="175000"))[("state_pfml", "ME")] == D("5.50")


def test_maine_2026_is_refused_with_the_reason():
    with pytest.raises(UnsupportedState, match="ME.*rate schedules"):
        income_tax(ctx("ME", year=2026))


def test_explanation_shows_the_phase_out():
    assert "phased out above $100,000.00" in explanation(ctx("ME", year=2025, gross="4000"))
