"""A run's approval fanned out over real Celery worker processes (prefork, two of them) over Redis: each chunk's
payments and leave accrual are written once, by whichever process takes it, and the paystubs follow the last chunk."""
from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa

from tests.integration.payroll.conftest import wait_for

pytestmark = [pytest.mark.celery, pytest.mark.real_commits]      # worker processes read what the test commits


def test_four_chunks_approved_by_two_real_workers_accrue_each_californian_once(app, db, world,
                                                                             celery_worker_factory, monkeypatch):
    """Four CA employees, one chunk each, 45, 40, 30 and 24 hours worked. Cal. Lab. Code 246(b)(1), one hour per
    30: 1.5, 1.3333, 1 and 0.8 h (sum 4.6333 h). approve_run returns at the run-level commit; the workers then
    approve the four chunks in parallel; each worker's payment (its whole net pay) and accrual is written once and
    resume finds nothing left to send."""
    from backoffice.leave.models import LeaveEntry
    from payroll.models import Paycheck, PayrollRun, RunChunk
    from payroll.models_ledger import Payment
    from payroll.services import runs

    monkeypatch.setitem(app.config, "PAYROLL_CHUNK_SIZE", 1)      # the app is the session's: put back afterwards
    week_hours = ((9, 9, 9, 9, 9, 0, 0), (8, 8, 8, 8, 8, 0, 0), (10, 10, 10, 0, 0, 0, 0), (8, 8, 8, 0, 0, 0, 0))
    people = [world.worker(state="CA") for _ in week_hours]
    for e, hours in zip(people, week_hours):
        world.time(e, hours=hours)
    celery_worker_factory()
    run = world.regular_run()
    runs.start_calculation(run.id, world.hr)

    def state():
        db.session.rollback()      # a fresh snapshot: the workers commit in other connections
        return db.session.execute(sa.select(PayrollRun.state).where(PayrollRun.id == run.id)).scalar()

    wait_for(lambda: state() == "calculated", timeout=120, what="run calculated")
    runs.approve_run(run.id, world.hr2)

    def approved_chunks():
        db.session.rollback()
        return db.session.execute(sa.select(sa.func.count()).select_from(RunChunk).where(
            RunChunk.run_id == run.id, RunChunk.approved_at.is_not(None))).scalar()

    wait_for(lambda: approved_chunks() == 4, timeout=120, what="four chunks approved by the workers")
    accruals = lambda: sorted(db.session.execute(sa.select(LeaveEntry.worker_id, LeaveEntry.hours).where(  # noqa: E731
        LeaveEntry.run_id == run.id, LeaveEntry.kind == "accrual")).all())
    expected = sorted(zip((e.worker_id for e in people),
                          (Decimal("1.5000"), Decimal("1.3333"), Decimal("1.0000"), Decimal("0.8000"))))
    assert accruals() == expected
    assert sum(h for _w, h in accruals()) == Decimal("4.6333")
    paid = db.session.execute(sa.select(Payment.worker_id, Payment.part, Payment.amount == Paycheck.net)
                              .join(Paycheck, Paycheck.id == Payment.paycheck_id).where(Payment.run_id == run.id)
                              .order_by(Payment.worker_id)).all()
    assert paid == [(e.worker_id, 0, True) for e in sorted(people, key=lambda e: e.worker_id)]
    assert runs.resume_approval(run.id) == []
