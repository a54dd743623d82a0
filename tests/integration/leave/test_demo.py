"""`backoffice seed-demo` shows paid leave to a newcomer: sick leave accrued from the demo's approved runs under
the laws of the places the hours were worked, the agency's PTO policy, and worker@'s request awaiting approval."""
from __future__ import annotations

import sqlalchemy as sa

from backoffice.cli import main


def test_the_demo_accrues_sick_leave_from_its_runs_and_leaves_a_request_for_the_approver(runner, db):
    from backoffice.leave.models import LeaveEntry, LeavePolicy, LeaveRequest

    result = runner.invoke(main, args=["seed-demo", "--workers", "40", "--seed", "5"])
    assert result.exit_code == 0, result.output
    assert "leave: the agency's PTO policy" in result.output, result.output
    accrued = db.session.execute(sa.select(sa.func.count()).select_from(LeaveEntry)
                                 .where(LeaveEntry.kind == "accrual", LeaveEntry.hours > 0)).scalar()
    assert accrued > 0
    kinds = set(db.session.execute(sa.select(LeavePolicy.kind)).scalars())
    assert kinds >= {"sick_law", "pto"}
    assert db.session.execute(sa.select(LeaveRequest.status, LeaveRequest.hours)).all() == [("submitted", 8)]
    # issue 19's remaining parts: documentation rules on every law's policy, a state program's case worked out
    from backoffice.leave.models import LeaveCase

    assert "ask for a note or statement after 3 workdays" in result.output, result.output
    assert set(db.session.execute(sa.select(LeavePolicy.documentation_after_days)
                                  .where(LeavePolicy.kind == "sick_law")).scalars()) == {3}
    [case] = db.session.execute(sa.select(LeaveCase)).scalars().all()
    assert case.program != "fmla" and case.explanation[-1].startswith("The job is")
    # issue 19's "or N days" caps: a 10-hour-day California worker, whose use limit is 5 × 10 = 50 hours (§246(d))
    from backoffice.workers.models import Engagement

    assert "so California's use limit is 50 hours" in result.output, result.output
    assert db.session.execute(sa.select(Engagement.work_state, Engagement.normal_day_hours)
                              .where(Engagement.normal_day_hours.is_not(None))).all() == [("CA", 10)]
