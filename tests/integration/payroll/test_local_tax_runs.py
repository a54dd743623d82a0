"""Local taxes in a payroll run: a worker in New York City and one in Detroit, each with hand figures; the stored
lines name their locality and the wages they were computed on (W-2 boxes 18-20)."""
from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa

from tests.integration.payroll.conftest import WEEK1


def _local_lines(db, run_id: int, worker_id: int) -> dict[str, tuple[str, str, str]]:
    from payroll.models import Paycheck, PaycheckLine

    rows = db.session.execute(sa.select(PaycheckLine.locality, PaycheckLine.code, PaycheckLine.amount,
                                        PaycheckLine.taxable_wages, PaycheckLine.kind)
                              .join(Paycheck, Paycheck.id == PaycheckLine.paycheck_id)
                              .where(Paycheck.run_id == run_id, Paycheck.worker_id == worker_id,
                                     PaycheckLine.locality != "")).all()
    return {loc: (code, str(amount), str(wages)) for loc, code, amount, wages, _ in rows}


def _run(world, *engagements):
    from payroll.services import runs

    for e in engagements:
        world.time(e, week=WEEK1)
    run = world.regular_run(WEEK1)
    runs.start_calculation(run.id, world.hr)
    return run


@pytest.fixture
def agency_in(world):
    from backoffice.workers.models import StateRegistration

    def register(*states):
        for st in states:
            world.db.session.add(StateRegistration(agency_id=world.agency.id, state=st, suta_rate=Decimal("0.03")))
        world.db.session.flush()
    return register


def test_a_brooklyn_resident_pays_new_york_city_resident_tax_on_a_weekly_run(world, db, agency_in, fixed_clock):
    """40 h x $25.00 = $1,000.00 weekly; IT-2104 single, 0 allowances (the factory's W-4 is single; no NY
    certificate). NYS-50-T-NYC (1/26): Table A weekly single 0 = $96.15, net $903.85; weekly line 5:
    (903.85 - 481) x .0415 = 17.55 + 15.06 = $32.61, on $1,000.00 of NYC wages."""
    agency_in("NY")
    e = world.worker(state="NY")
    e.worker.city = "Brooklyn"
    db.session.flush()
    run = _run(world, e)
    assert _local_lines(db, run.id, e.worker_id) == {"NYC": ("local_income_tax", "32.61", "1000.00")}


def test_a_detroit_resident_pays_the_resident_rate_less_one_dw4_exemption(world, db, agency_in, fixed_clock):
    """$1,000.00 weekly; DW-4 with 1 exemption: $600 / 52 = $11.54; ($1,000.00 - 11.54) x 2.4% = $23.72 (Form
    5469 method)."""
    agency_in("MI")
    e = world.worker(state="MI")
    e.worker.city = "Detroit"
    e.worker.local_certificate = {"city_exemptions": 1}
    db.session.flush()
    run = _run(world, e)
    assert _local_lines(db, run.id, e.worker_id) == {"MI-DETROIT": ("local_income_tax", "23.72", "1000.00")}


def test_a_detroit_nonresident_working_at_a_detroit_site_pays_the_nonresident_rate(world, db, agency_in,
                                                                                   fixed_clock):
    """Lives in Ann Arbor (no city tax in the data), works at the client's Detroit site (engagement work city):
    $1,000.00 x 1.2% = $12.00, no DW-4 exemptions on file."""
    agency_in("MI")
    e = world.worker(state="MI")
    e.worker.city = "Ann Arbor"
    e.work_city = "Detroit"
    db.session.flush()
    run = _run(world, e)
    assert _local_lines(db, run.id, e.worker_id) == {"MI-DETROIT": ("local_income_tax", "12.00", "1000.00")}


