"""When a payroll ACH file can settle: the ODFI's cut-off against the pay date, with weekends and Federal Reserve
holidays (2026: Veterans Day Wednesday 11 November, Thanksgiving Thursday 26 November, Christmas Friday 25
December — payroll/data/bank_holidays.json, the Fed's K.8 schedule), and the descriptive date."""
from __future__ import annotations

from datetime import date, datetime, time

import pytest

from payroll.payments.ach_dates import Cutoff, descriptive_date, effective_date_problem, plan_effective_date

HOLIDAYS = frozenset({date(2026, 11, 11), date(2026, 11, 26), date(2026, 12, 25)})
ONE_DAY = Cutoff(days=1, time=time(17, 0))
FRI_13_NOV = date(2026, 11, 13)


def test_a_file_sent_the_day_before_by_the_cut_off_settles_on_the_pay_date():
    """Thursday 12 November 16:59 (bank time): taken that day, settles one banking day later, Friday 13."""
    plan = plan_effective_date(FRI_13_NOV, datetime(2026, 11, 12, 16, 59), ONE_DAY, HOLIDAYS)
    assert (plan.earliest, plan.on_time, plan.proposed, plan.problem) == (FRI_13_NOV, True, FRI_13_NOV, "")
    assert plan.deadline == datetime(2026, 11, 12, 17, 0)


def test_a_file_sent_after_the_cut_off_the_day_before_is_too_close_and_settles_monday():
    """Thursday 12 November 17:01: taken Friday 13, settles Monday 16 — three days late for a Friday pay date."""
    plan = plan_effective_date(FRI_13_NOV, datetime(2026, 11, 12, 17, 1), ONE_DAY, HOLIDAYS)
    assert (plan.earliest, plan.on_time, plan.proposed) == (date(2026, 11, 16), False, date(2026, 11, 16))
    assert "2026-11-13 is too close" in plan.problem and "earliest effective date now is 2026-11-16" in plan.problem


def test_a_past_pay_date_says_so_and_proposes_the_next_possible_banking_day():
    """Tuesday 1 December 10:00: taken that day, settles Wednesday 2 December; 13 November is past."""
    plan = plan_effective_date(FRI_13_NOV, datetime(2026, 12, 1, 10, 0), ONE_DAY, HOLIDAYS)
    assert (plan.on_time, plan.earliest) == (False, date(2026, 12, 2))
    assert "2026-11-13 is already past" in plan.problem


def test_veterans_day_is_skipped_both_when_the_file_is_taken_and_when_it_settles():
    """Tuesday 10 November 18:00 is after the cut-off and Wednesday 11 is Veterans Day (Fed closed): the file is
    taken Thursday 12 and settles Friday 13, still on time (the deadline for 13 November is Thursday 12, 17:00).
    With a 2-day cut-off the deadline skips the holiday: Tuesday 10, 17:00."""
    plan = plan_effective_date(FRI_13_NOV, datetime(2026, 11, 10, 18, 0), ONE_DAY, HOLIDAYS)
    assert (plan.earliest, plan.on_time) == (FRI_13_NOV, True)
    two_days = plan_effective_date(FRI_13_NOV, datetime(2026, 11, 10, 12, 0), Cutoff(days=2), HOLIDAYS)
    # two banking days before Friday 13, skipping Wednesday 11: Tuesday 10 by 17:00
    assert (two_days.earliest, two_days.deadline) == (FRI_13_NOV, datetime(2026, 11, 10, 17, 0))
    late = plan_effective_date(FRI_13_NOV, datetime(2026, 11, 10, 17, 30), Cutoff(days=2), HOLIDAYS)
    assert (late.earliest, late.on_time) == (date(2026, 11, 16), False)    # taken Thu 12: Fri 13 + 1 = Mon 16


def test_a_file_made_on_a_weekend_is_taken_the_next_banking_day():
    """Saturday 7 November: taken Monday 9, settles Tuesday 10; same-day (0 days) settles Monday 9."""
    sat = datetime(2026, 11, 7, 9, 0)
    assert plan_effective_date(FRI_13_NOV, sat, ONE_DAY, HOLIDAYS).earliest == date(2026, 11, 10)
    assert plan_effective_date(FRI_13_NOV, sat, Cutoff(days=0), HOLIDAYS).earliest == date(2026, 11, 9)


def test_a_chosen_date_must_be_a_banking_day_the_bank_still_takes_and_not_before_the_pay_date():
    plan = plan_effective_date(FRI_13_NOV, datetime(2026, 12, 1, 10, 0), ONE_DAY, HOLIDAYS)
    assert effective_date_problem(date(2026, 12, 2), plan, HOLIDAYS) == ""
    assert "too early" in effective_date_problem(date(2026, 12, 1), plan, HOLIDAYS)
    assert "not a banking day" in effective_date_problem(date(2026, 12, 5), plan, HOLIDAYS)      # a Saturday
    assert "not a banking day" in effective_date_problem(date(2026, 12, 25), plan, HOLIDAYS)     # Christmas
    early = plan_effective_date(date(2026, 12, 24), datetime(2026, 12, 1, 10, 0), ONE_DAY, HOLIDAYS)
    assert "before the pay date 2026-12-24" in effective_date_problem(date(2026, 12, 23), early, HOLIDAYS)


@pytest.mark.parametrize("pay_date, text", [(date(2026, 11, 13), "NOV 13"), (date(2026, 12, 24), "DEC 24"),
                                            (date(2027, 1, 8), "JAN 08")])
def test_the_descriptive_date_is_the_pay_date_as_month_and_day(pay_date, text):
    """Nacha Operating Rules, Appendix Three, Company Descriptive Date: free text for the receiver, e.g. 'JAN 13'."""
    assert descriptive_date(pay_date) == text and len(text) == 6


def test_a_cut_off_of_minus_one_day_is_refused():
    with pytest.raises(ValueError, match="0-10"):
        Cutoff(days=-1)
