"""Approval fanned out per chunk: the run-level step (four eyes, negative net, state) is one transaction; each
chunk's share (its workers' payments and the leave they accrue) is one more, run once whatever re-sends it; the
NACHA file, marking paid and a reversal wait for all of them."""
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


def _payments(db, run_id):
    """(worker id, part, amount, status, net pay of its paycheck) of every payment of the run, by worker."""
    from payroll.models import Paycheck
    from payroll.models_ledger import Payment

    return sorted(db.session.execute(sa.select(Payment.worker_id, Payment.part, Payment.amount, Payment.status,
                                               Paycheck.net)
                                     .join(Paycheck, Paycheck.id == Payment.paycheck_id)
                                     .where(Payment.run_id == run_id)).all())


def test_approval_commits_the_run_and_each_chunk_then_pays_and_accrues_only_its_own_workers(
        db, world, three_californians):
    """Approved without sending the chunks: state approved, no payment and no leave yet, chunks 0–2 pending. The
    second chunk alone pays its worker (one pending payment of the paycheck's whole net pay to the one account)
    and accrues 40 ÷ 30 = 1.3333 h; the first and third then pay theirs and accrue 1.5 h and 1 h."""
    from payroll.services import runs

    run, workers = three_californians
    runs.approve_run(run.id, world.hr2, enqueue=False)
    assert run.state == "approved"
    assert _payments(db, run.id) == []
    assert _accruals(db, run.id) == []
    assert runs.pending_approval_chunks(run.id) == [0, 1, 2]

    assert runs.approve_chunk(run.id, 1) is True
    paid = _payments(db, run.id)
    assert [(w, part, status) for w, part, _amount, status, _net in paid] == [(workers[1], 0, "pending")]
    assert paid[0][2] == paid[0][4] > 0
    assert [(w, h) for w, h, _worked, _after in _accruals(db, run.id)] == [(workers[1], EXPECTED[1])]
    assert runs.pending_approval_chunks(run.id) == [0, 2]
    for index in (0, 2):
        assert runs.approve_chunk(run.id, index) is True
    assert [(w, part, amount == net) for w, part, amount, _status, net in _payments(db, run.id)] == [
        (workers[0], 0, True), (workers[1], 0, True), (workers[2], 0, True)]
    got = _accruals(db, run.id)
    assert [(w, h, worked) for w, h, worked, _after in got] == [
        (workers[0], EXPECTED[0], Decimal("45.0000")), (workers[1], EXPECTED[1], Decimal("40.0000")),
        (workers[2], EXPECTED[2], Decimal("30.0000"))]
    assert runs.pending_approval_chunks(run.id) == []


def test_a_run_without_chunks_is_paid_and_accrues_in_the_approval_itself(db, world, three_californians):
    """A run with no chunk rows (none planned): the approval's one transaction writes the three payments and the
    three accruals (1.5 + 1.3333 + 1 h) itself, with no chunk to wait for; the NACHA file then carries 3 entries."""
    from payroll.models import RunChunk
    from payroll.services import payments, runs

    run, workers = three_californians
    db.session.execute(sa.delete(RunChunk).where(RunChunk.run_id == run.id))
    runs.approve_run(run.id, world.hr2, enqueue=False)
    assert runs.pending_approval_chunks(run.id) == []
    assert [w for w, *_rest in _payments(db, run.id)] == sorted(workers)
    assert [h for _w, h, _worked, _after in _accruals(db, run.id)] == EXPECTED
    assert payments.generate_nacha(run.id, world.finance, now=NOW, effective_date=SETTLES).entry_count == 3


def test_a_chunk_sent_again_after_it_is_done_pays_and_accrues_nobody_twice(db, world, three_californians):
    """Every chunk approved, then each sent again: each call returns False, the run keeps its three payments and
    the three accruals stay 1.5 + 1.3333 + 1 = 3.8333 h."""
    from payroll.services import runs

    run, _workers = three_californians
    runs.approve_run(run.id, world.hr2)            # in-process: the chunks run as soon as the approval commits
    assert runs.pending_approval_chunks(run.id) == []
    assert [runs.approve_chunk(run.id, i) for i in (0, 1, 2)] == [False, False, False]
    assert len(_payments(db, run.id)) == 3
    got = _accruals(db, run.id)
    assert [h for _w, h, _worked, _after in got] == EXPECTED
    assert sum(h for _w, h, _worked, _after in got) == Decimal("3.8333")


