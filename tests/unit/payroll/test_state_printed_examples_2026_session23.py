"""2026 worked examples printed by the states' own withholding publications (session 23), reproduced to the cent.
Each example was read from a transcription that names the publication, the example and its page (the state's PDF
itself is not reachable from here; each data file's `unconfirmed` names the transcription). The figures in each
docstring are the publication's steps, checked by hand against the tables in the data."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

try:  # the folder may or may not be a package
    from .test_state_helpers import ctx, income_tax
except ImportError:
    from test_state_helpers import ctx, income_tax

D = Decimal
PAY = date(2026, 1, 9)


def _ca(periods: int, gross: str, status: str, allowances: int, estimated: int = 0) -> Decimal:
    cert = {"filing_status": status, "allowances": allowances}
    if estimated:
        cert["additional_allowances"] = estimated
    return income_tax(ctx("CA", periods=periods, gross=gross, pay_date=PAY, certificate={"CA": cert}))


def test_california_method_b_example_a_weekly_210_single_is_under_the_low_income_exemption():
    """California Withholding Schedules for 2026, Method B, Example A (pp. 2-4): weekly $210, single, 1 allowance.
    Table 1, weekly, single: $363; 210 is not above it -> $0.00."""
    assert _ca(52, "210", "single", 1) == D("0.00")


def test_california_method_b_example_b_biweekly_1600_married_two_regular_one_estimated():
    """Example B: biweekly $1,600, married, 3 allowances of which 1 for estimated deductions -> $2.38.
    Married with 2 or more allowances: Table 1 biweekly $1,454 (exceeded). Table 2, 1 estimated allowance: $38 ->
    1,562. Table 3: $439 -> taxable 1,123. Biweekly married table, row over 852: 9.37 + 2.2% x 271 = 15.332.
    Table 4, 2 regular allowances: 12.95 -> 2.382 -> $2.38."""
    assert _ca(26, "1600", "married", 2, estimated=1) == D("2.38")


def test_california_method_b_example_c_monthly_5100_married_five_allowances():
    """Example C: monthly $5,100, married, 5 allowances -> $0.82. Table 1 monthly $3,149 (exceeded); Table 3
    $951 -> 4,149. Monthly married, row over 1,848: 20.33 + 2.2% x 2,301 = 70.952. Table 4, 5 allowances:
    70.13 -> 0.822 -> $0.82."""
    assert _ca(12, "5100", "married", 5) == D("0.82")


def test_california_method_b_example_d_weekly_950_head_of_household_three_allowances():
    """Example D: weekly $950, unmarried head of household, 3 allowances -> $1.69. Table 1 weekly $727
    (exceeded); Table 3 $219 -> taxable $731. Weekly head-of-household table, row over 426: 4.69 + 2.2% x 305 =
    $11.40. Table 4, 3 allowances: 9.71 -> $1.69."""
    assert _ca(52, "950", "head_of_household", 3) == D("1.69")


def test_california_method_b_example_e_annualized_57600_married_four_allowances():
    """Example E (annualized): semimonthly $2,400 x 24 = $57,600, married, 4 allowances -> $99.20 a year.
    Table 1 annual $37,791 (exceeded); Table 3 $11,412 -> 46,188. Annual married, row over 22,158: 243.74 +
    2.2% x 24,030 = 772.40. Table 4, 4 allowances: 673.20 -> $99.20. (The example divides it by 24, $4.13; the
    engine works each period on the period's own table, as Examples A-D do: semimonthly $2,400 - $476 = 1,924;
    semimonthly married row over 924: 10.16 + 2.2% x 1,000 = 32.16; less 4 allowances 28.05 = $4.11.)"""
    assert _ca(1, "57600", "married", 4) == D("99.20")
    assert _ca(24, "2400", "married", 4) == D("4.11")


def test_california_method_b_example_f_annual_57000_married_four_allowances():
    """Example F: $57,000 a year, married, 4 allowances -> $86.00 a year. 57,000 - 11,412 = 45,588; row over
    22,158: 243.74 + 2.2% x 23,430 = 759.20; less 673.20 -> $86.00 (the example's monthly share: $7.17)."""
    assert _ca(1, "57000", "married", 4) == D("86.00")


def test_illinois_il_700_t_automated_payroll_example_b_weekly_800():
    """IL-700-T (R-12/25) p. 4, automated payroll method, Example B: weekly $800, IL-W-4 line 1 = 2, line 2 = 2
    -> $32.13. Allowances 2 x $2,925 + 2 x $1,000 = $7,850 a year / 52 = $150.96 (to the cent, as the booklet
    prints it); $800.00 - $150.96 = $649.04 x 4.95% = 32.1275 -> $32.13."""
    c = ctx("IL", periods=52, gross="800", pay_date=PAY,
            certificate={"IL": {"allowances": 2, "additional_allowances": 2}})
    assert income_tax(c) == D("32.13")


def _mt(periods: int, gross: str, status: str) -> Decimal:
    return income_tax(ctx("MT", periods=periods, gross=gross, pay_date=PAY,
                          certificate={"MT": {"filing_status": status}}))


def test_montana_employer_guide_2026_example_1a_weekly_475_single():
    """Montana Employer and Information Agent Guide 2026, Example 1a: weekly $475, single -> $8. Weekly single
    row: 4.7% of the excess over $310: 4.7% x 165 = 7.755 -> $8 (nearest dollar)."""
    assert _mt(52, "475", "single") == D("8.00")


def test_montana_employer_guide_2026_example_1b_semimonthly_1375_married_jointly():
    """Example 1b: semimonthly $1,375, married filing jointly -> $2. 4.7% x (1,375 - 1,342) = 1.551 -> $2."""
    assert _mt(24, "1375", "married") == D("2.00")


def test_montana_employer_guide_2026_example_1c_semimonthly_1375_head_of_household():
    """Example 1c: semimonthly $1,375, head of household -> $17. 4.7% x (1,375 - 1,006) = 17.343 -> $17."""
    assert _mt(24, "1375", "head_of_household") == D("17.00")


def test_montana_employer_guide_2026_example_line_2_biweekly_2950_single():
    """Example 'line 2': biweekly $2,950, single -> $114. Biweekly single top row: $86 + 5.65% x (2,950 - 2,446)
    = 86 + 28.476 = 114.476 -> $114."""
    assert _mt(26, "2950", "single") == D("114.00")


JUNE_TABLES = date(2026, 7, 10)  # a July pay date: Rev. 4/26 (periods beginning on or after 1 June)


def _ut(periods: int, gross: str, federal: str, pay_date: date = JUNE_TABLES) -> Decimal:
    return income_tax(ctx("UT", periods=periods, gross=gross, federal=federal, pay_date=pay_date))


def test_utah_pub_14_rev_4_26_example_1_weekly_400_single():
    """Publication 14 (Rev. 4/26) p. 11, Example 1, as printed line by line: 1. $400; 2. 400 x 4.45% = 17.80 ->
    18; 3. weekly single base allowance 9; 4. 400 - 180 = 220; 5. 220 x 1.3% = 2.86 -> 3; 6. 9 - 3 = 6;
    7. 18 - 6 = $12."""
    assert _ut(52, "400", "single") == D("12.00")


def test_utah_pub_14_rev_4_26_example_2_biweekly_2600_single():
    """Example 2: 2,600 x 4.45% = 115.70 -> 116; base 19; 2,600 - 360 = 2,240 x 1.3% = 29.12 -> 29;
    19 - 29 < 0 -> 0; $116."""
    assert _ut(26, "2600", "single") == D("116.00")


def test_utah_pub_14_rev_4_26_example_3_semimonthly_1200_married():
    """Example 3: 1,200 x 4.45% = 53.40 -> 53; base 40; 1,200 - 779 = 421 x 1.3% = 5.473 -> 5; 40 - 5 = 35;
    53 - 35 = $18."""
    assert _ut(24, "1200", "married_jointly") == D("18.00")


def test_utah_pub_14_rev_4_26_example_4_monthly_7800_married():
    """Example 4: 7,800 x 4.45% = 347.10 -> 347; base 81; 7,800 - 1,558 = 6,242 x 1.3% = 81.146 -> 81;
    81 - 81 = 0; $347."""
    assert _ut(12, "7800", "married_jointly") == D("347.00")


def test_utah_pub_14_rev_4_26_example_5_quarterly_9000_single():
    """Example 5: 9,000 x 4.45% = 400.50, printed 401 (half up); base 121; 9,000 - 2,337 = 6,663 x 1.3% =
    86.619 -> 87; 121 - 87 = 34; 401 - 34 = $367."""
    assert _ut(4, "9000", "single") == D("367.00")


def test_utah_pub_14_rev_4_26_example_6_daily_175_married():
    """Example 6: 175 x 4.45% = 7.7875 -> 8; base 4; 175 - 72 = 103 x 1.3% = 1.339 -> 1; 4 - 1 = 3;
    8 - 3 = $5."""
    assert _ut(260, "175", "married_jointly") == D("5.00")


def test_utah_pub_14_rev_4_25_example_2_biweekly_2600_single():
    """Publication 14 (Rev. 4/25) p. 11, Example 2 (the tables for periods beginning before 1 June 2026),
    printed lines 1. 2,600; 2. 117; 3. 17; 4. 2,250; 5. 29; 6. 0; 7. $117. The engine works Rev. 4/25 on the
    annual figures: 2,600 x 26 = 67,600 x 4.5% = 3,042; credit 450 - 1.3% x (67,600 - 9,107) = 450 - 760.41
    < 0 -> 0; 3,042 / 26 = $117, the printed result."""
    assert _ut(26, "2600", "single", pay_date=date(2026, 3, 13)) == D("117.00")


def _me(gross: str, status: str, allowances: int) -> Decimal:
    return income_tax(ctx("ME", periods=52, gross=gross, pay_date=PAY,
                          certificate={"ME": {"filing_status": status, "allowances": allowances}}))


def test_maine_2026_booklet_example_1_weekly_300_single_two_allowances():
    """Maine Withholding Tables for Individual Income Tax (2026, revised December 2025), Example 1: weekly $300,
    single, 2 allowances -> $0. 300 x 52 = 15,600 - 2 x 5,300 = 5,000 - 12,450 standard deduction < 0."""
    assert _me("300", "single", 2) == D("0.00")


def test_maine_2026_booklet_example_2_weekly_1000_single_two_allowances():
    """Example 2: weekly $1,000, single, 2 allowances -> $33. 52,000 - 10,600 - 12,450 = 28,950; single schedule
    over 27,400: 1,589 + 6.75% x 1,550 = 1,693.625 -> 1,694 (whole dollars); 1,694 / 52 = 32.58 -> $33."""
    assert _me("1000", "single", 2) == D("33.00")


def test_maine_2026_booklet_example_3_weekly_4500_married_two_allowances():
    """Example 3: weekly $4,500, married, 2 allowances -> $257. 234,000; the married deduction phases out:
    27,750 x (354,550 - 234,000) / 150,000 = 22,302.45 -> 22,302; 234,000 - 10,600 - 22,302 = 201,098; married
    schedule over 129,750: 8,237 + 7.15% x 71,348 = 13,338.38 -> 13,338; / 52 = 256.50 -> $257."""
    assert _me("4500", "married", 2) == D("257.00")


def test_kansas_kw_100_esmeralda_espinoza_example():
    """KW-100, Esmeralda Espinoza: semimonthly $2,000, married (joint rate), 3 allowances -> $41.44. Allowances:
    joint column $763.33 (the first two) + one dependent $96.67 = $860; 2,000 - 860 = 1,140; semimonthly joint
    table: 5.2% of the excess over $343: 5.2% x 797 = 41.444 -> $41.44."""
    c = ctx("KS", periods=24, gross="2000", pay_date=PAY,
            certificate={"KS": {"filing_status": "married", "allowances": 3}})
    assert income_tax(c) == D("41.44")
