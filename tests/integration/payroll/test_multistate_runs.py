"""A worker who works in two states in one week: the run splits the state taxes by the hours worked in each."""
from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa

from tests.integration.payroll.test_pay_the_person import _checks, _run, _second_engagement


def test_california_and_texas_hours_in_one_week_split_the_state_lines(db, world):
    """A California resident: 24 h in CA and 16 h in TX at $25.00 (weekly gross 1,000.00).
    The stored engine input says where the hours were worked: CA 24.00, TX 16.00 (60% / 40%).
    TX has no income tax: 0.00. CA requires withholding on its residents' wages wherever earned, less the other
    state's withholding (0.00): the CA income tax is the whole paycheck's (the quote of the same pay without the
    split). CA SDI is due on the CA share only: 1.3% x 600.00 = 7.80 (not 13.00 on the whole 1,000.00)."""
    from payroll.engine.quote import quote
    from payroll.models import PaycheckLine

    ca = world.worker(state="CA", rate="25.00")
    tx = _second_engagement(world, ca, client_name="Lone Star Freight", rate="25.00", state="TX")
    world.time(ca, hours=(8, 8, 8, 0, 0, 0, 0))
    world.time(tx, hours=(0, 0, 0, 8, 8, 0, 0))
    run = _run(world, db)
    [p] = _checks(db, run.id)
    assert p.gross == Decimal("1000.00")
    engine = p.inputs["engine"]
    assert engine["work_shares"] == [{"state": "CA", "hours": "24.00"}, {"state": "TX", "hours": "16.00"}]
    lines = db.session.execute(sa.select(PaycheckLine).where(PaycheckLine.paycheck_id == p.id)).scalars().all()
    state = {(ln.code, ln.state): ln.amount for ln in lines if ln.kind == "employee_tax" and ln.state}
    whole = quote({**{k: v for k, v in engine.items() if k != "work_shares"}, "work_state": "CA"})
    ca_whole = next(Decimal(x["amount"]) for x in whole["employee_taxes"]
                    if x["code"] == "state_income_tax" and x.get("state") == "CA")
    assert ca_whole > 0
    state.pop(("state_income_tax", "TX"), None)         # a zero line may or may not be stored
    assert state == {("state_income_tax", "CA"): ca_whole, ("state_disability", "CA"): Decimal("7.80")}
    assert any("each state withholds on its share" in n for n in p.inputs["notes"])


def test_an_overtime_week_split_by_hours_counts_each_hour_once(db, world):
    """24 h in CA (Monday to Wednesday) and 24 h in TX (Thursday to Saturday) at $25.00: 48 hours, 8 of them
    overtime (FLSA, over 40 in the week), paid as a premium line of 8 h x $12.50 = $100.00 besides the straight
    time: gross 48 x 25 + 100 = $1,300.00. The premium's 8 hours are already among the 48, so the split is 24 / 24
    (50% each), not 24 / 32. CA SDI on the CA share: 1.3% x $650.00 = $8.45."""
    from payroll.models import PaycheckLine

    ca = world.worker(state="CA", rate="25.00")
    tx = _second_engagement(world, ca, client_name="Lone Star Freight", rate="25.00", state="TX")
    world.time(ca, hours=(8, 8, 8, 0, 0, 0, 0))
    world.time(tx, hours=(0, 0, 0, 8, 8, 8, 0))
    run = _run(world, db)
    [p] = _checks(db, run.id)
    assert p.gross == Decimal("1300.00")
    assert p.inputs["engine"]["work_shares"] == [{"state": "CA", "hours": "24.00"}, {"state": "TX", "hours": "24.00"}]
    sdi = db.session.execute(sa.select(PaycheckLine.amount).where(PaycheckLine.paycheck_id == p.id,
                                                                  PaycheckLine.code == "state_disability")).scalar_one()
    assert sdi == Decimal("8.45")
