"""The billing journal entries, in payroll's one ledger: an invoice issued (Dr 1100 / Cr 4000); receivables adds
receipts, credit notes and write-offs through the same function."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from backoffice.extensions import db
from backoffice.money import ZERO
from payroll.models_ledger import JournalEntry
from payroll.services.common import bulk_insert, cents
from payroll.services.ledger import Posting, check_balanced

AR, REVENUE, CASH, BAD_DEBT = "1100", "4000", "1010", "6900"


def two_lines(debit_account: str, credit_account: str, amount: Decimal, agency_id: int | None,
              detail: str = "") -> list[Posting]:
    """A debit and a credit of the same amount (every billing entry is one)."""
    return [Posting(debit_account, detail, "", agency_id, amount, ZERO),
            Posting(credit_account, detail, "", agency_id, ZERO, amount)]


def post_billing_entry(kind: str, entry_date: date, memo: str, postings: list[Posting], *,
                       invoice_id: int | None = None, client_payment_id: int | None = None) -> JournalEntry | None:
    """One balanced billing entry (kind invoice, receipt, credit_note or write_off) naming its invoice or client
    payment, in the caller's transaction (payroll's post_entry, with the two references set when it is written:
    a posted entry is never updated). An entry with no postings is not written."""
    check_balanced(postings)
    if not postings:
        return None
    entry = JournalEntry(kind=kind, entry_date=entry_date, memo=memo[:300], invoice_id=invoice_id,
                         client_payment_id=client_payment_id)
    db.session.add(entry)
    db.session.flush()
    bulk_insert("journal_lines", ("entry_id", "account", "detail", "state", "agency_id", "debit", "credit"),
                ((entry.id, p.account, p.detail, p.state, p.agency_id, cents(p.debit), cents(p.credit))
                 for p in postings))
    return entry


def post_invoice_issued(invoice) -> JournalEntry | None:
    """Dr 1100 Accounts receivable / Cr 4000 Revenue for the invoice's total, dated its issue date."""
    return post_billing_entry("invoice", invoice.issue_date, f"Invoice {invoice.number} to {invoice.client}",
                              two_lines(AR, REVENUE, invoice.total, invoice.agency_id, invoice.number),
                              invoice_id=invoice.id)
