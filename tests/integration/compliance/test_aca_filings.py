"""Forms 1095-C and 1094-C built from hand-set monthly ACA records (benefit_aca_months) and paychecks, exported by
`filings export` as JSON and PDF."""
from __future__ import annotations

import json
import shutil
import subprocess
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest

from backoffice.cli import main
from backoffice.extensions import db as _db
from benefits.aca_models import AcaMonth
from compliance import services as svc
from tests.factories import AgencyFactory, EngagementFactory, PaycheckFactory, PayrollRunFactory, WorkerFactory

NOW = datetime(2026, 1, 5, tzinfo=timezone.utc)


def _months(worker, spec):
    """spec: {month: (status, line14, share or None, line16)}."""
    for m, (status, l14, share, l16) in spec.items():
        _db.session.add(AcaMonth(worker_id=worker.id, year=2025, month=m, status=status, basis="look_back",
                                 hours=Decimal("130.00"), line14=l14, line16=l16,
                                 employee_share=Decimal(share) if share is not None else None,
                                 explanation=[], computed_at=NOW))


@pytest.fixture
def world(db):
    """Ann: full time all year, offered 1E at $85.00, enrolled (2C) → "All 12 Months" 1E / 85.00 / 2C.
    Ben: not full time January–June (1H, 2B); full time July–December, offered employee-only coverage (1B) at
      $110.00, not enrolled, rate-of-pay safe harbor (2H).
    Cy: not full time all year (1H, 2B) → no 1095-C (the coverage is insured).
    One run paid Jan 24, 2025 for Jan 5–18 (includes the 12th) pays all three: January's total count 3; no
    other run, so February–December count 0.
    1094-C Part III: (b) full time January–June 1 (Ann), July–December 2 (Ann, Ben); (a) offered to employee and
    dependents: January–June 1 of 1 → yes; July–December 1 of 2 (Ben's 1B names no dependents) = 50% → no."""
    AgencyFactory()
    ann = WorkerFactory(payroll_ready=True, first_name="Ann", last_name="Avery")
    ben = WorkerFactory(payroll_ready=True, first_name="Ben", last_name="Baker")
    cy = WorkerFactory(payroll_ready=True, first_name="Cy", last_name="Cole")
    _months(ann, {m: ("full_time", "1E", "85.00", "2C") for m in range(1, 13)})
    _months(ben, {m: ("not_full_time", "1H", None, "2B") if m <= 6 else ("full_time", "1B", "110.00", "2H")
                  for m in range(1, 13)})
    _months(cy, {m: ("not_full_time", "1H", None, "2B") for m in range(1, 13)})
    _db.session.commit()
    run = PayrollRunFactory(pay_date=date(2025, 1, 24), period_start=date(2025, 1, 5),
                            period_end=date(2025, 1, 18), approved_at=NOW)
    for w in (ann, ben, cy):
        PaycheckFactory(run=run, engagement=EngagementFactory(worker=w, start_date=date(2024, 1, 1)),
                        gross=Decimal("1000.00"))
    return {"ann": ann, "ben": ben, "cy": cy}


def test_1095c_lines_to_the_month(world):
    svc.build_year(2025, ["1095-c"])
    f = svc.find("1095-c", 2025)
    c = f.content
    assert [e["name"] for e in c["employees"]] == ["Ann Avery", "Ben Baker"] and c["count"] == 2
    ann, ben = c["employees"]
    assert (ann["line14"], ann["line15"], ann["line16"]) == ({"all": "1E"}, {"all": "85.00"}, {"all": "2C"})
    assert ben["line14"] == {**{f"{m:02d}": "1H" for m in range(1, 7)}, **{f"{m:02d}": "1B" for m in range(7, 13)}}
    assert ben["line15"] == {**{f"{m:02d}": "" for m in range(1, 7)}, **{f"{m:02d}": "110.00" for m in range(7, 13)}}
    assert ben["line16"] == {**{f"{m:02d}": "2B" for m in range(1, 7)}, **{f"{m:02d}": "2H" for m in range(7, 13)}}
    assert ann["tin_last4"] == world["ann"].tin_last4 and world["ann"].tin not in json.dumps(c)
    assert f.due_date == date(2026, 3, 2)                    # furnish by Mar 2, 2026


def test_1094c_counts_per_month(world):
    svc.build_year(2025, ["1095-c", "1094-c"])
    f = svc.find("1094-c", 2025)
    c = f.content
    assert (c["line18"], c["line20"], c["line19"], c["line21"]) == (2, 2, True, False)
    p3 = c["part3"]
    assert "all" not in p3
    assert (p3["01"]["offer_indicator"], p3["01"]["full_time_count"], p3["01"]["total_count"]) == ("yes", 1, 3)
    assert (p3["06"]["offer_indicator"], p3["06"]["full_time_count"], p3["06"]["total_count"]) == ("yes", 1, 0)
    assert (p3["07"]["offer_indicator"], p3["07"]["full_time_count"]) == ("no", 2)
    assert c["ale_member"]["name"] == "Tandem Staffing Partners LLC"
    assert f.due_date == date(2026, 3, 31)


def test_1095c_and_1094c_export_json_and_pdf(world, runner, tmp_path):
    svc.build_year(2025, ["1095-c", "1094-c"])
    out = tmp_path / "1095c.json"
    res = runner.invoke(main, ["filings", "export", "--form", "1095-c", "--year", "2025", "--format", "json",
                               "--output", str(out)])
    assert res.exit_code == 0, res.output
    assert json.loads(out.read_text())["employees"][0]["line14"] == {"all": "1E"}
    for form in ("1095-c", "1094-c"):
        pdf = tmp_path / f"{form}.pdf"
        res = runner.invoke(main, ["filings", "export", "--form", form, "--year", "2025", "--format", "pdf",
                                   "--output", str(pdf)])
        assert res.exit_code == 0, res.output
        assert pdf.read_bytes()[:5] == b"%PDF-"
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "1095-c.pdf"), "-"], capture_output=True,
                              text=True).stdout
        assert "Ann Avery" in text and "Ben Baker" in text and "$85.00" in text and "$110.00" in text
        assert f"XXX-XX-{world['ann'].tin_last4}" in text and world["ann"].tin not in text
        assert "84-1234567" in text
        text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "1094-c.pdf"), "-"], capture_output=True,
                              text=True).stdout
        assert "Tandem Staffing Partners LLC" in text and "2026-03-31" in text


def test_a_filed_1095c_is_corrected_for_the_changed_employee_only(world):
    """Filed with Ben's July share at $110.00; benefits then rebuilds Ben's July at $95.00: the correction
    (revision 1) carries Ben only, July "95.00"; the original stays as filed (amended)."""
    r = svc.build_year(2025, ["1095-c"])[0]
    svc.review(r.filing_id)
    svc.finalize(r.filing_id)
    svc.mark_filed(r.filing_id, "AIR-1095C-001")
    row = _db.session.query(AcaMonth).filter_by(worker_id=world["ben"].id, year=2025, month=7).one()
    row.employee_share = Decimal("95.00")
    _db.session.commit()
    c = svc.correct(r.filing_id)
    assert (c.revision, c.form, c.title) == (1, "1095-c", "Form 1095-C")
    assert [e["worker_id"] for e in c.content["employees"]] == [world["ben"].id]
    assert c.content["employees"][0]["line15"]["07"] == "95.00" and c.content["corrected_form"] is True
    original = svc.get(r.filing_id)
    assert original.status == "amended"
    assert original.content["employees"][1]["line15"]["07"] == "110.00"
    assert svc.export(c, "pdf")[:5] == b"%PDF-"
