"""402(g) with age-based catch-up, HSA, and the CCPA garnishment limits, from the statutes' figures."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from payroll.engine import load_tables
from payroll.engine.deductions import (cap_to_limit, ccpa_ordinary_limit, ccpa_support_limit, deferral_limit,
                                       hsa_limit)

D = Decimal
T26 = load_tables(2026)
T25 = load_tables(2025)


@pytest.mark.parametrize("birth, t, limit, why", [
    (date(1990, 5, 1), T26, "24500", "age 36 at 31 Dec 2026: 402(g) $24,500, no catch-up"),
    (date(1976, 12, 31), T26, "32500", "turns 50 on 31 Dec 2026: $24,500 + $8,000"),
    (date(1977, 1, 1), T26, "24500", "49 at year end: no catch-up"),
    (date(1966, 6, 1), T26, "35750", "60 at year end: $24,500 + super catch-up $11,250"),
    (date(1963, 12, 31), T26, "35750", "63 at year end: still 60-63"),
    (date(1962, 1, 1), T26, "32500", "64 at year end: back to the age-50 catch-up $8,000"),
    (date(1965, 3, 3), T25, "34750", "60 at end of 2025: $23,500 + $11,250"),
    (date(1970, 3, 3), T25, "31000", "55 at end of 2025: $23,500 + $7,500"),
    (None, T26, "24500", "no birth date: no catch-up"),
])
def test_402g_limit_with_age_based_catch_up(birth, t, limit, why):
    assert deferral_limit(birth, t)[0] == D(limit), why


def test_hsa_limits_2026():
    """Rev. Proc. 2025-19: self-only $4,400, family $8,750; +$1,000 at 55."""
    assert hsa_limit(date(1990, 1, 1), "self_only", T26)[0] == D(4400)
    assert hsa_limit(date(1990, 1, 1), "family", T26)[0] == D(8750)
    assert hsa_limit(date(1971, 6, 1), "family", T26)[0] == D(9750)


def test_cap_stops_at_the_limit_and_says_so():
    """YTD 24,000 of 24,500: a $1,000 request is capped at $500; the next one at $0."""
    amount, steps = cap_to_limit(D(1000), D(24000), D(24500), (), "Elective deferrals")
    assert amount == D(500)
    assert "capped" in steps[-1][0]
    assert cap_to_limit(D(1000), D(24500), D(24500), (), "x")[0] == 0
    assert cap_to_limit(D(1000), D(25000), D(24500), (), "x")[0] == 0


@pytest.mark.parametrize("disposable, periods, limit, why", [
    ("300", 52, "75.00", "weekly: 25% = 75; 300 − 30 × 7.25 (217.50) = 82.50; lesser 75"),
    ("250", 52, "32.50", "weekly: 25% = 62.50; 250 − 217.50 = 32.50"),
    ("200", 52, "0.00", "weekly: below 30 × minimum wage, nothing may be garnished"),
    ("500", 26, "65.00", "biweekly: 60 × 7.25 = 435; 500 − 435 = 65 < 125"),
    ("1000", 24, "250.00", "semimonthly: 65 × 7.25 = 471.25; 25% = 250 < 528.75"),
    ("1000", 12, "57.50", "monthly: 130 × 7.25 = 942.50; 1000 − 942.50 = 57.50 < 250"),
    ("845.42", 52, "211.35", "weekly: 25% = 211.355, cut to the cent (a legal maximum is never rounded up)"),
])
def test_ccpa_ordinary_garnishment_limit(disposable, periods, limit, why):
    assert ccpa_ordinary_limit(D(disposable), periods, T26)[0] == D(limit), why


def test_ccpa_support_order_limits():
    """15 U.S.C. 1673(b)(2): 50% supporting another family, 60% not; +5% over 12 weeks in arrears."""
    assert ccpa_support_limit(D(1000), True, False, T26)[0] == D("500.00")
    assert ccpa_support_limit(D(1000), True, True, T26)[0] == D("550.00")
    assert ccpa_support_limit(D(1000), False, False, T26)[0] == D("600.00")
    assert ccpa_support_limit(D(1000), False, True, T26)[0] == D("650.00")
