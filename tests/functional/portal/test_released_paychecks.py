"""A worker sees a paycheck only once its run is approved; the paychecks table stacks into cards on a phone."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from backoffice.workers.models import Engagement, Worker
from tests.functional.portal.test_pages import PROFILE, _employee
from tests.integration.onboarding.support import make_paycheck


def test_a_paycheck_of_a_calculated_run_stays_hidden_until_approval(db, invite_and_accept):
    """Gross $2,000.00; federal $150.00; social security 6.2% = $124.00; Medicare 1.45% = $29.00;
    net = 2,000.00 − 303.00 = $1,697.00 — shown only once the run is approved."""
    from payroll.models import PayrollRun

    p = _employee(invite_and_accept)
    assert p.post(p.step_url("profile"), PROFILE).status_code == 302
    worker = db.session.execute(sa.select(Worker)).scalar_one()
    eng = db.session.execute(sa.select(Engagement)).scalar_one()
    paycheck = make_paycheck(worker, eng, pay_date=date(2026, 11, 13), gross="2000.00", federal="150.00",
                             explanation=["x"])
    run = db.session.get(PayrollRun, paycheck.run_id)
    run.state = "calculated"
    db.session.commit()
    assert b"$1,697.00" not in p.http.get("/portal/").data
    assert b"No paychecks yet." in p.http.get("/portal/paychecks").data
    assert p.http.get(f"/portal/paychecks/{paycheck.id}").status_code == 404
    assert p.http.get(f"/portal/paychecks/{paycheck.id}.pdf").status_code == 404

    run = db.session.get(PayrollRun, paycheck.run_id)
    run.state = "approved"
    db.session.commit()
    listing = p.http.get("/portal/paychecks").data
    assert b'class="stack"' in listing and b'data-label="Net (take-home)"><b>$1,697.00</b>' in listing
    assert p.http.get(f"/portal/paychecks/{paycheck.id}").status_code == 200
