"""State deposit schedules: each frequency shape the data uses, worked to the day from the state's rule and the 2026
calendar (Federal Reserve holidays: 19 Jan, 16 Feb, 25 May, 19 Jun, 7 Sep, 12 Oct, 11 Nov, 26 Nov, 25 Dec), and the
data's own honesty: every state names its source, every reason for missing data is said."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from payroll.calendar import holidays_between
from payroll.engine.deposits import (MONTHLY, SEMIWEEKLY, Liability, NoScheduleData, quarter_monthly_period,
                                     schedule_data, state_deposits, week_bounds, weekly_due)

D = Decimal
H2026 = holidays_between(date(2026, 1, 1), date(2027, 12, 31))
FREQUENCIES = {"annual", "quarterly", "monthly", "semimonthly", "quarter_monthly", "semiweekly", "weekly",
               "after_payday", "missing"}


def plan(state, tax, *paydays, federal=MONTHLY):
    return [(d.period_start, d.period_end, d.due, d.amount)
            for d in state_deposits(state, tax, [Liability(day, D(a)) for day, a in paydays],
                                    federal_schedule=federal, holidays=H2026)]


# ------------------------------------------------------------------------------------------------ Ohio
def test_ohio_partial_weekly_period_and_a_holiday():
    """Ohio FAQ: $84,000 a year or more → partial weekly (here $25,000 in the quarter ≥ $21,000). Its own example:
    a Thursday payday (15 Jan 2026) falls in the Wednesday-Friday period, due three banking days after Friday 16
    January: Monday 19 (Martin Luther King Jr. Day, not a banking day), Tuesday 20, Wednesday 21, Thursday 22 →
    Thursday 22 January, "moved forward one additional day" as the FAQ says."""
    assert plan("OH", "SIT", (date(2026, 1, 15), "25000")) == [
        (date(2026, 1, 14), date(2026, 1, 16), date(2026, 1, 22), D("25000"))]


def test_ohio_below_the_partial_weekly_level_monthly_by_the_fifteenth():
    """Below $84,000 a year and above $2,000 (IT 941 instructions as Zipier summarises them): monthly, the 15th of
    the next month. $1,500 in Q1 2026 (over $500 in the quarter): January $750 → Sunday 15 February, Monday 16 is
    Presidents Day → Tuesday 17 February; March $750 → Wednesday 15 April (the third month too, not the 941 date).
    (This replaces the test that planned such a quarter with no due date while the threshold was unread.)"""
    assert plan("OH", "SIT", (date(2026, 1, 30), "750"), (date(2026, 3, 27), "750")) == [
        (date(2026, 1, 1), date(2026, 1, 31), date(2026, 2, 17), D("750")),
        (date(2026, 3, 1), date(2026, 3, 31), date(2026, 4, 15), D("750"))]


def test_ohio_two_thousand_dollars_or_less_a_year_is_quarterly():
    """$300 in Q3 2026 (at most $500 in the quarter: $2,000 a year): one deposit due the last day of the month after
    the quarter, Saturday 31 October → Monday 2 November."""
    assert plan("OH", "SIT", (date(2026, 8, 14), "300")) == [
        (date(2026, 7, 1), date(2026, 9, 30), date(2026, 11, 2), D("300"))]


def test_ohio_unemployment_fourth_quarter_moves_off_a_sunday():
    """OAC 4141-11-01: the last day of the month after the quarter; Q4 2026 → Sunday 31 January 2027 → Monday 1
    February."""
    assert plan("OH", "SUI", (date(2026, 11, 20), "400")) == [
        (date(2026, 10, 1), date(2026, 12, 31), date(2027, 2, 1), D("400"))]


# ------------------------------------------------------------------------------------------------ New Jersey
def test_new_jersey_weekly_payer_wednesday_after_the_week_and_veterans_day():
    """NJ weekly payer ($10,000 a year: $2,500+ in the quarter): payday Friday 6 Nov 2026 in the week Sunday 1 -
    Saturday 7 November → the Wednesday of the next week, 11 November, Veterans Day → Thursday 12 November."""
    assert plan("NJ", "SIT", (date(2026, 11, 6), "3000")) == [
        (date(2026, 11, 1), date(2026, 11, 7), date(2026, 11, 12), D("3000"))]


def test_new_jersey_monthly_500_floor_and_the_third_month_with_the_nj927():
    """NJ-500: January $600 (≥ $500) by 15 February, a Sunday; Monday 16 is Presidents Day → Tuesday 17 February.
    February $400 (< $500) and March (the third month) go with the NJ-927, 30 April 2026 (a Thursday)."""
    assert plan("NJ", "SIT", (date(2026, 1, 30), "600"), (date(2026, 2, 27), "400"), (date(2026, 3, 27), "700")) == [
        (date(2026, 1, 1), date(2026, 1, 31), date(2026, 2, 17), D("600")),
        (date(2026, 2, 1), date(2026, 2, 28), date(2026, 4, 30), D("400")),
        (date(2026, 3, 1), date(2026, 3, 31), date(2026, 4, 30), D("700"))]


def test_new_jersey_nj927_on_the_thirtieth_not_the_last_day():
    """NJ-927 / WR-30 are due the 30th of the month after the quarter: Q2 2026 → Thursday 30 July (not 31)."""
    for tax in ("SUI", "SPROG"):
        assert plan("NJ", tax, (date(2026, 5, 15), "250"))[0][2] == date(2026, 7, 30), tax


# ------------------------------------------------------------------------------------------------ Colorado
def test_colorado_weekly_filer_third_business_day_after_friday():
    """Colorado weekly filer (more than $50,000 a year: over $12,500 in the quarter): tax accumulated as of Friday
    16 Jan 2026 is due the third business day after it — Monday 19 is a holiday, so Tuesday 20, Wednesday 21,
    Thursday 22; a Tuesday 20 January payday belongs to the week ending Friday 23 → Wednesday 28 January."""
    assert plan("CO", "SIT", (date(2026, 1, 16), "7000"), (date(2026, 1, 20), "7000")) == [
        (date(2026, 1, 10), date(2026, 1, 16), date(2026, 1, 22), D("7000")),
        (date(2026, 1, 17), date(2026, 1, 23), date(2026, 1, 28), D("7000"))]


def test_colorado_monthly_and_famli_quarterly():
    """$3,000 in the quarter ($7,000-$50,000 a year): monthly, March → 15 April 2026 (Wednesday). FAMLI premiums
    for Q4 2026 → Sunday 31 January 2027 → Monday 1 February."""
    assert plan("CO", "SIT", (date(2026, 3, 13), "3000"))[0][2] == date(2026, 4, 15)
    assert plan("CO", "SPROG", (date(2026, 12, 11), "90"))[0][2] == date(2027, 2, 1)


def test_colorado_local_taxes_are_refused_with_the_reason():
    """Colorado's OPTs are remitted city by city: no one rule, and the message says so."""
    with pytest.raises(NoScheduleData, match="LOCAL in CO: .*schedules differ by city"):
        plan("CO", "LOCAL", (date(2026, 3, 13), "10"))


