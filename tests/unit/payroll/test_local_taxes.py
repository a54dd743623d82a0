"""Local taxes (payroll/engine/locals): each locality's published example or a hand calculation from its formula."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from payroll.engine.locals import (LocalContext, Locality, UnsupportedLocality, compute_local_taxes,
                                   localities_for_year)
from payroll.engine.locals.rules import CONFIDENCE_LEVELS, parse_locality

D = Decimal
PAY = date(2026, 3, 6)


def ctx(residence: Locality | None, work: Locality | None, *, gross: str = "1000.00", periods: int = 52,
        pretax: dict | None = None, cert: dict | None = None, state_certs: dict | None = None,
        state_tax: dict | None = None, ytd: dict | None = None, pay_date: date = PAY) -> LocalContext:
    return LocalContext(pay_date=pay_date, periods_per_year=periods, residence=residence, work=work, gross=D(gross),
                        pretax={k: D(v) for k, v in (pretax or {}).items()}, certificate=cert or {},
                        state_certificates=state_certs or {}, state_income_tax={k: D(v) for k, v in
                                                                                (state_tax or {}).items()},
                        ytd_local={k: D(v) for k, v in (ytd or {}).items()})


def amounts(context: LocalContext) -> dict[str, Decimal]:
    out = {}
    for line in compute_local_taxes(context):
        assert line.locality not in out
        out[line.locality] = line.amount
    return out


NYC = Locality("NY", city="Brooklyn")
DETROIT = Locality("MI", city="Detroit")
PHILA = Locality("PA", city="Philadelphia", psd_code="510101")
PGH = Locality("PA", city="Pittsburgh", psd_code="700102")
COLUMBUS = Locality("OH", city="Columbus", school_district="NONE")
CLEVELAND = Locality("OH", city="Cleveland", school_district="NONE")


# --- Michigan: Detroit ---------------------------------------------------------------------------------------

def test_detroit_form_5469_example_weekly_resident_with_three_exemptions_withholds_3_97():
    """Form 5469 (City of Detroit Income Tax Withholding Guide), page 2 example: $200.00 weekly, lives in Detroit,
    3 exemptions: $200.00 - $34.62 (3 x $600 / 52) = $165.38 taxed; x 2.4% = $3.97."""
    assert amounts(ctx(DETROIT, DETROIT, gross="200.00", cert={"city_exemptions": 3})) == {"MI-DETROIT": D("3.97")}


def test_detroit_nonresident_working_in_detroit_pays_half_the_resident_rate():
    """Lives in Dearborn (no city tax in the data), works in Detroit, no DW-4: $1,000 x 1.2% = $12.00."""
    assert amounts(ctx(Locality("MI", city="Dearborn"), DETROIT)) == {"MI-DETROIT": D("12.00")}


def test_detroit_resident_working_elsewhere_still_pays_the_resident_rate():
    """Form 5469: residents are taxed on all compensation wherever earned: $1,000 x 2.4% = $24.00."""
    assert amounts(ctx(DETROIT, Locality("MI", city="Southfield"))) == {"MI-DETROIT": D("24.00")}


# --- New York City and Yonkers ---------------------------------------------------------------------------------

NYC_2011_SINGLE = {
    "code": "NYC-5-11", "name": "New York City", "kind": "local_income_tax", "applies": "residents",
    "match": {"cities": ["NEW YORK"]}, "method": "period_table",
    "params": {"deduction": {"52:single": "96.15", "12:single": "416.70"}, "exemption": {"52": "19.25", "12": "83.30"}},
    "tables": {   # NYS-50-T-NYC (5/11) page 25, single, Tables II-A (weekly) and II-D (monthly)
        "52:single": [[0, "0.0190", "0"], [154, "0.0265", "2.92"], [167, "0.0310", "3.29"], [288, "0.0370", "7.04"],
                      [481, "0.0390", "14.15"], [1154, "0.0400", "40.40"], [9615, "0.0425", "378.87"]],
        "12:single": [[0, "0.0190", "0"], [667, "0.0265", "12.67"], [725, "0.0310", "14.25"],
                      [1250, "0.0370", "30.50"], [2083, "0.0390", "61.33"], [5000, "0.0400", "175.08"],
                      [41667, "0.0425", "1641.75"]]},
    "publication": "NYS-50-T-NYC (5/11)", "source_url": "https://www.tax.ny.gov/", "confidence": "example"}


@pytest.mark.parametrize("periods, gross, expected", [
    (52, "400.00", "5.74"),       # NYS-50-T-NYC (5/11) p. 27 example 1: 400 - 153.90 = 246.10; 79.10 x .0310 + 3.29
    (12, "50000.00", "1967.57"),  # example 3: 50,000 - 666.60 = 49,333.40; 7,666.40 x .0425 = 325.82 + 1,641.75
])
def test_nyc_exact_calculation_reproduces_the_publications_single_examples(monkeypatch, periods, gross, expected):
    """The method itself, on the 5/11 edition's single tables (the edition whose worked examples could be read):
    single, 3 exemptions."""
    rule = parse_locality(NYC_2011_SINGLE, "NY", 2026, "test")
    monkeypatch.setattr("payroll.engine.locals.localities_for_year", lambda year: (rule,))
    got = amounts(ctx(Locality("NY", city="New York"), None, gross=gross, periods=periods,
                      state_certs={"NY": {"filing_status": "single", "allowances": 3}}))
    assert got == {"NYC-5-11": D(expected)}


def test_nyc_2026_married_weekly_worked_by_hand():
    """Married, 2 allowances (IT-2104), weekly $1,000: Table A weekly married 2 = $144.25 (105.75 + 2 x 19.25);
    net $855.75; NYS-50-T-NYC (1/26) weekly line 5 (481 to 1,154): (855.75 - 481) x .0415 = 15.55; + 15.06 = $30.61."""
    got = amounts(ctx(NYC, NYC, state_certs={"NY": {"filing_status": "married", "allowances": 2}}))
    assert got == {"NYC": D("30.61")}


def test_nyc_is_withheld_only_from_residents():
    assert amounts(ctx(Locality("NJ", city="Hoboken"), NYC)) == {}


def test_nyc_single_weekly_uses_its_own_allowances_on_the_single_or_married_rates():
    """Single, 0 allowances, weekly $1,000: Table A single 0 = $96.15; net $903.85; line 5: (903.85 - 481) x .0415
    = 17.55; + 15.06 = $32.61 (hand calculation; the 1/26 single and married schedules are identical)."""
    assert amounts(ctx(NYC, NYC, state_certs={"NY": {"filing_status": "single"}})) == {"NYC": D("32.61")}


def test_nyc_quarterly_is_worked_on_the_monthly_table_as_the_conversion_of_tables_says():
    """NYS-50-T-NYC "Conversion of Tables" (page 32, 6/15 and 7/17 editions): quarterly wages / 3 on the monthly
    table, the result x 3. Quarterly $6,000, single, 0 allowances (2026): $2,000.00 a month less the monthly
    deduction allowance $416.70 = $1,583.30; monthly line 4: ($1,583.30 - 1,250) x .0395 = $13.16535 -> $13.17
    + $32.33 = $45.50; x 3 = $136.50. Semiannual $12,000: $2,000.00 a month, the same $45.50, x 6 = $273.00."""
    single = {"NY": {"filing_status": "single"}}
    assert amounts(ctx(NYC, NYC, gross="6000.00", periods=4, state_certs=single)) == {"NYC": D("136.50")}
    assert amounts(ctx(NYC, NYC, gross="12000.00", periods=2, state_certs=single)) == {"NYC": D("273.00")}


def test_nyc_annual_payroll_is_refused():
    with pytest.raises(UnsupportedLocality, match="1 pay periods"):
        compute_local_taxes(ctx(NYC, NYC, periods=1, state_certs={"NY": {"filing_status": "married"}}))


def test_yonkers_resident_surcharge_is_16_75_percent_of_the_state_withholding():
    """NYS-50-T-Y: resident surcharge 16.75%: NYS withholding $50.00 x 16.75% = $8.375 -> $8.38."""
    yonkers = Locality("NY", city="Yonkers")
    assert amounts(ctx(yonkers, yonkers, state_tax={"NY": "50.00"})) == {"YONKERS-R": D("8.38")}


def test_yonkers_nonresident_earnings_tax_is_half_a_percent_of_wages():
    """Lives in White Plains, works in Yonkers: $1,000 x 0.5% = $5.00."""
    assert amounts(ctx(Locality("NY", city="White Plains"), Locality("NY", city="Yonkers"))) == {"YONKERS-NR": D("5.00")}


# --- Pennsylvania: EIT (Act 32), Philadelphia wage tax, LST --------------------------------------------------------

def test_philadelphia_resident_pays_the_resident_wage_tax():
    """From July 1, 2025: 3.74% resident. $1,000 x 3.74% = $37.40."""
    assert amounts(ctx(PHILA, PHILA)) == {"PA-510101": D("37.40")}


def test_philadelphia_rate_changes_by_pay_date_on_july_1_2025():
    """Pay date 2025-06-27: 3.75% ($37.50); 2025-07-03: 3.74% ($37.40)."""
    assert amounts(ctx(PHILA, PHILA, pay_date=date(2025, 6, 27))) == {"PA-510101": D("37.50")}
    assert amounts(ctx(PHILA, PHILA, pay_date=date(2025, 7, 3))) == {"PA-510101": D("37.40")}


def test_philadelphia_from_july_1_2026_withholds_the_fiscal_2027_rates():
    """Pay date 2026-07-10 (FY2027): resident 3.735%, non-resident 3.425% (Council Bill 250195's schedule; the rates
    read from phila.gov, October 2026). Resident: $1,000 x 3.735% = $37.35. Cherry Hill NJ resident working in
    Philadelphia: $1,000 x 3.425% = $34.25. On 2026-06-26 still FY2026: $37.40."""
    july = date(2026, 7, 10)
    assert amounts(ctx(PHILA, PHILA, pay_date=date(2026, 6, 26))) == {"PA-510101": D("37.40")}
    assert amounts(ctx(PHILA, PHILA, pay_date=july)) == {"PA-510101": D("37.35")}
    assert amounts(ctx(Locality("NJ", city="Cherry Hill"), PHILA, pay_date=july)) == {"PA-510101": D("34.25")}


def test_philadelphia_fiscal_2027_rates_round_to_the_cent():
    """$1,234.56 biweekly on 2026-07-10: resident 1,234.56 x 0.03735 = 46.1108... -> $46.11; non-resident
    1,234.56 x 0.03425 = 42.2836... -> $42.28."""
    july = date(2026, 7, 10)
    assert amounts(ctx(PHILA, PHILA, gross="1234.56", periods=26, pay_date=july)) == {"PA-510101": D("46.11")}
    assert amounts(ctx(Locality("NJ", city="Cherry Hill"), PHILA, gross="1234.56", periods=26,
                       pay_date=july)) == {"PA-510101": D("42.28")}


def test_new_jersey_resident_working_in_philadelphia_pays_the_nonresident_wage_tax():
    """Lives in Cherry Hill NJ, works in Philadelphia: $1,000 x 3.43% = $34.30 (no PA resident EIT)."""
    assert amounts(ctx(Locality("NJ", city="Cherry Hill"), PHILA)) == {"PA-510101": D("34.30")}


def test_pittsburgh_resident_working_in_philadelphia_gets_the_wage_tax_credited_against_the_resident_eit():
    """Philadelphia nonresident $34.30; Pittsburgh resident EIT $1,000 x 3% = $30.00 less the $34.30 credit = $0."""
    assert amounts(ctx(PGH, PHILA)) == {"PA-510101": D("34.30"), "PA-700102": D("0.00")}


def test_pittsburgh_resident_pays_the_resident_rate_on_wages_less_section_125_and_the_lst():
    """$1,000 less $50 Section 125 = $950 x 3% = $28.50; LST $52 / 52 weekly = $1.00."""
    got = amounts(ctx(PGH, PGH, pretax={"section125": "50", "401k": "100"}))
    assert got == {"PA-700102": D("28.50"), "PA-LST-700102": D("1.00")}


def test_nonresident_of_pennsylvania_working_in_pittsburgh_pays_the_nonresident_rate():
    """Act 32: lives in Ohio (no PA resident rate): the work place's 1% nonresident rate, $10.00; LST $1.00."""
    got = amounts(ctx(Locality("OH", city="Steubenville", school_district="NONE"), PGH))
    assert got == {"PA-700102": D("10.00"), "PA-LST-700102": D("1.00")}


