"""Massachusetts 2026 (Circular M, effective 1 January 2026): 5% plus the 4% surtax, per-period M-4 exemptions."""
from __future__ import annotations

from decimal import Decimal

import pytest

from payroll.engine.states import UnsupportedState, partially_supported_states, supported_states

try:  # the folder may or may not be a package
    from .test_state_helpers import ctx, explanation, income_tax, lines
except ImportError:
    from test_state_helpers import ctx, explanation, income_tax, lines

D = Decimal

# Circular M percentage method: wages - Social Security/Medicare (7.65%, until $2,000 a year) - exemption amount,
# x periods, 5% (+ 4% above $1,107,750), / periods, - head-of-household amount.
CASES = [
    ("weekly-two-exemptions", dict(periods=52, gross="1000", certificate={"MA": {"allowances": 2}}), "40.98",
     "1,000 - 76.50 FICA - (2 x 19 + 66 = 104) = 819.50 x 52 = 42,614 x 5% = 2,130.70 / 52 = 40.975 -> 40.98"),
    ("biweekly-cap-used-up", dict(periods=26, gross="3000", ytd="30000"), "150.00",
     "no M-4; 7.65% x 30,000 earlier wages = 2,295 > 2,000, so nothing left to deduct: 3,000 x 26 = 78,000 x 5% "
     "= 3,900 / 26 = 150.00"),
    ("biweekly-cap-partly-used", dict(periods=26, gross="3000", ytd="25000"), "145.63",
     "7.65% x 25,000 = 1,912.50 used, 87.50 left (< 229.50 FICA): 3,000 - 87.50 = 2,912.50 x 26 = 75,725 x 5% "
     "= 3,786.25 / 26 = 145.625 -> 145.63"),
    ("monthly-surtax", dict(periods=12, gross="120000", certificate={"MA": {"allowances": 1}}), "6894.47",
     "120,000 - 2,000 (FICA capped) - 367 = 117,633 x 12 = 1,411,596; 5% = 70,579.80; 4% x (1,411,596 - 1,107,750 "
     "= 303,846) = 12,153.84; 82,733.64 / 12 = 6,894.47"),
    ("semimonthly-head-of-household", dict(periods=24, gross="2000",
                                           certificate={"MA": {"filing_status": "head_of_household", "allowances": 1}}),
     "78.20", "2,000 - 153 FICA - 183 = 1,664 x 24 = 39,936 x 5% = 1,996.80 / 24 = 83.20 - 5.00 head of household "
              "= 78.20"),
    ("weekly-under-the-floor", dict(periods=52, gross="153.99", certificate={"MA": {"allowances": 1}}), "0.00",
     "153.99 a week with an exemption claimed is below the 154 floor (8,000 a year): nothing withheld"),
    ("weekly-at-the-floor", dict(periods=52, gross="154", certificate={"MA": {"allowances": 1}}), "2.86",
     "154 is not below the floor: 154 - 11.78 FICA - 85 = 57.22 x 52 = 2,975.44 x 5% = 148.772 / 52 = 2.861 -> 2.86"),
    ("401k-is-taxed", dict(periods=52, gross="1000", pretax={"401k": "100"}, certificate={"MA": {"allowances": 2}}),
     "40.98", "Massachusetts does not exclude 401(k) deferrals: same as the first case"),
    ("biweekly-bonus", dict(periods=26, gross="4000", supplemental="1000"), "184.71",
     "regular 3,000 - 229.50 = 2,770.50 x 26 = 72,033 x 5% = 3,601.65 / 26 = 138.525 -> 138.53; bonus 1,000 - "
     "76.50 FICA = 923.50 x 5% = 46.175 -> 46.18; 138.53 + 46.18 = 184.71"),
]


@pytest.mark.parametrize("case_id, kwargs, expected, hand", CASES, ids=[c[0] for c in CASES])
def test_massachusetts_2026_by_hand(case_id, kwargs, expected, hand):
    assert income_tax(ctx("MA", **kwargs)) == D(expected), hand


def test_supplemental_wages_near_the_surtax_threshold_are_refused():
    """Monthly 90,000 annualised = 1,080,000 plus a 50,000 bonus passes 1,107,750: the 9% rules are not guessed."""
    with pytest.raises(UnsupportedState, match="MA.*surtax"):
        income_tax(ctx("MA", periods=12, gross="140000", supplemental="50000"))


ANNUALISED = [
    ("quarterly-one-exemption", dict(periods=4, gross="12000", certificate={"MA": {"allowances": 1}}), "499.10",
     "TIR 80-3 annualized wages: FICA 12,000 x 7.65% = 918.00 (within $2,000); exemption (1,000 + 3,400) / 4 = "
     "1,100.00; 12,000 - 918 - 1,100 = 9,982.00 x 4 = 39,928.00 x 5% = 1,996.40 / 4 = 499.10"),
    ("semiannual-head-of-household", dict(periods=2, gross="30000",
                                          certificate={"MA": {"filing_status": "head_of_household", "allowances": 2}}),
     "1205.00", "FICA 30,000 x 7.65% = 2,295.00, capped at 2,000.00; exemption (2 x 1,000 + 3,400) / 2 = 2,700.00; "
     "30,000 - 2,000 - 2,700 = 25,300 x 2 = 50,600 x 5% = 2,530.00 / 2 = 1,265.00; less head of household "
     "120 / 2 = 60.00: 1,205.00"),
    ("quarterly-under-the-floor", dict(periods=4, gross="1999.99", certificate={"MA": {"allowances": 1}}), "0.00",
     "an exemption claimed and wages under 8,000 / 4 = 2,000.00: nothing withheld"),
]


@pytest.mark.parametrize("case_id, kwargs, expected, hand", ANNUALISED, ids=[c[0] for c in ANNUALISED])
def test_quarterly_and_semiannual_payrolls_use_the_annualized_wages_method(case_id, kwargs, expected, hand):
    assert income_tax(ctx("MA", **kwargs)) == D(expected), hand


def test_massachusetts_is_supported_for_every_frequency():
    assert "MA" in supported_states(2026) and "MA" in supported_states(2025)
    assert "MA" not in partially_supported_states(2026)


def test_explanation_shows_the_fica_deduction():
    text = explanation(ctx("MA", periods=52, gross="1000", certificate={"MA": {"allowances": 2}}))
    assert "7.65% x $1,000.00 = $76.50" in text
    assert "2 x $19.00 + $66.00 = $104.00" in text


@pytest.mark.parametrize("year, ytd, expected", [(2026, "0", "4.60"), (2026, "184000", "2.30"), (2026, "184500", "0.00"),
                                                 (2025, "175600", "2.30")])
def test_pfml_employee_share_up_to_the_social_security_wage_base(year, ytd, expected):
    """MA PFML employee share 0.28% medical + 0.18% family = 0.46%: weekly 1,000 x 0.46% = 4.60. With 184,000 paid
    this year only 500 is left under the 2026 base of 184,500 -> 2.30; 2025's base is 176,100 (175,600 + 500)."""
    c = ctx("MA", year=year, periods=52, gross="1000", ytd=ytd)
    assert lines(c)[("state_pfml", "MA")] == D(expected)
