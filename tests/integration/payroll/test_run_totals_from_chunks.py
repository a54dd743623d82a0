"""A run's totals are its chunks' (each chunk stores its paychecks' count and sums with its done mark, in the
transaction that writes them): they must equal the paychecks' own sums — several chunks, a contractor and an
employee, a chunk that crashed and ran again, a chunk done before chunks kept totals — and the database keeps a
chunk's totals whole."""
from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa

from tests.integration.payroll.conftest import WEEK1

FIGURES = ("gross", "employee_taxes", "employer_taxes", "deductions", "net")


def _paychecks_summed(db, run_id):
    """(count, gross, employee taxes, employer taxes, deductions, net) of the run's paychecks, added up here."""
    from payroll.models import Paycheck

    rows = db.session.execute(sa.select(Paycheck).where(Paycheck.run_id == run_id)).scalars().all()
    return (len(rows),) + tuple(sum((getattr(p, f) for p in rows), Decimal("0.00")) for f in FIGURES)


def _run_totals(db, run):
    db.session.refresh(run)
    return (run.paycheck_count,) + tuple(getattr(run, f"total_{f}") for f in FIGURES)


def _chunk_totals(db, run_id):
    from payroll.models import RunChunk

    return [(c.paycheck_count,) + tuple(getattr(c, f"total_{f}") for f in FIGURES)
            for c in db.session.execute(sa.select(RunChunk).where(RunChunk.run_id == run_id)
                                        .order_by(RunChunk.index)).scalars()]


@pytest.fixture
def four_chunks(app, world, monkeypatch):
    """Four workers, one chunk each (PAYROLL_CHUNK_SIZE 1), planned but not calculated: a TX employee 40 h × 25.00
    = 1,000.00; a TX employee 45 h: 40 × 25.00 + 5 × 37.50 = 1,187.50; a CA employee 30 h × 30.00 = 900.00; a
    contractor 20 h × 40.00 = 800.00. Gross 3,887.50."""
    from payroll.services import runs

    monkeypatch.setitem(app.config, "PAYROLL_CHUNK_SIZE", 1)
    for kind, state, rate, hours in (("leased_employee", "TX", "25.00", (8, 8, 8, 8, 8, 0, 0)),
                                     ("leased_employee", "TX", "25.00", (9, 9, 9, 9, 9, 0, 0)),
                                     ("leased_employee", "CA", "30.00", (6, 6, 6, 6, 6, 0, 0)),
                                     ("contractor", "TX", "40.00", (4, 4, 4, 4, 4, 0, 0))):
        world.time(world.worker(kind=kind, state=state, rate=rate), hours=hours)
    run = world.regular_run(WEEK1)
    runs.start_calculation(run.id, world.hr, enqueue=False)
    assert runs.pending_chunks(run.id) == [0, 1, 2, 3]
    return run


def test_a_run_of_four_chunks_totals_what_its_paychecks_add_up_to_and_each_chunk_its_own(db, four_chunks):
    """Each chunk holds its one paycheck's figures; the run's totals, added up from the chunks, are the paychecks'
    own sums: 4 paychecks, gross 1,000.00 + 1,187.50 + 900.00 + 800.00 = 3,887.50."""
    from payroll.models import Paycheck
    from payroll.services import runs
    from payroll.services.calc import calculate_chunk

    run = four_chunks
    for index in range(4):
        assert calculate_chunk(run.id, index) is True
    assert runs.finalize_run(run.id) is True
    totals = _run_totals(db, run)
    assert totals == _paychecks_summed(db, run.id)
    assert totals[:2] == (4, Decimal("3887.50"))
    chunks = _chunk_totals(db, run.id)
    assert [c[0] for c in chunks] == [1, 1, 1, 1]
    assert tuple(sum(c[i] for c in chunks) for i in range(6)) == totals
    by_gross = sorted(db.session.execute(sa.select(Paycheck.gross).where(Paycheck.run_id == run.id)).scalars())
    assert sorted(c[1] for c in chunks) == by_gross == [Decimal("800.00"), Decimal("900.00"), Decimal("1000.00"),
                                                        Decimal("1187.50")]


