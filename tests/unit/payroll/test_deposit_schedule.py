"""Deposit schedule engine: Pub. 15 section 11's own examples to the day, holidays, the $100,000 rule, FUTA, states."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from payroll.calendar import holidays_between
from payroll.engine.deposits import (MONTHLY, SEMIWEEKLY, Liability, NoScheduleData, depositor_schedule,
                                     federal_deposits, futa_deposits, lookback_period, semiweekly_due,
                                     state_deposits)

D = Decimal
# Legal holidays as Pub. 15 (2020) lists them ("Legal holidays" in section 11): District of Columbia holidays,
# so Emancipation Day (April 16) counts although the Federal Reserve is open.
PUB15_2020_HOLIDAYS = frozenset({date(2020, 1, 1), date(2020, 1, 20), date(2020, 2, 17), date(2020, 4, 16),
                                 date(2020, 5, 25), date(2020, 7, 3), date(2020, 9, 7), date(2020, 10, 12),
                                 date(2020, 11, 11), date(2020, 11, 26), date(2020, 12, 25)})
# Pub. 80 (2012), "Legal holiday", lists for May 2012 only Memorial Day (May 28).
PUB80_2012_HOLIDAYS = frozenset({date(2012, 5, 28)})
H2026 = holidays_between(date(2026, 1, 1), date(2027, 12, 31))


def test_lookback_period_and_the_50000_threshold():
    """Pub. 15: the lookback period for 2026 is 1 July 2024 - 30 June 2025; $50,000 or less → monthly."""
    assert lookback_period(2026) == (date(2024, 7, 1), date(2025, 6, 30))
    assert depositor_schedule(D("50000.00"))[0] == MONTHLY
    assert depositor_schedule(D("50000.01"))[0] == SEMIWEEKLY
    assert depositor_schedule(None) == (MONTHLY, "new employer (no lookback period): monthly")


def test_pub15_semiweekly_example_green_inc():
    """Pub. 15 (2020) p. 28, "Semiweekly schedule example": Green, Inc. pays wages on the last Friday of the
    month; the liability for the April 24, 2020 (Friday) payday must be deposited by April 29, 2020 (Wednesday)."""
    plan = federal_deposits([Liability(date(2020, 4, 24), D("12000"))], schedule=SEMIWEEKLY,
                            holidays=PUB15_2020_HOLIDAYS)
    (d,) = plan.deposits
    assert (d.period_start, d.period_end, d.due, d.amount) == (date(2020, 4, 22), date(2020, 4, 24),
                                                               date(2020, 4, 29), D("12000"))


def test_pub15_monthly_example_spruce_co():
    """Pub. 15 (2020) p. 28, "Monthly schedule example": Spruce Co. pays wages each Friday in May and none in
    June: the May liabilities are due by June 15 (Monday 15 June 2020); nothing is due for June."""
    fridays = [date(2020, 5, d) for d in (1, 8, 15, 22, 29)]
    plan = federal_deposits([Liability(f, D("2000")) for f in fridays], schedule=MONTHLY,
                            holidays=PUB15_2020_HOLIDAYS)
    (d,) = plan.deposits
    assert (d.period_start, d.period_end, d.due, d.amount) == (date(2020, 5, 1), date(2020, 5, 31),
                                                               date(2020, 6, 15), D("10000"))


def test_pub15_next_day_rule_fir_co():
    """Pub. 15 "$100,000 Next-Day Deposit Rule" (the same text in Pub. 80 (2012) p. 11): Fir Co., a semiweekly
    depositor, accumulates $110,000 on Monday → due Tuesday; on Tuesday another $30,000, not added to the
    $110,000 and under $100,000 → due Friday (the normal semiweekly date). Placed on Monday 9 March 2026."""
    plan = federal_deposits([Liability(date(2026, 3, 9), D("110000")), Liability(date(2026, 3, 10), D("30000"))],
                            schedule=SEMIWEEKLY, holidays=H2026)
    assert [(d.period_start, d.period_end, d.due, d.amount) for d in plan.deposits] == [
        (date(2026, 3, 9), date(2026, 3, 9), date(2026, 3, 10), D("110000")),
        (date(2026, 3, 10), date(2026, 3, 10), date(2026, 3, 13), D("30000"))]     # Sat 7 - Tue 10, after Monday
    assert plan.deposits[0].rule.startswith("next-day")


def test_pub80_next_day_rule_elm_inc_monthly_becomes_semiweekly():
    """Pub. 80 (2012) p. 11 (the example Pub. 15 also prints, with that year's dates): Elm, Inc. started on
    May 1, 2012 (a new employer: monthly). On May 4 it accumulated $40,000; on Friday May 11 another $60,000,
    $100,000 in all → due Monday May 14, the next business day, and Elm is a semiweekly depositor from then on.
    A $5,000 payday on Friday May 18 is then due Wednesday May 23 (semiweekly), not June 15."""
    plan = federal_deposits([Liability(date(2012, 5, 4), D("40000")), Liability(date(2012, 5, 11), D("60000")),
                             Liability(date(2012, 5, 18), D("5000"))],
                            schedule=depositor_schedule(None)[0], holidays=PUB80_2012_HOLIDAYS)
    assert [(d.period_start, d.due, d.amount) for d in plan.deposits] == [
        (date(2012, 5, 4), date(2012, 5, 14), D("100000")), (date(2012, 5, 16), date(2012, 5, 23), D("5000"))]
    assert (plan.schedule_at_end, plan.became_semiweekly_on) == (SEMIWEEKLY, date(2012, 5, 12))


@pytest.mark.parametrize("payday, due", [
    (date(2026, 3, 4), date(2026, 3, 11)),     # Wednesday → following Wednesday
    (date(2026, 3, 6), date(2026, 3, 11)),     # Friday → following Wednesday
    (date(2026, 3, 7), date(2026, 3, 13)),     # Saturday → following Friday
    (date(2026, 3, 10), date(2026, 3, 13)),    # Tuesday → Friday of the same week
    # Friday 16 Jan 2026: the three weekdays after are Mon 19 (Martin Luther King Jr. Day), Tue 20, Wed 21 → one
    # more day: Thursday 22 January.
    (date(2026, 1, 16), date(2026, 1, 22)),
    # Tuesday 24 Nov 2026: Wed 25, Thu 26 (Thanksgiving), Fri 27 → Monday 30 November.
    (date(2026, 11, 24), date(2026, 11, 30)),
])
def test_semiweekly_due_dates_with_holidays(payday, due):
    assert semiweekly_due(payday, H2026) == due


def test_a_semiweekly_period_across_quarters_makes_two_deposits_with_one_due_date():
    """Pub. 15: a semiweekly period that spans two quarters makes separate deposits. Wed 30 Sep 2026 (Q3) and
    Fri 2 Oct 2026 (Q4) share the period Wed 30 Sep - Fri 2 Oct → both due Wednesday 7 October."""
    plan = federal_deposits([Liability(date(2026, 9, 30), D("8000")), Liability(date(2026, 10, 2), D("9000"))],
                            schedule=SEMIWEEKLY, holidays=H2026)
    assert [(d.period_start, d.period_end, d.due, d.amount) for d in plan.deposits] == [
        (date(2026, 9, 30), date(2026, 9, 30), date(2026, 10, 7), D("8000")),
        (date(2026, 10, 1), date(2026, 10, 2), date(2026, 10, 7), D("9000"))]


def test_de_minimis_quarter_is_due_with_the_941():
    """A quarter under $2,500 (Q1 2026: $1,200 + $1,200 = $2,400) → one deposit due with Form 941, Thu 30 April
    2026. Q2 at $3,000: a monthly depositor whose prior quarter was under $2,500 may still pay with the return
    (due Fri 31 July); a semiweekly depositor may not (the Friday 24 April payday → Wednesday 29 April)."""
    q1 = [Liability(date(2026, 1, 30), D("1200")), Liability(date(2026, 2, 27), D("1200"))]
    q2 = [Liability(date(2026, 4, 24), D("3000"))]
    monthly = federal_deposits(q1 + q2, schedule=MONTHLY, holidays=H2026)
    assert [(d.period_start, d.period_end, d.due, d.amount) for d in monthly.deposits] == [
        (date(2026, 1, 1), date(2026, 3, 31), date(2026, 4, 30), D("2400")),
        (date(2026, 4, 1), date(2026, 6, 30), date(2026, 7, 31), D("3000"))]
    assert "prior quarter 2400" in monthly.deposits[1].rule
    semiweekly = federal_deposits(q1 + q2, schedule=SEMIWEEKLY, holidays=H2026)
    assert [(d.due, d.amount) for d in semiweekly.deposits] == [(date(2026, 4, 30), D("2400")),
                                                                (date(2026, 4, 29), D("3000"))]


def test_futa_carries_500_or_less_and_deposits_the_rest():
    """Q1 $300 (carried), Q2 $300 → $600 > $500 due Fri 31 July 2026; Q3 $100 + Q4 $100 = $200 ≤ $500 → due by
    31 January 2027, a Sunday → Monday 1 February 2027."""
    deps = futa_deposits([(date(2026, 2, 1), D("300")), (date(2026, 5, 1), D("300")), (date(2026, 8, 1), D("100")),
                          (date(2026, 11, 1), D("100"))], holidays=H2026)
    assert [(d.period_start, d.period_end, d.due, d.amount) for d in deps] == [
        (date(2026, 1, 1), date(2026, 6, 30), date(2026, 7, 31), D("600")),
        (date(2026, 7, 1), date(2026, 12, 31), date(2027, 2, 1), D("200"))]


def test_pennsylvania_semimonthly_tier():
    """REV-415: $5,000-$19,999.99 a quarter → semimonthly, due 3 banking days after the 15th and the month end.
    Paydays 6 and 20 March 2026, $3,000 each: the 15th is a Sunday → Mon 16, Tue 17, Wed 18 → 18 March; the
    month ends Tue 31 → Wed 1, Thu 2, Fri 3 April."""
    deps = state_deposits("PA", "SIT", [Liability(date(2026, 3, 6), D("3000")), Liability(date(2026, 3, 20),
                                                                                         D("3000"))],
                          federal_schedule=MONTHLY, holidays=H2026)
    assert [(d.period_start, d.period_end, d.due, d.amount) for d in deps] == [
        (date(2026, 3, 1), date(2026, 3, 15), date(2026, 3, 18), D("3000")),
        (date(2026, 3, 16), date(2026, 3, 31), date(2026, 4, 3), D("3000"))]


def test_new_york_three_business_days_after_payday_and_quarterly_below_700():
    """NYS-50: $700 or more → within 3 business days after the payroll for a federal semiweekly depositor
    (Fri 6 March 2026 → Wed 11 March); under $700 for the quarter → with the NYS-45, Thu 30 April."""
    big = state_deposits("NY", "SIT", [Liability(date(2026, 3, 6), D("900"))], federal_schedule=SEMIWEEKLY,
                         holidays=H2026)
    small = state_deposits("NY", "SIT", [Liability(date(2026, 3, 6), D("600"))], federal_schedule=SEMIWEEKLY,
                           holidays=H2026)
    assert [(d.due, d.amount) for d in big] == [(date(2026, 3, 11), D("900"))]
    assert [(d.period_start, d.period_end, d.due) for d in small] == [(date(2026, 1, 1), date(2026, 3, 31),
                                                                       date(2026, 4, 30))]


def test_quarterly_unemployment_and_missing_data_said_out_loud():
    """Every covered state's SUI is due the last day of the month after the quarter (Q2 2026 → Fri 31 July).
    Texas has no income tax to deposit and Missouri's city earnings taxes have no schedule data: both refused by
    name (Ohio and then Missouri's withholding, the examples here before their tiers were added, are now planned:
    see test_deposit_schedule_states.py)."""
    for state in ("CA", "NY", "PA", "TX", "FL", "WA", "NC"):
        (d,) = state_deposits(state, "SUI", [Liability(date(2026, 5, 8), D("250"))], federal_schedule=MONTHLY,
                              holidays=H2026)
        assert d.due == date(2026, 7, 31), state
    for state, tax in (("TX", "SIT"), ("MO", "LOCAL")):
        with pytest.raises(NoScheduleData, match=f"no deposit-schedule data for {tax} in {state}"):
            state_deposits(state, tax, [Liability(date(2026, 5, 8), D("250"))], federal_schedule=MONTHLY,
                           holidays=H2026)
