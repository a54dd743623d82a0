"""Issue 19's remaining gaps in the pure engine, each worked by hand from the law cited in its docstring: the
"N hours or M days" caps, days/hours-worked thresholds, New York's net-income test, front-loading, documentation
rules and the state family-leave programs' job protection."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from backoffice.errors import DomainError
from backoffice.leave.accrual_json import accrue_json
from backoffice.leave.engine import (AccrualInput, accrue, applicable, documentation, front_load, job_protection,
                                     usable, workdays)

D = Decimal
HIRE = date(2026, 1, 5)            # a Monday


def inp(code, hours, *, size=30, hire=HIRE, balance="0", used="0", **extra):
    return AccrualInput(jurisdiction=code, employer_size=size, hire_date=hire, policy_year_start=date(2026, 1, 1),
                        balance_before=D(balance), accrued_this_year_before=D("0"), used_this_year_before=D(used),
                        hours=tuple(hours), **extra)


def mondays(start: date, count: int, each: str = "8") -> list[tuple[date, Decimal]]:
    return [(start + timedelta(weeks=i), D(each)) for i in range(count)]


# ------------------------------------------------------------------------------------- "hours or days" caps


def test_california_use_limit_is_five_days_of_ten_hours_for_a_ten_hour_worker():
    """Lab. Code §246(d) as amended by SB 616: use may be limited to 40 hours or five days, whichever is more. A
    worker whose normal day is 10 hours: 5 × 10 = 50 hours. 40 used: a 10-hour request fits (40 + 10 = 50); with
    the hours figure alone only 0 would be left."""
    law = applicable("CA", date(2026, 6, 1), 30)
    ok = usable(law, D("30"), D("10"), used_this_year=D("40"), day_hours=D("10"))
    assert ok.allowed and ok.charged == D("10")
    refused = usable(law, D("30"), D("10"), used_this_year=D("40"))
    assert [i.code for i in refused.issues] == ["usage_cap"]


def test_california_balance_cap_is_ten_days_when_the_days_are_longer_than_eight_hours():
    """Lab. Code §246(b) as amended by SB 616: accrual may be capped at 80 hours or 10 days. Normal day 10 h: cap
    100 h. Balance 95, 30 h worked ÷ 30 = 1 h → 96, not capped; at the hours figure (80) nothing more accrues."""
    days = [(date(2026, 6, 1) + timedelta(days=i), D("10")) for i in range(3)]
    long_day = accrue(inp("CA", days, balance="95", hire=date(2024, 1, 2), day_hours=D("10")))
    assert (long_day.accrued, long_day.balance, long_day.capped) == (D("1.0000"), D("96.0000"), False)
    hours_only = accrue(inp("CA", days, balance="95", hire=date(2024, 1, 2)))
    assert (hours_only.accrued, hours_only.capped) == (D("0.0000"), True)


# ------------------------------------------------------------------------------------- eligibility thresholds


def test_california_part_timer_working_mondays_is_entitled_on_the_thirtieth_day_worked():
    """Lab. Code §246(a)(1): entitled after 30 days worked within a year of the hire. Hired Monday 5 January 2026,
    working only Mondays: the 30th Monday is 5 January + 29 weeks = 27 July 2026, later than the 90th day of
    employment (5 January + 89 days = 4 April), so usable from 27 July. With one Monday fewer: not yet entitled."""
    worked = mondays(HIRE, 29)
    r = accrue(inp("CA", [(date(2026, 7, 27), D("8"))], worked_before=tuple(worked)))
    assert (r.eligible, r.eligible_from, r.usable_from) == (True, date(2026, 7, 27), date(2026, 7, 27))
    assert any("30 days worked within 365 days of the hire date" in line for line in r.explanation)
    short = accrue(inp("CA", [(date(2026, 7, 20), D("8"))], worked_before=tuple(mondays(HIRE, 28))))
    assert (short.eligible, short.eligible_from, short.usable_from) == (False, None, date(2026, 4, 4))


def test_chicago_counts_eighty_hours_within_any_120_days_not_in_total():
    """MCC 6-130-010: 80 hours within any 120-day period. 10 h on 5-8 January (40 h), then 10 h on 20-23 May
    (another 40 h): 80 h in all by 23 May, but the window (23 January, 23 May] holds only 40 h — not met. 10 h more
    on 26-29 May: the window ending 29 May holds 20-29 May = 80 h — met on 29 May (after the 30-day wait, 4 Feb)."""
    jan = [(date(2026, 1, 5) + timedelta(days=i), D("10")) for i in range(4)]
    may = [(date(2026, 5, 20) + timedelta(days=i), D("10")) for i in range(4)]
    not_yet = accrue(inp("CHICAGO", may, worked_before=tuple(jan)))
    assert (not_yet.eligible, not_yet.usable_from) == (False, date(2026, 2, 4))
    later = [(date(2026, 5, 26) + timedelta(days=i), D("10")) for i in range(4)]
    met = accrue(inp("CHICAGO", later, worked_before=tuple(jan + may)))
    assert (met.eligible, met.eligible_from, met.usable_from) == (True, date(2026, 5, 29), date(2026, 5, 29))


def test_nebraska_accrues_only_after_the_first_eighty_hours():
    """LB 415 (2025): accrual starts after 80 hours of employment. 10 days × 10 h = 100 h: 80 wait, 20 ÷ 30 =
    0.6667 h. A worker with 70 h already: 10 wait, 90 ÷ 30 = 3 h."""
    days = [(date(2026, 1, 5) + timedelta(days=i), D("10")) for i in range(10)]
    new = accrue(inp("NE", days, worked_before=()))
    assert new.accrued == D("0.6667")
    assert any("Accrual starts after 80 hours worked" in line for line in new.explanation)
    earlier = accrue(inp("NE", days, worked_before=((date(2026, 1, 2), D("70")),)))
    assert earlier.accrued == D("3.0000")


# ------------------------------------------------------------------------------------- New York's tiers


def test_new_york_smallest_employer_owes_paid_leave_when_net_income_was_above_a_million():
    """Labor Law §196-b(1)(a): 4 or fewer employees and net income above $1 million in the previous tax year → up
    to 40 hours of paid leave (4 days × 7.5 h = 30 h ÷ 30 = 1 h, paid); $1 million exactly (not above) → unpaid. 5-99 → 40 paid; 100+ → 56 paid (§196-b(1)(b),
    (c))."""
    on = date(2026, 3, 1)
    rich = applicable("NY", on, 3, net_income=D("1500000"))
    assert (rich.paid, rich.annual_usage_cap, rich.tier) == (True, D("40"),
                                                             "0-4 employees, net income over $1,000,000")
    assert applicable("NY", on, 3, net_income=D("1000000")).paid is False
    assert applicable("NY", on, 3).paid is False
    assert (applicable("NY", on, 50).paid, applicable("NY", on, 50).annual_usage_cap) == (True, D("40"))
    assert applicable("NY", on, 100).annual_usage_cap == D("56")
    out = accrue_json({"jurisdiction": "NY", "employer_size": 3, "employer_net_income": "1500000",
                       "hire_date": "2026-01-05", "hours": [{"date": f"2026-02-0{d}", "hours": "7.5"} for d in range(2, 6)]})
    assert (out["paid"], out["accrued"]) == (True, "1")


# ------------------------------------------------------------------------------------- front-loading


def test_front_loading_grants_the_laws_yearly_amount_at_the_start():
    """California: 40 hours or five days at the start of each year, no carryover then (Lab. Code §246(d) as
    amended by SB 616): 40 h, or 5 × 10 = 50 h for a 10-hour day. Colorado: 48 h, no carryover (C.R.S.
    8-13.3-403(3)). Chicago: 40 h, but the balance still carries over. San Francisco holds no front-load rule."""
    on = date(2026, 1, 1)
    assert front_load(applicable("CA", on, 30)).hours == D("40")
    assert front_load(applicable("CA", on, 30), day_hours=D("10")).hours == D("50")
    co = front_load(applicable("CO", on, 30))
    assert (co.hours, co.carryover_required) == (D("48"), False)
    assert front_load(applicable("CHICAGO", on, 30)).carryover_required is True
    with pytest.raises(DomainError):
        front_load(applicable("SF", on, 30))


def test_hours_worked_under_a_front_loaded_policy_earn_nothing_more():
    """A front-loaded policy gave 48 h on 1 January (CO); 60 h worked would earn 2 h by accrual, but earn none."""
    days = [(date(2026, 2, 2) + timedelta(days=i), D("10")) for i in range(6)]
    r = accrue(inp("CO", days, balance="48", front_loaded=True))
    assert (r.accrued, r.balance) == (D("0.0000"), D("48.0000"))


# ------------------------------------------------------------------------------------- documentation


def test_documentation_is_asked_only_beyond_the_laws_days_and_never_where_forbidden():
    """San Francisco (OLSE rules 2018): not for 3 or fewer consecutive workdays — a policy asking after 2 is read as
    after 3: Monday-Wednesday (3) no, Monday-Thursday (4) yes. Philadelphia (§9-4105): more than 2 — Mon-Wed yes.
    Connecticut (PA 24-8): never. Friday to Monday is 2 workdays."""
    on = date(2026, 3, 2)                      # a Monday
    sf = applicable("SF", on, 30)
    assert documentation(sf, on, on + timedelta(days=2), 2).required is False
    assert documentation(sf, on, on + timedelta(days=3), 2).required is True
    assert documentation(applicable("PHILADELPHIA", on, 30), on, on + timedelta(days=2), 2).required is True
    assert documentation(applicable("CT", on, 30), on, on + timedelta(days=9), 1).required is False
    assert documentation(sf, on, on + timedelta(days=9), None).required is False
    assert workdays(date(2026, 3, 6), date(2026, 3, 9)) == 2


# ------------------------------------------------------------------------------------- family leave


def test_state_family_leave_job_protection_follows_the_programs_rule():
    """WA PFML (RCW 50A.35.010): employer of 50+, 12 months, 1,250 hours — 60 employees, 400 days, 1,300 h: yes;
    1,200 h: no. NY PFL (WCL §203-b): 26 weeks employed or 175 days worked — 150 days employed but 176 worked: yes.
    CA PFL is protected only through the CFRA (5+ employees): 4 employees, no. MA PFML (c.175M §2(e)): always."""
    wa = job_protection("wa_pfml", employer_size=60, days_employed=400, hours_12_months=D("1300"))
    assert wa.protected is True
    assert job_protection("wa_pfml", employer_size=60, days_employed=400, hours_12_months=D("1200")).protected is False
    ny = job_protection("ny_pfl", employer_size=3, days_employed=150, hours_12_months=D("900"),
                        days_worked_12_months=176)
    assert ny.protected is True
    ca = job_protection("ca_pfl", employer_size=4, days_employed=800, hours_12_months=D("2000"))
    assert ca.protected is False and any("CFRA" in line or "Family Rights" in line for line in ca.explanation)
    assert job_protection("ma_pfml", employer_size=1, days_employed=10, hours_12_months=D("40")).protected is True
    assert job_protection("other", employer_size=1, days_employed=10, hours_12_months=D("40")).protected is None


def test_without_the_history_a_threshold_is_not_guessed_and_the_explanation_says_so():
    """No `worked_before`: Nebraska's 80-hour start is not applied (100 h ÷ 30 = 3.3333 h) and California's
    30-day entitlement is not checked (eligible, usable from the 90th day) — each sentence says how to apply it."""
    days = [(date(2026, 1, 5) + timedelta(days=i), D("10")) for i in range(10)]
    ne = accrue(inp("NE", days))
    assert ne.accrued == D("3.3333")
    assert any("not applied here" in line for line in ne.explanation)
    ca = accrue(inp("CA", [(date(2026, 7, 27), D("8"))]))
    assert (ca.eligible, ca.usable_from) == (True, date(2026, 4, 4))
    assert any("not checked here" in line for line in ca.explanation)
