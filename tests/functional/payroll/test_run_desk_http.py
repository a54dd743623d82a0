"""The run page as each person meets it: buttons the server would refuse are disabled with the reason, the status
in words, no link to a page that answers 403, a past pay date asks to confirm, problems named with a way to fix
them, and the paycheck page explaining every line as the worker reads it."""
from __future__ import annotations

import re
from datetime import date

import sqlalchemy as sa

from tests.conftest import csrf_token_from
from tests.integration.payroll.conftest import NOW, SETTLES, World


def _calculated(w, emp=None):
    from payroll.services import runs

    emp = emp or w.worker()
    w.time(emp)
    run = w.regular_run()
    runs.start_calculation(run.id, w.hr)
    return emp, run


def _html(client, url) -> str:
    r = client.get(url)
    assert r.status_code == 200, (url, r.status_code)
    return r.data.decode()


def _admin_links(html: str) -> set[str]:
    return {h.replace("&amp;", "&") for h in re.findall(r'href="(/admin/[^"#]*)', html)}


def test_the_preparer_sees_approve_disabled_with_the_reason_and_a_second_hr_user_may_approve(
        client, db, make_user, login):
    """hr prepared and calculated the run: Approve is shown disabled, saying so; no form posts to /approve. hr2
    changed nothing: the Approve button posts. Both read the state in words, not "Calculation started."."""
    w = World(db, make_user)
    _emp, run = _calculated(w)
    login(client, w.hr)
    html = _html(client, f"/admin/payroll-runs/{run.id}")
    assert 'id="action-approve"' in html and "disabled" in html[html.index('id="action-approve"'):][:300]
    assert "You prepared this run: another person approves it (four eyes)." in html
    assert f"/admin/payroll-runs/{run.id}/approve" not in html
    assert "Calculated: review and approve." in html and "Calculation started" not in html
    client.get("/logout")

    login(client, w.hr2)
    html = _html(client, f"/admin/payroll-runs/{run.id}")
    assert f'action="/admin/payroll-runs/{run.id}/approve"' in html and 'id="action-approve"' not in html
    token = csrf_token_from(html.encode())
    r = client.post(f"/admin/payroll-runs/{run.id}/approve", data={"csrf_token": token}, follow_redirects=True)
    assert b"Run approved." in r.data
    html = _html(client, f"/admin/payroll-runs/{run.id}")
    assert re.search(r"Approved by [^:<]+ on [A-Z][a-z]{2} \d{1,2}, \d{4}: generate the NACHA file", html), html


def test_whoever_approved_the_time_is_told_why_they_may_not_approve(client, db, make_user, login):
    w = World(db, make_user)
    _emp, run = _calculated(w)
    login(client, w.timekeeper)
    html = _html(client, f"/admin/payroll-runs/{run.id}")
    why = html[html.index('id="why-approve"'):]
    assert "You approved timesheet #" in why[:300] and "another person approves this run" in why[:300]


def test_hr_gets_no_link_to_payments_or_nacha_files_and_finance_does(client, db, make_user, login):
    """HR may not read payments (permissions.csv: hr has no payment row); finance may. On an approved run with a
    NACHA file, every /admin link on HR's page opens (no 403), and the NACHA file is listed for finance only."""
    from payroll.services import payments, runs

    w = World(db, make_user)
    _emp, run = _calculated(w)
    runs.approve_run(run.id, w.hr2)
    payments.generate_nacha(run.id, w.finance, now=NOW, effective_date=SETTLES)
    login(client, w.hr)
    html = _html(client, f"/admin/payroll-runs/{run.id}")
    assert "/admin/payment/" not in html and "/admin/nacha-files/" not in html
    assert "Generate NACHA file" not in html            # HR holds no payment right: no button at all
    opened = 0
    for url in sorted(_admin_links(html)):
        if url.startswith(("/admin/logout", "/admin/static/")) or url.endswith(".pdf"):
            continue
        r = client.get(url)
        assert r.status_code != 403, url
        r.close()
        opened += 1
    assert opened >= 5             # the menu and the page's own links were followed
    client.get("/logout")

    login(client, w.finance)
    html = _html(client, f"/admin/payroll-runs/{run.id}")
    assert "/admin/payment/" in html and "/admin/nacha-files/" in html
    assert "Mark paid" in html


