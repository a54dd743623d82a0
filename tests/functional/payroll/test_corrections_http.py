"""Corrections from the admin and the API: one paycheck reversed (two people) and re-issued, an off-cycle run by
form, a back-dated rate change with its retro pay confirmed once, and paper checks."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from tests.conftest import csrf_token_from
from tests.integration.payroll.conftest import NOW, SETTLES, WEEK1, World


def _paid_run(w, engagements, hours=(8, 8, 8, 8, 8, 0, 0), week=WEEK1):
    from payroll.services import payments, runs

    for e in engagements:
        w.time(e, hours=hours, week=week)
    run = w.regular_run(week)
    runs.start_calculation(run.id, w.hr)
    runs.approve_run(run.id, w.hr2)
    payments.generate_nacha(run.id, w.finance, now=NOW, effective_date=SETTLES)
    runs.mark_paid(run.id, w.finance)
    return run


def _paycheck(db, run_id, engagement_id=None):
    from payroll.models import Paycheck

    stmt = sa.select(Paycheck).where(Paycheck.run_id == run_id)
    if engagement_id:
        stmt = stmt.where(Paycheck.engagement_id == engagement_id)
    return db.session.execute(stmt).scalar_one()


def _post(client, url, data, page_url):
    page = client.get(page_url)
    return client.post(url, data={**data, "csrf_token": csrf_token_from(page.data)}, follow_redirects=True)


def test_one_paycheck_of_a_paid_run_is_requested_by_hr_reversed_by_hr2_then_reissued(client, db, make_user, login,
                                                                                     fixed_clock):
    """40 h × $25.00 = $1,000.00 paid; the reversal paycheck's gross is −$1,000.00; the re-issue is a correction run
    holding a $1,000.00 copy; the other worker's paycheck in the run is untouched."""
    from payroll.models import Paycheck, PayrollRun, ReversalRequest

    w = World(db, make_user)
    e1, e2 = w.worker(), w.worker()
    run = _paid_run(w, [e1, e2])
    p = _paycheck(db, run.id, e1.id)
    page_url = f"/admin/corrections/paycheck/{p.id}"
    login(client, w.hr)
    page = client.get(page_url)
    assert page.status_code == 200 and b"Request reversal" in page.data
    assert b"Reverse this paycheck" not in page.data and b"Re-issue" not in page.data
    r = _post(client, f"{page_url}/request_reversal", {"reason": "wrong client"}, page_url)
    assert b"a different user must carry it out" in r.data
    again = client.get(page_url)
    assert b"You requested this reversal" in again.data and b"Reverse this paycheck" not in again.data
    run_page = client.get(f"/admin/payroll-runs/{run.id}").data
    assert b'id="paycheck-requests"' in run_page and f"{p.worker.full_name}&#39;s paycheck, pay".encode() in run_page
    # a forged POST by the requester is refused by the service with the reason, not a 500
    own = _post(client, f"{page_url}/reverse", {}, page_url)
    assert b"a different user must carry out the reversal" in own.data
    client.get("/logout")

    login(client, w.hr2)
    page = client.get(page_url)
    assert b"Reverse this paycheck" in page.data and b"wrong client" in page.data
    r = _post(client, f"{page_url}/reverse", {}, page_url)
    assert b"reversed by paycheck" in r.data
    db.session.expire_all()
    rev = db.session.execute(sa.select(Paycheck).where(Paycheck.reverses_id == p.id)).scalar_one()
    assert rev.gross == Decimal("-1000.00") and rev.net == -p.net
    req = db.session.execute(sa.select(ReversalRequest)).scalar_one()
    assert (req.status, req.requested_by_id, req.approved_by_id) == ("done", w.hr.id, w.hr2.id)
    assert db.session.get(PayrollRun, run.id).state == "paid"          # the run stands; one paycheck reversed
    assert not db.session.execute(sa.select(Paycheck.id).where(Paycheck.reverses_id ==
                                                              _paycheck(db, run.id, e2.id).id)).scalar()

    page = client.get(page_url)
    assert b"Re-issue" in page.data and b"Request reversal" not in page.data
    r = client.post(f"{page_url}/reissue", data={"csrf_token": csrf_token_from(page.data)})
    assert r.status_code == 302
    copy = db.session.execute(sa.select(Paycheck).where(Paycheck.reissue_of_id == p.id)).scalar_one()
    correction = db.session.get(PayrollRun, copy.run_id)
    assert (correction.kind, correction.state, copy.gross) == ("correction", "calculated", Decimal("1000.00"))
    assert b"Re-issue" not in client.get(page_url).data.split(b"Corrections")[1].split(b"Lines")[0]