# ------------------------------------------------------------------------------------------------ the other shapes
def test_quarter_monthly_massachusetts_three_business_days():
    """MA above $25,000 a year (here $7,000+ a quarter): periods end the 7th, 15th, 22nd and last day. Friday 6
    Nov 2026 → period 1-7 (Saturday) → Monday 9, Tuesday 10, Thursday 12 (Wednesday 11 is Veterans Day); Monday 9
    Nov → period 8-15 (Sunday) → Monday 16, Tuesday 17, Wednesday 18."""
    assert plan("MA", "SIT", (date(2026, 11, 6), "3500"), (date(2026, 11, 9), "3500")) == [
        (date(2026, 11, 1), date(2026, 11, 7), date(2026, 11, 12), D("3500")),
        (date(2026, 11, 8), date(2026, 11, 15), date(2026, 11, 18), D("3500"))]


def test_monthly_massachusetts_third_month_by_the_end_of_the_next_month():
    """MA monthly filer: October $400 → 15 November 2026, a Sunday → Monday 16; December, the quarter's third month,
    by the last day of January 2027, a Sunday → Monday 1 February."""
    assert plan("MA", "SIT", (date(2026, 10, 16), "400"), (date(2026, 12, 18), "600")) == [
        (date(2026, 10, 1), date(2026, 10, 31), date(2026, 11, 16), D("400")),
        (date(2026, 12, 1), date(2026, 12, 31), date(2027, 2, 1), D("600"))]


