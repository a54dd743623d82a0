"""The laws re-checked in issue 19 (CT, SF, LA, Philadelphia, Cook County, VT, NE, MO), each worked by hand from the
text or page cited in its docstring and in the law file's `sources`."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from backoffice.errors import DomainError
from backoffice.leave.engine import AccrualInput, accrue, applicable, rehire, usable, year_end

D = Decimal


def weekdays(start: date, count: int, each: str = "8") -> tuple[tuple[date, Decimal], ...]:
    out, day = [], start
    while len(out) < count:
        if day.weekday() < 5:
            out.append((day, D(each)))
        day += timedelta(days=1)
    return tuple(out)


def run(code, hours, *, size=30, hire=date(2026, 1, 5), balance="0", accrued="0"):
    return accrue(AccrualInput(jurisdiction=code, employer_size=size, hire_date=hire,
                               policy_year_start=date(2026, 1, 1), balance_before=D(balance),
                               accrued_this_year_before=D(accrued), used_this_year_before=D("0"), hours=hours))


def test_vermont_one_hour_per_52_a_year_wait_and_a_40_hour_year():
    """21 V.S.A. §482(a): 1 h per 52 h; (b) a wait of up to a year; (c)(1) 40 h in 12 months. Two weeks of 5 × 8 h
    = 80 h → 80 ÷ 52 = 1.5385 h; usable from 5 Jan 2026 + 365 = 5 Jan 2027. With 39 accrued, 1 h is left: capped."""
    r = run("VT", weekdays(date(2026, 3, 2), 10))
    assert (r.accrued, r.usable_from) == (D("1.5385"), date(2027, 1, 5))
    capped = run("VT", weekdays(date(2026, 3, 2), 10), balance="39", accrued="39")
    assert (capped.accrued, capped.capped) == (D("1.0000"), True)


def test_connecticut_phases_in_by_employer_size_and_waits_120_days():
    """PA 24-8: 25+ employees from 2025, 11+ from 2026, all from 2027; 1 h per 30 up to 40 a year; use from day
    120. An employer of 15: not covered in 2025, covered in 2026 — 30 h → 1 h, usable 5 Jan 2026 + 120 = 5 May."""
    with pytest.raises(DomainError):
        applicable("CT", date(2025, 6, 2), 15)
    r = run("CT", weekdays(date(2026, 3, 2), 5, "6"), size=15)
    assert (r.accrued, r.usable_from, r.tier) == (D("1.0000"), date(2026, 5, 5), "11+ employees")
    assert applicable("CT", date(2027, 1, 4), 3).tier == "all employers"


def test_philadelphia_one_per_40_paid_from_ten_employees_and_carried_over():
    """Phila. Code ch. 9-4100: 1 h per 40 h worked, 40 h a year; paid for employers of 10+, unpaid below; use from
    the 90th day. 10 days × 8 h = 80 h → 2 h; 9 employees: the same hours, unpaid. 30 h at year end carry over."""
    r = run("PHILADELPHIA", weekdays(date(2026, 4, 6), 10))
    assert (r.accrued, r.paid, r.usable_from) == (D("2.0000"), True, date(2026, 4, 5))
    assert run("PHILADELPHIA", weekdays(date(2026, 4, 6), 10), size=9).paid is False
    law = applicable("PHILADELPHIA", date(2026, 12, 31), 30)
    assert year_end(law, D("30")).carried == D("30")


def test_cook_county_one_per_40_with_a_two_hour_increment_and_no_documentation():
    """Cook County Code §42-3 (2024 Paid Leave Ordinance): 1 h per 40 h, 40 h a year, increments of at most 2 h,
    no reason may be asked. 120 h → 3 h; a 1-hour request is charged 2 h."""
    r = run("COOK_COUNTY", weekdays(date(2026, 4, 6), 15))
    assert r.accrued == D("3.0000")
    law = applicable("COOK_COUNTY", date(2026, 9, 1), 30)
    use = usable(law, D("10"), D("1"), on=date(2026, 9, 1), hire_date=date(2026, 1, 5))
    assert (use.allowed, use.charged) == (True, D("2"))
    assert law.documentation_forbidden is True


def test_san_francisco_caps_the_balance_at_72_or_40_for_the_smallest_employers():
    """L&E Code art. 11 (former Admin. Code ch. 12W): 1 h per 30, balance capped at 72 h (40 h under 10 employees).
    Balance 71.5 and 30 h worked (1 h): 72, capped; at 8 employees with 39.5: 40, capped."""
    big = run("SF", weekdays(date(2026, 4, 6), 5, "6"), balance="71.5")
    assert (big.balance, big.capped) == (D("72.0000"), True)
    small = run("SF", weekdays(date(2026, 4, 6), 5, "6"), size=8, balance="39.5")
    assert (small.balance, small.capped) == (D("40.0000"), True)


def test_los_angeles_lets_48_hours_be_used_and_caps_at_72():
    """LAMC §187.04: use may be limited to 48 h a year, the balance to 72 h. 47 used: a 2-hour request is refused
    (1 left); the balance stops at 72."""
    law = applicable("LA", date(2026, 9, 1), 30)
    refused = usable(law, D("30"), D("2"), used_this_year=D("47"))
    assert [i.code for i in refused.issues] == ["usage_cap"]
    assert run("LA", weekdays(date(2026, 4, 6), 5, "6"), balance="71.8").balance == D("72.0000")


def test_nebraska_tiers_and_the_12_month_rehire():
    """LB 415: 11-19 employees 40 h a year, 20+ 56 h; 10 or fewer not covered; a rehire within 12 months gets the
    balance back: separated 1 Dec 2025, rehired 30 Nov 2026 → 20 h restored; 2 Dec 2026 → none."""
    on = date(2026, 3, 2)
    assert applicable("NE", on, 15).annual_usage_cap == D("40")
    assert applicable("NE", on, 20).annual_usage_cap == D("56")
    with pytest.raises(DomainError):
        applicable("NE", on, 10)
    law = applicable("NE", on, 20)
    assert rehire(law, D("20"), date(2025, 12, 1), date(2026, 11, 30)).restored == D("20")
    assert rehire(law, D("20"), date(2025, 12, 1), date(2026, 12, 2)).restored == D("0")


def test_missouri_leave_ran_from_may_1_to_august_27_2025_only():
    """Prop A (RSMo 290.600-290.642) from 1 May 2025; HB 567 (signed 10 July 2025) repealed it from 28 August 2025:
    hours on 27 August accrue (30 h → 1 h), hours on 28 August are refused as no law in force."""
    assert accrue(AccrualInput("MO", 30, date(2025, 5, 1), date(2025, 1, 1), D(0), D(0), D(0),
                               ((date(2025, 8, 27), D("15")), (date(2025, 8, 26), D("15"))))).accrued == D("1.0000")
    with pytest.raises(DomainError):
        applicable("MO", date(2025, 8, 28), 30)
