"""Real Celery worker processes over Redis: a worker SIGKILLed mid-run, and the whole flow end to end."""
from __future__ import annotations

from decimal import Decimal

import achkit
import pytest
import sqlalchemy as sa

from tests.integration.payroll.conftest import NOW, SETTLES, WEEK1, assert_ledger_balanced, wait_for

pytestmark = [pytest.mark.celery, pytest.mark.real_commits]      # worker processes read what the test commits


def _run_state(db, run_id):
    from payroll.models import PayrollRun

    db.session.rollback()          # a fresh snapshot: the worker processes commit in other connections
    return db.session.execute(sa.select(PayrollRun.state, PayrollRun.chunks_done, PayrollRun.chunks_total)
                              .where(PayrollRun.id == run_id)).one()


def test_worker_killed_mid_run_then_retried_pays_each_engagement_exactly_once(db, world, celery_worker_factory):
    from payroll.models import Paycheck, PayrollRun, RunChunk, YearToDate
    from payroll.models_ledger import JournalEntry
    from payroll.services import runs

    engagements = []
    for i in range(16):
        e = world.worker(kind="contractor" if i % 4 == 3 else "leased_employee", state=("TX", "CA", "CO")[i % 3])
        world.time(e, hours=(8, 8, 8, 8, 8 + i % 5, 0, 0))
        engagements.append(e)
    run = world.regular_run()
    db.session.execute(sa.update(PayrollRun).where(PayrollRun.id == run.id).values(chunk_size=2))
    db.session.commit()

    slow = celery_worker_factory({"BACKOFFICE_PAYROLL_CHUNK_DELAY": "1.5"})
    runs.start_calculation(run.id, world.hr)
    wait_for(lambda: _run_state(db, run.id)[1] >= 2, timeout=90, what="two chunks done")
    slow.kill()                                      # SIGKILL: chunks in flight die with their transactions open
    state, done, total = _run_state(db, run.id)
    assert state == "calculating" and 2 <= done < total == 8

    celery_worker_factory()
    db.session.rollback()
    resent = runs.resume_calculation(run.id, world.hr)
    assert 1 <= len(resent) <= total - 2          # only the chunks not done are sent again
    wait_for(lambda: _run_state(db, run.id)[0] == "calculated", timeout=120, what="run calculated")

    db.session.rollback()
    per_engagement = dict(db.session.execute(sa.select(Paycheck.engagement_id, sa.func.count()).where(
        Paycheck.run_id == run.id).group_by(Paycheck.engagement_id)).all())
    assert per_engagement == {e.id: 1 for e in engagements}
    assert db.session.execute(sa.select(sa.func.count()).select_from(RunChunk).where(
        RunChunk.run_id == run.id, RunChunk.done_at.is_(None))).scalar() == 0
    assert db.session.execute(sa.select(sa.func.count()).select_from(JournalEntry).where(
        JournalEntry.run_id == run.id)).scalar() == total
    tb = assert_ledger_balanced()
    gross = db.session.execute(sa.select(Paycheck.gross).where(Paycheck.run_id == run.id)).scalars().all()
    assert tb["accounts"]["6100"] + tb["accounts"]["6150"] == sum(gross)
    # YTD was added once per paycheck, not once per attempt
    for p in db.session.execute(sa.select(Paycheck).where(Paycheck.run_id == run.id)).scalars():
        ytd = db.session.execute(sa.select(YearToDate.gross).where(YearToDate.worker_id == p.worker_id)).scalar_one()
        assert ytd == p.gross