def test_kansas_quad_monthly_ends_on_the_21st_and_semimonthly_fixed_days():
    """Kansas quad-monthly periods end the 7th, 15th, 21st and last day: Tuesday 21 April 2026 closes 16-21 April →
    3 banking days: Wednesday 22, Thursday 23, Friday 24. Semi-monthly ($8,000-$100,000 a year): the 1st-15th by
    the 25th (Wednesday 25 March 2026), the 16th-31st by the 10th of April (a Friday)."""
    assert quarter_monthly_period(date(2026, 4, 21), (7, 15, 21)) == (date(2026, 4, 16), date(2026, 4, 21))
    assert quarter_monthly_period(date(2026, 4, 22), (7, 15, 21)) == (date(2026, 4, 22), date(2026, 4, 30))
    assert plan("KS", "SIT", (date(2026, 4, 21), "30000")) == [
        (date(2026, 4, 16), date(2026, 4, 21), date(2026, 4, 24), D("30000"))]
    assert plan("KS", "SIT", (date(2026, 3, 13), "1500"), (date(2026, 3, 27), "1500")) == [
        (date(2026, 3, 1), date(2026, 3, 15), date(2026, 3, 25), D("1500")),
        (date(2026, 3, 16), date(2026, 3, 31), date(2026, 4, 10), D("1500"))]


def test_louisiana_semimonthly_first_half_by_the_end_of_the_same_month():
    """Louisiana $5,000 or more a month (here $16,000 in the quarter): 1st-15th April by the last day of April
    (Thursday 30); 16th-30th by 15 May (Friday)."""
    assert plan("LA", "SIT", (date(2026, 4, 15), "8000"), (date(2026, 4, 30), "8000")) == [
        (date(2026, 4, 1), date(2026, 4, 15), date(2026, 4, 30), D("8000")),
        (date(2026, 4, 16), date(2026, 4, 30), date(2026, 5, 15), D("8000"))]


def test_indiana_twenty_or_thirty_days_after_the_month():
    """IC 6-3-4-8.1: more than $1,000 a month on average → 20 days after the month (31 Jan + 20 = Friday 20
    February 2026); otherwise 30 days (31 Jan + 30 = Monday 2 March: February has 28 days, so not 'the 30th')."""
    assert plan("IN", "SIT", (date(2026, 1, 30), "3500"))[0][2] == date(2026, 2, 20)
    assert plan("IN", "SIT", (date(2026, 1, 30), "900"))[0][2] == date(2026, 3, 2)


def test_annual_and_the_twentieth_in_michigan():
    """Michigan: under $750 a year (here $100 in the quarter) → annual, 28 February 2027, a Sunday → Monday 1 March;
    $750-$3,600 (here $500) → quarterly, Q2 by 20 July 2026 (a Monday)."""
    assert plan("MI", "SIT", (date(2026, 2, 13), "100"))[0][2] == date(2027, 3, 1)
    assert plan("MI", "SIT", (date(2026, 5, 15), "500"))[0][2] == date(2026, 7, 20)


