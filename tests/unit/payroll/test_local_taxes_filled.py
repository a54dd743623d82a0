"""Localities filled in for issue 15: Indiana county income tax (Departmental Notice #1, R46 / 01-26: the county rate on
wages less the WH-4 exemptions), Lane Transit District, and Toledo, Akron and Dayton."""
from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from payroll.engine.locals import LocalContext, Locality, UnsupportedLocality, compute_local_taxes
from payroll.engine.locals.rules import localities_for_year

D = Decimal
PAY = date(2026, 3, 6)
ROOT = Path(__file__).resolve().parents[3]


def county_tax(residence, work, *, gross="1000.00", periods=52, wh4=None, pretax=None, pay_date=PAY):
    lines = compute_local_taxes(LocalContext(
        pay_date=pay_date, periods_per_year=periods, residence=residence, work=work, gross=D(gross),
        pretax={k: D(v) for k, v in (pretax or {}).items()},
        state_certificates={"IN": wh4} if wh4 is not None else {}))
    assert [ln.locality for ln in lines] == ["IN-COUNTY"]
    return lines[0]


def test_departmental_notice_1_example_weekly_800_county_4_73():
    """DN #1 (R46 / 01-26) example: weekly $800; 5 personal, 3 dependent + 1 first-time (4 x $1,500), 2 adopted
    ($3,000 each) exemptions: (5,000 + 6,000 + 6,000) / 52 = 326.92; 800 - 326.92 = 473.08; the example's 1% county
    rate (Harrison County is 1% in 2026): 4.7308 -> 4.73."""
    line = county_tax(Locality("IN", county="Harrison"), None, gross="800.00",
                      wh4={"personal_exemptions": 5, "dependents": 4, "adopted_dependents": 2})
    assert line.amount == D("4.73")
    assert line.wages == D("800.00")
    assert any("326.92" in s and "473.08" in s for s in line.explanation)


def test_marion_county_resident_biweekly_one_exemption():
    """Marion 2.02%; biweekly 2,000, 1 personal exemption: 1,000 / 26 = 38.46; 1,961.54 x 2.02% = 39.6231 -> 39.62."""
    line = county_tax(Locality("IN", city="Indianapolis", county="Marion"), None, gross="2000.00", periods=26,
                      wh4={"personal_exemptions": 1})
    assert line.amount == D("39.62")


def test_no_wh4_no_exemptions_and_the_address_county():
    """No WH-4: no exemptions; St. Joseph County 1.75% x 1,000 = 17.50 (the address's 'St. Joseph' is ST_JOSEPH)."""
    assert county_tax(Locality("IN", city="South Bend", county="St. Joseph"), None).amount == D("17.50")


def test_wh4_county_of_january_1_wins_over_the_current_address():
    """Lived in Marion on January 1 (WH-4), moved to Hamilton since: Marion 2.02% x 1,000 = 20.20 (Hamilton: 11.00)."""
    line = county_tax(Locality("IN", county="Hamilton"), None, wh4={"county": "MARION"})
    assert line.amount == D("20.20")


def test_illinois_resident_working_in_lake_county_pays_the_work_county_rate():
    """An Indiana nonresident pays the rate of the county of principal work: Lake 1.5% x 1,000 = 15.00."""
    line = county_tax(Locality("IL", city="Chicago", county="Cook"), Locality("IN", city="Hammond", county="Lake"))
    assert line.amount == D("15.00")


def test_ohio_resident_under_reciprocity_still_owes_the_work_county_tax():
    """Ohio resident (state tax exempt by reciprocity) working in Fort Wayne, WH-4 county ALLEN, 1 exemption:
    1,000 / 52 = 19.23; 980.77 x 1.59% = 15.5942 -> 15.59."""
    line = county_tax(Locality("OH", city="Defiance", school_district="NONE"),
                      Locality("IN", city="Fort Wayne", county="Allen"),
                      wh4={"county": "ALLEN", "personal_exemptions": 1, "reciprocity": True})
    assert line.amount == D("15.59")


