"""Alabama (Withholding Tax Tables and Instructions, formula method): standard deduction phased out by income,
annualised federal income tax, personal and dependent exemptions, 2% / 4% / 5%."""
from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from backoffice.errors import ValidationFailed

try:  # the folder may or may not be a package
    from .test_state_helpers import ctx, explanation, income_tax
except ImportError:
    from test_state_helpers import ctx, explanation, income_tax

D = Decimal


def al(*, federal_tax: str = "0", **kwargs):
    return replace(ctx("AL", **kwargs), federal_income_tax=D(federal_tax))


CASES = [
    ("booklet-2026-formula-example", dict(periods=52, gross="850", federal_tax="35.19",
                                          certificate={"AL": {"filing_status": "married", "dependents": 2}}), "29.59",
     "Booklet (January 2026) example: 44,200 - 5,000 standard - 1,829.88 federal (35.19 x 52) - 3,000 personal - "
     "2 x 1,000 dependents = 32,370.12; 20 + 200 + 5% x 26,370.12 = 1,538.51 / 52 = 29.587 -> 29.59"),
    ("no-a4-class-zero", dict(periods=26, gross="1000"), "42.74",
     "class 0: 26,000 is at the phase-out start, one step: 3,000 - 25 = 2,975; no personal exemption; 23,025 -> "
     "110 + 5% x 20,025 = 1,111.25 / 26 = 42.740 -> 42.74"),
    ("single-weekly-one-dependent", dict(periods=52, gross="400", federal_tax="20",
                                         certificate={"AL": {"filing_status": "single", "dependents": 1}}), "12.94",
     "20,800 - 3,000 - 1,040 federal - 1,500 - 1,000 = 14,260 -> 110 + 5% x 11,260 = 673 / 52 = 12.942 -> 12.94"),
    ("married-filing-separately-by-code", dict(periods=12, gross="1500", federal_tax="50",
                                               certificate={"AL": {"withholding_code": "MS"}}), "52.50",
     "MS: 18,000 is 21 steps of 250 past 13,000: 4,250 - 21 x 88 = 2,402, not below 2,500; 18,000 - 2,500 - 600 - "
     "1,500 = 13,400 -> 110 + 5% x 10,400 = 630 / 12 = 52.50"),
    ("head-of-family-monthly-three-dependents", dict(periods=12, gross="2500", federal_tax="100",
                                                     certificate={"AL": {"filing_status": "head_of_household",
                                                                         "dependents": 3}}), "75.06",
     "30,000: 9 steps: 5,200 - 9 x 135 = 3,985 (the booklet's $30,000 row); 30,000 - 3,985 - 1,200 - 3,000 - 3,000 "
     "= 18,815 -> 110 + 5% x 15,815 = 900.75 / 12 = 75.0625 -> 75.06"),
    ("dependents-above-50000-count-500", dict(periods=12, gross="4250", federal_tax="200",
                                              certificate={"AL": {"filing_status": "married", "dependents": 1}}),
     "160.42", "51,000 - 5,000 - 2,400 - 3,000 - 500 = 40,100 -> 220 + 5% x 34,100 = 1,925 / 12 = 160.4167 -> 160.42"),
    ("high-earner", dict(periods=24, gross="10000", federal_tax="2000",
                         certificate={"AL": {"filing_status": "single", "dependents": 2}}), "388.75",
     "240,000 - 2,500 - 48,000 - 1,500 - 2 x 300 = 187,400 -> 110 + 5% x 184,400 = 9,330 / 24 = 388.75"),
    ("low-earner", dict(periods=52, gross="100", certificate={"AL": {"filing_status": "single"}}), "0.35",
     "5,200 - 3,000 - 1,500 = 700 -> 10 + 4% x 200 = 18 / 52 = 0.346 -> 0.35"),
    ("below-the-threshold", dict(periods=52, gross="80", certificate={"AL": {"filing_status": "single"}}), "0.00",
     "4,160 - 3,000 - 1,500 < 0 -> nothing"),
    ("supplemental-at-5-percent", dict(periods=26, gross="1500", supplemental="500",
                                       certificate={"AL": {"filing_status": "single"}}), "64.86",
     "regular 26,000 - 2,975 - 1,500 = 21,525 -> 110 + 5% x 18,525 = 1,036.25 / 26 = 39.86; bonus 500 x 5% = 25"),
    ("additional-withholding", dict(periods=52, gross="400", federal_tax="20",
                                    certificate={"AL": {"filing_status": "single", "dependents": 1,
                                                        "additional": "10"}}), "22.94", "12.94 + 10.00"),
    ("exempt", dict(periods=52, gross="400", certificate={"AL": {"exempt": True}}), "0.00", "A-4 exempt"),
    ("2025-same-figures", dict(year=2025, periods=52, gross="850", federal_tax="35.19",
                               certificate={"AL": {"filing_status": "married", "dependents": 2}}), "29.59",
     "2025: the same figures as 2026 (unchanged since 2023): 29.59"),
]


@pytest.mark.parametrize("case_id, kwargs, expected, hand", CASES, ids=[c[0] for c in CASES])
def test_alabama_by_hand_and_by_the_booklet(case_id, kwargs, expected, hand):
    assert income_tax(al(**kwargs)) == D(expected), hand


def test_an_unknown_a4_class_is_refused_field_by_field():
    with pytest.raises(ValidationFailed) as err:
        income_tax(al(certificate={"AL": {"withholding_code": "X"}}))
    assert err.value.issues[0].field == "certificate.AL.withholding_code"


def test_explanation_shows_the_federal_subtraction_and_the_booklet():
    text = explanation(al(periods=52, gross="850", federal_tax="35.19",
                          certificate={"AL": {"filing_status": "married", "dependents": 2}}))
    assert "$35.19 x 52 = $1,829.88" in text and "Alabama Department of Revenue" in text


def test_the_paycheck_engine_hands_its_federal_withholding_to_alabama():
    """The state line is computed after federal withholding: with a W-4 giving federal tax, AL is lower than
    it would be with none (the federal amount is subtracted)."""
    assert income_tax(al(periods=26, gross="1000", federal_tax="50")) < income_tax(al(periods=26, gross="1000"))


def test_a_whole_alabama_paycheck_subtracts_the_federal_withholding_it_computed():
    """Weekly $850 salary, federal W-4 (2020+) married filing jointly, A-4 married with 2 dependents, June 2026.
    Federal (Pub 15-T 2026, Worksheet 1A): 44,200 - 12,900 = 31,300 -> 10% x (31,300 - 19,300) = 1,200 / 52
    = 23.0769 -> 23.08.
    Alabama: 44,200 - 5,000 - 23.08 x 52 (1,200.16) - 3,000 - 2,000 = 32,999.84 -> 220 + 5% x 26,999.84
    = 1,569.992 / 52 = 30.1921 -> 30.19."""
    from backoffice.periods import PayFrequency
    from payroll.engine import Earning, PaycheckInput, W4, calculate_paycheck, tables_for

    pay_date = date(2026, 6, 5)
    inp = PaycheckInput(pay_date=pay_date, pay_frequency=PayFrequency.WEEKLY, worker_type="employee",
                        work_state="AL", residence_state="AL", earnings=(Earning("salary", amount=D("850")),),
                        w4=W4("married_jointly"),
                        state_certificates={"AL": {"filing_status": "married", "dependents": 2}})
    result = calculate_paycheck(inp, tables_for(pay_date))
    taxes = {line.code: line.amount for line in result.employee_taxes}
    assert taxes["federal_income_tax"] == D("23.08")
    assert taxes["state_income_tax"] == D("30.19")