def test_a_grand_rapids_resident_working_in_grand_rapids_pays_its_resident_rate(world, db, agency_in, fixed_clock):
    """Michigan's other taxing cities reach runs too: $1,000.00 weekly, 2 city exemptions at Grand Rapids' $600:
    2 x 600 / 52 = 23.08; (1,000.00 - 23.08) x 1.5% = 14.6538 -> $14.65 on $1,000.00 of city wages."""
    agency_in("MI")
    e = world.worker(state="MI")
    e.worker.city = "Grand Rapids"
    e.worker.local_certificate = {"city_exemptions": 2}
    e.work_city = "Grand Rapids"
    db.session.flush()
    run = _run(world, e)
    assert _local_lines(db, run.id, e.worker_id) == {"MI-GRAND-RAPIDS": ("local_income_tax", "14.65", "1000.00")}


def test_a_marion_county_resident_pays_the_indiana_county_tax(world, db, agency_in, fixed_clock):
    """$1,000.00 weekly, Indianapolis, Marion County (address), no WH-4 on file (no exemptions): Marion 2.02%
    (Departmental Notice #1, 2026) x $1,000.00 = $20.20."""
    agency_in("IN")
    e = world.worker(state="IN")
    e.worker.city = "Indianapolis"
    e.worker.county = "Marion"
    db.session.flush()
    run = _run(world, e)
    assert _local_lines(db, run.id, e.worker_id) == {"IN-COUNTY": ("local_income_tax", "20.20", "1000.00")}


def test_an_indiana_worker_with_the_county_only_on_the_wh4_is_paid_not_held(world, db, agency_in, fixed_clock):
    """No county on the address; the WH-4 names Hamilton County (01-92 code HAMILTON) and 1 personal exemption:
    $1,000.00 weekly less $1,000 / 52 = 19.23: 980.77 x 1.1% = 10.7885 -> $10.79 (Departmental Notice #1, 2026)."""
    from payroll.services import runs
    from tests.factories import TaxProfileFactory

    agency_in("IN")
    e = world.worker(state="IN")
    e.worker.city = "Carmel"
    TaxProfileFactory(worker=e.worker, state_certificate={"IN": {"county": "HAMILTON", "personal_exemptions": 1}})
    db.session.flush()
    world.time(e, week=WEEK1)
    run = world.regular_run(WEEK1)
    assert [x for x in runs.paycheck_exceptions(run.id) if x.code == "unsupported_locality"] == []
    runs.start_calculation(run.id, world.hr)
    assert _local_lines(db, run.id, e.worker_id) == {"IN-COUNTY": ("local_income_tax", "10.79", "1000.00")}


def test_the_paycheck_input_states_the_localities_it_was_computed_for(world, db, agency_in, fixed_clock):
    from payroll.models import Paycheck

    agency_in("MI")
    e = world.worker(state="MI")
    e.worker.city = "Detroit"
    db.session.flush()
    run = _run(world, e)
    p = db.session.execute(sa.select(Paycheck).where(Paycheck.run_id == run.id)).scalar_one()
    engine = p.inputs["engine"]
    assert engine["residence_locality"] == {"state": "MI", "city": "Detroit"}
    assert engine["work_locality"] == {"state": "MI"}


def test_the_paystub_names_the_local_line_and_states_the_localities(world, db, agency_in, fixed_clock):
    from payroll.models import Paycheck
    from payroll.services.paystubs import paystub_data

    agency_in("MI")
    e = world.worker(state="MI")
    e.worker.city = "Detroit"
    db.session.flush()
    run = _run(world, e)
    p = db.session.execute(sa.select(Paycheck).where(Paycheck.run_id == run.id)).scalar_one()
    data = paystub_data(p.id)
    local = [t for t in data["employee_taxes"] if "local" in t["description"]]
    assert [(t["description"], str(t["current"])) for t in local] == [("Detroit local income tax (MI)", "24.00")]
    assert "Local taxes: lives in Detroit, MI; works in MI." in data["notes"]


