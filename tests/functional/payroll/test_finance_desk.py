"""Finance's pages speak in names: payments, journal and NACHA files show worker, client, agency and the run by
name, money as $1,234.56; the NACHA file is made from a page that states its settlement date and warns when the
pay date cannot be met; a paid run offers no "Generate"; an ACH return is recorded from the payment's page."""
from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime, timedelta, timezone

import achkit
import sqlalchemy as sa

from tests.conftest import csrf_token_from
from tests.integration.payroll.conftest import WEEK1, World

IN_TIME = datetime(2026, 11, 11, 20, 0, tzinfo=timezone.utc)     # Wed 11 Nov, 15:00 New York: before the cut-off
LATE = datetime(2026, 12, 1, 15, 0, tzinfo=timezone.utc)         # Tue 1 Dec, 10:00 New York: 13 Nov is past


def _approved(w, week: date = WEEK1):
    from payroll.services import runs

    e = w.worker()
    w.time(e, week=week)
    run = w.regular_run(week)
    runs.start_calculation(run.id, w.hr)
    runs.approve_run(run.id, w.hr2)
    return e, run


def _paid(w):
    from payroll.services import payments, runs

    e, run = _approved(w)
    payments.generate_nacha(run.id, w.finance, now=IN_TIME)
    runs.mark_paid(run.id, w.finance)
    return e, run


def test_a_late_pay_date_is_warned_before_the_file_is_made_and_sent_only_by_choice(client, db, make_user, login,
                                                                                   fixed_clock):
    """Run paid 13 November, file asked for on 1 December (10:00 New York): the page warns that the pay date is
    past and offers the next possible banking day, Wednesday 2 December, or cancel. Posting without a date is
    refused (nothing made); choosing 2 December makes the file settling then."""
    from payroll.models_ledger import NachaFile

    w = World(db, make_user)
    _e, run = _approved(w)
    fixed_clock.set(LATE)
    login(client, w.finance)
    detail = client.get(f"/admin/payroll-runs/{run.id}").data.decode()
    assert "Generate NACHA file…" in detail and f"/admin/nacha-files/run/{run.id}" in detail
    page = client.get(f"/admin/nacha-files/run/{run.id}")
    text = page.data.decode()
    assert page.status_code == 200 and 'id="nacha-warning"' in text
    assert "The pay date cannot be met" in text and "2026-11-13 is already past" in text
    assert "Send it settling Dec 2, 2026 (late)" in text and 'value="2026-12-02"' in text
    assert 'id="nacha-cancel"' in text
    token = csrf_token_from(page.data)
    refused = client.post(f"/admin/nacha-files/run/{run.id}", data={"csrf_token": token}, follow_redirects=True)
    assert b"No file made" in refused.data and b"effective_date" in refused.data
    assert db.session.execute(sa.select(sa.func.count()).select_from(NachaFile)).scalar() == 0
    made = client.post(f"/admin/nacha-files/run/{run.id}", data={"csrf_token": token, "effective_date": "2026-12-02"},
                       follow_redirects=True)
    assert b"NACHA file A made" in made.data and b"settling Dec 2, 2026" in made.data
    f = db.session.execute(sa.select(NachaFile)).scalar_one()
    assert f.effective_date == date(2026, 12, 2)
    assert achkit.parse(f.content)["batches"][0]["effective_date"] == "261202"
    assert "after the pay date" in client.get(f"/admin/payroll-runs/{run.id}").data.decode()


def test_in_time_the_page_states_the_pay_date_and_the_file_settles_then(client, db, make_user, login, fixed_clock):
    from payroll.models_ledger import NachaFile

    w = World(db, make_user)
    _e, run = _approved(w)
    fixed_clock.set(IN_TIME)
    login(client, w.finance)
    page = client.get(f"/admin/nacha-files/run/{run.id}")
    text = page.data.decode()
    assert 'id="nacha-warning"' not in text and "settle on the pay date, <b>Nov 13, 2026</b>" in text
    client.post(f"/admin/nacha-files/run/{run.id}", data={"csrf_token": csrf_token_from(page.data),
                                                          "effective_date": "2026-11-13"})
    f = db.session.execute(sa.select(NachaFile)).scalar_one()
    assert achkit.validate(f.content)["ok"]
    assert (f.effective_date, achkit.parse(f.content)["batches"][0]["effective_date"]) == (date(2026, 11, 13),
                                                                                            "261113")


