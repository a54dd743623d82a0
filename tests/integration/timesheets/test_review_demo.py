"""seed-demo leaves a week rejected by HR for the demo worker and a week disputed by the demo approver, each with
its reason and history (issue 11, point 4: something to see on the demo)."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa


def test_the_demo_has_a_rejected_and_a_disputed_week_with_reasons(db):
    from backoffice.security.models import User
    from backoffice.workers.demo import seed_demo
    from payroll.models import Timesheet, TimesheetEvent
    from payroll.timesheets.demo import DISPUTED_BECAUSE, REJECTED_BECAUSE

    lines = seed_demo(n_workers=60, today=date(2026, 11, 22))
    assert any("rejected by HR with a reason" in line for line in lines), [x for x in lines if "timesheets" in x]
    sent_back = {ts.status: ts for ts in db.session.execute(sa.select(Timesheet).where(
        Timesheet.status.in_(("rejected", "disputed")))).scalars()}
    assert set(sent_back) == {"rejected", "disputed"}
    rejected, disputed = sent_back["rejected"], sent_back["disputed"]
    # the last full week (Monday 2026-11-09), or this week (11-16) where a run already paid the last one
    assert {rejected.week_start, disputed.week_start} <= {date(2026, 11, 9), date(2026, 11, 16)}
    assert (rejected.rejected_reason, disputed.disputed_reason) == (REJECTED_BECAUSE, DISPUTED_BECAUSE)
    worker = db.session.execute(sa.select(User).where(User.email == "worker@tandem.example")).scalar_one()
    approver = db.session.execute(sa.select(User).where(User.email == "approver@tandem.example")).scalar_one()
    assert rejected.engagement.worker_id == worker.worker_id                 # the demo worker sees it
    assert disputed.engagement.client_id == approver.client_id               # in the demo approver's client
    steps = db.session.execute(sa.select(TimesheetEvent.action, TimesheetEvent.user_id).where(
        TimesheetEvent.timesheet_id == disputed.id).order_by(TimesheetEvent.id)).all()
    assert [a for a, _u in steps] == ["create", "submit", "dispute"] and steps[-1][1] == approver.id
    assert str(rejected.total_hours) == "44.00"                              # 8 + 8 + 8 + 12 + 8