@pytest.mark.parametrize("periods, ytd, expected", [
    (26, "0", "2.00"),       # $52 / 26
    (24, "0", "2.16"),       # $52 / 24 = 2.1666... rounded down (Act 7: round down to the cent), not 2.17
    (52, "0", "1.00"),       # DCED's LST example: $52 weekly -> $1.00
    (12, "0", "4.33"),       # DCED's LST example: $52 monthly -> $4.33 (4.3333...)
    (24, "50.00", "2.00"),   # only $2.00 left of the $52 a year
    (24, "52.00", "0.00"),
])
def test_local_services_tax_is_prorated_per_period_rounded_down_and_stops_at_52_dollars(periods, ytd, expected):
    """The pro rata share is the year's LST divided by the payroll periods, rounded down to the cent (Local Tax
    Enabling Act as amended by Act 7 of 2007, in every LST ordinance, e.g. Lamar Township Code 24-207; DCED's Local
    Services Tax page prints the weekly and monthly examples)."""
    got = amounts(ctx(Locality("NJ", city="Trenton"), PGH, periods=periods, ytd={"PA-LST-700102": ytd}))
    assert got["PA-LST-700102"] == D(expected)


def test_local_services_tax_exemption_certificate_withholds_nothing():
    got = amounts(ctx(Locality("NJ", city="Trenton"), PGH, cert={"lst_exempt": True}))
    assert got["PA-LST-700102"] == D("0.00")