def test_michigan_accelerated_follows_the_federal_schedule():
    """Michigan accelerated filers ($480,000 a year: $120,000 in the quarter) pay when the federal deposit is due:
    semiweekly — Friday 6 March 2026 → Wednesday 11 March; monthly — 15 April 2026."""
    assert plan("MI", "SIT", (date(2026, 3, 6), "130000"), federal=SEMIWEEKLY)[0][2] == date(2026, 3, 11)
    assert plan("MI", "SIT", (date(2026, 3, 6), "130000"), federal=MONTHLY)[0][2] == date(2026, 4, 15)


def test_alabama_months_over_1000_by_the_15th_and_the_rest_with_the_a1():
    """Alabama: January $1,200 (> $1,000) by 15 February 2026 (Sunday; Monday 16 is Presidents Day) → Tuesday 17;
    February $800 and March (the third month) with the quarterly A-1, Thursday 30 April."""
    assert [d for _, _, d, _ in plan("AL", "SIT", (date(2026, 1, 30), "1200"), (date(2026, 2, 27), "800"),
                                     (date(2026, 3, 27), "900"))] == [
        date(2026, 2, 17), date(2026, 4, 30), date(2026, 4, 30)]


def test_new_york_city_and_yonkers_on_the_nys1_dates():
    """NYC/Yonkers withholding goes with the NYS-1: 5 business days after a payroll for a monthly federal depositor
    (Friday 13 Nov 2026 → Mon 16 … Fri 20 November), 3 for a semiweekly one (→ Wednesday 18 November)."""
    assert plan("NY", "LOCAL", (date(2026, 11, 13), "120"))[0][2] == date(2026, 11, 20)
    assert plan("NY", "LOCAL", (date(2026, 11, 13), "120"), federal=SEMIWEEKLY)[0][2] == date(2026, 11, 18)


def test_week_bounds_and_next_named_weekday():
    """A Sunday-Saturday week holding Friday 6 Nov 2026 is 1-7 November; the Wednesday after Saturday 7 is the 11th
    (Veterans Day) → Thursday 12; three banking days after Friday 16 Jan 2026 (MLK Day on the 19th) → 22 January."""
    assert week_bounds(date(2026, 11, 6), "saturday") == (date(2026, 11, 1), date(2026, 11, 7))
    assert week_bounds(date(2026, 11, 7), "saturday") == (date(2026, 11, 1), date(2026, 11, 7))
    assert weekly_due(date(2026, 11, 7), {"due_weekday": "wednesday"}, H2026) == date(2026, 11, 12)
    assert weekly_due(date(2026, 1, 16), {"business_days": 3}, H2026) == date(2026, 1, 22)


# ------------------------------------------------------------------------------------------------ the data itself
def test_every_state_with_data_names_its_source_and_every_tier_is_a_known_shape():
    """Each state names its source and how it was verified; each tax its authority and tiers of a known frequency
    (a `missing` tier says why); every reason in `missing` is said in words."""
    data = schedule_data()
    assert len(data["states"]) >= 30
    for state, block in data["states"].items():
        assert block["source"].strip() and block["verified"].strip(), state
        taxes = {k: v for k, v in block.items() if isinstance(v, dict)}
        assert taxes, state
        for tax, rules in taxes.items():
            assert tax in ("SIT", "SUI", "SPROG", "LOCAL"), (state, tax)
            assert rules["authority"].strip() and rules["tiers"], (state, tax)
            for t in rules["tiers"]:
                assert t["frequency"] in FREQUENCIES, (state, tax, t)
                if t["frequency"] == "missing":
                    assert t["why"].strip(), (state, tax)
    for state, reasons in data["missing"].items():
        for tax, why in reasons.items():
            assert why.strip() and tax not in data["states"].get(state, {}), (state, tax)


def test_connecticut_weekly_remitter_the_wednesday_after_a_saturday_friday_week():
    """CT weekly remitter (more than $10,000 a year: over $2,500 in the quarter): a Tuesday 24 Nov 2026 payday is in
    the week Saturday 21 - Friday 27 November → due Wednesday 2 December ('the second Wednesday following the
    payday', as DRS words it for Saturday-Tuesday paydays)."""
    assert plan("CT", "SIT", (date(2026, 11, 24), "3000")) == [
        (date(2026, 11, 21), date(2026, 11, 27), date(2026, 12, 2), D("3000"))]


