"""`backoffice seed-demo` leaves issued invoices for bill-rate and cost-plus clients, numbered without gaps, each
posted to the ledger."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import sqlalchemy as sa


def test_the_demo_leaves_sent_invoices_of_both_billing_methods_numbered_without_gaps(db, fixed_clock):
    from backoffice.billing.models import Invoice, InvoiceLine
    from backoffice.workers.demo import seed_demo
    from backoffice.workers.models import Client
    from payroll.models_ledger import JournalEntry
    from tests.integration.payroll.conftest import assert_ledger_balanced

    fixed_clock.set(date(2026, 11, 26))
    lines = seed_demo(n_workers=40, today=date(2026, 11, 26))
    assert any(line.startswith("billing: ") for line in lines), lines
    invoices = db.session.execute(sa.select(Invoice).where(Invoice.kind == "invoice")
                                  .order_by(Invoice.number)).scalars().all()
    # receivables' demo step then pays some and credits one (tests/integration/billing/test_receivables_demo.py)
    assert invoices and {i.status for i in invoices} <= {"sent", "partially_paid", "paid"}
    assert [i.number for i in invoices] == [f"INV-{n:06d}" for n in range(1, len(invoices) + 1)]
    methods = set(db.session.execute(sa.select(Client.billing_method).join(Invoice, Invoice.client_id == Client.id)
                                     ).scalars())
    assert methods == {"bill_rate", "cost_plus"}
    units = set(db.session.execute(sa.select(InvoiceLine.unit)).scalars())
    assert {"hour", "cost_plus"} <= units
    for inv in invoices:
        assert inv.total == sum((ln.amount for ln in inv.lines), Decimal(0)) > 0
        assert inv.issue_date <= date(2026, 11, 26)
    # made by one background invoicing run, done, which names every demo invoice
    from backoffice.billing.models import InvoicingRun

    [run] = db.session.execute(sa.select(InvoicingRun)).scalars().all()
    assert (run.state, run.clients_done, run.invoice_count) == ("done", run.clients_total, len(invoices))
    assert {i.invoicing_run_id for i in invoices} == {run.id}
    posted = db.session.execute(sa.select(sa.func.count()).select_from(JournalEntry)
                                .where(JournalEntry.kind == "invoice")).scalar()
    assert posted == len(invoices)
    assert_ledger_balanced()