def test_a_past_pay_date_asks_to_confirm_in_the_admin_form(client, db, make_user, login, fixed_clock):
    """Clock: 22 Nov 2026. The weekly schedule's period 2–8 Nov pays Fri 13 Nov (period end + 5 days): past, so
    the form comes back (422) with the warning and a box to tick; nothing is created until it is ticked. The
    period 23–29 Nov pays Fri 4 Dec: created at once."""
    from payroll.models import PayrollRun

    w = World(db, make_user)
    w.worker()
    login(client, w.hr)
    page = client.get("/admin/payroll-runs/")
    token = csrf_token_from(page.data)
    r = client.post("/admin/payroll-runs/", data={"schedule_id": w.schedule.id, "period_containing": "2026-11-04",
                                                  "csrf_token": token})
    html = r.data.decode()
    assert r.status_code == 422 and 'id="past-pay-date-warning"' in html
    assert "Nov 13, 2026 is already past (today is Nov 22, 2026)" in html
    assert 'name="confirm_past_pay_date"' in html and 'value="2026-11-04"' in html   # the choice stays
    assert db.session.execute(sa.select(sa.func.count()).select_from(PayrollRun)).scalar() == 0
    r = client.post("/admin/payroll-runs/", data={"schedule_id": w.schedule.id, "period_containing": "2026-11-04",
                                                  "confirm_past_pay_date": "1", "csrf_token": token})
    assert r.status_code == 302
    assert db.session.execute(sa.select(PayrollRun.pay_date)).scalar_one() == date(2026, 11, 13)
    r = client.post("/admin/payroll-runs/", data={"schedule_id": w.schedule.id, "period_containing": "2026-11-25",
                                                  "csrf_token": token})
    assert r.status_code == 302
    assert db.session.execute(sa.select(PayrollRun.pay_date).order_by(PayrollRun.id.desc()).limit(1)
                              ).scalar() == date(2026, 12, 4)
    listing = _html(client, "/admin/payroll-runs/")
    assert "Weekly run Nov 2–8, 2026 · pay Nov 13" in listing and "Weekly run Nov 23–29, 2026 · pay Dec 4" in listing


def test_a_past_or_same_day_pay_date_is_a_422_on_pay_date_in_the_api_unless_confirmed(
        client, db, make_user, token_for, fixed_clock):
    """Clock: Fri 20 Nov 2026. Period 9–15 Nov pays Fri 20 Nov: today, a 422 on pay_date; confirmed, 201.
    An off-cycle bonus dated 19 Nov: past, a 422; the same with confirm_past_pay_date true: 201."""
    fixed_clock.set(date(2026, 11, 20))
    w = World(db, make_user)
    e = w.worker()
    hr = token_for(w.hr)
    body = {"schedule_id": w.schedule.id, "period_containing": "2026-11-10"}
    r = client.post("/api/v1/payroll-runs", json=body, headers=hr)
    assert r.status_code == 422, r.json
    (issue,) = r.json["issues"]
    assert (issue["field"], issue["code"]) == ("pay_date", "past_pay_date") and "is today" in issue["message"]
    r = client.post("/api/v1/payroll-runs", json={**body, "confirm_past_pay_date": True}, headers=hr)
    assert r.status_code == 201 and r.json["pay_date"] == "2026-11-20", r.json
    bonus = {"kind": "bonus", "pay_date": "2026-11-19",
             "items": [{"engagement_id": e.id, "code": "bonus", "amount": "100.00"}]}
    r = client.post("/api/v1/payroll-runs", json=bonus, headers=hr)
    assert r.status_code == 422 and r.json["issues"][0]["field"] == "pay_date", r.json
    bad = client.post("/api/v1/payroll-runs", json={**bonus, "confirm_past_pay_date": "yes"}, headers=hr)
    assert bad.status_code == 422 and "confirm_past_pay_date" in {i["field"] for i in bad.json["issues"]}
    r = client.post("/api/v1/payroll-runs", json={**bonus, "confirm_past_pay_date": True}, headers=hr)
    assert r.status_code == 201, r.json


