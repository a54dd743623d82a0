"""A run marked paid tells each worker it paid, once: with real commits, so that on PostgreSQL the notices are
written beside the run's unit of work (payroll.services.runs._NoticesBeside, their own connection and transaction,
committed once the run is paid); on SQLite in the run's transaction. Either way the same rows.

The workers are three contractors with a W-9 (no withholding): 25.00, 30.00 and 40.00 an hour × 40 h = 1,000.00,
1,200.00 and 1,600.00 net. The weekly run for the week of Monday 2 November 2026 ends Sunday 8 November and pays five
days later: Friday 13 November 2026."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from backoffice.errors import DomainError
from backoffice.uow import transaction
from tests.integration.payroll.conftest import NOW, SETTLES

pytestmark = pytest.mark.real_commits

TITLE = "Your paycheck for Nov 13, 2026 is ready"


def _filed_run(db, world) -> int:
    """An approved run of the three contractors, its NACHA file made: ready to be marked paid."""
    from payroll.services import payments, runs

    for rate in ("25.00", "30.00", "40.00"):
        world.time(world.worker(kind="contractor", rate=rate))
    run = world.regular_run()
    runs.start_calculation(run.id, world.hr)
    runs.approve_run(run.id, world.hr2)
    payments.generate_nacha(run.id, world.finance, now=NOW, effective_date=SETTLES)
    db.session.commit()
    return run.id


def _watch_beside(monkeypatch) -> list:
    """The notices' transactions mark_paid starts beside its own (none on SQLite), to read their outcome after."""
    from payroll.services import runs

    started = []
    real = runs._NoticesBeside.start

    def start(self, run):
        started.append(self)
        return real(self, run)

    monkeypatch.setattr(runs._NoticesBeside, "start", start)
    return started


def _notices(db, run_id: int) -> list[tuple]:
    from backoffice.notifications.models import Notification
    from payroll.models import Paycheck

    db.session.rollback()
    return db.session.execute(
        sa.select(Paycheck.net, Notification.worker_id == Paycheck.worker_id, Notification.key == sa.literal(
            "paycheck_ready:") + sa.cast(Paycheck.id, sa.String), Notification.title, Notification.read_at,
            Notification.emailed_at)
        .join(Paycheck, Paycheck.id == Notification.ref_id)
        .where(Paycheck.run_id == run_id, Notification.kind == "paycheck_ready").order_by(Paycheck.net)).all()


def test_a_run_marked_paid_tells_each_worker_it_paid_once_unread_and_not_yet_mailed(db, world, monkeypatch):
    """Three paychecks (1,000.00, 1,200.00, 1,600.00): three notices, each its paycheck's worker's and keyed by its
    id, unread, waiting for the mail (the session says so); on PostgreSQL their own transaction committed them."""
    from backoffice.notifications.services import PENDING_FLAG
    from payroll.services import runs

    run_id = _filed_run(db, world)
    started = _watch_beside(monkeypatch)
    runs.mark_paid(run_id, world.finance)
    assert db.session.info.get(PENDING_FLAG) is True
    assert [str(r[0]) for r in _notices(db, run_id)] == ["1000.00", "1200.00", "1600.00"]
    assert {r[1:] for r in _notices(db, run_id)} == {(True, True, TITLE, None, None)}
    if db.engine.dialect.name == "postgresql":
        assert [(b.done, b.error) for b in started] == [(True, None)]
    else:
        assert started == []


