"""The eligibility engine and the election rules, with dates and figures checked by hand."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from benefits.engine import elections as rules
from benefits.engine.eligibility import PlanRules, WorkerFacts, check

D = Decimal
LEASED = WorkerFacts(("leased_employee",), date(2026, 1, 1))


def test_a_60_day_waiting_period_from_jan_1_makes_a_worker_eligible_on_mar_2():
    """The start is day 1 of the waiting period (29 CFR 2590.715-2708: coverage by the 91st day of a 90-day wait).
    Jan 1 + 60 days: 30 days to Jan 31, 28 more to Feb 28 (58), 2 more: Mar 2. The new-hire window is 30 days
    from then, Mar 2 .. Mar 31."""
    r = check(PlanRules("medical", waiting_days=60), LEASED, date(2026, 1, 5))
    assert r.eligible and r.eligible_from == date(2026, 3, 2) and r.new_hire_window_closes == date(2026, 3, 31)
    assert r.reason == "Eligible from Mar 2, 2026: 60-day waiting period from your start on Jan 1, 2026."


def test_the_longest_waiting_period_ends_on_the_91st_day():
    """The regulation's own reading: a start on Jan 6 with a 90-day wait is covered by Apr 6 (Jan 6 + 25 = Jan 31,
    + 28 = Feb 28, + 31 = Mar 31, + 6 = Apr 6: 90 days); 91 days is refused."""
    r = check(PlanRules("medical", waiting_days=90), WorkerFacts(("leased_employee",), date(2026, 1, 6)),
              date(2026, 1, 6))
    assert r.eligible_from == date(2026, 4, 6)
    with pytest.raises(ValueError, match="at most 90"):
        check(PlanRules("medical", waiting_days=91), LEASED, date(2026, 1, 6))


def test_the_waiting_period_counts_from_the_first_day_with_the_agency_not_the_plan_year():
    """A worker who started in 2025 is eligible on the first day of the 2026 plan year, not 30 days into it."""
    r = check(PlanRules("dental", waiting_days=30, plan_year_start=date(2026, 1, 1), plan_year_end=date(2026, 12, 31)),
              WorkerFacts(("leased_employee",), date(2025, 3, 10)), date(2026, 1, 2))
    assert r.eligible and r.eligible_from == date(2026, 1, 1)


def test_contractors_are_not_eligible_for_group_plans_unless_the_plan_says_so():
    contractor = WorkerFacts(("contractor",), date(2026, 1, 1))
    r = check(PlanRules("medical"), contractor, date(2026, 2, 1))
    assert not r.eligible and "portable benefits" in r.reason
    assert not check(PlanRules("401k"), contractor, date(2026, 2, 1)).eligible
    assert check(PlanRules("529", contractors_eligible=True), contractor, date(2026, 2, 1)).eligible
    # a worker with a contractor engagement and a leased one is eligible through the leased one
    both = WorkerFacts(("contractor", "leased_employee"), date(2026, 1, 1))
    assert check(PlanRules("medical"), both, date(2026, 2, 1)).eligible


def test_an_hours_rule_refuses_a_worker_who_averages_less():
    plan = PlanRules("medical", min_weekly_hours=D(30))
    part_time = WorkerFacts(("leased_employee",), date(2026, 1, 1), D("22.5"))
    r = check(plan, part_time, date(2026, 3, 1))
    assert not r.eligible and r.reason == "This plan needs an average of 30 hours a week; you average 22.5."
    full = check(plan, WorkerFacts(("leased_employee",), date(2026, 1, 1), D(32)), date(2026, 3, 1))
    assert full.eligible and "you average 32.0 hours a week (the plan needs 30)" in full.reason


def test_an_hsa_needs_an_hdhp_election():
    r = check(PlanRules("hsa"), LEASED, date(2026, 2, 1))
    assert not r.eligible and "HDHP" in r.reason
    with_hdhp = WorkerFacts(("leased_employee",), date(2026, 1, 1), hdhp_elected=True)
    assert check(PlanRules("hsa"), with_hdhp, date(2026, 2, 1)).eligible


def test_no_engagement_or_an_ended_plan_year_is_not_eligible():
    assert not check(PlanRules("medical"), WorkerFacts((), date(2026, 1, 1)), date(2026, 2, 1)).eligible
    r = check(PlanRules("medical", plan_year_end=date(2026, 12, 31)), LEASED, date(2027, 1, 2))
    assert not r.eligible and r.reason == "This plan year ended on Dec 31, 2026."


@pytest.mark.parametrize("method,value,employer", [
    # family premium 1,800.00, employee-only 600.00
    ("percent_employee_only", D("0.75"), D("450.00")),     # 75% of 600.00
    ("percent_tier", D("0.70"), D("1260.00")),             # 70% of 1,800.00
    ("flat", D("500"), D("500.00")),
    (None, None, D("0.00")),
])
def test_the_employer_share_of_a_family_premium_under_each_method(method, value, employer):
    s = rules.shares(D("1800.00"), D("600.00"), method, value)
    assert s.employer_monthly == employer and s.employee_monthly == D("1800.00") - employer


def test_the_employer_never_pays_more_than_the_premium():
    assert rules.shares(D("40.00"), D("40.00"), "flat", D("100")).employee_monthly == D("0.00")


def test_per_paycheck_amounts():
    """1,350.00 a month × 12 / 26 biweekly paychecks = 16,200 / 26 = 623.0769… → 623.08; / 24 semimonthly = 675.00;
    an FSA of 3,300.00 a year / 26 = 126.923… → 126.92."""
    assert rules.per_paycheck(D("1350.00"), 26) == D("623.08")
    assert rules.per_paycheck(D("1350.00"), 24) == D("675.00")
    assert rules.annual_per_paycheck(D("3300.00"), 26) == D("126.92")


def test_life_event_windows_and_effective_dates():
    """Marriage on Jun 10: 30 days, to Jul 10; coverage from the first of the month after the election (Jun 20 →
    Jul 1). A birth on Jun 10: 60 days, to Aug 9; coverage on the birth date."""
    m = rules.life_event_window("marriage", date(2026, 6, 10), date(2026, 6, 20))
    assert (m.closes_on, m.effective_date) == (date(2026, 7, 10), date(2026, 7, 1))
    b = rules.life_event_window("birth", date(2026, 6, 10), date(2026, 7, 20))
    assert (b.closes_on, b.effective_date) == (date(2026, 8, 9), date(2026, 6, 10))
    assert rules.life_event_window("divorce", date(2026, 12, 15)).effective_date == date(2027, 1, 1)
    with pytest.raises(ValueError):
        rules.life_event_window("promotion", date(2026, 6, 10))


def test_a_child_is_covered_until_the_day_before_their_26th_birthday():
    assert not rules.child_too_old(date(2000, 7, 1), date(2026, 6, 30))
    assert rules.child_too_old(date(2000, 7, 1), date(2026, 7, 1))


@pytest.mark.parametrize("tier,rels,ok", [
    ("employee", [], True), ("employee", ["child"], False),
    ("employee_spouse", ["spouse"], True), ("employee_spouse", ["domestic_partner"], True),
    ("employee_spouse", ["spouse", "child"], False), ("employee_children", ["child", "child"], True),
    ("employee_children", [], False), ("family", ["spouse", "child"], True), ("family", ["child"], False),
    ("family", ["spouse", "domestic_partner", "child"], False),
])
def test_the_dependents_must_fit_the_tier(tier, rels, ok):
    assert (rules.tier_problem(tier, rels) is None) is ok