# real transactions: the crashed chunk's COPY rows must really roll back (the rolled-back fixture's savepoints do not
# see them), as a worker that died would leave them
@pytest.mark.real_commits
def test_a_chunk_that_crashed_after_writing_its_paychecks_and_ran_again_is_counted_once(app, db, four_chunks,
                                                                                      monkeypatch):
    """Chunk 2 raises at its journal entry, after its paychecks are written: its transaction rolls back whole
    (no paycheck, no totals, not done). Run again, and run a third time (it is done: nothing): the run's totals are
    still the paychecks' sums, 4 paychecks and gross 3,887.50 — not 5."""
    from payroll.models import RunChunk
    from payroll.services import calc, runs

    run = four_chunks
    for index in (0, 1, 3):
        assert calc.calculate_chunk(run.id, index) is True
    real = calc.post_entry

    def crash(*args, **kwargs):
        raise RuntimeError("the worker died")

    monkeypatch.setattr(calc, "post_entry", crash)
    with pytest.raises(RuntimeError):
        calc.calculate_chunk(run.id, 2)
    db.session.rollback()
    monkeypatch.setattr(calc, "post_entry", real)
    chunk = db.session.execute(sa.select(RunChunk).where(RunChunk.run_id == run.id, RunChunk.index == 2)).scalar_one()
    assert (chunk.done_at, chunk.paycheck_count, chunk.total_gross) == (None, None, None)
    assert _paychecks_summed(db, run.id)[0] == 3
    assert runs.finalize_run(run.id) is False           # a chunk is not done
    assert calc.calculate_chunk(run.id, 2) is True
    assert calc.calculate_chunk(run.id, 2) is False
    assert runs.finalize_run(run.id) is True
    totals = _run_totals(db, run)
    assert totals == _paychecks_summed(db, run.id)
    assert totals[:2] == (4, Decimal("3887.50"))


def test_a_run_with_a_chunk_done_before_chunks_kept_totals_is_totalled_from_its_paychecks(db, four_chunks):
    """Chunk 1's totals cleared (NULL, as a chunk done before 0139_tot28 has them): the run's totals come from its
    paychecks and are the same 4 paychecks, gross 3,887.50."""
    from payroll.models import RunChunk
    from payroll.services import runs
    from payroll.services.calc import calculate_chunk

    run = four_chunks
    for index in range(4):
        assert calculate_chunk(run.id, index) is True
    db.session.execute(sa.update(RunChunk).where(RunChunk.run_id == run.id, RunChunk.index == 1).values(
        paycheck_count=None, **{f"total_{f}": None for f in FIGURES}))
    assert runs.finalize_run(run.id) is True
    totals = _run_totals(db, run)
    assert totals == _paychecks_summed(db, run.id)
    assert totals[:2] == (4, Decimal("3887.50"))


@pytest.mark.parametrize("change", [
    {"total_net": None},                                    # partly NULL
    {"done_at": None},                                      # totals on a chunk not done
    {"paycheck_count": -1},
])
def test_the_database_refuses_a_chunks_totals_that_are_partial_or_on_a_chunk_not_done(db, four_chunks, change):
    """ck_run_chunks_totals: all NULL, or all set on a done chunk with a count of 0 or more."""
    from payroll.models import RunChunk
    from payroll.services.calc import calculate_chunk

    run = four_chunks
    assert calculate_chunk(run.id, 0) is True
    with pytest.raises(sa.exc.IntegrityError):
        with db.session.begin_nested():
            db.session.execute(sa.update(RunChunk).where(RunChunk.run_id == run.id, RunChunk.index == 0)
                               .values(**change))


def test_the_database_refuses_a_chunks_net_that_is_not_gross_less_taxes_and_deductions(db, four_chunks):
    """ck_run_chunks_totals: a chunk's net is its gross less employee taxes and deductions, as each paycheck's is
    (ck_paychecks_net) — a cent more is refused."""
    from payroll.models import RunChunk
    from payroll.services.calc import calculate_chunk

    run = four_chunks
    assert calculate_chunk(run.id, 0) is True
    with pytest.raises(sa.exc.IntegrityError):
        with db.session.begin_nested():
            db.session.execute(sa.update(RunChunk).where(RunChunk.run_id == run.id, RunChunk.index == 0)
                               .values(total_net=RunChunk.total_net + Decimal("0.01")))
