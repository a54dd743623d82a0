"""Rhode Island (Withholding Tax Booklet): one schedule for every status, $1,000 exemptions up to a wage limit, TDI."""
from __future__ import annotations

from decimal import Decimal

import pytest

try:  # the folder may or may not be a package
    from .test_state_helpers import ctx, explanation, income_tax, lines
except ImportError:
    from test_state_helpers import ctx, explanation, income_tax, lines

D = Decimal


def ri(periods, gross, supplemental="0", year=2026, ytd="0", **cert):
    return ctx("RI", year=year, periods=periods, gross=gross, supplemental=supplemental, ytd=ytd,
               certificate={"RI": cert} if cert else {})


CASES_2026 = [
    ("booklet-2026-weekly-example", ri(52, "2195", allowances=1), "87.57",
     "2026 booklet example: 2,195 - 19.23 = 2,175.77; 59.18 (1,578 x 3.75%) + 4.75% x 597.77 (28.39) = 87.57"),
    ("no-certificate-biweekly", ri(26, "3000"), "112.50", "3,000 is below 3,156 (82,050/26): 3.75% = 112.50"),
    ("monthly-two-exemptions", ri(12, "6000", allowances=2), "218.75",
     "6,000 - 2 x 83.33 = 5,833.34 x 3.75% = 218.75"),
    ("weekly-above-the-exemption-limit", ri(52, "6000", allowances=2), "299.16",
     "6,000 > 5,592.31 (290,800/52): no exemptions; rows 1,578 / 59.18, 3,586 / 59.18 + 2,008 x 4.75% = 154.56; "
     "154.56 + 5.99% x 2,414 = 299.1586"),
    ("married-same-schedule", ri(52, "2195", allowances=1, filing_status="married"), "87.57",
     "filing status does not change the schedule"),
    ("weekly-bonus-at-5.99", ri(52, "3195", supplemental="1000", allowances=1), "147.47",
     "regular 2,195 = 87.57; bonus 1,000 x 5.99% = 59.90; 147.47"),
    ("additional-withholding", ri(52, "2195", allowances=1, additional="15"), "102.57", "87.57 + 15"),
    ("exempt", ri(52, "2195", exempt=True), "0.00", "exempt"),
    ("low-earner", ri(52, "100", allowances=1), "3.03", "100 - 19.23 = 80.77 x 3.75% = 3.0289 -> 3.03"),
]


@pytest.mark.parametrize("case_id, context, expected, hand", CASES_2026, ids=[c[0] for c in CASES_2026])
def test_rhode_island_2026(case_id, context, expected, hand):
    assert income_tax(context) == D(expected), hand


CASES_2025 = [
    ("biweekly-second-bracket", ri(26, "4000", year=2025), "159.27",
     "2025 rows: 3,073 (79,900/26) base 3,073 x 3.75% = 115.24; 115.24 + 4.75% x 927 = 159.2725"),
    ("weekly-above-the-2025-limit", ri(52, "5500", year=2025, allowances=1), "270.77",
     "5,500 > 5,447.12 (283,250/52): no exemption; rows 1,537 / 57.64, 3,493 / 57.64 + 1,956 x 4.75% = 150.55; "
     "150.55 + 5.99% x 2,007 = 270.7693"),
]


@pytest.mark.parametrize("case_id, context, expected, hand", CASES_2025, ids=[c[0] for c in CASES_2025])
def test_rhode_island_2025(case_id, context, expected, hand):
    assert income_tax(context) == D(expected), hand


def test_tdi_2026_is_1_1_percent_to_100000():
    """2,195 x 1.1% = 24.145 -> 24.15; with 99,500 paid earlier only 500 is taxable: 5.50."""
    assert lines(ri(52, "2195", allowances=1))[("state_disability", "RI")] == D("24.15")
    assert lines(ri(52, "2195", ytd="99500", allowances=1))[("state_disability", "RI")] == D("5.50")


def test_tdi_2025_is_1_3_percent():
    """4,000 x 1.3% = 52.00."""
    assert lines(ri(26, "4000", year=2025))[("state_disability", "RI")] == D("52.00")


def test_explanation_says_why_exemptions_were_dropped():
    assert "are not subtracted" in explanation(ri(52, "6000", allowances=2))