def test_pennsylvania_locality_without_a_known_psd_code_is_refused():
    with pytest.raises(UnsupportedLocality, match="no PSD code"):
        compute_local_taxes(ctx(Locality("PA", city="Erie"), Locality("PA", city="Erie")))
    with pytest.raises(UnsupportedLocality, match="PSD code 250201"):
        compute_local_taxes(ctx(Locality("PA", psd_code="250201"), Locality("PA", psd_code="250201")))


# --- Ohio: municipal income tax and school districts ------------------------------------------------------------

def test_columbus_resident_working_in_columbus_pays_2_5_percent():
    """$2,000 biweekly x 2.5% = $50.00 (Section 125 excluded from qualifying wages, 401(k) not)."""
    got = amounts(ctx(COLUMBUS, COLUMBUS, gross="2100.00", periods=26, pretax={"section125": "100", "401k": "200"}))
    assert got == {"OH-COLUMBUS": D("50.00")}


def test_cleveland_resident_working_in_columbus_owes_cleveland_the_rest_after_its_50_percent_credit():
    """Columbus $2,000 x 2.5% = $50.00 withheld for the work city; Cleveland 2.5% = $50.00 less 50% credit of
    $50.00 = $25.00, withheld because the employee asked for residence withholding."""
    got = amounts(ctx(CLEVELAND, COLUMBUS, gross="2000.00", periods=26, cert={"withhold_residence_city": True}))
    assert got == {"OH-COLUMBUS": D("50.00"), "OH-CLEVELAND": D("25.00")}


