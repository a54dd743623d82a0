"""Money-loop admin pages over HTTP: deposits (plan, overdue, mark paid), return-file upload, reconciliation export."""
from __future__ import annotations

import csv
import io
from datetime import date, datetime, time, timedelta, timezone

import sqlalchemy as sa

from tests.conftest import csrf_token_from
from tests.integration.payroll.conftest import WEEK1, World
from tests.integration.payroll.test_return_files import CORRECTED, return_file_for


def _paid_runs(w, weeks=1, rate="60.00"):
    from payroll.services import payments, runs

    es = [w.worker(rate=rate), w.worker(rate=rate)]
    out = []
    for week in range(weeks):
        start = WEEK1 + timedelta(weeks=week)
        for e in es:
            w.time(e, week=start)
        run = w.regular_run(start)
        runs.start_calculation(run.id, w.hr)
        runs.approve_run(run.id, w.hr2)
        # the file goes to the bank on the Wednesday before the Friday pay date, on time: it settles on the pay date
        sent = datetime.combine(start + timedelta(days=9), time(15), tzinfo=timezone.utc)
        payments.generate_nacha(run.id, w.finance, now=sent)
        runs.mark_paid(run.id, w.finance)
        out.append(run)
    return out


def test_deposits_page_plans_shows_overdue_in_red_and_marks_paid(client, db, make_user, login, fixed_clock):
    """Two workers at $150.00 × 40 h (941 taxes over the $2,500 de minimis). The clock on 2026-12-20: November's
    941 deposit (a new employer: monthly, due 15 December) is overdue and shown in red."""
    from payroll.models_money import TaxDeposit

    w = World(db, make_user)
    _paid_runs(w, rate="150.00")
    fixed_clock.set(date(2026, 12, 20))
    login(client, w.finance)
    page = client.get("/admin/tax-deposits/")
    assert page.status_code == 200
    token = csrf_token_from(page.data)
    assert client.post("/admin/tax-deposits/plan", data={"from": "2026-10-01", "to": "2026-12-31"}).status_code == 400
    bad = client.post("/admin/tax-deposits/plan", data={"from": "someday", "to": "2026-12-31", "csrf_token": token},
                      follow_redirects=True)
    assert b"from: &#39;someday&#39; is not a date" in bad.data
    r = client.post("/admin/tax-deposits/plan", data={"from": "2026-10-01", "to": "2026-12-31", "csrf_token": token},
                    follow_redirects=True)
    assert b"deposit(s) planned" in r.data
    fed = db.session.execute(sa.select(TaxDeposit).where(TaxDeposit.tax == "941")).scalar_one()
    assert fed.due_date == date(2026, 12, 15)
    page = client.get("/admin/tax-deposits/?tax=941").data.decode()
    assert 'class="table-danger"' in page and "overdue" in page
    r = client.post(f"/admin/tax-deposits/{fed.id}/pay", data={"csrf_token": token, "paid_on": "2026-12-19",
                                                                "confirmation": ""}, follow_redirects=True)
    assert b"confirmation" in r.data and fed.status == "due"
    r = client.post(f"/admin/tax-deposits/{fed.id}/pay", data={"csrf_token": token, "paid_on": "2026-12-19",
                                                                "confirmation": "EFT-77"}, follow_redirects=True)
    assert b"paid; journal entry" in r.data
    db.session.refresh(fed)
    assert (fed.status, fed.paid_on, fed.confirmation) == ("paid", date(2026, 12, 19), "EFT-77")
    assert client.post("/admin/tax-deposits/999999/pay", data={"csrf_token": token, "confirmation": "X"}
                       ).status_code == 404
    rows = list(csv.reader(io.StringIO(client.get("/admin/tax-deposits/?status=all&export=csv").data.decode())))
    assert rows[0][:3] == ["Id", "Tax", "State"] and any(r[1] == "941" and r[8] == "paid" for r in rows[1:])


def test_deposits_and_returns_pages_by_role(client, db, make_user, login):
    w = World(db, make_user)
    login(client, w.hr)
    assert client.get("/admin/tax-deposits/").status_code == 403
    assert client.get("/admin/return-files/").status_code == 403
    other = client.application.test_client()
    login(other, make_user("compliance"))
    assert other.get("/admin/tax-deposits/").status_code == 200        # compliance reads deposits
    page = other.get("/admin/tax-deposits/").data
    assert b"plan-form" not in page


def test_return_file_upload_from_the_admin_and_reconciliation_export(client, db, make_user, login, fixed_clock):
    from payroll.models_ledger import Payment

    w = World(db, make_user)
    (run,) = _paid_runs(w)
    p1, p2 = db.session.execute(sa.select(Payment).where(Payment.run_id == run.id).order_by(Payment.id)).scalars()
    text = return_file_for([(p1, "R01"), (p2, "C01", CORRECTED)])
    fixed_clock.set(date(2026, 12, 1))
    login(client, w.finance)
    token = csrf_token_from(client.get("/admin/return-files/").data)
    r = client.post("/admin/return-files/", data={"csrf_token": token, "file": (io.BytesIO(text.encode()), "r.ach")},
                    content_type="multipart/form-data")
    assert r.status_code == 200 and b"1 return(s), 1 NOC(s): 2 matched" in r.data
    again = client.post("/admin/return-files/", data={"csrf_token": token,
                                                      "file": (io.BytesIO(text.encode()), "r.ach")},
                        content_type="multipart/form-data")
    assert b"already imported" in again.data
    junk = client.post("/admin/return-files/", data={"csrf_token": token, "file": (io.BytesIO(b"hello"), "x.txt")},
                       content_type="multipart/form-data")
    assert junk.status_code == 422 and b"Not imported" in junk.data
    assert db.session.get(Payment, p1.id).status == "returned"

    # Reconciliation as of 1 December: the run paid on 13 November has 2 payments sent; p1 returned (outstanding),
    # p2 settled (13 November + 2 banking days = 17 November ≤ 1 December).
    page = client.get("/admin/payment-reconciliation/").data.decode()
    assert f"#{run.id}" in page
    rows = list(csv.reader(io.StringIO(client.get(
        f"/admin/payment-reconciliation/?export=csv&run_id={run.id}").data.decode())))
    head, row = rows[0], rows[1]
    cell = dict(zip(head, row))
    assert (cell["Sent count"], cell["Settled count"], cell["Returned count"], cell["Returned, not re-issued count"]) \
        == ("2", "1", "1", "1")
    assert cell["Settled amount"] == str(p2.amount)
    xlsx = client.get("/admin/payment-reconciliation/?export=xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    assert client.get("/admin/payment-reconciliation/?run_id=abc", follow_redirects=True).status_code == 200


def test_dashboard_shows_finance_the_deposits_due_and_the_returns_to_reissue(client, db, make_user, login):
    w = World(db, make_user)
    login(client, w.finance)
    page = client.get("/admin/").data.decode()
    assert "Tax deposits due within 7 days or overdue" in page and "Returned payments not re-issued" in page
    other = client.application.test_client()
    login(other, w.hr)
    assert "Tax deposits due within 7 days" not in other.get("/admin/").data.decode()