def test_no_generate_on_a_paid_run_nor_for_a_role_without_the_right(client, db, make_user, login, fixed_clock):
    """A paid run whose payments are all filed offers no "Generate NACHA file" and its make page sends back; HR
    (no payment rights) sees no Generate on an approved run, no link to the payment pages, and the make page
    refuses; the files list is finance's."""
    w = World(db, make_user)
    _e, paid = _paid(w)
    fixed_clock.set(LATE)
    login(client, w.finance)
    page = client.get(f"/admin/payroll-runs/{paid.id}").data.decode()
    assert "Generate NACHA file" not in page and "nacha-make" not in page
    assert f"/admin/nacha-files/{db.session.execute(sa.text('select id from nacha_files')).scalar()}/download" in page
    back = client.get(f"/admin/nacha-files/run/{paid.id}", follow_redirects=True)
    assert b"already in a NACHA file" in back.data
    hr = client.application.test_client()
    login(hr, w.hr)
    _e2, approved = _approved(w, WEEK1 + timedelta(days=7))
    hr_page = hr.get(f"/admin/payroll-runs/{approved.id}").data.decode()
    assert "Generate NACHA file" not in hr_page and "/admin/nacha-files/" not in hr_page
    assert "/admin/payment/" not in hr_page and "/admin/payment-reconciliation/" not in hr_page
    assert "/admin/payment/?flt1_0=" in client.get(f"/admin/payroll-runs/{approved.id}").data.decode()
    assert "/admin/nacha-files/" not in hr.get(f"/admin/payroll-runs/{paid.id}").data.decode()
    assert hr.get(f"/admin/nacha-files/run/{approved.id}").status_code == 403
    assert hr.get("/admin/nacha-files/").status_code == 403


def test_finance_lists_show_names_runs_and_dollars_not_ids(client, db, make_user, login, fixed_clock):
    """One worker, 40 h × $25.00 in the week of 2 November: the payment, the journal and the NACHA file name the
    worker, the client (Acme Logistics), the agency and "Weekly run Nov 2–8, 2026"; no "Worker <id>" anywhere."""
    from payroll.models_ledger import Payment

    w = World(db, make_user)
    e, run = _paid(w)
    worker = e.worker
    p = db.session.execute(sa.select(Payment).where(Payment.run_id == run.id)).scalar_one()
    login(client, w.finance)
    payments_page = client.get("/admin/payment/").data.decode()
    for text in (worker.full_name, "Acme Logistics", w.agency.legal_name, "Weekly run Nov 2–8, 2026",
                 f"${p.amount:,.2f}", "Paycheck, pay Nov 13, 2026"):
        assert text in payments_page, text
    assert not re.search(r"(?:Worker|Payment|Paycheck) \d+", payments_page)
    found = client.get(f"/admin/payment/?search={worker.last_name}").data.decode()
    assert f"/admin/payment/details/?id={p.id}" in found
    assert f"/admin/payment/details/?id={p.id}" not in client.get("/admin/payment/?search=Nobodyhere").data.decode()
    for url in ("/admin/payment/?sort=3", "/admin/payment/?sort=4&desc=1", "/admin/payment/?flt1_4=2026-11-13",
                "/admin/journal/?sort=0", "/admin/journal/?flt1_4=2026-11-13", "/admin/payment/export/xlsx/",
                "/admin/nacha-files/?from=2026-11-01&to=2026-11-30&late=1&q=weekly",
                f"/admin/payment/?flt1_0={run.id}"):
        assert client.get(url).status_code == 200, url
    assert "not a date" in client.get("/admin/nacha-files/?from=someday", follow_redirects=True).data.decode()
    rows = list(csv.reader(io.StringIO(client.get("/admin/payment/export/csv/").data.decode())))
    head = rows[0]
    row = dict(zip(head, rows[1]))
    assert (row["Worker"], row["Client"], row["Run"]) == (worker.full_name, "Acme Logistics",
                                                          "Weekly run Nov 2–8, 2026")
    from payroll.services import payments

    payments.record_return(p.id, "R01", w.finance, on=date(2026, 11, 30))   # a return entry names the worker
    journal = client.get("/admin/journal/").data.decode()
    for text in (w.agency.legal_name, "Weekly run Nov 2–8, 2026", "2400 Net pay payable", worker.full_name,
                 f"ACH return R01 (Insufficient funds) of the {p.amount:,.2f} payment to {worker.full_name}"):
        assert text in journal, text
    assert not re.search(r"Agency \d+", journal)
    assert client.get("/admin/journal/export/xlsx/").data[:2] == b"PK"
    files = client.get("/admin/nacha-files/").data.decode()
    assert "Weekly run Nov 2–8, 2026" in files and "2026-11-13" in files and "late" not in files.split("<tbody>")[1]
    exported = list(csv.reader(io.StringIO(client.get("/admin/nacha-files/?export=csv").data.decode())))
    assert exported[0][:4] == ["File", "Run", "Pay date", "Effective entry date"]
    assert exported[1][1:4] == ["Weekly run Nov 2–8, 2026", "2026-11-13", "2026-11-13"]
    assert "No NACHA file matches" in client.get("/admin/nacha-files/?purpose=reissue").data.decode()


