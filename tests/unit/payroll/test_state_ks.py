"""Kansas 2025 and 2026 (KW-100 formula for wages paid on and after 1 July 2024): annual wages less the K-4
allowances ($9,160 for the first at the single rate or each of the first two at the joint rate, $2,320 for each
further one), the single or joint annual table (nothing to $3,605 / $8,240, 5.2%, then 5.58% over $26,605 /
$54,240), divided by the periods, to the cent. No Kansas worked example was read: every figure is a hand
calculation from the formula, written out in the case."""
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
    ("no-k4-single-no-allowances-biweekly", dict(), "156.30",
     "78,000, nothing subtracted; over 26,605: 1,196 + 5.58% x 51,395 (2,867.84) = 4,063.84 / 26 = 156.30"),
    ("single-one-allowance-weekly", dict(periods=52, gross="800", certificate=_k4(allowances=1)), "29.26",
     "41,600 - 9,160 = 32,440; 1,196 + 5.58% x 5,835 (325.59) = 1,521.59 / 52 = 29.26"),
    ("joint-two-allowances-monthly", dict(periods=12, gross="6000", certificate=_k4("married", 2)), "196.91",
     "72,000 - 2 x 9,160 = 53,680; 5.2% x (53,680 - 8,240 = 45,440) = 2,362.88 / 12 = 196.91"),
    ("joint-two-dependents-monthly", dict(periods=12, gross="6000", certificate=_k4("married", 4)), "176.80",
     "72,000 - 18,320 - 2 x 2,320 = 49,040; 5.2% x 40,800 = 2,121.60 / 12 = 176.80"),
    ("joint-one-allowance-monthly", dict(periods=12, gross="6000", certificate=_k4("married", 1)), "239.32",
     "72,000 - 9,160 = 62,840; over 54,240: 2,392 + 5.58% x 8,600 (479.88) = 2,871.88 / 12 = 239.32"),
    ("head-of-household-two-allowances", dict(certificate=_k4("head_of_household", 2)), "131.66",
     "single table: 78,000 - 9,160 - 2,320 = 66,520; 1,196 + 5.58% x 39,915 (2,227.26) = 3,423.26 / 26 = 131.66"),
    ("low-earner-under-the-zero-band", dict(periods=52, gross="200", certificate=_k4(allowances=1)), "0.00",
     "10,400 - 9,160 = 1,240, under 3,605: nothing"),
    ("high-earner-joint-monthly", dict(periods=12, gross="20000", certificate=_k4("married", 2)), "977.93",
     "240,000 - 18,320 = 221,680; 2,392 + 5.58% x 167,440 (9,343.15) = 11,735.15 / 12 = 977.93"),
    ("bonus-at-5", dict(gross="3000", supplemental="1000"), "150.50",
     "regular 2,000: 52,000; 1,196 + 5.58% x 25,395 (1,417.04) = 2,613.04 / 26 = 100.50; bonus 5% x 1,000 = 50"),
    ("additional", dict(certificate=_k4(additional="10")), "166.30", "156.30 + 10"),
    ("exempt", dict(certificate=_k4(exempt=True)), "0.00", "K-4 exempt claim"),
]


@pytest.mark.parametrize("year", [2025, 2026])
@pytest.mark.parametrize("case_id, kwargs, expected, hand", CASES, ids=[c[0] for c in CASES])
def test_kansas_by_hand(year, case_id, kwargs, expected, hand):
    assert income_tax(ctx("KS", year=year, **kwargs)) == D(expected), hand


@pytest.mark.parametrize("year", [2025, 2026])
def test_kansas_is_supported_for_the_whole_year(year):
    assert "KS" in supported_states(year) and "KS" not in partially_supported_states(year)


def test_explanation_names_the_personal_and_further_allowances():
    text = explanation(ctx("KS", periods=12, gross="6000", certificate=_k4("married", 4)))
    assert "2 x $9,160.00 = $18,320.00" in text and "2 x $2,320.00 = $4,640.00" in text
