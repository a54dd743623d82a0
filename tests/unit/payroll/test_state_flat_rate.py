"""Flat-rate states (PA, KY, IN, NC, AZ, IL 2025): each state's own allowances, deductions and pre-tax rules."""
from __future__ import annotations

from decimal import Decimal

import pytest

from backoffice.errors import ValidationFailed

try:  # the folder may or may not be a package
    from .test_state_helpers import ctx, explanation, income_tax, lines
except ImportError:
    from test_state_helpers import ctx, explanation, income_tax, lines

D = Decimal

# (id, context kwargs, expected income tax, hand calculation from the state's publication)
CASES = [
    ("PA-plain", dict(state="PA"), "92.10", "PA REV-415: 3,000 x 3.07% = 92.10, no allowances"),
    ("PA-401k-taxed", dict(state="PA", pretax={"401k": "300", "section125": "100"}), "89.03",
     "PA taxes 401(k) deferrals, excludes Section 125 health premiums: (3,000 - 100) x 3.07% = 89.03"),
    ("PA-bonus", dict(state="PA", gross="3500", supplemental="500"), "107.45",
     "3,000 x 3.07% = 92.10 plus bonus 500 x 3.07% = 15.35 -> 107.45"),
    ("PA-2025", dict(state="PA", year=2025), "92.10", "same 3.07% in 2025"),
    ("KY-biweekly", dict(state="KY"), "100.48",
     "KY 2026 formula: (78,000 - 3,360) x 3.5% = 2,612.40 / 26 = 100.4769 -> 100.48"),
    ("KY-401k", dict(state="KY", periods=12, gross="2000", pretax={"401k": "100"}), "56.70",
     "(1,900 x 12 = 22,800 - 3,360 = 19,440) x 3.5% = 680.40 / 12 = 56.70"),
    ("KY-below-deduction", dict(state="KY", periods=52, gross="60"), "0.00",
     "60 x 52 = 3,120 is below the 3,360 standard deduction"),
    ("KY-2025", dict(state="KY", year=2025), "114.97",
     "KY 2025: (78,000 - 3,270) x 4% = 2,989.20 / 26 = 114.9692 -> 114.97"),
    ("IN-no-wh4", dict(state="IN"), "88.50", "IN DN #1: no exemptions, 78,000 x 2.95% = 2,301 / 26 = 88.50"),
    ("IN-exemptions", dict(state="IN", certificate={"IN": {"personal_exemptions": 2, "dependents": 2}}), "82.83",
     "78,000 - 2 x 1,000 - 2 x 1,500 = 73,000 x 2.95% = 2,153.50 / 26 = 82.8269 -> 82.83"),
    ("IN-bonus", dict(state="IN", periods=52, gross="1200", supplemental="200",
                      certificate={"IN": {"personal_exemptions": 1}}), "34.83",
     "regular (52,000 - 1,000) x 2.95% = 1,504.50 / 52 = 28.9327 -> 28.93; bonus 200 x 2.95% = 5.90; 34.83"),
    ("IN-adopted-dependent", dict(state="IN", certificate={"IN": {"personal_exemptions": 2, "dependents": 1,
                                                                  "adopted_dependents": 1}}), "81.13",
     "DN #1 with the adopted-dependent table: 78,000 - 2 x 1,000 - 1 x 1,500 - 1 x 3,000 = 71,500 x 2.95% "
     "= 2,109.25 / 26 = 81.125 -> 81.13"),
    ("IN-DN1-example", dict(state="IN", periods=52, gross="800",
                            certificate={"IN": {"personal_exemptions": 5, "dependents": 4, "adopted_dependents": 2}}),
     "13.96", "Departmental Notice #1 (01-26) example: 5 x 1,000 + (3 + 1 first-time) x 1,500 + 2 x 3,000 = 17,000 "
     "/ 52 = 326.92; 800 - 326.92 = 473.08 x 2.95% = 13.9559 -> 13.96"),
    ("IN-2025", dict(state="IN", year=2025, certificate={"IN": {"personal_exemptions": 1}}), "88.85",
     "IN 2025 at 3.0%: (78,000 - 1,000) x 3% = 2,310 / 26 = 88.846 -> 88.85"),
    # NC-30's percentage method per payroll period: the withholding rate is 0.1 point above the income tax rate
    # (2026: 3.99% + 0.1 = 4.09%; 2025: 4.35%) and the tax is rounded to the whole dollar. These cases encoded an
    # annualised 3.99% / 4.25% to the cent before (issue 15).
    ("NC-30-2026-example", dict(state="NC", periods=52, gross="450", certificate={"NC": {"allowances": 2}}), "4.00",
     "NC-30 (2026) percentage-method example: 450 - 245.19 - 2 x 48.08 = 108.65 x 4.09% = 4.4438 -> $4"),
    ("NC-single", dict(state="NC"), "103.00",
     "biweekly 3,000 - 490.38 = 2,509.62 x 4.09% = 102.6435 -> whole dollar 103"),
    ("NC-hoh", dict(state="NC", periods=12, gross="4000",
                    certificate={"NC": {"filing_status": "head_of_household", "allowances": 2}}), "81.00",
     "monthly 4,000 - 1,593.75 - 2 x 208.33 = 1,989.59 x 4.09% = 81.3742 -> 81"),
    ("NC-married", dict(state="NC", periods=52, gross="500",
                        certificate={"NC": {"filing_status": "married", "allowances": 1}}), "8.00",
     "weekly 500 - 245.19 - 48.08 = 206.73 x 4.09% = 8.4553 -> 8"),
    ("NC-weekly-rounds-down", dict(state="NC", periods=52, gross="350"), "4.00",
     "350 - 245.19 = 104.81 x 4.09% = 4.2867 -> 4 (not 4.29)"),
    ("NC-weekly-rounds-up", dict(state="NC", periods=52, gross="380"), "6.00",
     "380 - 245.19 = 134.81 x 4.09% = 5.5137 -> 6"),
    ("NC-daily-annualized", dict(state="NC", periods=260, gross="200"), "6.00",
     "no daily figures in NC-30's percentage tables: the annualized method, 200 x 260 = 52,000 - 12,750 = 39,250 "
     "x 4.09% = 1,605.325 / 260 = 6.1743 -> 6"),
    ("NC-bonus", dict(state="NC", gross="3500", supplemental="500"), "123.45",
     "regular 3,000 -> 103 (as NC-single); bonus 500 x 4.09% = 20.45 (NC-30 supplemental at the withholding rate); 123.45"),
    ("NC-2025", dict(state="NC", year=2025), "109.00",
     "NC 2025 at 4.25% + 0.1 = 4.35%: 3,000 - 490.38 = 2,509.62 x 4.35% = 109.1685 -> 109"),
    ("AZ-default", dict(state="AZ"), "60.00", "A-4 not filed: default 2.0% x 3,000 = 60.00"),
    ("AZ-3.5-401k", dict(state="AZ", gross="2000", pretax={"401k": "200"}, certificate={"AZ": {"percentage": "3.5"}}),
     "63.00", "(2,000 - 200 deferral) x 3.5% = 63.00"),
    ("AZ-0.5-bonus", dict(state="AZ", gross="1000", supplemental="300", certificate={"AZ": {"percentage": "0.5"}}),
     "5.00", "700 x 0.5% = 3.50 plus bonus 300 x 0.5% = 1.50 -> 5.00"),
    ("IL-2025-one", dict(state="IL", year=2025, certificate={"IL": {"allowances": 1}}), "143.07",
     "IL-700-T 2025: (78,000 - 2,850) x 4.95% = 3,719.925 / 26 = 143.0740 -> 143.07"),
    ("IL-2025-none", dict(state="IL", year=2025), "148.50", "78,000 x 4.95% = 3,861 / 26 = 148.50"),
    ("IL-2025-two-plus-one", dict(state="IL", year=2025, periods=12, gross="5000",
                                  certificate={"IL": {"allowances": 2, "additional_allowances": 1}}), "219.86",
     "(60,000 - 2 x 2,850 - 1,000 = 53,300) x 4.95% = 2,638.35 / 12 = 219.8625 -> 219.86"),
]


