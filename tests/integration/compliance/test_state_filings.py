"""State filings from hand-built paychecks (factories): the quarterly wage report (`state-wage`), the withholding
reconciliation (`state-recon`) and the new-hire report (`new-hire`), built by `filings build` and exported by
`filings export` with the full SSNs only in the export (audited)."""
from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
import sqlalchemy as sa

from backoffice.audit import AuditLog
from backoffice.cli import main
from backoffice.extensions import db as _db
from compliance import services as svc
from payroll.models_money import TaxDeposit
from tests.factories import (AgencyFactory, EngagementFactory, PaycheckFactory, PaycheckLineFactory,
                             PayrollRunFactory, WorkerFactory)

D = Decimal


def _pay(eng, run, gross, lines, kind="regular"):
    """A paycheck with its lines: (kind, code, state, amount, taxable wages or None)."""
    p = PaycheckFactory(run=run, engagement=eng, gross=D(gross), kind=kind)
    for k, code, st, amount, wages in lines:
        PaycheckLineFactory(paycheck=p, kind=k, code=code, state=st, amount=D(amount),
                            taxable_wages=D(wages) if wages is not None else None)
    return p


def _ca_lines(suta_wages, suta, sit_wages, sit, sign=1):
    s = D(sign)
    return [("employer_tax", "suta", "CA", D(suta) * s, D(suta_wages) * s),
            ("employee_tax", "state_income_tax", "CA", D(sit) * s, D(sit_wages) * s)]


@pytest.fixture
def world(db):
    """The agency registered in CA (3.4%) and TX (2.7%).

    Ann (CA, hired Jan 6, 2025): Jan 17 gross 5,000.00, SUTA wages 5,000.00 (tax 170.00), PIT wages 4,800.00, PIT
      250.00; Feb 14 the same gross, SUTA wages 2,000.00 (CA's 7,000 base reached; 68.00), PIT 4,800.00 / 250.00;
      Apr 11 (Q2) 5,000.00, no SUTA, PIT 250.00.
    Ben (CA, hired Nov 1, 2024): Mar 14 gross 1,500.00 (SUTA 1,500.00 / 51.00, PIT 1,500.00 / 45.00), reversed
      Mar 21 (every figure negated), re-issued Mar 28 at 1,200.00 (SUTA 1,200.00 / 40.80, PIT 1,200.00 / 36.00).
    Tex (TX, hired Apr 7, 2025): Apr 11 gross 800.00, TX SUTA wages 800.00 (21.60).

    CA Q1: gross 5,000 + 5,000 + 1,500 − 1,500 + 1,200 = 11,200.00; SUTA wages 5,000 + 2,000 + 1,200 = 8,200.00;
    PIT wages 4,800 + 4,800 + 1,200 = 10,800.00; PIT 250 + 250 + 36 = 536.00; SUTA due 8,200.00 × 0.034 =
    278.80 = booked 170.00 + 68.00 + 40.80."""
    AgencyFactory(suta_rates={"CA": "0.034", "TX": "0.027"})
    ann = WorkerFactory(payroll_ready=True, first_name="Ann", last_name="Avery", state="CA")
    ben = WorkerFactory(payroll_ready=True, first_name="Ben", last_name="Baker", state="CA")
    tex = WorkerFactory(payroll_ready=True, first_name="Tex", last_name="Cole", state="TX")
    e_ann = EngagementFactory(worker=ann, start_date=date(2025, 1, 6))
    e_ben = EngagementFactory(worker=ben, start_date=date(2024, 11, 1))
    e_tex = EngagementFactory(worker=tex, start_date=date(2025, 4, 7))
    approved = datetime(2025, 1, 1, tzinfo=timezone.utc)
    runs = {d: PayrollRunFactory(pay_date=d, approved_at=approved)
            for d in (date(2025, 1, 17), date(2025, 2, 14), date(2025, 3, 14), date(2025, 3, 28),
                      date(2025, 4, 11))}
    reversal = PayrollRunFactory(pay_date=date(2025, 3, 21), kind="reversal", state="approved",
                                 reverses_run_id=runs[date(2025, 3, 14)].id, approved_at=approved)
    _pay(e_ann, runs[date(2025, 1, 17)], "5000.00", _ca_lines("5000.00", "170.00", "4800.00", "250.00"))
    _pay(e_ann, runs[date(2025, 2, 14)], "5000.00", _ca_lines("2000.00", "68.00", "4800.00", "250.00"))
    _pay(e_ann, runs[date(2025, 4, 11)], "5000.00", _ca_lines("0.00", "0.00", "4800.00", "250.00"))
    _pay(e_ben, runs[date(2025, 3, 14)], "1500.00", _ca_lines("1500.00", "51.00", "1500.00", "45.00"))
    _pay(e_ben, reversal, "-1500.00", _ca_lines("1500.00", "51.00", "1500.00", "45.00", sign=-1), kind="reversal")
    _pay(e_ben, runs[date(2025, 3, 28)], "1200.00", _ca_lines("1200.00", "40.80", "1200.00", "36.00"))
    _pay(e_tex, runs[date(2025, 4, 11)], "800.00", [("employer_tax", "suta", "TX", D("21.60"), D("800.00"))])
    return {"ann": ann, "ben": ben, "tex": tex}


