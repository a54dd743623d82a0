"""Vermont (GB-1210): per-pay-period percentage tables built from the annual table, allowances per period; the
Child Care Contribution (0.44%, employer)."""
from __future__ import annotations

from decimal import Decimal

import pytest

from payroll.engine.states.methods_std import vt_period_table
from payroll.engine.states.rules import rules_for_year

try:  # the folder may or may not be a package
    from .test_state_helpers import ctx, explanation, income_tax, lines
except ImportError:
    from test_state_helpers import ctx, explanation, income_tax, lines

D = Decimal


def vt(allowances=None, status=None, **extra):
    cert = dict(extra)
    if allowances is not None:
        cert["allowances"] = allowances
    if status:
        cert["filing_status"] = status
    return {"VT": cert}


CASES = [
    ("gb1210-2026-married-weekly-example", dict(periods=52, gross="1800", certificate=vt(2, "married")), "45.77",
     "GB-1210-2026 example: 1,800 - 2 x 103.85 = 1,592.30; weekly married row over 226: 3.35% x 1,366.30 = 45.77 "
     "(the annualised formula would give 45.76)"),
    ("no-w4vt-single-weekly", dict(periods=52, gross="1000"), "30.99",
     "single weekly 2026 table: rows over 75 (3,925 / 52), 1,051; (1,000 - 75) x 3.35% = 30.9875 -> 30.99"),
    ("monthly-single-one-allowance", dict(periods=12, gross="5000", certificate=vt(1)), "141.47",
     "5,000 - 450 = 4,550; monthly rows over 327 (3,925 / 12), 4,556; (4,550 - 327) x 3.35% = 141.47"),
    ("high-earner-top-row", dict(periods=52, gross="10000"), "756.40",
     "weekly single rows 75 / 1,051 / 2,438 / 5,004; base of the top row: 976 x 3.35% + 1,387 x 6.6% + 2,566 x 7.6% "
     "= 319.254 -> 319.25; + 8.75% x 4,996 = 437.15 -> 756.40"),
    ("low-earner-in-the-zero-row", dict(periods=52, gross="150", certificate=vt(1)), "0.00",
     "150 - 103.85 = 46.15, under 75"),
    ("supplemental-aggregated", dict(periods=52, gross="1000", supplemental="200"), "30.99",
     "regular 800: 725 x 3.35% = 24.29; all 1,000: 30.9875; bonus 6.70; 24.29 + 6.70 = 30.99"),
    ("additional-withholding", dict(periods=52, gross="1000", certificate=vt(0, additional="10")), "40.99", "30.99 + 10"),
    ("exempt", dict(periods=52, gross="1000", certificate=vt(0, exempt=True)), "0.00", "exempt"),
    ("head-of-household-uses-the-single-table", dict(periods=52, gross="1000", certificate=vt(0, "head_of_household")),
     "30.99", "as single"),
]


@pytest.mark.parametrize("case_id, kwargs, expected, hand", CASES, ids=[c[0] for c in CASES])
def test_vermont_by_hand(case_id, kwargs, expected, hand):
    assert income_tax(ctx("VT", **kwargs)) == D(expected), hand


def test_2025_married_biweekly_by_hand():
    """2025: 4,000 - 2 x 203.85 (5,300 / 26) = 3,592.30, in the printed biweekly married row 441 to 3,614:
    3.35% x (3,592.30 - 441) = 105.5686 -> 105.57."""
    assert income_tax(ctx("VT", year=2025, periods=26, gross="4000", certificate=vt(2, "married"))) == D("105.57")


# Rows of the printed 2025 per-period tables (taxformfinder.org's copy of Vermont's 2025 percentage tables):
# (periods, status, row starts, bases). The married weekly third base prints as 201.56 where the rule gives
# 201.565 -> 201.57 (the Department's own half-cent rounding); that one figure is left out.
PRINTED_2025 = [
    (52, "single", ["0", "74", "1024", "2375", "4875"], ["0", "0", "31.83", "120.99", "310.99"]),
    (52, "married", ["0", "221", "1807", "4056", "6067"], ["0", "0", "53.13", None, "354.40"]),
    (26, "single", ["0", "147", "2047", "4751", "9751"], ["0", "0", "63.65", "242.11", "622.11"]),
    (26, "married", ["0", "441", "3614", "8113", "12134"], ["0", "0", "106.30", "403.23", "708.83"]),
    (24, "single", ["0", "159", "2218", "5147", "10564"], ["0", "0", "68.98", "262.29", "673.98"]),
    (24, "married", ["0", "478", "3916", "8789", "13145"], ["0", "0", "115.17", "436.79", "767.85"]),
]


@pytest.mark.parametrize("periods, status, overs, bases", PRINTED_2025)
def test_period_tables_match_the_printed_2025_tables(periods, status, overs, bases):
    table = vt_period_table(rules_for_year(2025)["VT"].income_tax.tables[status], periods)
    assert [str(o) for o in table.overs] == overs
    assert all(b is None or table.bases[i] == D(b) for i, b in enumerate(bases)), table.bases


def test_child_care_contribution_is_the_employers():
    """0.44% of 1,000 = 4.40, on the employer's side."""
    assert lines(ctx("VT", periods=52, gross="1000"))[("vt_child_care", "VT")] == D("4.40")


def test_explanation_shows_the_period_allowance():
    assert "2 x $103.85 a period" in explanation(ctx("VT", periods=52, gross="1800", certificate=vt(2, "married")))
