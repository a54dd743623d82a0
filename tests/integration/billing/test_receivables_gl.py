"""The receivables' entries in the GL export (reports/exports.py gl): accounts named, every entry balanced, and
receivables equal to the open balances (hand figures)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from reports.queries import Selection
from tests.factories import ClientFactory

from .receivables_support import issued_invoice

TODAY = date(2026, 9, 30)


def test_receipts_credit_notes_and_write_offs_appear_in_the_gl_export_by_account(db, make_user):
    """Two invoices: 1,000.00 (Acme) and 400.00 (Birch) → Dr 1100 1,400.00 / Cr 4000 1,400.00. Acme pays 600.00
    (Dr 1010 / Cr 1100 600.00); a credit note on Acme's line credits 1,000.00 (Dr 4000 / Cr 1100 1,000.00: 400.00
    clears the invoice, 600.00 is open credit); Birch's 400.00 is written off (Dr 6900 / Cr 1100 400.00).
    By account: 1010 +600.00, 1100 1,400 − 600 − 1,000 − 400 = −600.00 (= invoice balances 0 − open credit
    600.00), 4000 −1,400 + 1,000 = −400.00, 6900 +400.00; debits = credits = 3,400.00."""
    from backoffice.billing.credit_notes import credit_invoice_lines
    from backoffice.billing.receipts import record_payment
    from backoffice.billing.writeoffs import approve_write_off, request_write_off
    from reports import exports

    ann, bo = make_user("finance"), make_user("finance")
    acme = issued_invoice(ClientFactory(name="Acme"), "1000.00", date(2026, 7, 1))
    birch = issued_invoice(ClientFactory(name="Birch"), "400.00", date(2026, 7, 1))
    record_payment(acme.id, {"amount": "600.00", "received_on": "2026-07-15"}, ann, today=TODAY)
    note = credit_invoice_lines(acme.id, [acme.lines[0].id], "hours billed twice", ann, today=date(2026, 8, 1))
    approve_write_off(request_write_off(birch.id, "400.00", "bankrupt", ann, today=TODAY).id, bo, today=TODAY)
    assert (note.balance, acme.balance) == (Decimal("600.00"), Decimal("0.00"))

    journal, by_account = exports.gl_sheets(Selection(start=date(2026, 7, 1), end=date(2026, 9, 30)))
    rows = {r["account"]: r for r in by_account.frame.to_dict("records")}
    assert {a: (rows[a]["account_name"], rows[a]["balance"]) for a in ("1010", "1100", "4000", "6900")} == {
        "1010": ("Cash - operating account", 60000), "1100": ("Accounts receivable", -60000),
        "4000": ("Revenue - staffing services", -40000), "6900": ("Bad debt expense", 40000)}
    assert int(journal.frame["debit"].sum()) == int(journal.frame["credit"].sum()) == 340000
    assert set(journal.frame["entry_kind"]) == {"invoice", "receipt", "credit_note", "write_off"}
    csv_text = exports.export("gl", Selection(start=date(2026, 7, 1), end=date(2026, 9, 30)), "csv").content.decode()
    assert "Accounts receivable" in csv_text and "Bad debt expense" in csv_text
