"""What each role may do to a run or a timesheet: the state table's moves ∩ the rights of the permission matrix."""
from __future__ import annotations

import pytest

from backoffice.errors import DomainError, PermissionDenied

from tests.integration.payroll.conftest import NOW, SETTLES, WEEK1


def test_the_run_page_offers_each_role_the_moves_of_the_runs_state(db, world, make_user):
    """HR (payroll_run write) calculates, approves, pays and reverses; finance also files the NACHA file and
    records ACH returns (payment create); compliance reads only; a reversal run is never reversed."""
    from payroll.services import corrections, payments, runs

    world.time(world.worker())
    run = world.regular_run()
    compliance = make_user("compliance")
    assert runs.run_actions(run, world.hr) == {"calculate"}
    assert runs.run_actions(run, compliance) == frozenset()
    runs.start_calculation(run.id, world.hr)
    db.session.refresh(run)
    assert run.state == "calculated" and runs.run_actions(run, world.hr) == {"approve", "reverse"}
    runs.approve_run(run.id, world.hr2)
    assert runs.run_actions(run, world.hr) == {"pay", "reverse"}
    assert runs.run_actions(run, world.finance) == {"nacha", "pay", "reverse"}
    payments.generate_nacha(run.id, world.finance, now=NOW, effective_date=SETTLES)
    runs.mark_paid(run.id, world.finance)
    assert runs.run_actions(run, world.finance) == {"nacha", "reverse", "record_return"}
    corrections.request_reversal(world.finance, "wrong rate", run_id=run.id)     # paid: two people
    rev = corrections.reverse_run(run.id, world.hr, "wrong rate", on=NOW.date())
    assert rev.state == "paid" and runs.run_actions(rev, world.finance) == {"nacha", "record_return"}
    assert runs.run_actions(run, world.finance) == frozenset()
    with pytest.raises(DomainError, match=f"^Run #{run.id} is already reversed: it cannot be reversed twice$"):
        corrections.reverse_run(run.id, world.hr, on=NOW.date())


def test_a_worker_enters_and_submits_their_time_but_does_not_approve_it(db, world, make_user):
    from payroll.timesheets.services import approve_timesheet, save_timesheet, submit_timesheet

    e = world.worker()
    worker = make_user("worker", worker_id=e.worker_id)
    ts = save_timesheet({"engagement_id": e.id, "week_start": WEEK1.isoformat(), "mon": "8"}, worker)
    assert (ts.status, ts.source) == ("draft", "worker")
    assert submit_timesheet(ts.id, worker).status == "submitted"
    with pytest.raises(PermissionDenied):
        approve_timesheet(ts.id, worker)
    with pytest.raises(DomainError, match=f"^Timesheet #{ts.id} is already submitted: it cannot be submitted twice"):
        submit_timesheet(ts.id, worker)


def test_a_client_approver_approves_submitted_time_only_and_enters_none(db, world, make_user):
    """HR may approve its own draft straight away; the client's approver waits for the submission."""
    from payroll.timesheets.services import (approve_timesheet, reject_timesheet, save_timesheet,
                                             submit_timesheet)

    e = world.worker()
    approver = make_user("client_approver", client_id=world.client.id)
    with pytest.raises(PermissionDenied):
        save_timesheet({"engagement_id": e.id, "week_start": WEEK1.isoformat(), "mon": "8"}, approver)
    ts = world.time(e, approve=False)
    with pytest.raises(DomainError, match="must be submitted first"):
        approve_timesheet(ts.id, approver)
    submit_timesheet(ts.id, world.hr)
    assert approve_timesheet(ts.id, approver).status == "approved"
    with pytest.raises(DomainError, match=f"^Timesheet #{ts.id} is approved: it cannot be rejected; "
                                          "only a submitted timesheet can be rejected$"):
        reject_timesheet(ts.id, approver, "too many hours")
    other = world.time(world.worker(), approve=False)
    assert approve_timesheet(other.id, world.hr2).status == "approved"
