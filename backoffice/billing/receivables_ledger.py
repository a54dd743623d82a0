"""The receivables' journal entries, through billing's one entry writer (services/ledger.py): receipt Dr 1010 /
Cr 1100, credit note Dr 4000 / Cr 1100, write-off Dr 6900 / Cr 1100 — each balanced, naming its invoice (and
payment)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from backoffice.billing.services.ledger import AR, BAD_DEBT, CASH, REVENUE, post_billing_entry, two_lines
from payroll.models_ledger import JournalEntry

# journal kind -> (debit account, credit account)
SIDES = {"receipt": (CASH, AR), "credit_note": (REVENUE, AR), "write_off": (BAD_DEBT, AR)}


def post(kind: str, entry_date: date, memo: str, amount: Decimal, agency_id: int | None, *, invoice_id: int,
         client_payment_id: int | None = None, detail: str = "") -> JournalEntry:
    """One balanced entry of `kind` for `amount` (in the caller's transaction)."""
    debit, credit = SIDES[kind]
    return post_billing_entry(kind, entry_date, memo, two_lines(debit, credit, amount, agency_id, detail),
                              invoice_id=invoice_id, client_payment_id=client_payment_id)
