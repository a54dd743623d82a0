"""`backoffice seed-demo` leaves, on top of billing's sent invoices, a partly paid invoice, an overdue one, a credit
note, a receipt to apply by hand and a write-off waiting for a second person — with the ledger's receivables equal
to the open balances."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

DEMO_DAY = date(2026, 11, 26)


def test_the_demo_shows_every_receivables_state(db, fixed_clock):
    from backoffice.billing.aging import aging_report
    from backoffice.billing.buckets import totals
    from backoffice.billing.models import Invoice
    from backoffice.billing.receivables_models import ClientPayment, WriteOff
    from backoffice.workers.demo import seed_demo
    from tests.integration.billing.receivables_support import account_balance
    from tests.integration.payroll.conftest import assert_ledger_balanced

    fixed_clock.set(DEMO_DAY)
    lines = seed_demo(n_workers=40, today=DEMO_DAY)
    assert any(line.startswith("receivables: ") and "partly paid" in line for line in lines), lines
    invoices = db.session.execute(sa.select(Invoice).where(Invoice.kind == "invoice")).scalars().all()
    statuses = {i.status for i in invoices}
    assert {"partially_paid", "paid"} <= statuses, statuses
    assert any(i.is_overdue(DEMO_DAY) for i in invoices)
    notes = db.session.execute(sa.select(Invoice).where(Invoice.kind == "credit_note")).scalars().all()
    assert [n.number for n in notes] == ["CN-000001"]
    assert db.session.execute(sa.select(ClientPayment).where(ClientPayment.unapplied > 0)).scalars().all()
    assert db.session.execute(sa.select(WriteOff.status)).scalars().all() == ["requested"]
    open_balances = sum((i.balance for i in invoices), 0) - sum((n.balance for n in notes), 0)
    assert account_balance("1100") == open_balances == totals(aging_report(DEMO_DAY)).total
    assert_ledger_balanced()