def test_the_problems_table_names_workers_and_engagements_links_a_fix_and_filters_by_kind(
        client, db, make_user, login):
    """Three workers in a draft run: one with no W-4 (paid, noted), one not classified (paid as its type while HR
    assesses it), one with time not approved (noted). Each row names the worker and the engagement ("… at Acme Logistics, …"), says the problem in
    words and links the page that fixes it; the kinds are counted and filter the table."""
    w = World(db, make_user)
    no_w4 = w.worker(w4=False)
    unclassified = w.worker(classification=None)
    late = w.worker()
    for e in (no_w4, unclassified):
        w.time(e)
    w.time(late, approve=False)
    run = w.regular_run()
    login(client, w.hr)
    html = _html(client, f"/admin/payroll-runs/{run.id}")
    table = html[html.index('id="problems-table"'):]
    table = table[:table.index("</table>")]
    for e in (no_w4, unclassified, late):
        assert e.worker.full_name in table and str(e) in table, str(e)
        assert f'href="/admin/workers/details/?id={e.worker_id}"' in table
    assert "at Acme Logistics" in table
    assert "No W-4" in table and "Not classified" in table and "Time not approved" in table
    assert "missing_w4" not in table.replace('data-code="missing_w4"', "") and "engagements[" not in table
    assert f"/admin/classification/new?engagement_id={unclassified.id}" in table     # assess it
    assert "Start the assessment" in table and "Approve the time" in table and "Ask for the W-4" in table
    assert "paid, assess" in table and "paid, noted" in table
    assert table.count('name="reason"') == 3            # hold this paycheck: none is held yet
    kinds = html[html.index('id="problem-kinds"'):]
    assert "All 3" in kinds and "No W-4 1" in kinds and "Not classified 1" in kinds
    only = _html(client, f"/admin/payroll-runs/{run.id}?kind=missing_w4")
    only = only[only.index('id="problems-table"'):]
    only = only[:only.index("</table>")]
    assert no_w4.worker.full_name in only and unclassified.worker.full_name not in only


def test_the_admin_paycheck_page_explains_every_line_as_the_worker_sees_it(client, db, make_user, login):
    """40 h × $25.00 = $1,000.00 (TX, leased). Social Security 6.2% × 1,000.00 = $62.00; Medicare 1.45% =
    $14.50. The page shows each line with the worker's "Why" steps and the engagement the earning comes from."""
    from payroll.models import Paycheck
    from payroll.services.paystubs import paystub_data

    w = World(db, make_user)
    emp, run = _calculated(w)
    p = db.session.execute(sa.select(Paycheck).where(Paycheck.run_id == run.id)).scalar_one()
    login(client, w.hr2)
    html = _html(client, f"/admin/corrections/paycheck/{p.id}")
    box = html[html.index('id="paystub-explained"'):]
    assert "$1,000.00" in box and "$62.00" in box and "$14.50" in box
    assert "40 h × $25.00" in box
    assert str(emp) in box and "at Acme Logistics" in box
    worker_view = paystub_data(p.id, with_explanations=True)       # what the portal renders for the worker
    ss = next(r for r in worker_view["employee_taxes"] if r["description"] == "Social Security")
    assert any("6.2%" in step for step in ss["explanation"])
    for step in ss["explanation"]:
        assert step.replace("&", "&amp;").replace("'", "&#39;").replace('"', "&#34;") in box, step
    assert html.count("<summary>Why</summary>") >= 3
    assert "Weekly run Nov 2–8, 2026 · pay Nov 13" in html          # the run named in the breadcrumb
    listing = _html(client, f"/admin/paycheck/?flt1_0={run.id}")
    assert "Weekly run Nov 2–8, 2026 · pay Nov 13" in listing and str(emp) in listing


