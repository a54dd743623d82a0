"""1099-NEC and 945 from a hand-built 2025 through the real services and CLI: three contractors (one over the
$600 threshold, one under, one under with backup withholding and an EIN), an employee and an unreleased run that
must not count; the CSV, FIRE and PDF exports through `backoffice filings export`; full TINs only in the exports,
each export audited; the corrected 1099-NEC after filing; Form 945 lines against the deposits."""
from __future__ import annotations

import csv
import io
import json
import subprocess
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from backoffice.audit import AuditLog
from backoffice.extensions import db as _db
from compliance import services as svc
from compliance.engine import fire
from compliance.models import Filing
from payroll.models_ledger import JournalEntry
from payroll.models_money import TaxDeposit
from tests.factories import (AgencyFactory, EngagementFactory, PaycheckFactory, PaycheckLineFactory,
                             PayrollRunFactory, W9FormFactory, WorkerFactory)


def _run(pay_date, state="paid"):
    return PayrollRunFactory(pay_date=pay_date, state=state)


def _pay(worker, run, gross, backup="0", worker_type="contractor", eng=None):
    eng = eng or EngagementFactory(worker=worker, type="contractor" if worker_type == "contractor"
                                   else "leased_employee", start_date=date(2025, 1, 1))
    pc = PaycheckFactory(run=run, engagement=eng, worker_type=worker_type, gross=Decimal(gross),
                         employee_taxes=Decimal(backup))
    PaycheckLineFactory(paycheck=pc, kind="earning", code="contract", amount=Decimal(gross))
    if Decimal(backup):
        PaycheckLineFactory(paycheck=pc, kind="employee_tax", code="backup_withholding", amount=Decimal(backup),
                            taxable_wages=Decimal(gross))
    return eng


@pytest.fixture
def year(db, app, monkeypatch):
    """Ana (SSN …0001): 700.00 (Mar 14) + 550.00 (Jun 13) = 1,250.00 → reported.
    Ben (SSN): 450.00 (Jun 13) → under $600, no withholding → not reported.
    Cole (EIN 98-7654321, W-9 line 1 "Cole Design LLC", line 2 "Cole Studio"): 500.00 (Mar 14) with 120.00
    backup withholding (24%) → reported under the W-9's name.
    Not counted: an employee's 5,000.00, Ana's 900.00 in a calculated (unreleased) run, Ana's 2026 payment."""
    monkeypatch.setitem(app.config, "IRS_TCC", "5AB12")
    monkeypatch.setitem(app.config, "FILER_CONTACT_NAME", "Robin Filer")
    monkeypatch.setitem(app.config, "FILER_CONTACT_PHONE", "303-555-0100")
    AgencyFactory()
    ana = WorkerFactory(first_name="Ana", last_name="Over", tin="123450001", tin_last4="0001",
                        address_line1="1 Oak St", city="Austin", postal_code="78701")
    ben = WorkerFactory(first_name="Ben", last_name="Under", tin="123450002", tin_last4="0002")
    cole = WorkerFactory(first_name="Cole", last_name="Design", tin_type="ein", tin="987654321", tin_last4="4321",
                         address_line1="3 Elm Ave", city="Boulder", state="CO", postal_code="80301")
    W9FormFactory(worker=cole, legal_name="Cole Design LLC", business_name="Cole Studio", entity_type="llc_p",
                  tin_type="ein")
    emp = WorkerFactory(first_name="Eli", last_name="Employee", tin="123450009", tin_last4="0009")
    mar, jun = _run(date(2025, 3, 14)), _run(date(2025, 6, 13))
    e_ana = _pay(ana, mar, "700.00")
    _pay(ana, jun, "550.00", eng=e_ana)
    _pay(ben, jun, "450.00")
    _pay(cole, mar, "500.00", backup="120.00")
    _pay(emp, mar, "5000.00", worker_type="employee")
    _pay(ana, _run(date(2025, 9, 12), state="calculated"), "900.00", eng=e_ana)
    _pay(ana, _run(date(2026, 1, 9)), "800.00", eng=e_ana)
    return {"ana": ana, "ben": ben, "cole": cole, "e_ana": e_ana}


def _exports(action="filing_export"):
    return [json.loads(a.changes) for a in _db.session.execute(
        sa.select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.id)).scalars()]


def test_1099_nec_content_has_the_two_reported_recipients_and_no_full_tin(year):
    (r,) = svc.build_year(2025, ["1099-nec"])
    assert (r.action, r.status) == ("created", "draft")
    f = _db.session.get(Filing, r.filing_id)
    c = f.content
    assert [(x["name"], x["box1"], x["box4"], x["tin_type"], x["tin_last4"]) for x in c["recipients"]] == [
        ("Ana Over", "1250.00", "0.00", "SSN", "0001"), ("Cole Design LLC", "500.00", "120.00", "EIN", "4321")]
    assert c["recipients"][1]["business_name"] == "Cole Studio"
    assert c["totals"] == {"count": 2, "box1": "1750.00", "box4": "120.00"}
    assert c["not_reported"] == {"count": 1, "box1": "450.00"} and c["threshold"] == "600.00"
    assert f.due_date == date(2026, 2, 2)           # Jan 31 2026 is a Saturday → Monday Feb 2
    text = json.dumps(c)
    assert "123450001" not in text and "987654321" not in text
    assert r.summary == "2 recipients, box 1 1750.00, box 4 120.00"