def test_vermont_january_by_february_23_and_the_25th_otherwise():
    """32 V.S.A. 5842(a)(3), a federal monthly depositor: January 2026 by 23 February (a Monday), February by 25
    March (a Wednesday)."""
    assert [d for _, _, d, _ in plan("VT", "SIT", (date(2026, 1, 30), "400"), (date(2026, 2, 27), "400"))] == [
        date(2026, 2, 23), date(2026, 3, 25)]


def test_delaware_eighth_monthly_periods():
    """Delaware eighth-monthly (over $25,000 a year: over $5,000 in the quarter): periods end the 3rd, 7th, 11th,
    15th, 19th, 22nd, 25th and last day. Friday 16 Oct 2026 falls in 16-19 October (ends Monday 19) → 3 working
    days: Tuesday 20, Wednesday 21, Thursday 22 October."""
    assert plan("DE", "SIT", (date(2026, 10, 16), "6000")) == [
        (date(2026, 10, 16), date(2026, 10, 19), date(2026, 10, 22), D("6000"))]


def test_maryland_accelerated_and_the_statutes_fifteenth():
    """Maryland accelerated ($15,000 a year: $3,750+ in the quarter): 3 business days after the payroll, Friday 13
    Nov 2026 → Wednesday 18 November. A small quarter ($200, Q3) is due by the 15th of the month after the quarter
    (Tax-General 10-822(a)(1)): Thursday 15 October."""
    assert plan("MD", "SIT", (date(2026, 11, 13), "4000"))[0][2] == date(2026, 11, 18)
    assert plan("MD", "SIT", (date(2026, 8, 14), "200"))[0][2] == date(2026, 10, 15)


def test_dc_paid_family_leave_is_planned_with_the_uc30():
    """DC's Paid Family Leave goes on the UC-30, due the last day of the month after the quarter: a Q4 2026
    contribution is due 31 January 2027 (a Sunday), so Monday 1 February 2027."""
    from payroll.engine.deposits import Liability, state_deposits
    deps = state_deposits("DC", "SPROG", [Liability(date(2026, 11, 13), Decimal("22.50"))],
                          federal_schedule="monthly", holidays=frozenset())
    assert [(d.due, d.amount) for d in deps] == [(date(2027, 2, 1), Decimal("22.50"))]


# ------------------------------------------------------------------------------------------------ dep31: the rest
def test_illinois_semi_weekly_payer_on_the_federal_dates_and_columbus_day():
    """35 ILCS 5/704A(c)(1): more than $12,000 a year (over $3,000 in the quarter) → semi-weekly. Friday 9 Oct 2026
    (Wednesday-Friday period 7-9 October) → due the following Wednesday, but Monday 12 is Columbus Day, so three
    banking days after Friday are Tuesday 13, Wednesday 14, Thursday 15 (86 Ill. Adm. Code 100.7325(c)(3)).
    Tuesday 13 October (Saturday-Tuesday period 10-13) → Wednesday 14, Thursday 15, Friday 16 October."""
    assert plan("IL", "SIT", (date(2026, 10, 9), "2500"), (date(2026, 10, 13), "2500")) == [
        (date(2026, 10, 7), date(2026, 10, 9), date(2026, 10, 15), D("2500")),
        (date(2026, 10, 10), date(2026, 10, 13), date(2026, 10, 16), D("2500"))]


