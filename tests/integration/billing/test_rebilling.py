"""Re-paid time is billed again exactly once: a bill-rate week whose paycheck was reversed (credit note) and then
re-issued is billed on the next invoice, naming the re-issued paycheck; reversed and not re-paid time (hours or
tasks) is not billed; a second reversal credits the re-billed lines too (hand figures in each docstring)."""
from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal

import sqlalchemy as sa

from tests.integration.billing.conftest import ISSUED
from tests.integration.payroll.conftest import assert_ledger_balanced

from .receivables_support import account_balance

THROUGH = date(2026, 11, 8)
REVERSED_ON = date(2026, 11, 20)
REBILLED_ON = date(2026, 11, 23)


def _invoice(issue_date=ISSUED):
    from backoffice.billing.services.invoicing import create_invoices

    return create_invoices(THROUGH, None, issue_date=issue_date, issue=True).invoices


def _billed_week(world):
    """45 h (10, 10, 10, 10, 5) at pay $20.00, bill rate $30.00: INV-000001 bills 40 h × $30.00 = $1,200.00 and
    5 OT h × $45.00 = $225.00 = $1,425.00."""
    e = world.worker(rate="20.00")
    e.bill_rate = Decimal("30.00")
    ts = world.time(e, hours=(10, 10, 10, 10, 5, 0, 0))
    run = world.approved_run()
    [inv] = _invoice()
    return run, ts, inv


def _paycheck_of(run):
    from backoffice.extensions import db
    from payroll.models import Paycheck

    return db.session.execute(sa.select(Paycheck).where(Paycheck.run_id == run.id,
                                                        Paycheck.kind == "regular")).scalar_one()


def _reissue(world, paycheck):
    """Re-issue the reversed paycheck in a correction run, approved by a second person."""
    from backoffice.extensions import db
    from payroll.models import Paycheck
    from payroll.services import runs
    from payroll.services.corrections import reissue_paycheck

    correction = reissue_paycheck(paycheck.id, world.hr)
    runs.approve_run(correction.id, world.hr2)
    db.session.expire_all()
    return db.session.execute(sa.select(Paycheck).where(Paycheck.reissue_of_id == paycheck.id)).scalar_one()


def test_a_re_issued_bill_rate_week_is_billed_again_once_naming_the_re_issued_paycheck(db, world):
    """INV-000001 $1,425.00 (40 h × $30.00 + 5 OT h × $45.00). The run is reversed on Nov 20: CN-000001 credits
    $1,425.00 and the lines give up their keys. Invoicing before the re-issue bills nothing (the pay is gone).
    The paycheck is re-issued (a copy: the same 45 h, 5 of them overtime) and approved: invoicing on Nov 23
    makes INV-000002 with the same two lines, 40 h × $30.00 = $1,200.00 and 5 h × $45.00 = $225.00, each naming
    the timesheet and the re-issued paycheck; a third pass bills nothing. Ledger 1100: +1,425 − 1,425 + 1,425
    = 1,425.00 = INV-000002's balance; 4000 revenue the same."""
    from backoffice.extensions import db as _db
    from payroll.services.corrections import reverse_run

    run, ts, first = _billed_week(world)
    original = _paycheck_of(run)
    assert [ln.paycheck_id for ln in first.lines] == [original.id, original.id]
    reverse_run(run.id, world.hr, "wrong week", on=REVERSED_ON)
    _db.session.expire_all()
    assert _invoice(REBILLED_ON) == []
    reissued = _reissue(world, original)
    [second] = _invoice(REBILLED_ON)
    got = [(ln.unit, ln.quantity, ln.rate, ln.amount, ln.timesheet_id, ln.paycheck_id, ln.source_key)
           for ln in second.lines]
    assert got == [("hour", Decimal("40"), Decimal("30.00"), Decimal("1200.00"), ts.id, reissued.id,
                    f"ts:{ts.id}:regular"),
                   ("overtime_hour", Decimal("5"), Decimal("45.00"), Decimal("225.00"), ts.id, reissued.id,
                    f"ts:{ts.id}:overtime")]
    assert (second.number, second.total, second.issue_date) == ("INV-000002", Decimal("1425.00"), REBILLED_ON)
    assert _invoice(REBILLED_ON) == []
    assert (account_balance("1100"), account_balance("4000")) == (Decimal("1425.00"), Decimal("-1425.00"))
    assert_ledger_balanced()


