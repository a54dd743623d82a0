"""Multi-state rules: reciprocity.json is the one truth, the convenience-of-the-employer rule, wages split by state."""
from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backoffice.errors import ValidationFailed
from backoffice.geo import STATES
from payroll.engine.states import UnsupportedState, compute_state_taxes
from payroll.engine.states.multistate import convenience_state, reciprocal_form, reciprocity_for_year
from payroll.engine.states.rules import DATA_ROOT

try:  # the folder may or may not be a package
    from .test_state_helpers import ctx, explanation, lines
except ImportError:
    from test_state_helpers import ctx, explanation, lines

D = Decimal
YEARS = (2025, 2026)


def _form_code(form: str) -> str:
    """'Form 44-016 (Employee ...)' and '44-016' -> '44-016': the form's number, however a file words it."""
    words = form.replace("Form ", "", 1).split() if form.startswith("Form ") else form.split()
    return words[0].rstrip(",").upper()


@pytest.mark.parametrize("year", YEARS)
def test_every_agreement_runs_both_ways_except_the_district_which_taxes_no_nonresident(year):
    """Reciprocal agreements are mutual (PA-NJ, IN-KY, ...); only DC's exemption of every nonresident is one-way
    (MD and VA exempt DC residents too, by their own agreements)."""
    table = reciprocity_for_year(year)
    for work, entry in table.items():
        if work == "DC":
            assert entry.residents_of == frozenset(STATES) - {"DC"}
            continue
        for home in entry.residents_of:
            back = table.get(home)
            assert back is not None and work in back.residents_of, f"{work} lists {home} but not the reverse"


@pytest.mark.parametrize("year", YEARS)
def test_the_agreements_the_states_print(year):
    """The pairs as the states' forms print them (REV-420, IT 4NR, WH-47, MWR, NDW-R, VA-4, NJ-165, ...)."""
    table = reciprocity_for_year(year)
    expected = {
        "IA": {"IL"}, "IL": {"IA", "KY", "MI", "WI"}, "IN": {"KY", "MI", "OH", "PA", "WI"},
        "KY": {"IL", "IN", "MI", "OH", "VA", "WV", "WI"}, "MD": {"DC", "PA", "VA", "WV"},
        "MI": {"IL", "IN", "KY", "MN", "OH", "WI"}, "MN": {"MI", "ND"}, "MT": {"ND"}, "ND": {"MN", "MT"},
        "NJ": {"PA"}, "OH": {"IN", "KY", "MI", "PA", "WV"}, "PA": {"IN", "MD", "NJ", "OH", "VA", "WV"},
        "VA": {"DC", "KY", "MD", "PA", "WV"}, "WI": {"IL", "IN", "KY", "MI"}, "WV": {"KY", "MD", "OH", "PA", "VA"},
    }
    assert {w: set(e.residents_of) for w, e in table.items() if w != "DC"} == expected
    assert _form_code(table["PA"].form) == "REV-420" and _form_code(table["NJ"].form) == "NJ-165"
    assert _form_code(table["DC"].form) == "D-4A"


@pytest.mark.parametrize("year", YEARS)
def test_state_files_carry_no_second_reciprocity_map(year):
    """reciprocity.json is the one truth for a year that has it: no states/<ST>.json of that year carries its own
    'reciprocity' key (the engine would ignore it, so a disagreement would be a silent second truth)."""
    assert reciprocity_for_year(year)
    carrying = [path.name for path in sorted((DATA_ROOT / str(year) / "states").glob("*.json"))
                if "reciprocity" in json.loads(path.read_text(encoding="utf-8"))]
    assert carrying == []


def test_conditions_travel_with_the_form():
    """KY exempts Virginia residents only if they commute daily (42A809); VA likewise for MD, PA, WV residents."""
    assert "commute daily" in reciprocal_form("KY", "VA", 2026, {})
    assert "commute daily" in reciprocal_form("VA", "MD", 2026, {})
    assert reciprocal_form("VA", "KY", 2026, {}).startswith("VA-4")
    assert reciprocal_form("OH", "IL", 2026, {"IL": "a stray per-state key"}) is None   # the file decides
    assert reciprocal_form("DC", "CA", 2026, {}).startswith("D-4A")


def test_a_year_without_the_file_falls_back_to_the_state_keys():
    assert reciprocal_form("PA", "NJ", 1999, {"NJ": "REV-420"}) == "REV-420"
    assert reciprocal_form("PA", "NY", 1999, {"NJ": "REV-420"}) is None


# --- convenience of the employer --------------------------------------------------------------------------------

