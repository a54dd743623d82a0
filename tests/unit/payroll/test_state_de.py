"""Delaware (Employer's Guide, annualised formula, schedule effective 1 January 2025): standard deduction, rate
schedule, $110 per exemption; the guide's supplemental method; Delaware Paid Leave (employee half of 0.8%)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

try:  # the folder may or may not be a package
    from .test_state_helpers import ctx, explanation, income_tax, lines
except ImportError:
    from test_state_helpers import ctx, explanation, income_tax, lines

D = Decimal
YEAR_PAY = D("25000")

# The guide's three examples, each printed for four payroll periods.
GUIDE = [
    ("single-1", {"allowances": 1}, {52: "13.88", 26: "27.77", 24: "30.08", 12: "60.17"},
     "25,000 - 3,250 = 21,750 -> 741 + 5.2% x 1,750 = 832 - 110 = 722"),
    ("joint-3", {"filing_status": "married", "allowances": 3}, {52: "6.52", 26: "13.04", 24: "14.13", 12: "28.25"},
     "25,000 - 6,500 = 18,500 -> 261 + 4.8% x 8,500 = 669 - 330 = 339"),
    ("separate-2", {"filing_status": "married_filing_separately", "allowances": 2},
     {52: "11.77", 26: "23.54", 24: "25.50", 12: "51.00"}, "21,750 -> 832 - 220 = 612"),
]


@pytest.mark.parametrize("year", [2025, 2026])
@pytest.mark.parametrize("periods", [52, 26, 24, 12])
@pytest.mark.parametrize("case_id, cert, expected, hand", GUIDE, ids=[g[0] for g in GUIDE])
def test_delaware_guide_examples(case_id, cert, expected, hand, periods, year):
    """Employer's Guide formula examples (annual wages $25,000), reproduced for every printed payroll period."""
    got = income_tax(ctx("DE", year=year, periods=periods, gross=str(YEAR_PAY / periods), certificate={"DE": cert}))
    assert got == D(expected[periods]), hand


CASES = [
    ("no-certificate", dict(periods=52, gross="1000"), "44.60",
     "52,000 - 3,250 = 48,750 -> 1,001 + 5.55% x 23,750 = 2,319.125 / 52 = 44.598 -> 44.60"),
    ("head-of-household-uses-single", dict(periods=52, gross="1000",
                                           certificate={"DE": {"filing_status": "head_of_household"}}), "44.60",
     "as single"),
    ("high-earner", dict(periods=12, gross="20000", certificate={"DE": {"filing_status": "married",
                                                                        "allowances": 2}}), "1181.21",
     "240,000 - 6,500 = 233,500 -> 2,943.50 + 6.6% x 173,500 = 14,394.50 - 220 = 14,174.50 / 12 = 1,181.21"),
    ("low-earner", dict(periods=52, gross="150"), "1.08", "7,800 - 3,250 = 4,550 -> 2.2% x 2,550 = 56.10 / 52"),
    ("low-earner-credit-wipes-it-out", dict(periods=52, gross="150", certificate={"DE": {"allowances": 1}}), "0.00",
     "56.10 - 110 < 0"),
    ("below-the-threshold", dict(periods=52, gross="100"), "0.00", "5,200 - 3,250 = 1,950: 0% bracket"),
    ("supplemental-guide-method", dict(periods=26, gross="3000", supplemental="1000"), "144.70",
     "regular 52,000 -> 2,319.125 / 26 = 89.20; bonus: tax on 53,000 (49,750 -> 1,001 + 5.55% x 24,750 = "
     "2,374.625) - 2,319.125 = 55.50"),
    ("additional", dict(periods=26, gross="2000", certificate={"DE": {"additional": "10"}}), "99.20", "89.20 + 10"),
    ("exempt", dict(periods=26, gross="2000", certificate={"DE": {"exempt": True}}), "0.00", "exempt"),
]


@pytest.mark.parametrize("case_id, kwargs, expected, hand", CASES, ids=[c[0] for c in CASES])
def test_delaware_by_hand(case_id, kwargs, expected, hand):
    assert income_tax(ctx("DE", **kwargs)) == D(expected), hand


@pytest.mark.parametrize("year, ytd, expected", [
    (2026, "0", "8.00"), (2026, "184000", "2.00"), (2025, "176000", "0.40"), (2026, "190000", "0.00")])
def test_delaware_paid_leave_employee_half_up_to_the_social_security_base(year, ytd, expected):
    """0.4% of 2,000 = 8.00; 2026 base 184,500: 500 left x 0.4% = 2.00; 2025 base 176,100: 100 x 0.4% = 0.40."""
    got = lines(ctx("DE", year=year, pay_date=date(year, 6, 5), periods=26, gross="2000", ytd=ytd))
    assert got[("state_pfml", "DE")] == D(expected)


def test_explanation_names_the_guide():
    assert "Delaware Division of Revenue" in explanation(ctx("DE"))
