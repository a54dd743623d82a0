"""Invoices from approved time and pay: bill-rate lines with the paycheck's overtime split, numbering, the journal
entry, idempotent re-runs and clear refusals."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from tests.integration.billing.conftest import ISSUED
from tests.integration.payroll.conftest import WEEK1, assert_ledger_balanced

THROUGH = date(2026, 11, 8)          # the Sunday ending WEEK1


def _invoice(through=THROUGH, client_id=None, issue=True):
    from backoffice.billing.services.invoicing import create_invoices

    return create_invoices(through, client_id, issue_date=ISSUED, issue=issue)


def test_a_bill_rate_invoice_bills_overtime_hours_at_the_overtime_bill_rate(db, world):
    """45 h in one week (10, 10, 10, 10, 5) at pay $20.00, bill rate $30.00, no overtime bill rate set (1.5x:
    $45.00). The paycheck pays 45 h straight time and a 5 h overtime premium (FLSA, over 40), so the invoice
    bills 40 regular hours × $30.00 = $1,200.00 and 5 overtime hours × $45.00 = $225.00: total $1,425.00,
    numbered INV-000001, issued Nov 16 and due Dec 16 (net 30), posted Dr 1100 / Cr 4000 1,425.00."""
    from backoffice.billing.models import Invoice
    from payroll.models_ledger import JournalEntry, JournalLine

    e = world.worker(rate="20.00")
    e.bill_rate = Decimal("30.00")
    ts = world.time(e, hours=(10, 10, 10, 10, 5, 0, 0))
    world.approved_run()
    result = _invoice()
    [inv] = result.invoices
    assert result.skipped == []
    got = [(ln.unit, ln.quantity, ln.rate, ln.amount, ln.timesheet_id, ln.source_key) for ln in inv.lines]
    assert got == [("hour", Decimal("40"), Decimal("30.00"), Decimal("1200.00"), ts.id, f"ts:{ts.id}:regular"),
                   ("overtime_hour", Decimal("5"), Decimal("45.00"), Decimal("225.00"), ts.id,
                    f"ts:{ts.id}:overtime")]
    assert (inv.number, inv.status, inv.total, inv.balance) == ("INV-000001", "sent", Decimal("1425.00"),
                                                               Decimal("1425.00"))
    assert (inv.issue_date, inv.due_date, inv.period_start, inv.period_end) == (
        ISSUED, date(2026, 12, 16), WEEK1, THROUGH)
    entry = db.session.execute(sa.select(JournalEntry).where(JournalEntry.invoice_id == inv.id)).scalar_one()
    lines = db.session.execute(sa.select(JournalLine.account, JournalLine.debit, JournalLine.credit)
                               .where(JournalLine.entry_id == entry.id).order_by(JournalLine.account)).all()
    assert (entry.kind, entry.entry_date) == ("invoice", ISSUED)
    assert lines == [("1100", Decimal("1425.00"), Decimal("0.00")), ("4000", Decimal("0.00"), Decimal("1425.00"))]
    assert_ledger_balanced()
    assert db.session.execute(sa.select(sa.func.count()).select_from(Invoice)).scalar() == 1
