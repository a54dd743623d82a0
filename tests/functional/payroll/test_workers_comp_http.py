"""Workers' comp over HTTP and the CLI: the class table through the API and the admin (a new rate closes the old
one; overlaps refused field by field), the paycheck's premium as an employer cost, the premium report's CSV, the
engagement's class code and `backoffice workers-comp rates`."""
from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from tests.conftest import csrf_token_from
from tests.factories import ClientFactory, EngagementFactory, PaycheckFactory, PayrollRunFactory, WorkerFactory

D = Decimal


def _seeded(db):
    from payroll.services import workers_comp

    workers_comp.seed_rates()


def test_the_api_lists_the_rates_in_force_by_state_and_refuses_roles_without_the_right(client, db, make_user,
                                                                                      token_for):
    """The seed has 13 Texas classes from 1 Jan 2026, each the class level × 0.70: 7219 trucking 6.50 × 0.70 =
    4.55 per $100; on 1 June 2026 only those are in force (the 2025 rows ended 31 Dec 2025)."""
    _seeded(db)
    hr = token_for(make_user("hr"))
    r = client.get("/api/v1/workers-comp/classes?state=tx&on=2026-06-01&per_page=100", headers=hr)
    assert r.status_code == 200, r.json
    items = r.json["items"]
    assert r.json["total"] == 13 and {i["effective_from"] for i in items} == {"2026-01-01"}
    trucking = next(i for i in items if i["class_code"] == "7219")
    assert (trucking["rate_per_100"], trucking["basis"], trucking["effective_to"]) == ("4.5500", "payroll", None)
    assert trucking["source"].startswith("illustrative demo data")
    history = client.get("/api/v1/workers-comp/classes?state=TX&class_code=7219", headers=hr).json
    assert [i["rate_per_100"] for i in history["items"]] == ["4.6865", "4.5500"]    # 4.55 × 1.03 in 2025
    wa = client.get("/api/v1/workers-comp/classes?state=WA&class_code=8810&on=2026-06-01", headers=hr).json
    assert (wa["items"][0]["rate_per_hour"], wa["items"][0]["rate_per_100"]) == ("0.0500", None)
    assert client.get("/api/v1/workers-comp/classes", headers=token_for(make_user("finance"))).status_code == 200
    approver = make_user("client_approver", client_id=ClientFactory().id)
    assert client.get("/api/v1/workers-comp/classes", headers=token_for(approver)).status_code == 403
    w = WorkerFactory()
    assert client.get("/api/v1/workers-comp/classes",
                      headers=token_for(make_user("worker", worker_id=w.id))).status_code == 403
    assert client.get("/api/v1/workers-comp/classes?on=2026-02-30", headers=hr).status_code == 422
    assert "/api/v1/workers-comp/classes" in client.get("/api/v1/openapi.json").json["paths"]


def test_hr_adds_a_rate_in_the_admin_and_the_old_one_is_closed_the_day_before(client, db, make_user, login):
    from payroll.models_workers_comp import WorkersCompClass

    _seeded(db)
    login(client, make_user("hr"))
    page = client.get("/admin/workers_comp_class/new/")
    assert page.status_code == 200
    data = {"state": "TX", "class_code": "7219", "description": "Trucking NOC", "rate_per_100": "4.80",
            "rate_per_hour": "", "effective_from": "2026-07-01", "effective_to": "",
            "source": "carrier renewal letter 2026-06-15", "csrf_token": csrf_token_from(page.data)}
    r = client.post("/admin/workers_comp_class/new/", data={**data, "rate_per_hour": "1.00"})
    assert r.status_code in (200, 422) and b"measures premium per $100 of payroll" in r.data
    r = client.post("/admin/workers_comp_class/new/", data=data)
    assert r.status_code == 302, r.data[:2000]
    rows = db.session.execute(sa.select(WorkersCompClass).where(
        WorkersCompClass.state == "TX", WorkersCompClass.class_code == "7219")
        .order_by(WorkersCompClass.effective_from)).scalars().all()
    assert [(x.rate_per_100, x.effective_from, x.effective_to) for x in rows] == [
        (D("4.6865"), date(2025, 1, 1), date(2025, 12, 31)), (D("4.5500"), date(2026, 1, 1), date(2026, 6, 30)),
        (D("4.8000"), date(2026, 7, 1), None)]
    listing = client.get("/admin/workers_comp_class/?search=7219")
    assert listing.status_code == 200 and b"carrier renewal letter" in listing.data and b"History" in listing.data
    assert client.get("/admin/workers_comp_class/export/csv/").status_code == 200
    assert client.get("/admin/workers-comp-report/").status_code == 200


