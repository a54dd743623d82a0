"""A refusal the engine makes for one worker's figures (not knowable before the calculation) holds that worker out of
the run with the engine's own message; the rest of the chunk is paid. Before, the refusal failed the whole chunk
(every worker in it unpaid, the run stuck in `calculating` with an error)."""
from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa


def _register(world, *states):
    from backoffice.workers.models import StateRegistration

    for st in states:
        world.db.session.add(StateRegistration(agency_id=world.agency.id, state=st, suta_rate=Decimal("0.03")))
    world.db.session.flush()


def test_a_massachusetts_bonus_near_the_surtax_is_held_by_name_and_the_chunk_pays_everyone_else(world, db):
    """Massachusetts Circular M (2026 data): supplemental wages are withheld at 5% unless the year's wages may pass
    the $1,107,750 surtax threshold, a case the engine refuses rather than guesses.
    - Worker A: 40 h x $25.00 = $1,000.00 + a $500.00 bonus; 1,000 x 52 + 0 + 500 = $52,500 < 1,107,750: paid,
      gross $1,500.00.
    - Worker B: 40 h x $600.00 = $24,000.00 + a $5,000.00 bonus; 24,000 x 52 = $1,248,000 > 1,107,750: refused.
    - Worker C (Texas): 40 h x $25.00 = $1,000.00: paid.
    All three are in one chunk. B is held with the engine's message; B's week of time and bonus stay unpaid (for
    an off-cycle run once the case is covered), no paycheck or year-to-date row is written for B."""
    from payroll.models import Paycheck, PaycheckHold, PayrollAdjustment, PayrollRun, RunChunk, Timesheet, YearToDate
    from payroll.services import runs

    _register(world, "MA")
    a, b, c = world.worker(state="MA"), world.worker(state="MA", rate="600.00"), world.worker()
    sheets = {e.worker_id: world.time(e) for e in (a, b, c)}
    runs.add_adjustment(a.id, "bonus", "500.00", world.hr2)
    bonus_b = runs.add_adjustment(b.id, "bonus", "5000.00", world.hr2)
    run = world.regular_run()
    runs.start_calculation(run.id, world.hr)
    db.session.expire_all()

    done = db.session.get(PayrollRun, run.id)
    assert (done.state, done.error, done.paycheck_count) == ("calculated", "", 2)
    assert db.session.execute(sa.select(sa.func.count()).select_from(RunChunk)
                              .where(RunChunk.run_id == run.id)).scalar() == 1
    paid = dict(db.session.execute(sa.select(Paycheck.worker_id, Paycheck.gross).where(Paycheck.run_id == run.id)).all())
    assert paid == {a.worker_id: Decimal("1500.00"), c.worker_id: Decimal("1000.00")}
    hold = db.session.execute(sa.select(PaycheckHold).where(PaycheckHold.run_id == run.id)).scalar_one()
    assert (hold.worker_id, hold.code) == (b.worker_id, "unsupported_state")
    assert "supplemental wages when the year's wages may pass the $1,107,750" in hold.reason
    assert hold.reason.endswith(": held")
    assert db.session.get(Timesheet, sheets[b.worker_id].id).paid_run_id is None
    assert db.session.get(Timesheet, sheets[a.worker_id].id).paid_run_id == run.id
    assert db.session.get(PayrollAdjustment, bonus_b.id).status == "pending"
    assert db.session.execute(sa.select(YearToDate.worker_id).where(YearToDate.worker_id == b.worker_id)).first() is None
