"""Pay dates filled in by gapb: Idaho before 1 July 2025 (the 1 July 2024 tables), Utah to 31 May 2025 (Pub 14's
1 June 2024 tables) and Maryland before 1 July 2025 (15% standard deduction between limits), each worked by hand from
the published formula."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from payroll.engine.states import UnsupportedState, partially_supported_states, supported_states

try:  # the folder may or may not be a package
    from .test_state_helpers import ctx, explanation, income_tax
except ImportError:
    from test_state_helpers import ctx, explanation, income_tax

D = Decimal
SPRING_2025 = date(2025, 4, 18)

ID_CASES = [
    ("biweekly-single-no-allowances", dict(periods=26, gross="3000"), "139.00",
     "(78,000 - 14,600) x 5.695% = 3,610.63 / 26 = 138.87 -> 139"),
    ("monthly-married-2-allowances",
     dict(periods=12, gross="5000", certificate={"ID": {"filing_status": "married", "allowances": 2}}), "112.00",
     "(60,000 - 29,200 - 2 x 3,600 = 23,600) x 5.695% = 1,344.02 / 12 = 112.00"),
    ("weekly-just-above-zero-rate", dict(periods=52, gross="300"), "1.00",
     "(15,600 - 14,600 = 1,000) x 5.695% = 56.95 / 52 = 1.095 -> 1"),
    ("weekly-below-zero-rate", dict(periods=52, gross="250"), "0.00", "13,000 is below the 14,600 zero-rate amount"),
]


@pytest.mark.parametrize("case_id, kwargs, expected, hand", ID_CASES, ids=[c[0] for c in ID_CASES])
def test_idaho_july_2024_tables_for_the_first_half_of_2025(case_id, kwargs, expected, hand):
    assert income_tax(ctx("ID", year=2025, pay_date=SPRING_2025, **kwargs)) == D(expected), hand


def test_idaho_2025_switches_to_the_5_3_percent_tables_on_1_july():
    """30 June: 139 (above); 1 July: (78,000 - 15,000) x 5.3% = 3,339 / 26 = 128.42 -> 128. Idaho 2025 is whole."""
    assert income_tax(ctx("ID", year=2025, pay_date=date(2025, 6, 30))) == D("139.00")
    assert income_tax(ctx("ID", year=2025, pay_date=date(2025, 7, 1))) == D("128.00")
    assert "ID" in supported_states(2025)
    assert "tables effective 1 July 2024" in explanation(ctx("ID", year=2025, pay_date=SPRING_2025))


UT_CASES = [
    ("biweekly-single", dict(periods=26, gross="3100"), "141.00",
     "80,600 x 4.55% = 3,667.30; credit 440 - 1.3% x (80,600 - 8,826) < 0 -> 0; 3,667.30 / 26 = 141.05 -> 141"),
    ("monthly-married", dict(periods=12, gross="2000", federal="married_jointly"), "25.00",
     "24,000 x 4.55% = 1,092; credit 880 - 1.3% x (24,000 - 17,652 = 6,348) = 880 - 82.524 = 797.476; "
     "294.524 / 12 = 24.54 -> 25"),
    ("weekly-single", dict(periods=52, gross="300"), "7.00",
     "15,600 x 4.55% = 709.80; credit 440 - 1.3% x (15,600 - 8,826 = 6,774) = 440 - 88.062 = 351.938; "
     "357.862 / 52 = 6.88 -> 7"),
    ("weekly-single-low", dict(periods=52, gross="150"), "0.00", "7,800 x 4.55% = 354.90 is below the 440 credit"),
]


@pytest.mark.parametrize("case_id, kwargs, expected, hand", UT_CASES, ids=[c[0] for c in UT_CASES])
def test_utah_june_2024_tables_to_31_may_2025(case_id, kwargs, expected, hand):
    assert income_tax(ctx("UT", year=2025, pay_date=SPRING_2025, **kwargs)) == D(expected), hand


def test_utah_2025_pay_dates_by_period_start():
    """31 May 2025: the 4.55% tables (141 as above); June refused (the period may have begun in May or June);
    1 July: 4.5%: 80,600 x 4.5% = 3,627 / 26 = 139.50 -> 140 (credit 0)."""
    assert income_tax(ctx("UT", year=2025, pay_date=date(2025, 5, 31), gross="3100")) == D("141.00")
    with pytest.raises(UnsupportedState, match="UT.*2025-06-13"):
        income_tax(ctx("UT", year=2025, pay_date=date(2025, 6, 13)))
    assert income_tax(ctx("UT", year=2025, pay_date=date(2025, 7, 1), gross="3100")) == D("140.00")
    assert partially_supported_states(2025)["UT"] == ((None, date(2025, 5, 31)), (date(2025, 7, 1), None))


def md(exemptions=None, county=None, status=None):
    cert = {}
    if exemptions is not None:
        cert["allowances"] = exemptions
    if county:
        cert["county"] = county
    if status:
        cert["filing_status"] = status
    return {"MD": cert}


MD_CASES = [
    ("biweekly-single-at-the-maximum", dict(periods=26, gross="3000", certificate=md(1, "MONTGOMERY")), "221.84",
     "78,000 x 15% = 11,700 -> the 2,250 maximum; 78,000 - 2,250 - 3,200 = 72,550 x (4.75% + 3.20%) = 5,767.7250 "
     "/ 26 = 221.8356 -> 221.84"),
    ("weekly-single-between-the-limits", dict(periods=52, gross="210", certificate=md(0, "HOWARD")), "14.19",
     "10,920 x 15% = 1,638 (between 1,500 and 2,250); 10,920 - 1,638 = 9,282 x 7.95% = 737.919 / 52 = 14.1907 -> 14.19"),
    ("weekly-single-at-the-minimum", dict(periods=52, gross="150", certificate=md(0, "MONTGOMERY")), "9.63",
     "7,800 x 15% = 1,170 -> the 1,500 minimum; 6,300 x 7.95% = 500.85 / 52 = 9.6317 -> 9.63"),
    ("monthly-joint-at-the-maximum", dict(periods=12, gross="5000", certificate=md(2, "HOWARD", "married")), "325.29",
     "60,000 x 15% = 9,000 -> the joint maximum 4,500; 60,000 - 4,500 - 6,400 = 49,100 x 7.95% = 3,903.45 / 12 "
     "= 325.2875 -> 325.29"),
    ("monthly-joint-between-the-limits", dict(periods=12, gross="1700", certificate=md(0, "HOWARD", "married")),
     "114.88", "20,400 x 15% = 3,060 (between 3,000 and 4,500); 17,340 x 7.95% = 1,378.53 / 12 = 114.8775 -> 114.88"),
    ("monthly-joint-at-the-minimum", dict(periods=12, gross="1550", certificate=md(0, "HOWARD", "married")), "103.35",
     "18,600 x 15% = 2,790 -> the joint minimum 3,000; 15,600 x 7.95% = 1,240.20 / 12 = 103.35"),
    ("below-5000-a-year", dict(periods=52, gross="90", certificate=md(0, "HOWARD")), "0.00",
     "4,680 a year is below the 5,000 minimum: nothing withheld"),
]


@pytest.mark.parametrize("case_id, kwargs, expected, hand", MD_CASES, ids=[c[0] for c in MD_CASES])
def test_maryland_before_hb352_by_hand(case_id, kwargs, expected, hand):
    assert income_tax(ctx("MD", year=2025, pay_date=SPRING_2025, **kwargs)) == D(expected), hand


def test_maryland_2025_switches_to_the_flat_deduction_on_1_july():
    """30 June: 221.84 (first case). 1 July: 78,000 - 3,350 - 3,200 = 71,450 x 7.95% = 5,680.275 / 26 = 218.47.
    Maryland 2025 is now covered on every pay date."""
    cert = md(1, "MONTGOMERY")
    assert income_tax(ctx("MD", year=2025, pay_date=date(2025, 6, 30), certificate=cert)) == D("221.84")
    assert income_tax(ctx("MD", year=2025, pay_date=date(2025, 7, 1), certificate=cert)) == D("218.47")
    assert "MD" in supported_states(2025)
    text = explanation(ctx("MD", year=2025, pay_date=SPRING_2025, certificate=cert))
    assert ("Less Maryland standard deduction for withholding (15% of $78,000.00, at least $1,500.00 and at most "
            "$2,250.00, single): $2,250.00") in text


@pytest.mark.parametrize("state, certificate, federal", [
    ("ID", {"ID": {"allowances": 1}}, "single"), ("ID", {"ID": {"filing_status": "married"}}, "single"),
    ("UT", {}, "single"), ("UT", {}, "married_jointly"),
    ("MD", md(1, "MONTGOMERY"), "single"), ("MD", md(2, "ANNE_ARUNDEL", "married"), "single"),
])
def test_withholding_never_falls_as_wages_rise(state, certificate, federal):
    """Biweekly wages from $0 to $12,000 in $37 steps on the versions added here: each step withholds at least as much
    as the one before (none of these formulas steps down; the whole-dollar rounding of ID and UT only flattens)."""
    last = D("0")
    for gross in range(0, 12000, 37):
        got = income_tax(ctx(state, year=2025, pay_date=SPRING_2025, periods=26, gross=str(gross),
                             certificate=certificate, federal=federal))
        assert got >= last, (state, gross, got, last)
        last = got