def test_the_paycheck_shows_its_premium_and_the_report_totals_it_by_state_and_class(client, db, make_user, login,
                                                                                    token_for):
    """A TX driver's paycheck accrued 1,125.00 × 4.55 ÷ 100 = 51.19 (51.1875 half up); its reversal -51.19. The
    report for November: the paycheck 51.19; December: the reversal -51.19; the year: 0.00."""
    from payroll.models_workers_comp import WorkersCompPremium

    _seeded(db)
    eng = EngagementFactory(work_state="TX", wc_class_code="7219")
    p = PaycheckFactory(engagement=eng, run=PayrollRunFactory(pay_date=date(2026, 11, 13)), gross=D("1187.50"))
    rev = PaycheckFactory(engagement=eng, run=PayrollRunFactory(pay_date=date(2026, 12, 4)), gross=D("-1187.50"),
                          reverses_id=p.id)
    for pc, sign in ((p, 1), (rev, -1)):
        db.session.add(WorkersCompPremium(paycheck_id=pc.id, run_id=pc.run_id, engagement_id=eng.id,
                                          client_id=eng.client_id, worker_id=eng.worker_id, state="TX",
                                          class_code="7219", pay_date=pc.pay_date, wages=sign * D("1125.00"),
                                          overtime_excluded=sign * D("62.50"), rate_per_100=D("4.55"),
                                          premium=sign * D("51.19")))
    db.session.commit()
    finance = make_user("finance")
    detail = client.get(f"/api/v1/paychecks/{p.id}", headers=token_for(finance)).json
    assert detail["workers_comp"] == [{"engagement_id": eng.id, "client_id": eng.client_id, "state": "TX",
                                       "class_code": "7219", "wages": "1125.00", "overtime_excluded": "62.50",
                                       "hours": None, "rate_per_100": "4.5500", "rate_per_hour": None,
                                       "premium": "51.19"}]
    login(client, finance)
    page = client.get(f"/admin/paycheck/details/?id={p.id}", follow_redirects=True)
    assert page.status_code == 200 and b"Workers' comp premium" in page.data and b"51.19" in page.data
    run_page = client.get(f"/admin/payroll-runs/{p.run_id}")
    assert run_page.status_code == 200 and b'id="run-workers-comp"' in run_page.data and b"$51.19" in run_page.data
    premiums = client.get("/admin/workers_comp_premium/?search=7219")
    assert premiums.status_code == 200 and b"-$51.19" in premiums.data
    r = client.get("/admin/workers-comp-report/?from=2026-01-01&to=2026-12-31&format=csv")
    assert r.status_code == 200 and r.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(r.data.decode())))
    assert [(x["period"], x["state"], x["class_code"], x["wages"], x["premium"]) for x in rows] == [
        ("2026-11", "TX", "7219", "1125.00", "51.19"), ("2026-12", "TX", "7219", "-1125.00", "-51.19")]
    year = client.get("/admin/workers-comp-report/?from=2026-01-01&to=2026-12-31&period=year")
    assert b'id="wc-report-total">$0.00' in year.data
    bad = client.get("/admin/workers-comp-report/?from=2026-13-01")
    assert bad.status_code == 200 and b"invalid-feedback" in bad.data
    login(client, make_user("client_approver", client_id=eng.client_id))
    assert client.get("/admin/workers-comp-report/").status_code == 403


