"""Hawaii (Booklet A, annualised method): $1,144 per HW-4 allowance and the extra lump-sum allowance ($1,650 in
2025, $4,350 from 2026), single and married tables; supplemental wages by the aggregate method."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

try:  # the folder may or may not be a package
    from .test_state_helpers import ctx, explanation, income_tax, lines
except ImportError:
    from test_state_helpers import ctx, explanation, income_tax, lines

D = Decimal

CASES = [
    ("booklet-2026-example", dict(periods=52, gross="500", certificate={"HI": {"allowances": 3}}), "9.58",
     "Booklet A (2026) example: 26,000 - 3,432 - 4,350 = 18,218 -> 288 + 5.5% x 3,818 = 497.99 / 52 = 9.58"),
    ("no-hw4", dict(periods=26, gross="2000"), "96.68",
     "52,000 - 4,350 = 47,650 -> 1,675 + 7.2% x 11,650 = 2,513.80 / 26 = 96.6846 -> 96.68"),
    ("married-monthly-two-allowances", dict(periods=12, gross="6000",
                                            certificate={"HI": {"filing_status": "married", "allowances": 2}}),
     "241.55", "72,000 - 2,288 - 4,350 = 65,362 -> 1,718 + 6.8% x 17,362 = 2,898.616 / 12 = 241.5513 -> 241.55"),
    ("head-of-household-uses-single", dict(periods=26, gross="2000",
                                           certificate={"HI": {"filing_status": "head_of_household"}}), "96.68",
     "as single"),
    ("high-earner", dict(periods=24, gross="10000", certificate={"HI": {"allowances": 1}}), "710.08",
     "240,000 - 1,144 - 4,350 = 234,506 -> 8,391 + 7.9% x 109,506 = 17,041.974 / 24 = 710.0823 -> 710.08"),
    ("below-the-lump-sum", dict(periods=52, gross="80"), "0.00", "4,160 - 4,350 < 0"),
    ("supplemental-aggregate", dict(periods=26, gross="2500", supplemental="500"), "134.63",
     "regular 96.68; 2,500 x 26 = 65,000 - 4,350 = 60,650 -> 2,539 + 7.6% x 12,650 = 3,500.40 / 26 = 134.6308; "
     "supplemental 134.6308 - 96.68 = 37.95; total 134.63"),
    ("hsa-is-not-excluded", dict(periods=26, gross="2000", pretax={"hsa": "100"}), "96.68", "as with no HSA"),
    ("401k-is-excluded", dict(periods=26, gross="2000", pretax={"401k": "100"}), "89.48",
     "1,900 x 26 = 49,400 - 4,350 = 45,050 -> 1,675 + 7.2% x 9,050 = 2,326.60 / 26 = 89.4846 -> 89.48"),
    ("additional", dict(periods=26, gross="2000", certificate={"HI": {"additional": "15"}}), "111.68", "96.68 + 15"),
    ("exempt", dict(periods=26, gross="2000", certificate={"HI": {"exempt": True}}), "0.00", "HW-4 exempt"),
    ("2025-lump-sum-1650", dict(year=2025, periods=52, gross="500", certificate={"HI": {"allowances": 3}}), "12.73",
     "2025: 26,000 - 3,432 - 1,650 = 20,918 -> 552 + 6.4% x 1,718 = 661.952 / 52 = 12.7298 -> 12.73"),
    ("2025-monthly-married", dict(year=2025, periods=12, gross="6000",
                                  certificate={"HI": {"filing_status": "married", "allowances": 2}}), "256.85",
     "2025: 72,000 - 2,288 - 1,650 = 68,062 -> 1,718 + 6.8% x 20,062 = 3,082.216 / 12 = 256.85"),
]


@pytest.mark.parametrize("case_id, kwargs, expected, hand", CASES, ids=[c[0] for c in CASES])
def test_hawaii_by_hand_and_by_booklet_a(case_id, kwargs, expected, hand):
    assert income_tax(ctx("HI", **kwargs)) == D(expected), hand


def test_explanation_names_booklet_a():
    assert "Booklet A" in explanation(ctx("HI", pay_date=date(2026, 2, 6)))


@pytest.mark.parametrize("year, periods, gross, expected", [
    (2026, 52, "1000", "5.00"), (2026, 52, "2000", "7.50"), (2026, 26, "4000", "15.00"),
    (2025, 52, "2000", "7.21"), (2025, 12, "1000", "5.00")])
def test_hawaii_tdi_employee_half_percent_capped_weekly(year, periods, gross, expected):
    """0.5% of wages: 1,000 -> 5.00; capped at the weekly maximum (2026 $7.50, 2025 $7.21) x 52 / periods:
    weekly 2,000 -> 10.00 capped at 7.50; biweekly 4,000 -> 20.00 capped at 15.00; monthly 1,000 -> 5.00
    (cap 7.21 x 52 / 12 = 31.24)."""
    got = lines(ctx("HI", year=year, pay_date=date(year, 4, 3), periods=periods, gross=gross))
    assert got[("state_disability", "HI")] == D(expected)
