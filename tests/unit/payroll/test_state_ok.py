"""Oklahoma (OW-2): the percentage method per payroll period, $1,000 a year per allowance, whole dollars."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest


try:  # the folder may or may not be a package
    from .test_state_helpers import ctx, explanation, income_tax
except ImportError:
    from test_state_helpers import ctx, explanation, income_tax

D = Decimal


def ok(periods, gross, supplemental="0", year=2026, **cert):
    return ctx("OK", year=year, periods=periods, gross=gross, supplemental=supplemental,
               certificate={"OK": cert} if cert else {})


CASES_2026 = [
    ("ow2-2026-semimonthly-married-example", ok(24, "1825", filing_status="married", allowances=2), "37.00",
     "OW-2 2026 example: 1,825 - 2 x 41.67 = 1,741.66; semimonthly married row over 1,129 (27,100/24): "
     "9.10 + 4.5% x 612.66 = 36.67 -> $37"),
    ("no-certificate-weekly-single", ok(52, "1000"), "35.00",
     "single weekly rows: over 261 (13,550/52 = 260.58) base 2.10 (109.25/52): 2.10 + 4.5% x 739 = 35.355 -> $35"),
    ("monthly-single-one-allowance", ok(12, "4000", allowances=1), "135.00",
     "4,000 - 83.33 = 3,916.67; monthly row over 1,129 base 9.10: 9.10 + 4.5% x 2,787.67 = 134.545 -> $135"),
    ("low-earner-below-the-zero-bracket", ok(52, "190"), "0.00", "190 is below 194 (10,100/52): nothing withheld"),
    ("biweekly-married-high-earner", ok(26, "10000", filing_status="married"), "412.00",
     "married biweekly row over 1,042 (27,100/26) base 8.40: 8.40 + 4.5% x 8,958 = 411.51 -> $412"),
    ("married-at-the-higher-single-rate", ok(52, "1000", filing_status="married_single_rate"), "35.00",
     "OK-W-4 married, withhold at the single rate: the single case above"),
    ("head-of-household-uses-single", ok(52, "1000", filing_status="head_of_household"), "35.00",
     "OK-W-4 prints no head-of-household schedule: single"),
    ("additional-withholding", ok(52, "1000", additional="10"), "45.00", "35 + 10 additional"),
    ("exempt", ok(52, "1000", exempt=True), "0.00", "exempt claimed on OK-W-4"),
    ("weekly-bonus-aggregated", ok(52, "1500", supplemental="500"), "58.00",
     "no separate supplemental method in OW-2: 1,500 together: 2.10 + 4.5% x 1,239 = 57.855 -> $58 "
     "(regular $35 + $23 on the bonus)"),
]


@pytest.mark.parametrize("case_id, context, expected, hand", CASES_2026, ids=[c[0] for c in CASES_2026])
def test_oklahoma_2026(case_id, context, expected, hand):
    assert income_tax(context) == D(expected), hand


CASES_2025 = [
    ("weekly-single", ok(52, "1000", year=2025), "38.00",
     "2025 single weekly row over 261 (13,550/52) base 2.95 (153.50/52): 2.95 + 4.75% x 739 = 38.0525 -> $38"),
    ("monthly-married-two-allowances", ok(12, "5000", year=2025, filing_status="married", allowances=2), "148.00",
     "5,000 - 166.66 = 4,833.34; married monthly row over 2,258 (27,100/12) base 25.58 (307/12): "
     "25.58 + 4.75% x 2,575.34 = 147.91 -> $148"),
]


@pytest.mark.parametrize("case_id, context, expected, hand", CASES_2025, ids=[c[0] for c in CASES_2025])
def test_oklahoma_2025(case_id, context, expected, hand):
    assert income_tax(context) == D(expected), hand


def test_explanation_names_the_packet_and_the_rounding():
    text = explanation(ok(24, "1825", filing_status="married", allowances=2))
    assert "OW-2" in text and "Rounded to the whole dollar: $37.00" in text


def test_a_pay_date_in_2026_uses_the_2026_packet():
    assert income_tax(ctx("OK", periods=52, gross="1000", pay_date=date(2026, 12, 31))) == D("35.00")
