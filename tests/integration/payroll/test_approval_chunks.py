"""Approval fanned out per chunk: the run-level step (four eyes, payments, state) is one transaction; each chunk's
share (the leave its workers accrue) is one more, run once whatever re-sends it; a reversal waits for all of them."""
from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa

from tests.integration.payroll.conftest import NOW, SETTLES, WEEK1


def _accruals(db, run_id):
    """(worker id, hours, hours worked, balance after) of every accrual the run wrote, by worker."""
    from backoffice.leave.models import LeaveEntry

    return sorted(db.session.execute(sa.select(LeaveEntry.worker_id, LeaveEntry.hours, LeaveEntry.hours_worked,
                                               LeaveEntry.balance_after)
                                     .where(LeaveEntry.run_id == run_id, LeaveEntry.kind == "accrual")).all())


@pytest.fixture
def three_californians(app, world, monkeypatch):
    """Three CA employees, one chunk each (PAYROLL_CHUNK_SIZE 1), calculated. Cal. Lab. Code 246(b)(1): one hour
    per 30 worked — 5 × 9 = 45 h → 1.5 h; 5 × 8 = 40 h → 1.3333 h (half up); 3 × 10 = 30 h → 1 h."""
    from payroll.services import runs

    monkeypatch.setitem(app.config, "PAYROLL_CHUNK_SIZE", 1)      # the app is the session's: put back afterwards
    people = [world.worker(state="CA") for _ in range(3)]
    for e, hours in zip(people, ((9, 9, 9, 9, 9, 0, 0), (8, 8, 8, 8, 8, 0, 0), (10, 10, 10, 0, 0, 0, 0))):
        world.time(e, hours=hours)
    run = world.regular_run(WEEK1)
    runs.start_calculation(run.id, world.hr)
    return run, [e.worker_id for e in people]


EXPECTED = [Decimal("1.5000"), Decimal("1.3333"), Decimal("1.0000")]


def test_approval_commits_the_run_and_its_payments_and_each_chunk_then_accrues_only_its_own_workers(
        db, world, three_californians):
    """Approved without sending the chunks: state approved, three payments, no leave yet, chunks 0–2 pending. The
    second chunk alone accrues its worker's 40 ÷ 30 = 1.3333 h; the first and third then 1.5 h and 1 h."""
    from payroll.models_ledger import Payment
    from payroll.services import runs

    run, workers = three_californians
    runs.approve_run(run.id, world.hr2, enqueue=False)
    assert run.state == "approved"
    assert db.session.execute(sa.select(sa.func.count()).select_from(Payment)
                              .where(Payment.run_id == run.id)).scalar() == 3
    assert _accruals(db, run.id) == []
    assert runs.pending_approval_chunks(run.id) == [0, 1, 2]

    assert runs.approve_chunk(run.id, 1) is True
    assert [(w, h) for w, h, _worked, _after in _accruals(db, run.id)] == [(workers[1], EXPECTED[1])]
    assert runs.pending_approval_chunks(run.id) == [0, 2]
    for index in (0, 2):
        assert runs.approve_chunk(run.id, index) is True
    got = _accruals(db, run.id)
    assert [(w, h, worked) for w, h, worked, _after in got] == [
        (workers[0], EXPECTED[0], Decimal("45.0000")), (workers[1], EXPECTED[1], Decimal("40.0000")),
        (workers[2], EXPECTED[2], Decimal("30.0000"))]
    assert runs.pending_approval_chunks(run.id) == []


def test_a_chunk_sent_again_after_it_is_done_accrues_nobody_twice(db, world, three_californians):
    """Every chunk approved, then each sent again: each call returns False and the three accruals stay
    1.5 + 1.3333 + 1 = 3.8333 h."""
    from payroll.services import runs

    run, _workers = three_californians
    runs.approve_run(run.id, world.hr2)            # in-process: the chunks run as soon as the approval commits
    assert runs.pending_approval_chunks(run.id) == []
    assert [runs.approve_chunk(run.id, i) for i in (0, 1, 2)] == [False, False, False]
    got = _accruals(db, run.id)
    assert [h for _w, h, _worked, _after in got] == EXPECTED
    assert sum(h for _w, h, _worked, _after in got) == Decimal("3.8333")


