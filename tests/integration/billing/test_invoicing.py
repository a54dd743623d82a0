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


def test_invoicing_twice_for_the_same_date_bills_nothing_twice(db, world):
    """The first pass bills 40 h × $30.00 = $1,200.00 (INV-000001); the second, same date, finds nothing unbilled
    and makes no invoice and no number. Even a line written by hand with the same source key is refused by the
    database (the unique key)."""
    import pytest
    from sqlalchemy.exc import IntegrityError

    from backoffice.billing.models import Invoice, InvoiceLine

    e = world.worker(rate="20.00")
    e.bill_rate = Decimal("30.00")
    ts = world.time(e)
    world.approved_run()
    first = _invoice()
    second = _invoice()
    assert [(i.number, i.total) for i in first.invoices] == [("INV-000001", Decimal("1200.00"))]
    assert second.invoices == [] and second.skipped == []
    assert db.session.execute(sa.select(sa.func.count()).select_from(Invoice)).scalar() == 1
    with pytest.raises(IntegrityError):
        with db.session.begin_nested():
            db.session.add(InvoiceLine(invoice_id=first.invoices[0].id, source_key=f"ts:{ts.id}:regular",
                                       unit="hour", amount=Decimal("1.00")))


def test_numbers_have_no_gaps_across_clients_and_a_voided_draft_takes_none(db, world):
    """Three clients' weeks invoiced as drafts; the middle one voided, the other two issued: INV-000001 and
    INV-000002 (the void took no number). Its time is billed again by the next pass, as INV-000003."""
    from backoffice.billing.services.invoicing import issue_invoice, void_draft
    from tests.factories import ClientFactory, EngagementFactory

    engagements = [world.worker(rate="20.00")]
    for name in ("Beacon Health", "Cobalt Foods"):
        c = ClientFactory(name=name, state="TX")
        w = world.worker(rate="20.00")
        engagements.append(EngagementFactory(worker=w.worker, client=c, type="leased_employee", work_state="TX",
                                             pay_rate=Decimal("20.00"), pay_unit="hour", pay_frequency="weekly",
                                             classification="leased_employee"))
    for e in engagements:
        e.bill_rate = Decimal("30.00")
        world.time(e, hours=(8, 0, 0, 0, 0, 0, 0))
    world.approved_run()
    drafts = _invoice(issue=False).invoices
    assert [(d.number, d.status, d.total) for d in drafts] == [(None, "draft", Decimal("240.00"))] * 3
    void_draft(drafts[1].id)
    issued = [issue_invoice(d.id, ISSUED).number for d in (drafts[0], drafts[2])]
    assert issued == ["INV-000001", "INV-000002"]
    again = _invoice().invoices
    assert [(i.client_id, i.number) for i in again] == [(drafts[1].client_id, "INV-000003")]


def test_bad_input_is_refused_naming_the_field(db, world):
    """An impossible date and an unknown client are each named, with the reason."""
    import pytest

    from backoffice.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as bad:
        _invoice(through="2026-02-30", client_id=987654)
    assert [(i.field, i.message) for i in bad.value.issues] == [
        ("through", "'2026-02-30' is not a date (YYYY-MM-DD)"), ("client_id", "there is no client 987654")]


def test_an_issued_invoice_is_neither_voided_nor_issued_again(db, world):
    from backoffice.billing.services.invoicing import issue_invoice, void_draft
    from backoffice.errors import DomainError
    import pytest

    e = world.worker(rate="20.00")
    e.bill_rate = Decimal("30.00")
    world.time(e)
    world.approved_run()
    [inv] = _invoice().invoices
    with pytest.raises(DomainError, match="only a draft is voided; correct an issued invoice with a credit note"):
        void_draft(inv.id)
    with pytest.raises(DomainError, match="already sent"):
        issue_invoice(inv.id, ISSUED)


def test_time_without_a_bill_rate_waits_unbilled_and_is_billed_once_the_rate_is_set(db, world):
    """No bill rate: nothing is invoiced and the pass says whose week waits; with $30.00 set, the next pass bills
    the 40 h: $1,200.00."""
    e = world.worker(rate="20.00")
    world.time(e)
    world.approved_run()
    first = _invoice()
    assert first.invoices == []
    assert first.skipped == ["Acme Logistics: Pat1 Lee1's week of 2026-11-02 is not billed: the engagement has no "
                             "bill rate (set it, then invoice again)"]
    e.bill_rate = Decimal("30.00")
    assert [i.total for i in _invoice().invoices] == [Decimal("1200.00")]


def test_a_per_worker_client_gets_one_invoice_per_worker_with_its_po_and_terms(db, world):
    """Two workers, 8 h each at bill rate $40.00: per-worker invoicing makes two invoices of $320.00, each naming
    its worker, carrying PO-9 and due 15 days after issue (net 15)."""
    world.client.invoice_grouping = "per_worker"
    world.client.po_number = "PO-9"
    world.client.payment_terms_days = 15
    for _ in range(2):
        e = world.worker(rate="20.00")
        e.bill_rate = Decimal("40.00")
        world.time(e, hours=(8, 0, 0, 0, 0, 0, 0))
    world.approved_run()
    invoices = _invoice().invoices
    assert [(i.total, i.po_number, i.due_date) for i in invoices] == [
        (Decimal("320.00"), "PO-9", date(2026, 12, 1))] * 2
    assert len({i.worker_id for i in invoices}) == 2 and all(i.lines[0].worker_id == i.worker_id for i in invoices)


def test_a_task_is_billed_per_unit_at_its_own_bill_rate(db, world):
    """A leased employee's task: 12 units, paid at $2.50, billed at $4.25 a unit: 12 × 4.25 = $51.00."""
    from datetime import datetime, timezone

    from payroll.piecework.models import TaskCompletion

    e = world.worker(rate="20.00")
    e.bill_rate = Decimal("30.00")
    task = TaskCompletion(engagement_id=e.id, task_ref="T-1", units=Decimal("12"), rate=Decimal("2.50"),
                          amount=Decimal("30.00"), bill_rate=Decimal("4.25"),
                          completed_at=datetime(2026, 11, 3, 15, tzinfo=timezone.utc), work_date=date(2026, 11, 3),
                          minutes=60, source="admin")
    db.session.add(task)
    db.session.flush()
    world.approved_run()
    [inv] = _invoice().invoices
    [line] = [ln for ln in inv.lines if ln.task_completion_id]
    assert (line.quantity, line.unit, line.rate, line.amount, line.source_key) == (
        Decimal("12"), "unit", Decimal("4.25"), Decimal("51.00"), f"task:{task.id}")