def test_401k_is_not_county_taxable():
    """Marion 2.02%: (1,000 - 100 of 401(k)) x 2.02% = 18.18."""
    line = county_tax(Locality("IN", county="Marion"), None, pretax={"401k": "100.00"})
    assert line.amount == D("18.18")
    assert line.wages == D("900.00")


def test_a_worker_whose_county_is_unknown_is_refused():
    with pytest.raises(UnsupportedLocality, match="county is not known"):
        compute_local_taxes(LocalContext(pay_date=PAY, periods_per_year=52, residence=Locality("IN", city="Muncie"),
                                         work=None, gross=D("1000")))


def test_an_unknown_county_name_is_refused():
    with pytest.raises(UnsupportedLocality, match="not in the data"):
        county_tax(Locality("IN", county="Atlantis"), None)


def test_2025_marion_weekly():
    """2025 (inferred January 2025 notice): Marion 2.02%; 1,000 - 1,000 / 52 (19.23) = 980.77 x 2.02% = 19.8116
    -> 19.81."""
    line = county_tax(Locality("IN", county="Marion"), None, pay_date=date(2025, 6, 6), wh4={"personal_exemptions": 1})
    assert line.amount == D("19.81")


@pytest.mark.parametrize("pay_date, expected", [(date(2025, 12, 5), "19.50"), (date(2026, 1, 2), "23.50")])
def test_howard_county_rate_rises_on_january_1_2026(pay_date, expected):
    """Howard County 1.95% in 2025, 2.35% from January 1, 2026 (DOR announcement): 1,000 x rate."""
    assert county_tax(Locality("IN", county="Howard"), None, pay_date=pay_date).amount == D(expected)


def test_2025_county_with_an_october_change_of_unknown_year_is_refused_before_october():
    with pytest.raises(UnsupportedLocality, match="Henry|HENRY"):
        county_tax(Locality("IN", county="Henry"), None, pay_date=date(2025, 6, 6))
    assert county_tax(Locality("IN", county="Henry"), None, pay_date=date(2025, 10, 3)).amount == D("20.20")


def test_the_2026_data_has_exactly_the_wh4_counties_of_onboarding():
    """The county codes must be the onboarding certificate's 92 WH-4 counties (backoffice/onboarding/data)."""
    forms = json.loads((ROOT / "backoffice/onboarding/data/state_certificates.json").read_text())["forms"]
    field = next(f for f in forms["IN"]["fields"] if f["name"] == "county")
    rule = next(r for r in localities_for_year(2026) if r.code == "IN-COUNTY")
    assert set(rule.params["county_rates"]) == {c[0] for c in field["choices"]}
    assert len(rule.params["county_rates"]) == 92
    assert all(D("0.005") <= r <= D("0.0338") for r in rule.params["county_rates"].values())


# --- Oregon: Lane Transit District -------------------------------------------------------------------------------

def test_lane_transit_district_employer_tax_2026():
    """Eugene work site, $1,000.00: employer LTD tax 0.80% = 8.00 (LTD payroll tax page), and the employee's
    statewide transit tax 0.1% = 1.00."""
    lines = compute_local_taxes(LocalContext(pay_date=PAY, periods_per_year=52, residence=Locality("OR", city="Eugene"),
                                             work=Locality("OR", city="Eugene"), gross=D("1000.00")))
    got = {(ln.locality, ln.employer): ln.amount for ln in lines}
    assert got == {("OR-LTD", True): D("8.00"), ("OR-STT", False): D("1.00")}


def test_lane_transit_district_2025_is_still_refused():
    with pytest.raises(UnsupportedLocality, match="Lane Transit"):
        compute_local_taxes(LocalContext(pay_date=date(2025, 5, 2), periods_per_year=52,
                                         residence=Locality("OR", city="Eugene"), work=Locality("OR", city="Eugene"),
                                         gross=D("1000.00")))


