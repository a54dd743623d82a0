"""Missouri 2025 (Form 4282) and 2026 (2026 Withholding Tax Formula): annual wages less the MO W-4 standard
deduction, the rate chart to 4.7%, whole dollars; 4.7% supplemental. 2026 reproduces the formula's own worked
example ($35,000, married spouse working: $707.81 a year, $59 a month, as transcribed); the rest are hand
calculations."""
from __future__ import annotations

from decimal import Decimal

import pytest

try:  # the folder may or may not be a package
    from .test_state_helpers import ctx, explanation, income_tax
except ImportError:
    from test_state_helpers import ctx, explanation, income_tax

D = Decimal

CASES_2025 = [
    ("no-mo-w4-biweekly", dict(), "107.00",
     "single: 78,000 - 15,000 = 63,000; over 9,191: 256.035 + 4.7% x 53,809 (2,529.023) = 2,785.058 / 26 = 107.12 "
     "-> 107 (chart bases: 1,313 x 2% = 26.26, + 1,313 x 2.5% = 59.085, ... + 1,313 x 4.5% = 256.035)"),
    ("married-spouse-not-working-monthly", dict(periods=12, gross="5000",
                                                certificate={"MO": {"filing_status": "married"}}), "103.00",
     "60,000 - 30,000 = 30,000: 256.035 + 4.7% x 20,809 (978.023) = 1,234.058 / 12 = 102.84 -> 103"),
    ("head-of-household-weekly", dict(periods=52, gross="1000",
                                      certificate={"MO": {"filing_status": "head_of_household"}}), "23.00",
     "52,000 - 22,500 = 29,500: 256.035 + 4.7% x 20,309 (954.523) = 1,210.558 / 52 = 23.28 -> 23"),
    ("spouse-works-uses-the-single-deduction", dict(periods=12, gross="5000",
                                                    certificate={"MO": {"filing_status": "married_filing_separately"}}),
     "162.00", "60,000 - 15,000 = 45,000: 256.035 + 4.7% x 35,809 (1,683.023) = 1,939.058 / 12 = 161.59 -> 162"),
    ("low-bracket-monthly", dict(periods=12, gross="1500"), "3.00",
     "18,000 - 15,000 = 3,000; over 2,626: 26.26 + 2.5% x 374 (9.35) = 35.61 / 12 = 2.97 -> 3"),
    ("low-earner-under-the-deduction", dict(periods=52, gross="280"), "0.00", "14,560 a year is under 15,000"),
    ("bonus-at-4.7", dict(gross="3000", supplemental="1000"), "107.00",
     "regular 2,000: 52,000 - 15,000 = 37,000: 256.035 + 4.7% x 27,809 (1,307.023) = 1,563.058 / 26 = 60.12 -> 60; "
     "bonus 4.7% x 1,000 = 47; 107"),
    ("additional", dict(certificate={"MO": {"additional": "25"}}), "132.00", "107 + 25"),
    ("exempt", dict(certificate={"MO": {"exempt": True}}), "0.00", "MO W-4 exemption"),
]


@pytest.mark.parametrize("case_id, kwargs, expected, hand", CASES_2025, ids=[c[0] for c in CASES_2025])
def test_missouri_2025_by_hand(case_id, kwargs, expected, hand):
    assert income_tax(ctx("MO", year=2025, **kwargs)) == D(expected), hand


