"""New Mexico (FYI-104): per-period percentage tables by filing status, no allowances, 5.9% supplemental."""
from __future__ import annotations

from decimal import Decimal

import pytest

try:  # the folder may or may not be a package
    from .test_state_helpers import ctx, explanation, income_tax
except ImportError:
    from test_state_helpers import ctx, explanation, income_tax

D = Decimal


def nm(periods, gross, supplemental="0", year=2026, **cert):
    return ctx("NM", year=year, periods=periods, gross=gross, supplemental=supplemental,
               certificate={"NM": cert} if cert else {})


CASES_2026 = [
    ("fyi104-weekly-married-example", nm(52, "1000", filing_status="married", additional="20"), "41.80",
     "FYI-104 (11/2025) example: married weekly 1,000: row over 790 (41,100/52) 12.77 (664/52) + 4.3% x 210 = "
     "21.80, plus 20.00 additional = 41.80"),
    ("no-certificate-biweekly-single", nm(26, "2000"), "63.72",
     "single biweekly row over 1,598 (41,550/26) base 44.83 (1,165.50/26): 44.83 + 4.7% x 402 = 63.724 -> 63.72"),
    ("monthly-head-of-household", nm(12, "5000", filing_status="head_of_household"), "137.48",
     "HOH monthly row over 4,423 (53,075/12) base 112.67 (1,352/12): 112.67 + 4.3% x 577 = 137.481 -> 137.48"),
    ("weekly-bonus-at-5.9", nm(52, "2000", supplemental="1000", filing_status="married"), "80.80",
     "regular 1,000 married = 21.80 (example); bonus 1,000 x 5.9% = 59.00; 80.80"),
    ("low-earner-below-the-zero-bracket", nm(52, "150"), "0.00", "150 is below 155 (8,050/52): nothing"),
    ("monthly-single-high-earner", nm(12, "25000"), "1215.24",
     "single monthly row over 18,171 (218,050/12) base 812.33 (9,748/12): 812.33 + 5.9% x 6,829 = 1,215.241"),
    ("allowances-change-nothing", nm(52, "1000", filing_status="married", allowances=4), "21.80",
     "FYI-104: W-4 allowances no longer adjust New Mexico withholding"),
    ("exempt", nm(52, "1000", exempt=True), "0.00", "exempt"),
]


@pytest.mark.parametrize("case_id, context, expected, hand", CASES_2026, ids=[c[0] for c in CASES_2026])
def test_new_mexico_2026(case_id, context, expected, hand):
    assert income_tax(context) == D(expected), hand


def test_new_mexico_2025_weekly_married():
    """2025 married weekly row over 769 (40,000/52 = 769.23) base 12.77 (664/52): 12.77 + 4.3% x 231 = 22.703."""
    assert income_tax(nm(52, "1000", year=2025, filing_status="married")) == D("22.70")


def test_explanation_shows_the_period_row():
    text = explanation(nm(52, "1000", filing_status="married"))
    assert "row over $790.00: $12.77 plus 4.3% of $210.00" in text and "FYI-104" in text
