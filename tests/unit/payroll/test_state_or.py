"""Oregon (Withholding Tax Formulas 150-206-436): wages less the federal tax withheld (limited) and the standard
deduction, the table for wages under or over $50,000, less $263 per allowance; whole dollars."""
from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from payroll.engine.states import UnsupportedState

try:  # the folder may or may not be a package
    from .test_state_helpers import ctx, explanation, income_tax
except ImportError:
    from test_state_helpers import ctx, explanation, income_tax

D = Decimal


def orw(periods, gross, federal="0", supplemental="0", year=2026, **cert):
    return replace(ctx("OR", year=year, periods=periods, gross=gross, supplemental=supplemental,
                       certificate={"OR": cert} if cert else {}), federal_income_tax=D(federal))


CASES = [
    ("formulas-2026-example-1", orw(1, "25000", federal="1000", filing_status="single", allowances=0), "1789.00",
     "example 1: BASE 25,000 - 1,000 - 2,910 = 21,090; 941 + 8.75% x 9,690 = 1,788.875 -> $1,789"),
    ("formulas-2026-example-2-by-hand", orw(1, "132000", federal="21098", filing_status="single", allowances=1),
     "10517.00", "example 2 (single, $132,000, federal $21,098 limited to $5,250 for 130,000-135,000): BASE "
                 "132,000 - 5,250 - 2,910 = 123,840; 678 + 8.75% x (123,840 - 11,400) = 10,516.50; no credit above "
                 "$100,000 -> $10,517"),
    ("no-or-w4-flat-8-percent", orw(52, "1000", federal="100"), "80.00", "no withholding statement: 8% x 1,000"),
    ("biweekly-married-two-allowances", orw(26, "3000", federal="200", filing_status="married", allowances=2),
     "181.00", "annual 78,000 (50,000 or more): federal 5,200 (cap 8,750); BASE 78,000 - 5,200 - 5,820 = 66,980; "
               "1,357 + 8.75% x 44,180 = 5,222.75 - 2 x 263 = 4,696.75 / 26 = 180.64 -> $181"),
    ("single-with-three-allowances-uses-the-married-figures",
     orw(52, "800", federal="50", filing_status="single", allowances=3), "33.00",
     "annual 41,600: BASE 41,600 - 2,600 - 5,820 = 33,180; married table under 50,000: 1,620 + 8.75% x 10,380 = "
     "2,528.25 - 789 = 1,739.25 / 52 = 33.45 -> $33"),
    ("low-earner-nothing-after-the-credit", orw(52, "50", filing_status="single", allowances=1), "0.00",
     "annual 2,600 < 2,910: BASE 0 -> 263, less one 263 credit = 0"),
    ("weekly-bonus-at-8-percent", orw(52, "1500", federal="100", supplemental="500", filing_status="single",
                                      allowances=1), "103.00",
     "regular: annual 52,000, BASE 52,000 - 5,200 - 2,910 = 43,890; 678 + 8.75% x 32,490 = 3,520.875 - 263 = "
     "3,257.875 / 52 = 62.65 -> $63; bonus 500 x 8% = 40; 103"),
    ("married-high-earner-phase-outs", orw(12, "22000", federal="4000", filing_status="married", allowances=2),
     "1794.00", "annual 264,000: federal cap 5,250 (260,000-270,000); BASE 264,000 - 5,250 - 5,820 = 252,930; "
                "21,237 + 9.9% x 2,930 = 21,527.07; no credit above 200,000; / 12 = 1,793.92 -> $1,794"),
    ("additional-withholding", orw(26, "3000", federal="200", filing_status="married", allowances=2,
                                   additional="20"), "201.00", "181 + 20"),
    ("exempt", orw(26, "3000", exempt=True), "0.00", "exempt on OR-W-4"),
]


@pytest.mark.parametrize("case_id, context, expected, hand", CASES, ids=[c[0] for c in CASES])
def test_oregon_2026(case_id, context, expected, hand):
    assert income_tax(context) == D(expected), hand


def test_more_federal_tax_means_less_oregon_tax_up_to_the_cap():
    """Under 50,000 the subtraction is capped at 8,750: federal 200 a week (10,400 a year) subtracts the same as
    federal 170 a week (8,840), so both withhold alike; 100 a week (5,200) withholds more."""
    a, b, c = (income_tax(orw(52, "900", federal=f, filing_status="single", allowances=1)) for f in ("100", "170", "200"))
    assert a > b == c