def test_new_york_taxes_a_new_jersey_resident_working_from_home_for_convenience():
    """20 NYCRR 132.18(a): NY withholds as if the work were done at the NY office. NY figures as in
    test_state_new_york (NYS-50-T-NYS per-period tables, biweekly 3,000, single, 0 allowances): 140.28;
    SDI 1.20 (0.60/week cap); PFL 0.432% x 3,000 = 12.96. New Jersey (residence) withholds on its residents'
    wages less the other state's withholding: NJ on 3,000 biweekly with no NJ-W4 (rate table A) is 120.74
    (test_state_nj), below NY's 140.28, so the NJ top-up is 0.00."""
    c = ctx("NJ", residence="NJ")
    c = type(c)(**{**c.__dict__, "office_state": "NY", "remote_for_convenience": True})
    assert lines(c) == {("state_income_tax", "NY"): D("140.28"), ("state_disability", "NY"): D("1.20"),
                        ("state_family_leave", "NY"): D("12.96"), ("state_income_tax", "NJ"): D("0.00")}
    text = explanation(c, state="NY")
    assert "convenience" in text and "132.18" in text


def test_remote_work_for_the_employers_necessity_is_taxed_where_it_is_done():
    """Not for convenience: the work state (NJ) withholds exactly as for a worker who never had a NY office
    (NJ on 3,000 biweekly, rate table A: 120.74; NJ UI/WF 0.425% x 3,000 = 12.75; 2026 TDI 0.19% x 3,000 = 5.70,
    FLI 0.23% x 3,000 = 6.90), and NY nothing."""
    c = ctx("NJ", residence="NJ")
    c = type(c)(**{**c.__dict__, "office_state": "NY", "remote_for_convenience": False})
    assert lines(c) == {("state_income_tax", "NJ"): D("120.74"), ("state_unemployment_employee", "NJ"): D("12.75"),
                        ("state_disability", "NJ"): D("5.70"), ("state_family_leave", "NJ"): D("6.90")}


def test_connecticut_applies_its_rule_only_to_residents_of_convenience_states():
    """Conn. Gen. Stat. 12-711(b)(2)(C): a MA resident (MA has no such rule) working from MA for a CT office is
    taxed by MA; a NY resident (NY has the rule) working from NY is taxed by CT."""
    assert convenience_state("CT", "MA", "MA", True, 2026) is None
    assert convenience_state("CT", "NY", "NY", True, 2026).state == "CT"
    assert convenience_state("NY", "CT", "CT", True, 2026).state == "NY"
    assert convenience_state("NY", "NY", "NJ", True, 2026) is None        # works at the office: no rule needed
    assert convenience_state("TX", "CA", "CA", True, 2026) is None        # TX has no such rule


def test_connecticut_taxes_a_new_york_resident_working_from_home_for_its_office():
    """NY has a convenience rule, so CT applies its own to NY residents: the work counts as done in CT. No CT-W4:
    6.99% x 3,000 = 209.70 (Circular CT); CT Paid Leave 0.5% x 3,000 = 15.00. New York (residence) withholds
    only what its own 140.28 (NYS-50-T-NYS, biweekly 3,000, single) exceeds CT's 209.70: 0.00."""
    c = ctx("NY", residence="NY")
    c = type(c)(**{**c.__dict__, "office_state": "CT", "remote_for_convenience": True})
    assert lines(c) == {("state_income_tax", "CT"): D("209.70"), ("state_pfml", "CT"): D("15.00"),
                        ("state_income_tax", "NY"): D("0.00")}


# --- a worker who works in several states in one period ---------------------------------------------------------

def _split(state, residence, shares, **kw):
    c = ctx(state, residence=residence, **kw)
    return type(c)(**{**c.__dict__, "work_shares": tuple((s, D(h)) for s, h in shares)})


def test_pennsylvania_resident_working_in_pennsylvania_and_illinois():
    """Biweekly 3,000; 24 h in PA, 16 h in IL (60% / 40%). Each state on the whole pay, times its share:
    IL (no IL-W-4: no allowances) 3,000 x 4.95% = 148.50 x 40% = 59.40;
    PA 3,000 x 3.07% = 92.10 x 60% = 55.26 (PA asks no withholding on its residents' IL wages).
    PA employee UC 0.07% on the PA share 1,800 = 1.26."""
    c = _split("PA", "PA", [("PA", "24"), ("IL", "16")])
    assert lines(c) == {("state_income_tax", "IL"): D("59.40"), ("state_income_tax", "PA"): D("55.26"),
                        ("state_unemployment_employee", "PA"): D("1.26")}
    assert "split by hours worked: IL 16.00 (40%), PA 24.00 (60%)" in explanation(c, state="IL")


def test_reciprocity_moves_the_kentucky_share_to_indiana():
    """IN resident, 20 h in IN and 20 h in KY; KY-IN reciprocity (42A809 on file: the KY certificate claims it): KY 0;
    IN on the whole pay 78,000 x 2.95% / 26 = 88.50 x (50% own + 50% reciprocal) = 88.50."""
    c = _split("IN", "IN", [("IN", "20"), ("KY", "20")], certificate={"KY": {"reciprocity": True}})
    assert lines(c) == {("state_income_tax", "KY"): D("0.00"), ("state_income_tax", "IN"): D("88.50")}
    assert "42A809" in explanation(c, state="KY")


