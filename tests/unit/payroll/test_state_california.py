"""California withholding by Method B (exact calculation) and CA SDI, checked against hand calculations."""
from __future__ import annotations

from decimal import Decimal

import pytest


try:  # the folder may or may not be a package
    from .test_state_helpers import ctx, explanation, income_tax, lines
except ImportError:
    from test_state_helpers import ctx, explanation, income_tax, lines

D = Decimal


def test_single_no_de4_biweekly_3000():
    """EDD 2026 Method B per period, no DE 4 on file -> single, 0 allowances; biweekly 3,000.
    Table 1: 3,000 > 727 (biweekly low-income exemption). Table 3: less 219 -> taxable 2,781.
    Biweekly single rate table, row over 2,214: 84.16 + 8.8% x 567 = 84.16 + 49.896 = 134.056.
    Table 4: 0 allowances -> 0. Withholding 134.06 (annualised it was 134.01: 5 cents off the printed tables).
    SDI 2026: 3,000 x 1.3% = 39.00 (no wage cap)."""
    c = ctx("CA", gross="3000.00")
    assert lines(c) == {("state_income_tax", "CA"): D("134.06"), ("state_disability", "CA"): D("39.00")}
    text = explanation(c)
    assert "No DE 4 on file" in text and "$2,781.00" in text and "Method B" in text


def test_married_three_allowances_one_estimated_monthly_5000():
    """Married, DE 4 line 1 = 3 regular allowances, line 2 = 1 estimated-deduction allowance, monthly 5,000.
    Married with 2+ allowances: monthly low-income exemption 3,149 (exceeded), standard deduction 951.
    Table 2: 1 estimated-deduction allowance, monthly 83. Taxable 5,000 - 83 - 951 = 3,966.
    Monthly married table, row over 1,848: 20.33 + 2.2% x 2,118 = 20.33 + 46.596 = 66.926.
    Table 4: 3 allowances monthly 42.08 -> 24.846 -> 24.85. SDI 5,000 x 1.3% = 65.00."""
    c = ctx("CA", periods=12, gross="5000.00",
            certificate={"CA": {"filing_status": "married", "allowances": 3, "additional_allowances": 1}})
    assert lines(c) == {("state_income_tax", "CA"): D("24.85"), ("state_disability", "CA"): D("65.00")}


def test_low_income_exemption_means_no_tax():
    """Single, 1 allowance, weekly 350: not above the weekly low-income exemption 363 (Table 1) -> 0.
    SDI still applies: 350 x 1.3% = 4.55."""
    c = ctx("CA", periods=52, gross="350.00", certificate={"CA": {"filing_status": "single", "allowances": 1}})
    assert lines(c) == {("state_income_tax", "CA"): D("0.00"), ("state_disability", "CA"): D("4.55")}
    assert "not above it" in explanation(c)


def test_head_of_household_two_allowances_weekly_2000():
    """Head of household, 2 allowances, weekly 2,000: weekly standard deduction 219 -> 1,781.
    Weekly head-of-household table, row over 1,612: 50.85 + 8.8% x 169 = 50.85 + 14.872 = 65.722.
    Table 4: 2 allowances weekly 6.47 -> 59.252 -> 59.25."""
    c = ctx("CA", periods=52, gross="2000.00",
            certificate={"CA": {"filing_status": "head_of_household", "allowances": 2}})
    assert income_tax(c) == D("59.25")


def test_bonus_at_supplemental_rate_and_sdi_on_all_wages():
    """Biweekly 4,000 of which 1,000 bonus; single, 1 allowance.
    Regular 3,000: 134.056 (as above) - 1 allowance biweekly 6.47 = 127.586 -> 127.59.
    Bonus 1,000 x 10.23% (DE 44 bonus rate) = 102.30. Total 229.89. SDI 4,000 x 1.3% = 52.00."""
    c = ctx("CA", gross="4000.00", supplemental="1000.00", certificate={"CA": {"allowances": 1}})
    assert lines(c) == {("state_income_tax", "CA"): D("229.89"), ("state_disability", "CA"): D("52.00")}


