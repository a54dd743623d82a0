"""W-2, W-3 and W-2c from the database: the hand-built 2025 of tests/unit/compliance/year_2025.py stored as
released paychecks (figures in its docstrings), built by the services, exported by the CLI (EFW2) and as PDFs
read back with pdftotext; after filing, a real paycheck reversal makes a W-2c for that worker only."""
from __future__ import annotations

import json
import subprocess
from datetime import date, datetime, timezone
from decimal import Decimal as D

import pytest
import sqlalchemy as sa

from backoffice.audit import AuditLog
from backoffice.cli import main
from backoffice.extensions import db as _db
from compliance import services as svc
from compliance.models import Filing
from payroll.models import Paycheck
from tests.factories import (AgencyFactory, EngagementFactory, PaycheckFactory, PaycheckLineFactory,
                             PayrollRunFactory, WorkerFactory)
from tests.unit.compliance.year_2025 import WORKERS

SSN = {11: "521443307", 12: "521443308", 13: "521443309"}


def _store_year():
    """The agency (CA and NY withholding accounts) and the three workers' released paychecks; returns
    {worker number: worker id} and the Paycheck of Ana's second pay date."""
    agency = AgencyFactory(suta_rates={"CA": "0.034", "NY": "0.041", "TX": "0.027"})
    for r in agency.registrations:
        r.withholding_account = {"CA": "123-4567-8", "NY": "NY-998877"}.get(r.state, "")
    runs: dict[date, object] = {}
    ids, second = {}, None
    for n, first, mid, last, l4, addr, city, st, z, pcs in WORKERS:
        w = WorkerFactory(first_name=first, middle_name=mid, last_name=last, tin=SSN[n], tin_last4=l4,
                          address_line1=addr, city=city, state=st, postal_code=z)
        eng = EngagementFactory(worker=w, work_state=st, start_date=date(2025, 1, 1))
        ids[n] = w.id
        for day, work_state, gross, qop, amounts, wages in pcs:
            if day not in runs:
                runs[day] = PayrollRunFactory(pay_date=day, state="approved",
                                              approved_at=datetime(2025, 1, 1, tzinfo=timezone.utc))
            taxes = sum(v for k, v in amounts.items() if k[0] == "employee_tax")
            er_taxes = sum((v for k, v in amounts.items() if k[0] == "employer_tax"), D(0))
            deds = sum((v for k, v in amounts.items() if k[0] in ("pretax_deduction", "posttax_deduction")), D(0))
            p = PaycheckFactory(run=runs[day], engagement=eng, gross=gross, qualified_overtime_premium=qop,
                                employee_taxes=taxes, employer_taxes=er_taxes, deductions=deds)
            for (kind, code, state), amount in amounts.items():
                PaycheckLineFactory(paycheck=p, kind=kind, code=code, state=state, amount=amount,
                                    taxable_wages=wages.get((kind, code, state)))
            if n == 11 and day == date(2025, 3, 28):
                second = p
    _db.session.commit()
    return ids, second


@pytest.fixture
def year(db, app, monkeypatch):
    monkeypatch.setitem(app.config, "SSA_BSO_USER_ID", "AB12CD34")
    monkeypatch.setitem(app.config, "FILER_CONTACT_NAME", "Jo Filer")
    monkeypatch.setitem(app.config, "FILER_CONTACT_PHONE", "303-555-0100")
    monkeypatch.setitem(app.config, "FILER_CONTACT_EMAIL", "filings@tandem.example")
    return _store_year()


def _w2(ids):
    f = svc.find("w2", 2025)
    return f, {e["worker_id"]: e for e in f.content["employees"]}


