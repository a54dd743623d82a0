"""The non-income-tax state programs (suta helper, issue 15): employee shares and the employer shares set by law,
each a hand calculation from the rate and wage base named in the state file's source."""
from __future__ import annotations

import json
from decimal import Decimal

import pytest

from payroll.engine.states import compute_state_taxes, suta_wage_base
from payroll.engine.states.rules import DATA_ROOT

try:  # the folder may or may not be a package
    from .test_state_helpers import ctx, lines
except ImportError:
    from test_state_helpers import ctx, lines

D = Decimal


def _programs(state, year):
    raw = json.loads((DATA_ROOT / str(year) / "states" / f"{state}.json").read_text(encoding="utf-8"))
    return {p["code"]: p for p in raw["programs"]}


TOTALS = {("CO", 2025): "0.009", ("CO", 2026): "0.0088", ("DE", 2025): "0.008", ("DE", 2026): "0.008",
          ("MA", 2025): "0.0088", ("MA", 2026): "0.0088", ("MN", 2026): "0.0088", ("ME", 2026): "0.01",
          ("WA", 2025): "0.0092", ("WA", 2026): "0.0113", ("OR", 2025): "0.01", ("OR", 2026): "0.01"}


@pytest.mark.parametrize("state, year, employee, employer, base", [
    pytest.param("CO", 2025, "0.0045", "0.0045", "176100", id="CO-FAMLI-2025-0.9pct-halves"),
    pytest.param("CO", 2026, "0.0044", "0.0044", "184500", id="CO-FAMLI-2026-0.88pct-halves"),
    pytest.param("DE", 2025, "0.004", "0.004", "176100", id="DE-PaidLeave-2025-0.8pct-halves"),
    pytest.param("DE", 2026, "0.004", "0.004", "184500", id="DE-PaidLeave-2026-0.8pct-halves"),
    pytest.param("MA", 2025, "0.0046", "0.0042", "176100", id="MA-PFML-2025-0.88pct-0.46-0.42"),
    pytest.param("MA", 2026, "0.0046", "0.0042", "184500", id="MA-PFML-2026-0.88pct-0.46-0.42"),
    pytest.param("MN", 2026, "0.0044", "0.0044", "184500", id="MN-PaidLeave-2026-0.88pct-halves"),
    pytest.param("ME", 2026, "0.005", "0.005", "184500", id="ME-PFML-2026-1pct-halves"),
    pytest.param("WA", 2025, "0.00657984", "0.00262016", "176100", id="WA-PFML-2025-0.92pct-71.52-28.48"),
    pytest.param("WA", 2026, "0.00807159", "0.00322841", "184500", id="WA-PFML-2026-1.13pct-71.43-28.57"),
    pytest.param("OR", 2025, "0.006", "0.004", "176100", id="OR-PaidLeave-2025-1pct-60-40-ADP"),
    pytest.param("OR", 2026, "0.006", "0.004", "184500", id="OR-PaidLeave-2026-1pct-60-40-OED"),
])
def test_pfml_shares_add_up_to_the_published_total(state, year, employee, employer, base):
    """Each pair adds up to the published total rate (CO 0.9% in 2025, 0.88% in 2026; DE 0.8%; MA 0.88% =
    0.46% employee + 0.42% employer medical share; MN 0.88%; ME 1%; WA 0.92% / 1.13%; OR 1%), both shares on
    the year's Social Security wage base, and only the employer's is flagged employer."""
    progs = _programs(state, year)
    ee, er = progs["state_pfml"], progs["state_pfml_employer"]
    assert (D(ee["rate"]), D(er["rate"])) == (D(employee), D(employer))
    assert D(employee) + D(employer) == D(TOTALS[(state, year)])
    assert ee["annual_wage_base"] == er["annual_wage_base"] == base
    assert not ee.get("employer") and er["employer"] is True


@pytest.mark.parametrize("state, employer_amount", [
    # 3,000 biweekly, 2026: CO 3,000 x 0.44% = 13.20; DE 3,000 x 0.4% = 12.00; MA 3,000 x 0.42% = 12.60
    ("CO", "13.20"), ("DE", "12.00"), ("MA", "12.60"),
])
def test_employer_shares_are_employer_lines_2026(state, employer_amount):
    got = {(line.code, line.employer): line.amount for line in compute_state_taxes(ctx(state))}
    assert got[("state_pfml_employer", True)] == D(employer_amount)
    assert ("state_pfml", False) in got


def test_massachusetts_employer_share_stops_at_the_cap():
    """2026 cap 184,500: 184,000 paid earlier, 3,000 pay, 500 counts: employee 500 x 0.46% = 2.30,
    employer 500 x 0.42% = 2.10."""
    got = lines(ctx("MA", ytd="184000"))
    assert (got[("state_pfml", "MA")], got[("state_pfml_employer", "MA")]) == (D("2.30"), D("2.10"))