def test_an_off_cycle_run_dated_today_asks_to_confirm_in_the_admin_form(client, db, make_user, login, fixed_clock):
    """Clock: 22 Nov 2026; a $500.00 bonus dated 22 Nov (the form's default) is refused with the warning under the
    pay date and a box to tick; ticked, the draft bonus run is created."""
    from payroll.models import PayrollRun

    w = World(db, make_user)
    e = w.worker()
    login(client, w.hr)
    page = client.get("/admin/corrections/off-cycle")
    assert 'value="2026-11-22"' in page.data.decode()
    data = {"csrf_token": csrf_token_from(page.data), "rows": "1", "kind": "bonus", "pay_date": "2026-11-22",
            "items-0-engagement_id": str(e.id), "items-0-code": "bonus", "items-0-amount": "500.00"}
    r = client.post("/admin/corrections/off-cycle", data=data)
    html = r.data.decode()
    assert r.status_code == 422 and 'id="past-pay-date-warning"' in html and "Nov 22, 2026 is today" in html
    assert db.session.execute(sa.select(sa.func.count()).select_from(PayrollRun)).scalar() == 0
    r = client.post("/admin/corrections/off-cycle", data={**data, "confirm_past_pay_date": "1"})
    assert r.status_code == 302
    assert db.session.execute(sa.select(PayrollRun.kind, PayrollRun.pay_date)).one() == ("bonus", date(2026, 11, 22))


def test_paying_held_paychecks_on_a_past_date_asks_to_confirm_on_the_run_page_and_in_the_api(
        client, db, make_user, login, token_for, fixed_clock):
    """Clock: 22 Nov 2026. One of two workers is held by HR out of the 2–8 Nov run; once it is calculated, an
    off-cycle run for the hold dated 20 Nov (past) comes back with the warning and a box to tick (admin) or a 422
    on pay_date (API); confirmed, the correction run is created, paying the held worker."""
    from payroll.models import PayrollRun
    from payroll.services import holds, runs

    w = World(db, make_user)
    kept, held = w.worker(), w.worker()
    for e in (kept, held):
        w.time(e)
    run = w.regular_run()
    holds.hold_paycheck(run.id, held.worker_id, "address being checked", w.hr)
    runs.start_calculation(run.id, w.hr)
    api = client.post(f"/api/v1/payroll-runs/{run.id}/pay-holds", json={"pay_date": "2026-11-20"},
                      headers=token_for(w.hr))
    assert api.status_code == 422 and api.json["issues"][0]["field"] == "pay_date", api.json

    login(client, w.hr)
    page = _html(client, f"/admin/payroll-runs/{run.id}")
    token = csrf_token_from(page.encode())
    r = client.post(f"/admin/payroll-runs/{run.id}/pay_holds", data={"csrf_token": token, "pay_date": "2026-11-20"})
    assert r.status_code == 302 and "holds_pay_date=2026-11-20" in r.headers["Location"]
    html = _html(client, r.headers["Location"])
    warning = html[html.index('id="holds-past-pay-date-warning"'):][:600]
    assert "Nov 20, 2026 is already past (today is Nov 22, 2026)" in warning
    assert 'value="2026-11-20"' in html
    assert db.session.execute(sa.select(sa.func.count()).select_from(PayrollRun)).scalar() == 1
    r = client.post(f"/admin/payroll-runs/{run.id}/pay_holds", data={"csrf_token": token, "pay_date": "2026-11-20",
                                                                      "confirm_past_pay_date": "1"})
    new = db.session.execute(sa.select(PayrollRun).where(PayrollRun.pays_holds_of_run_id == run.id)).scalar_one()
    assert r.headers["Location"].endswith(f"/admin/payroll-runs/{new.id}")
    assert (new.kind, new.pay_date) == ("correction", date(2026, 11, 20))
