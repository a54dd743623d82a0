"""A chunk is calculated a slice of workers at a time (calc.worker_slices) and written once: with slices of one
worker, every row still names its own paycheck — the lines, the workers' comp premiums, the adjustments applied,
the salary periods claimed — and a refused worker is held while the slices around it are paid."""
from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa

from tests.integration.payroll.conftest import assert_ledger_balanced
from tests.integration.payroll.test_workers_comp_runs import _classed, _rate


def test_slices_of_one_worker_give_each_row_its_own_paycheck(db, world, monkeypatch):
    """Four workers in one chunk, each its own slice (calc.SLICE = 1), all Texas at 40 h unless said:
    - A: $25.00 an hour, class 7219 at $6.50 per $100: gross 1,000.00; premium 1,000.00 × 6.50 ÷ 100 = 65.00.
    - B: Massachusetts, $600.00 an hour and a $5,000.00 bonus: 24,000 × 52 = $1,248,000 passes the $1,107,750
      surtax threshold, which the engine refuses: held, no paycheck, the bonus still pending.
    - C: $30.00 an hour, class 7219, and a $100.00 bonus: gross 1,200.00 + 100.00 = 1,300.00; premium
      1,300.00 × 6.50 ÷ 100 = 84.50 (a bonus is straight pay).
    - D: a contractor at $40.00 an hour: gross 1,600.00, no premium.
    The ledger: 6400 = 65.00 + 84.50 = 149.50; 6100 (W-2 wages) = 1,000.00 + 1,300.00 = 2,300.00; 6150
    (contractors) = 1,600.00."""
    from backoffice.workers.models import StateRegistration
    from payroll.models import Paycheck, PaycheckHold, PaycheckLine, PayrollAdjustment, PayrollRun, YearToDate
    from payroll.models_workers_comp import WorkersCompPremium
    from payroll.services import calc, runs

    monkeypatch.setattr(calc, "SLICE", 1)
    db.session.add(StateRegistration(agency_id=world.agency.id, state="MA", suta_rate=Decimal("0.03")))
    _rate(world)
    a = _classed(db, world.worker(state="TX", rate="25.00"))
    b = world.worker(state="MA", rate="600.00")
    c = _classed(db, world.worker(state="TX", rate="30.00"))
    d = world.worker(kind="contractor", state="TX", rate="40.00")
    for e in (a, b, c, d):
        world.time(e)
    bonus_b = runs.add_adjustment(b.id, "bonus", "5000.00", world.hr2)
    bonus_c = runs.add_adjustment(c.id, "bonus", "100.00", world.hr2)
    run = world.regular_run()
    runs.start_calculation(run.id, world.hr)
    db.session.expire_all()

    assert db.session.get(PayrollRun, run.id).state == "calculated"
    checks = {p.engagement_id: p for p in db.session.execute(
        sa.select(Paycheck).where(Paycheck.run_id == run.id)).scalars()}
    assert {k: v.gross for k, v in checks.items()} == {a.id: Decimal("1000.00"), c.id: Decimal("1300.00"),
                                                       d.id: Decimal("1600.00")}
    earned = dict(db.session.execute(sa.select(PaycheckLine.paycheck_id, sa.func.sum(PaycheckLine.amount))
                                     .where(PaycheckLine.kind == "earning")
                                     .group_by(PaycheckLine.paycheck_id)).all())
    assert {p.id: Decimal(earned[p.id]) for p in checks.values()} == {p.id: p.gross for p in checks.values()}
    premiums = dict(db.session.execute(sa.select(WorkersCompPremium.paycheck_id, WorkersCompPremium.premium)).all())
    assert premiums == {checks[a.id].id: Decimal("65.00"), checks[c.id].id: Decimal("84.50")}
    assert db.session.get(PayrollAdjustment, bonus_c.id).paycheck_id == checks[c.id].id
    assert db.session.get(PayrollAdjustment, bonus_b.id).status == "pending"
    assert db.session.execute(sa.select(PaycheckHold.worker_id).where(PaycheckHold.run_id == run.id)
                              ).scalar_one() == b.worker_id
    ytd = dict(db.session.execute(sa.select(YearToDate.worker_id, YearToDate.gross)).all())
    assert ytd == {a.worker_id: Decimal("1000.00"), c.worker_id: Decimal("1300.00"), d.worker_id: Decimal("1600.00")}
    tb = assert_ledger_balanced()
    assert (tb["accounts"]["6400"], tb["accounts"]["6100"], tb["accounts"]["6150"]) == (
        Decimal("149.50"), Decimal("2300.00"), Decimal("1600.00"))
