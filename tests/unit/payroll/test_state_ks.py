"""Kansas 2025 and 2026 (KW-100, wages paid on and after 1 July 2024): per pay period, wages less the K-4
allowance columns (the first allowance, or the first two at the joint rate, the personal column; each further one
the dependent column), then the period's single or joint table (5.2%, then 5.58%), to the cent. KW-100's own
example (Esmeralda Espinoza) is reproduced as transcribed; the rest are hand calculations from the printed period
figures, written out in the case.
"""
from __future__ import annotations

from decimal import Decimal

import pytest

from payroll.engine.states import partially_supported_states, supported_states

try:  # the folder may or may not be a package
    from .test_state_helpers import ctx, explanation, income_tax
except ImportError:
    from test_state_helpers import ctx, explanation, income_tax

D = Decimal


def _k4(status="single", allowances=0, **more):
    return {"KS": {"filing_status": status, "allowances": allowances, **more}}


CASES = [
    ("kw100-example-espinoza-semimonthly-joint-3", dict(periods=24, gross="2000", certificate=_k4("married", 3)),
     "41.44", "KW-100 (rev. 7-24) example: 2,000 - (763.33 joint + 96.67 dependent) = 1,140.00; joint semimonthly "
     "table over 343: 5.2% x 797 = 41.44"),
    ("no-k4-single-no-allowances-biweekly", dict(), "156.32",
     "3,000, nothing subtracted; single biweekly over 1,023: 46.00 + 5.58% x 1,977 (110.32) = 156.32"),
    ("single-one-allowance-weekly", dict(periods=52, gross="800", certificate=_k4(allowances=1)), "29.24",
     "800 - 176.15 = 623.85; single weekly over 512: 23.00 + 5.58% x 111.85 (6.24) = 29.24"),
    ("joint-two-allowances-monthly", dict(periods=12, gross="6000", certificate=_k4("married", 2)), "196.89",
     "6,000 - 1,526.67 = 4,473.33; joint monthly over 687: 5.2% x 3,786.33 = 196.89"),
    ("joint-two-dependents-monthly", dict(periods=12, gross="6000", certificate=_k4("married", 4)), "176.78",
     "6,000 - 1,526.67 - 2 x 193.33 = 4,086.67; 5.2% x (4,086.67 - 687 = 3,399.67) = 176.78"),
    ("joint-one-allowance-takes-the-single-column", dict(periods=12, gross="6000", certificate=_k4("married", 1)),
     "239.32", "6,000 - 763.33 = 5,236.67; joint monthly over 4,520: 199.33 + 5.58% x 716.67 (39.99) = 239.32"),
    ("head-of-household-two-allowances", dict(certificate=_k4("head_of_household", 2)), "131.68",
     "single rate: 3,000 - 352.31 - 89.23 = 2,558.46; over 1,023: 46.00 + 5.58% x 1,535.46 (85.68) = 131.68"),
    ("low-earner-under-the-zero-band", dict(periods=52, gross="200", certificate=_k4(allowances=1)), "0.00",
     "200 - 176.15 = 23.85, under the weekly 69: nothing"),
    ("high-earner-joint-monthly", dict(periods=12, gross="20000", certificate=_k4("married", 2)), "977.93",
     "20,000 - 1,526.67 = 18,473.33; 199.33 + 5.58% x 13,953.33 (778.60) = 977.93"),
    ("annual-payroll", dict(periods=1, gross="60000", certificate=_k4(allowances=1)), "2548.31",
     "60,000 - 9,160 = 50,840; single annual over 26,605: 1,196 + 5.58% x 24,235 (1,352.31) = 2,548.31"),
    ("bonus-at-5", dict(gross="3000", supplemental="1000"), "150.52",
     "regular 2,000: over 1,023: 46.00 + 5.58% x 977 (54.52) = 100.52; bonus 5% x 1,000 = 50"),
    ("additional", dict(certificate=_k4(additional="10")), "166.32", "156.32 + 10"),
    ("exempt", dict(certificate=_k4(exempt=True)), "0.00", "K-4 exempt claim"),
]


@pytest.mark.parametrize("year", [2025, 2026])
@pytest.mark.parametrize("case_id, kwargs, expected, hand", CASES, ids=[c[0] for c in CASES])
def test_kansas_by_hand(year, case_id, kwargs, expected, hand):
    assert income_tax(ctx("KS", year=year, **kwargs)) == D(expected), hand


@pytest.mark.parametrize("year", [2025, 2026])
def test_kansas_is_supported_for_the_whole_year(year):
    assert "KS" in supported_states(year) and "KS" not in partially_supported_states(year)


def test_explanation_names_the_period_allowance_columns():
    text = explanation(ctx("KS", periods=12, gross="6000", certificate=_k4("married", 4)))
    assert "the joint personal allowance $1,526.67 + 2 x $193.33 (12 pay periods a year) = $1,913.33" in text
