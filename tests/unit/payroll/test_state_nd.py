"""North Dakota 2025 and 2026 (Method 1, percentage of wages, 2020-or-later federal W-4): the annual table for the
filing status, whole dollars; 1.5% supplemental; reciprocity with Minnesota and Montana (NDW-R)."""
from __future__ import annotations

from decimal import Decimal

import pytest

try:  # the folder may or may not be a package
    from .test_state_helpers import ctx, explanation, income_tax, lines
except ImportError:
    from test_state_helpers import ctx, explanation, income_tax, lines

D = Decimal

CASES_2025 = [
    ("no-certificate-biweekly", dict(), "17.00",
     "single: 78,000 - 55,975 = 22,025 x 1.95% = 429.49 / 26 = 16.52 -> 17"),
    ("married-monthly", dict(periods=12, gross="10000", certificate={"ND": {"filing_status": "married"}}), "105.00",
     "120,000 - 55,488 = 64,512 x 1.95% = 1,257.98 / 12 = 104.83 -> 105"),
    ("head-of-household-weekly", dict(periods=52, gross="2000",
                                      certificate={"ND": {"filing_status": "head_of_household"}}), "10.00",
     "104,000 - 76,200 = 27,800 x 1.95% = 542.10 / 52 = 10.43 -> 10"),
    ("high-earner-monthly", dict(periods=12, gross="25000"), "418.00",
     "300,000; row over 252,325: 3,828.83 + 2.5% x 47,675 (1,191.88) = 5,020.71 / 12 = 418.39 -> 418"),
    ("low-earner-under-the-table", dict(gross="2000"), "0.00", "52,000 a year is under 55,975"),
    ("bonus-at-1.5", dict(gross="3000", supplemental="1000"), "15.00",
     "regular 2,000 x 26 = 52,000: nothing; bonus 1,000 x 1.5% = 15.00"),
    ("additional", dict(certificate={"ND": {"additional": "10"}}), "27.00", "17 + 10"),
    ("exempt", dict(certificate={"ND": {"exempt": True}}), "0.00", "exemption claimed on the W-4"),
]

CASES_2026 = [
    ("no-certificate-biweekly", dict(), "15.00", "78,000 - 57,625 = 20,375 x 1.95% = 397.31 / 26 = 15.28 -> 15"),
    ("married-monthly", dict(periods=12, gross="10000", certificate={"ND": {"filing_status": "married"}}), "102.00",
     "120,000 - 57,500 = 62,500 x 1.95% = 1,218.75 / 12 = 101.56 -> 102"),
    ("weekly-single", dict(periods=52, gross="1500"), "8.00",
     "1,500 x 52 = 78,000 - 57,625 = 20,375 x 1.95% = 397.31 / 52 = 7.64 -> 8"),
]


@pytest.mark.parametrize("case_id, kwargs, expected, hand", CASES_2025, ids=[c[0] for c in CASES_2025])
def test_north_dakota_2025_by_hand(case_id, kwargs, expected, hand):
    assert income_tax(ctx("ND", year=2025, **kwargs)) == D(expected), hand


@pytest.mark.parametrize("case_id, kwargs, expected, hand", CASES_2026, ids=[c[0] for c in CASES_2026])
def test_north_dakota_2026_by_hand(case_id, kwargs, expected, hand):
    assert income_tax(ctx("ND", year=2026, **kwargs)) == D(expected), hand


def test_minnesota_resident_working_in_north_dakota_is_withheld_for_minnesota():
    """NDW-R on file: no ND tax; MN 2025 single biweekly 3,000 = 174 (see test_state_mn)."""
    got = lines(ctx("ND", year=2025, residence="MN", certificate={"ND": {"reciprocity": True}}))
    assert got[("state_income_tax", "ND")] == D("0.00") and got[("state_income_tax", "MN")] == D("174.00")


def test_explanation_names_the_rates_and_instructions():
    assert "North Dakota Income Tax Withholding Rates and Instructions" in explanation(ctx("ND"))
