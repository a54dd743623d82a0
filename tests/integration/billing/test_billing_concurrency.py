"""Gapless numbers and nothing billed twice when invoicing and issuing run at the same moment in several threads
(each its own session and connection: one SQLite file, or separate PostgreSQL connections, where the row locks
are SELECT ... FOR UPDATE). The step after the decisive read is slowed so the race is certain."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from tests.integration.billing.conftest import ISSUED
from tests.integration.payroll.test_concurrency import THREADS, _slow, _winners, race

pytestmark = pytest.mark.real_commits
THROUGH = date(2026, 11, 8)


def _four_clients_time(db, world):
    """Four clients, one worker each, 8 h at bill rate $30.00 ($240.00 an invoice), the run approved."""
    from tests.factories import ClientFactory, EngagementFactory

    for n in range(THREADS):
        client = world.client if n == 0 else ClientFactory(name=f"Client {chr(65 + n)}", state="TX")
        w = world.worker(rate="20.00")
        e = w if n == 0 else EngagementFactory(worker=w.worker, client=client, type="leased_employee",
                                               work_state="TX", pay_rate=Decimal("20.00"), pay_unit="hour",
                                               pay_frequency="weekly", classification="leased_employee")
        e.bill_rate = Decimal("30.00")
        world.time(e, hours=(8, 0, 0, 0, 0, 0, 0))
    world.approved_run()
    db.session.commit()


def test_four_drafts_issued_at_once_take_numbers_one_to_four(app, db, world, monkeypatch):
    """Each thread issues a different draft; the sequence row is locked from the read of the next number to the
    commit, so the numbers are INV-000001 … INV-000004, each once, and the sequence stands at 5."""
    from backoffice.billing.models import Invoice, InvoiceSequence
    from backoffice.billing.services import invoicing

    _four_clients_time(db, world)
    drafts = invoicing.create_invoices(THROUGH, issue_date=ISSUED, issue=False).invoices
    ids = [d.id for d in drafts]
    assert len(ids) == THREADS
    _slow(monkeypatch, invoicing, "post_invoice_issued")
    turn = iter(ids)
    lock = __import__("threading").Lock()

    def issue_one(user):
        with lock:
            ident = next(turn)
        return invoicing.issue_invoice(ident, ISSUED).number

    results = race(app, issue_one)
    assert sorted(r[1] for r in _winners(results)) == [f"INV-00000{n}" for n in range(1, THREADS + 1)], results
    db.session.rollback()
    numbers = db.session.execute(sa.select(Invoice.number).order_by(Invoice.number)).scalars().all()
    assert numbers == [f"INV-00000{n}" for n in range(1, THREADS + 1)]
    assert db.session.execute(sa.select(InvoiceSequence.next_number)).scalar_one() == THREADS + 1


def test_invoicing_run_at_once_four_times_bills_each_week_once(app, db, world, monkeypatch):
    """Four invoicing passes at the same moment: the clients are locked while their lines are chosen and written,
    so each client's week is invoiced once ($240.00), four invoices in all, numbered 1 to 4 without a gap."""
    from backoffice.billing.models import Invoice, InvoiceLine
    from backoffice.billing.services import facts, invoicing

    _four_clients_time(db, world)
    _slow(monkeypatch, facts, "unbilled_sheets", seconds=0.2)
    results = race(app, lambda user: [i.number for i in invoicing.create_invoices(THROUGH, issue_date=ISSUED)
                                      .invoices])
    made = sorted(n for r in _winners(results) for n in r[1])
    refused = [r for r in results if r[0] == "refused"]
    assert made == [f"INV-00000{n}" for n in range(1, THREADS + 1)] and not refused, results
    db.session.rollback()
    assert db.session.execute(sa.select(sa.func.count()).select_from(Invoice)).scalar() == THREADS
    keys = db.session.execute(sa.select(InvoiceLine.source_key)).scalars().all()
    assert len(keys) == len(set(keys)) == THREADS
    assert {i.total for i in db.session.execute(sa.select(Invoice)).scalars()} == {Decimal("240.00")}