def test_colorado_employer_share_2025():
    """2025: 3,000 x 0.45% = 13.50 for each half."""
    got = lines(ctx("CO", year=2025))
    assert (got[("state_pfml", "CO")], got[("state_pfml_employer", "CO")]) == (D("13.50"), D("13.50"))


def test_oregon_2025_paid_leave_matches_the_published_maxima():
    """ADP's report of the 2025 release: employee 0.6% of 176,100 = 1,056.60 at most; employer 0.4% = 704.40,
    checked from the parsed rules."""
    progs = _programs("OR", 2025)
    assert D(progs["state_pfml"]["rate"]) * D(progs["state_pfml"]["annual_wage_base"]) == D("1056.6")
    assert D(progs["state_pfml_employer"]["rate"]) * D(progs["state_pfml_employer"]["annual_wage_base"]) == D("704.4")


def test_oregon_2025_paid_leave_lines_come_with_the_income_tax():
    """Oregon 2025 computes since its tables were added (session 23), so a paycheck carries Paid Leave Oregon:
    biweekly 3,000 x 0.6% = 18.00 employee, x 0.4% = 12.00 employer."""
    got = lines(ctx("OR", year=2025))
    assert (got[("state_pfml", "OR")], got[("state_pfml_employer", "OR")]) == (D("18.00"), D("12.00"))


def test_oregon_2026_paid_leave_on_a_paycheck():
    """OED's 2026 notice (Cascade Business News' report): 1% of wages up to 184,500, employee 60%, employer 40%.
    3,000 biweekly: employee 3,000 x 0.6% = 18.00, employer 3,000 x 0.4% = 12.00 (an employer line).
    The maxima: 184,500 x 0.6% = 1,107.00 and x 0.4% = 738.00."""
    got = {(line.code, line.employer): line.amount for line in compute_state_taxes(ctx("OR"))}
    assert got[("state_pfml", False)] == D("18.00")
    assert got[("state_pfml_employer", True)] == D("12.00")
    progs = _programs("OR", 2026)
    assert D(progs["state_pfml"]["rate"]) * D(progs["state_pfml"]["annual_wage_base"]) == D("1107")
    assert D(progs["state_pfml_employer"]["rate"]) * D(progs["state_pfml_employer"]["annual_wage_base"]) == D("738")


def test_oregon_2026_paid_leave_stops_at_the_cap():
    """184,000 paid earlier in 2026, 3,000 now: only 500 is subject: employee 500 x 0.6% = 3.00,
    employer 500 x 0.4% = 2.00."""
    got = {(line.code, line.employer): line.amount for line in compute_state_taxes(ctx("OR", ytd="184000"))}
    assert (got[("state_pfml", False)], got[("state_pfml_employer", True)]) == (D("3.00"), D("2.00"))


@pytest.mark.parametrize("state, year, rate, base, maximum", [
    pytest.param("NJ", 2025, "0.0023", "165400", "380.42", id="NJ-TDI-2025-0.23pct-Larkin"),
    pytest.param("NJ", 2026, "0.0019", "171100", "325.09", id="NJ-TDI-2026-0.19pct-RiskStrategies"),
    pytest.param("RI", 2025, "0.013", "89200", "1159.60", id="RI-TDI-2025-1.3pct-DLT"),
    pytest.param("RI", 2026, "0.011", "100000", "1100.00", id="RI-TDI-2026-1.1pct-DLT-18Dec2025"),
])
def test_disability_maxima_match_the_published_maximum_contribution(state, year, rate, base, maximum):
    """The printed maximum contribution = rate x worker wage base (NJ: Risk Strategies' table; RI: DLT's 2026
    release gives 1,100.00 for 2026 and 1,159.60 for 2025)."""
    p = _programs(state, year)["state_disability"]
    assert (p["rate"], p["annual_wage_base"]) == (rate, base)
    assert (D(rate) * D(base)).quantize(D("0.01")) == D(maximum)


def test_new_jersey_2026_family_leave_maximum():
    """FLI 2026: 0.23% x 171,100 = 393.53 (Risk Strategies' table)."""
    p = _programs("NJ", 2026)["state_family_leave"]
    assert (D(p["rate"]) * D(p["annual_wage_base"])).quantize(D("0.01")) == D("393.53")


@pytest.mark.parametrize("state, year", [("AK", 2025), ("AK", 2026), ("NJ", 2025), ("NJ", 2026)])
def test_employee_unemployment_base_is_the_suta_wage_base(state, year):
    """AK and NJ employees contribute to unemployment on the same taxable wage base as the employer's SUTA
    (suta_wage_bases.json); PA's 0.07% has no cap."""
    p = _programs(state, year)["state_unemployment_employee"]
    assert D(p["annual_wage_base"]) == suta_wage_base(state, year)


@pytest.mark.parametrize("year", [2025, 2026])
def test_pennsylvania_employee_unemployment_has_no_cap(year):
    p = _programs("PA", year)["state_unemployment_employee"]
    assert (p["rate"], p["annual_wage_base"]) == ("0.0007", None)
