"""Maine 2025 and 2026 (withholding tables, percentage method): annual wages less W-4ME allowances and the standard
deduction phased out above $100,000 / $200,050 (2026: $102,250 / $204,550), the single or married schedule, whole
dollars; Maine PFML. No Maine worked example was read: every figure is a hand calculation from the tables."""
from __future__ import annotations

from decimal import Decimal

import pytest

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


CASES_2026 = [
    ("no-w4me-biweekly", dict(), "160.00",
     "single: 78,000 - 12,450 = 65,550; over 64,850: 4,117 + 7.15% x 700 (50.05) = 4,167.05 -> 4,167 / 26 = 160.27 "
     "-> 160"),
    ("married-two-allowances-monthly", dict(periods=12, gross="6000",
                                            certificate={"ME": {"filing_status": "married", "allowances": 2}}),
     "163.00", "72,000 - 2 x 5,300 - 27,750 = 33,650 x 5.8% = 1,951.70 / 12 = 162.64 -> 163"),
    ("weekly-single-one-allowance", dict(periods=52, gross="800", certificate={"ME": {"allowances": 1}}), "27.00",
     "41,600 - 5,300 - 12,450 = 23,850 x 5.8% = 1,383.30 / 52 = 26.60 -> 27"),
    ("standard-deduction-partly-phased-out", dict(gross="4000"), "233.00",
     "104,000: 12,450 x (177,250 - 104,000) / 75,000 = 12,159.25 -> 12,159; 104,000 - 12,159 = 91,841; "
     "4,117 + 7.15% x 26,991 (1,929.86) = 6,046.86 -> 6,047 / 26 = 232.58 -> 233"),
    ("married-partly-phased-out-monthly", dict(periods=12, gross="18000",
                                               certificate={"ME": {"filing_status": "married"}}), "1048.00",
     "216,000: 27,750 x (354,550 - 216,000) / 150,000 = 25,631.75 -> 25,632; 216,000 - 25,632 = 190,368; "
     "8,237 + 7.15% x 60,618 (4,334.19) = 12,571.19 -> 12,571 / 12 = 1,047.58 -> 1,048"),
    ("married-two-allowances-weekly-4500", dict(periods=52, gross="4500",
                                                certificate={"ME": {"filing_status": "married", "allowances": 2}}),
     "257.00", "234,000: deduction 27,750 x 120,550 / 150,000 = 22,301.75 -> 22,302 (the booklet's Example 3 figure); "
     "234,000 - 10,600 - 22,302 = 201,098; 8,237 + 7.15% x 71,348 (5,101.38) = 13,338.38 -> 13,338 / 52 = 256.50 "
     "-> 257 (the $257 the booklet's Example 3 is cited with; its inputs were not read)"),
    ("high-earner-no-standard-deduction", dict(periods=12, gross="20000"), "1387.00",
     "240,000 is past 177,250: no deduction; 4,117 + 7.15% x 175,150 (12,523.23) = 16,640.23 / 12 = 1,386.69 -> 1,387"),
    ("low-earner", dict(periods=52, gross="200"), "0.00", "10,400 a year is under the 12,450 deduction"),
    ("head-of-household-uses-the-single-schedule", dict(certificate={"ME": {"filing_status": "head_of_household"}}),
     "160.00", "as the first case"),
    ("bonus-at-5", dict(gross="3000", supplemental="1000"), "143.00",
     "regular 2,000: 52,000 - 12,450 = 39,550; over 27,400: 1,589 + 6.75% x 12,150 (820.13) = 2,409.13 / 26 = 92.66 "
     "-> 93; bonus 5% x 1,000 = 50; 143"),
    ("additional", dict(certificate={"ME": {"additional": "10"}}), "170.00", "160 + 10"),
    ("exempt", dict(certificate={"ME": {"exempt": True}}), "0.00", "W-4ME exemption"),
]


@pytest.mark.parametrize("case_id, kwargs, expected, hand", CASES_2026, ids=[c[0] for c in CASES_2026])
def test_maine_2026_by_hand(case_id, kwargs, expected, hand):
    assert income_tax(ctx("ME", year=2026, **kwargs)) == D(expected), hand


def test_maine_pfml_2026_to_the_new_wage_base():
    """2026: 1% split 0.5% / 0.5% up to $184,500: 3,000 x 0.5% = 15.00; with 184,000 paid before, 500 is left:
    500 x 0.5% = 2.50 (under the 2025 base of $176,100 nothing would be left)."""
    got = lines(ctx("ME", year=2026))
    assert got[("state_pfml", "ME")] == D("15.00") and got[("state_pfml_employer", "ME")] == D("15.00")
    assert lines(ctx("ME", year=2026, ytd="184000"))[("state_pfml", "ME")] == D("2.50")


def test_explanation_shows_the_phase_out():
    assert "phased out above $100,000.00" in explanation(ctx("ME", year=2025, gross="4000"))


def test_explanation_shows_the_2026_phase_out_to_the_dollar():
    """2026 booklet, Example 3 (as transcribed): $27,750 x $120,550 / $150,000 = $22,302 (exactly $22,301.75)."""
    text = explanation(ctx("ME", year=2026, periods=52, gross="4500",
                           certificate={"ME": {"filing_status": "married", "allowances": 2}}))
    assert "phased out above $204,550.00" in text and "to the dollar = $22,302.00" in text
