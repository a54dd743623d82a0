"""What a new user sees in the admin: readable search hints, money as $1,234.56, links between a worker, their
engagements and paychecks, dashboard cards that open their page, and HTML error pages outside the API."""
from __future__ import annotations

import csv
import io
import re
from datetime import date

import sqlalchemy as sa


def _worker_with_paycheck(db):
    from backoffice.workers import services
    from payroll.models import Paycheck
    from tests.integration.onboarding.support import make_agency, make_client, make_paycheck

    make_agency()
    client = make_client()
    worker = services.create_worker({"first_name": "Dana", "last_name": "Okafor", "email": "dana@example.com",
                                     "tin": "123-45-6789", "state": "TX"})
    eng = services.create_engagement({"worker_id": worker.id, "client_id": client.id, "type": "leased_employee",
                                      "work_state": "TX", "pay_rate": "25", "pay_unit": "hour",
                                      "pay_frequency": "weekly", "start_date": "2026-01-05"})
    # gross $12,345.60; federal $1,000.00; SS 6.2% = $765.43; Medicare 1.45% = $179.01
    # net = 12,345.60 - 1,000.00 - 765.43 - 179.01 = $10,401.16
    make_paycheck(worker, eng, pay_date=date(2026, 11, 13), gross="12345.60", federal="1000.00", explanation=["x"])
    return worker, eng, db.session.execute(sa.select(Paycheck)).scalar_one()


def test_search_boxes_name_the_columns_in_words(app, db, make_user, login):
    c = app.test_client()
    login(c, make_user("admin"))
    workers = c.get("/admin/workers/").get_data(as_text=True)
    assert 'placeholder="Search last name, first name, email"' in workers
    engagements = c.get("/admin/engagements/").get_data(as_text=True)
    assert 'placeholder="Search title, work state, worker last name, client name"' in engagements
    assert "last_name" not in re.search(r'placeholder="Search[^"]*"', engagements).group(0)


def test_paycheck_list_shows_dollars_and_the_worker_name_but_exports_plain_numbers(app, db, make_user, login):
    worker, _eng, paycheck = _worker_with_paycheck(db)
    c = app.test_client()
    login(c, make_user("finance"))
    html = c.get("/admin/paycheck/").get_data(as_text=True)
    assert "$12,345.60" in html and "$10,401.16" in html and "Dana Okafor" in html
    csv_text = c.get("/admin/paycheck/export/csv/").get_data(as_text=True)
    assert "12345.60" in csv_text and "$" not in csv_text and "<a " not in csv_text
    from decimal import Decimal

    from payroll.models import PayrollRun

    row = db.session.get(PayrollRun, paycheck.run_id)    # the run's totals, as a calculation would store them
    row.total_gross, row.total_net = Decimal("12345.60"), Decimal("10401.16")
    db.session.commit()
    run = c.get(f"/admin/payroll-runs/{paycheck.run_id}").get_data(as_text=True)
    assert "$12,345.60" in run and "$10,401.16" in run
    assert '<h4 class="mb-4">' not in run          # the page's own heading only, not flask-admin's title as well


def test_worker_list_links_to_that_workers_engagements_and_paychecks(app, db, make_user, login):
    worker, eng, paycheck = _worker_with_paycheck(db)
    c = app.test_client()
    login(c, make_user("admin"))
    html = c.get("/admin/workers/").get_data(as_text=True)
    links = dict((label, href.replace("&amp;", "&")) for href, label in
                 re.findall(r'<a href="(/admin/(?:engagements|paycheck)/\?flt0_\d+=\d+)">(\w+)</a>', html))
    assert set(links) == {"Engagements", "Paychecks"}
    engagements = c.get(links["Engagements"]).get_data(as_text=True)
    assert f"/admin/workers/details/?id={worker.id}" in engagements and "List (1)" in engagements
    paychecks = c.get(links["Paychecks"]).get_data(as_text=True)
    assert "$12,345.60" in paychecks


def test_dashboard_cards_link_to_their_pages(app, db, make_user, login):
    c = app.test_client()
    login(c, make_user("hr"))
    html = c.get("/admin/").get_data(as_text=True)
    runs = re.search(r'href="([^"]+)" class="stretched-link">Runs awaiting approval', html).group(1)
    assert re.fullmatch(r"/admin/payroll_run/\?flt0_\d+=calculated", runs)      # the runs it counts, filtered
    assert c.get(runs.replace("&amp;", "&")).status_code == 200
    assert 'class="stretched-link">Active workers' in html


