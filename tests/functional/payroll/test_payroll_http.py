"""Payroll over HTTP: the API flow with tokens, NACHA download, paystub PDFs by owner, admin pages and forms."""
from __future__ import annotations

import subprocess
from decimal import Decimal

import achkit
import sqlalchemy as sa

from tests.conftest import csrf_token_from
from tests.integration.payroll.conftest import World


def _world(db, make_user):
    return World(db, make_user)


def _calculated_run(w):
    from payroll.services import runs

    emp = w.worker(rate="25.00", accounts=[{"account": "77001234"}])
    w.time(emp)
    run = w.regular_run()
    runs.start_calculation(run.id, w.hr)
    return emp, run


def test_api_run_flow_refusals_and_nacha(client, db, make_user, token_for, fixed_clock):
    """The NACHA file is asked for on Tuesday 1 December 2026, 15:00 UTC (10:00 in New York, before the 17:00
    cut-off): the pay date, Friday 13 November, is past, so the API refuses (422 on effective_date) until the
    finance user names a settlement date; the first one the bank takes is one banking day later, 2 December."""
    from datetime import datetime, timezone

    fixed_clock.set(datetime(2026, 12, 1, 15, 0, tzinfo=timezone.utc))
    w = _world(db, make_user)
    emp = w.worker()
    w.time(emp)
    hr, hr2, fin = token_for(w.hr), token_for(w.hr2), token_for(w.finance)
    r = client.post("/api/v1/payroll-runs", json={"schedule_id": w.schedule.id, "period_containing": "2026-11-04"},
                    headers=hr)
    assert r.status_code == 201, r.json
    run_id = r.json["id"]
    assert (r.json["state"], r.json["pay_date"]) == ("draft", "2026-11-13")
    bad = client.post("/api/v1/payroll-runs", json={"kind": "regular"}, headers=hr)
    assert bad.status_code == 422
    assert {i["field"] for i in bad.json["issues"]} == {"period_containing", "schedule_id"}
    assert client.get(f"/api/v1/payroll-runs/{run_id}/checks", headers=hr).json == {
        "run_id": run_id, "blocking": False, "issues": [], "exceptions": []}
    assert client.post(f"/api/v1/payroll-runs/{run_id}/calculate", headers=hr).status_code == 202
    prog = client.get(f"/api/v1/payroll-runs/{run_id}/progress", headers=hr).json
    assert prog["state"] == "calculated" and prog["percent"] == 100
    own = client.post(f"/api/v1/payroll-runs/{run_id}/approve", headers=hr)
    assert own.status_code == 409 and "different user" in own.json["message"]
    assert client.post(f"/api/v1/payroll-runs/{run_id}/approve", headers=hr2).status_code == 200
    twice = client.post(f"/api/v1/payroll-runs/{run_id}/approve", headers=hr2)
    assert twice.status_code == 409
    late = client.get(f"/api/v1/payroll-runs/{run_id}/nacha", headers=fin)
    assert late.status_code == 422, late.json
    (issue,) = late.json["issues"]
    assert (issue["field"], issue["code"]) == ("effective_date", "pay_date_too_close")
    assert "2026-11-13 is already past" in issue["message"] and "2026-12-02" in issue["message"]
    early = client.get(f"/api/v1/payroll-runs/{run_id}/nacha?effective_date=2026-12-01", headers=fin)
    assert early.status_code == 422 and "too early" in early.json["issues"][0]["message"]
    junk = client.get(f"/api/v1/payroll-runs/{run_id}/nacha?effective_date=soon", headers=fin)
    assert junk.status_code == 422 and junk.json["issues"][0]["field"] == "effective_date"
    nacha = client.get(f"/api/v1/payroll-runs/{run_id}/nacha?effective_date=2026-12-02", headers=fin)
    assert nacha.status_code == 200 and nacha.mimetype == "text/plain"
    text = nacha.data.decode()
    assert achkit.validate(text)["ok"]
    (batch,) = achkit.parse(text)["batches"]
    assert batch["effective_date"] == "261202"
    assert text.splitlines()[1][63:69] == "NOV 13"     # company descriptive date, positions 64-69: the pay date
    net = Decimal(client.get(f"/api/v1/payroll-runs/{run_id}", headers=hr).json["total_net"])
    assert batch["description"] == "PAYROLL" and batch["control"]["total_credit"] == int(net * 100)
    assert client.get(f"/api/v1/payroll-runs/{run_id}/nacha", headers=fin).data == nacha.data   # same bytes
    assert client.post(f"/api/v1/payroll-runs/{run_id}/pay", headers=fin).status_code == 200
    again = client.post(f"/api/v1/payroll-runs/{run_id}/pay", headers=fin)
    assert again.status_code == 409 and "cannot be paid twice" in again.json["message"]
    spec = client.get("/api/v1/openapi.json").json
    assert "/api/v1/payroll-runs/{ident}/nacha" in spec["paths"]
    assert "/api/v1/paychecks/{ident}/paystub.pdf" in spec["paths"]