def test_state_wage_report_per_quarter_and_state_nets_the_reversal(world):
    built = svc.build_year(2025, ["state-wage"])
    assert sorted(r.period for r in built) == sorted(f"2025 Q{q} {st}" for q in (1, 2, 3, 4) for st in ("CA", "TX"))
    f = svc.find("state-wage", 2025, 1, "CA")
    c = f.content
    assert c["totals"] == {"count": 2, "gross": "11200.00", "suta_wages": "8200.00", "sit_wages": "10800.00",
                           "sit_withheld": "536.00", "suta_due": "278.80", "suta_booked": "278.80"}
    ben = next(e for e in c["employees"] if e["worker_id"] == world["ben"].id)
    assert (ben["gross"], ben["suta_wages"], ben["sit_withheld"]) == ("1200.00", "1200.00", "36.00")
    assert ben["tin_last4"] == world["ben"].tin_last4 and world["ben"].tin not in json.dumps(c)
    assert f.due_date == date(2025, 4, 30)
    q2 = svc.find("state-wage", 2025, 2, "CA").content["totals"]
    assert (q2["gross"], q2["suta_wages"], q2["sit_withheld"], q2["suta_due"]) == ("5000.00", "0.00", "250.00",
                                                                                    "0.00")
    tx = svc.find("state-wage", 2025, 2, "TX").content["totals"]
    assert (tx["gross"], tx["suta_wages"], tx["suta_due"]) == ("800.00", "800.00", "21.60")   # 800 × 0.027


def test_state_wage_csv_and_pdf_from_the_cli_with_full_ssns_audited(world, runner, tmp_path):
    """`filings export --form state-wage --year 2025 --quarter 1 --state CA --format csv`: the DE 9C columns, the
    full SSN from the worker's record; the export is in the audit log with the number of full TINs (2)."""
    svc.build_year(2025, ["state-wage"])
    out = tmp_path / "ca.csv"
    res = runner.invoke(main, ["filings", "export", "--form", "state-wage", "--year", "2025", "--quarter", "1",
                               "--state", "ca", "--format", "csv", "--output", str(out)])
    assert res.exit_code == 0, res.output
    rows = list(csv.reader(io.StringIO(out.read_text())))
    assert rows[0][0] == "Social Security Number" and rows[0][4] == "Total Subject Wages"
    assert rows[1] == [world["ann"].tin, "Ann", "", "Avery", "10000.00", "9600.00", "500.00"]
    assert rows[2] == [world["ben"].tin, "Ben", "", "Baker", "1200.00", "1200.00", "36.00"]
    log = _db.session.execute(sa.select(AuditLog).where(AuditLog.action == "filing_export")
                              .order_by(AuditLog.id.desc())).scalars().first()
    note = json.loads(log.changes)
    assert (note["form"], note["quarter"], note["state"], note["format"], note["full_tins"]) == (
        "state-wage", 1, "CA", "csv", 2)

    pdf = tmp_path / "ca.pdf"
    res = runner.invoke(main, ["filings", "export", "--form", "state-wage", "--year", "2025", "--quarter", "1",
                               "--state", "CA", "--format", "pdf", "--output", str(pdf)])
    assert res.exit_code == 0, res.output
    assert pdf.read_bytes()[:5] == b"%PDF-"
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
        assert "11200.00" in text and "278.80" in text and world["ann"].tin not in text
        assert f"XXX-XX-{world['ann'].tin_last4}" in text


def test_state_wage_export_needs_the_quarter(world, runner, tmp_path):
    svc.build_year(2025, ["state-wage"])
    res = runner.invoke(main, ["filings", "export", "--form", "state-wage", "--year", "2025", "--state", "CA",
                               "--format", "csv", "--output", str(tmp_path / "x.csv")])
    assert res.exit_code != 0 and "--quarter" in res.output