def test_illinois_monthly_payer_the_fifteenth_of_every_next_month():
    """100.7325(b): monthly payments by the 15th of the next month, the quarter's third month included. $2,400 in Q1
    2026: January → Sunday 15 February, Monday 16 Presidents Day → Tuesday 17; February → Sunday 15 March → Monday
    16; March → Wednesday 15 April (not the IL-941's 30 April)."""
    assert [d for _, _, d, _ in plan("IL", "SIT", (date(2026, 1, 30), "800"), (date(2026, 2, 27), "800"),
                                     (date(2026, 3, 27), "800"))] == [
        date(2026, 2, 17), date(2026, 3, 16), date(2026, 4, 15)]


def test_missouri_quarter_monthly_three_banking_days_after_the_7th_and_22nd():
    """MO quarter-monthly ($9,000 a month in two months: $18,000+ in the quarter), RSMo 143.225.5 periods. Friday 6
    Nov 2026 → period 1-7 (Saturday) → Monday 9, Tuesday 10, Thursday 12 (Wednesday 11 is Veterans Day); Friday 20
    Nov → period 16-22 (Sunday) → Monday 23, Tuesday 24, Wednesday 25 November."""
    assert plan("MO", "SIT", (date(2026, 11, 6), "10000"), (date(2026, 11, 20), "10000")) == [
        (date(2026, 11, 1), date(2026, 11, 7), date(2026, 11, 12), D("10000")),
        (date(2026, 11, 16), date(2026, 11, 22), date(2026, 11, 25), D("10000"))]


def test_missouri_monthly_third_month_with_the_quarter_and_small_quarters():
    """MO monthly ($500 a month in two months: $1,000+ in the quarter), RSMo 143.221.2: January → 15 February, a
    Sunday, Monday 16 Presidents Day → Tuesday 17; February → Sunday 15 March → Monday 16; March, the third month,
    by the last day of April (Thursday 30). $60 in Q2 → quarterly, Friday 31 July; $15 in Q2 → annual, Sunday 31
    January 2027 → Monday 1 February."""
    assert [d for _, _, d, _ in plan("MO", "SIT", (date(2026, 1, 30), "500"), (date(2026, 2, 27), "500"),
                                     (date(2026, 3, 27), "500"))] == [
        date(2026, 2, 17), date(2026, 3, 16), date(2026, 4, 30)]
    assert plan("MO", "SIT", (date(2026, 5, 15), "60"))[0][2] == date(2026, 7, 31)
    assert plan("MO", "SIT", (date(2026, 5, 15), "15"))[0][2] == date(2027, 2, 1)


def test_wisconsin_semimonthly_first_half_by_the_end_of_the_month():
    """W-166 semimonthly (above $5,000 in a quarter): paydays 1-15 April 2026 by the last day of April (Thursday
    30), 16-30 April by 15 May (Friday)."""
    assert plan("WI", "SIT", (date(2026, 4, 10), "3000"), (date(2026, 4, 24), "3000")) == [
        (date(2026, 4, 1), date(2026, 4, 15), date(2026, 4, 30), D("3000")),
        (date(2026, 4, 16), date(2026, 4, 30), date(2026, 5, 15), D("3000"))]


def test_wisconsin_monthly_and_quarterly_by_the_last_day_of_the_next_month():
    """$400 in Q4 2026 ($300 or more a quarter) → monthly: October by Monday 30 November. $200 in Q4 (under $300)
    → quarterly: Sunday 31 January 2027 → Monday 1 February."""
    assert plan("WI", "SIT", (date(2026, 10, 16), "400")) == [
        (date(2026, 10, 1), date(2026, 10, 31), date(2026, 11, 30), D("400"))]
    assert plan("WI", "SIT", (date(2026, 11, 13), "200")) == [
        (date(2026, 10, 1), date(2026, 12, 31), date(2027, 2, 1), D("200"))]


def test_new_mexico_special_payment_method_keeps_the_twenty_fifth():
    """NMSA 7-1-13.1: $25,000+ a month pays 'on or before the date due' by a special method: March 2026's $80,000
    is due 25 April, a Saturday → Monday 27 April, like any monthly CRS-1 filer."""
    assert plan("NM", "SIT", (date(2026, 3, 13), "80000")) == [
        (date(2026, 3, 1), date(2026, 3, 31), date(2026, 4, 27), D("80000"))]


