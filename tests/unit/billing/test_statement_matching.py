"""Reading a bank statement CSV and matching its receipts to open invoices (hand-made files and figures)."""
from __future__ import annotations

from datetime import date

from backoffice.billing.matching import (ClientName, OpenInvoice, invoice_number_in, match_lines, normal_name,
                                         read_statement)
from backoffice.money import D

INVOICES = [
    OpenInvoice(11, "INV-000011", 1, D("1200.00"), date(2026, 3, 1)),
    OpenInvoice(12, "INV-000012", 1, D("300.00"), date(2026, 3, 15)),
    OpenInvoice(13, "INV-000013", 1, D("300.00"), date(2026, 2, 15)),
    OpenInvoice(21, "INV-000021", 2, D("75.25"), date(2026, 3, 1)),
]
CLIENTS = [ClientName(1, ("Acme Staffing Co", "Acme Staffing Company LLC")), ClientName(2, ("Birch Foods", ""))]


def test_invoice_numbers_are_found_however_the_payer_wrote_them():
    assert invoice_number_in("PAYMENT INV-000123 THANKS") == "INV-000123"
    assert invoice_number_in("inv 123") == "INV-000123"
    assert invoice_number_in("ref INV000011/ACME") == "INV-000011"
    assert invoice_number_in("ACH CREDIT 44120") is None
    assert normal_name("ACME STAFFING CO.") == normal_name("Acme Staffing") == "acme staffing"


def test_a_statement_is_read_with_debits_skipped_and_aliased_columns():
    """Three rows: a receipt, a bank fee (−15.00, skipped), a receipt with a $ and thousands comma."""
    content = (b"Posted Date,Credit,Description,Payer\n"
               b"2026-03-02,1200.00,INV-000011,Acme Staffing Co\n"
               b"2026-03-02,-15.00,WIRE FEE,\n"
               b"2026-03-03,\"$1,000.00\",remit,Birch Foods\n")
    lines, skipped, issues = read_statement(content)
    assert issues == [] and skipped == 1
    assert [(ln.line, ln.received_on, ln.amount, ln.reference) for ln in lines] == [
        (2, date(2026, 3, 2), D("1200.00"), "INV-000011"), (4, date(2026, 3, 3), D("1000.00"), "remit")]


def test_every_bad_row_of_a_statement_is_named_by_line():
    content = b"date,amount,reference\n2026-02-30,10.00,x\n2026-03-01,ten,y\n2026-03-01,0,z\n2026-03-01,1.005,w\n"
    _, _, issues = read_statement(content)
    assert [(i.row, i.field) for i in issues] == [(2, "date"), (3, "amount"), (4, "amount"), (5, "amount")]
    _, _, missing = read_statement(b"when,how much\n2026-03-01,5\n")
    assert [(i.field, i.code) for i in missing] == [("date", "missing_column"), ("amount", "missing_column")]


def test_receipts_match_by_invoice_number_then_by_exact_amount_and_client_else_stay_unmatched():
    """Row 2 names INV-000011 and pays 1,000.00 of its 1,200.00: matched by number (200.00 left).
    Row 3 names INV-000011 again and pays 250.00 > the 200.00 left: unmatched. Row 4 has no number; the payer is
    Acme and two Acme invoices owe exactly 300.00: the earlier due (INV-000013, Feb 15) is taken. Row 5: Birch
    pays 75.00, no Birch invoice owes exactly that: unmatched but the client is known. Row 6: unknown payer."""
    lines, _, issues = read_statement(
        b"date,amount,reference,payer\n"
        b"2026-03-02,1000.00,INV-000011 part,\n"
        b"2026-03-02,250.00,INV-000011 rest,\n"
        b"2026-03-03,300.00,ACH CREDIT,ACME STAFFING CO.\n"
        b"2026-03-03,75.00,ACH CREDIT,Birch Foods\n"
        b"2026-03-04,75.25,ACH CREDIT,Somebody Else\n")
    assert issues == []
    got = [(m.line.line, m.invoice_id, m.client_id, m.how) for m in match_lines(lines, INVOICES, CLIENTS)]
    assert got == [(2, 11, 1, "invoice_number"), (3, None, 1, ""), (4, 13, 1, "amount_and_client"),
                   (5, None, 2, ""), (6, None, None, "")]
    reasons = [m.reason for m in match_lines(lines, INVOICES, CLIENTS)]
    assert reasons[1] == "250.00 is more than the 200.00 still owed on INV-000011"


def test_two_receipts_of_the_same_amount_pay_the_two_invoices_that_owe_it_oldest_first():
    """Acme owes 300.00 on INV-000013 (due Feb 15) and INV-000012 (due Mar 15): two 300.00 receipts pay 13 then
    12; a third finds nothing owing exactly 300.00."""
    lines, _, _ = read_statement(b"date,amount,payer\n2026-03-05,300.00,Acme Staffing Co\n"
                                 b"2026-03-05,300.00,Acme Staffing Co\n2026-03-05,300.00,Acme Staffing Co\n")
    assert [m.invoice_id for m in match_lines(lines, INVOICES, CLIENTS)] == [13, 12, None]
