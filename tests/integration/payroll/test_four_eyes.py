"""Four eyes as a rule on the data: whoever changed a run's inputs may not approve it, and reversing a paid run or
paycheck takes one person to request it and another to carry it out."""
from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa

from backoffice.errors import DomainError
from tests.integration.payroll.conftest import NOW, SETTLES


def test_whoever_started_the_calculation_may_not_approve_the_run(db, world):
    """hr creates the run, hr2 starts its calculation: hr2 changed what the run pays, so hr2 may not approve;
    finance-free third user hr3 may."""
    from payroll.services import runs

    hr3 = world.make_user("hr")
    world.time(world.worker())
    run = world.regular_run()
    runs.start_calculation(run.id, world.hr2)
    with pytest.raises(DomainError, match="started its calculation") as exc:
        runs.approve_run(run.id, world.hr2)
    assert exc.value.code == "approver_changed_inputs"
    assert runs.approve_run(run.id, hr3).state == "approved"


def test_whoever_approved_time_paid_by_the_run_may_not_approve_it(db, world):
    """hr enters 40 h, hr2 approves the timesheet, hr creates and calculates: hr2 made the time payable, so hr2
    may not approve the run that pays it."""
    from payroll.services import runs
    from payroll.timesheets.services import approve_timesheet, save_timesheet

    e = world.worker()
    ts = save_timesheet({"engagement_id": e.id, "week_start": "2026-11-02", "mon": "8"}, world.hr)
    approve_timesheet(ts.id, world.hr2)
    run = world.regular_run()
    runs.start_calculation(run.id, world.hr)
    with pytest.raises(DomainError, match=f"approved timesheet #{ts.id}"):
        runs.approve_run(run.id, world.hr2)


def test_whoever_added_an_adjustment_paid_by_the_run_may_not_approve_it(db, world):
    """A $150.00 bonus added by hr2 is paid by hr's run: hr2 may not approve it."""
    from payroll.services import runs

    e = world.worker()
    world.time(e)
    adj = runs.add_adjustment(e.id, "bonus", "150.00", world.hr2)
    run = world.regular_run()
    runs.start_calculation(run.id, world.hr)
    with pytest.raises(DomainError, match=f"added adjustment #{adj.id}"):
        runs.approve_run(run.id, world.hr2)


def test_whoever_changed_an_included_pay_rate_since_the_last_approval_may_not_approve(db, world):
    """hr2 raises the rate from $25.00 to $26.00 before the run: hr2 may not approve it."""
    from payroll.services import corrections, runs

    e = world.worker()
    world.time(e)
    corrections.record_rate_change(e.id, "26.00", NOW.date(), world.hr2, today=NOW.date())
    run = world.regular_run()
    runs.start_calculation(run.id, world.hr)
    with pytest.raises(DomainError, match=f"changed the pay rate of engagement #{e.id}"):
        runs.approve_run(run.id, world.hr2)


def test_a_run_with_no_recorded_preparer_is_not_approvable_by_anyone(db, world):
    """A run whose preparer was never recorded (an old row) is refused to every approver, not waved through."""
    from payroll.models import PayrollRun, RunContributor
    from payroll.services import runs

    world.time(world.worker())
    run = world.regular_run()
    runs.start_calculation(run.id, world.hr)
    db.session.execute(sa.delete(RunContributor).where(RunContributor.run_id == run.id))
    db.session.execute(sa.update(PayrollRun).where(PayrollRun.id == run.id).values(prepared_by_id=None))
    db.session.expire_all()
    with pytest.raises(DomainError, match="no recorded preparer") as exc:
        runs.approve_run(run.id, world.hr2)
    assert exc.value.code == "no_preparer"


def _paid_run(db, world):
    from payroll.services import payments, runs

    world.time(world.worker())
    run = world.regular_run()
    runs.start_calculation(run.id, world.hr)
    runs.approve_run(run.id, world.hr2)
    payments.generate_nacha(run.id, world.finance, now=NOW, effective_date=SETTLES)
    runs.mark_paid(run.id, world.finance)
    return run


def test_reversing_a_paid_run_takes_a_request_and_a_second_person(db, world):
    """40 h × $25 = 1,000.00 paid. Reversing it alone is refused; hr requests it, hr may not carry out their own
    request, hr2 does: one reversal run of −1,000.00 gross."""
    from payroll.services import corrections

    run = _paid_run(db, world)
    with pytest.raises(DomainError, match="two people") as exc:
        corrections.reverse_run(run.id, world.hr, "wrong rate", on=NOW.date())
    assert exc.value.code == "reversal_needs_request"
    req = corrections.request_reversal(world.hr, "wrong rate", run_id=run.id)
    with pytest.raises(DomainError, match="requested it") as exc:
        corrections.reverse_run(run.id, world.hr, "wrong rate", on=NOW.date())
    assert exc.value.code == "reversal_same_person"
    rev = corrections.reverse_run(run.id, world.hr2, "wrong rate", on=NOW.date())
    assert rev.total_gross == Decimal("-1000.00")
    db.session.refresh(req)
    assert (req.status, req.approved_by_id, req.reversal_run_id) == ("done", world.hr2.id, rev.id)


def test_reversing_one_paycheck_of_a_paid_run_takes_two_people_too(db, world):
    from payroll.models import Paycheck
    from payroll.services import corrections

    run = _paid_run(db, world)
    p = db.session.execute(sa.select(Paycheck).where(Paycheck.run_id == run.id)).scalar_one()
    with pytest.raises(DomainError, match="two people"):
        corrections.reverse_paycheck(p.id, world.hr, on=NOW.date())
    corrections.request_reversal(world.hr, "left before payday", paycheck_id=p.id)
    with pytest.raises(DomainError, match="requested it"):
        corrections.reverse_paycheck(p.id, world.hr, on=NOW.date())
    assert corrections.reverse_paycheck(p.id, world.hr2, on=NOW.date()).net == -p.net


def test_the_refusal_names_a_few_records_of_each_kind_and_counts_the_rest(db, world):
    """Five workers' time approved by the timekeeper: 3 timesheets named, "and 2 more"."""
    from payroll.services import runs

    for _ in range(5):
        world.time(world.worker())
    run = world.regular_run()
    runs.start_calculation(run.id, world.hr)
    with pytest.raises(DomainError) as exc:
        runs.approve_run(run.id, world.timekeeper)
    # the timekeeper only approved (hr entered the time): one phrase, three timesheets named, two counted
    assert exc.value.message.count("timesheet #") == 3 and "approved timesheet #" in exc.value.message
    assert "and 2 more" in exc.value.message