# real transactions: leave writes by COPY, which the rolled-back fixture's savepoint bookkeeping does not see (it
# would release the crashed chunk's savepoint as one that wrote nothing, instead of rolling it back)
@pytest.mark.real_commits
def test_a_chunk_that_crashed_midway_wrote_nothing_and_its_rerun_accrues_exactly_once(app, db, world,
                                                                                    three_californians):
    """A hook registered after leave's raises inside chunk 0, after the chunk wrote its payment and leave its
    accrual: the chunk's transaction rolls back whole (no payment, no accrual, chunk still pending). Run again
    without the fault: one payment of the worker's net pay and one accrual of 45 ÷ 30 = 1.5 h, balance 1.5 h."""
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
    assert _payments(db, run.id) == []
    assert runs.pending_approval_chunks(run.id) == [0, 1, 2]
    assert runs.approve_chunk(run.id, 0) is True
    assert runs.approve_chunk(run.id, 0) is False
    assert _accruals(db, run.id) == [(workers[0], EXPECTED[0], Decimal("45.0000"), Decimal("1.5000"))]
    assert [(w, part, amount == net) for w, part, amount, _status, net in _payments(db, run.id)] == [
        (workers[0], 0, True)]


@pytest.mark.real_commits
def test_a_chunk_whose_done_mark_was_lost_cannot_pay_its_workers_twice(app, db, world, three_californians):
    """The database's guard under the chunk's: chunk 0 approved, then its `approved_at` cleared by hand (as if the
    mark were lost). Its re-run is refused by uq_payments_live_part (accounts_changed) and rolls back whole: still
    one payment and one accrual of 1.5 h for its worker, and the chunk stays pending."""
    from backoffice.errors import DomainError
    from payroll.models import RunChunk
    from payroll.services import runs

    run, workers = three_californians
    runs.approve_run(run.id, world.hr2, enqueue=False)
    assert runs.approve_chunk(run.id, 0) is True
    db.session.execute(sa.update(RunChunk).where(RunChunk.run_id == run.id, RunChunk.index == 0)
                       .values(approved_at=None))
    db.session.commit()
    with pytest.raises(DomainError) as exc:
        runs.approve_chunk(run.id, 0)
    assert exc.value.code == "accounts_changed"
    assert "resume its approval (chunk 0)" in exc.value.message
    assert [w for w, *_rest in _payments(db, run.id)] == [workers[0]]
    assert [h for _w, h, _worked, _after in _accruals(db, run.id)] == [EXPECTED[0]]
    assert runs.pending_approval_chunks(run.id) == [0, 1, 2]


def test_the_nacha_file_and_marking_paid_wait_for_every_chunk_and_the_file_is_in_paycheck_order(
        db, world, three_californians):
    """Chunks 2 and 0 done (in that order), chunk 1 pending: the NACHA file and marking paid are refused
    (approval_in_progress, naming 1 of 3 chunks) and no file is written. After chunk 1 the file carries the three
    payments in paycheck order — not in the order the chunks wrote them (payment ids 3rd, 1st, 2nd) — numbered
    by trace 1, 2, 3 in that order; then the run is marked paid."""
    from backoffice.errors import DomainError
    from payroll.models import Paycheck
    from payroll.models_ledger import NachaFile, Payment
    from payroll.services import payments, runs

    run, _workers = three_californians
    runs.approve_run(run.id, world.hr2, enqueue=False)
    runs.approve_chunk(run.id, 2)
    runs.approve_chunk(run.id, 0)
    for refused in (lambda: payments.generate_nacha(run.id, world.finance, now=NOW, effective_date=SETTLES),
                    lambda: runs.mark_paid(run.id, world.finance)):
        with pytest.raises(DomainError) as exc:
            refused()
        assert exc.value.code == "approval_in_progress"
        assert "1 of 3 chunks" in exc.value.message
    assert db.session.execute(sa.select(sa.func.count()).select_from(NachaFile)
                              .where(NachaFile.run_id == run.id)).scalar() == 0
    assert run.state == "approved"
    runs.approve_chunk(run.id, 1)
    nacha = payments.generate_nacha(run.id, world.finance, now=NOW, effective_date=SETTLES)
    checks = list(db.session.execute(sa.select(Paycheck.id).where(Paycheck.run_id == run.id)
                                     .order_by(Paycheck.id)).scalars())
    by_trace = db.session.execute(sa.select(Payment.paycheck_id, Payment.id, Payment.trace_number)
                                  .where(Payment.run_id == run.id).order_by(Payment.trace_number)).all()
    assert [pid for pid, _id, _trace in by_trace] == checks
    assert [int(trace[-7:]) for _pid, _id, trace in by_trace] == [1, 2, 3]
    ids = [pay_id for _pid, pay_id, _trace in by_trace]
    assert ids != sorted(ids)                   # the chunks wrote them out of paycheck order
    entries = [ln for ln in nacha.content.splitlines() if ln.startswith("6")]
    assert [int(ln[39:54]) for ln in entries] == checks        # the entries' individual id: the paycheck
    assert [ln[79:94] for ln in entries] == [trace for _pid, _id, trace in by_trace]
    assert runs.mark_paid(run.id, world.finance).state == "paid"


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