def test_an_ach_return_is_recorded_and_reissued_from_the_payments_page(client, db, make_user, login, fixed_clock):
    """The payment's page offers the return codes in words; R03 (no account) is recorded with its date, the
    page then says what to do, and the re-issue to the worker's new account is made there — no typed ids."""
    from backoffice.workers.profile_services import add_bank_account
    from payroll.models_ledger import Payment

    w = World(db, make_user)
    e, run = _paid(w)
    p = db.session.execute(sa.select(Payment).where(Payment.run_id == run.id)).scalar_one()
    fixed_clock.set(LATE)
    login(client, w.finance)
    page = client.get(f"/admin/payment/details/?id={p.id}")
    text = page.data.decode()
    assert page.status_code == 200 and 'id="record-return"' in text
    assert "R01 — Insufficient funds" in text and "R03 — " in text and e.worker.full_name in text
    token = csrf_token_from(page.data)
    missing = client.post(f"/admin/payment/{p.id}/return", data={"csrf_token": token, "code": ""},
                          follow_redirects=True)
    assert b"Return not recorded" in missing.data and db.session.get(Payment, p.id).status == "sent"
    done = client.post(f"/admin/payment/{p.id}/return", data={"csrf_token": token, "code": "R03",
                                                              "returned_on": "2026-11-30"}, follow_redirects=True)
    text = done.data.decode()
    assert "Return R03" in text and "recorded on Nov 30, 2026" in text
    db.session.refresh(p)
    assert (p.status, p.return_code) == ("returned", "R03")
    assert 'id="record-return"' not in text and 'id="reissue"' in text
    twice = client.post(f"/admin/payment/{p.id}/return", data={"csrf_token": token, "code": "R03"},
                        follow_redirects=True)
    assert b"already returned" in twice.data
    same = client.post(f"/admin/payment/{p.id}/reissue", data={"csrf_token": token,
                                                               "bank_account_id": str(p.bank_account_id)},
                       follow_redirects=True)
    assert b"Not re-issued" in same.data and b"not to the same account" in same.data
    acct = add_bank_account(e.worker_id, {"routing_number": "021000021", "account_number": "4455667788",
                                          "account_type": "savings"})
    page = client.get(f"/admin/payment/details/?id={p.id}").data.decode()
    assert f'value="{acct.id}"' in page and "*****7788" in page
    new = client.post(f"/admin/payment/{p.id}/reissue", data={"csrf_token": token, "bank_account_id": str(acct.id)},
                      follow_redirects=True)
    assert b"Re-issued as payment" in new.data
    again = db.session.execute(sa.select(Payment).where(Payment.reissue_of_id == p.id)).scalar_one()
    assert (again.status, again.bank_account_id, again.amount) == ("pending", acct.id, p.amount)
    run_page = client.get(f"/admin/payroll-runs/{run.id}").data.decode()
    assert "Send 1 re-issued payment(s) (NACHA file B)…" in run_page and "Payment id" not in run_page
    hr = client.application.test_client()
    login(hr, w.hr)
    assert hr.get(f"/admin/payment/details/?id={p.id}").status_code == 403
    assert hr.post(f"/admin/payment/{p.id}/return", data={"csrf_token": token, "code": "R01"}).status_code in (
        400, 403)
    assert client.get("/admin/payment/details/?id=999999").status_code == 404


