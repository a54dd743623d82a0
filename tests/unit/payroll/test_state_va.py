"""Virginia: annual wages less the standard deduction and VA-4 exemptions, 2% to 5.75%, the annual tax to the
dollar divided by the pay periods; the standard deduction rose from $8,500 to $8,750 for wages paid from 1 July 2025."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from payroll.engine.states import supported_states

try:  # the folder may or may not be a package
    from .test_state_helpers import ctx, explanation, income_tax, lines
except ImportError:
    from test_state_helpers import ctx, explanation, income_tax, lines

D = Decimal


def va(e1=None, e2=None, **extra):
    cert = dict(extra)
    if e1 is not None:
        cert["allowances"] = e1
    if e2 is not None:
        cert["additional_allowances"] = e2
    return {"VA": cert}


CASES_2026 = [
    ("tables-example-semimonthly", dict(periods=24, gross="2649", certificate=va(5)), "109.50",
     "Employer Withholding Tables (July 2025 and later) example: 2,649 x 24 = 63,576 - (8,750 + 5 x 930) = 50,176; "
     "720 + 5.75% x 33,176 = 2,627.62 -> 2,628 / 24 = 109.50"),
    ("no-va4", dict(periods=26, gross="3000"), "143.23",
     "no exemptions: 78,000 - 8,750 = 69,250; 720 + 5.75% x 52,250 = 3,724.375 -> 3,724 / 26 = 143.2308 -> 143.23"),
    ("monthly-with-age-or-blind-exemption", dict(periods=12, gross="5000", certificate=va(2, 1, filing_status="married")),
     "211.33", "60,000 - 8,750 - 1,860 - 800 = 48,590; 720 + 5.75% x 31,590 = 2,536.425 -> 2,536 / 12 = 211.33"),
    ("low-earner-below-the-deduction", dict(periods=52, gross="150", certificate=va(1)), "0.00",
     "7,800 < 8,750 + 930: no taxable wages"),
    ("weekly-low-earner-in-the-3-percent-row", dict(periods=52, gross="250"), "1.88",
     "13,000 - 8,750 = 4,250; 60 + 3% x 1,250 = 97.50 -> 98 (half up) / 52 = 1.8846 -> 1.88"),
    ("high-earner", dict(periods=24, gross="25000", certificate=va(2)), "1401.33",
     "600,000 - 8,750 - 1,860 = 589,390; 720 + 5.75% x 572,390 = 33,632.425 -> 33,632 / 24 = 1,401.33"),
    ("supplemental-at-5-75", dict(periods=26, gross="3000", supplemental="500", certificate=va(1)), "141.17",
     "regular 2,500: 65,000 - 8,750 - 930 = 55,320; 720 + 5.75% x 38,320 = 2,923.40 -> 2,923 / 26 = 112.42; "
     "bonus 500 x 5.75% = 28.75; 141.17"),
    ("additional-withholding", dict(periods=24, gross="2649", certificate=va(5, additional="10")), "119.50",
     "example 109.50 + 10.00"),
    ("exempt", dict(periods=24, gross="2649", certificate=va(5, exempt=True)), "0.00", "exempt on VA-4"),
]

CASES_2025 = [
    ("before-july-8500", dict(year=2025, periods=24, gross="2649", certificate=va(5)), "110.08",
     "March 2025: 63,576 - (8,500 + 4,650) = 50,426; 720 + 5.75% x 33,426 = 2,641.995 -> 2,642 / 24 = 110.0833"),
    ("last-day-before-july", dict(pay_date=date(2025, 6, 30), periods=24, gross="2649", certificate=va(5)), "110.08",
     "30 June 2025 still uses 8,500"),
    ("from-1-july-8750", dict(pay_date=date(2025, 7, 1), periods=24, gross="2649", certificate=va(5)), "109.50",
     "1 July 2025: the tables' example, 109.50"),
]


@pytest.mark.parametrize("case_id, kwargs, expected, hand", CASES_2026 + CASES_2025,
                         ids=[c[0] for c in CASES_2026 + CASES_2025])
def test_virginia_by_hand(case_id, kwargs, expected, hand):
    assert income_tax(ctx("VA", **kwargs)) == D(expected), hand


def test_virginia_covers_the_whole_of_2025_in_two_versions():
    assert "VA" in supported_states(2025) and "VA" in supported_states(2026)


def test_maryland_resident_working_in_virginia_pays_maryland_with_va4():
    """Reciprocity: VA withholds nothing; MD (2026, no MW507: one exemption, highest county rate 3.30%) is withheld:
    78,000 - 3,400 - 3,200 = 71,400 x (4.75% + 3.30%) = 5,747.70 / 26 = 221.065 -> 221.07."""
    got = lines(ctx("VA", residence="MD", certificate={"VA": {"reciprocity": True}}))
    assert got[("state_income_tax", "VA")] == D("0.00") and got[("state_income_tax", "MD")] == D("221.07")


def test_explanation_shows_the_dollar_rounding():
    assert "rounded to the whole dollar: $2,628.00" in explanation(ctx("VA", periods=24, gross="2649",
                                                                       certificate=va(5)))