def test_hr_sets_localities_with_errors_naming_each_field(world, db):
    from backoffice.errors import ValidationFailed
    from backoffice.workers import services

    e = world.worker(state="PA")
    with pytest.raises(ValidationFailed) as bad:
        services.update_worker(e.worker_id, {"psd_code": "51-01", "school_district": "12",
                                             "local_certificate": {"city_exemptions": -1, "color": "red"}})
    fields = {i.field for i in bad.value.issues}
    assert {"psd_code", "school_district", "local_certificate.city_exemptions", "local_certificate.color"} <= fields
    w = services.update_worker(e.worker_id, {"psd_code": "510101", "county": "Philadelphia",
                                             "local_certificate": {"lst_exempt": True}})
    assert (w.psd_code, w.county, w.local_certificate) == ("510101", "Philadelphia", {"lst_exempt": True})
    with pytest.raises(ValidationFailed) as bad:
        services.update_engagement(e.id, {"work_psd_code": "x", "work_transit_district": "MAX"})
    assert {i.field for i in bad.value.issues} == {"work_psd_code", "work_transit_district"}
    eng = services.update_engagement(e.id, {"work_city": "Philadelphia", "work_psd_code": "510101"})
    assert (eng.work_city, eng.work_psd_code) == ("Philadelphia", "510101")


def test_a_worker_whose_local_tax_cannot_be_computed_is_held_not_paid_with_a_zero(world, db, agency_in,
                                                                                    fixed_clock):
    """A Pennsylvania resident of Erie with no PSD code on file: every PA municipality levies an EIT, so the run
    holds the worker (exception unsupported_locality) and pays the others."""
    from payroll.models import Paycheck, PaycheckHold
    from payroll.services import runs

    agency_in("PA")
    erie = world.worker(state="PA")
    erie.worker.city = "Erie"
    ok = world.worker(state="TX")
    db.session.flush()
    for e in (erie, ok):
        world.time(e, week=WEEK1)
    run = world.regular_run(WEEK1)
    problems = [x for x in runs.paycheck_exceptions(run.id) if x.code == "unsupported_locality"]
    assert [(x.worker_id, x.action, x.held) for x in problems] == [(erie.worker_id, "hold", True)]
    assert "no PSD code" in problems[0].message
    runs.start_calculation(run.id, world.hr)
    holds = db.session.execute(sa.select(PaycheckHold.worker_id, PaycheckHold.code)
                               .where(PaycheckHold.run_id == run.id)).all()
    assert holds == [(erie.worker_id, "unsupported_locality")]
    paid = set(db.session.execute(sa.select(Paycheck.worker_id).where(Paycheck.run_id == run.id)).scalars())
    assert paid == {ok.worker_id}


def test_a_columbus_worker_living_in_a_school_district_with_income_tax_pays_state_city_and_district(
        world, db, agency_in, fixed_clock):
    """Works at the client's Columbus site, lives in Columbus in the part served by Canal Winchester LSD (school
    district 2502, 0.75%, traditional base, the Department's January 2026 list); IT 4 with 1 exemption. 40 h x
    $25.00 = $1,000.00 weekly, paid in November 2026 (the August 2026 Ohio tables).
    Ohio: $1,000.00 - 1 x $12.50 = $987.50; weekly line over $500.96: $8.02 + 2.99% x $486.54 ($14.547546)
    = $22.567546 -> $22.57.
    Columbus: resident working in the city, $1,000.00 x 2.5% = $25.00.
    School district: $1,000.00 - 1 x $12.50 = $987.50; x 0.75% = $7.40625 -> $7.41."""
    from payroll.models import Paycheck, PaycheckLine
    from tests.factories import TaxProfileFactory

    agency_in("OH")
    e = world.worker(state="OH")
    e.worker.city = "Columbus"
    e.worker.school_district = "2502"
    e.work_city = "Columbus"
    TaxProfileFactory(worker=e.worker, state_certificate={"OH": {"allowances": 1}})
    db.session.flush()
    run = _run(world, e)
    assert _local_lines(db, run.id, e.worker_id) == {
        "OH-COLUMBUS": ("local_income_tax", "25.00", "1000.00"),
        "OH-SD-2502": ("school_district_tax", "7.41", "1000.00")}
    state = db.session.execute(sa.select(PaycheckLine.amount).join(Paycheck, Paycheck.id == PaycheckLine.paycheck_id)
                               .where(Paycheck.run_id == run.id, PaycheckLine.code == "state_income_tax",
                                      PaycheckLine.state == "OH")).scalar_one()
    assert str(state) == "22.57"


