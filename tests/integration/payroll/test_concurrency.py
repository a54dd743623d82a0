"""No cent twice: the same approval, NACHA file, payment, return and re-issue fired at once from several threads.

Each thread has its own app context, so its own session and its own database connection: on the SQLite pass the
threads share one database file, on the PostgreSQL pass they are separate server connections. Exactly one call
wins; the others are refused in words (a DomainError with a clear code), never a second row and never a crash;
and the totals prove nothing was paid twice.

The workers are contractors with a W-9 and a valid TIN, so net pay = gross = rate × hours (no withholding):
  25.00 × 40 h = 1,000.00;  30.00 × 40 h = 1,200.00;  40.00 × 40 h = 1,600.00;  total 3,800.00 (380,000 cents).

To make the race certain rather than lucky, each test slows one step the service takes *after* it has read the
state it decides on and *before* it commits (a 0.3 s sleep): without a lock every thread reads the same old state
inside that window; with the lock the second thread cannot read the state until the first has committed."""
from __future__ import annotations

import threading
import time
from decimal import Decimal

import pytest
import sqlalchemy as sa

from backoffice.errors import DomainError
from tests.integration.payroll.conftest import NOW, SETTLES

pytestmark = pytest.mark.real_commits

THREADS = 4
NETS = {"25.00": Decimal("1000.00"), "30.00": Decimal("1200.00"), "40.00": Decimal("1600.00")}


def _slow(monkeypatch, module, name: str, seconds: float = 0.3) -> None:
    """Widen the race window: `module.name` sleeps before doing its work."""
    real = getattr(module, name)

    def slowed(*args, **kwargs):
        time.sleep(seconds)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, slowed)


def race(app, call, n: int = THREADS) -> list[tuple]:
    """Run call(user_loader) in n threads released at the same moment, each in its own app context.
    Returns ("ok", value) or ("refused", code, message) or ("crash", repr) per thread."""
    from backoffice.extensions import db
    from backoffice.security.models import User

    barrier = threading.Barrier(n)
    results: list[tuple] = [()] * n

    def one(i: int) -> None:
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                results[i] = ("ok", call(lambda uid: db.session.get(User, uid)))
            except DomainError as exc:
                results[i] = ("refused", exc.code, exc.message)
            except Exception as exc:  # noqa: BLE001 - a crash is a result the test reports
                results[i] = ("crash", repr(exc))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results


def _winners(results) -> list:
    assert not [r for r in results if r[0] == "crash"], results
    return [r for r in results if r[0] == "ok"]


def _calculated_run(db, world):
    from payroll.services import runs

    for rate in NETS:
        e = world.worker(kind="contractor", rate=rate)
        world.time(e)
    run = world.regular_run()
    runs.start_calculation(run.id, world.hr)
    db.session.commit()
    return run.id


def _paid_run(db, world):
    from payroll.services import payments, runs

    run_id = _calculated_run(db, world)
    runs.approve_run(run_id, world.hr2)
    payments.generate_nacha(run_id, world.finance, now=NOW, effective_date=SETTLES)
    runs.mark_paid(run_id, world.finance)
    db.session.commit()
    return run_id


def _payments(db, run_id: int):
    from payroll.models_ledger import Payment

    db.session.rollback()
    return db.session.execute(sa.select(Payment).where(Payment.run_id == run_id).order_by(Payment.id)).scalars().all()


def _live_cents_by_paycheck(db, run_id: int) -> dict[int, int]:
    """Cents owed to a worker that are on their way or paid: pending, sent (and held) payments."""
    out: dict[int, int] = {}
    for p in _payments(db, run_id):
        if p.status in ("pending", "sent", "held"):
            out[p.paycheck_id] = out.get(p.paycheck_id, 0) + int(p.amount * 100)
    return out


def _net_cents_by_paycheck(db, run_id: int) -> dict[int, int]:
    from payroll.models import Paycheck

    return {pid: int(net * 100) for pid, net in db.session.execute(
        sa.select(Paycheck.id, Paycheck.net).where(Paycheck.run_id == run_id))}


def _journal_count(db, run_id: int, kind: str) -> int:
    from payroll.models_ledger import JournalEntry

    return db.session.execute(sa.select(sa.func.count()).select_from(JournalEntry).where(
        JournalEntry.run_id == run_id, JournalEntry.kind == kind)).scalar()


def test_the_same_approval_fired_at_once_pays_each_paycheck_once(app, db, world, monkeypatch):
    """Three paychecks (1,000.00 + 1,200.00 + 1,600.00): one approval wins, three payments of 380,000 cents in
    all; the other approvals are refused as 'already approved'."""
    from payroll.services import runs

    run_id = _calculated_run(db, world)
    _slow(monkeypatch, runs, "create_payments")
    hr2 = world.hr2.id
    results = race(app, lambda user: runs.approve_run(run_id, user(hr2)).id)
    assert len(_winners(results)) == 1, results
    assert sorted(r[1] for r in results if r[0] == "refused") == ["already_approved"] * (THREADS - 1)
    pays = _payments(db, run_id)
    assert len(pays) == 3
    assert sum(int(p.amount * 100) for p in pays) == 380000
    assert _live_cents_by_paycheck(db, run_id) == _net_cents_by_paycheck(db, run_id)