def test_pretax_california_taxes_hsa_but_not_401k():
    """Biweekly 3,000 with 401(k) 200 and HSA (cafeteria) 100. California excludes the 401(k) deferral but not
    HSA contributions: CA wages 2,800 - 219 = 2,581.
    Biweekly single row over 2,214: 84.16 + 8.8% x 367 = 84.16 + 32.296 = 116.456 -> 116.46.
    SDI wages exclude cafeteria-plan amounts (HSA) but not 401(k): (3,000 - 100) x 1.3% = 37.70."""
    c = ctx("CA", gross="3000.00", pretax={"401k": "200", "hsa": "100"})
    assert lines(c) == {("state_income_tax", "CA"): D("116.46"), ("state_disability", "CA"): D("37.70")}
    assert "Not excluded for CA income tax: hsa" in explanation(c)


def test_additional_withholding_and_exempt():
    """DE 4 line 3 additional 25.00 on the first case: 134.06 + 25.00 = 159.06. Exempt: 0 income tax, SDI stays."""
    assert income_tax(ctx("CA", certificate={"CA": {"additional": "25.00"}})) == D("159.06")
    exempt = ctx("CA", certificate={"CA": {"exempt": True}})
    assert lines(exempt) == {("state_income_tax", "CA"): D("0.00"), ("state_disability", "CA"): D("39.00")}


def test_2025_tables():
    """2025 schedules: single biweekly 3,000, no DE 4: 78,000 - 5,540 = 72,460.
    Row over 70,606: 3,419.60 + 10.23% x 1,854 = 3,419.60 + 189.6642 = 3,609.2642 / 26 = 138.8179 -> 138.82.
    SDI 2025 1.2%: 36.00."""
    c = ctx("CA", year=2025)
    assert lines(c) == {("state_income_tax", "CA"): D("138.82"), ("state_disability", "CA"): D("36.00")}


def test_2025_head_of_household_biweekly_3000_one_allowance():
    """2025 annual Method B, head of household, 1 regular allowance, biweekly 3,000: 78,000 > 36,736 (the double
    low-income exemption); less the double standard deduction 11,080 -> 66,920; head-of-household row over 65,744
    (FTB 2024 brackets x 1.1): 1,533.95 + 6.6% x 1,176 = 1,533.95 + 77.616 = 1,611.566; less 1 x 163.90 =
    1,447.666 / 26 = 55.679 -> 55.68."""
    c = ctx("CA", year=2025, certificate={"CA": {"filing_status": "head_of_household", "allowances": 1}})
    assert income_tax(c) == D("55.68")


def test_the_2025_head_of_household_table_follows_the_rule_every_annual_table_follows():
    """EDD's annual tables: FTB brackets of the year before, rates x 1.1, +1.1% from $1,000,000, each base the
    previous base plus its band's tax to the cent. The rule rebuilt from the thresholds alone gives every annual
    table in the data (2025 single and married, 2026 single, married and head of household), so the 2025
    head-of-household rows built from the FTB 2024 brackets are the EDD's."""
    import json

    from backoffice.money import round_cents
    from payroll.engine.states.rules import DATA_ROOT

    rates = [D(r) for r in ("0.011", "0.022", "0.044", "0.066", "0.088", "0.1023", "0.1133", "0.1243", "0.1353")]

    def rebuilt(thresholds):
        points = [(D(0), rates[0])] + [(D(t), r) for t, r in zip(thresholds, rates[1:])]

        def rate_at(x):
            return [r for t, r in points if t <= x][-1] + (D("0.011") if x >= 1_000_000 else 0)
        rows, base, prev = [], D(0), None
        for x in sorted({p[0] for p in points} | {D(1_000_000)}):
            if prev is not None:
                base = round_cents(base + (x - prev) * rate_at(prev))
            rows.append([int(x), str(base)])
            prev = x
        return rows

    for year in (2025, 2026):
        tables = json.loads((DATA_ROOT / str(year) / "states" / "CA.json").read_text())["income_tax"]["tables"]
        for status, table in tables.items():
            if "_" in status and status.rsplit("_", 1)[1].isdigit() and status.rsplit("_", 1)[1] not in ("0", "1"):
                continue   # per-period tables (2026): their $1,000,000 row is divided by the periods
            thresholds = [row[0] for row in table if row[0] not in (0, 1_000_000)]
            assert rebuilt(thresholds) == [[int(r[0]), r[1]] for r in table], (year, status)


