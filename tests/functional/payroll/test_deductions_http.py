"""Deductions over HTTP: the API (staff add, a worker reads only their own), the admin lists with export and the
remittance form, the worker's portal page on a phone, and the paystub's deduction and employer lines with YTD."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from tests.conftest import csrf_token_from
from tests.factories import ClientFactory, EngagementFactory, PaycheckFactory, PaycheckLineFactory, PayrollRunFactory, WorkerFactory

D = Decimal
ORDER = {"code": "child_support", "amount": "150.00", "start_date": "2026-03-01", "received_date": "2026-03-01",
         "case_number": "FAM-1", "payee_name": "Texas SDU", "source": "court_order"}


def test_staff_add_deductions_and_a_worker_reads_only_their_own(client, db, make_user, token_for):
    me, other = WorkerFactory(payroll_ready=True), WorkerFactory(payroll_ready=True)
    hr = token_for(make_user("hr"))
    mine = token_for(make_user("worker", worker_id=me.id))
    r = client.post(f"/api/v1/workers/{me.id}/deductions", json=ORDER, headers=hr)
    assert r.status_code == 201, r.json
    assert (r.json["code"], r.json["amount"], r.json["collected"]) == ("child_support", "150.00", "0")
    r = client.post(f"/api/v1/workers/{me.id}/deductions",
                    json={"code": "loan", "amount": "50.00", "goal": "500.00", "start_date": "2026-01-01"},
                    headers=hr)
    assert r.status_code == 201 and r.json["remaining"] == "500.00"
    bad = client.post(f"/api/v1/workers/{me.id}/deductions",
                      json={"code": "401k", "amount": "10", "percent": "0.06", "start_date": "2026-13-01"},
                      headers=hr)
    assert bad.status_code == 422
    assert {i["field"] for i in bad.json["issues"]} == {"start_date"}        # dates first, then the combination
    bad = client.post(f"/api/v1/workers/{me.id}/deductions", json=[1], headers=hr)
    assert bad.status_code == 422 and bad.json["issues"][0]["field"] == "body"
    r = client.post(f"/api/v1/workers/{me.id}/employer-contributions",
                    json={"code": "401k_match", "match_up_to_1": "0.03", "match_rate_1": "1",
                          "start_date": "2026-01-01"}, headers=hr)
    assert r.status_code == 201 and r.json["match_up_to_1"] == "0.030000"

    listing = client.get(f"/api/v1/workers/{me.id}/deductions", headers=mine)
    assert listing.status_code == 200
    assert sorted(x["code"] for x in listing.json["items"]) == ["child_support", "loan"]
    assert client.get(f"/api/v1/workers/{me.id}/employer-contributions", headers=mine).json["items"][0][
        "code"] == "401k_match"
    assert client.get(f"/api/v1/workers/{other.id}/deductions", headers=mine).status_code == 404
    assert client.get(f"/api/v1/workers/{other.id}/employer-contributions", headers=mine).status_code == 404
    assert client.post(f"/api/v1/workers/{me.id}/deductions", json=ORDER, headers=mine).status_code == 403
    assert client.get(f"/api/v1/workers/{me.id}/deductions",
                      headers=token_for(make_user("client_approver", client_id=ClientFactory().id))
                      ).status_code == 403
    assert client.get("/api/v1/workers/999999/deductions", headers=hr).status_code == 404
    spec = client.get("/api/v1/openapi.json").json
    assert "/api/v1/workers/{ident}/deductions" in spec["paths"]


def _order_with_a_withholding(db):
    from payroll.models_deductions import DeductionTake
    from payroll.services import deductions as svc

    w = WorkerFactory(payroll_ready=True)
    order = svc.create_deduction(w.id, ORDER)
    p = PaycheckFactory(run=PayrollRunFactory(pay_date=date(2026, 6, 5)), engagement=EngagementFactory(worker=w))
    take = DeductionTake(deduction_id=order.id, paycheck_id=p.id, worker_id=w.id, pay_date=p.pay_date,
                         amount=D("150.00"), remittance_status="due")
    db.session.add(take)
    db.session.commit()
    return w, order, take


def test_admin_lists_export_and_record_a_remittance(client, db, make_user, login):
    w, order, take = _order_with_a_withholding(db)
    login(client, make_user("finance"))
    for url in ("/admin/worker_deduction/", "/admin/garnishment_order/", "/admin/deduction_take/",
                "/admin/employer_contribution/"):
        assert client.get(url).status_code == 200, url
    page = client.get("/admin/garnishment_order/?search=FAM-1")
    assert b"FAM-1" in page.data and b"Texas SDU" in page.data
    csv = client.get("/admin/garnishment_order/export/csv/")
    assert csv.status_code == 200 and b"FAM-1" in csv.data
    assert client.get(f"/admin/deduction_take/?flt0_0={order.id}").status_code == 200
    form = client.get(f"/admin/deduction_take/remit/?ids={take.id}")
    assert form.status_code == 200
    r = client.post("/admin/deduction_take/remit/", data={"ids": str(take.id), "remitted_on": "2026-06-08",
                                                          "reference": "EFT 42",
                                                          "csrf_token": csrf_token_from(form.data)})
    assert r.status_code == 302
    db.session.expire_all()
    from payroll.models_deductions import DeductionTake
    t = db.session.get(DeductionTake, take.id)
    assert (t.remittance_status, t.remittance_ref, t.remitted_on) == ("remitted", "EFT 42", date(2026, 6, 8))
    # without CSRF nothing is recorded
    r = client.post("/admin/deduction_take/remit/", data={"ids": str(take.id), "remitted_on": "2026-06-09",
                                                          "reference": "EFT 43"})
    assert r.status_code in (400, 403)


def test_hr_creates_a_deduction_in_the_admin_and_a_bad_one_is_named(client, db, make_user, login):
    from payroll.models_deductions import WorkerDeduction

    w = WorkerFactory(payroll_ready=True)
    db.session.commit()
    login(client, make_user("hr"))
    page = client.get("/admin/worker_deduction/new/")
    assert page.status_code == 200
    data = {"worker": str(w.id), "code": "loan", "amount": "25.00", "percent": "0.05", "start_date": "2026-01-01",
            "status": "active", "source": "hr", "note": "", "csrf_token": csrf_token_from(page.data)}
    r = client.post("/admin/worker_deduction/new/", data=data)
    assert r.status_code in (200, 422) and b"give exactly one of amount" in r.data
    r = client.post("/admin/worker_deduction/new/", data={**data, "percent": ""})
    assert r.status_code == 302
    row = db.session.execute(sa.select(WorkerDeduction).where(WorkerDeduction.worker_id == w.id)).scalar_one()
    assert (row.code, row.amount) == ("loan", D("25.00"))


def test_the_worker_sees_their_deductions_on_a_phone_page(client, db, make_user, login):
    """Child support 150.00 a paycheck; one paycheck of an approved run took 150.00: this year 150.00."""
    w, order, take = _order_with_a_withholding(db)
    p = db.session.get(type(take.paycheck), take.paycheck_id)
    p.run.state = "approved"
    db.session.commit()
    login(client, make_user("worker", worker_id=w.id))
    home = client.get("/portal/")
    assert b'id="my-deductions"' in home.data
    page = client.get("/portal/deductions")
    assert page.status_code == 200
    assert b'class="stack"' in page.data and b'name="viewport"' in page.data
    assert b"child support" in page.data and b"case FAM-1" in page.data
    assert b'data-label="This year">$150.00' in page.data


def test_the_paystub_shows_deductions_and_employer_lines_with_year_to_date(db):
    """Two weekly paychecks each with a 401(k) 60.00 and a match 40.00: the second paystub shows current 60.00 /
    40.00 and YTD 120.00 / 80.00; the match sits with the employer's lines."""
    from payroll.services.paystubs import paystub_data
    from tests.factories import AgencyFactory

    AgencyFactory()
    eng = EngagementFactory(worker=WorkerFactory(payroll_ready=True))
    ids = []
    for day in (date(2026, 6, 5), date(2026, 6, 12)):
        p = PaycheckFactory(run=PayrollRunFactory(pay_date=day, frequency="weekly"), engagement=eng,
                            gross=D(1000), deductions=D(60))
        PaycheckLineFactory(paycheck=p, kind="pretax_deduction", code="401k", amount=D(60))
        PaycheckLineFactory(paycheck=p, kind="employer_contribution", code="401k_match", amount=D(40))
        ids.append(p.id)
    stub = paystub_data(ids[1])
    assert [(r["description"], r["current"], r["ytd"]) for r in stub["pre_tax_deductions"]] == [
        ("401(k)", D("60.00"), D("120.00"))]
    assert ("401(k) match", D("40.00"), D("80.00")) in [(r["description"], r["current"], r["ytd"])
                                                        for r in stub["employer_contributions"]]