def test_build_w2_and_w3_from_released_paychecks(year):
    """The boxes of test_w2_engine's hand figures, now read from stored paycheck lines; W-3 = their sums; due
    January 31, 2026 is a Saturday → Monday 2 February 2026."""
    ids, _ = year
    results = {r.form: r for r in svc.build_year(2025, ["w2", "w3"])}
    assert results["w2"].action == "created" and "3 W-2s" in results["w2"].summary
    f, e = _w2(ids)
    ana, ben, cara = e[ids[11]], e[ids[12]], e[ids[13]]
    assert [ana[f"box{n}"] for n in range(1, 7)] == ["8800.00", "1000.00", "9400.00", "582.80", "9400.00", "136.30"]
    assert {c["code"]: c["amount"] for c in ana["box12"]} == {"D": "600.00", "W": "300.00", "AA": "300.00",
                                                              "DD": "1200.00"}
    assert ana["states"] == [{"state": "CA", "employer_state_id": "123-4567-8", "box16": "8800.00",
                              "box17": "400.00"}]
    assert (ben["box3"], ben["box4"], ben["box6"]) == ("176100.00", "10918.20", "3135.00")
    assert (cara["box1"], cara["box10"], cara["states"][0]["box16"]) == ("1920.00", "80.00", "1920.00")
    assert ana["tin_last4"] == "1111" and "521443307" not in json.dumps(f.content)     # no full TIN in content
    assert f.due_date == date(2026, 2, 2)
    w3 = svc.find("w3", 2025).content
    assert (w3["count"], w3["box1"], w3["box4"], w3["box12a_deferred"], w3["box17"]) == (
        3, "220720.00", "11620.04", "900.00", "420.00")


def test_cli_exports_the_efw2_file(year, runner, tmp_path):
    """`filings export --form w2 --format efw2`: RA..RF, full SSNs from the workers' encrypted TINs in the RW
    records (positions 3–11), RT box 1 total 220,720.00 (positions 10–24); the export is audited with 3 TINs."""
    ids, _ = year
    assert runner.invoke(main, ["filings", "build", "--year", "2025", "--form", "w2"]).exit_code == 0
    out = tmp_path / "w2.txt"
    r = runner.invoke(main, ["filings", "export", "--form", "w2", "--year", "2025", "--format", "efw2",
                             "--output", str(out), "--test-file"])
    assert r.exit_code == 0, r.output
    recs = out.read_bytes().decode("ascii").split("\r\n")[:-1]
    assert [x[:2] for x in recs] == ["RA", "RE", "RW", "RW", "RW", "RT", "RF"]
    assert recs[0][11:19] == "AB12CD34" and recs[0][2:11] == "841234567"
    assert [x[2:11] for x in recs[2:5]] == [SSN[11], SSN[12], SSN[13]]
    assert recs[5][9:24] == "000000022072000" and recs[6][7:16] == "000000003"
    ev = _db.session.execute(sa.select(AuditLog).where(AuditLog.action == "filing_export")
                             .order_by(AuditLog.id.desc())).scalars().first()
    assert json.loads(ev.changes)["full_tins"] == 3 and json.loads(ev.changes)["format"] == "efw2"


def test_w2c_export_before_any_correction_is_refused(year, runner, tmp_path):
    runner.invoke(main, ["filings", "build", "--year", "2025", "--form", "w2"])
    r = runner.invoke(main, ["filings", "export", "--form", "w2c", "--year", "2025", "--format", "pdf",
                             "--output", str(tmp_path / "x")])
    assert r.exit_code == 2 and "filings correct --form w2" in r.output


def test_efw2_refused_without_a_bso_user_id(year, runner, app, monkeypatch, tmp_path):
    monkeypatch.setitem(app.config, "SSA_BSO_USER_ID", "")
    runner.invoke(main, ["filings", "build", "--year", "2025", "--form", "w2"])
    r = runner.invoke(main, ["filings", "export", "--form", "w2", "--year", "2025", "--format", "efw2",
                             "--output", str(tmp_path / "x")])
    assert r.exit_code == 2 and "BACKOFFICE_SSA_BSO_USER_ID" in r.output
    assert not (tmp_path / "x").exists()