def test_ohio_residence_city_tax_is_not_withheld_unless_asked():
    got = amounts(ctx(CLEVELAND, COLUMBUS, gross="2000.00", periods=26))
    assert got == {"OH-COLUMBUS": D("50.00"), "OH-CLEVELAND": D("0.00")}


def test_ohio_work_city_not_in_the_data_is_refused():
    with pytest.raises(UnsupportedLocality, match="Ohio work city Lima"):
        compute_local_taxes(ctx(COLUMBUS, Locality("OH", city="Lima")))


def test_ohio_resident_without_a_school_district_number_is_refused():
    with pytest.raises(UnsupportedLocality, match="school district number"):
        compute_local_taxes(ctx(Locality("OH", city="Columbus"), COLUMBUS))


SD_TRADITIONAL = {"code": "OH-SD-TEST", "name": "Test LSD", "kind": "school_district_tax", "applies": "residents",
                  "match": {"school_districts": ["9999"]}, "method": "oh_school_district",
                  "rates": {"resident": "0.01"}, "params": {"base": "traditional", "exemption_amount": "650"},
                  "exempt_pretax": ["401k", "section125"], "publication": "test", "source_url": "test",
                  "confidence": "formula"}


@pytest.mark.parametrize("base, expected", [("traditional", "19.00"), ("earned_income", "19.50")])
def test_ohio_school_district_tax_follows_the_departments_formula(monkeypatch, base, expected):
    """Ohio FAQ (school district withholding): traditional base = federal taxable wages less $650 per Ohio exemption
    prorated over the pay periods; earned-income base = federal taxable wages. Biweekly $2,000 less $50 401(k) =
    $1,950; traditional: 2 x 650 / 26 = $50.00, $1,900 x 1% = $19.00; earned income: $1,950 x 1% = $19.50."""
    rule = parse_locality({**SD_TRADITIONAL, "params": {"base": base, "exemption_amount": "650"}}, "OH", 2026, "t")
    monkeypatch.setattr("payroll.engine.locals.localities_for_year", lambda year: (rule,))
    home = Locality("OH", city="Nowhere", school_district="9999")
    got = amounts(ctx(home, None, gross="2000.00", periods=26, pretax={"401k": "50"},
                      cert={"school_district_exemptions": 2}))
    assert got == {"OH-SD-TEST": D(expected)}


