"""Utah chooses its withholding tables by the pay period's START date, not the pay date (Pub 14 Rev. 4/24, cover: "The
income tax withholding tables in this revision are effective for pay periods beginning on or after June 1, 2024";
each revision since changes on 1 June). A June 2026 paycheck uses the June 2025 tables (4.5%) when its period began
in May, and Rev. 4/26 (4.45%, per period in whole dollars) when it began on or after 1 June."""
from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from payroll.engine.states import UnsupportedState, states_computed_on
from payroll.engine.states.coverage import coverage

try:  # the folder may or may not be a package
    from .test_state_helpers import ctx, explanation, income_tax
except ImportError:
    from test_state_helpers import ctx, explanation, income_tax

D = Decimal
JUNE_5 = date(2026, 6, 5)


def weekly_500(pay_date: date, period_start: date | None):
    return replace(ctx("UT", pay_date=pay_date, periods=52, gross="500"), period_start=period_start)


def test_a_june_paycheck_for_a_period_begun_in_may_keeps_the_june_2025_tables():
    """Period 25-31 May 2026, paid 5 June, $500 weekly, single. June 2025 tables (annualised, 4.5%):
    500 x 52 = 26,000 x 4.5% = 1,170.00; credit 450 - 1.3% x (26,000 - 9,107 = 16,893 -> 219.61) = 230.39;
    (1,170.00 - 230.39) / 52 = 939.61 / 52 = 18.07 -> $18 (whole dollars)."""
    assert income_tax(weekly_500(JUNE_5, date(2026, 5, 25))) == D("18.00")


def test_a_june_paycheck_for_a_period_begun_on_1_june_uses_rev_4_26():
    """Period 1-7 June 2026, paid 5 June (in advance of its end), $500 weekly, single. Rev. 4/26, per period:
    500 x 4.45% = 22.25 -> 22; allowance 9 - 1.3% x (500 - 180 = 320 -> 4.16 -> 4) = 5; 22 - 5 = $17."""
    c = weekly_500(JUNE_5, date(2026, 6, 1))
    assert income_tax(c) == D("17.00")
    assert "Rev. 4/26" in explanation(c)


def test_a_quarterly_period_begun_in_april_and_paid_in_july_keeps_the_earlier_tables():
    """Quarterly, 1 April - 30 June 2026, paid 10 July, $6,500, single: the period began before 1 June, so the June
    2025 tables apply although the pay date is in July. 6,500 x 4 = 26,000: as the weekly case, 939.61 a year;
    939.61 / 4 = 234.90 -> $235. Without the period start the pay date chooses Rev. 4/26: 6,500 x 4.45% = 289.25 ->
    289; allowance 121 - 1.3% x (6,500 - 2,337 = 4,163 -> 54.12 -> 54) = 67; 289 - 67 = $222."""
    c = replace(ctx("UT", pay_date=date(2026, 7, 10), periods=4, gross="6500"), period_start=date(2026, 4, 1))
    assert income_tax(c) == D("235.00")
    assert income_tax(replace(c, period_start=None)) == D("222.00")


def test_without_a_period_start_a_june_pay_date_is_refused_naming_the_field():
    with pytest.raises(UnsupportedState) as err:
        income_tax(weekly_500(JUNE_5, None))
    assert "period_start" in err.value.message and "pay period's start" in err.value.message


def test_without_a_period_start_may_and_july_pay_dates_still_compute():
    """A pay date up to 31 May belongs to a period begun before June ($18 as above); a July pay date of a weekly
    period uses Rev. 4/26 ($17 as above)."""
    assert income_tax(weekly_500(date(2026, 5, 29), None)) == D("18.00")
    assert income_tax(weekly_500(date(2026, 7, 10), None)) == D("17.00")


def test_a_2026_paycheck_for_a_period_begun_in_december_2025_uses_the_june_2025_tables():
    """Period 29 Dec 2025 - 4 Jan 2026, paid 9 January 2026: the 2026 data's first version (June 2025 tables): $18."""
    assert income_tax(weekly_500(date(2026, 1, 9), date(2025, 12, 29))) == D("18.00")


def test_the_2025_change_follows_the_period_start_too():
    """June 2025: Rev. 4/24 (4.55%, $440 credit, threshold $8,826) for a period begun in May; the June 2025 tables
    for one begun in June. $500 weekly single. Rev. 4/24: 26,000 x 4.55% = 1,183.00; credit 440 - 1.3% x (26,000 -
    8,826 = 17,174 -> 223.262) = 216.738; 966.262 / 52 = 18.58 -> $19. June 2025 tables: $18 (as above)."""
    assert income_tax(weekly_500(date(2025, 6, 6), date(2025, 5, 26))) == D("19.00")
    assert income_tax(weekly_500(date(2025, 6, 6), date(2025, 6, 2))) == D("18.00")


def test_a_run_with_a_period_start_computes_utah_on_june_pay_dates():
    assert "UT" in states_computed_on(date(2026, 6, 12), 26, date(2026, 5, 25))
    assert "UT" in states_computed_on(date(2026, 6, 12), 26, date(2026, 6, 1))
    assert "UT" not in states_computed_on(date(2026, 6, 12), 26)


def test_the_coverage_listing_says_utah_dates_by_the_period_start():
    ut = next(j for j in coverage(2026) if j.state == "UT")
    assert ut.status == "partial"
    assert "pay period's start" in ut.reason and "a run gives it" in ut.reason


def ohio_weekly_1000(period_end: date | None):
    return replace(ctx("OH", pay_date=date(2026, 8, 5), periods=52, gross="1000", certificate={"allowances": 1}),
                   period_end=period_end)


def test_ohio_chooses_its_august_2026_tables_by_the_period_end():
    """Ohio's August 2026 tables apply to payroll periods ENDING on or after 1 August 2026. $1,000 weekly, IT 4 with
    1 exemption ($12.50 a week): 987.50, row over $500.96, excess 486.54 x 2.99% = 14.55.
    Period ending 31 July, paid 5 August: October 2025 table, $8.89 + 14.55 = $23.44.
    Period ending 2 August: August 2026 table, $8.02 + 14.55 = $22.57.
    Without the period end, the pay date (5 August) chooses the August tables: $22.57."""
    assert income_tax(ohio_weekly_1000(date(2026, 7, 31))) == D("23.44")
    assert income_tax(ohio_weekly_1000(date(2026, 8, 2))) == D("22.57")
    assert income_tax(ohio_weekly_1000(None)) == D("22.57")