def test_a_denver_worker_pays_the_occupational_privilege_tax_once_in_the_month_it_reaches_500(world, db, agency_in,
                                                                                                fixed_clock):
    """12 h x $25.00 = $300.00 a week, work site in Denver, weekly runs paid 13, 20 and 27 November 2026.
    13 Nov: the month's wages $300 < $500: $0.00 (no line stored). 20 Nov: $300 earlier + $300 = $600 >= $500: employee OPT $5.75,
    business OPT $4.00 (employer line). 27 Nov: already taken this month: $0.00 each."""
    from datetime import timedelta

    from payroll.services import runs

    e = world.worker(state="CO")         # the world's agency is registered in Colorado already
    e.work_city = "Denver"
    db.session.flush()
    got = []
    for n in range(3):
        week = WEEK1 + timedelta(days=7 * n)
        world.time(e, hours=(4, 4, 4, 0, 0, 0, 0), week=week)
        run = world.regular_run(week)
        runs.start_calculation(run.id, world.hr)
        found = _local_lines(db, run.id, e.worker_id)
        none = ("", "0.00", "")          # a zero line is not stored
        got.append((run.pay_date.day, found.get("CO-DENVER-OPT", none)[1], found.get("CO-DENVER-OPT-ER", none)[1]))
    assert got == [(13, "0.00", "0.00"), (20, "5.75", "4.00"), (27, "0.00", "0.00")]


def test_a_birmingham_worker_pays_one_percent_occupational_tax(world, db, agency_in, fixed_clock):
    """40 h x $25.00 = $1,000.00 weekly, work site in Birmingham: 1% = $10.00 on $1,000.00 (Ordinance 97-184)."""
    agency_in("AL")
    e = world.worker(state="AL")
    e.work_city = "Birmingham"
    db.session.flush()
    run = _run(world, e)
    assert _local_lines(db, run.id, e.worker_id) == {"AL-BIRMINGHAM": ("local_income_tax", "10.00", "1000.00")}


def test_workers_at_the_same_localities_are_judged_by_their_own_certificates(world, db, agency_in, fixed_clock):
    """The run asks once per distinct (home, work site, certificates): two Carmel, Indiana residents with no county
    on their addresses are alike but for the WH-4 — the one whose WH-4 names Hamilton County is paid ($1,000.00 x
    1.1% = $11.00, Departmental Notice #1, 2026, no exemptions), the one whose WH-4 names no county is held; two
    Erie residents with no PSD code are both held."""
    from payroll.models import Paycheck, PaycheckHold
    from payroll.services import runs
    from tests.factories import TaxProfileFactory

    agency_in("IN", "PA")
    named, unnamed = world.worker(state="IN"), world.worker(state="IN")
    erie1, erie2 = world.worker(state="PA"), world.worker(state="PA")
    for e in (named, unnamed):
        e.worker.city = "Carmel"
    for e in (erie1, erie2):
        e.worker.city = "Erie"
    TaxProfileFactory(worker=named.worker, state_certificate={"IN": {"county": "HAMILTON"}})
    TaxProfileFactory(worker=unnamed.worker, state_certificate={"IN": {"personal_exemptions": 0}})
    db.session.flush()
    for e in (named, unnamed, erie1, erie2):
        world.time(e, week=WEEK1)
    run = world.regular_run(WEEK1)
    before = {x.worker_id for x in runs.paycheck_exceptions(run.id) if x.code == "unsupported_locality"}
    assert before == {unnamed.worker_id, erie1.worker_id, erie2.worker_id}     # found before the calculation
    runs.start_calculation(run.id, world.hr)
    holds = set(db.session.execute(sa.select(PaycheckHold.worker_id, PaycheckHold.code)
                                   .where(PaycheckHold.run_id == run.id)).all())
    assert holds == {(unnamed.worker_id, "unsupported_locality"), (erie1.worker_id, "unsupported_locality"),
                     (erie2.worker_id, "unsupported_locality")}
    paid = set(db.session.execute(sa.select(Paycheck.worker_id).where(Paycheck.run_id == run.id)).scalars())
    assert paid == {named.worker_id}
    assert _local_lines(db, run.id, named.worker_id) == {"IN-COUNTY": ("local_income_tax", "11.00", "1000.00")}