def test_the_reversal_requests_list_filters_by_status(client, db, make_user, login, fixed_clock):
    from payroll.services import corrections

    w = World(db, make_user)
    e = w.worker()
    run = _paid_run(w, [e])
    corrections.request_reversal(w.hr, "duplicate", paycheck_id=_paycheck(db, run.id).id)
    login(client, w.hr2)
    listing = client.get("/admin/reversal_request/")
    assert listing.status_code == 200 and b"duplicate" in listing.data
    assert b"duplicate" in client.get("/admin/reversal_request/?flt0_0=open").data


def test_a_worker_cannot_open_the_paycheck_page(client, db, make_user, login, fixed_clock):
    w = World(db, make_user)
    e = w.worker()
    run = _paid_run(w, [e])
    login(client, make_user("worker", worker_id=e.worker_id))
    assert client.get(f"/admin/corrections/paycheck/{_paycheck(db, run.id).id}").status_code == 403


def test_a_bonus_run_from_the_admin_form_with_the_worker_chosen_by_name(client, db, make_user, login, fixed_clock):
    """The lookup finds the worker by last name; a negative amount is refused under its row (422); $750.00 is
    created as one bonus adjustment of a draft bonus run."""
    from payroll.models import PayrollAdjustment, PayrollRun

    w = World(db, make_user)
    e = w.worker()
    login(client, w.hr)
    found = client.get(f"/admin/corrections/engagements.json?q={e.worker.last_name}").json
    assert [x["id"] for x in found] == [e.id] and e.worker.first_name in found[0]["label"]
    url = "/admin/corrections/off-cycle"
    page = client.get(url)
    assert page.status_code == 200
    data = {"csrf_token": csrf_token_from(page.data), "rows": "2", "kind": "bonus", "pay_date": "2026-11-27",
            "description": "Year-end bonus", "items-0-engagement_id": str(e.id), "items-0-code": "bonus",
            "items-0-amount": "-5", "items-1-amount": "10"}
    bad = client.post(url, data=data)
    assert bad.status_code == 422
    assert b"must be an amount above zero" in bad.data and b"choose the worker" in bad.data
    assert e.worker.last_name.encode() in bad.data                 # the chosen worker stays chosen
    assert db.session.execute(sa.select(sa.func.count()).select_from(PayrollRun)).scalar() == 0
    data.update({"items-0-amount": "750.00", "items-1-amount": ""})
    ok = client.post(url, data=data)
    assert ok.status_code == 302
    run = db.session.execute(sa.select(PayrollRun)).scalar_one()
    assert (run.kind, run.state, run.pay_date, run.description) == ("bonus", "draft", date(2026, 11, 27),
                                                                    "Year-end bonus")
    adj = db.session.execute(sa.select(PayrollAdjustment)).scalar_one()
    assert (adj.run_id, adj.engagement_id, adj.code, adj.amount) == (run.id, e.id, "bonus", Decimal("750.00"))


def test_a_back_dated_rate_change_shows_the_retro_per_paycheck_and_confirming_twice_adds_it_once(
        client, db, make_user, login, fixed_clock):
    """$25.00 → $26.00 from 2 Nov. Week of 2 Nov: 45 h paid as straight time for all 45 h plus a 5 h overtime
    premium at half the rate: 45 × $1 + 5 × 0.5 × $1 = $47.50.
    Week of 9 Nov: 40 h: 40 × $1 = $40.00. Retro $87.50, one adjustment, paid by the next run."""
    from payroll.models import EngagementRate, PayrollAdjustment
    from payroll.services import runs

    w = World(db, make_user)
    e = w.worker(rate="25.00")
    _paid_run(w, [e], hours=(9, 9, 9, 9, 9, 0, 0))
    week2 = WEEK1 + timedelta(days=7)
    _paid_run(w, [e], week=week2)
    login(client, w.hr)
    url = f"/admin/corrections/engagement/{e.id}/rate"
    page = client.get(url)
    assert page.status_code == 200 and b"Change the pay rate" in page.data
    bad = client.post(url, data={"csrf_token": csrf_token_from(page.data), "rate": "abc",
                                 "effective_date": "2026-12-25"})
    assert bad.status_code == 422 and b"is not a number" in bad.data and b"must be today" in bad.data
    r = client.post(url, data={"csrf_token": csrf_token_from(page.data), "rate": "26.00",
                               "effective_date": WEEK1.isoformat(), "note": "annual raise"}, follow_redirects=True)
    assert r.status_code == 200 and b"check the retro pay below" in r.data
    assert b"5.00 h overtime premium \xc3\x97 0.5 \xc3\x97 (26.00 \xe2\x88\x92 25.00) = $2.50" in r.data
    assert b'id="retro-total">$87.50' in r.data
    change = db.session.execute(sa.select(EngagementRate).where(EngagementRate.note == "annual raise")).scalar_one()
    assert (change.retro_status, change.retro_amount, change.previous_rate) == ("pending", Decimal("87.50"),
                                                                                Decimal("25.00"))
    assert db.session.execute(sa.select(sa.func.count()).select_from(PayrollAdjustment)).scalar() == 0
    token = csrf_token_from(r.data)
    confirm = f"/admin/corrections/rate-change/{change.id}/confirm"
    assert b"Retro pay of 87.50 added" in client.post(confirm, data={"csrf_token": token}, follow_redirects=True).data
    assert b"already added" in client.post(confirm, data={"csrf_token": token}, follow_redirects=True).data
    adj = db.session.execute(sa.select(PayrollAdjustment)).scalar_one()
    assert (adj.code, adj.amount, adj.status, adj.rate_change_id) == ("retro", Decimal("87.50"), "pending", change.id)

    client.get("/logout")
    login(client, make_user("compliance"))                 # may read runs, may not change rates: history only
    seen = client.get(url)
    assert seen.status_code == 200 and b"Pay rate history" in seen.data and b'id="rate-form"' not in seen.data
    assert client.post(url, data={"csrf_token": csrf_token_from(seen.data), "rate": "30"}).status_code == 403

    w.time(e, week=week2 + timedelta(days=7))
    nxt = w.regular_run(week2 + timedelta(days=7))
    runs.start_calculation(nxt.id, w.hr)
    db.session.refresh(adj)
    assert adj.status == "applied"