CASES_2025 = [
    ("formulas-2025-example-1", orw(1, "25000", federal="1000", year=2025, filing_status="single", allowances=0),
     "1798.00", "150-206-436 (Rev. 12-10-24) example 1 as the transcription quotes it: BASE 25,000 - 1,000 - 2,835 = "
                "21,165; 917 + 8.75% x (21,165 - 11,100) = 1,797.6875 -> $1,798"),
    ("single-second-row", orw(52, "200", year=2025, filing_status="single"), "13.00",
     "annual 10,400, no federal tax: BASE 10,400 - 2,835 = 7,565; 465 + 6.75% x 3,165 = 678.6375; / 52 = 13.05 -> $13"),
    ("single-third-row-one-allowance", orw(52, "500", federal="30", year=2025, filing_status="single", allowances=1),
     "30.00", "annual 26,000: federal 1,560; BASE 26,000 - 1,560 - 2,835 = 21,605; 917 + 8.75% x 10,505 = "
              "1,836.1875 - 256 = 1,580.1875; / 52 = 30.39 -> $30"),
    ("single-with-three-allowances-uses-the-married-figures",
     orw(52, "800", federal="50", year=2025, filing_status="single", allowances=3), "34.00",
     "annual 41,600: BASE 41,600 - 2,600 - 5,670 = 33,330; married table under 50,000: 1,579 + 8.75% x 11,130 = "
     "2,552.875 - 3 x 256 = 1,784.875; / 52 = 34.32 -> $34"),
    ("biweekly-married-two-allowances", orw(26, "3000", federal="200", year=2025, filing_status="married",
                                            allowances=2), "182.00",
     "annual 78,000 (50,000 or more): federal 5,200 (cap 8,500); BASE 78,000 - 5,200 - 5,670 = 67,130; 1,323 + "
     "8.75% x 44,930 = 5,254.375 - 2 x 256 = 4,742.375; / 26 = 182.40 -> $182"),
    ("single-phase-out", orw(1, "132000", federal="21098", year=2025, filing_status="single", allowances=1),
     "10545.00", "single, $132,000, federal $21,098 limited to $5,100 (130,000-135,000): BASE 132,000 - 5,100 - "
                 "2,835 = 124,065; 661 + 8.75% x (124,065 - 11,100) = 10,545.4375; no credit above $100,000 -> $10,545"),
    ("married-high-earner-phase-outs", orw(12, "22000", federal="4000", year=2025, filing_status="married",
                                           allowances=2), "1798.00",
     "annual 264,000: federal cap 5,100 (260,000-270,000); BASE 264,000 - 5,100 - 5,670 = 253,230; 21,256 + 9.9% x "
     "3,230 = 21,575.77; no credit above 200,000; / 12 = 1,797.98 -> $1,798"),
    ("weekly-bonus-at-8-percent", orw(52, "1500", federal="100", supplemental="500", year=2025,
                                      filing_status="single", allowances=1), "103.00",
     "regular 1,000 of the 1,500: annual 52,000, BASE 52,000 - 5,200 - 2,835 = 43,965; 661 + 8.75% x 32,865 = "
     "3,536.6875 - 256 = 3,280.6875 / 52 = 63.09 -> $63; bonus 500 x 8% = 40; 103"),
    ("no-or-w4-flat-8-percent", orw(52, "1000", federal="100", year=2025), "80.00",
     "no withholding statement: 8% x 1,000"),
]


@pytest.mark.parametrize("case_id, context, expected, hand", CASES_2025, ids=[c[0] for c in CASES_2025])
def test_oregon_2025(case_id, context, expected, hand):
    """The 2025 formula (150-206-436, Rev. 12-10-24, as transcribed; data/2025/states/OR.json): example 1 as
    printed, the rest by hand from its rows."""
    assert income_tax(context) == D(expected), hand


def test_a_year_without_oregon_data_is_refused_not_guessed():
    """2024 has no Oregon file (no data folder for the year): refused by name, never a silent zero."""
    with pytest.raises(UnsupportedState, match="OR"):
        income_tax(orw(52, "1000", year=2024))


def test_explanation_shows_the_federal_subtraction():
    text = explanation(orw(1, "25000", federal="1000", filing_status="single"))
    assert "limited to $8,750.00: $1,000.00" in text and "BASE: $25,000.00 - $1,000.00 - $2,910.00" in text


def test_a_paycheck_subtracts_its_own_federal_withholding():
    """Through the whole paycheck: the state line's BASE uses the federal line of the same paycheck."""
    from payroll.engine.model import Earning, PaycheckInput, W4
    from payroll.engine.paycheck import calculate_paycheck
    from payroll.engine.tables import load_tables
    from backoffice.periods import PayFrequency
    inp = PaycheckInput(pay_date=date(2026, 6, 5), pay_frequency=PayFrequency.WEEKLY, work_state="OR",
                        residence_state="OR", earnings=(Earning("salary", amount=D(1000)),), w4=W4("single"),
                        state_certificates={"OR": {"filing_status": "single", "allowances": 1}})
    r = calculate_paycheck(inp, load_tables(2026))
    fit = next(x.amount for x in r.employee_taxes if x.code == "federal_income_tax")
    state = next(x for x in r.employee_taxes if x.code == "state_income_tax")
    assert f"{fit:.2f} x 52" in "\n".join(state.explanation)
    assert state.amount == income_tax(orw(52, "1000", federal=str(fit), filing_status="single", allowances=1))
