"""Minnesota 2025 and 2026 (withholding computer formula): annual wages less W-4MN allowances, the annual table,
whole dollars; 6.25% supplemental; Minnesota Paid Leave from 2026; reciprocity with North Dakota and Michigan."""
from __future__ import annotations

from decimal import Decimal

import pytest

try:  # the folder may or may not be a package
    from .test_state_helpers import ctx, explanation, income_tax, lines
except ImportError:
    from test_state_helpers import ctx, explanation, income_tax, lines

D = Decimal

CASES_2025 = [
    ("no-w4mn-biweekly", dict(), "174.00",
     "no W-4MN: single, 0 allowances: 3,000 x 26 = 78,000; row over 37,120: 1,742.50 + 6.8% x 40,880 (2,779.84) "
     "= 4,522.34 / 26 = 173.94 -> 174"),
    ("married-two-allowances-monthly", dict(periods=12, gross="6000",
                                            certificate={"MN": {"filing_status": "married", "allowances": 2}}),
     "211.00", "72,000 - 2 x 5,200 = 61,600; married row over 14,300: 5.35% x 47,300 = 2,530.55 / 12 = 210.88 -> 211"),
    ("weekly-single-one-allowance", dict(periods=52, gross="800", certificate={"MN": {"allowances": 1}}), "33.00",
     "41,600 - 5,200 = 36,400; row over 4,550: 5.35% x 31,850 = 1,703.98 / 52 = 32.77 -> 33"),
    ("low-earner-below-the-zero-band", dict(periods=52, gross="80"), "0.00", "4,160 a year is under 4,550"),
    ("high-earner-semimonthly", dict(periods=24, gross="12000"), "931.00",
     "288,000; row over 203,180: 13,996.80 + 9.85% x 84,820 (8,354.77) = 22,351.57 / 24 = 931.32 -> 931"),
    ("bonus-at-6.25", dict(gross="3000", supplemental="1000"), "168.50",
     "regular 2,000 x 26 = 52,000: 1,742.50 + 6.8% x 14,880 (1,011.84) = 2,754.34 / 26 = 105.94 -> 106; "
     "bonus 1,000 x 6.25% = 62.50; 106 + 62.50 = 168.50"),
    ("additional-withholding", dict(certificate={"MN": {"additional": "20"}}), "194.00", "174 (first case) + 20"),
    ("exempt", dict(certificate={"MN": {"exempt": True}}), "0.00", "W-4MN exemption claimed"),
    ("head-of-household-uses-the-single-table", dict(certificate={"MN": {"filing_status": "head_of_household"}}),
     "174.00", "the booklet prints single and married tables only: as the first case"),
]

CASES_2026 = [
    ("no-w4mn-biweekly", dict(), "173.00",
     "78,000; row over 38,010: 1,782.09 + 6.8% x 39,990 (2,719.32) = 4,501.41 / 26 = 173.13 -> 173"),
    ("married-two-allowances-monthly", dict(periods=12, gross="6000",
                                            certificate={"MN": {"filing_status": "married", "allowances": 2}}),
     "208.00", "72,000 - 2 x 5,300 = 61,400; married row over 14,700: 5.35% x 46,700 = 2,498.45 / 12 = 208.20 -> 208"),
    ("weekly-single-one-allowance", dict(periods=52, gross="800", certificate={"MN": {"allowances": 1}}), "33.00",
     "41,600 - 5,300 = 36,300; row over 4,700: 5.35% x 31,600 = 1,690.60 / 52 = 32.51 -> 33"),
    ("low-earner", dict(periods=52, gross="90"), "0.00", "4,680 a year is under 4,700"),
]


@pytest.mark.parametrize("case_id, kwargs, expected, hand", CASES_2025, ids=[c[0] for c in CASES_2025])
def test_minnesota_2025_by_hand(case_id, kwargs, expected, hand):
    assert income_tax(ctx("MN", year=2025, **kwargs)) == D(expected), hand


@pytest.mark.parametrize("case_id, kwargs, expected, hand", CASES_2026, ids=[c[0] for c in CASES_2026])
def test_minnesota_2026_by_hand(case_id, kwargs, expected, hand):
    assert income_tax(ctx("MN", year=2026, **kwargs)) == D(expected), hand


def test_paid_leave_starts_in_2026_split_between_employee_and_employer():
    """0.88% premium, half deducted from the employee: 3,000 x 0.44% = 13.20 each; none in 2025."""
    got = lines(ctx("MN", year=2026))
    assert got[("state_pfml", "MN")] == D("13.20") and got[("state_pfml_employer", "MN")] == D("13.20")
    assert ("state_pfml", "MN") not in lines(ctx("MN", year=2025))


def test_paid_leave_stops_at_the_social_security_wage_base():
    """184,000 paid before: only 500 of the 3,000 is under the $184,500 base: 500 x 0.44% = 2.20."""
    assert lines(ctx("MN", year=2026, ytd="184000"))[("state_pfml", "MN")] == D("2.20")


def test_north_dakota_resident_working_in_minnesota_is_withheld_for_north_dakota():
    """MWR on file: no MN tax; ND 2026 single: 78,000 - 57,625 = 20,375 x 1.95% = 397.31 / 26 = 15.28 -> 15."""
    got = lines(ctx("MN", year=2026, residence="ND", certificate={"MN": {"reciprocity": True}}))
    assert got[("state_income_tax", "MN")] == D("0.00")
    assert got[("state_income_tax", "ND")] == D("15.00")


def test_explanation_names_the_booklet_and_whole_dollar_rounding():
    text = explanation(ctx("MN", year=2026))
    assert "Minnesota Withholding Tax Tables" in text and "rounded to the dollar" in text
