"""Montana 2025 and 2026 (ARM 42.17.105 formula by MW-4 filing status): 0% up to the federal standard deduction,
4.7% on the next band, 5.9% (2025) / 5.65% (2026) above; whole dollars; reciprocity with North Dakota (MT-R).
2026 is worked per pay period from the guide's printed tables (W = A + B x (G - C)), as transcribed."""
from __future__ import annotations

from decimal import Decimal

import pytest

try:  # the folder may or may not be a package
    from .test_state_helpers import ctx, explanation, income_tax, lines
except ImportError:
    from test_state_helpers import ctx, explanation, income_tax, lines

D = Decimal

CASES_2025 = [
    ("no-mw4-biweekly", dict(), "133.00",
     "single: 78,000; over 36,100: 991.70 (4.7% x 21,100) + 5.9% x 41,900 (2,472.10) = 3,463.80 / 26 = 133.22 -> 133"),
    ("married-monthly-rounds-half-up", dict(periods=12, gross="6000", certificate={"MT": {"filing_status": "married"}}),
     "165.00", "72,000 - 30,000 = 42,000 x 4.7% = 1,974.00 / 12 = 164.50 -> 165 (half up)"),
    ("head-of-household-weekly", dict(periods=52, gross="1000",
                                      certificate={"MT": {"filing_status": "head_of_household"}}), "27.00",
     "52,000 - 22,500 = 29,500 x 4.7% = 1,386.50 / 52 = 26.66 -> 27"),
    ("low-earner", dict(periods=52, gross="250"), "0.00", "13,000 a year is under the 15,000 zero band"),
    ("high-earner-monthly", dict(periods=12, gross="20000"), "1085.00",
     "240,000: 991.70 + 5.9% x 203,900 (12,030.10) = 13,021.80 / 12 = 1,085.15 -> 1,085"),
    ("bonus-at-5", dict(gross="3000", supplemental="1000"), "124.00",
     "regular 2,000 x 26 = 52,000: 991.70 + 5.9% x 15,900 (938.10) = 1,929.80 / 26 = 74.22 -> 74; bonus 5% x 1,000 "
     "= 50; 124"),
    ("additional", dict(certificate={"MT": {"additional": "15"}}), "148.00", "133 + 15"),
    ("exempt", dict(certificate={"MT": {"exempt": True}}), "0.00", "MW-4 section 2 exemption"),
]

CASES_2026 = [
    ("guide-example-semimonthly-single", dict(periods=24, gross="1375"), "33.00",
     "2026 guide example (as transcribed): semimonthly single table, 4.7% x (1,375 - 671) = 33.088 -> 33"),
    ("no-mw4-biweekly", dict(), "117.00",
     "single biweekly table, from 2,446: 86 + 5.65% x 554 (31.30) = 117.30 -> 117"),
    ("monthly-single-above-the-top-threshold", dict(periods=12, gross="6000"), "227.00",
     "single monthly table, from 5,300: 187 + 5.65% x 700 (39.55) = 226.55 -> 227 (annualised it would be "
     "2,232.50 + 5.65% x 8,400 = 2,707.10 / 12 = 225.59 -> 226: the printed $187 is rounded up)"),
    ("married-monthly", dict(periods=12, gross="6000", certificate={"MT": {"filing_status": "married"}}), "156.00",
     "married monthly table, from 2,683: 4.7% x 3,317 = 155.90 -> 156"),
    ("head-of-household-weekly", dict(periods=52, gross="1000",
                                      certificate={"MT": {"filing_status": "head_of_household"}}), "25.00",
     "head-of-household weekly table, from 464: 4.7% x 536 = 25.19 -> 25"),
    ("married-filing-separately-uses-the-single-table", dict(
        periods=12, gross="6000", certificate={"MT": {"filing_status": "married_filing_separately"}}), "227.00",
     "MW-4 line 2: as the single monthly case"),
    ("low-earner-under-the-zero-band", dict(periods=52, gross="300"), "0.00", "300 a week is under 310"),
    ("annual-payroll", dict(periods=1, gross="80000"), "3160.00",
     "single annual table, from 63,600: 2,233 + 5.65% x 16,400 (926.60) = 3,159.60 -> 3,160"),
    ("bonus-by-the-aggregate-method", dict(gross="3000", supplemental="1000"), "117.00",
     "regular 2,000: 4.7% x (2,000 - 619) = 64.91 -> 65; regular + bonus 3,000 = 117 (second case); bonus part "
     "117 - 65 = 52; total 65 + 52 = 117"),
    ("additional", dict(certificate={"MT": {"additional": "15"}}), "132.00", "117 + 15"),
    ("exempt", dict(certificate={"MT": {"exempt": True}}), "0.00", "MW-4 section 2 exemption"),
]


def test_montana_2026_quarterly_payroll_uses_the_annual_table():
    """No quarterly table is printed: 15,000 x 4 = 60,000 on the single annual table, from 16,100: 4.7% x 43,900 =
    2,063.30 / 4 = 515.83 -> 516."""
    assert income_tax(ctx("MT", year=2026, periods=4, gross="15000")) == D("516.00")
    assert "No table printed for 4 pay periods" in explanation(ctx("MT", year=2026, periods=4, gross="15000"))


@pytest.mark.parametrize("case_id, kwargs, expected, hand", CASES_2025, ids=[c[0] for c in CASES_2025])
def test_montana_2025_by_hand(case_id, kwargs, expected, hand):
    assert income_tax(ctx("MT", year=2025, **kwargs)) == D(expected), hand


@pytest.mark.parametrize("case_id, kwargs, expected, hand", CASES_2026, ids=[c[0] for c in CASES_2026])
def test_montana_2026_by_hand(case_id, kwargs, expected, hand):
    assert income_tax(ctx("MT", year=2026, **kwargs)) == D(expected), hand


def test_north_dakota_resident_working_in_montana_is_withheld_for_north_dakota():
    """MT-R on file: no MT tax; ND 2026 single biweekly 3,000 = 15 (see test_state_nd)."""
    got = lines(ctx("MT", year=2026, residence="ND", certificate={"MT": {"reciprocity": True}}))
    assert got[("state_income_tax", "MT")] == D("0.00") and got[("state_income_tax", "ND")] == D("15.00")


def test_explanation_names_the_guide():
    assert "Employer and Information Agent Guide" in explanation(ctx("MT", year=2026))
