"""Maryland 2026 (Employer Withholding Guide): annual wages less $3,400 and $3,200 per MW507 exemption, the state
table from 4.75% plus the county rate (2.25% for nonresidents), nothing under $5,000 a year. 2025 from 1 July
(flat $3,350 deduction); earlier 2025 pay dates (15% deduction) are tested in test_state_gapb.py."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from backoffice.errors import ValidationFailed

try:  # the folder may or may not be a package
    from .test_state_helpers import ctx, explanation, income_tax, lines
except ImportError:
    from test_state_helpers import ctx, explanation, income_tax, lines

D = Decimal


def md(exemptions=None, county=None, status=None, **extra):
    cert = dict(extra)
    if exemptions is not None:
        cert["allowances"] = exemptions
    if county:
        cert["county"] = county
    if status:
        cert["filing_status"] = status
    return {"MD": cert}


CASES = [
    ("montgomery-biweekly", dict(certificate=md(1, "MONTGOMERY")), "218.32",
     "78,000 - 3,400 - 3,200 = 71,400 x (4.75% + 3.20%) = 5,676.30 / 26 = 218.3192 -> 218.32"),
    ("no-mw507-one-exemption-highest-county", dict(), "221.07",
     "one exemption, 3.30%: 71,400 x 8.05% = 5,747.70 / 26 = 221.065 -> 221.07"),
    ("joint-high-earner-howard-monthly", dict(periods=12, gross="20000", certificate=md(2, "HOWARD", "married")), "1554.37",
     "240,000 - 3,400 - 6,400 = 230,200; joint table: 11,000 + 5.5% x 5,200 = 11,286; county 3.2% = 7,366.40; "
     "18,652.40 / 12 = 1,554.37"),
    ("single-high-earner-howard-monthly", dict(periods=12, gross="20000", certificate=md(2, "HOWARD")), "1590.83",
     "230,200; single table: 7,312.50 + 5.5% x 80,200 = 11,723.50 + 7,366.40 = 19,089.90 / 12 = 1,590.825 -> 1,590.83"),
    ("head-of-household-uses-the-joint-table", dict(periods=12, gross="20000",
                                                     certificate=md(2, "HOWARD", "head_of_household")), "1554.37",
     "as joint"),
    ("under-5000-a-year", dict(periods=52, gross="90", certificate=md(0, "MONTGOMERY")), "0.00",
     "90 x 52 = 4,680 < 5,000: nothing withheld"),
    ("anne-arundel-lower-tier", dict(gross="2000", certificate=md(1, "ANNE_ARUNDEL")), "130.09",
     "52,000 - 6,600 = 45,400 <= 50,000 -> 2.70%: 45,400 x 7.45% = 3,382.30 / 26 = 130.0885 -> 130.09"),
    ("frederick-joint-third-tier-monthly", dict(periods=12, gross="10000", certificate=md(2, "FREDERICK", "married")),
     "708.04", "120,000 - 3,400 - 6,400 = 110,200 (joint, over 100,000) -> 2.96%: 5,234.50 + 3,261.92 = 8,496.42 / 12 "
               "= 708.035 -> 708.04"),
    ("nonresident-special-rate", dict(certificate=md(1, "NONRESIDENT")), "192.23",
     "71,400 x (4.75% + 2.25%) = 4,998 / 26 = 192.2308 -> 192.23"),
    ("supplemental-aggregated", dict(supplemental="1000", certificate=md(1, "MONTGOMERY")), "218.32",
     "regular 2,000: 45,400 x 7.95% = 3,609.30 / 26 = 138.82; all 3,000: 218.3192; bonus 79.50; 218.32"),
    ("additional-withholding", dict(certificate=md(1, "MONTGOMERY", additional="20")), "238.32", "218.32 + 20"),
    ("exempt", dict(certificate=md(1, "MONTGOMERY", exempt=True)), "0.00", "exempt on MW507"),
]


@pytest.mark.parametrize("case_id, kwargs, expected, hand", CASES, ids=[c[0] for c in CASES])
def test_maryland_2026_by_hand(case_id, kwargs, expected, hand):
    assert income_tax(ctx("MD", **kwargs)) == D(expected), hand


@pytest.mark.parametrize("written", ["Prince George's County", "prince georges", "PRINCE_GEORGES"])
def test_county_names_as_written_on_mw507_are_understood(written):
    """Prince George's 3.20%, the same as Montgomery: 218.32."""
    assert income_tax(ctx("MD", certificate=md(1, written))) == D("218.32")


def test_an_unknown_county_is_named():
    with pytest.raises(ValidationFailed) as err:
        income_tax(ctx("MD", certificate=md(1, "ATLANTIS")))
    assert [i.field for i in err.value.issues] == ["certificate.MD.county"]


def test_2025_before_july_uses_the_15_percent_deduction():
    """30 June 2025, biweekly 3,000, one exemption, Montgomery: 78,000 x 15% -> the 2,250 maximum; 72,550 x 7.95%
    = 5,767.725 / 26 = 221.84 (more cases in test_state_gapb.py)."""
    assert income_tax(ctx("MD", year=2025, pay_date=date(2025, 6, 30), certificate=md(1, "MONTGOMERY"))) == D("221.84")


def test_2025_from_july_uses_the_flat_3350_deduction_and_2025_county_rates():
    """1 July 2025, Allegany (3.03% in 2025, 3.20% in 2026), biweekly 3,000, one exemption:
    78,000 - 3,350 - 3,200 = 71,450 x (4.75% + 3.03%) = 5,558.81 / 26 = 213.8004 -> 213.80."""
    got = income_tax(ctx("MD", pay_date=date(2025, 7, 1), certificate=md(1, "ALLEGANY")))
    assert got == D("213.80")


def test_2025_without_a_county_uses_that_years_highest_rate():
    """No MW507 in August 2025: one exemption, Dorchester 3.20% (its 2025 rate):
    71,450 x 7.95% = 5,680.275 / 26 = 218.472 -> 218.47."""
    assert income_tax(ctx("MD", pay_date=date(2025, 8, 1))) == D("218.47")


def test_pennsylvania_resident_working_in_maryland_with_mw507_pays_pennsylvania():
    got = lines(ctx("MD", residence="PA", certificate={"MD": {"reciprocity": True}}))
    assert got[("state_income_tax", "MD")] == D("0.00") and ("state_income_tax", "PA") in got


def test_explanation_names_the_county_and_rate():
    assert "Local tax (MONTGOMERY): $71,400.00 x 3.2%" in explanation(ctx("MD", certificate=md(1, "montgomery")))