@pytest.mark.parametrize("case_id, kwargs, expected, hand", CASES, ids=[c[0] for c in CASES])
def test_flat_rate_states_by_hand(case_id, kwargs, expected, hand):
    """Each row's `hand` column is the calculation from the state's own publication (named in its data file)."""
    kwargs = dict(kwargs)
    state = kwargs.pop("state")
    assert income_tax(ctx(state, **kwargs)) == D(expected), hand


def test_pennsylvania_employee_unemployment_contribution_has_no_cap():
    """PA L&I: employees pay 0.07% of total gross wages, not limited to the $10,000 taxable wage base:
    3,000 x 0.07% = 2.10 even with 250,000 already paid this year; 401(k) deferrals do not reduce it."""
    got = lines(ctx("PA", ytd="250000", pretax={"401k": "500"}))
    assert got[("state_unemployment_employee", "PA")] == D("2.10")


def test_pennsylvania_explains_that_401k_is_taxed():
    text = explanation(ctx("PA", pretax={"401k": "300"}))
    assert "Not excluded for PA income tax: 401k" in text and "401(k)" in text


def test_indiana_says_county_tax_is_out_of_scope():
    assert "county income tax is a local tax" in explanation(ctx("IN"))


def test_arizona_rejects_a_percentage_not_on_the_form():
    with pytest.raises(ValidationFailed) as err:
        lines(ctx("AZ", certificate={"AZ": {"percentage": "2.2"}}))
    assert err.value.issues[0].field == "certificate.AZ.percentage"
