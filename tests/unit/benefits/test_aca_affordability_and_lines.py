"""ACA affordability safe harbors (Treas. Reg. §54.4980H-5(e)(2)), the year's figures from their publications, the
1095-C line 14/15/16 codes, and hours of service split by month (pure; no database)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from backoffice.errors import DomainError
from benefits.engine.aca_lines import MonthFacts, month_codes
from benefits.engine.affordability import affordability, year_data
from benefits.engine.service_hours import monthly_totals, split_by_month

D = Decimal


def test_the_years_affordability_percentage_and_poverty_line_come_from_their_publications():
    """Rev. Proc. 2025-25: 9.96% for 2026; Rev. Proc. 2024-35: 9.02% for 2025; the prior year's HHS mainland
    poverty line for one: $15,650 (2025) and $15,060 (2024)."""
    y26, y25 = year_data(2026), year_data(2025)
    assert (y26.percent, y26.fpl_single, y26.fpl_year) == (D("0.0996"), D("15650"), 2025)
    assert "Rev. Proc. 2025-25" in y26.percent_source
    assert (y25.percent, y25.fpl_single, y25.fpl_year) == (D("0.0902"), D("15060"), 2024)
    assert "Rev. Proc. 2024-35" in y25.percent_source
    with pytest.raises(DomainError):
        year_data(1999)


def test_the_poverty_line_safe_harbor_limit_is_exact_so_129_90_is_over_it():
    """15,650 × 9.96% ÷ 12 = 1,558.74 ÷ 12 = 129.895 a month: 129.89 is affordable (2G), 129.90 is not."""
    y = year_data(2026)
    assert y.fpl_monthly_limit == D("129.895")
    ok = affordability(D("129.89"), y)
    assert (ok.code, ok.limit) == ("2G", D("129.89"))
    assert affordability(D("129.90"), y).code is None


def test_the_rate_of_pay_safe_harbor_uses_130_hours_times_the_hourly_rate():
    """$15.00 an hour × 130 × 9.96% = 194.22 a month: a 180.00 share is affordable by rate of pay (2H)."""
    got = affordability(D("180.00"), year_data(2026), hourly_rate=D("15.00"))
    assert (got.code, got.limit) == ("2H", D("194.22"))


def test_the_w2_safe_harbor_applies_when_only_the_w2_wages_show_the_offer_affordable():
    """Share 200.00; FPL limit 129.89 and rate of pay $15 × 130 × 9.96% = 194.22 both fail; W-2 box 1 wages
    28,800.00 over 12 months × 9.96% = 239.04 a month passes: 2F."""
    got = affordability(D("200.00"), year_data(2026), hourly_rate=D("15.00"), w2_wages=D("28800.00"), w2_months=12)
    assert (got.code, got.limit) == ("2F", D("239.04"))
    none = affordability(D("250.00"), year_data(2026), hourly_rate=D("15.00"), w2_wages=D("28800.00"), w2_months=12)
    assert none.code is None and "239.04" in none.explanation[0]


def _facts(**kw):
    base = dict(employed=True, status="full_time", offered=True, offers_spouse=True, offers_dependents=True,
                employee_share=D("150.00"), fpl_monthly_limit=year_data(2026).fpl_monthly_limit)
    base.update(kw)
    return MonthFacts(**base)


def test_full_time_and_enrolled_is_1e_with_the_share_and_2c():
    c = month_codes(_facts(enrolled=True))
    assert (c.line14, c.line15, c.line16) == ("1E", D("150.00"), "2C")


def test_an_offer_within_the_poverty_line_to_the_family_is_a_qualifying_offer_1a_with_no_line_15():
    c = month_codes(_facts(employee_share=D("100.00")))
    assert (c.line14, c.line15, c.line16) == ("1A", None, "")


def test_not_full_time_is_2b_and_initial_measurement_is_2d_and_not_employed_is_1h_2a():
    assert month_codes(_facts(status="not_full_time")).line16 == "2B"
    assert month_codes(_facts(status="in_initial_measurement", offered=False)).line16 == "2D"
    c = month_codes(_facts(employed=False, status="non_employee", offered=False))
    assert (c.line14, c.line15, c.line16) == ("1H", None, "2A")


def test_employee_only_and_spouse_only_offers_are_1b_and_1d():
    assert month_codes(_facts(offers_spouse=False, offers_dependents=False)).line14 == "1B"
    assert month_codes(_facts(offers_dependents=False)).line14 == "1D"
    assert month_codes(_facts(offers_spouse=False)).line14 == "1C"


def test_a_pay_period_spanning_two_months_is_split_by_days():
    """Jan 25 – Feb 7, 2026 is 14 days: 7 in January, 7 in February; 80 hours → 40.00 and 40.00. Dec 29, 2025 –
    Jan 11, 2026: 3 days in December, 11 in January; 75 h × 3/14 = 16.07 (16.0714 half up), January the rest,
    58.93."""
    assert split_by_month(date(2026, 1, 25), date(2026, 2, 7), D("80")) == {"2026-01": D("40.00"),
                                                                            "2026-02": D("40.00")}
    assert split_by_month(date(2025, 12, 29), date(2026, 1, 11), D("75")) == {"2025-12": D("16.07"),
                                                                             "2026-01": D("58.93")}
    got = monthly_totals([(date(2025, 12, 29), date(2026, 1, 11), D("75"))], "2026-01", "2026-02")
    assert got == {"2026-01": D("58.93"), "2026-02": D("0")}