CASES_2026 = [
    ("formula-example-35000-spouse-works-monthly",
     dict(periods=12, gross="2916.67", certificate={"MO": {"filing_status": "married_filing_separately"}}), "59.00",
     "2026 Missouri Withholding Tax Formula example: 35,000.04 - 16,100 = 18,900.04; over 9,436: 263 + 4.7% x "
     "9,464.04 (444.81) = 707.81 / 12 = 58.98 -> 59"),
    ("no-mo-w4-biweekly", dict(), "105.00",
     "single: 78,000 - 16,100 = 61,900; 263 + 4.7% x 52,464 (2,465.81) = 2,728.81 / 26 = 104.95 -> 105"),
    ("married-spouse-not-working-monthly", dict(periods=12, gross="6000",
                                                certificate={"MO": {"filing_status": "married"}}), "141.00",
     "72,000 - 32,200 = 39,800: 263 + 4.7% x 30,364 (1,427.11) = 1,690.11 / 12 = 140.84 -> 141"),
    ("head-of-household-weekly", dict(periods=52, gross="800",
                                      certificate={"MO": {"filing_status": "head_of_household"}}), "12.00",
     "41,600 - 24,150 = 17,450: 263 + 4.7% x 8,014 (376.66) = 639.66 / 52 = 12.30 -> 12"),
    ("low-bracket-monthly", dict(periods=12, gross="1600"), "3.00",
     "19,200 - 16,100 = 3,100; over 2,696: 27 + 2.5% x 404 (10.10) = 37.10 / 12 = 3.09 -> 3"),
    ("low-earner-under-the-deduction", dict(periods=52, gross="300"), "0.00", "15,600 a year is under 16,100"),
    ("high-earner-monthly", dict(periods=12, gross="20000"), "862.00",
     "240,000 - 16,100 = 223,900: 263 + 4.7% x 214,464 (10,079.81) = 10,342.81 / 12 = 861.90 -> 862"),
    ("bonus-at-4.7", dict(gross="3000", supplemental="1000"), "105.00",
     "regular 2,000: 52,000 - 16,100 = 35,900: 263 + 4.7% x 26,464 (1,243.81) = 1,506.81 / 26 = 57.95 -> 58; "
     "bonus 4.7% x 1,000 = 47; 105"),
    ("additional", dict(certificate={"MO": {"additional": "10"}}), "115.00", "105 + 10"),
    ("exempt", dict(certificate={"MO": {"exempt": True}}), "0.00", "MO W-4 exemption"),
]


@pytest.mark.parametrize("case_id, kwargs, expected, hand", CASES_2026, ids=[c[0] for c in CASES_2026])
def test_missouri_2026_by_hand(case_id, kwargs, expected, hand):
    assert income_tax(ctx("MO", year=2026, **kwargs)) == D(expected), hand


def test_missouri_2026_example_annual_tax_is_707_81():
    """The formula's example prints the annual tax, $707.81: the whole-dollar band totals ($263 up to $9,436) give
    it; exact products ($262.86) would give $707.67."""
    text = explanation(ctx("MO", year=2026, periods=12, gross="2916.67",
                           certificate={"MO": {"filing_status": "married_filing_separately"}}))
    assert "$263.00 plus 4.7% of $9,464.04 = $707.81" in text


def test_explanation_names_form_4282():
    assert "Form 4282" in explanation(ctx("MO", year=2025))


@pytest.mark.parametrize("year", [2025, 2026])
def test_mo_w4_line_3_is_withheld_instead_of_the_standard_calculation(year):
    """MO W-4 line 3: 'you may direct your employer to only withhold the amount indicated on line 3 ... Enter the
    amount to be withheld instead of the standard calculation. If no amount is indicated on line 3, the standard
    calculations will be used.' Biweekly 3,000 single withholds 107 (2025, above) by the formula; with line 3 of
    40.00 it withholds 40.00, and with line 3 of 0.00 nothing."""
    cert = {"MO": {"filing_status": "single", "fixed_withholding": "40.00"}}
    assert income_tax(ctx("MO", year=year, gross="3000", certificate=cert)) == D("40.00")
    assert "instead of the standard calculation" in explanation(ctx("MO", year=year, gross="3000", certificate=cert))
    zero = {"MO": {"filing_status": "single", "fixed_withholding": "0"}}
    assert income_tax(ctx("MO", year=year, gross="3000", certificate=zero)) == D("0.00")


def test_mo_w4_line_3_with_a_bonus_or_line_2_is_refused_by_name():
    """The form does not say how line 3 combines with supplemental wages or line 2: refused, not guessed."""
    from payroll.engine.states import UnsupportedState

    with pytest.raises(UnsupportedState, match="supplemental wages"):
        income_tax(ctx("MO", gross="4000", supplemental="1000",
                       certificate={"MO": {"fixed_withholding": "40.00"}}))
    with pytest.raises(UnsupportedState, match="an additional amount"):
        income_tax(ctx("MO", gross="3000", certificate={"MO": {"fixed_withholding": "40.00", "additional": "5"}}))


def test_a_fixed_amount_on_a_certificate_without_that_line_is_refused_by_name():
    from backoffice.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as err:
        income_tax(ctx("LA", certificate={"LA": {"fixed_withholding": "40.00"}}))
    assert err.value.issues[0].field == "certificate.LA.fixed_withholding"