def test_end_to_end_time_to_paid_then_reverse_and_reissue_with_real_workers(db, world, celery_worker_factory,
                                                                            make_user):
    """Two workers' time approved by the client's approver → run calculated by a real worker → approved by a
    second HR user → NACHA file read back by achkit → paid; one paycheck reversed and re-issued. The ledger
    balances after every step and the register matches the paychecks to the cent."""
    from payroll.models import Paycheck
    from payroll.services import corrections, payments, runs
    from reports.exports import register_rows
    from reports.queries import Selection
    from payroll.timesheets.services import approve_timesheet, save_timesheet, submit_timesheet

    approver = make_user("client_approver", client_id=world.client.id)
    emp = world.worker(rate="22.50", accounts=[{"kind": "fixed", "amount": Decimal("100.00"), "type": "savings",
                                                 "account": "55501234"}, {"kind": "remainder",
                                                                          "routing": "021000021"}])
    con = world.worker(kind="contractor", rate="50.00")
    for e in (emp, con):
        ts = save_timesheet({"engagement_id": e.id, "week_start": WEEK1.isoformat(), "mon": "8", "tue": "8",
                             "wed": "8", "thu": "8", "fri": "8"}, world.hr)
        submit_timesheet(ts.id, world.hr)
        approve_timesheet(ts.id, approver)
    celery_worker_factory()
    run = world.regular_run()
    runs.start_calculation(run.id, world.hr)
    wait_for(lambda: _run_state(db, run.id)[0] == "calculated", timeout=120, what="run calculated")
    assert_ledger_balanced()

    db.session.rollback()
    runs.approve_run(run.id, world.hr2)
    assert_ledger_balanced()
    # approval sends the bulk paystub rendering to the workers: both stubs land in the cache
    from reports.paystubs import _cache_path

    stubs = lambda: [_cache_path(p) for p in db.session.execute(  # noqa: E731
        sa.select(Paycheck).where(Paycheck.run_id == run.id)).scalars()]
    wait_for(lambda: all(path.exists() for path in stubs()), timeout=120, what="paystubs rendered by the workers")
    assert all(path.read_bytes()[:5] == b"%PDF-" for path in stubs())
    f = payments.generate_nacha(run.id, world.finance, now=NOW, effective_date=SETTLES)
    assert achkit.validate(f.content) == {"ok": True, "errors": []}
    (batch,) = achkit.parse(f.content)["batches"]
    assert batch["sec"] == "PPD" and batch["description"] == "PAYROLL"
    checks = {p.engagement_id: p for p in db.session.execute(sa.select(Paycheck).where(Paycheck.run_id == run.id))
              .scalars()}
    credits = sorted((e["routing"], e["amount_cents"]) for e in batch["entries"])
    e_net = int(checks[emp.id].net * 100)
    # 40 h × 22.50 = 900.00 gross; $100.00 fixed to savings, the rest to the remainder account
    assert checks[emp.id].gross == Decimal("900.00")
    assert credits == sorted([("011000015", 10000), ("021000021", e_net - 10000), ("011000015", 200000)])
    assert batch["control"]["total_credit"] == sum(c[1] for c in credits)
    runs.mark_paid(run.id, world.finance)
    assert_ledger_balanced()

    columns, rows = register_rows(Selection(run_id=run.id))
    rows = [dict(zip(columns, row)) for row in rows]
    assert len(rows) == 2
    for row in rows:
        p = db.session.get(Paycheck, row["paycheck_id"])
        earn = sum((row[c] for c in columns if c.startswith("earning:")), Decimal(0))
        taxes = sum((row[c] for c in columns if c.startswith("ee_tax:")), Decimal(0))
        deds = sum((row[c] for c in columns if c.startswith(("pretax:", "posttax:"))), Decimal(0))
        assert (earn, taxes, deds, row["net"]) == (p.gross, p.employee_taxes, p.deductions, p.net)
        assert earn - taxes - deds == p.net

    corrections.request_reversal(world.hr, "hours keyed twice", paycheck_id=checks[emp.id].id)   # paid: two people
    rev = corrections.reverse_paycheck(checks[emp.id].id, world.hr2, "hours keyed twice", on=NOW.date())
    assert rev.net == -checks[emp.id].net
    tb = assert_ledger_balanced()
    assert tb["accounts"]["2400"] == 0          # every net pay owed is paid or reversed
    correction = corrections.reissue_paycheck(checks[emp.id].id, world.hr)
    runs.approve_run(correction.id, world.hr2)
    f2 = payments.generate_nacha(correction.id, world.finance, now=NOW, effective_date=SETTLES)
    assert achkit.validate(f2.content)["ok"]
    runs.mark_paid(correction.id, world.finance)
    tb = assert_ledger_balanced()
    assert tb["accounts"]["1000"] == -(checks[emp.id].net + checks[con.id].net)