def test_cli_exports_csv_fire_and_pdf_with_full_tins_only_there_and_audited(year, runner, tmp_path, pdftotext):
    svc.build_year(2025, ["1099-nec"])
    out = tmp_path / "nec.csv"
    res = runner.invoke(args=["filings", "export", "--form", "1099-nec", "--year", "2025", "--format", "csv",
                              "--output", str(out)])
    assert res.exit_code == 0, res.output
    rows = list(csv.reader(io.StringIO(out.read_text())))
    assert rows[0] == ["payer_tin", "recipient_tin", "recipient_tin_type", "recipient_name", "address", "city",
                       "state", "zip", "box1", "box4"]
    assert rows[1:] == [["841234567", "123450001", "SSN", "Ana Over", "1 Oak St", "Austin", "TX", "78701",
                         "1250.00", "0.00"],
                        ["841234567", "987654321", "EIN", "Cole Design LLC", "3 Elm Ave", "Boulder", "CO", "80301",
                         "500.00", "120.00"]]

    out = tmp_path / "nec.fire"
    res = runner.invoke(args=["filings", "export", "--form", "1099-nec", "--year", "2025", "--format", "fire",
                              "--output", str(out), "--test-file"])
    assert res.exit_code == 0, res.output
    recs = fire.read(out.read_bytes())
    assert [r["_kind"] for r in recs] == ["T", "A", "B", "B", "C", "F"]
    assert recs[0]["tcc"] == "5AB12" and recs[0]["test_file"] == "T" and recs[0]["transmitter_tin"] == "841234567"
    assert recs[1]["type_of_return"] == "NE" and recs[1]["amount_codes"].strip() == "14"
    assert [(b["payee_tin"], b["tin_type"], b["amount_1"], b["amount_4"]) for b in recs[2:4]] == [
        ("123450001", "2", "000000125000", "000000000000"), ("987654321", "1", "000000050000", "000000012000")]
    assert recs[4]["total_1"] == "000000000000175000" and recs[4]["total_4"] == "000000000000012000"
    assert recs[3]["payee_name"].strip() == "COLE DESIGN LLC" and recs[3]["payee_name_2"].strip() == "COLE STUDIO"
    assert recs[3]["name_control"] == "COLE"

    out = tmp_path / "nec.pdf"
    res = runner.invoke(args=["filings", "export", "--form", "1099-nec", "--year", "2025", "--format", "pdf",
                              "--output", str(out)])
    assert res.exit_code == 0, res.output
    text = subprocess.run([pdftotext, "-layout", str(out), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "1,250.00" not in text and "1250.00" in text and "Copy B" in text and "Ana Over" in text
    assert "***-**-0001" in text and "123450001" not in text          # Copy B shows the last four only
    assert "**-***4321" in text and "84-1234567" in text

    audits = _exports()
    assert [(a["form"], a["format"], a["full_tins"]) for a in audits] == [
        ("1099-nec", "csv", 2), ("1099-nec", "fire", 2), ("1099-nec", "pdf", 0)]


def test_fire_is_refused_without_a_tcc_before_any_tin_is_revealed(year, app, runner, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "IRS_TCC", "")
    svc.build_year(2025, ["1099-nec"])
    res = runner.invoke(args=["filings", "export", "--form", "1099-nec", "--year", "2025", "--format", "fire",
                              "--output", str(tmp_path / "x")])
    assert res.exit_code == 2
    assert "BACKOFFICE_IRS_TCC" in res.output and not (tmp_path / "x").exists()
    assert _exports() == []


def test_iris_csv_has_one_row_per_recipient(year):
    (r,) = svc.build_year(2025, ["1099-nec"])
    rows = list(csv.reader(io.StringIO(svc.export(svc.get(r.filing_id), "iris-csv").decode())))
    assert len(rows) == 3 and rows[0][0] == "Form Type"
    head = rows[0]
    assert rows[1][head.index("Recipient TIN")] == "123450001"
    assert rows[2][head.index("Box 4 Federal Income Tax Withheld")] == "120.00"


def test_corrected_1099_after_filing_has_the_changed_recipient_with_g(year, runner, tmp_path, pdftotext):
    """Filed: Ana 1,250.00, Cole 500.00. Then late-approved 2025 payments: 100.00 to Ana → 1,350.00, and 250.00
    to Ben → 450.00 + 250.00 = 700.00 ≥ 600. The correction holds Ana only ("G" in B position 6, C total 135000
    cents; Cole unchanged is not on it); Ben was never filed, so he is a late original (fire-late, no "G").
    The original stays as filed."""
    (r,) = svc.build_year(2025, ["1099-nec"])
    svc.review(r.filing_id)
    svc.finalize(r.filing_id)
    svc.mark_filed(r.filing_id, "FIRE-2026-0001")
    filed = dict(svc.get(r.filing_id).content)
    _pay(year["ana"], _run(date(2025, 12, 19)), "100.00", eng=year["e_ana"])
    _pay(year["ben"], _run(date(2025, 12, 19)), "250.00")
    res = runner.invoke(args=["filings", "correct", "--form", "1099-nec", "--year", "2025"])
    assert res.exit_code == 0, res.output
    c = svc.find("1099-nec", 2025, latest=True)
    assert c.revision == 1 and c.title == "Form 1099-NEC (corrected)"
    assert [(x["name"], x["box1"], x["corrected"], x["prior"]["box1"]) for x in c.content["recipients"]] == [
        ("Ana Over", "1350.00", "G", "1250.00")]
    assert [(x["name"], x["box1"]) for x in c.content["late_originals"]] == [("Ben Under", "700.00")]
    original = svc.get(r.filing_id)
    assert original.status == "amended" and original.content == filed

    def export(fmt, name):
        out = tmp_path / name
        res = runner.invoke(args=["filings", "export", "--form", "1099-nec-c", "--year", "2025", "--format", fmt,
                                  "--output", str(out)])
        assert res.exit_code == 0, res.output
        return out

    recs = fire.read(export("fire", "c.fire").read_bytes())
    assert [x["_kind"] for x in recs] == ["T", "A", "B", "C", "F"]
    assert recs[2]["corrected"] == "G" and recs[2]["amount_1"] == "000000135000"
    assert recs[3]["total_1"] == "000000000000135000"
    late = fire.read(export("fire-late", "late.fire").read_bytes())
    assert [(x["_kind"], x.get("corrected"), x.get("amount_1")) for x in late if x["_kind"] == "B"] == [
        ("B", " ", "000000070000")]
    lines = export("csv", "c.csv").read_text().splitlines()
    assert lines[0].endswith(",box4,corrected")
    assert lines[1].endswith(",1350.00,0.00,G") and lines[2].endswith(",700.00,0.00,")
    text = subprocess.run([pdftotext, "-layout", str(export("pdf", "c.pdf")), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "Ana Over" in text and "Ben Under" in text and "1350.00" in text


def test_1099_nec_c_before_any_correction_is_a_clear_not_found(year, runner, tmp_path):
    svc.build_year(2025, ["1099-nec"])
    res = runner.invoke(args=["filings", "export", "--form", "1099-nec-c", "--year", "2025", "--format", "fire",
                              "--output", str(tmp_path / "x")])
    assert res.exit_code == 2 and "no correction yet" in res.output


def test_945_lines_from_backup_withholding_and_deposits(year, runner, tmp_path):
    """Backup withholding 2025: Cole's 120.00 in March → line 2 = line 3 = 120.00; deposits paid for 2025:
    100.00 (a 945 deposit of 2024 and an unpaid one do not count) → line 4 100.00, line 5 balance due 20.00."""
    for start, amount, status in ((date(2025, 3, 1), "100.00", "paid"), (date(2024, 12, 1), "55.00", "paid"),
                                  (date(2025, 6, 1), "30.00", "due")):
        je = None
        if status == "paid":                  # a paid deposit has its journal entry (the table checks it)
            je = JournalEntry(kind="deposit", entry_date=start, memo="945 deposit")
            _db.session.add(je)
            _db.session.flush()
        _db.session.add(TaxDeposit(authority="IRS (EFTPS)", tax="945", period_start=start,
                                   period_end=start.replace(day=28), amount=Decimal(amount), breakdown=[],
                                   status=status, paid_on=start if je else None, journal_entry_id=je and je.id))
    _db.session.commit()
    (r,) = svc.build_year(2025, ["945"])
    out = tmp_path / "945.json"
    res = runner.invoke(args=["filings", "export", "--form", "945", "--year", "2025", "--format", "json",
                              "--output", str(out)])
    assert res.exit_code == 0, res.output
    c = json.loads(out.read_text())
    assert (c["line1"], c["line2"], c["line3"], c["line4"], c["line5"], c["line6"]) == \
        ("0.00", "120.00", "120.00", "100.00", "20.00", "0.00")
    assert c["monthly"]["2025-03"] == "120.00" and c["monthly"]["2025-06"] == "0.00"
    assert svc.get(r.filing_id).due_date == date(2026, 2, 2)
    assert svc.export(svc.get(r.filing_id), "pdf")[:4] == b"%PDF"