def test_pages_outside_the_api_answer_errors_in_html(app, db, make_user, login):
    worker, _eng, _paycheck = _worker_with_paycheck(db)
    c = app.test_client()
    login(c, make_user("worker", worker_id=worker.id))
    forbidden = c.get("/admin/")
    assert forbidden.status_code == 403 and forbidden.mimetype == "text/html"
    assert b"Not allowed" in forbidden.data and b'href="/portal/"' in forbidden.data
    missing = c.get("/no-such-page", headers={"Accept": "text/html"})
    assert missing.status_code == 404 and missing.mimetype == "text/html" and b"Page not found" in missing.data
    api = c.get("/api/v1/no-such-thing", headers={"Accept": "text/html"})
    assert api.status_code == 404 and api.mimetype == "application/json" and api.json["error"] == "not_found"


def test_a_bad_ssn_is_shown_on_its_field_with_one_banner_in_words(app, db, make_user, login):
    from tests.conftest import csrf_token_from

    c = app.test_client()
    login(c, make_user("hr"))
    token = csrf_token_from(c.get("/admin/workers/new/").data)
    html = c.post("/admin/workers/new/", data={"csrf_token": token, "first_name": "Test", "last_name": "New",
                                              "tin_type": "ssn", "tin": "123-45-67", "email": "not-an-email",
                                              "state": "TX", "status": "active"}).get_data(as_text=True)
    assert "Nothing was saved: 2 fields to correct" in html
    assert "is not a valid SSN" in html and "tin: is not" not in html and "email: is not" not in html


def test_see_also_links_only_to_lists_the_user_may_open(app, db, make_user, login):
    """A client approver may read engagements but not paychecks: no link that would answer 403."""
    worker, eng, _paycheck = _worker_with_paycheck(db)
    c = app.test_client()
    login(c, make_user("client_approver", client_id=eng.client_id))
    html = c.get("/admin/workers/").get_data(as_text=True)
    assert ">Engagements</a>" in html and ">Paychecks</a>" not in html


def test_the_preparer_of_a_run_is_told_another_user_must_approve_it(app, db, make_user, login):
    from payroll.models import PayrollRun

    _worker, _eng, paycheck = _worker_with_paycheck(db)
    preparer, other = make_user("hr"), make_user("hr")
    run = db.session.get(PayrollRun, paycheck.run_id)
    run.state, run.prepared_by_id = "calculated", preparer.id
    db.session.commit()
    c = app.test_client()
    login(c, preparer)
    html = c.get(f"/admin/payroll-runs/{run.id}").get_data(as_text=True)
    # the button the server would refuse is disabled, saying why (issue 11: not refused only after the click)
    assert "You prepared this run: another person approves it (four eyes)." in html
    assert f"/admin/payroll-runs/{run.id}/approve" not in html
    c2 = app.test_client()
    login(c2, other)
    html = c2.get(f"/admin/payroll-runs/{run.id}").get_data(as_text=True)
    assert f"/admin/payroll-runs/{run.id}/approve" in html and "another person approves" not in html


def test_a_runs_page_downloads_its_payroll_register_from_the_finance_export(app, db, make_user, login):
    """One register: the run page links the finance export's register for that run (gross 12,345.60, federal
    1,000.00, net 10,401.16 — see _worker_with_paycheck)."""
    from payroll.models import PayrollRun

    _worker, _eng, paycheck = _worker_with_paycheck(db)
    run = db.session.get(PayrollRun, paycheck.run_id)
    run.paycheck_count = 1
    db.session.commit()
    c = app.test_client()
    login(c, make_user("finance"))
    html = c.get(f"/admin/payroll-runs/{run.id}").get_data(as_text=True)
    link = re.search(r'href="([^"]*finance-exports/download[^"]*format=csv[^"]*)"', html).group(1)
    assert f"run_id={run.id}" in link and "kind=register" in link
    register = c.get(link.replace("&amp;", "&"))
    assert register.status_code == 200 and register.mimetype == "text/csv"
    (values,) = csv.DictReader(io.StringIO(register.get_data(as_text=True)))
    assert values["worker"] == "Okafor, Dana"
    assert (values["gross"], values["ee_tax:federal_income_tax"], values["net"]) == ("12345.60", "1000.00",
                                                                                    "10401.16")
