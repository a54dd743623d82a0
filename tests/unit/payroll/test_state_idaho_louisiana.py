"""Idaho (tables from 1 July 2025) and Louisiana (2025 flat 3.09% formula), checked by hand."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest


try:  # the folder may or may not be a package
    from .test_state_helpers import ctx, income_tax
except ImportError:
    from test_state_helpers import ctx, income_tax

D = Decimal
JULY = date(2025, 7, 18)


@pytest.mark.parametrize("periods, gross, certificate, expected, hand", [
    (26, "3000", {}, "128.00",
     "EPB00006 (July 2025): (78,000 - 15,000) x 5.3% = 3,339 / 26 = 128.42 -> 128 (whole dollars)"),
    (12, "6000", {"filing_status": "married", "allowances": 2}, "151.00",
     "(72,000 - 30,000 - 2 x 3,868 = 34,264) x 5.3% = 1,815.99 / 12 = 151.33 -> 151"),
    (52, "250", {}, "0.00", "13,000 a year is below the 15,000 zero-rate amount"),
])
def test_idaho_by_hand(periods, gross, certificate, expected, hand):
    c = ctx("ID", year=2025, pay_date=JULY, periods=periods, gross=gross, certificate={"ID": certificate})
    assert income_tax(c) == D(expected), hand


def test_idaho_before_the_july_2025_tables_uses_the_july_2024_tables():
    """20 June 2025, biweekly 3,000 single: (78,000 - 14,600) x 5.695% = 3,610.63 / 26 = 138.87 -> 139
    (more cases in test_state_gapb.py)."""
    assert income_tax(ctx("ID", year=2025, pay_date=date(2025, 6, 20))) == D("139.00")


@pytest.mark.parametrize("periods, gross, status, expected, hand", [
    (26, "3000", "single", "77.84", "R-1306 2025: (78,000 - 12,500) x 3.09% = 2,023.95 / 26 = 77.844 -> 77.84"),
    (52, "700", "single", "14.20", "R-1306 (1/25) example 1: (700 - 12,500/52 = 240.38) x 3.09% = 14.2022 -> 14.20"),
    (12, "4000", "married", "59.23", "(48,000 - 25,000) x 3.09% = 710.70 / 12 = 59.225 -> 59.23 (half up)"),
    (52, "200", "single", "0.00", "10,400 a year is below the 12,500 standard deduction"),
])
def test_louisiana_2025_by_hand(periods, gross, status, expected, hand):
    c = ctx("LA", year=2025, periods=periods, gross=gross, certificate={"LA": {"filing_status": status}})
    assert income_tax(c) == D(expected), hand


def test_louisiana_2026_deduction_is_indexed_up_from_2025():
    """R-1306 (1/26): single 3,000 biweekly: (78,000 - 12,875) x 3.09% = 2,012.36 / 26 = 77.398 -> 77.40
    (2025: 77.84 on the 12,500 deduction)."""
    assert income_tax(ctx("LA", year=2026, certificate={"LA": {"filing_status": "single"}})) == D("77.40")


def test_idaho_2026_first_half_uses_the_july_2025_tables():
    """Same figures as the first Idaho case (128.00) for a February 2026 pay date (the revised tables from 23 July
    are tested in test_state_id.py)."""
    assert income_tax(ctx("ID", year=2026, pay_date=date(2026, 2, 6))) == D("128.00")