def test_the_local_services_tax_stops_at_its_yearly_cap_counting_earlier_runs(world, db, agency_in, fixed_clock):
    """Pittsburgh's LST is $52 a year withheld pro rata: weekly $52 / 52 = $1.00 (PA.json, PA-LST-700102). Two
    Pittsburgh residents working at a Pittsburgh site (PSD 700102) are paid for the week of 2 November; the first's
    line is then set to $51.50, as if the year had already withheld that much. The next week's run reads what earlier
    runs withheld: the first has $52.00 - 51.50 = $0.50 of room left and is withheld $0.50, the second $1.00.
    A Texas worker in the same run has no LST."""
    from datetime import timedelta

    from payroll.models import Paycheck, PaycheckLine
    from payroll.services import runs

    agency_in("PA")
    capped, fresh = world.worker(state="PA"), world.worker(state="PA")
    texan = world.worker(state="TX")
    for e in (capped, fresh):
        e.worker.city, e.worker.psd_code = "Pittsburgh", "700102"
        e.work_city, e.work_psd_code = "Pittsburgh", "700102"
    db.session.flush()
    first = _run(world, capped, fresh, texan)
    lst = "PA-LST-700102"
    assert _local_lines(db, first.id, capped.worker_id)[lst] == ("local_services_tax", "1.00", "1000.00")
    # posted lines are never updated by the application (the ORM refuses): the test sets the figure by SQL
    paycheck = sa.select(Paycheck.id).where(Paycheck.run_id == first.id, Paycheck.worker_id == capped.worker_id)
    done = db.session.execute(sa.update(PaycheckLine).where(PaycheckLine.paycheck_id == paycheck.scalar_subquery(),
                                                            PaycheckLine.locality == lst)
                              .values(amount=Decimal("51.50")).execution_options(synchronize_session=False))
    assert done.rowcount == 1
    week2 = WEEK1 + timedelta(days=7)
    for e in (capped, fresh, texan):
        world.time(e, week=week2)
    second = world.regular_run(week2)
    runs.start_calculation(second.id, world.hr)
    assert _local_lines(db, second.id, capped.worker_id)[lst] == ("local_services_tax", "0.50", "1000.00")
    assert _local_lines(db, second.id, fresh.worker_id)[lst] == ("local_services_tax", "1.00", "1000.00")
    assert _local_lines(db, second.id, texan.worker_id) == {}