def test_rhode_island_weekly_the_next_banking_day_after_saturday():
    """280-RICR-20-55-10.8(B)(1): $600 or more in a month → weekly, Sunday-Saturday, due the next banking day.
    Friday 6 Nov 2026 → week 1-7 November → Monday 9 November. Friday 16 Jan 2026 → week 11-17 January → Monday 19
    is Martin Luther King Jr. Day → Tuesday 20 January, as the rule says."""
    assert plan("RI", "SIT", (date(2026, 11, 6), "700")) == [
        (date(2026, 11, 1), date(2026, 11, 7), date(2026, 11, 9), D("700"))]
    assert plan("RI", "SIT", (date(2026, 1, 16), "700")) == [
        (date(2026, 1, 11), date(2026, 1, 17), date(2026, 1, 20), D("700"))]


def test_rhode_island_monthly_twenty_days_after_every_month():
    """(B)(2): $50-$600 a month → within twenty days after the month: January → Friday 20 February, February → Friday
    20 March, March → Monday 20 April (the old RI-9414's 'last day of April' for quarter-end months is not used).
    $100 in Q2 (under $50 a month) → quarterly, Friday 31 July."""
    assert [d for _, _, d, _ in plan("RI", "SIT", (date(2026, 1, 30), "100"), (date(2026, 2, 27), "100"),
                                     (date(2026, 3, 27), "100"))] == [
        date(2026, 2, 20), date(2026, 3, 20), date(2026, 4, 20)]
    assert plan("RI", "SIT", (date(2026, 5, 15), "100"))[0][2] == date(2026, 7, 31)


def test_vermont_child_care_contribution_follows_the_withholding_schedule():
    """The Department: remitted 'in the same manner and frequency' as Vermont withholding. A federal monthly
    depositor's January 2026 contribution → Monday 23 February (32 V.S.A. 5842(a)(3)'s January date); a semiweekly
    depositor's Friday 6 March payday → Wednesday 11 March."""
    assert plan("VT", "SPROG", (date(2026, 1, 30), "50")) == [
        (date(2026, 1, 1), date(2026, 1, 31), date(2026, 2, 23), D("50"))]
    assert plan("VT", "SPROG", (date(2026, 3, 6), "50"), federal=SEMIWEEKLY) == [
        (date(2026, 3, 4), date(2026, 3, 6), date(2026, 3, 11), D("50"))]


def test_indiana_county_tax_goes_with_the_wh1_twenty_days_after_the_month():
    """County tax is paid on the state WH-1; planned on the earlier, 20-day date at any size: 31 January + 20 =
    Friday 20 February 2026; 28 February + 20 = Friday 20 March."""
    assert plan("IN", "LOCAL", (date(2026, 1, 30), "100"), (date(2026, 2, 27), "100")) == [
        (date(2026, 1, 1), date(2026, 1, 31), date(2026, 2, 20), D("100")),
        (date(2026, 2, 1), date(2026, 2, 28), date(2026, 3, 20), D("100"))]


def test_georgia_semi_weekly_and_kentucky_twice_monthly_still_say_why():
    """Still unread: Georgia's semi-weekly payer dates (over $50,000 a year: over $12,500 in the quarter) and
    Kentucky's twice-monthly schedule ($50,000 a year): one deposit for the quarter, no due date, the reason named."""
    for state, words in (("GA", "Georgia's semi-weekly payer dates"), ("KY", "Kentucky's twice-monthly schedule")):
        (d,) = state_deposits(state, "SIT", [Liability(date(2026, 5, 15), D("13000"))], federal_schedule=MONTHLY,
                              holidays=H2026)
        assert (d.period_start, d.period_end, d.due) == (date(2026, 4, 1), date(2026, 6, 30), None), state
        assert d.rule.startswith(f"no deposit-schedule data for SIT in {state}: {words}"), state