def test_paystub_pdf_shows_the_figures_to_its_owner_only(client, db, make_user, token_for, pdftotext, tmp_path):
    """40 h × $25.00 = 1,000.00 gross; social security 6.2% = 62.00; Medicare 1.45% = 14.50; TX SUTA 2.7% = 27.00
    and FUTA 0.6% = 6.00 as employer contributions; the deposit shows only the account's last four digits."""
    from payroll.models import Paycheck
    from payroll.services import runs

    w = _world(db, make_user)
    emp, run = _calculated_run(w)
    p = db.session.execute(sa.select(Paycheck).where(Paycheck.run_id == run.id)).scalar_one()
    owner = make_user("worker", worker_id=emp.worker_id)
    other = make_user("worker", worker_id=w.worker().worker_id)
    assert client.get(f"/api/v1/paychecks/{p.id}/paystub.pdf", headers=token_for(other)).status_code == 404
    # While the run is only calculated it is payroll's draft: not even its owner sees it yet.
    assert client.get(f"/api/v1/paychecks/{p.id}/paystub.pdf", headers=token_for(owner)).status_code == 404
    assert client.get(f"/api/v1/paychecks/{p.id}", headers=token_for(owner)).status_code == 404
    runs.approve_run(run.id, w.hr2)
    r = client.get(f"/api/v1/paychecks/{p.id}/paystub.pdf", headers=token_for(owner))
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    pdf = tmp_path / "stub.pdf"
    pdf.write_bytes(r.data)
    text = subprocess.run([pdftotext, "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    for figure in ("1,000.00", "62.00", "14.50", "27.00", "6.00", f"{p.net:,.2f}", "40.00", "$25.00"):
        assert figure in text, figure
    assert "1234" not in text.replace("*****1234", "")          # only the masked account is printed
    assert "Pat1 Lee1" in text and "Acme Logistics" in text
    assert client.get(f"/api/v1/paychecks/{p.id}/paystub.pdf", headers=token_for(w.finance)).status_code == 200
    detail = client.get(f"/api/v1/paychecks/{p.id}", headers=token_for(owner)).json
    ss = next(ln for ln in detail["lines"] if ln["code"] == "social_security" and ln["kind"] == "employee_tax")
    assert ss["amount"] == "62.00" and any("6.2%" in step for step in ss["explanation"])


def test_admin_run_pages_actions_and_calendar(client, db, make_user, login):
    from payroll.models import PayrollRun

    w = _world(db, make_user)
    emp = w.worker()
    w.time(emp, approve=False)
    login(client, w.hr)
    page = client.get("/admin/payroll-runs/")
    assert page.status_code == 200 and b"New regular run" in page.data
    r = client.post("/admin/payroll-runs/", data={"schedule_id": w.schedule.id, "period_containing": "2026-11-05",
                                                  "csrf_token": csrf_token_from(page.data)})
    assert r.status_code == 302
    run = db.session.execute(sa.select(PayrollRun)).scalar_one()
    detail = client.get(f"/admin/payroll-runs/{run.id}")
    # unapproved time is a paycheck exception (noted, not paid by this run), not a blocker: named by worker
    assert b"unapproved_time" in detail.data and b"no blocking issue" in detail.data
    assert emp.worker.first_name.encode() in detail.data and b'id="hold-form"' in detail.data
    token = csrf_token_from(detail.data)
    assert client.post(f"/admin/payroll-runs/{run.id}/calculate").status_code == 400        # no CSRF token
    r = client.post(f"/admin/payroll-runs/{run.id}/hold", data={"csrf_token": token, "worker_id": emp.worker_id,
                                                                 "reason": ""}, follow_redirects=True)
    assert b"Refused" in r.data and b"reason" in r.data                 # a hold needs a reason
    db.session.expire_all()
    assert db.session.get(PayrollRun, run.id).state == "draft"
    tlist = client.get("/admin/timesheet/")
    assert tlist.status_code == 200
    from payroll.models import Timesheet

    ts = db.session.execute(sa.select(Timesheet)).scalar_one()
    client.post("/admin/timesheet/action/", data={"action": "approve", "rowid": [str(ts.id)],
                                                  "csrf_token": csrf_token_from(tlist.data)})
    db.session.expire_all()
    assert db.session.get(Timesheet, ts.id).status == "approved"
    r = client.post(f"/admin/payroll-runs/{run.id}/calculate", data={"csrf_token": token}, follow_redirects=True)
    assert b"Calculation started" in r.data
    prog = client.get(f"/admin/payroll-runs/{run.id}/progress.json").json
    assert prog == {"state": "calculated", "chunks_done": 1, "chunks_total": 1, "percent": 100, "error": ""}
    detail = client.get(f"/admin/payroll-runs/{run.id}")
    assert b'id="progress-bar"' in detail.data and b"Approve" in detail.data
    cal = client.get("/admin/pay-calendar/?year=2026&month=11")
    assert cal.status_code == 200
    assert b"Thanksgiving Day" in cal.data and b"Veterans Day" in cal.data
    assert b"Pay: Weekly" in cal.data
    assert b'name="viewport"' in cal.data
    for url in ("/admin/paycheck/", "/admin/payroll_run/", "/admin/pay_schedule/", "/admin/paycheck/export/csv/",
                "/admin/paycheck/?flt1_0=1", "/admin/timesheet/export/xlsx/"):
        assert client.get(url).status_code == 200, url
    # HR has no rights on the journal or payments in the permission matrix; finance does
    assert client.get("/admin/journal/").status_code == 403
    finance_client = client.application.test_client()
    login(finance_client, w.finance)
    for url in ("/admin/journal/", "/admin/payment/", f"/admin/payroll-runs/{run.id}"):
        assert finance_client.get(url).status_code == 200, url


def test_cli_writes_the_nacha_file(runner, db, make_user, fixed_clock):
    """On Tuesday 1 December 2026 (10:00 New York) the pay date 13 November is past: the command refuses without
    --effective-date, and writes the file settling on the date given."""
    from datetime import datetime, timezone

    from payroll.services import runs

    fixed_clock.set(datetime(2026, 12, 1, 15, 0, tzinfo=timezone.utc))
    w = _world(db, make_user)
    emp, run = _calculated_run(w)
    runs.approve_run(run.id, w.hr2)
    from backoffice.cli import main

    refused = runner.invoke(main, args=["payroll", "nacha", str(run.id), "--output", "-"])
    assert refused.exit_code == 2 and "effective_date" in refused.output and "2026-12-02" in refused.output
    out = runner.invoke(main, args=["payroll", "nacha", str(run.id), "--output", "-", "--effective-date",
                                    "2026-12-02"])
    assert out.exit_code == 0, out.output
    assert achkit.validate(out.output)["ok"]
    assert achkit.parse(out.output)["batches"][0]["effective_date"] == "261202"
    missing = runner.invoke(main, args=["payroll", "nacha", "999", "--output", "-"])
    assert missing.exit_code == 2 and "not found" in missing.output
    assert Decimal(run.total_gross) == Decimal("1000.00")
