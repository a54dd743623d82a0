"""A draft whose pay is reversed before it is issued is refused at issue, in words, and refreshed from the pay that
stands now (hand figures in each docstring)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from tests.integration.billing.conftest import ISSUED

THROUGH = date(2026, 11, 8)
REVERSED_ON = date(2026, 11, 20)


def _drafted_week(world):
    """45 h (10, 10, 10, 10, 5) at bill rate $30.00: a draft of 40 h × $30.00 = $1,200.00 and 5 OT h × $45.00 =
    $225.00 = $1,425.00, no number."""
    from backoffice.billing.services.invoicing import create_invoices
    from payroll.models import Paycheck

    e = world.worker(rate="20.00")
    e.bill_rate = Decimal("30.00")
    world.time(e, hours=(10, 10, 10, 10, 5, 0, 0))
    run = world.approved_run()
    [draft] = create_invoices(THROUGH, None, issue_date=ISSUED, issue=False).invoices
    assert (draft.status, draft.number, draft.total) == ("draft", None, Decimal("1425.00"))
    paycheck = world.db.session.execute(sa.select(Paycheck).where(Paycheck.run_id == run.id)).scalar_one()
    return run, paycheck, draft


def test_a_draft_whose_pay_was_reversed_is_refused_at_issue_naming_its_lines(db, world):
    """The run is reversed after the $1,425.00 draft was made: issuing it is refused (code draft_pay_reversed)
    naming both lines and saying to refresh it; no number is taken (the next issue is still INV-000001), no
    journal entry is posted, and no credit note is made (nothing was issued)."""
    from backoffice.billing.models import Invoice, InvoiceSequence
    from backoffice.billing.services.invoicing import issue_invoice
    from backoffice.errors import DomainError
    from payroll.models_ledger import JournalEntry
    from payroll.services.corrections import reverse_run

    run, _, draft = _drafted_week(world)
    reverse_run(run.id, world.hr, "wrong week", on=REVERSED_ON)
    db.session.expire_all()
    with pytest.raises(DomainError) as refused:
        issue_invoice(draft.id, ISSUED)
    assert refused.value.code == "draft_pay_reversed"
    assert str(refused.value) == (
        f"{draft} bills pay reversed since it was drafted (Pat1 Lee1, regular hours, week of Nov 2, 2026; Pat1 "
        f"Lee1, overtime hours, week of Nov 2, 2026). Refresh the draft: it is voided and the client invoiced "
        f"again, leaving the reversed pay out until it is paid again")
    db.session.expire_all()
    assert (db.session.get(Invoice, draft.id).status, db.session.get(Invoice, draft.id).number) == ("draft", None)
    assert db.session.execute(sa.select(sa.func.count()).select_from(InvoiceSequence)).scalar() == 0
    assert db.session.execute(sa.select(sa.func.count()).select_from(JournalEntry)
                              .where(JournalEntry.invoice_id.is_not(None))).scalar() == 0
    assert db.session.execute(sa.select(sa.func.count()).select_from(Invoice)
                              .where(Invoice.kind == "credit_note")).scalar() == 0


def test_a_draft_written_before_lines_named_their_paycheck_is_refused_too(db, world):
    """The same draft with its lines' paycheck cleared (as drafts made before this change hold them): the
    timesheet's run's paycheck for the worker is reversed, so issue is refused all the same."""
    from backoffice.billing.services.invoicing import issue_invoice
    from backoffice.errors import DomainError
    from payroll.services.corrections import reverse_run

    run, _, draft = _drafted_week(world)
    for ln in draft.lines:
        ln.paycheck_id = None
    db.session.flush()
    reverse_run(run.id, world.hr, "wrong week", on=REVERSED_ON)
    db.session.expire_all()
    with pytest.raises(DomainError, match="bills pay reversed since it was drafted") as refused:
        issue_invoice(draft.id, ISSUED)
    assert refused.value.code == "draft_pay_reversed"


def test_refreshing_the_draft_leaves_reversed_pay_out_then_bills_the_re_issue(db, world):
    """Refreshed right after the reversal, the draft is voided (its keys released) and nothing is drafted: the
    pay is gone. Once the paycheck is re-issued and approved, the next pass bills the same 45 h from the
    re-issued paycheck — INV-000001 $1,425.00 (1,200.00 + 225.00), the first number taken."""
    from backoffice.billing.models import Invoice
    from backoffice.billing.services.invoicing import create_invoices, refresh_draft
    from payroll.models import Paycheck
    from payroll.services import runs
    from payroll.services.corrections import reissue_paycheck, reverse_run

    run, paycheck, draft = _drafted_week(world)
    reverse_run(run.id, world.hr, "wrong week", on=REVERSED_ON)
    db.session.expire_all()
    assert refresh_draft(draft.id, world.finance).invoices == []
    old = db.session.get(Invoice, draft.id)
    assert (old.status, [ln.source_key for ln in old.lines]) == ("void", [None, None])
    correction = reissue_paycheck(paycheck.id, world.hr)
    runs.approve_run(correction.id, world.hr2)
    db.session.expire_all()
    reissued = db.session.execute(sa.select(Paycheck).where(Paycheck.reissue_of_id == paycheck.id)).scalar_one()
    [inv] = create_invoices(THROUGH, None, issue_date=REVERSED_ON, issue=True).invoices
    assert [(ln.paycheck_id, ln.amount) for ln in inv.lines] == [(reissued.id, Decimal("1200.00")),
                                                                 (reissued.id, Decimal("225.00"))]
    assert (inv.number, inv.total) == ("INV-000001", Decimal("1425.00"))


def test_a_draft_whose_pay_stands_is_refreshed_into_the_same_figures(db, world):
    """Nothing reversed: refreshing the $1,425.00 draft voids it and drafts the same two lines again
    ($1,200.00 + $225.00), and that draft issues as INV-000001."""
    from backoffice.billing.services.invoicing import issue_invoice, refresh_draft

    _, paycheck, draft = _drafted_week(world)
    [again] = refresh_draft(draft.id, world.finance).invoices
    assert (again.status, [(ln.paycheck_id, ln.amount) for ln in again.lines]) == (
        "draft", [(paycheck.id, Decimal("1200.00")), (paycheck.id, Decimal("225.00"))])
    assert issue_invoice(again.id, ISSUED).number == "INV-000001"