def test_the_same_nacha_file_requested_at_once_is_made_once_and_every_caller_gets_its_bytes(app, db, world,
                                                                                             monkeypatch):
    """One file (id modifier A) with the three entries, 3,800.00 in all; every concurrent request gets the same
    bytes; no second file, no payment in two files."""
    from payroll.models_ledger import NachaFile
    from payroll.services import payments, runs

    run_id = _calculated_run(db, world)
    runs.approve_run(run_id, world.hr2)
    db.session.commit()
    _slow(monkeypatch, payments, "originator")
    fin = world.finance.id
    results = race(app, lambda user: payments.generate_nacha(run_id, user(fin), now=NOW, effective_date=SETTLES).content)
    winners = _winners(results)
    assert len(winners) == THREADS, results                  # a repeated download is not an error: same bytes
    assert len({r[1] for r in winners}) == 1
    db.session.rollback()
    files = db.session.execute(sa.select(NachaFile).where(NachaFile.run_id == run_id)).scalars().all()
    assert [(f.file_id_modifier, f.entry_count, f.total_credit) for f in files] == [("A", 3, Decimal("3800.00"))]
    assert {p.nacha_file_id for p in _payments(db, run_id)} == {files[0].id}


def test_the_same_run_marked_paid_at_once_posts_cash_out_once(app, db, world, monkeypatch):
    """One 'payment' journal entry: cash (1000) credited 3,800.00 once; the others are 'already paid'."""
    from payroll.services import payments, runs
    from payroll.services.ledger import trial_balance

    run_id = _calculated_run(db, world)
    runs.approve_run(run_id, world.hr2)
    payments.generate_nacha(run_id, world.finance, now=NOW, effective_date=SETTLES)
    db.session.commit()
    _slow(monkeypatch, runs, "cash_out")
    fin = world.finance.id
    results = race(app, lambda user: runs.mark_paid(run_id, user(fin)).id)
    assert len(_winners(results)) == 1, results
    assert sorted(r[1] for r in results if r[0] == "refused") == ["already_paid"] * (THREADS - 1)
    assert _journal_count(db, run_id, "payment") == 1
    assert trial_balance()["accounts"]["1000"] == Decimal("-3800.00")


def test_the_same_return_recorded_at_once_takes_the_money_back_once(app, db, world, monkeypatch):
    """The 1,000.00 payment comes back R01 once: one 'return' entry, 1,000.00 owed to the worker again (2400)."""
    from payroll.services import payments
    from payroll.services.ledger import trial_balance

    run_id = _paid_run(db, world)
    pay = next(p for p in _payments(db, run_id) if p.amount == Decimal("1000.00"))
    _slow(monkeypatch, payments, "post_entry")
    fin = world.finance.id
    results = race(app, lambda user: payments.record_return(pay.id, "R01", user(fin), on=NOW.date()).id)
    assert len(_winners(results)) == 1, results
    assert sorted(r[1] for r in results if r[0] == "refused") == ["already_returned"] * (THREADS - 1)
    assert _journal_count(db, run_id, "return") == 1
    assert trial_balance()["accounts"]["2400"] == Decimal("-1000.00")


def test_the_same_returned_payment_reissued_at_once_is_paid_again_once(app, db, world, monkeypatch):
    """R01 allows the same account: one new pending payment of 1,000.00; the paycheck's live payments add up to
    its net pay again (100,000 cents), never 200,000."""
    from payroll.services import payments

    run_id = _paid_run(db, world)
    pay = next(p for p in _payments(db, run_id) if p.amount == Decimal("1000.00"))
    payments.record_return(pay.id, "R01", world.finance, on=NOW.date())
    db.session.commit()
    _slow(monkeypatch, payments, "can_reissue")
    fin = world.finance.id
    results = race(app, lambda user: payments.reissue_payment(pay.id, user(fin)).id)
    assert len(_winners(results)) == 1, results
    assert sorted(r[1] for r in results if r[0] == "refused") == ["already_reissued"] * (THREADS - 1)
    again = [p for p in _payments(db, run_id) if p.reissue_of_id == pay.id]
    assert [(p.status, p.amount) for p in again] == [("pending", Decimal("1000.00"))]
    assert _live_cents_by_paycheck(db, run_id) == _net_cents_by_paycheck(db, run_id)


def test_the_same_reversed_paycheck_reissued_at_once_makes_one_correction_run(app, db, world, monkeypatch):
    """The 1,600.00 paycheck, reversed, is re-issued once: one correction run holding one copy of 1,600.00."""
    from payroll.models import Paycheck, PayrollRun
    from payroll.services import corrections

    run_id = _paid_run(db, world)
    p = db.session.execute(sa.select(Paycheck).where(Paycheck.run_id == run_id,
                                                     Paycheck.net == Decimal("1600.00"))).scalar_one()
    corrections.request_reversal(world.hr2, "wrong hours", paycheck_id=p.id)   # paid money: two people
    corrections.reverse_paycheck(p.id, world.hr, "wrong hours", on=NOW.date())
    db.session.commit()
    _slow(monkeypatch, corrections, "_new_run_like")
    hr = world.hr.id
    results = race(app, lambda user: corrections.reissue_paycheck(p.id, user(hr)).id)
    assert len(_winners(results)) == 1, results
    assert sorted(r[1] for r in results if r[0] == "refused") == ["already_reissued"] * (THREADS - 1)
    db.session.rollback()
    copies = db.session.execute(sa.select(Paycheck.net).where(Paycheck.reissue_of_id == p.id)).scalars().all()
    assert copies == [Decimal("1600.00")]
    assert db.session.execute(sa.select(sa.func.count()).select_from(PayrollRun)
                              .where(PayrollRun.kind == "correction")).scalar() == 1
