"""The demo's other sick-leave places (Arizona, Michigan, Nevada, New Jersey, Pittsburgh) and a few more states, worked
by hand from the law cited in each docstring; places without a law (Texas, Pennsylvania outside its cities) get none."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from backoffice.errors import DomainError
from backoffice.leave.engine import (AccrualInput, accrue, applicable, jurisdictions_for, rehire, usable,
                                     year_end)

D = Decimal


def days(start: date, count: int, each: str) -> tuple[tuple[date, Decimal], ...]:
    return tuple((start + timedelta(days=i), D(each)) for i in range(count))


def inp(code, hours, *, size=30, hire=date(2026, 1, 5), year=date(2026, 1, 1), balance="0", accrued="0"):
    return AccrualInput(jurisdiction=code, employer_size=size, hire_date=hire, policy_year_start=year,
                        balance_before=D(balance), accrued_this_year_before=D(accrued), used_this_year_before=D("0"),
                        hours=hours)


def test_arizona_caps_small_employers_at_24_hours_and_waits_ninety_days():
    """A.R.S. §23-372: 1 h per 30 h; fewer than 15 employees, 24 h a year; 15+, 40 h. 45 h → 1.5 h. With 23.5 h
    accrued at a 10-person employer, 30 h would earn 1 h but 0.5 h is left. Hired January 5, 2026: + 90 days =
    April 5, 2026."""
    big = accrue(inp("AZ", days(date(2026, 1, 5), 5, "9"), size=15))
    assert (big.accrued, big.usable_from, big.tier) == (D("1.5"), date(2026, 4, 5), "15+ employees")
    small = accrue(inp("AZ", days(date(2026, 6, 1), 3, "10"), size=10, hire=date(2025, 1, 6), balance="23.5",
                       accrued="23.5"))
    assert (small.accrued, small.balance, small.capped) == (D("0.5"), D("24"), True)


def test_arizona_restores_the_balance_on_a_rehire_within_nine_months():
    """A.R.S. §23-372: nine months. Separated March 31, 2026: the window ends December 31, 2026."""
    az = applicable("AZ", date(2026, 3, 31), 30)
    assert rehire(az, D("12"), date(2026, 3, 31), date(2026, 12, 31)).restored == D("12")
    assert rehire(az, D("12"), date(2026, 3, 31), date(2027, 1, 1)).restored == D("0")


def test_michigan_waits_120_days_and_carries_72_hours_at_larger_employers():
    """MCL 408.963 as amended by 2025 PA 2: 1 h per 30 h; use may wait until the 120th calendar day; carryover and
    use 72 h (11+ employees) or 40 h (10 or fewer). Hired January 5, 2026: 26 + 28 + 31 + 30 + 5 = 120 days → May 5,
    2026. 60 h → 2 h. At year end 80 h carry 72 (8 forfeited); at a 10-person employer 40."""
    result = accrue(inp("MI", days(date(2026, 1, 5), 6, "10")))
    assert (result.accrued, result.usable_from) == (D("2"), date(2026, 5, 5))
    assert year_end(applicable("MI", date(2026, 12, 31), 30), D("80")).forfeited == D("8")
    assert year_end(applicable("MI", date(2026, 12, 31), 10), D("80")).carried == D("40")


def test_nevada_accrues_0_01923_an_hour_at_employers_of_fifty_or_more_only():
    """NRS 608.0197(1)(a): 0.01923 h per hour worked. 40 h → 0.7692 h; a full year of 2,080 h → 39.9984 h (the
    'about 40 hours' of the Labor Commissioner's summary). An employer of 49 is not covered: refused, not zero."""
    week = accrue(inp("NV", days(date(2026, 2, 2), 5, "8"), size=50))
    assert week.accrued == D("0.7692")
    year = accrue(inp("NV", days(date(2026, 1, 5), 260, "8"), size=50))
    assert year.hours_worked == D("2080") and year.accrued == D("39.9984")
    with pytest.raises(DomainError) as err:
        accrue(inp("NV", days(date(2026, 2, 2), 5, "8"), size=49))
    assert err.value.code == "not_covered"


def test_nevada_lets_an_employer_require_four_hour_increments():
    """NRS 608.0197(1)(f): a minimum increment of at most 4 h: 2 h requested → 4 h charged."""
    assert usable(applicable("NV", date(2026, 2, 2), 50), D("10"), D("2")).charged == D("4")


def test_new_jersey_waits_until_the_120th_day_and_caps_a_benefit_year_at_40():
    """N.J.S.A. 34:11D-2: 1 h per 30 h, 40 h a benefit year, usable from the 120th calendar day. Hired March 2,
    2026: 29 + 30 + 31 + 30 = 120 → June 30, 2026. 39.5 h accrued: 30 h would earn 1, 0.5 is left."""
    result = accrue(inp("NJ", days(date(2026, 9, 1), 3, "10"), hire=date(2026, 3, 2), balance="39.5",
                        accrued="39.5"))
    assert (result.accrued, result.capped, result.usable_from) == (D("0.5"), True, date(2026, 6, 30))


def test_pittsburgh_hours_move_from_one_per_35_to_one_per_30_on_january_1_2026():
    """City Code ch. 626: to 2025, 1 h per 35 h, 40 h a year (15+ employees); from 2026-01-01, 1 h per 30 h, 72 h.
    15+ employees, 39.5 h accrued in 2025: December 29-31, 2025, 3 × 10 h would earn 30/35 = 0.857, the 40-hour cap
    leaves 0.5. January 2, 2026 opens a new calendar policy year under the amended law: 10 h → 10/30 = 0.3333.
    Accrued 0.8333; balance 39.5 → 40.3333; this year's count 0.3333."""
    assert jurisdictions_for("PA", "Pittsburgh") == ("PITTSBURGH",)
    assert jurisdictions_for("PA", "Harrisburg") == ()
    hours = days(date(2025, 12, 29), 3, "10") + ((date(2026, 1, 2), D("10")),)
    result = accrue(inp("PITTSBURGH", hours, size=20, hire=date(2024, 5, 6), year=date(2025, 1, 1),
                        balance="39.5", accrued="39.5"))
    assert (result.accrued, result.balance, result.accrued_this_year) == (D("0.8333"), D("40.3333"), D("0.3333"))
    assert result.capped and result.law_version == "2026-01-01"


def test_states_without_a_sick_leave_law_give_no_jurisdiction():
    """Texas and Florida have no statewide paid sick leave law: their hours accrue under none."""
    assert jurisdictions_for("TX", "Houston") == ()
    assert jurisdictions_for("FL", "Miami") == ()


def test_massachusetts_small_employers_owe_unpaid_time():
    """940 CMR 33.04(1),(4): 11+ employees, paid; fewer than 11, unpaid; both 1 h per 30 h (940 CMR 33.03(4))."""
    assert accrue(inp("MA", days(date(2026, 4, 6), 3, "10"), size=5)).paid is False
    assert accrue(inp("MA", days(date(2026, 4, 6), 3, "10"), size=11)).paid is True


def test_minnesota_stops_at_the_80_hour_balance_cap():
    """Minn. Stat. §181.9446: 1 h per 30 h, 48 h a year, balance capped at 80. Balance 79: 60 h would earn 2 h,
    1 h is left."""
    result = accrue(inp("MN", days(date(2026, 3, 2), 6, "10"), hire=date(2023, 1, 2), balance="79", accrued="20"))
    assert (result.accrued, result.balance, result.capped) == (D("1"), D("80"), True)


def test_dc_accrual_rate_depends_on_employer_size():
    """D.C. Code §32-531.02(a): 1 h per 37 h (100+), per 43 h (25-99), per 87 h (fewer than 25). 87 h at a
    20-person employer → 1 h; at a 100-person employer → 87/37 = 2.3514 h."""
    hours = days(date(2026, 3, 2), 9, "9") + ((date(2026, 3, 11), D("6")),)
    assert accrue(inp("DC", hours, size=20)).accrued == D("1")
    assert accrue(inp("DC", hours, size=100)).accrued == D("2.3514")


def test_missouri_hours_after_the_repeal_find_no_law_in_force():
    """Proposition A (2024) was repealed by HB 567 from 2025-08-28: 2026 hours are refused, not credited."""
    with pytest.raises(DomainError) as err:
        applicable("MO", date(2026, 3, 2), 30)
    assert err.value.code == "not_in_force"
