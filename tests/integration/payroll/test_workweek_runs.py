"""A run pays the FLSA workweek across clients, state daily overtime and task pay (with make-up), each once."""
from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa

from tests.integration.payroll.conftest import assert_ledger_balanced
from tests.integration.payroll.test_pay_the_person import _checks, _run, _second_engagement

D = Decimal


@pytest.fixture
def world(db, make_user, fixed_clock):
    from tests.integration.payroll.conftest import World

    return World(db, make_user)


def _lines(db, paycheck_id):
    from payroll.models import PaycheckLine

    return db.session.execute(sa.select(PaycheckLine).where(PaycheckLine.paycheck_id == paycheck_id)
                              .order_by(PaycheckLine.id)).scalars().all()


def test_thirty_hours_at_a_and_fifteen_at_b_pay_the_overtime_premium_at_b(db, world):
    """Client A: Mon-Wed 10 h at $20.00 = 600.00; client B: Thu 8 h + Fri 7 h at $30.00 = 450.00. One paycheck:
    straight time $1,050.00; regular rate 1,050 ÷ 45 = 23.333… (unrounded); the 5 hours past the 40th are
    Friday's at B: premium 5 × 11.666… = 58.333… → $58.33 (rounded once, half up), on B's line; gross 1,108.33;
    qualified overtime premium (box 12 TT) $58.33; federal income tax equal to the quote on those earnings."""
    from payroll.engine.quote import quote

    a = world.worker(rate="20.00")
    b = _second_engagement(world, a, client_name="Beacon Health", rate="30.00")
    world.time(a, hours=(10, 10, 10, 0, 0, 0, 0))
    world.time(b, hours=(0, 0, 0, 8, 7, 0, 0))
    run = _run(world, db)
    [p] = _checks(db, run.id)
    assert (p.gross, p.qualified_overtime_premium) == (D("1108.33"), D("58.33"))
    earned = [(ln.code, ln.engagement_id, ln.client_id, ln.amount) for ln in _lines(db, p.id) if ln.kind == "earning"]
    assert earned == [("regular", a.id, a.client_id, D("600.00")), ("regular", b.id, b.client_id, D("450.00")),
                      ("overtime_premium", b.id, b.client_id, D("58.33"))]
    fit = next(ln.amount for ln in _lines(db, p.id) if ln.code == "federal_income_tax")
    q = quote({"pay_date": run.pay_date.isoformat(), "pay_frequency": "weekly", "worker_type": "employee",
               "work_state": "TX", "residence_state": "TX", "w4": {"version": 2020, "filing_status": "single"},
               "earnings": [{"code": "regular", "hours": "30", "rate": "20.00"},
                            {"code": "regular", "hours": "15", "rate": "30.00"},
                            {"code": "overtime_premium", "amount": "58.33", "hours": "5"}]})
    assert fit == D(next(t["amount"] for t in q["employee_taxes"] if t["code"] == "federal_income_tax"))
    assert_ledger_balanced()


def test_nevada_nine_hour_monday_under_eighteen_dollars_pays_daily_overtime(db, world):
    """NRS 608.018, Nevada minimum wage $12.00: $16.79 < 1.5 × 12 = 18.00. Mon 9 h, Tue-Fri 7 h (37 h): straight
    37 × 16.79 = 621.23; 1 h × 8.395 → $8.40 overtime premium; gross 629.63; no hour over 40, nothing qualified."""
    from backoffice.workers.models import StateRegistration

    db.session.add(StateRegistration(agency_id=world.agency.id, state="NV", suta_rate=D("0.0295")))
    nv = world.worker(state="NV", rate="16.79")
    world.time(nv, hours=(9, 7, 7, 7, 7, 0, 0))
    run = _run(world, db)
    [p] = _checks(db, run.id)
    assert p.gross == D("629.63") and p.qualified_overtime_premium == 0
    assert [(ln.code, ln.amount) for ln in _lines(db, p.id) if ln.kind == "earning"] == [
        ("regular", D("621.23")), ("overtime_premium", D("8.40"))]


def test_tasks_are_paid_once_with_a_minimum_wage_make_up(db, world):
    """A piece engagement (Texas) with 4 tasks on Monday-Tuesday, 3 units at $4.50 and 120 minutes each:
    pay 12 × 4.50 = $54.00 for 8 h; minimum wage 8 × 7.25 = $58.00: make-up $4.00; gross 58.00. The run marks the
    tasks paid; a second run of the next week pays none of them again."""
    from payroll.piecework.models import TaskCompletion
    from payroll.piecework.services import record_tasks

    e = world.worker(unit="piece", rate="4.50")
    record_tasks([{"engagement_id": e.id, "task_ref": f"T-{i}", "units": "3", "rate": "4.50",
                   "completed_at": f"2026-11-0{2 + i // 2}T10:00:00-06:00", "minutes": 120} for i in range(4)],
                 world.hr)
    run = _run(world, db)
    [p] = _checks(db, run.id)
    assert p.gross == D("58.00")
    assert [(ln.code, ln.amount) for ln in _lines(db, p.id) if ln.kind == "earning"] == [
        ("piece", D("54.00")), ("min_wage_makeup", D("4.00"))]
    assert {(t.status, t.paid_run_id) for t in db.session.execute(sa.select(TaskCompletion)).scalars()} == {
        ("paid", run.id)}
    from payroll.models import RunContributor            # four eyes: whoever recorded the tasks is on the run
    roles = db.session.execute(sa.select(RunContributor.user_id, RunContributor.role, RunContributor.ref)
                               .where(RunContributor.run_id == run.id)).all()
    assert sum(1 for u, r, ref in roles if u == world.hr.id and r == "time_entered" and ref.startswith("task #")) == 4
    from datetime import date

    from payroll.services import runs
    nxt = world.regular_run(date(2026, 11, 9))
    runs.start_calculation(nxt.id, world.hr)
    db.session.expire_all()
    assert _checks(db, nxt.id) == []