@pytest.mark.parametrize("annual_wage, allowances, expected_zero", [
    ("18895", 0, True),    # exactly the 2026 single low-income exemption
    ("18921", 0, False),   # just above it
])
def test_low_income_exemption_boundary(annual_wage, allowances, expected_zero):
    """Annual pay period (periods = 1) so the annualised wage is the pay itself.
    At 18,895 (the exemption) nothing is withheld; at 18,921: 18,921 - 5,706 = 13,215;
    tax 121.87 + 2.2% x (13,215 - 11,079 = 2,136) = 121.87 + 46.992 = 168.862 -> 168.86 (no credit at 0 allowances)."""
    amount = income_tax(ctx("CA", periods=1, gross=annual_wage,
                            certificate={"CA": {"allowances": allowances}}))
    assert (amount == 0) is expected_zero
    if not expected_zero:
        assert amount == D("168.86")


# EDD 2026 Method B worked per payroll period (Tables 1-4 and the period's rate table), by hand.
PER_PERIOD = [
    ("weekly-12-allowances", 52, "2000", {"allowances": 12}, "79.12",
     "Table 3 weekly 110 -> 1,890; over 1,399: 67.77 + 10.23% x 491 = 117.9993; Table 4 prints 0-10 allowances, so "
     "12 x the one-allowance 3.24 = 38.88 -> 79.1193 -> 79.12 (annualised: 79.20)"),
    ("weekly-15-estimated", 52, "3000", {"additional_allowances": 15}, "191.14",
     "Table 2 beyond 10: 15 x 19 = 285; less 110 -> 2,605; over 1,399: 67.77 + 10.23% x 1,206 = 191.1438 -> 191.14"),
    ("daily-married-1", 260, "300", {"filing_status": "married", "allowances": 1}, "6.19",
     "daily low-income exemption 73 (married, 0-1 allowances); less 22 -> 278; daily married over 202: "
     "3.50 + 4.4% x 76 = 6.844; less 0.65 -> 6.194 -> 6.19"),
    ("quarterly-single-2", 4, "30000", {"allowances": 2}, "1859.48",
     "less 1,427 -> 28,573; quarterly single over 18,181: 880.53 + 10.23% x 10,392 = 1,943.6316; less 2 allowances "
     "84.15 -> 1,859.4816 -> 1,859.48"),
]


@pytest.mark.parametrize("case_id, periods, gross, certificate, expected, hand", PER_PERIOD,
                         ids=[c[0] for c in PER_PERIOD])
def test_method_b_per_period_tables(case_id, periods, gross, certificate, expected, hand):
    assert income_tax(ctx("CA", periods=periods, gross=gross, certificate={"CA": certificate})) == D(expected), hand


def test_more_than_ten_allowances_is_explained():
    text = explanation(ctx("CA", periods=52, gross="2000", certificate={"CA": {"allowances": 12}}))
    assert "12 x the one-allowance amount $3.24" in text