# --- Kentucky, Oregon, Indiana ----------------------------------------------------------------------------------

def test_louisville_rate_depends_on_residence_for_work_in_jefferson_county():
    """Resident $1,000 x 2.2% = $22.00; nonresident x 1.45% = $14.50."""
    lou = Locality("KY", city="Louisville", county="Jefferson")
    assert amounts(ctx(lou, lou)) == {"KY-LOUISVILLE": D("22.00")}
    assert amounts(ctx(Locality("KY", city="Shepherdsville"), lou)) == {"KY-LOUISVILLE": D("14.50")}


def test_lexington_fee_is_2_25_percent_of_gross_wages_including_section_125_and_401k():
    """$1,000 gross (the fee base includes deferred compensation and Section 125): x 2.25% = $22.50."""
    lex = Locality("KY", city="Lexington")
    assert amounts(ctx(lex, lex, pretax={"401k": "100", "section125": "50"})) == {"KY-LEXINGTON": D("22.50")}


def test_oregon_statewide_transit_tax_and_the_employers_trimet_tax():
    """Statewide transit 0.1% of $1,000 less $100 401(k) = $0.90 (employee); TriMet 0.8237% of $1,000 = $8.237 ->
    $8.24 (employer, on payroll including deferrals)."""
    pdx = Locality("OR", city="Portland")
    lines = {x.locality: x for x in compute_local_taxes(ctx(pdx, pdx, pretax={"401k": "100"}))}
    assert (lines["OR-STT"].amount, lines["OR-STT"].employer) == (D("0.90"), False)
    assert (lines["OR-TRIMET"].amount, lines["OR-TRIMET"].employer) == (D("8.24"), True)


def test_oregon_resident_working_in_washington_still_pays_the_statewide_transit_tax():
    assert amounts(ctx(Locality("OR", city="Salem"), Locality("WA", city="Vancouver"))) == {"OR-STT": D("1.00")}


def test_indiana_county_tax_without_a_known_county_is_refused():
    with pytest.raises(UnsupportedLocality, match="county is not known"):
        compute_local_taxes(ctx(Locality("IN", city="Indianapolis"), None))


def test_no_locality_given_computes_no_local_tax():
    assert compute_local_taxes(ctx(None, None)) == []