def test_a_week_at_two_ohio_work_sites_taxes_each_city_on_its_share(world, db, agency_in):
    """A Cleveland resident (no school district tax; residence-city withholding asked for) works 24 h at a client's
    Columbus site and 16 h at another client's Cleveland site at $25.00: $1,000.00 weekly, split by hours 60% / 40%.
    - Columbus share $600.00: Columbus 2.5% = $15.00; Cleveland resident 2.5% = $15.00 less its 50% credit of the
      Columbus tax ($7.50) = $7.50.
    - Cleveland share $400.00: Cleveland 2.5% = $10.00.
    Stored: Columbus $15.00 on $600.00; Cleveland $7.50 + $10.00 = $17.50 on $1,000.00. (Before, the whole week
    followed the Columbus site: Columbus $25.00, Cleveland $12.50.)"""
    from tests.integration.payroll.test_pay_the_person import _run as run_now, _second_engagement

    agency_in("OH")
    columbus = world.worker(state="OH", rate="25.00")
    columbus.work_city = "Columbus"
    columbus.worker.city, columbus.worker.school_district = "Cleveland", "NONE"
    columbus.worker.local_certificate = {"withhold_residence_city": True}
    cleveland = _second_engagement(world, columbus, client_name="Lakefront Logistics", rate="25.00", state="OH")
    cleveland.work_city = "Cleveland"
    db.session.flush()
    world.time(columbus, hours=(8, 8, 8, 0, 0, 0, 0))
    world.time(cleveland, hours=(0, 0, 0, 8, 8, 0, 0))
    run = run_now(world, db)
    assert _local_lines(db, run.id, columbus.worker_id) == {
        "OH-COLUMBUS": ("local_income_tax", "15.00", "600.00"),
        "OH-CLEVELAND": ("local_income_tax", "17.50", "1000.00")}
    from payroll.models import Paycheck
    [engine] = db.session.execute(sa.select(Paycheck.inputs).where(Paycheck.run_id == run.id)).scalars().all()
    assert [(s["locality"]["city"], s["hours"]) for s in engine["engine"]["work_sites"]] == [
        ("Cleveland", "16.00"), ("Columbus", "24.00")]
    assert any(n.startswith("Earned at 2 work sites: the local taxes of each work place fall on its share")
               for n in engine["notes"])


def test_a_kentucky_site_whose_occupational_tax_is_not_in_the_data_says_so_on_the_paystub(world, db, agency_in,
                                                                                          fixed_clock):
    """Covington, KY levies an occupational license tax whose rate is not in the data: no line is computed, and
    the paycheck's notes say so by name; a Louisville site computes its line (nonresident 1.45% of $1,000.00 =
    $14.50) and gets no such note."""
    from payroll.models import Paycheck

    agency_in("KY")
    cov = world.worker(state="KY")
    cov.work_city, cov.worker.city = "Covington", "Covington"
    lou = world.worker(state="KY")
    lou.work_city, lou.work_county, lou.worker.city = "Louisville", "Jefferson", "Shepherdsville"
    db.session.flush()
    run = _run(world, cov, lou)
    assert _local_lines(db, run.id, cov.worker_id) == {}
    assert _local_lines(db, run.id, lou.worker_id) == {"KY-LOUISVILLE": ("local_income_tax", "14.50", "1000.00")}
    notes = dict(db.session.execute(sa.select(Paycheck.worker_id, Paycheck.inputs).where(Paycheck.run_id == run.id)
                                    ).all())
    assert [n for n in notes[cov.worker_id]["notes"] if n.startswith("Local taxes:")] == [
        "Local taxes: Covington, KY may levy occupational license taxes that the data does not hold (only some KY "
        "localities are in it: backoffice paycheck states --locals); none was withheld for Covington."]
    assert not [n for n in notes[lou.worker_id].get("notes", []) if n.startswith("Local taxes:")]


def test_two_work_sites_without_local_taxes_get_no_local_note(world, db):
    """Two clients' sites in Texas (no local income taxes): the paycheck says it pays two clients, and nothing about
    local taxes."""
    from payroll.models import Paycheck
    from tests.integration.payroll.test_pay_the_person import _run as run_now, _second_engagement

    first = world.worker(state="TX", rate="25.00")
    first.work_city = "Houston"
    other = _second_engagement(world, first, client_name="Lone Star Freight", rate="25.00", state="TX")
    other.work_city = "Dallas"
    db.session.flush()
    world.time(first, hours=(8, 8, 8, 0, 0, 0, 0))
    world.time(other, hours=(0, 0, 0, 8, 8, 0, 0))
    run = run_now(world, db)
    [inputs] = db.session.execute(sa.select(Paycheck.inputs).where(Paycheck.run_id == run.id)).scalars().all()
    assert any(n.startswith("Pay from 2 clients") for n in inputs["notes"])
    assert not any("work sites" in n for n in inputs["notes"])