def _text(pdftotext, data: bytes, tmp_path) -> str:
    path = tmp_path / "f.pdf"
    path.write_bytes(data)
    return subprocess.run([pdftotext, "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_w2_pdf_has_copies_b_c_2_per_employee(year, pdftotext, tmp_path):
    """3 employees × copies B, C and 2 = 9 pages; each shows the boxes; SSNs only as XXX-XX-last four."""
    ids, _ = year
    svc.build_year(2025, ["w2", "w3"])
    f, _e = _w2(ids)
    text = _text(pdftotext, svc.export(f, "pdf"), tmp_path)
    pages = text.split("\f")
    pages = [p for p in pages if p.strip()]
    assert len(pages) == 9
    ana_b = pages[0]
    for s in ("XXX-XX-1111", "84-1234567", "8800.00", "1000.00", "9400.00", "582.80", "136.30", "D", "600.00",
              "DD", "1200.00", "CA SDI 110.00", "123-4567-8", "400.00", "Copy B", "Ana Ruiz", "2025",
              "Wage and Tax Statement", "Retirement plan: X"):
        assert s in ana_b, (s, ana_b)
    assert "Copy C" in pages[1] and "Copy 2" in pages[2]
    assert "176100.00" in pages[3] and "10918.20" in pages[3]
    assert not any(ssn in text for ssn in SSN.values())
    w3 = _text(pdftotext, svc.export(svc.find("w3", 2025), "pdf"), tmp_path)
    for s in ("220720.00", "47205.00", "187420.00", "11620.04", "221320.00", "3299.14", "900.00", "Form W-3"):
        assert s in w3, s


def test_reversal_after_filing_makes_a_w2c_for_that_worker_only(year, make_user, pdftotext, tmp_path, runner):
    """Filed 2025 W-2s; then Ana's 28 March paycheck is reversed (payroll's reverse_run of the run that holds only
    it: a negative copy dated 11 April 2025): her box 1 goes from 8,800.00 to 4,400.00, box 2 1,000.00 → 500.00,
    CA box 16 8,800.00 →
    4,400.00. The W-2c lists Ana only, with the previously reported and correct amounts; the filed W-2 stays."""
    from payroll.services import corrections
    ids, second = year
    r = svc.build_year(2025, ["w2"])[0]
    svc.review(r.filing_id)
    svc.finalize(r.filing_id)
    svc.mark_filed(r.filing_id, "SSA-WFID-123456")
    filed_content = svc.get(r.filing_id).content
    corrections.reverse_run(second.run_id, make_user("hr"), "paid twice", on=date(2025, 4, 11))   # its only paycheck
    c = svc.correct(r.filing_id)
    original = _db.session.get(Filing, r.filing_id)
    assert original.status == "amended" and original.content == filed_content
    assert c.title == "Form W-2c" and c.content["form"] == "w2c"
    assert [e["worker_id"] for e in c.content["employees"]] == [ids[11]]
    e = c.content["employees"][0]
    assert (e["previous"]["box1"], e["correct"]["box1"]) == ("8800.00", "4400.00")
    assert (e["previous"]["box2"], e["correct"]["box2"]) == ("1000.00", "500.00")
    assert (e["previous"]["box16_CA"], e["correct"]["box16_CA"]) == ("8800.00", "4400.00")
    text = _text(pdftotext, svc.export(c, "pdf"), tmp_path)
    assert "Form W-2c" in text and "8800.00" in text and "4400.00" in text and "XXX-XX-1111" in text
    assert json.loads(svc.export(c, "json"))["employees"][0]["worker_id"] == ids[11]
    out = tmp_path / "w2c.json"                 # the CLI finds the last correction by the correcting form's code
    r = runner.invoke(main, ["filings", "export", "--form", "w2c", "--year", "2025", "--format", "json",
                             "--output", str(out)])
    assert r.exit_code == 0, r.output
    assert json.loads(out.read_text())["employees"][0]["previous"]["box1"] == "8800.00"
    with pytest.raises(Exception, match="EFW2C"):
        svc.export(c, "efw2")
    assert _db.session.execute(sa.select(sa.func.count()).select_from(Paycheck)
                               .where(Paycheck.reverses_id == second.id)).scalar_one() == 1
    assert D(c.content["corrected"]["totals"]["box1"]) == D("220720.00") - D("4400.00")


def test_one_workers_copies(year, pdftotext, tmp_path):
    """options {"worker_id": Cara's id}: her three copies only (box 1 1,920.00, NY PFL 7.40)."""
    ids, _ = year
    svc.build_year(2025, ["w2"])
    f, _e = _w2(ids)
    text = _text(pdftotext, svc.export(f, "pdf", {"worker_id": ids[13]}), tmp_path)
    pages = [p for p in text.split("\f") if p.strip()]
    assert len(pages) == 3 and all("XXX-XX-3333" in p and "1920.00" in p and "NY PFL 7.40" in p for p in pages)
    assert "XXX-XX-1111" not in text