def test_a_run_whose_payment_fails_after_the_notices_began_stays_approved_and_tells_nobody(db, world, monkeypatch):
    """The RUN_PAID hooks raise after the notices' INSERT has started beside (PostgreSQL): the run's unit of work
    rolls back, so the notices' transaction finds the run unpaid and rolls back too — no notice, the three payments
    still pending, the run approved."""
    from payroll import hooks
    from payroll.models import PayrollRun
    from payroll.models_ledger import Payment
    from payroll.services import runs

    run_id = _filed_run(db, world)
    started = _watch_beside(monkeypatch)
    real = hooks.fire

    def fire(name, *args):
        if name == hooks.RUN_PAID:
            raise DomainError("the bank is closed", code="test_refusal")
        return real(name, *args)

    monkeypatch.setattr(hooks, "fire", fire)
    with pytest.raises(DomainError):
        runs.mark_paid(run_id, world.finance)
    assert _notices(db, run_id) == []
    assert db.session.get(PayrollRun, run_id).state == "approved"
    assert db.session.execute(sa.select(Payment.status).where(Payment.run_id == run_id)).scalars().all() == \
        ["pending"] * 3
    if db.engine.dialect.name == "postgresql":
        assert [(b.done, b.error) for b in started] == [(False, None)]


def test_notices_whose_own_transaction_fails_are_written_once_the_run_is_paid(db, world, monkeypatch):
    """The notices' own transaction fails (PostgreSQL: its INSERT raises): the run is paid all the same and mark_paid
    writes the three notices after it, in a unit of work of their own — still one each."""
    from payroll.models import PayrollRun
    from payroll.services import runs

    run_id = _filed_run(db, world)
    started = _watch_beside(monkeypatch)
    real = runs._notify_paid

    def notify(run_id, pay_date, conn=None):
        if conn is not None:
            raise RuntimeError("the connection was lost")
        return real(run_id, pay_date, conn)

    monkeypatch.setattr(runs, "_notify_paid", notify)
    runs.mark_paid(run_id, world.finance)
    assert [str(r[0]) for r in _notices(db, run_id)] == ["1000.00", "1200.00", "1600.00"]
    assert {r[1:] for r in _notices(db, run_id)} == {(True, True, TITLE, None, None)}
    assert db.session.get(PayrollRun, run_id).state == "paid"
    if db.engine.dialect.name == "postgresql":
        assert [(b.done, repr(b.error)) for b in started] == [(False, "RuntimeError('the connection was lost')")]


def test_notifying_a_paid_run_again_adds_nothing(db, world):
    """After mark_paid, notify_paychecks_ready finds the run's notices (its probe) and inserts with ON CONFLICT:
    still three, one per paycheck."""
    from payroll.models import PayrollRun
    from payroll.services import runs

    run_id = _filed_run(db, world)
    runs.mark_paid(run_id, world.finance)
    db.session.rollback()
    with transaction():
        runs.notify_paychecks_ready(db.session.get(PayrollRun, run_id))
    assert [str(r[0]) for r in _notices(db, run_id)] == ["1000.00", "1200.00", "1600.00"]


def test_a_paid_run_left_without_its_notices_is_notified_by_the_repair_once(db, world, app):
    """A process that dies between the run's commit and its notices' commit leaves the run paid and its three
    workers untold (here: the notices deleted after mark_paid, committed). notify_paid_runs — Celery beat's
    "payroll-notify-paid-runs", every 300 s — finds that one run and writes its three notices, unread; run again it
    finds none missing and adds nothing."""
    from backoffice.notifications.models import Notification
    from payroll.services import runs

    run_id = _filed_run(db, world)
    runs.mark_paid(run_id, world.finance)
    db.session.rollback()
    db.session.execute(sa.delete(Notification).where(Notification.kind == "paycheck_ready"))
    db.session.commit()
    assert _notices(db, run_id) == []
    assert runs.notify_paid_runs() == [run_id]
    assert [str(r[0]) for r in _notices(db, run_id)] == ["1000.00", "1200.00", "1600.00"]
    assert {r[1:] for r in _notices(db, run_id)} == {(True, True, TITLE, None, None)}
    assert runs.notify_paid_runs() == []
    assert len(_notices(db, run_id)) == 3
    entry = app.extensions["celery"].conf.beat_schedule["payroll-notify-paid-runs"]
    assert (entry["task"], entry["schedule"]) == ("payroll.notify_paid_runs", 300.0)