# real transactions: leave writes by COPY, which the rolled-back fixture's savepoint bookkeeping does not see (it
# would release the crashed chunk's savepoint as one that wrote nothing, instead of rolling it back)
@pytest.mark.real_commits
def test_a_chunk_that_crashed_midway_wrote_nothing_and_its_rerun_accrues_exactly_once(app, db, world,
                                                                                    three_californians):
    """A hook registered after leave's raises inside chunk 0, after leave wrote its accrual: the chunk's
    transaction rolls back whole (no accrual, chunk still pending) and the run records the failure. Run again
    without the fault: one accrual of 45 ÷ 30 = 1.5 h, balance 1.5 h."""
    from payroll import hooks
    from payroll.services import runs

    run, workers = three_californians
    runs.approve_run(run.id, world.hr2, enqueue=False)

    def crash(run, workers):
        raise RuntimeError("the worker died")

    hooks.add_hook(app, hooks.RUN_APPROVED_CHUNK, crash)
    try:
        with pytest.raises(RuntimeError):
            runs.approve_chunk(run.id, 0)
    finally:
        app.extensions[hooks.RUN_APPROVED_CHUNK].remove(crash)
    assert _accruals(db, run.id) == []
    assert runs.pending_approval_chunks(run.id) == [0, 1, 2]
    assert runs.approve_chunk(run.id, 0) is True
    assert runs.approve_chunk(run.id, 0) is False
    assert _accruals(db, run.id) == [(workers[0], EXPECTED[0], Decimal("45.0000"), Decimal("1.5000"))]


def test_the_run_cannot_be_reversed_until_every_chunk_is_approved_and_then_its_accruals_are_taken_back(
        db, world, three_californians):
    """Chunks 0 and 1 done, chunk 2 pending: the reversal is refused (approval_in_progress) with nothing changed.
    After chunk 2 the run reverses, and each accrual is taken back by a reversal entry of the same hours."""
    from backoffice.errors import DomainError
    from backoffice.leave.models import LeaveEntry
    from payroll.services import runs
    from payroll.services.corrections import reverse_run

    run, _workers = three_californians
    runs.approve_run(run.id, world.hr2, enqueue=False)
    runs.approve_chunk(run.id, 0)
    runs.approve_chunk(run.id, 1)
    with pytest.raises(DomainError) as exc:
        reverse_run(run.id, world.hr, "wrong week", on=NOW.date())
    assert exc.value.code == "approval_in_progress"
    assert run.state == "approved"
    runs.approve_chunk(run.id, 2)
    reverse_run(run.id, world.hr, "wrong week", on=NOW.date())
    taken_back = sorted(db.session.execute(sa.select(LeaveEntry.hours).where(LeaveEntry.kind == "reversal"))
                        .scalars())
    assert taken_back == sorted(-h for h in EXPECTED)


def test_resuming_the_approval_sends_only_the_chunks_not_done_and_the_run_pays_as_before(db, world,
                                                                                       three_californians):
    """Chunk 1 done; resume_approval sends chunks 0 and 2 (run in-process here). The NACHA file then carries the
    three net pays and the run is marked paid; the accruals are the hand figures."""
    from payroll.services import payments, runs

    run, _workers = three_californians
    runs.approve_run(run.id, world.hr2, enqueue=False)
    runs.approve_chunk(run.id, 1)
    assert runs.resume_approval(run.id, world.hr) == [0, 2]
    assert runs.pending_approval_chunks(run.id) == []
    assert runs.resume_approval(run.id, world.hr) == []
    nacha = payments.generate_nacha(run.id, world.finance, now=NOW, effective_date=SETTLES)
    assert nacha.entry_count == 3
    assert runs.mark_paid(run.id, world.finance).state == "paid"
    assert [h for _w, h, _worked, _after in _accruals(db, run.id)] == EXPECTED
