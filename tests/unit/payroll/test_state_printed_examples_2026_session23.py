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
    engine works each period on the period's own table, which for the semimonthly payroll gives $4.11.)"""
    assert _ca(1, "57600", "married", 4) == D("99.20")
    assert _ca(24, "2400", "married", 4) == D("4.11")


def test_california_method_b_example_f_annual_57000_married_four_allowances():
    """Example F: $57,000 a year, married, 4 allowances -> $86.00 a year. 57,000 - 11,412 = 45,588; row over
    22,158: 243.74 + 2.2% x 23,430 = 759.20; less 673.20 -> $86.00 (the example's monthly share: $7.17)."""
    assert _ca(1, "57000", "married", 4) == D("86.00")
