"""Issued invoices for receivables tests, made as billing's issue step leaves them: numbered, sent, and posted
Dr 1100 receivables / Cr 4000 revenue on the issue date."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa

from backoffice.money import ZERO


def issued_invoice(client, total: str, issue_date: date, *, terms: int = 30, number: str | None = None,
                   agency=None, lines: list[tuple[str, str]] = ()):
    """A sent invoice of `total` to `client`, due `terms` days after `issue_date`, with its journal entry; `lines`
    as (description, amount) (default: one line for the total)."""
    from backoffice.billing.models import Invoice, InvoiceLine
    from backoffice.extensions import db
    from payroll.models_ledger import JournalEntry, JournalLine
    from tests.factories import AgencyFactory

    agency = agency or _agency() or AgencyFactory()
    n = db.session.execute(sa.select(sa.func.count()).select_from(Invoice).where(Invoice.kind == "invoice")).scalar()
    amount = Decimal(total)
    inv = Invoice(agency_id=agency.id, client_id=client.id, kind="invoice", number=number or f"INV-{n + 1:06d}",
                  status="sent", period_start=issue_date - timedelta(days=7), period_end=issue_date - timedelta(days=1),
                  issue_date=issue_date, due_date=issue_date + timedelta(days=terms), total=amount, balance=amount)
    for description, value in (lines or [("Staffing services", total)]):
        inv.lines.append(InvoiceLine(description=description, quantity=Decimal(1), unit="hour", rate=Decimal(value),
                                     amount=Decimal(value)))
    db.session.add(inv)
    db.session.flush()
    entry = JournalEntry(kind="invoice", entry_date=issue_date, memo=f"Invoice {inv.number}", invoice_id=inv.id)
    db.session.add(entry)
    db.session.flush()
    db.session.add_all([JournalLine(entry_id=entry.id, account="1100", agency_id=agency.id, debit=amount, credit=ZERO),
                        JournalLine(entry_id=entry.id, account="4000", agency_id=agency.id, debit=ZERO, credit=amount)])
    db.session.commit()
    return inv


def _agency():
    from backoffice.extensions import db
    from backoffice.workers.models import Agency

    return db.session.execute(sa.select(Agency).limit(1)).scalar()


def account_balance(account: str) -> Decimal:
    """Debits less credits posted to `account`."""
    from payroll.services.ledger import trial_balance

    return trial_balance()["accounts"].get(account, ZERO)