def test_an_engagement_takes_a_class_code_through_the_api(client, db, make_user, token_for):
    w, c = WorkerFactory(), ClientFactory()
    hr = token_for(make_user("hr"))
    body = {"worker_id": w.id, "client_id": c.id, "type": "leased_employee", "work_state": "TX", "pay_rate": "22.00",
            "start_date": "2026-01-05", "wc_class_code": "8810"}
    r = client.post("/api/v1/engagements", json=body, headers=hr)
    assert r.status_code == 201, r.json
    assert r.json["wc_class_code"] == "8810"
    bad = client.post("/api/v1/engagements", json={**body, "wc_class_code": "88-10"}, headers=hr)
    assert bad.status_code == 422 and [i["field"] for i in bad.json["issues"]] == ["wc_class_code"]


def test_the_cli_lists_the_rates_in_force_in_one_state(runner, db):
    """WA's seed rates are per hour: 8810 at 0.20 × 0.25 = 0.0500 an hour from 1 Jan 2026."""
    from backoffice.cli import main

    assert runner.invoke(main, ["workers-comp", "seed-rates"]).output.strip().endswith("rate(s) added")
    result = runner.invoke(main, ["workers-comp", "rates", "--state", "WA", "--on", "2026-06-01"])
    assert result.exit_code == 0, result.output
    lines = [ln.split("\t") for ln in result.stdout.splitlines()]
    assert len(lines) == 13
    clerical = next(ln for ln in lines if ln[1] == "8810")
    assert clerical[:5] == ["WA", "8810", "0.0500/hour", "2026-01-01", ""]


def test_the_draft_run_page_names_the_engagement_without_a_class_code_with_a_way_to_fix_it(client, db, make_user,
                                                                                          login):
    """A leased employee with no class code, once the agency keeps rates: noted (not held), with a link to the
    engagement's form."""
    from tests.integration.payroll.conftest import World

    _seeded(db)
    w = World(db, make_user)
    emp = w.worker()
    w.time(emp)
    run = w.regular_run()
    login(client, w.hr)
    html = client.get(f"/admin/payroll-runs/{run.id}").data.decode()
    assert "No workers&#39; comp class code" in html or "No workers' comp class code" in html
    assert f"/admin/engagements/edit/?id={emp.id}" in html


def test_the_engagement_form_and_the_worker_import_take_the_class_code(client, db, make_user, login):
    """The admin form stores 8810 (typed " 8810 ") and names a bad code beside its field; the import takes 7219 on
    its line and names a bad cell."""
    from backoffice.workers.importer import import_file
    from backoffice.workers.models import Engagement

    w, c0 = WorkerFactory(), ClientFactory()
    db.session.commit()
    login(client, make_user("hr"))
    page = client.get("/admin/engagements/new/")
    assert page.status_code == 200 and b"Workers&#39; comp class code" in page.data
    form = {"csrf_token": csrf_token_from(page.data), "worker": str(w.id), "client": str(c0.id),
            "type": "leased_employee", "work_state": "TX", "pay_rate": "30", "bill_rate": "40", "pay_unit": "hour",
            "pay_frequency": "weekly", "start_date": "2026-01-05", "status": "active", "wc_class_code": "88/10"}
    html = client.post("/admin/engagements/new/", data=form).get_data(as_text=True)
    assert "must be a workers&#39; comp class code" in html or "must be a workers' comp class code" in html
    r = client.post("/admin/engagements/new/", data={**form, "wc_class_code": " 8810 "})
    assert r.status_code == 302
    assert db.session.execute(sa.select(Engagement.wc_class_code).where(Engagement.worker_id == w.id)).scalar() \
        == "8810"

    c = ClientFactory()
    db.session.commit()
    head = "first_name,last_name,email,state,client_id,engagement_type,work_state,pay_rate,start_date,wc_class_code\n"
    ok = f"Bo,Kim,bo@example.com,TX,{c.id},leased_employee,TX,30,2026-03-01,7219\n"
    report = import_file((head + ok).encode(), "workers.csv")
    assert report.engagements_created == 1 and not report.issues
    assert db.session.execute(sa.select(Engagement.wc_class_code).where(Engagement.client_id == c.id)).scalar() \
        == "7219"
    bad = f"Cy,Lee,cy@example.com,TX,{c.id},leased_employee,TX,30,2026-03-01,72-19\n"
    report = import_file((head + bad).encode(), "workers.csv", dry_run=True)
    assert [(i.field, i.row) for i in report.issues] == [("wc_class_code", 2)]