def test_the_database_holds_one_retro_adjustment_per_rate_change(db, make_user):
    from sqlalchemy.exc import IntegrityError

    from payroll.models import EngagementRate, PayrollAdjustment

    w = World(db, make_user)
    e = w.worker()
    change = EngagementRate(engagement_id=e.id, rate=Decimal("26"), previous_rate=Decimal("25"),
                            effective_date=WEEK1, retro_status="confirmed")
    db.session.add(change)
    db.session.flush()
    for _ in range(2):
        db.session.add(PayrollAdjustment(engagement_id=e.id, code="retro", amount=Decimal("1.00"),
                                         rate_change_id=change.id))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def _held(db, w, engagements):
    """Calculated with accounts, approved after the workers closed them: every payment held."""
    from backoffice.workers.profile import BankAccount
    from backoffice.workers.profile_services import remove_bank_account
    from payroll.services import runs

    for e in engagements:
        w.time(e)
    run = w.regular_run()
    runs.start_calculation(run.id, w.hr)
    for e in engagements:
        (acct,) = db.session.execute(sa.select(BankAccount).where(BankAccount.worker_id == e.worker_id)).scalars()
        remove_bank_account(e.worker_id, acct.id)
    runs.approve_run(run.id, w.hr2)
    return run


def test_a_paper_check_pays_a_held_paycheck_and_a_duplicate_number_is_refused(client, db, make_user, token_for,
                                                                              fixed_clock):
    """Two workers without a bank account: their paychecks are held at approval. Check no. 1001 pays the first
    one's net; 1001 again for the second is a 422 naming check_number; the NACHA file is refused (nothing to
    file: checks never go in one); voided, the net is owed again."""
    from payroll.models import Paycheck
    from payroll.models_ledger import Payment
    from payroll.services import runs
    from tests.integration.payroll.conftest import assert_ledger_balanced

    w = World(db, make_user)
    e1, e2 = w.worker(), w.worker()
    run = _held(db, w, [e1, e2])
    p1, p2 = (db.session.execute(sa.select(Paycheck).where(Paycheck.engagement_id == e.id)).scalar_one()
              for e in (e1, e2))
    fin = token_for(w.finance)
    hr_only = client.post(f"/api/v1/paychecks/{p1.id}/manual-check", headers=token_for(w.hr),
                          json={"check_number": "1001", "check_date": "2026-11-13", "amount": str(p1.net)})
    assert hr_only.status_code == 403
    wrong = client.post(f"/api/v1/paychecks/{p1.id}/manual-check", headers=fin,
                        json={"check_number": "10-01", "check_date": "2026-11-13", "amount": "1.00"})
    assert wrong.status_code == 422
    assert {i["field"] for i in wrong.json["issues"]} == {"check_number", "amount"}, wrong.json
    ok = client.post(f"/api/v1/paychecks/{p1.id}/manual-check", headers=fin,
                     json={"check_number": "1001", "check_date": "2026-11-13", "amount": str(p1.net)})
    assert ok.status_code == 201, ok.json
    assert (ok.json["method"], ok.json["status"], Decimal(ok.json["amount"])) == ("check", "sent", p1.net)
    dup = client.post(f"/api/v1/paychecks/{p2.id}/manual-check", headers=fin,
                      json={"check_number": "1001", "check_date": "2026-11-13", "amount": str(p2.net)})
    assert dup.status_code == 422 and dup.json["issues"][0]["field"] == "check_number", dup.json
    assert "already recorded" in dup.json["issues"][0]["message"]
    twice = client.post(f"/api/v1/paychecks/{p1.id}/manual-check", headers=fin,
                        json={"check_number": "1002", "check_date": "2026-11-13", "amount": str(p1.net)})
    assert twice.status_code == 409 and twice.json["error"] == "nothing_to_pay", twice.json
    nacha = client.get(f"/api/v1/payroll-runs/{run.id}/nacha", headers=fin)
    assert nacha.status_code == 409, nacha.json          # one check and one held payment: nothing to file
    statuses = sorted(db.session.execute(sa.select(Payment.method, Payment.status)
                                         .where(Payment.paycheck_id == p1.id)).all())
    assert statuses == [("ach", "reissued"), ("check", "sent")]
    void = client.post(f"/api/v1/payments/{ok.json['id']}/void", headers=fin, json={"reason": "lost in the mail"})
    assert void.status_code == 200 and void.json["status"] == "voided"
    again = client.post(f"/api/v1/paychecks/{p1.id}/manual-check", headers=fin,
                        json={"check_number": "1002", "check_date": "2026-11-14", "amount": str(p1.net)})
    assert again.status_code == 201
    runs.mark_paid(run.id, w.finance)
    assert_ledger_balanced()