def test_commission_takes_the_6_6_percent_supplemental_rate():
    """Biweekly 4,000 of which 1,000 commission; single, 1 allowance (R&TC 18663(b): 6.6% on supplemental wages
    other than bonuses and stock options; CA.json supplemental_rate_other).
    Regular 3,000: 127.59 (as the bonus case above). Commission 1,000 x 6.6% = 66.00. Total 193.59."""
    c = ctx("CA", gross="4000.00", supplemental="1000.00", supplemental_other="1000.00",
            certificate={"CA": {"allowances": 1}})
    assert lines(c) == {("state_income_tax", "CA"): D("193.59"), ("state_disability", "CA"): D("52.00")}
    assert "Commission (supplemental wages other than a bonus) $1,000.00 x 6.6" in explanation(c)


def test_bonus_and_commission_in_one_check_each_take_their_rate():
    """Biweekly 4,000: 3,000 regular, 600 bonus, 400 commission; single, 1 allowance.
    Regular 127.59; bonus 600 x 10.23% = 61.38; commission 400 x 6.6% = 26.40; 61.78 supplemental -> total
    127.59 + 87.78 = 215.37."""
    c = ctx("CA", gross="4000.00", supplemental="1000.00", supplemental_other="400.00",
            certificate={"CA": {"allowances": 1}})
    assert income_tax(c) == D("215.37")
    text = explanation(c)
    assert "Bonus $600.00 x 10.23" in text and "$400.00 x 6.6" in text


def test_pretax_deductions_beyond_regular_pay_come_out_of_the_commission_first():
    """Biweekly 1,100: 100 regular, 500 bonus, 500 commission; 401(k) 300 (excluded by California).
    Regular wages 100 - 300 = -200: no regular wages; the 200 comes out of the supplemental pay, from the commission
    first (the bonus keeps the bonus rate on all of it): bonus 500 x 10.23% = 51.15, commission 300 x 6.6% = 19.80,
    total 70.95."""
    c = ctx("CA", gross="1100.00", supplemental="1000.00", supplemental_other="500.00", pretax={"401k": "300"})
    assert income_tax(c) == D("70.95")


def test_a_paycheck_with_a_commission_line_withholds_6_6_percent_and_a_bonus_line_10_23_percent():
    """The whole engine from earnings lines: biweekly salary 3,000 plus a commission of 1,000, California, DE 4
    single with 1 allowance: 127.59 + 1,000 x 6.6% = 193.59; the same pay with a bonus of 1,000 instead:
    127.59 + 102.30 = 229.89 (test_bonus_at_supplemental_rate_and_sdi_on_all_wages)."""
    from datetime import date

    from backoffice.periods import PayFrequency
    from payroll.engine import Earning, PaycheckInput, W4, calculate_paycheck, load_tables

    def state_tax(code):
        inp = PaycheckInput(pay_date=date(2026, 3, 6), pay_frequency=PayFrequency.BIWEEKLY, work_state="CA",
                            residence_state="CA", earnings=(Earning("salary", amount=D("3000")),
                                                            Earning(code, amount=D("1000"))),
                            w4=W4("single"), state_certificates={"CA": {"allowances": 1}})
        result = calculate_paycheck(inp, load_tables(2026))
        return next(x.amount for x in result.employee_taxes if x.code == "state_income_tax")

    assert state_tax("commission") == D("193.59")
    assert state_tax("bonus") == D("229.89")


def test_a_commission_split_between_california_and_nevada_keeps_its_rate():
    """A Nevada resident working half the hours in California, half in Nevada; biweekly salary 3,000 plus commission
    1,000, DE 4 single with 1 allowance. California withholding on the whole pay as if all earned there: 127.59 +
    1,000 x 6.6% = 193.59 (test_commission_takes_the_6_6_percent_supplemental_rate), times California's share 50% =
    96.795 -> 96.80; Nevada has no income tax."""
    from dataclasses import replace

    c = replace(ctx("CA", gross="4000.00", supplemental="1000.00", supplemental_other="1000.00",
                    certificate={"CA": {"allowances": 1}}, residence="NV"),
                work_shares=(("CA", D(40)), ("NV", D(40))))
    assert lines(c)[("state_income_tax", "CA")] == D("96.80")
