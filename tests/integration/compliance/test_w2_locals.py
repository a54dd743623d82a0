"""W-2 boxes 15-20 from stored paycheck lines: a worker who lived and worked in Pittsburgh, then moved to Columbus
(two states, four local taxes). The boxes are read from the W-2 content and from the PDF with pdftotext."""
from __future__ import annotations

import subprocess
from datetime import date, datetime, timezone
from decimal import Decimal as D

import pytest

from backoffice.extensions import db as _db
from compliance import services as svc
from tests.factories import (AgencyFactory, EngagementFactory, PaycheckFactory, PaycheckLineFactory,
                             PayrollRunFactory, WorkerFactory)

# (pay date, work state, gross, [(kind, code, state, locality, amount, taxable wages)])
PAYCHECKS = [
    # Pittsburgh resident working in Pittsburgh, biweekly $2,000: PA 3.07% = 61.40; EIT 3% = 60.00; LST 52/26 = 2.00
    (date(2026, 3, 13), "PA", D("2000.00"), [
        ("employee_tax", "federal_income_tax", "", "", D("150.00"), D("2000.00")),
        ("employee_tax", "state_income_tax", "PA", "", D("61.40"), D("2000.00")),
        ("employee_tax", "local_income_tax", "PA", "PA-700102", D("60.00"), D("2000.00")),
        ("employee_tax", "local_services_tax", "PA", "PA-LST-700102", D("2.00"), D("2000.00"))]),
    (date(2026, 3, 27), "PA", D("2000.00"), [
        ("employee_tax", "federal_income_tax", "", "", D("150.00"), D("2000.00")),
        ("employee_tax", "state_income_tax", "PA", "", D("61.40"), D("2000.00")),
        ("employee_tax", "local_income_tax", "PA", "PA-700102", D("60.00"), D("2000.00")),
        ("employee_tax", "local_services_tax", "PA", "PA-LST-700102", D("2.00"), D("2000.00"))]),
    # then Columbus, in Canal Winchester LSD (2502), weekly $1,000 (the must-show run's figures): OH 22.57,
    # Columbus 25.00, school district 7.41; a $50 401(k) lowers the district's (federal) wages only
    (date(2026, 11, 13), "OH", D("1000.00"), [
        ("employee_tax", "federal_income_tax", "", "", D("80.00"), D("950.00")),
        ("pretax_deduction", "401k", "", "", D("50.00"), None),
        ("employee_tax", "state_income_tax", "OH", "", D("22.57"), D("950.00")),
        ("employee_tax", "local_income_tax", "OH", "OH-COLUMBUS", D("25.00"), D("1000.00")),
        ("employee_tax", "school_district_tax", "OH", "OH-SD-2502", D("7.41"), D("950.00")),
        ("employer_tax", "transit_tax", "OH", "OH-TEST-EMPLOYER", D("9.99"), D("1000.00"))]),
]


@pytest.fixture
def mover(db, app):
    agency = AgencyFactory(suta_rates={"PA": "0.03", "OH": "0.027"})
    for r in agency.registrations:
        r.withholding_account = {"PA": "PA-11223344", "OH": "OH-51234567"}.get(r.state, "")
    w = WorkerFactory(first_name="Dana", middle_name="", last_name="Moss", tin_last4="4242",
                      address_line1="1 Main St", city="Columbus", state="OH", postal_code="43215")
    eng = EngagementFactory(worker=w, work_state="PA", start_date=date(2026, 1, 1))
    for day, work_state, gross, lines in PAYCHECKS:
        run = PayrollRunFactory(pay_date=day, state="approved", approved_at=datetime(2026, 1, 1, tzinfo=timezone.utc))
        taxes = sum((x[4] for x in lines if x[0] == "employee_tax"), D(0))
        p = PaycheckFactory(run=run, engagement=eng, gross=gross, employee_taxes=taxes,
                            deductions=sum((x[4] for x in lines if x[0] == "pretax_deduction"), D(0)),
                            work_state=work_state)
        for kind, code, state, locality, amount, wages in lines:
            PaycheckLineFactory(paycheck=p, kind=kind, code=code, state=state, locality=locality, amount=amount,
                                taxable_wages=wages)
    _db.session.commit()
    return w.id


def _w2(worker_id):
    svc.build_year(2026, ["w2", "w3"])
    f = svc.find("w2", 2026)
    return f, next(e for e in f.content["employees"] if e["worker_id"] == worker_id)


def test_each_state_and_each_local_tax_gets_its_boxes(mover):
    """PA: wages 2 x 2,000 = 4,000.00, tax 2 x 61.40 = 122.80; OH: wages 950.00 (after the 401(k)), tax 22.57.
    Locals: Pittsburgh EIT 4,000.00 / 120.00, Pittsburgh LST 4,000.00 / 4.00, Columbus 1,000.00 / 25.00, Canal
    Winchester SD 950.00 / 7.41; the employer's transit line is not the employee's tax and is left out."""
    _f, e = _w2(mover)
    assert e["states"] == [
        {"state": "OH", "employer_state_id": "OH-51234567", "box16": "950.00", "box17": "22.57"},
        {"state": "PA", "employer_state_id": "PA-11223344", "box16": "4000.00", "box17": "122.80"}]
    assert e["locals"] == [
        {"state": "OH", "locality": "OH-COLUMBUS", "box18": "1000.00", "box19": "25.00", "box20": "Columbus"},
        {"state": "OH", "locality": "OH-SD-2502", "box18": "950.00", "box19": "7.41",
         "box20": "Canal Winchester LSD SD 2502"},
        {"state": "PA", "locality": "PA-700102", "box18": "4000.00", "box19": "120.00",
         "box20": "Pittsburgh (City and School District)"},
        {"state": "PA", "locality": "PA-LST-700102", "box18": "4000.00", "box19": "4.00", "box20": "Pittsburgh LST"}]


def test_the_w3_totals_the_local_boxes(mover):
    """Box 18: 1,000 + 950 + 4,000 + 4,000 = 9,950.00; box 19: 25.00 + 7.41 + 120.00 + 4.00 = 156.41."""
    _w2(mover)
    w3 = svc.find("w3", 2026).content
    assert (w3["box16"], w3["box17"], w3["box18"], w3["box19"]) == ("4950.00", "145.37", "9950.00", "156.41")


def _text(pdftotext, data: bytes, tmp_path) -> str:
    path = tmp_path / "w2.pdf"
    path.write_bytes(data)
    return subprocess.run([pdftotext, "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_the_pdf_prints_each_local_tax_on_its_states_line(mover, pdftotext, tmp_path):
    """Copy B: the OH line carries Columbus, then a second OH line the school district; the PA line the
    Pittsburgh EIT, then a second PA line the LST."""
    f, _e = _w2(mover)
    page = [p for p in _text(pdftotext, svc.export(f, "pdf"), tmp_path).split("\f") if p.strip()][0]
    rows = [" ".join(line.split()) for line in page.splitlines()]
    assert any(r.startswith("OH OH-51234567 950.00 22.57 1000.00 25.00 Columbus") for r in rows), rows
    assert any(r.startswith("OH OH-51234567 950.00 7.41 Canal Winchester LSD SD 2502") for r in rows), rows
    assert any(r.startswith("PA PA-11223344 4000.00 122.80 4000.00 120.00 Pittsburgh") for r in rows), rows
    assert any(r.startswith("PA PA-11223344 4000.00 4.00 Pittsburgh LST") for r in rows), rows