def test_reciprocity_not_claimed_leaves_the_kentucky_share_with_kentucky():
    """The same IN resident without a KY certificate claiming the exemption (no 42A809 on file): KY withholds on its
    share. KY 2026 on the whole pay: (78,000 - 3,360 standard deduction) x 3.5% = 2,612.40 / 26 = 100.48 x 50% =
    50.24; IN on its own share only: 88.50 x 50% = 44.25 (IN asks no withholding on wages earned elsewhere). The
    KY line says the exemption could be claimed."""
    c = _split("IN", "IN", [("IN", "20"), ("KY", "20")])
    assert lines(c) == {("state_income_tax", "KY"): D("50.24"), ("state_income_tax", "IN"): D("44.25")}
    text = explanation(c, state="KY")
    assert "no claim of it is on file" in text and "42A809" in text


def test_california_resident_gets_a_top_up_over_the_illinois_share():
    """CA resident, 20 h in CA and 20 h in IL (biweekly 3,000, single, no DE 4).
    IL 148.50 x 50% = 74.25. CA on the whole pay (Method B per period, as test_state_reciprocity: 134.06) less
    the IL withholding 74.25 = 59.81. CA SDI 1.3% on the CA share 1,500 = 19.50 (none on the IL share)."""
    c = _split("CA", "CA", [("CA", "20"), ("IL", "20")])
    assert lines(c) == {("state_income_tax", "IL"): D("74.25"), ("state_income_tax", "CA"): D("59.81"),
                        ("state_disability", "CA"): D("19.50")}


def test_texas_resident_with_a_day_in_new_york_pays_new_york_on_its_share_at_the_whole_pay_rate():
    """36 h TX, 4 h NY (10%): NY on the whole pay 140.30 (NYS-50-T-NYS, as above) x 10% = 14.03.
    NY SDI 0.5% x 300 = 1.50, capped at 0.60 x 52 / 26 = 1.20; PFL 0.432% x 300 = 1.296 -> 1.30. TX: no tax."""
    c = _split("TX", "TX", [("TX", "36"), ("NY", "4")])
    got = lines(c)
    assert got[("state_income_tax", "NY")] == D("14.03")
    assert got[("state_disability", "NY")] == D("1.20") and got[("state_family_leave", "NY")] == D("1.30")
    assert got[("state_income_tax", "TX")] == D("0.00")


def test_a_share_in_an_uncovered_state_is_refused_not_zero():
    """Utah's June 2025 pay dates are refused without the period start (the tables change for periods beginning on or
    after 1 June): a share there is refused by name, never zero. (Oregon 2025 was the example until its tables were
    added in session 23.)"""
    with pytest.raises(UnsupportedState, match="UT"):
        compute_state_taxes(_split("PA", "PA", [("PA", "30"), ("UT", "10")], year=2025, pay_date=date(2025, 6, 13)))


def test_shares_that_name_no_state_are_reported():
    with pytest.raises(ValidationFailed):
        compute_state_taxes(_split("PA", "PA", [("PA", "30"), ("XX", "10")]))


def test_one_state_in_the_shares_is_the_plain_calculation():
    """All hours in PA: 3,000 x 3.07% = 92.10, as without shares."""
    assert lines(_split("PA", "PA", [("PA", "40")]))[("state_income_tax", "PA")] == D("92.10")


FLAT = {"PA": D("0.0307"), "IL": D("0.0495"), "IN": D("0.0295")}   # 2026, no allowances without a certificate


@settings(max_examples=60, deadline=None)
@given(gross=st.decimals(min_value=100, max_value=20000, places=2),
       hours=st.lists(st.integers(min_value=1, max_value=60), min_size=3, max_size=3))
def test_a_split_among_flat_rate_states_withholds_each_rate_on_its_share(gross, hours):
    """A Texas resident (no residence-state tax, no reciprocity) split among PA, IL and IN, which tax a flat rate
    with no allowance when no certificate is on file: each state's line is its rate x the whole pay x its share
    of the hours, to the cent (each line rounds once)."""
    c = _split("TX", "TX", list(zip(FLAT, map(str, hours))), gross=str(gross))
    got = lines(c)
    total = sum(hours)
    for (state, rate), h in zip(FLAT.items(), hours):
        whole = (gross * rate).quantize(D("0.01"), rounding="ROUND_HALF_UP")
        share = D(h) / D(total)
        assert abs(got[("state_income_tax", state)] - whole * share) <= D("0.005") + D("1e-9"), state


def test_the_shares_wages_add_up_to_the_gross():
    """100.00 split 1 h / 1 h / 1 h among IL, IN, PA (in that order): 33.33, 33.33 and the rest, 33.34 (W-2 box 16
    per state adds up to the pay)."""
    got = {x.state: x.wages for x in compute_state_taxes(_split("TX", "TX", [("PA", "1"), ("IL", "1"), ("IN", "1")],
                                                                 gross="100.00"))
           if x.code == "state_income_tax" and x.state != "TX"}
    assert got == {"IL": D("33.33"), "IN": D("33.33"), "PA": D("33.34")}