def test_every_line_says_its_source_and_confidence():
    for line in compute_local_taxes(ctx(DETROIT, DETROIT)):
        assert line.explanation[-1].startswith("Source: Michigan Department of Treasury, Form 5469")
        assert "(example)" in line.explanation[-1]


# --- the data ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("year", [2025, 2026])
def test_local_data_files_parse_and_every_locality_names_its_publication_and_confidence(year):
    rules = localities_for_year(year)
    assert {r.state for r in rules} == {"NY", "PA", "OH", "MI", "KY", "OR", "IN", "MO", "DE", "AL", "CO"}
    for r in rules:
        assert r.publication and r.source_url and r.confidence in CONFIDENCE_LEVELS
        if r.unsupported is None and r.method != "pa_lst":
            assert (r.rates or r.tables or r.params.get("county_rates") or r.districts
                    or r.params.get("monthly_amount")), r.code


def test_both_years_hold_the_same_localities():
    assert {r.code for r in localities_for_year(2025)} == {r.code for r in localities_for_year(2026)}


# --- properties ----------------------------------------------------------------------------------------------------

@settings(max_examples=60, deadline=None)
@given(a=st.integers(0, 2_000_000), b=st.integers(0, 2_000_000), allowances=st.integers(0, 6))
def test_local_withholding_never_decreases_as_wages_rise(a, b, allowances):
    """NYC (married weekly table), Detroit (exemptions), Pittsburgh EIT: more wages never withhold less."""
    lo, hi = sorted((D(a) / 100, D(b) / 100))
    for home, cert, certs in ((NYC, {}, {"NY": {"filing_status": "married", "allowances": allowances}}),
                              (DETROIT, {"city_exemptions": allowances}, {}),
                              (PGH, {}, {})):
        low = sum(amounts(ctx(home, home, gross=str(lo), cert=cert, state_certs=certs)).values())
        high = sum(amounts(ctx(home, home, gross=str(hi), cert=cert, state_certs=certs)).values())
        assert high >= low


# --- in the paycheck ---------------------------------------------------------------------------------------------

def _paycheck(state: str, home: Locality, work: Locality, gross: str, *, freq=None, certs=None, local_cert=None,
              pay_date: date = PAY):
    from backoffice.periods import PayFrequency
    from payroll.engine import Earning, PaycheckInput, W4, calculate_paycheck, tables_for
    inp = PaycheckInput(pay_date=pay_date, pay_frequency=freq or PayFrequency.WEEKLY, work_state=state,
                        residence_state=home.state, earnings=(Earning("salary", amount=D(gross)),),
                        w4=W4("married_jointly"), state_certificates=certs or {}, residence_locality=home,
                        work_locality=work, local_certificate=local_cert or {})
    return calculate_paycheck(inp, tables_for(pay_date))


def test_a_paycheck_carries_the_local_line_its_wages_and_the_localities():
    """Detroit resident working in Detroit, weekly $1,000, DW-4 with 2 exemptions: 2 x 600 / 52 = $23.08;
    ($1,000 - 23.08) x 2.4% = $23.45, a separate employee line that lowers net pay."""
    r = _paycheck("MI", DETROIT, DETROIT, "1000.00", local_cert={"city_exemptions": 2})
    local = [x for x in r.employee_taxes if x.locality == "MI-DETROIT"]
    assert [(x.code, x.state, x.amount) for x in local] == [("local_income_tax", "MI", D("23.45"))]
    assert r.local_wages[("local_income_tax", "MI-DETROIT")] == D("1000.00")
    assert r.local_names["MI-DETROIT"] == "Detroit"
    assert r.localities == ("Detroit, MI", "Detroit, MI")
    assert r.net == r.gross - r.employee_tax_total - r.deduction_total
    assert local[0].as_dict()["locality"] == "MI-DETROIT"


