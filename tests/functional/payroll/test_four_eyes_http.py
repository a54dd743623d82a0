"""Four eyes and pay schedules over HTTP: refusals are 4xx with the reason, never a 500."""
from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa

from tests.conftest import csrf_token_from
from tests.integration.payroll.conftest import NOW, SETTLES, World


def _paid_run(db, w):
    from payroll.services import payments, runs

    w.time(w.worker())
    run = w.regular_run()
    runs.start_calculation(run.id, w.hr)
    runs.approve_run(run.id, w.hr2)
    payments.generate_nacha(run.id, w.finance, now=NOW, effective_date=SETTLES)
    runs.mark_paid(run.id, w.finance)
    return run


def test_api_reversal_of_a_paid_run_takes_a_request_and_a_second_user(client, db, make_user, token_for):
    """40 h × $25 = 1,000.00 paid; the reversal run's gross is −1,000.00."""
    w = World(db, make_user)
    run = _paid_run(db, w)
    hr, hr2 = token_for(w.hr), token_for(w.hr2)
    alone = client.post(f"/api/v1/payroll-runs/{run.id}/reverse", json={"reason": "wrong rate"}, headers=hr)
    assert alone.status_code == 409 and "two people" in alone.json["message"], alone.json
    req = client.post(f"/api/v1/payroll-runs/{run.id}/reversal-request", json={"reason": "wrong rate"}, headers=hr)
    assert req.status_code == 201 and (req.json["status"], req.json["requested_by_id"]) == ("open", w.hr.id)
    own = client.post(f"/api/v1/payroll-runs/{run.id}/reverse", headers=hr)
    assert own.status_code == 409 and "different user" in own.json["message"]
    done = client.post(f"/api/v1/payroll-runs/{run.id}/reverse", headers=hr2)
    assert done.status_code == 200 and Decimal(done.json["total_gross"]) == Decimal("-1000.00"), done.json


def test_api_approval_by_whoever_approved_the_time_is_a_409_with_the_reason(client, db, make_user, token_for):
    from payroll.services import runs

    w = World(db, make_user)
    w.time(w.worker())
    run = w.regular_run()
    runs.start_calculation(run.id, w.hr)
    r = client.post(f"/api/v1/payroll-runs/{run.id}/approve", headers=token_for(w.timekeeper))
    assert r.status_code == 409 and r.json["error"] == "approver_changed_inputs", r.json
    assert "approved timesheet #" in r.json["message"]


def test_api_engagement_takes_a_pay_schedule_and_its_frequency_follows(client, db, make_user, token_for):
    """Moved to a biweekly schedule, the engagement's pay frequency becomes biweekly; an unknown schedule is a 422
    naming the field."""
    from tests.factories import PayScheduleFactory

    w = World(db, make_user)
    e = w.worker()
    assert (e.pay_schedule_id, e.pay_frequency) == (w.schedule.id, "weekly")
    biweekly = PayScheduleFactory(name="Biweekly", frequency="biweekly")
    hr = token_for(w.hr)
    r = client.patch(f"/api/v1/engagements/{e.id}", json={"pay_schedule_id": biweekly.id}, headers=hr)
    assert r.status_code == 200, r.json
    assert (r.json["pay_schedule_id"], r.json["pay_frequency"]) == (biweekly.id, "biweekly")
    bad = client.patch(f"/api/v1/engagements/{e.id}", json={"pay_schedule_id": 999999}, headers=hr)
    assert bad.status_code == 422 and bad.json["issues"][0]["field"] == "pay_schedule_id", bad.json


def test_admin_paid_run_page_requests_then_a_second_user_carries_out_the_reversal(client, db, make_user, login):
    from payroll.models import PayrollRun, ReversalRequest

    w = World(db, make_user)
    run = _paid_run(db, w)
    login(client, w.hr)
    page = client.get(f"/admin/payroll-runs/{run.id}")
    assert b"Request reversal" in page.data
    r = client.post(f"/admin/payroll-runs/{run.id}/request_reversal",
                    data={"reason": "wrong rate", "csrf_token": csrf_token_from(page.data)}, follow_redirects=True)
    assert b"a different user must carry it out" in r.data
    assert b"You requested this reversal" in client.get(f"/admin/payroll-runs/{run.id}").data
    client.get("/logout")
    login(client, w.hr2)
    page = client.get(f"/admin/payroll-runs/{run.id}")
    assert b"Carry out the requested reversal" in page.data
    client.post(f"/admin/payroll-runs/{run.id}/reverse", data={"csrf_token": csrf_token_from(page.data)})
    db.session.expire_all()
    assert db.session.get(PayrollRun, run.id).state == "reversed"
    assert db.session.execute(sa.select(ReversalRequest.status)).scalar_one() == "done"
