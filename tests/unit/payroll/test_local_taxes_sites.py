"""A paycheck earned at several work sites (locals.compute_site_local_taxes): the taxes that follow the place of work
fall on each site's share of the wages, the others once on the whole paycheck. Each figure is worked by hand from
the rates in the data (2026 files) in the test's docstring."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from backoffice.errors import ValidationFailed
from payroll.engine.locals import (LocalContext, Locality, UnsupportedLocality, compute_local_taxes,
                                   compute_site_local_taxes)
from payroll.engine.shares import fractions

D = Decimal
PAY = date(2026, 3, 6)

COLUMBUS = Locality("OH", city="Columbus")
COLUMBUS_HOME = Locality("OH", city="Columbus", school_district="NONE")
CLEVELAND = Locality("OH", city="Cleveland")
CLEVELAND_HOME = Locality("OH", city="Cleveland", school_district="NONE")
PORTLAND = Locality("OR", city="Portland", transit_district="TRIMET")
SALEM = Locality("OR", city="Salem")
PHILA = Locality("PA", city="Philadelphia", psd_code="510101")
PGH = Locality("PA", city="Pittsburgh", psd_code="700102")


def ctx(home: Locality | None, main: Locality | None, gross: str, periods: int = 52, cert: dict | None = None,
        pretax: dict | None = None, state_certs: dict | None = None) -> LocalContext:
    return LocalContext(pay_date=PAY, periods_per_year=periods, residence=home, work=main, gross=D(gross),
                        pretax={k: D(v) for k, v in (pretax or {}).items()}, certificate=cert or {},
                        state_certificates=state_certs or {})


def by_locality(lines) -> dict[str, tuple[Decimal, Decimal | None]]:
    out = {}
    for line in lines:
        assert line.locality not in out, f"{line.locality} twice: the sites' lines are added up into one"
        out[line.locality] = (line.amount, line.wages)
    return out


def test_cleveland_resident_working_in_columbus_and_cleveland_pays_each_city_on_its_share():
    """Biweekly $2,000, 24 hours at a Columbus site and 16 at a Cleveland site (60% / 40%), residence withholding
    asked for (Ohio: the work city's tax, then the residence city's less its credit, ORC 718):
    - Columbus share $1,200.00: Columbus 2.5% = $30.00; Cleveland resident 2.5% = $30.00 less its 50% credit of the
      Columbus tax ($15.00) = $15.00.
    - Cleveland share $800.00: worked in the residence city: Cleveland 2.5% = $20.00.
    Columbus $30.00 on $1,200; Cleveland $15.00 + $20.00 = $35.00 on $2,000. (One site, the old way: Columbus
    $50.00 and Cleveland $25.00.)"""
    got = compute_site_local_taxes(ctx(CLEVELAND_HOME, COLUMBUS, "2000.00", 26, {"withhold_residence_city": True}),
                                   [(COLUMBUS, D(24)), (CLEVELAND, D(16))])
    assert by_locality(got) == {"OH-COLUMBUS": (D("30.00"), D("1200.00")),
                                "OH-CLEVELAND": (D("35.00"), D("2000.00"))}


def test_a_transit_districts_employer_tax_falls_on_the_wages_earned_in_the_district_only():
    """Weekly $1,000, lives in Salem, 30 hours at a Portland (TriMet) site and 10 in Salem:
    - Oregon statewide transit tax (a resident's, on all wages wherever earned): 0.1% x $1,000 = $1.00, once.
    - TriMet (employer, on wages for work in the district): 0.8237% x $750.00 = $6.17775 -> $6.18 (not $8.24)."""
    got = compute_site_local_taxes(ctx(SALEM, PORTLAND, "1000.00"), [(PORTLAND, D(30)), (SALEM, D(10))])
    assert by_locality(got) == {"OR-STT": (D("1.00"), D("1000.00")), "OR-TRIMET": (D("6.18"), D("750.00"))}
    assert [x.employer for x in got if x.locality == "OR-TRIMET"] == [True]


def test_a_nonresident_pays_the_statewide_transit_tax_on_the_oregon_share_only():
    """Lives in Vancouver WA; weekly $1,000 by wages, $600 at a Salem site and $400 at a Vancouver site: the
    statewide transit tax reaches a nonresident only for work in Oregon: 0.1% x $600.00 = $0.60."""
    vancouver = Locality("WA", city="Vancouver")
    got = compute_site_local_taxes(ctx(vancouver, SALEM, "1000.00"), [(SALEM, D(600)), (vancouver, D(400))],
                                   "wages")
    assert by_locality(got) == {"OR-STT": (D("0.60"), D("600.00"))}


def test_a_residents_own_tax_is_computed_once_on_the_whole_paycheck():
    """A Brooklyn resident (NYC, a resident tax by the NYS-50-T-NYC tables) working 20 hours at a Yonkers site and 20
    in Brooklyn, weekly $1,000, single, 0 allowances: NYC once on the whole $1,000.00: $32.61 (Table A weekly single
    0 = $96.15, net $903.85; (903.85 - 481) x .0415 = 17.55 + 15.06); the Yonkers nonresident earnings tax on the
    Yonkers share: $500.00 x 52 = $26,000 annualized, less the $1,000 exclusion of its row (over $20,000; NYS-50-T-Y
    Method VIII), $25,000 x 0.5% / 52 = $2.4038... -> $2.40."""
    nyc, yonkers = Locality("NY", city="Brooklyn"), Locality("NY", city="Yonkers")
    got = compute_site_local_taxes(ctx(nyc, nyc, "1000.00", state_certs={"NY": {"filing_status": "single"}}),
                                   [(yonkers, D(20)), (nyc, D(20))])
    assert by_locality(got) == {"NYC": (D("32.61"), D("1000.00")), "YONKERS-NR": (D("2.40"), D("500.00"))}


def test_pittsburgh_resident_working_in_philadelphia_and_pittsburgh():
    """Weekly $1,000, half the hours at each site, pay date 2026-03-06 (Philadelphia nonresident 3.43%):
    - Philadelphia share $500.00: wage tax 3.43% = $17.15; Pittsburgh resident EIT 3% = $15.00 less the wage tax
      credited ($17.15) = $0.00.
    - Pittsburgh share $500.00: resident EIT 3% = $15.00.
    - LST (Pittsburgh, the main site: the primary place of employment), once: $52 / 52 = $1.00."""
    got = compute_site_local_taxes(ctx(PGH, PGH, "1000.00"), [(PHILA, D(20)), (PGH, D(20))])
    assert by_locality(got) == {"PA-510101": (D("17.15"), D("500.00")), "PA-700102": (D("15.00"), D("1000.00")),
                                "PA-LST-700102": (D("1.00"), D("1000.00"))}


def test_a_detroit_residents_tax_on_the_two_shares_adds_up_to_the_tax_on_the_whole():
    """A Detroit resident pays Detroit's resident rate on all wages wherever earned (Form 5469): weekly $1,000 at
    two sites outside Detroit (Southfield, Troy: no city tax in the data), $200.00 and $800.00: 2.4% of each,
    $4.80 + $19.20 = $24.00 on $1,000.00, as for one site."""
    southfield, troy = Locality("MI", city="Southfield"), Locality("MI", city="Troy")
    detroit = Locality("MI", city="Detroit")
    got = compute_site_local_taxes(ctx(detroit, southfield, "1000.00"), [(southfield, D(200)), (troy, D(800))], "wages")
    assert by_locality(got) == {"MI-DETROIT": (D("24.00"), D("1000.00"))}


def test_a_detroit_nonresident_pays_detroit_on_the_detroit_share_with_its_share_of_the_exemptions():
    """Lives in Dearborn, DW-4 with 2 exemptions, weekly $1,000, 10 hours in Detroit and 30 in Southfield: Detroit's
    nonresident rate 1.2% on the Detroit share $250.00, less that share of the exemptions: 2 x $600 / 52 x 25% =
    $5.769... -> $5.77; ($250.00 - $5.77) x 1.2% = $2.93076 -> $2.93."""
    detroit, southfield = Locality("MI", city="Detroit"), Locality("MI", city="Southfield")
    got = compute_site_local_taxes(ctx(Locality("MI", city="Dearborn"), southfield, "1000.00",
                                       cert={"city_exemptions": 2}),
                                   [(detroit, D(10)), (southfield, D(30))])
    assert by_locality(got) == {"MI-DETROIT": (D("2.93"), D("250.00"))}


def test_the_shares_add_up_to_the_paycheck_to_the_cent():
    """$1,000.00 in thirds by hours: $333.33, $333.33 and what is left, $333.34; Louisville's nonresident rate 1.45%
    on its third: $333.33 x 1.45% = $4.833... -> $4.83. Lexington 2.25% on $333.33 = $7.4999... -> $7.50; the
    Bowling Green site's third ($333.34) is taxed by Bowling Green 2%: $6.6668 -> $6.67."""
    lou = Locality("KY", city="Louisville", county="Jefferson")
    lex = Locality("KY", city="Lexington")
    bg = Locality("KY", city="Bowling Green")
    home = Locality("KY", city="Frankfort")
    got = by_locality(compute_site_local_taxes(ctx(home, lou, "1000.00"), [(lou, D(8)), (lex, D(8)), (bg, D(8))]))
    assert {k: v[1] for k, v in got.items()} == {"KY-LOUISVILLE": D("333.33"), "KY-LEXINGTON": D("333.33"),
                                                 "KY-BOWLING-GREEN": D("333.34")}
    assert {k: v[0] for k, v in got.items()} == {"KY-LOUISVILLE": D("4.83"), "KY-LEXINGTON": D("7.50"),
                                                 "KY-BOWLING-GREEN": D("6.67")}


def test_one_site_given_is_the_one_site_computation():
    """The same site twice is one site: the whole paycheck's lines (Columbus 2.5% x $2,000 = $50.00)."""
    got = compute_site_local_taxes(ctx(COLUMBUS_HOME, COLUMBUS, "2000.00", 26),
                                   [(COLUMBUS, D(10)), (COLUMBUS, D(30))])
    assert by_locality(got) == by_locality(compute_local_taxes(ctx(COLUMBUS_HOME, COLUMBUS, "2000.00", 26))) \
        == {"OH-COLUMBUS": (D("50.00"), D("2000.00"))}


def test_a_site_whose_tax_is_not_in_the_data_is_refused_by_name():
    with pytest.raises(UnsupportedLocality, match="Ohio work city Lima"):
        compute_site_local_taxes(ctx(COLUMBUS_HOME, COLUMBUS, "2000.00", 26),
                                 [(COLUMBUS, D(10)), (Locality("OH", city="Lima"), D(30))])


def test_bad_site_measures_are_named():
    with pytest.raises(ValidationFailed) as err:
        fractions([(COLUMBUS, D(-1)), (CLEVELAND, D(2))], "work_sites", "work site")
    assert [i.field for i in err.value.issues] == ["work_sites[0]"]
    with pytest.raises(ValidationFailed) as err:
        fractions([(COLUMBUS, D(0)), (CLEVELAND, D(0))], "work_sites", "work site")
    assert [i.field for i in err.value.issues] == ["work_sites"]


def test_each_line_says_how_the_wages_were_split():
    got = compute_site_local_taxes(ctx(SALEM, PORTLAND, "1000.00"), [(PORTLAND, D(30)), (SALEM, D(10))])
    trimet = next(x for x in got if x.locality == "OR-TRIMET")
    assert trimet.explanation[0].startswith("Wages earned at 2 work sites this period, split by hours worked: "
                                            "Portland, TRIMET district, OR 30 (75%), Salem, OR 10 (25%).")
    assert "Portland, TRIMET district, OR, 75%: wages $750.00" in trimet.explanation[0]


# --- through the quote input and the paycheck ----------------------------------------------------------------------

def _quote(**more) -> dict:
    return {"pay_date": "2026-03-06", "pay_frequency": "biweekly", "worker_type": "employee", "work_state": "OH",
            "residence_state": "OH", "earnings": [{"code": "salary", "amount": "2000"}],
            "residence_locality": {"state": "OH", "city": "Cleveland", "school_district": "NONE"},
            "work_locality": {"state": "OH", "city": "Columbus"},
            "local_certificate": {"withhold_residence_city": True}, **more}


def test_quote_input_names_each_bad_work_site_field():
    from payroll.engine.quote_input import parse_input
    _, issues = parse_input(_quote(work_sites=[{"locality": {"state": "ZZ"}, "hours": "8"},
                                               {"locality": {"state": "OH", "city": "Columbus"}, "hours": "-1"},
                                               {"hours": "3"}, "x"]))
    fields = {i.field for i in issues}
    assert {"work_sites[0].locality.state", "work_sites[1].hours", "work_sites[2].locality", "work_sites[3]"} <= fields
    _, issues = parse_input(_quote(work_sites=[{"locality": {"state": "OH"}, "hours": "8"},
                                               {"locality": {"state": "OH"}, "wages": "8"}]))
    assert [i.field for i in issues] == ["work_sites"]


def test_quote_input_and_stored_input_read_work_sites_alike():
    from payroll.engine.quote_input import parse_input
    from payroll.services.paycheck_inputs import input_from_json
    obj = _quote(work_sites=[{"locality": {"state": "OH", "city": "Columbus"}, "wages": "1200"},
                             {"locality": {"state": "OH", "city": "Cleveland"}, "wages": "800"}])
    parsed, issues = parse_input(obj)
    assert not issues
    stored = input_from_json(obj)
    assert parsed.work_sites == stored.work_sites == ((COLUMBUS, D(1200)), (CLEVELAND, D(800)))
    assert parsed.site_measure == stored.site_measure == "wages"


def test_a_paycheck_earned_at_two_sites_carries_each_citys_tax_on_its_share():
    """The Cleveland resident of the first test through calculate_paycheck: Columbus $30.00 on $1,200.00, Cleveland
    $35.00 on $2,000.00, and the paycheck names both work sites."""
    from payroll.engine import calculate_paycheck, tables_for
    from payroll.engine.quote_input import parse_input
    inp, issues = parse_input(_quote(work_sites=[{"locality": {"state": "OH", "city": "Columbus"}, "hours": "24"},
                                                 {"locality": {"state": "OH", "city": "Cleveland"}, "hours": "16"}]))
    assert not issues
    r = calculate_paycheck(inp, tables_for(PAY))
    assert {x.locality: x.amount for x in r.employee_taxes if x.locality} == {"OH-COLUMBUS": D("30.00"),
                                                                             "OH-CLEVELAND": D("35.00")}
    assert r.local_wages[("local_income_tax", "OH-COLUMBUS")] == D("1200.00")
    assert r.localities == ("Cleveland, school district NONE, OH", "Columbus, OH; Cleveland, OH")
    words = next(x for x in r.employee_taxes if x.locality == "OH-CLEVELAND").as_dict()["explanation"]
    assert any("Cleveland, OH, 40%: wages $800.00" in w for w in words)
    assert words[-1] == "Cleveland over the work sites: $15.00 + $20.00 = $35.00"


def test_the_paystub_states_every_work_site():
    from payroll.services.paystubs import locality_note
    note = locality_note({"engine": {
        "residence_locality": {"state": "OH", "city": "Cleveland", "school_district": "NONE"},
        "work_locality": {"state": "OH", "city": "Columbus"},
        "work_sites": [{"locality": {"state": "OH", "city": "Cleveland"}, "hours": "16.00"},
                       {"locality": {"state": "OH", "city": "Columbus"}, "hours": "24.00"}]}})
    assert note == ("Local taxes: lives in Cleveland, school district NONE, OH; works at Cleveland, OH (16.00 hours) "
                    "and Columbus, OH (24.00 hours): each work place's taxes on its share.")


def test_a_quote_refuses_a_locality_outside_its_state_and_a_code_that_is_no_state():
    """An Ohio resident given Pittsburgh's PSD code would pay Pittsburgh's resident EIT: refused, naming the field;
    a work state of "ZZ" is bad input (422), not an unsupported state."""
    from payroll.engine.quote_input import parse_input
    _, issues = parse_input(_quote(residence_locality={"state": "PA", "city": "Pittsburgh", "psd_code": "700102"}))
    assert [(i.field, i.message) for i in issues] == [
        ("residence_locality.state", "is PA, but residence_state is OH: the locality must be in that state")]
    _, issues = parse_input(_quote(work_state="ZZ", work_locality=None))
    assert [(i.field, i.message) for i in issues] == [("work_state", "'ZZ' is not a US state or DC")]