def test_state_recon_against_the_sit_deposits(world):
    """CA 2025: box 17 = 536.00 (Q1) + 250.00 (Q2) = 786.00. Deposits: Jan 250.00 and Feb 250.00 paid, Mar 36.00
    due → Q1 balanced; Q2's 250.00 not deposited → the year differs by 250.00."""
    agency_id = _db.session.execute(sa.text("select min(id) from agencies")).scalar_one()
    for start, end, amount, status in ((date(2025, 1, 1), date(2025, 1, 31), "250.00", "due"),
                                       (date(2025, 2, 1), date(2025, 2, 28), "250.00", "due"),
                                       (date(2025, 3, 1), date(2025, 3, 31), "36.00", "due")):
        _db.session.add(TaxDeposit(agency_id=agency_id, authority="CA EDD", tax="SIT", state="CA",
                                   period_start=start, period_end=end, amount=D(amount), breakdown=[], status=status))
    _db.session.add(TaxDeposit(agency_id=agency_id, authority="CA EDD", tax="SUI", state="CA",
                               period_start=date(2025, 1, 1), period_end=date(2025, 3, 31), amount=D("278.80"),
                               breakdown=[]))
    _db.session.commit()
    built = svc.build_year(2025, ["state-recon"])
    assert [r.period for r in built] == ["2025 CA"]         # TX has no state income tax lines
    c = svc.find("state-recon", 2025, 0, "CA").content
    assert c["w2"] == {"count": 2, "box16": "15600.00", "box17": "786.00"}     # 10,800 + 4,800
    assert c["quarters"]["1"]["difference"] == "0.00" and c["quarters"]["2"]["difference"] == "250.00"
    assert (c["deposits"]["total"], c["balanced"], c["difference"]) == ("536.00", False, "250.00")
    f = svc.find("state-recon", 2025, 0, "CA")
    assert f.due_date == date(2026, 2, 2)                   # Jan 31, 2026 is a Saturday
    text = svc.export(f, "csv").decode().splitlines()
    assert text[-1] == "CA,2025,year,15600.00,786.00,536.00,250.00"


def test_new_hire_reports_per_quarter_and_work_state(world, runner, tmp_path):
    """Ann hired Jan 6, 2025 in CA (Q1 CA, due Jan 26); Tex Apr 7 in TX (Q2 TX, due Apr 27, TX defaulted to the
    federal 20 days); Ben hired in 2024: not reported."""
    built = svc.build_year(2025, ["new-hire"])
    assert [r.period for r in built] == ["2025 Q1 CA", "2025 Q2 TX"]
    ca = svc.find("new-hire", 2025, 1, "CA")
    assert [h["worker_id"] for h in ca.content["hires"]] == [world["ann"].id]
    assert ca.content["hires"][0]["hire_date"] == "2025-01-06" and ca.due_date == date(2025, 1, 26)
    tx = svc.find("new-hire", 2025, 2, "TX")
    assert tx.content["days_defaulted"] is True and tx.due_date == date(2025, 4, 27)
    out = tmp_path / "nh.csv"
    res = runner.invoke(main, ["filings", "export", "--form", "new-hire", "--year", "2025", "--quarter", "1",
                               "--state", "CA", "--format", "csv", "--output", str(out)])
    assert res.exit_code == 0, res.output
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert len(rows) == 1
    r = rows[0]
    assert (r["employer_fein"], r["employee_ssn"], r["last_name"], r["hire_date"], r["work_state"]) == (
        "841234567", world["ann"].tin, "Avery", "2025-01-06", "CA")
    assert (r["employer_name"], r["employer_city"], r["city"]) == ("Tandem Staffing Partners LLC", "Denver", "Austin")


def test_state_wages_fall_back_to_federal_wages_when_the_state_line_has_none(world):
    """Payroll leaves taxable_wages empty on state income tax lines today: Nia (NY) paid May 9, 2025, gross
    2,100.00, federal income tax computed on 2,000.00 (100.00 of 401(k) pre-tax), NY tax 90.00 with no taxable
    wages → NY state wages 2,000.00; SUTA wages 2,100.00 × 0.041 = 86.10 (NY not registered here: due 0.00)."""
    nia = WorkerFactory(payroll_ready=True, first_name="Nia", last_name="Nash", state="NY")
    run = PayrollRunFactory(pay_date=date(2025, 5, 9), approved_at=datetime(2025, 5, 1, tzinfo=timezone.utc))
    _pay(EngagementFactory(worker=nia, start_date=date(2024, 1, 1)), run, "2100.00",
         [("employee_tax", "federal_income_tax", "", D("150.00"), D("2000.00")),
          ("employee_tax", "state_income_tax", "NY", D("90.00"), None),
          ("employer_tax", "suta", "NY", D("86.10"), D("2100.00"))])
    svc.build_year(2025, ["state-wage", "state-recon"])
    c = svc.find("state-wage", 2025, 2, "NY").content
    assert c["employees"][0]["sit_wages"] == "2000.00" and c["employees"][0]["sit_withheld"] == "90.00"
    assert (c["registered"], c["totals"]["suta_due"], c["totals"]["suta_booked"]) == (False, "0.00", "86.10")
    assert svc.find("state-recon", 2025, 0, "NY").content["w2"] == {"count": 1, "box16": "2000.00",
                                                                   "box17": "90.00"}
