"""The receivables' journal entries in payroll's one ledger: receipt Dr 1010 / Cr 1100, credit note Dr 4000 /
Cr 1100, write-off Dr 6900 / Cr 1100 — each a balanced two-line entry naming its invoice (and payment)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from backoffice.extensions import db
from backoffice.money import ZERO
from payroll.models_ledger import JournalEntry, JournalLine
from payroll.services.ledger import Posting, check_balanced

CASH, RECEIVABLE, REVENUE, BAD_DEBT = "1010", "1100", "4000", "6900"
# journal kind -> (debit account, credit account)
SIDES = {"receipt": (CASH, RECEIVABLE), "credit_note": (REVENUE, RECEIVABLE), "write_off": (BAD_DEBT, RECEIVABLE)}


def post(kind: str, entry_date: date, memo: str, amount: Decimal, agency_id: int | None, *, invoice_id: int,
         client_payment_id: int | None = None) -> JournalEntry:
    """One balanced entry of `kind` for `amount` (in the caller's transaction)."""
    debit, credit = SIDES[kind]
    postings = [Posting(debit, "", "", agency_id, amount, ZERO), Posting(credit, "", "", agency_id, ZERO, amount)]
    check_balanced(postings)
    entry = JournalEntry(kind=kind, entry_date=entry_date, memo=memo[:300], invoice_id=invoice_id,
                         client_payment_id=client_payment_id)
    db.session.add(entry)
    db.session.flush()
    db.session.add_all(JournalLine(entry_id=entry.id, account=p.account, agency_id=p.agency_id, debit=p.debit,
                                   credit=p.credit) for p in postings)
    db.session.flush()
    return entry