def test_one_reversed_paycheck_of_a_run_is_re_billed_while_the_others_stay_billed_once(db, world):
    """Two workers, 8 h each at bill rate $30.00: INV-000001 $480.00 (two lines of $240.00). The run is paid,
    then only Pat1's paycheck is reversed (asked by one person, done by another; the run stays paid): CN-000001
    credits Pat1's $240.00 line alone. Re-issued, Pat1's 8 h come back as INV-000002 $240.00; Pat2's week is not
    billed again. 1100: 480 − 240 + 240 = 480.00."""
    from backoffice.billing.models import Invoice
    from backoffice.extensions import db as _db
    from payroll.models import Paycheck
    from payroll.services import payments, runs
    from payroll.services.corrections import request_reversal, reverse_paycheck
    from tests.integration.payroll.conftest import NOW, SETTLES

    e1, e2 = world.worker(rate="20.00"), world.worker(rate="20.00")
    for e in (e1, e2):
        e.bill_rate = Decimal("30.00")
        world.time(e, hours=(8, 0, 0, 0, 0, 0, 0))
    run = world.approved_run()
    [first] = _invoice()
    assert first.total == Decimal("480.00")
    payments.generate_nacha(run.id, world.finance, now=NOW, effective_date=SETTLES)
    runs.mark_paid(run.id, world.finance)
    p1 = _db.session.execute(sa.select(Paycheck).where(Paycheck.run_id == run.id,
                                                       Paycheck.worker_id == e1.worker_id)).scalar_one()
    request_reversal(world.hr, "wrong rate", paycheck_id=p1.id)
    reverse_paycheck(p1.id, world.hr2, "wrong rate", on=REVERSED_ON)
    _db.session.expire_all()
    note = _db.session.execute(sa.select(Invoice).where(Invoice.kind == "credit_note")).scalar_one()
    assert [(ln.worker_id, ln.amount) for ln in note.lines] == [(e1.worker_id, Decimal("240.00"))]
    reissued = _reissue(world, p1)
    [second] = _invoice(REBILLED_ON)
    assert [(ln.worker_id, ln.paycheck_id, ln.amount) for ln in second.lines] == [
        (e1.worker_id, reissued.id, Decimal("240.00"))]
    assert (second.number, account_balance("1100")) == ("INV-000002", Decimal("480.00"))


def test_a_reversed_re_issue_is_credited_and_billed_again_only_when_re_issued_again(db, world):
    """The re-billed week (INV-000002, $1,425.00, naming the re-issued paycheck) is reversed in its turn (its
    correction run reversed):
    CN-000002 credits INV-000002's two lines ($1,425.00), found through the paycheck they name, and nothing is
    billed until that paycheck is itself re-issued — then INV-000003 bills $1,425.00 once more."""
    from backoffice.billing.models import Invoice
    from backoffice.extensions import db as _db
    from payroll.services.corrections import reverse_run

    run, ts, first = _billed_week(world)
    original = _paycheck_of(run)
    reverse_run(run.id, world.hr, "wrong week", on=REVERSED_ON)
    _db.session.expire_all()
    reissued = _reissue(world, original)
    [second] = _invoice(REBILLED_ON)
    reverse_run(reissued.run_id, world.hr, "still wrong", on=REBILLED_ON)
    _db.session.expire_all()
    notes = _db.session.execute(sa.select(Invoice).where(Invoice.kind == "credit_note").order_by(Invoice.id)
                                ).scalars().all()
    assert [(n.number, n.total, n.credits_invoice_id) for n in notes] == [
        ("CN-000001", Decimal("1425.00"), first.id), ("CN-000002", Decimal("1425.00"), second.id)]
    assert _invoice(REBILLED_ON) == []
    again = _reissue(world, reissued)
    [third] = _invoice(REBILLED_ON)
    assert [(ln.paycheck_id, ln.amount) for ln in third.lines] == [(again.id, Decimal("1200.00")),
                                                                   (again.id, Decimal("225.00"))]
    assert (third.number, account_balance("1100")) == ("INV-000003", Decimal("1425.00"))
    assert_ledger_balanced()


def test_a_reversed_task_is_not_billed_again_until_its_pay_is_re_issued(db, world):
    """A task of 12 units billed at $4.25 = $51.00 (an hour's work) with the worker's 32 h × $30.00 = $960.00
    (33 h worked: no overtime): INV-000001 $1,011.00. The run is reversed: CN-000001 credits $1,011.00 and
    nothing is billed again — neither the hours nor the task — until the paycheck is re-issued; then INV-000002
    bills $1,011.00 again, the task line $51.00 naming the re-issued paycheck."""
    from backoffice.extensions import db as _db
    from payroll.piecework.models import TaskCompletion
    from payroll.services.corrections import reverse_run

    e = world.worker(rate="20.00")
    e.bill_rate = Decimal("30.00")
    world.time(e, hours=(8, 8, 8, 8, 0, 0, 0))
    task = TaskCompletion(engagement_id=e.id, task_ref="T-1", units=Decimal("12"), rate=Decimal("2.50"),
                          amount=Decimal("30.00"), bill_rate=Decimal("4.25"),
                          completed_at=datetime(2026, 11, 3, 15, tzinfo=timezone.utc), work_date=date(2026, 11, 3),
                          minutes=60, source="admin")
    _db.session.add(task)
    _db.session.flush()
    run = world.approved_run()
    [first] = _invoice()
    assert first.total == Decimal("1011.00")
    original = _paycheck_of(run)
    reverse_run(run.id, world.hr, "wrong week", on=REVERSED_ON)
    _db.session.expire_all()
    assert _invoice(REBILLED_ON) == []
    reissued = _reissue(world, original)
    [second] = _invoice(REBILLED_ON)
    assert second.total == Decimal("1011.00")
    [line] = [ln for ln in second.lines if ln.task_completion_id]
    assert (line.amount, line.paycheck_id, line.source_key) == (Decimal("51.00"), reissued.id, f"task:{task.id}")
