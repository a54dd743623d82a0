"""No deposit paid twice, no return file counted twice: the same call fired at once from several threads.

As in test_concurrency.py: each thread its own app context, session and connection (one SQLite file, or separate
PostgreSQL connections); one step after the decisive read is slowed by 0.3 s so the race is certain."""
from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from tests.integration.payroll.conftest import NOW, SETTLES
from tests.integration.payroll.test_concurrency import THREADS, _slow, _winners, race

pytestmark = pytest.mark.real_commits


def _paid_run(db, world):
    from payroll.services import payments, runs

    for _ in range(2):
        world.time(world.worker(state="TX", rate="150.00"))
    run = world.regular_run()
    runs.start_calculation(run.id, world.hr)
    runs.approve_run(run.id, world.hr2)
    payments.generate_nacha(run.id, world.finance, now=NOW, effective_date=SETTLES)
    runs.mark_paid(run.id, world.finance)
    db.session.commit()
    return run.id


def test_the_same_deposit_paid_at_once_is_paid_once(app, db, world, monkeypatch):
    """One payment wins; the others are refused 'already paid'; one deposit journal entry, cash credited once."""
    from payroll.models_ledger import JournalEntry
    from payroll.models_money import TaxDeposit
    from payroll.services import deposits
    from payroll.services.ledger import trial_balance

    _paid_run(db, world)
    dep = deposits.plan_deposits(date(2026, 10, 1), date(2026, 12, 31), world.finance)[0]
    db.session.commit()
    dep_id, amount, fin = dep.id, dep.amount, world.finance.id
    cash_before = trial_balance()["accounts"]["1000"]
    _slow(monkeypatch, deposits, "post_entry")
    results = race(app, lambda user: deposits.pay_deposit(dep_id, user(fin), paid_on=date(2026, 12, 10),
                                                          confirmation="EFT1").id)
    assert len(_winners(results)) == 1, results
    assert sorted(r[1] for r in results if r[0] == "refused") == ["already_paid"] * (THREADS - 1)
    db.session.rollback()
    assert db.session.get(TaxDeposit, dep_id).status == "paid"
    assert db.session.execute(sa.select(sa.func.count()).select_from(JournalEntry)
                              .where(JournalEntry.kind == "deposit")).scalar() == 1
    tb = trial_balance()
    assert tb["balanced"] and tb["accounts"]["1000"] == cash_before - amount


def test_the_same_return_file_imported_at_once_counts_once(app, db, world, monkeypatch):
    """One import records the R01; every other is 'already imported' (answered, or refused by the unique file
    hash); the payment is returned once and one return journal entry is posted."""
    from payroll.models_ledger import JournalEntry, Payment
    from payroll.models_money import BankFile
    from payroll.services import bank_files
    from tests.integration.payroll.test_return_files import return_file_for

    run_id = _paid_run(db, world)
    p = db.session.execute(sa.select(Payment).where(Payment.run_id == run_id).order_by(Payment.id)).scalars().first()
    text = return_file_for([(p, "R01")])
    fin = world.finance.id
    _slow(monkeypatch, bank_files, "parse_return_file")
    results = race(app, lambda user: bank_files.import_return_file(text, user(fin), on=NOW.date()).already_imported)
    assert not [r for r in results if r[0] == "crash"], results
    fresh = [r for r in results if r == ("ok", False)]
    repeats = [r for r in results if r == ("ok", True) or (r[0] == "refused" and r[1] == "already_imported")]
    assert (len(fresh), len(repeats)) == (1, THREADS - 1), results
    db.session.rollback()
    assert db.session.get(Payment, p.id).status == "returned"
    assert db.session.execute(sa.select(sa.func.count()).select_from(BankFile)).scalar() == 1
    assert db.session.execute(sa.select(sa.func.count()).select_from(JournalEntry)
                              .where(JournalEntry.kind == "return")).scalar() == 1