def test_a_return_file_and_reconciliation_name_the_worker_and_the_run(client, db, make_user, login, fixed_clock):
    """An R01 in the bank's return file: the file's page names the worker, client, agency, the run and the reason in
    words, and links to the payment's page; reconciliation names the run."""
    from payroll.models_ledger import Payment
    from payroll.services import bank_files
    from tests.integration.payroll.test_return_files import return_file_for

    w = World(db, make_user)
    e, run = _paid(w)
    p = db.session.execute(sa.select(Payment).where(Payment.run_id == run.id)).scalar_one()
    bank_files.import_return_file(return_file_for([(p, "R01")]), w.finance, on=date(2026, 11, 30))
    fixed_clock.set(LATE)
    login(client, w.finance)
    listing = client.get("/admin/return-files/").data.decode()
    file_id = re.search(r'/admin/return-files/(\d+)"', listing).group(1)
    page = client.get(f"/admin/return-files/{file_id}").data.decode()
    for text in (e.worker.full_name, "Acme Logistics", w.agency.legal_name, "Weekly run Nov 2–8, 2026",
                 "Insufficient funds", f"/admin/payment/details/?id={p.id}"):
        assert text in page, text
    assert "Weekly run Nov 2–8, 2026" in client.get("/admin/payment-reconciliation/").data.decode()


def test_a_held_payment_is_released_from_its_page_to_an_account_picked_by_name(client, db, make_user, login):
    """The worker's only account was closed after calculation: approval holds the payment. The run page links to
    the payment's page, which names the worker's new account (*****7788) to release it to — no typed ids."""
    from backoffice.workers.profile import BankAccount
    from backoffice.workers.profile_services import add_bank_account, remove_bank_account
    from payroll.models_ledger import Payment
    from payroll.services import runs

    w = World(db, make_user)
    e = w.worker()
    w.time(e)
    run = w.regular_run()
    runs.start_calculation(run.id, w.hr)
    (old,) = db.session.execute(sa.select(BankAccount).where(BankAccount.worker_id == e.worker_id)).scalars()
    remove_bank_account(e.worker_id, old.id)
    runs.approve_run(run.id, w.hr2)
    held = db.session.execute(sa.select(Payment).where(Payment.run_id == run.id)).scalar_one()
    assert held.status == "held"
    login(client, w.finance)
    run_page = client.get(f"/admin/payroll-runs/{run.id}").data.decode()
    assert f"/admin/payment/details/?id={held.id}" in run_page and "account id" not in run_page
    page = client.get(f"/admin/payment/details/?id={held.id}").data.decode()
    assert "Release to an account" in page and "has no active bank account" in page
    acct = add_bank_account(e.worker_id, {"routing_number": "021000021", "account_number": "4455667788",
                                          "account_type": "checking"})
    page = client.get(f"/admin/payment/details/?id={held.id}")
    assert b"*****7788" in page.data
    done = client.post(f"/admin/payment/{held.id}/reissue", data={"csrf_token": csrf_token_from(page.data),
                                                                  "bank_account_id": str(acct.id)},
                       follow_redirects=True)
    assert b"Re-issued as payment" in done.data
    new = db.session.execute(sa.select(Payment).where(Payment.reissue_of_id == held.id)).scalar_one()
    assert (new.status, new.bank_account_id) == ("pending", acct.id)


def test_the_payments_status_filter_finds_returned_and_sent_payments(client, db, make_user, login, fixed_clock):
    """Two workers paid in one run; the first's payment comes back R01. The payments list's "Status equals" filter
    (the link the dashboards build with list_url) shows only that payment for "returned" — asked of the indexed
    `attention` column since 0134 — and only the other for "sent" (asked of `status`)."""
    from flask import current_app

    from payroll.models_ledger import Payment
    from payroll.services import payments, runs

    w = World(db, make_user)
    e1, e2 = w.worker(), w.worker()
    for e in (e1, e2):
        w.time(e)
    run = w.regular_run()
    runs.start_calculation(run.id, w.hr)
    runs.approve_run(run.id, w.hr2)
    payments.generate_nacha(run.id, w.finance, now=IN_TIME)
    runs.mark_paid(run.id, w.finance)
    back, kept = (db.session.execute(sa.select(Payment).where(Payment.worker_id == e.worker_id)).scalar_one()
                  for e in (e1, e2))
    payments.record_return(back.id, "R01", w.finance, on=date(2026, 11, 16))
    view = next(v for v in current_app.extensions["tandem_admin"]._views if getattr(v, "endpoint", "") == "payment")
    (i,) = [n for n, f in enumerate(view._filters) if f.column.key == "status" and f.operation() == "equals"]
    login(client, w.finance)
    for status, shown, hidden in (("returned", back, kept), ("sent", kept, back)):
        page = client.get(f"/admin/payment/?flt1_{i}={status}").data.decode()
        assert f"/admin/payment/details/?id={shown.id}" in page, status
        assert f"/admin/payment/details/?id={hidden.id}" not in page, status