def test_yonkers_surcharge_follows_the_paychecks_own_new_york_withholding():
    r = _paycheck("NY", Locality("NY", city="Yonkers"), Locality("NY", city="Yonkers"), "1500.00",
                  certs={"NY": {"filing_status": "married", "allowances": 1}})
    ny = next(x.amount for x in r.employee_taxes if x.code == "state_income_tax" and x.state == "NY")
    yonkers = next(x.amount for x in r.employee_taxes if x.locality == "YONKERS-R")
    assert ny > 0 and yonkers == (ny * D("0.1675")).quantize(D("0.01"), rounding="ROUND_HALF_UP")


def test_employer_transit_tax_is_an_employer_line():
    pdx = Locality("OR", city="Portland")
    try:
        r = _paycheck("OR", pdx, pdx, "1000.00")
    except Exception as exc:      # Oregon state withholding is another helper's work: skip if it is refused
        pytest.skip(f"OR state withholding not available: {exc}")
    assert [x.amount for x in r.employer_taxes if x.locality == "OR-TRIMET"] == [D("8.24")]


def test_quote_input_validates_locality_fields_naming_each_field():
    from payroll.engine.quote_input import parse_input
    obj = {"pay_date": "2026-03-06", "pay_frequency": "weekly", "worker_type": "employee", "work_state": "PA",
           "residence_state": "PA", "earnings": [{"code": "salary", "amount": "1000"}],
           "residence_locality": {"state": "PA", "psd_code": "51-0101"},
           "work_locality": {"state": "OH", "school_district": "12", "transit_district": "MAX"},
           "local_certificate": {"exemptions": 2}}
    _, issues = parse_input(obj)
    fields = {i.field for i in issues}
    assert {"residence_locality.psd_code", "work_locality.school_district", "work_locality.transit_district",
            "local_certificate.exemptions"} <= fields


def test_quote_input_and_stored_input_read_localities_alike():
    from payroll.engine.quote_input import parse_input
    from payroll.services.paycheck_inputs import input_from_json
    obj = {"pay_date": "2026-03-06", "pay_frequency": "weekly", "worker_type": "employee", "work_state": "MI",
           "residence_state": "MI", "earnings": [{"code": "salary", "amount": "1000"}],
           "residence_locality": {"state": "MI", "city": "Detroit"}, "work_locality": {"state": "MI", "city": "Detroit"},
           "local_certificate": {"city_exemptions": 1}, "ytd_local_taxes": {"MI-DETROIT": "12.00"}}
    parsed, issues = parse_input(obj)
    assert not issues
    stored = input_from_json(obj)
    assert (parsed.residence_locality, parsed.work_locality, dict(parsed.local_certificate), parsed.ytd_local_taxes) \
        == (stored.residence_locality, stored.work_locality, dict(stored.local_certificate), stored.ytd_local_taxes)


def test_a_columbus_worker_living_in_a_school_district_with_income_tax(monkeypatch):
    """Lives and works in Columbus, in a (test) traditional-base school district at 1.25%, biweekly $2,000 with
    $100 401(k), Ohio IT 4 with 1 exemption. No real school district is in the data yet (the Department's 2025/2026
    rate list could not be read), so the district here is a stand-in; the Columbus rule is the data's.
    Columbus: qualifying wages keep the 401(k): $2,000 x 2.5% = $50.00.
    School district (Ohio FAQ formula): $2,000 - $100 = $1,900 federal wages; less 1 x $650 / 26 = $25.00:
    $1,875.00 x 1.25% = $23.4375 -> $23.44."""
    real = [r for r in localities_for_year(2026) if r.code == "OH-COLUMBUS"]
    sd = parse_locality({**SD_TRADITIONAL, "rates": {"resident": "0.0125"},
                         "exempt_pretax": ["401k", "section125", "hsa", "fsa", "dcfsa", "commuter"]}, "OH", 2026, "t")
    monkeypatch.setattr("payroll.engine.locals.localities_for_year", lambda year: (*real, sd))
    home = Locality("OH", city="Columbus", school_district="9999")
    got = amounts(ctx(home, Locality("OH", city="Columbus"), gross="2000.00", periods=26, pretax={"401k": "100"},
                      cert={"school_district_exemptions": 1}))
    assert got == {"OH-COLUMBUS": D("50.00"), "OH-SD-TEST": D("23.44")}
