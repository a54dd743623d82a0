"""Credit notes after a reversal: exactly the billed lines credited, never twice, the sent invoice unchanged, the
ledger and open balances in step (hand figures in each docstring)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from tests.integration.billing.conftest import ISSUED
from tests.integration.payroll.conftest import assert_ledger_balanced

from .receivables_support import account_balance

THROUGH = date(2026, 11, 8)
REVERSED_ON = date(2026, 11, 20)


def _billed_week(world, hours=(10, 10, 10, 10, 5, 0, 0)):
    """One worker, 45 h at pay $20.00, bill rate $30.00: INV-000001 bills 40 h × $30.00 = $1,200.00 and 5 OT h
    × $45.00 = $225.00, total $1,425.00 (billing's own test of the same week)."""
    from backoffice.billing.services.invoicing import create_invoices

    e = world.worker(rate="20.00")
    e.bill_rate = Decimal("30.00")
    world.time(e, hours=hours)
    run = world.approved_run()
    [inv] = create_invoices(THROUGH, None, issue_date=ISSUED, issue=True).invoices
    return run, inv


def test_a_reversed_paycheck_is_credited_line_by_line_with_its_own_number(db, world):
    """INV-000001 for $1,425.00; the client pays $425.00 (balance $1,000.00). The run is reversed on Nov 20:
    CN-000001 credits both lines ($1,200.00 + $225.00 = $1,425.00), uses $1,000.00 to clear the invoice (paid,
    balance 0) and keeps $425.00 as open credit. Ledger 1100: +1,425 − 425 − 1,425 = −425.00 = invoice balances
    (0) − open credit (425); 4000 revenue back to 0.00. The sent invoice's lines read as they did."""
    from backoffice.billing.models import Invoice, InvoiceLine
    from backoffice.billing.receipts import record_payment
    from backoffice.extensions import db as _db
    from payroll.services.corrections import reverse_run

    run, inv = _billed_week(world)
    before = [(ln.description, ln.quantity, ln.rate, ln.amount) for ln in inv.lines]
    record_payment(inv.id, {"amount": "425.00", "received_on": "2026-11-18"}, world.finance, today=REVERSED_ON)
    reverse_run(run.id, world.hr, "hours entered twice", on=REVERSED_ON)
    _db.session.expire_all()
    note = _db.session.execute(sa.select(Invoice).where(Invoice.kind == "credit_note")).scalar_one()
    inv = _db.session.get(Invoice, inv.id)
    assert (note.number, note.total, note.balance, note.status, note.issue_date, note.credits_invoice_id) == (
        "CN-000001", Decimal("1425.00"), Decimal("425.00"), "sent", REVERSED_ON, inv.id)
    assert [(ln.unit, ln.quantity, ln.rate, ln.amount, ln.source_key) for ln in note.lines] == [
        ("credit", Decimal("40"), Decimal("30.00"), Decimal("1200.00"), f"credit:{inv.lines[0].id}"),
        ("credit", Decimal("5"), Decimal("45.00"), Decimal("225.00"), f"credit:{inv.lines[1].id}")]
    assert (inv.balance, inv.status, inv.total) == (Decimal("0.00"), "paid", Decimal("1425.00"))
    assert [(ln.description, ln.quantity, ln.rate, ln.amount) for ln in inv.lines] == before
    assert (account_balance("1100"), account_balance("4000")) == (Decimal("-425.00"), Decimal("0.00"))
    assert_ledger_balanced()
    # never credited twice: crediting the same lines again makes no second credit note
    from backoffice.billing.credit_notes import credit_lines
    assert credit_lines(_db.session.execute(sa.select(InvoiceLine).where(InvoiceLine.invoice_id == inv.id)
                                            ).scalars(), REVERSED_ON, "again") == []


def test_staff_credit_one_corrected_line_and_the_rest_stays_owed(db, world, make_user):
    """The overtime line ($225.00) was wrong: staff credit only it. CN-000001 $225.00 clears $225.00 of the
    $1,425.00 owed → $1,200.00, partially paid; the aging total is $1,200.00; crediting it again is refused."""
    from backoffice.billing.aging import aging_report
    from backoffice.billing.buckets import totals
    from backoffice.billing.credit_notes import credit_invoice_lines
    from backoffice.errors import ValidationFailed

    _, inv = _billed_week(world)
    ot = inv.lines[1]
    note = credit_invoice_lines(inv.id, [ot.id], "overtime not worked", world.finance, today=REVERSED_ON)
    assert (note.number, note.total, note.balance, note.status) == ("CN-000001", Decimal("225.00"),
                                                                   Decimal("0.00"), "paid")
    assert (inv.balance, inv.status) == (Decimal("1200.00"), "partially_paid")
    assert totals(aging_report(REVERSED_ON)).total == Decimal("1200.00") == account_balance("1100")
    with pytest.raises(ValidationFailed, match="already credited"):
        credit_invoice_lines(inv.id, [ot.id], "again", world.finance, today=REVERSED_ON)


def test_after_a_reversal_and_re_issue_the_pay_is_billed_again_on_the_next_invoice(db, world):
    """Cost-plus client (markup 25%): the week's paycheck is billed as one cost-plus line, reversed (CN-000001
    credits that line in full), then re-issued and approved: the next invoicing bills the re-issued paycheck —
    INV-000002 with one line for the same amount as the credited one (a re-issue copies the paycheck exactly),
    naming the new paycheck. Receivables: the first invoice is cleared by the credit note, the second is owed."""
    from backoffice.billing.models import Invoice
    from backoffice.billing.services.invoicing import create_invoices
    from backoffice.extensions import db as _db
    from payroll.models import Paycheck
    from payroll.services import runs
    from payroll.services.corrections import reissue_paycheck, reverse_run

    world.client.billing_method = "cost_plus"
    world.client.markup_rate = Decimal("0.2500")
    world.time(world.worker(rate="20.00"), hours=(8, 8, 8, 8, 8, 0, 0))
    run = world.approved_run()
    [first] = create_invoices(THROUGH, None, issue_date=ISSUED, issue=True).invoices
    [line] = first.lines
    assert line.unit == "cost_plus"
    reverse_run(run.id, world.hr, "wrong state", on=REVERSED_ON)
    original = _db.session.execute(sa.select(Paycheck).where(Paycheck.run_id == run.id)).scalar_one()
    correction = reissue_paycheck(original.id, world.hr)
    runs.approve_run(correction.id, world.hr2)
    _db.session.expire_all()
    note = _db.session.execute(sa.select(Invoice).where(Invoice.kind == "credit_note")).scalar_one()
    assert (note.number, note.total, _db.session.get(Invoice, first.id).balance) == ("CN-000001", line.amount,
                                                                                   Decimal("0.00"))
    [second] = create_invoices(THROUGH, None, issue_date=REVERSED_ON, issue=True).invoices
    reissued = _db.session.execute(sa.select(Paycheck).where(Paycheck.reissue_of_id == original.id)).scalar_one()
    assert [(ln.paycheck_id, ln.amount) for ln in second.lines] == [(reissued.id, line.amount)]
    assert (second.number, account_balance("1100")) == ("INV-000002", line.amount)