def test_lane_transit_district_2025_does_not_hold_a_worker_who_only_lives_there():
    """LTD's tax is on wages for work in the district (applies: workers), so its missing 2025 rate concerns only
    work sites there: a Eugene resident working in Portland on 2 May 2025 owes TriMet's employer tax (0.8237% of
    1,000.00 = 8.24; 2025 rate) and the statewide transit tax (1.00), and is not refused for Lane Transit."""
    lines = compute_local_taxes(LocalContext(pay_date=date(2025, 5, 2), periods_per_year=52,
                                             residence=Locality("OR", city="Eugene"),
                                             work=Locality("OR", city="Portland"), gross=D("1000.00")))
    got = {(ln.locality, ln.employer): ln.amount for ln in lines}
    assert got == {("OR-TRIMET", True): D("8.24"), ("OR-STT", False): D("1.00")}


# --- Ohio: Toledo, Akron, Dayton ----------------------------------------------------------------------------------

def _oh(home, work, pay_date=PAY, cert=None):
    lines = compute_local_taxes(LocalContext(pay_date=pay_date, periods_per_year=52, residence=home, work=work,
                                             gross=D("1000.00"), certificate=cert or {}))
    return {ln.locality: ln.amount for ln in lines}


@pytest.mark.parametrize("city, code", [("Toledo", "OH-TOLEDO"), ("Akron", "OH-AKRON"), ("Dayton", "OH-DAYTON")])
@pytest.mark.parametrize("pay_date", [date(2025, 6, 6), PAY])
def test_toledo_akron_dayton_withhold_2_5_percent_at_the_work_city(city, code, pay_date):
    """Each city's rate is 2.5% in 2025 and 2026 (Toledo 2.25% + 0.25% to 2028; Akron 2.25% + 0.25% since 2018;
    Dayton 2.25% + 0.25% renewed for 2025-2032): a nonresident (Columbus resident, no residence withholding asked)
    working there, $1,000 x 2.5% = 25.00; the Columbus resident line is not withheld."""
    got = _oh(Locality("OH", city="Columbus", school_district="NONE"), Locality("OH", city=city), pay_date)
    assert got == {code: D("25.00"), "OH-COLUMBUS": D("0.00")}


def test_dayton_resident_working_in_columbus_owes_nothing_more_after_the_full_credit():
    """Dayton resident asking for residence withholding, working in Columbus: Columbus 2.5% = 25.00; Dayton 2.5% =
    25.00 less its full credit (100% of the Columbus tax, up to 2.5% of wages) = 0.00."""
    got = _oh(Locality("OH", city="Dayton", school_district="NONE"), Locality("OH", city="Columbus"),
              cert={"withhold_residence_city": True})
    assert got == {"OH-COLUMBUS": D("25.00"), "OH-DAYTON": D("0.00")}


def test_cincinnati_resident_working_in_columbus_gets_credit_up_to_cincinnatis_rate():
    """Cincinnati resident asking for residence withholding, working in Columbus: Columbus 2.5% = 25.00; Cincinnati
    1.8% = 18.00, less its credit (100% of the Columbus tax, up to 1.8% of wages = 18.00) = 0.00."""
    got = _oh(Locality("OH", city="Cincinnati", school_district="NONE"), Locality("OH", city="Columbus"),
              cert={"withhold_residence_city": True})
    assert got == {"OH-COLUMBUS": D("25.00"), "OH-CINCINNATI": D("0.00")}


def test_dayton_resident_working_in_cincinnati_owes_dayton_the_difference():
    """Dayton resident asking for residence withholding, working in Cincinnati: Cincinnati 1.8% = 18.00; Dayton 2.5%
    = 25.00 less its credit (100% of the Cincinnati tax 18.00, within Dayton's 2.5% limit) = 7.00."""
    got = _oh(Locality("OH", city="Dayton", school_district="NONE"), Locality("OH", city="Cincinnati"),
              cert={"withhold_residence_city": True})
    assert got == {"OH-CINCINNATI": D("18.00"), "OH-DAYTON": D("7.00")}
