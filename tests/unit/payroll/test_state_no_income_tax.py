"""States without a wage income tax: an explicit, explained zero; WA PFML / WA Cares and Alaska's employee UI."""
from __future__ import annotations

from decimal import Decimal

import pytest

from payroll.engine.states import compute_state_taxes

try:  # the folder may or may not be a package
    from .test_state_helpers import ctx, explanation, income_tax, lines
except ImportError:
    from test_state_helpers import ctx, explanation, income_tax, lines

D = Decimal
NO_TAX = ["AK", "FL", "NV", "NH", "SD", "TN", "TX", "WA", "WY"]
PAYS = [  # (gross, supplemental, periods)
    ("3000.00", "0", 26),
    ("12500.00", "5000.00", 12),
    ("250.00", "0", 52),
]


@pytest.mark.parametrize("year", [2025, 2026])
@pytest.mark.parametrize("gross, supplemental, periods", PAYS)
@pytest.mark.parametrize("state", NO_TAX)
def test_zero_income_tax_with_the_reason(state, gross, supplemental, periods, year):
    """Each of these states levies no income tax on wages, so the line is 0.00 whatever the pay, and says why."""
    c = ctx(state, year=year, gross=gross, supplemental=supplemental, periods=periods)
    assert income_tax(c) == D("0.00")
    assert "no state income tax on wages" in explanation(c)


def test_washington_pfml_and_wa_cares_2026():
    """ESD 2026: premium 1.13% of wages, employees pay 71.43%: 3,000 x 1.13% x 71.43% = 24.21477 -> 24.21.
    WA Cares 0.58%: 3,000 x 0.58% = 17.40. Employer share (50+ employees) 28.57%: 3,000 x 1.13% x 28.57% =
    9.68523 -> 9.69, an employer line."""
    assert lines(ctx("WA")) == {("state_income_tax", "WA"): D("0.00"), ("state_pfml", "WA"): D("24.21"),
                                ("state_ltc", "WA"): D("17.40"), ("state_pfml_employer", "WA"): D("9.69")}


def test_washington_pfml_matches_the_esd_worked_examples():
    """Employer notices for 2026: $2,000 x 1.13% = $22.60, x 71.43% = $16.14; annual $75,000 x 1.13% = $847.50,
    employee $605.37."""
    assert lines(ctx("WA", gross="2000"))[("state_pfml", "WA")] == D("16.14")
    assert lines(ctx("WA", periods=1, gross="75000"))[("state_pfml", "WA")] == D("605.37")


def test_washington_pfml_stops_at_the_social_security_cap():
    """Year to date 184,000 before a 1,000 pay: only 500 is under the 184,500 cap -> 500 x 0.807159% = 4.0358
    -> 4.04. WA Cares has no cap: 1,000 x 0.58% = 5.80."""
    got = lines(ctx("WA", gross="1000", ytd="184000"))
    assert got[("state_pfml", "WA")] == D("4.04") and got[("state_ltc", "WA")] == D("5.80")


def test_washington_pfml_2025_rate():
    """2025: 0.92% x 71.52% = 0.657984%: 3,000 x 0.657984% = 19.73952 -> 19.74."""
    assert lines(ctx("WA", year=2025))[("state_pfml", "WA")] == D("19.74")


def test_alaska_employee_unemployment_contribution():
    """Alaska employees pay 0.50% of wages up to the 2026 base of 54,200: 3,000 x 0.5% = 15.00;
    with 53,000 already paid only 1,200 counts: 6.00."""
    assert lines(ctx("AK"))[("state_unemployment_employee", "AK")] == D("15.00")
    assert lines(ctx("AK", ytd="53000"))[("state_unemployment_employee", "AK")] == D("6.00")


def test_only_the_pfml_employer_share_is_an_employer_line():
    assert {line.code for line in compute_state_taxes(ctx("WA")) if line.employer} == {"state_pfml_employer"}


def test_washington_pfml_employer_share_matches_the_esd_examples():
    """ESD 2026: $2,000 x 1.13% = $22.60, employer 28.57% = 6.45682 -> 6.46 (the employee's 16.14 is the rest).
    2025: 0.92% x 28.48% = 0.262016%: 3,000 x 0.262016% = 7.86048 -> 7.86. Capped at the Social Security base
    like the employee share: 184,000 paid earlier, 1,000 pay, 500 counts: 500 x 0.322841% = 1.614 -> 1.61."""
    assert lines(ctx("WA", gross="2000"))[("state_pfml_employer", "WA")] == D("6.46")
    assert lines(ctx("WA", year=2025))[("state_pfml_employer", "WA")] == D("7.86")
    assert lines(ctx("WA", gross="1000", ytd="184000"))[("state_pfml_employer", "WA")] == D("1.61")


def test_wa_cares_exemption_letter_stops_the_premium_but_not_pfml():
    """An employee with an approved WA Cares exemption pays no LTC premium; PFML still 24.21 (3,000 x 0.807159%)."""
    got = lines(ctx("WA", certificate={"WA": {"wa_cares_exempt": True}}))
    assert got[("state_ltc", "WA")] == D("0.00") and got[("state_pfml", "WA")] == D("24.21")
    assert "exemption" in explanation(ctx("WA", certificate={"WA": {"wa_cares_exempt": True}}), code="state_ltc")