def test_the_paycheck_page_records_a_check_for_finance_only(client, db, make_user, login, fixed_clock):
    from payroll.models import Paycheck

    w = World(db, make_user)
    e = w.worker()
    _held(db, w, [e])
    p = db.session.execute(sa.select(Paycheck)).scalar_one()
    url = f"/admin/corrections/paycheck/{p.id}"
    login(client, w.hr)
    assert b"Record check" not in client.get(url).data            # hr holds no payment right: no button
    client.get("/logout")
    login(client, w.finance)
    page = client.get(url)
    assert b"Record check" in page.data
    r = client.post(f"{url}/manual_check", data={"csrf_token": csrf_token_from(page.data), "check_number": "2001",
                                                 "check_date": "2026-11-13", "amount": str(p.net)},
                    follow_redirects=True)
    assert b"Check no. 2001" in r.data and b"check no. 2001" in r.data and b"Void check" in r.data
    listing = client.get("/admin/payment/")          # the Payments list shows the method and the check number
    assert listing.status_code == 200 and b"col-check_number" in listing.data and b"2001" in listing.data
    assert client.get(f"/admin/paycheck/details/?id={p.id}").headers["Location"].endswith(
        f"/admin/corrections/paycheck/{p.id}")
    from backoffice.audit import AuditLog

    made = db.session.execute(sa.select(AuditLog.user_id, AuditLog.action).where(
        AuditLog.model == "payment", AuditLog.changes.like('%2001%'))).all()
    assert made == [(w.finance.id, "create")]


def test_api_rate_change_shows_the_retro_then_confirms_it_once(client, db, make_user, token_for, fixed_clock):
    """$25.00 → $25.50 from 2 Nov over the paid week of 2 Nov (40 h): 40 × $0.50 = $20.00."""
    w = World(db, make_user)
    e = w.worker(rate="25.00")
    _paid_run(w, [e])
    hr = token_for(w.hr)
    bad = client.post(f"/api/v1/engagements/{e.id}/rate-changes", headers=hr,
                      json={"rate": "-1", "effective_date": "2026-11-02"})
    assert bad.status_code == 422 and bad.json["issues"][0]["field"] == "rate", bad.json
    r = client.post(f"/api/v1/engagements/{e.id}/rate-changes", headers=hr,
                    json={"rate": "25.50", "effective_date": "2026-11-02", "note": "raise"})
    assert r.status_code == 201, r.json
    assert (r.json["retro_status"], Decimal(r.json["retro"]["total"])) == ("pending", Decimal("20.00"))
    (pc,) = r.json["retro"]["paychecks"]
    assert pc["lines"][0]["explanation"] == "40.00 h regular × (25.50 − 25.00) = $20.00"
    ok = client.post(f"/api/v1/rate-changes/{r.json['id']}/confirm", headers=hr)
    assert ok.status_code == 201 and (ok.json["code"], Decimal(ok.json["amount"])) == ("retro", Decimal("20.00"))
    again = client.post(f"/api/v1/rate-changes/{r.json['id']}/confirm", headers=hr)
    assert again.status_code == 409 and again.json["error"] == "retro_confirmed", again.json
    assert client.get(f"/api/v1/rate-changes/{r.json['id']}", headers=hr).json["retro_status"] == "confirmed"
