"""New York State 2025 on NYS-50-T-NYS (1/23), worked per pay period (Table A, then the period's exact-calculation table).

The Department prescribes the (1/23) edition for 2025 (no withholding change from 2024 to 2025). Its per-period rows were
not readable, so the data derives them from the edition's annual table by the rule the publication follows; the first test
checks that rule against every per-period row of the (1/26) edition. Every other case is a hand calculation."""
from __future__ import annotations

import json
from decimal import ROUND_HALF_UP, Decimal

import pytest

from payroll.engine.states.rules import DATA_ROOT

try:  # the folder may or may not be a package
    from .test_state_helpers import ctx, explanation, income_tax, lines
except ImportError:
    from test_state_helpers import ctx, explanation, income_tax, lines

D = Decimal
PERIODS = (52, 26, 24, 12, 260)


def _tables(year: int) -> dict:
    return json.loads((DATA_ROOT / str(year) / "states" / "NY.json").read_text())["income_tax"]["tables"]


def _derived(annual: list, periods: int) -> list[tuple[D, D, D]]:
    return [((D(over) / periods).quantize(D("1"), ROUND_HALF_UP), (D(base) / periods).quantize(D("0.01"), ROUND_HALF_UP),
             D(rate)) for over, base, rate in annual]


def _as_decimals(rows: list) -> list[tuple[D, D, D]]:
    return [(D(over), D(base), D(rate)) for over, base, rate in rows]


@pytest.mark.parametrize("year", [2026, 2025])
def test_per_period_rows_are_the_annual_table_divided_by_the_periods(year):
    """2026: the printed (1/26) per-period rows (all 110) equal annual 'over' / periods to the whole dollar and annual base /
    periods to the cent -- the rule the 2025 rows are derived by. 2025: the data holds exactly that derivation."""
    tables = _tables(year)
    for status in ("single", "married"):
        for periods in PERIODS:
            assert _as_decimals(tables[f"{status}_{periods}"]) == _derived(tables[status], periods), (status, periods)


CASES = [
    ("single-weekly-400-3ex", dict(periods=52, gross="400", certificate={"NY": {"allowances": 3}}), "8.20",
     "Table A 142.30 + 3 x 19.25 = 200.05; 400 - 200.05 = 199.95; weekly row over 163 (8,500/52): 6.54 (340/52) "
     "+ 4.5% x 36.95 = 1.66275 -> 8.20"),
    ("married-weekly-400-4ex", dict(periods=52, gross="400",
                                    certificate={"NY": {"filing_status": "married", "allowances": 4}}), "6.86",
     "152.90 + 4 x 19.25 = 229.90; net 170.10; row over 163: 6.54 + 4.5% x 7.10 = 0.3195 -> 6.86"),
    ("single-monthly-50000-3ex", dict(periods=12, gross="50000", certificate={"NY": {"allowances": 3}}), "3576.71",
     "616.70 + 3 x 83.30 = 866.60; net 49,133.40 (annualised 589,600.80, below the 1,077,550 Method III threshold); "
     "monthly row over 22,117 (265,400/12): 1,591.00 (19,092/12) + 7.35% x 27,016.40 = 1,985.7054 -> 3,576.71"),
    ("married-semimonthly-5000-3ex", dict(periods=24, gross="5000",
                                          certificate={"NY": {"filing_status": "married", "allowances": 3}}), "252.68",
     "331.25 + 3 x 41.65 = 456.20; net 4,543.80; row over 4,485 (107,650/24): 248.46 (5,963/24) + 7.17% x 58.80 "
     "= 4.21596 -> 252.68"),
    ("single-daily-750-2ex", dict(periods=260, gross="750", certificate={"NY": {"allowances": 2}}), "44.83",
     "28.45 + 2 x 3.85 = 36.15; net 713.85; daily row over 606 (157,650/260): 37.82 (9,832/260) + 6.5% x 107.85 "
     "= 7.01025 -> 44.83"),
    ("no-it2104-biweekly", dict(periods=26, gross="3000"), "143.00",
     "single, 0 exemptions: 3,000 - 284.60 = 2,715.40; row over 535 (13,900/26): 23.08 (600/26) + 5.5% x 2,180.40 "
     "= 119.922 -> 143.00"),
    ("married-quarterly-on-monthly-table", dict(periods=4, gross="6750",
                                                certificate={"NY": {"filing_status": "married", "allowances": 2}}),
     "193.38", "quarterly: 6,750 / 3 = 2,250 on the monthly table; 662.50 + 2 x 83.30 = 829.10; net 1,420.90; row over "
               "1,158 (13,900/12): 50.00 + 5.5% x 262.90 = 14.4595 -> 64.4595 x 3 = 193.38"),
    ("method-iii-monthly", dict(periods=12, gross="100000"), "10385.55",
     "net 100,000 - 616.70 = 99,383.30; x 12 = 1,192,599.60 >= 1,077,550: 10.45% of the whole = 10,385.55"),
]


@pytest.mark.parametrize("case_id, kwargs, expected, hand", CASES, ids=[c[0] for c in CASES])
def test_new_york_2025_by_hand(case_id, kwargs, expected, hand):
    assert income_tax(ctx("NY", year=2025, **kwargs)) == D(expected), hand


def test_new_york_2025_pfl_and_dbl():
    """PFL 2025 0.388%: 400 x 0.388% = 1.552 -> 1.55; DBL 0.5% of 400 = 2.00 capped at 0.60 a week;
    PFL capped at the 354.53 annual maximum on a 100,000 month."""
    weekly = lines(ctx("NY", year=2025, periods=52, gross="400"))
    assert weekly[("state_family_leave", "NY")] == D("1.55") and weekly[("state_disability", "NY")] == D("0.60")
    assert lines(ctx("NY", year=2025, periods=12, gross="100000"))[("state_family_leave", "NY")] == D("354.53")


def test_explanation_names_the_1_23_edition():
    assert "NYS-50-T-NYS (1/23)" in explanation(ctx("NY", year=2025))


PRINTED_1_23 = [
    ("single", 52, "400", 3, "8.20"), ("single", 24, "5000", 1, "263.19"), ("single", 12, "50000", 3, "3576.71"),
    ("single", 260, "750", 2, "44.83"), ("married", 52, "400", 4, "6.86"), ("married", 24, "5000", 3, "252.68"),
    ("married", 12, "50000", 3, "3622.01"), ("married", 260, "750", 2, "45.29"),
]


@pytest.mark.parametrize("status, periods, gross, allowances, expected", PRINTED_1_23,
                         ids=[f"{c[0]}-{c[1]}-{c[2]}" for c in PRINTED_1_23])
def test_the_eight_printed_examples_of_nys_50_t_nys_1_23(status, periods, gross, allowances, expected):
    """NYS-50-T-NYS (1/23), which governs 2025, prints eight examples (single: weekly 400 / 3, semimonthly 5,000 / 1,
    monthly 50,000 / 3, daily 750 / 2; married: 400 / 4, 5,000 / 3, 50,000 / 3, 750 / 2), read from a transcription
    (a public Odoo US payroll test suite citing nys50_t_nys_123.pdf). All eight come out to the cent on the per-period
    rows derived from the annual table, which confirms the derivation for 2025 too (five are worked by hand above;
    e.g. single semimonthly: Table A 308.35 + 41.65 = 350.00 -> net 4,650.00; row over 4,485: 250.58 + 7.64% x 165 =
    12.606 -> 263.19)."""
    c = ctx("NY", year=2025, periods=periods, gross=gross,
            certificate={"NY": {"filing_status": status, "allowances": allowances}})
    assert income_tax(c) == D(expected)
