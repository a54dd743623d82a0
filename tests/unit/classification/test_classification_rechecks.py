"""Re-check triggers (issue 5 point 5): more than 30 hours a week for 3 months, one client over 80% of a
contractor's income, the client setting the schedule."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings, strategies as st

from backoffice.errors import ValidationFailed
from backoffice.classification.engine.rechecks import RecheckFacts, ScheduleChange, WeekHours, recheck_triggers

MONDAY = dt.date(2026, 1, 5)


def weeks(*hours: str, start: dt.date = MONDAY) -> tuple[WeekHours, ...]:
    return tuple(WeekHours(start + dt.timedelta(weeks=i), Decimal(h)) for i, h in enumerate(hours))


def codes(facts: RecheckFacts) -> list[str]:
    return [t.code for t in recheck_triggers(facts)]


def test_thirteen_weeks_over_thirty_hours_is_three_months_and_raises_a_recheck():
    """3 months = 13 weeks (52 / 12 x 3). 13 weeks at 30.5 hours: every week is over 30."""
    (trigger,) = recheck_triggers(RecheckFacts(weekly_hours=weeks(*["30.5"] * 13)))
    assert trigger.code == "long_hours" and trigger.since == MONDAY
    assert trigger.facts == {"weeks": 13, "lowest_week_hours": "30.5", "limit": "30"}
    assert "13 weeks in a row" in trigger.explanation


@pytest.mark.parametrize("hours, expected", [
    (["31"] * 12, []),                              # 12 weeks is under 3 months
    (["30"] * 13, []),                              # exactly 30 is not over 30
    (["31"] * 6 + ["29"] + ["31"] * 6, []),         # a short week breaks the run
    (["31"] * 6 + ["29"] + ["31"] * 13, ["long_hours"]),
])
def test_long_hours_boundaries(hours, expected):
    assert codes(RecheckFacts(weekly_hours=weeks(*hours))) == expected


def test_a_missing_week_breaks_the_run():
    """Weeks 1-7 and 9-14 (no record for week 8): the longest run is 7 weeks, so no trigger."""
    data = weeks(*["40"] * 7) + weeks(*["40"] * 6, start=MONDAY + dt.timedelta(weeks=8))
    assert codes(RecheckFacts(weekly_hours=data)) == []


@pytest.mark.parametrize("incomes, expected", [
    ({"Acme": "80000.00", "Beta": "20000.00"}, []),                  # exactly 80% is not over 80%
    ({"Acme": "80001.00", "Beta": "19999.00"}, ["dominant_client"]),  # 80.001%
    ({"Acme": "5000.00"}, ["dominant_client"]),                        # 100% from one client
    ({}, []),
])
def test_one_client_over_eighty_percent_of_income(incomes, expected):
    facts = RecheckFacts(income_by_client={k: Decimal(v) for k, v in incomes.items()})
    assert codes(facts) == expected


def test_dominant_client_explanation_names_the_client_and_share():
    """9,000 of 9,000 + 1,000 = 10,000 is 90.0%, over the 80% limit."""
    (trigger,) = recheck_triggers(RecheckFacts(income_by_client={"Acme": Decimal("9000.00"),
                                                                 "Beta": Decimal("1000.00")}))
    assert trigger.facts == {"client": "Acme", "share": "0.9000", "limit": "0.80", "amount": "9000.00",
                             "total": "10000.00"}
    assert trigger.explanation.startswith("90.0% of the contractor's income comes from one client (Acme)")
    assert trigger.since is None


def test_dominant_client_text_is_in_words_with_money_percent_and_the_date_it_is_counted_from():
    """Issue 11: the limit read "more than 8E+1%" (Decimal 80 normalized). $12,500.00 of $12,500.00 + $1,500.00
    = $14,000.00 is 12,500 / 14,000 = 89.29 -> 89.3%; counted from the first pay date, 2026-03-06."""
    (trigger,) = recheck_triggers(RecheckFacts(income_by_client={"Northwind": Decimal("12500.00"),
                                                                 "Acme": Decimal("1500.00")},
                                               income_from=dt.date(2026, 3, 6)))
    assert trigger.explanation == (
        "89.3% of the contractor's income comes from one client (Northwind): $12,500.00 of $14,000.00 paid since "
        "March 6, 2026, more than 80%. Depending on one client points toward economic dependence.")
    assert trigger.since == dt.date(2026, 3, 6)
    assert "E+" not in trigger.explanation


def test_long_hours_and_schedule_texts_give_dates_in_words():
    (hours,) = recheck_triggers(RecheckFacts(weekly_hours=weeks(*["31"] * 13)))
    assert "more than 30 hours every week for 13 weeks in a row (from the week of January 5, 2026)" in \
        hours.explanation
    (schedule,) = recheck_triggers(RecheckFacts(schedule_changes=(ScheduleChange(dt.date(2026, 3, 1), "end_customer"),)))
    assert schedule.explanation.startswith("Since March 1, 2026 the end customer sets the worker's schedule")


def test_client_taking_over_the_schedule_raises_a_recheck_from_the_day_it_changed():
    changes = (ScheduleChange(dt.date(2026, 1, 1), "worker"), ScheduleChange(dt.date(2026, 3, 1), "hiring_entity"),
               ScheduleChange(dt.date(2026, 4, 1), "hiring_entity"))
    (trigger,) = recheck_triggers(RecheckFacts(schedule_changes=changes))
    assert trigger.code == "client_sets_schedule" and trigger.since == dt.date(2026, 3, 1)
    assert "the client sets the worker's schedule" in trigger.explanation
    back = changes + (ScheduleChange(dt.date(2026, 5, 1), "worker"),)
    assert codes(RecheckFacts(schedule_changes=back)) == []


def test_bad_facts_are_all_named():
    with pytest.raises(ValidationFailed) as caught:
        recheck_triggers(RecheckFacts(
            weekly_hours=(WeekHours(MONDAY, Decimal("-1")), WeekHours(MONDAY, Decimal("2"))),
            income_by_client={"Acme": 5},
            schedule_changes=(ScheduleChange(MONDAY, "boss"),)))
    assert {i.field for i in caught.value.issues} == {
        "weekly_hours[0].hours", "weekly_hours", "income_by_client.Acme", "schedule_changes[0].schedule_set_by"}


@settings(max_examples=80, deadline=None)
@given(st.lists(st.decimals(min_value=0, max_value=80, places=2), min_size=0, max_size=40), st.randoms())
def test_long_hours_trigger_matches_a_direct_count_and_ignores_input_order(hours, rnd):
    """Property: the trigger fires exactly when some 13 consecutive weeks are all over 30 hours, whatever the
    order in which the weeks are given."""
    data = list(weeks(*[str(h) for h in hours]))
    longest = run = 0
    for h in hours:
        run = run + 1 if h > 30 else 0
        longest = max(longest, run)
    rnd.shuffle(data)
    assert ("long_hours" in codes(RecheckFacts(weekly_hours=tuple(data)))) is (longest >= 13)
