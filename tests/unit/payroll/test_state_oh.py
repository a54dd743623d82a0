"""Ohio 2026: per-pay-period percentage-method tables (October 2025 tables to 31 July, August 2026 tables after)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from payroll.engine.states import UnsupportedState, partially_supported_states, supported_states

try:  # the folder may or may not be a package
    from .test_state_helpers import ctx, explanation, income_tax, lines
except ImportError:
    from test_state_helpers import ctx, explanation, income_tax, lines

D = Decimal
MARCH = date(2026, 3, 6)
AUGUST = date(2026, 8, 7)

CASES = [
    ("biweekly-two-exemptions", MARCH, dict(certificate={"OH": {"allowances": 2}}), "76.03",
     "Oct 2025 biweekly table: 3,000 - 2 x 25.00 = 2,950; over 1,001.92: 17.78 + 2.99% x 1,948.08 (58.2476) "
     "= 76.0276 -> 76.03"),
    ("same-pay-in-august", AUGUST, dict(certificate={"OH": {"allowances": 2}}), "74.28",
     "Aug 2026 biweekly table: over 1,001.92: 16.03 + 2.99% x 1,948.08 (58.2476) = 74.2776 -> 74.28"),
    ("weekly-first-bracket", MARCH, dict(periods=52, gross="400"), "7.10",
     "no IT 4: 400 is under 500.96 -> 400 x 1.775% = 7.10"),
    ("monthly-top-bracket", MARCH, dict(periods=12, gross="10000", certificate={"OH": {"allowances": 1}}), "281.49",
     "10,000 - 54.17 = 9,945.83; over 8,333.33: 222.79 + 3.64% x 1,612.50 (58.695) = 281.485 -> 281.49"),
    ("weekly-bonus", MARCH, dict(periods=52, gross="600", supplemental="200"), "12.60",
     "regular 400 -> 7.10 (third case); bonus 200 x 2.75% = 5.50; 7.10 + 5.50 = 12.60"),
    ("daily-august", AUGUST, dict(periods=260, gross="150"), "3.09",
     "Aug 2026 daily table, no exemption: over 100.19: 1.60 + 2.99% x 49.81 (1.4893) = 3.0893 -> 3.09"),
]


@pytest.mark.parametrize("case_id, pay_date, kwargs, expected, hand", CASES, ids=[c[0] for c in CASES])
def test_ohio_2026_by_hand(case_id, pay_date, kwargs, expected, hand):
    assert income_tax(ctx("OH", pay_date=pay_date, **kwargs)) == D(expected), hand


ANNUALISED = [
    ("quarterly-august", AUGUST, dict(periods=4, gross="15000", certificate={"OH": {"allowances": 2}}), "348.26",
     "Optional Computer Formula (Aug 2026): 15,000 x 4 = 60,000 - 2 x 650 = 58,700; over 26,050: 416.80 + 2.99% x "
     "32,650 (976.235) = 1,393.035; / 4 = 348.25875 -> 348.26"),
    ("semiannual-march", MARCH, dict(periods=2, gross="20000"), "439.75",
     "Optional Computer Formula (Oct 2025): 20,000 x 2 = 40,000, no IT 4; over 26,050: 462.39 + 2.99% x 13,950 "
     "(417.105) = 879.495; / 2 = 439.7475 -> 439.75"),
    ("annual-december", date(2026, 12, 15), dict(periods=1, gross="120000", certificate={"OH": {"allowances": 1}}),
     "3285.81", "Annual (Aug 2026): 120,000 - 650 = 119,350; over 100,000: 2,627.91 + 3.4% x 19,350 (657.90) = "
     "3,285.81"),
]


@pytest.mark.parametrize("case_id, pay_date, kwargs, expected, hand", ANNUALISED, ids=[c[0] for c in ANNUALISED])
def test_quarterly_semiannual_and_annual_payrolls_follow_the_optional_computer_formula(case_id, pay_date, kwargs,
                                                                                        expected, hand):
    assert income_tax(ctx("OH", pay_date=pay_date, **kwargs)) == D(expected), hand


def test_the_annualised_formula_agrees_with_the_printed_weekly_table_to_the_cent():
    """The weekly table is the formula divided by 52: weekly $1,000, no IT 4 (Oct 2025 tables): table 8.89 +
    2.99% x 499.04 = 23.81; formula 52,000 -> 462.39 + 2.99% x 25,950 = 1,238.295 / 52 = 23.81."""
    from payroll.engine.states.rules import rules_at
    from payroll.engine.states.inputs import read_certificate
    from payroll.engine.states.period_methods import _period_table_annualised

    weekly = income_tax(ctx("OH", pay_date=MARCH, periods=52, gross="1000"))
    steps: list[str] = []
    annualised = _period_table_annualised(rules_at("OH", 2026, MARCH), read_certificate("OH", {}), D("1000"), 52,
                                          steps)
    assert weekly == D("23.81") and abs(annualised - weekly) < D("0.01")


def test_ohio_is_supported_for_every_pay_date_and_frequency_of_2026():
    """Both 2026 table versions are in the data, and the unprinted frequencies annualise: OH is whole-year."""
    assert "OH" in supported_states(2026)
    assert "OH" not in partially_supported_states(2026)


def test_michigan_resident_working_in_ohio_pays_michigan():
    """Reciprocity (IT 4NR): no OH tax; MI with two exemptions: (78,000 - 11,800) x 4.25% / 26 = 108.21."""
    got = lines(ctx("OH", residence="MI", certificate={"MI": {"allowances": 2}, "OH": {"reciprocity": True}}))
    assert got[("state_income_tax", "OH")] == D("0.00")
    assert got[("state_income_tax", "MI")] == D("108.21")


def test_explanation_names_the_table_row():
    text = explanation(ctx("OH", certificate={"OH": {"allowances": 2}}))
    assert "row over $1,001.92: $17.78 plus 2.99% of $1,948.08 = $76.03" in text


OCTOBER_2025 = date(2025, 10, 17)


def test_october_2025_tables_apply_to_wages_paid_from_1_october_2025():
    """EY Tax Alert 2025-1929 / PayrollOrg: the October 2025 tables apply to wages paid on or after 1 October 2025,
    so the 2026 biweekly case comes to the same 76.03 (3,000 - 2 x 25.00 = 2,950; 17.78 + 2.99% x 1,948.08)."""
    assert income_tax(ctx("OH", year=2025, pay_date=OCTOBER_2025, certificate={"OH": {"allowances": 2}})) == D("76.03")


def test_2025_supplemental_rate_is_the_statutory_3_5_percent():
    """Weekly 600 with a 200 bonus in October 2025: regular 400 -> 7.10; bonus 200 x 3.5% = 7.00; 14.10."""
    c = ctx("OH", year=2025, pay_date=OCTOBER_2025, periods=52, gross="600", supplemental="200")
    assert income_tax(c) == D("14.10")


JULY_2024_TABLES = [
    ("weekly-one-exemption-march", date(2025, 3, 7), dict(periods=52, gross="1000",
                                                          certificate={"OH": {"allowances": 1}}), "23.81",
     "July 2024 weekly table: 1,000 - 12.50 = 987.50; over 384.62: 5.78 + 2.99% x 602.88 (18.026112) = 23.806112 "
     "-> 23.81 (the October 2025 table gives 23.44)"),
    ("biweekly-two-exemptions-last-september-friday", date(2025, 9, 26),
     dict(certificate={"OH": {"allowances": 2}}), "76.78",
     "July 2024 biweekly table: 3,000 - 2 x 25.00 = 2,950; over 769.23: 11.57 + 2.99% x 2,180.77 (65.205023) = "
     "76.775023 -> 76.78 (from 1 October the same pay gives 76.03)"),
    ("monthly-top-row", date(2025, 6, 30), dict(periods=12, gross="10000", certificate={"OH": {"allowances": 1}}),
     "285.66", "July 2024 monthly table: 10,000 - 54.17 = 9,945.83; over 8,333.33: 224.38 + 3.8% x 1,612.50 "
     "(61.275) = 285.655 -> 285.66"),
    ("semimonthly-third-row", date(2025, 1, 15), dict(periods=24, gross="500"), "4.80",
     "July 2024 semimonthly table, no IT 4: over 416.67: 3.13 + 2.005% x 83.33 (1.6707665) = 4.8007665 -> 4.80"),
    ("daily-fifth-row", date(2025, 4, 4), dict(periods=260, gross="150"), "3.35",
     "July 2024 daily table, no IT 4: over 76.92: 1.16 + 2.99% x 73.08 (2.185092) = 3.345092 -> 3.35"),
    ("weekly-first-row", date(2025, 2, 7), dict(periods=52, gross="90"), "0.45",
     "July 2024 weekly table, no IT 4: 90 is under 96.15 -> 90 x 0.501% = 0.4509 -> 0.45"),
    ("weekly-bonus", date(2025, 5, 2), dict(periods=52, gross="600", supplemental="200"), "13.24",
     "regular 400, no IT 4: over 384.62: 5.78 + 2.99% x 15.38 (0.459862) = 6.239862 -> 6.24; bonus 200 x 3.5% = "
     "7.00; 6.24 + 7.00 = 13.24"),
]


@pytest.mark.parametrize("case_id, pay_date, kwargs, expected, hand", JULY_2024_TABLES,
                         ids=[c[0] for c in JULY_2024_TABLES])
def test_pay_dates_before_october_2025_use_the_july_2024_tables(case_id, pay_date, kwargs, expected, hand):
    """The Department's Percentage Method tables effective July 1, 2024 (six rows: 0.501% to 3.800%) govern wages
    paid to 30 September 2025; the hand figures are the printed rows (data/2025/states/OH.json)."""
    assert income_tax(ctx("OH", year=2025, pay_date=pay_date, **kwargs)) == D(expected), hand


def test_quarterly_payrolls_before_october_2025_are_refused():
    """The July 2024 Optional Computer Formula (the annual brackets a quarterly payroll needs) was not read: a
    quarterly payroll paid before 1 October 2025 is refused by name, never a silent zero; from 1 October the October
    2025 formula computes it (20,000 x 4 = 80,000, no IT 4: 462.39 + 2.99% x 53,950 (1,613.105) = 2,075.495;
    / 4 = 518.87375 -> 518.87)."""
    with pytest.raises(UnsupportedState, match="OH"):
        income_tax(ctx("OH", year=2025, pay_date=date(2025, 9, 26), periods=4, gross="20000"))
    assert income_tax(ctx("OH", year=2025, pay_date=OCTOBER_2025, periods=4, gross="20000")) == D("518.87")


def test_explanation_of_a_july_2024_table_names_its_row():
    text = explanation(ctx("OH", year=2025, pay_date=date(2025, 9, 26), certificate={"OH": {"allowances": 2}}))
    assert "row over $769.23: $11.57 plus 2.99% of $2,180.77 = $76.78" in text
