"""Portable benefits and the census over HTTP: the API (a worker reads only their own id, another's is a 404),
the portal page and its payout form on a phone, the admin lists with CSV, and the census rows with their figures."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import sqlalchemy as sa


from tests.conftest import csrf_token_from
from tests.factories import ClientFactory, EngagementFactory, WorkerFactory

D = Decimal


def _account_with_a_credit(db, worker, engagement, amount="60.00"):
    """A credit written as the hook writes it (the run-level figures are tested in tests/integration/benefits)."""
    from benefits.portable import services as svc
    from benefits.portable.models import PortableEntry
    from tests.factories import PaycheckFactory, PayrollRunFactory

    run = PayrollRunFactory(state="paid")
    pay = PaycheckFactory(run=run, worker=worker, worker_type="contractor")
    rule = svc.create_rule({"engagement_id": engagement.id, "method": "per_hour", "amount_per_hour": "1.50",
                            "funded_by": "client", "start_date": "2026-01-01"})
    entry = svc._post(worker.id, "credit", D(amount), date(2026, 11, 13), engagement_id=engagement.id,
                      client_id=engagement.client_id, paycheck_id=pay.id, rule_id=rule.id, funded_by="client",
                      reporting_category="1099_nec_box1", tax_year=2026, memo="40 h worked × $1.50 an hour")
    assert isinstance(entry, PortableEntry)
    return entry


def test_the_api_shows_a_worker_their_own_account_and_404_for_another(client, db, make_user, token_for):
    acme = ClientFactory(name="Acme")
    me, other = WorkerFactory(payroll_ready=True), WorkerFactory(payroll_ready=True)
    eng = EngagementFactory(worker=me, client=acme, type="contractor")
    _account_with_a_credit(db, me, eng)
    mine = token_for(make_user("worker", worker_id=me.id))
    r = client.get(f"/api/v1/workers/{me.id}/portable-benefits", headers=mine)
    assert r.status_code == 200, r.json
    assert r.json["balance"] == "60.00"
    (e,) = r.json["entries"]
    assert (e["kind"], e["amount"], e["client"], e["engagement_id"], e["reporting_category"]) == (
        "credit", "60.00", "Acme", eng.id, "1099_nec_box1")
    assert client.get(f"/api/v1/workers/{other.id}/portable-benefits", headers=mine).status_code == 404
    assert client.post(f"/api/v1/workers/{other.id}/portable-benefits/payouts", json={"amount": "1.00"},
                       headers=mine).status_code == 404
    bad = client.post(f"/api/v1/workers/{me.id}/portable-benefits/payouts", json={"amount": "99.00"}, headers=mine)
    assert bad.status_code == 422 and [i["field"] for i in bad.json["issues"]] == ["amount"]
    ok = client.post(f"/api/v1/workers/{me.id}/portable-benefits/payouts", json={"amount": "25.00"}, headers=mine)
    assert ok.status_code == 201 and (ok.json["amount"], ok.json["status"]) == ("25.00", "requested")
    hr = token_for(make_user("hr"))
    assert client.get(f"/api/v1/workers/{other.id}/portable-benefits", headers=hr).json["balance"] == "0.00"
    approver = token_for(make_user("client_approver", client_id=acme.id))
    assert client.get(f"/api/v1/workers/{me.id}/portable-benefits", headers=approver).status_code == 403
    assert "/api/v1/workers/{ident}/portable-benefits" in client.get("/api/v1/openapi.json").json["paths"]


def test_the_portal_page_lists_every_entry_and_takes_a_payout_request(client, db, make_user, login):
    acme = ClientFactory(name="Acme")
    me = WorkerFactory(payroll_ready=True)
    eng = EngagementFactory(worker=me, client=acme, type="contractor")
    _account_with_a_credit(db, me, eng)
    user = make_user("worker", worker_id=me.id)
    login(client, user)
    page = client.get("/portal/portable-benefits", headers={"User-Agent": "Mozilla/5.0 (iPhone)"})
    assert page.status_code == 200
    html = page.data.decode()
    assert "$60.00" in html and "Acme" in html and 'data-kind="credit"' in html
    assert 'name="viewport"' in html
    token = csrf_token_from(page.data)
    bad = client.post("/portal/portable-benefits", data={"amount": "70", "csrf_token": token})
    assert "more than the $60.00 available" in bad.data.decode()
    assert client.post("/portal/portable-benefits", data={"amount": "10"}).status_code == 400     # no CSRF token
    done = client.post("/portal/portable-benefits", data={"amount": "10.00", "csrf_token": token},
                       follow_redirects=True)
    assert "Payout of $10.00 requested" in done.data.decode()
    saved = client.post("/portal/portable-benefits", data={"action": "premiums", "use_for_premiums": "1",
                                                           "csrf_token": token}, follow_redirects=True)
    assert "will be used toward your plan premiums" in saved.data.decode()
    from benefits.portable.models import PortableAccount
    db.session.expire_all()
    assert db.session.execute(sa.select(PortableAccount.use_for_premiums).where(
        PortableAccount.worker_id == me.id)).scalar_one() is True
    home = client.get("/portal/").data.decode()
    assert "My portable benefits: $60.00" in home


def test_admin_lists_export_and_the_payout_approval(client, db, make_user, login):
    from benefits.portable.models import PortablePayout
    from benefits.portable import services as svc

    me = WorkerFactory(payroll_ready=True, first_name="Pat", last_name="Portable")
    eng = EngagementFactory(worker=me, type="contractor")
    _account_with_a_credit(db, me, eng)
    p = svc.request_payout(me.id, {"amount": "20.00"}, None, today=date(2026, 11, 20))
    hr = make_user("hr")
    login(client, hr)
    for url in ("/admin/portable_rule/", "/admin/portable_account/", "/admin/portable_entry/",
                "/admin/portable_payout/", "/admin/benefits_census/"):
        assert client.get(url).status_code == 200, url
    assert "Portable" in client.get("/admin/portable_account/?search=Portable").data.decode()
    csv = client.get("/admin/portable_account/export/csv/").data.decode()
    assert "60.00" in csv and "Pat Portable" in csv
    page = client.get(f"/admin/portable_payout/decide/{p.id}")
    token = csrf_token_from(page.data)
    client.post(f"/admin/portable_payout/decide/{p.id}", data={"decision": "approve", "csrf_token": token})
    db.session.expire_all()
    assert db.session.get(PortablePayout, p.id).status == "approved"
    client.post("/logout", data={"csrf_token": token})
    worker_user = make_user("worker", worker_id=me.id)
    login(client, worker_user)
    assert client.get("/admin/portable_account/").status_code in (302, 403)


def test_the_census_has_one_row_per_worker_and_election_with_its_figures(client, db, make_user, login):
    """Ana: family medical ($150.00 employee, $230.77 employer per paycheck, 2 dependents) and 401(k) at 6%;
    Bo waived dental (not listed). Participation by plan: 1 worker each; cost by client Acme: employee 150.00,
    employer 230.77."""
    from benefits.census import census_rows, summary
    from benefits.models import BenefitPlan, Dependent, Enrollment

    acme = ClientFactory(name="Acme")
    ana = WorkerFactory(first_name="Ana", last_name="Alpha")
    bo = WorkerFactory(first_name="Bo", last_name="Beta")
    EngagementFactory(worker=ana, client=acme, start_date=date(2026, 1, 5))
    EngagementFactory(worker=bo, client=acme, start_date=date(2026, 1, 5))
    year = {"plan_year_start": date(2026, 1, 1), "plan_year_end": date(2026, 12, 31)}
    med = BenefitPlan(kind="medical", name="Gold PPO", carrier="Aetna", network_type="PPO", **year)
    k401 = BenefitPlan(kind="401k", name="Tandem 401(k)", **year)
    dental = BenefitPlan(kind="dental", name="Dental", **year)
    db.session.add_all([med, k401, dental])
    db.session.flush()
    kids = [Dependent(worker_id=ana.id, first_name=n, last_name="Alpha", relationship="child",
                      birth_date=date(2015, 1, 1)) for n in ("Cy", "Di")]
    db.session.add_all(kids)
    e1 = Enrollment(worker_id=ana.id, plan_id=med.id, event="new_hire", effective_date=date(2026, 2, 1),
                    coverage_tier="family", per_paycheck_employee=D("150.00"), per_paycheck_employer=D("230.77"))
    e1.dependents = kids
    e2 = Enrollment(worker_id=ana.id, plan_id=k401.id, event="new_hire", effective_date=date(2026, 2, 1),
                    deferral_percent=D("0.06"))
    e3 = Enrollment(worker_id=bo.id, plan_id=dental.id, event="new_hire", effective_date=date(2026, 2, 1),
                    waived=True, waive_reason="covered by spouse")
    db.session.add_all([e1, e2, e3])
    db.session.flush()
    rows = census_rows(date(2026, 11, 22))
    assert [(r["worker"], r["client"], r["plan"], r["tier"], r["dependents"], r["employee_per_paycheck"],
             r["employer_per_paycheck"]) for r in rows] == [
        ("Ana Alpha", "Acme", "Gold PPO", "family", 2, D("150.00"), D("230.77")),
        ("Ana Alpha", "Acme", "Tandem 401(k)", "", 0, D("0"), D("0"))]
    assert census_rows(date(2026, 1, 15)) == []                       # before the effective date
    s = summary(rows)
    assert s["by_client"] == [{"label": "Acme", "workers": 1, "employee": D("150.00"), "employer": D("230.77")}]
    assert [(r["label"], r["workers"]) for r in s["by_plan"]] == [("Gold PPO", 1), ("Tandem 401(k)", 1)]
    login(client, make_user("finance"))
    page = client.get("/admin/benefits_census/?on=2026-11-22").data.decode()
    assert "Gold PPO" in page and 'id="chart-benefits_cost_by_client"' in page
    csv = client.get("/admin/benefits_census/export/csv?on=2026-11-22").data.decode()
    assert csv.splitlines()[0].startswith("Worker id,Worker,Client,Plan")
    assert "Ana Alpha,Acme,Gold PPO,medical,family,2,150.00,230.77,2026-02-01" in csv
