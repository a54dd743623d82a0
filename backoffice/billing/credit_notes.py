"""Credit notes: when pay that was invoiced is reversed (or staff credit lines whose time was corrected), a credit
note credits exactly those lines — never editing the sent invoice.

A credit note is an invoice of kind credit_note with its own gapless CN- number, one line per credited line
(source key "credit:<line id>", unique: a line is never credited twice; unit "credit", the same quantity, rate and
amount). It lowers the credited invoice's balance by what it still owed (at most), and keeps the rest as open
credit for the client (its own balance). It posts Dr 4000 revenue / Cr 1100 receivables for its total on its
issue date. After a reversal the credited line gives up its source key (as a voided draft's lines do; its text and
figures stay as sent), so the pay it billed is billable again when it is paid again (a re-issued paycheck is billed
on the next invoice); a line staff credit by hand keeps its key (what it billed was wrong: it is not billed again;
corrected time comes back as new time or an adjustment).
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Iterable

import sqlalchemy as sa

from backoffice.billing.models import OPEN_STATUSES, Invoice, InvoiceLine
from backoffice.billing.receipts import locked_invoice, status_for
from backoffice.billing.receivables_ledger import post
from backoffice.billing.services.invoicing import next_number
from backoffice.errors import DomainError, Issue, ValidationFailed
from backoffice.extensions import db
from backoffice.money import ZERO
from backoffice.security.access import require
from backoffice.uow import transaction, unique_or_refuse
from payroll.models import Paycheck, PayrollRun, Timesheet
from payroll.piecework.models import TaskCompletion

CREDITABLE = OPEN_STATUSES + ("paid", "written_off")        # issued invoices (never drafts or void ones)


def credited_line_ids(line_ids: Iterable[int]) -> set[int]:
    """Which of these lines a credit note already credits."""
    ids = list(line_ids)
    if not ids:
        return set()
    return set(db.session.execute(sa.select(InvoiceLine.credits_line_id).where(
        InvoiceLine.credits_line_id.in_(ids))).scalars())


def _credit_one_invoice(invoice_id: int, lines: list[InvoiceLine], issue_date: date, reason: str,
                        user, release: bool) -> Invoice:
    invoice = locked_invoice(invoice_id)
    total = sum((ln.amount for ln in lines), ZERO)
    note = Invoice(agency_id=invoice.agency_id, client_id=invoice.client_id, kind="credit_note", status="draft",
                   period_start=invoice.period_start, period_end=invoice.period_end, po_number=invoice.po_number,
                   total=total, balance=ZERO, credits_invoice_id=invoice.id, worker_id=invoice.worker_id,
                   memo=(f"Credits {invoice.number}: {reason}" if reason else f"Credits {invoice.number}")[:500],
                   created_by_id=getattr(user, "id", None))
    note.lines = [InvoiceLine(worker_id=ln.worker_id, engagement_id=ln.engagement_id, credits_line_id=ln.id,
                              description=f"Credit: {ln.description}"[:300], quantity=ln.quantity, unit="credit",
                              rate=ln.rate, amount=ln.amount, source_key=f"credit:{ln.id}") for ln in lines]
    if release:                 # reversed pay: billed again once it is paid again
        for ln in lines:
            ln.source_key = None
    with unique_or_refuse("invoice_lines_source_key", "a line was credited at the same moment by someone else; "
                          "nothing was credited twice — look again", "credited_concurrently",
                          columns="invoice_lines.source_key"):
        db.session.add(note)
    note.number = next_number(note.agency_id, "credit_note")
    note.issue_date = note.due_date = issue_date
    applied = min(total, invoice.balance) if invoice.status in OPEN_STATUSES else ZERO
    if applied:
        invoice.balance = invoice.balance - applied
        invoice.status = status_for(invoice)
    note.balance = total - applied
    note.status = "sent" if note.balance > 0 else "paid"
    db.session.flush()
    post("credit_note", issue_date, f"Credit note {note.number} on {invoice.number}", total, note.agency_id,
         invoice_id=note.id, detail=note.number)
    return note


def credit_lines(lines: Iterable[InvoiceLine], issue_date: date, reason: str, user=None, *,
                 release: bool = False) -> list[Invoice]:
    """One credit note per invoice for these lines of issued invoices that no credit note credits yet (in the
    caller's transaction). Lines already credited are left out; credit lines themselves are never credited.
    `release`: the credited lines give up their source keys (pay reversed: what they billed is billable again
    when it is paid again, and billing's facts skip reversed pay until then)."""
    lines = [ln for ln in lines if ln.unit != "credit"]
    done = credited_line_ids(ln.id for ln in lines)
    by_invoice: dict[int, list[InvoiceLine]] = defaultdict(list)
    for ln in lines:
        if ln.id not in done:
            by_invoice[ln.invoice_id].append(ln)
    return [_credit_one_invoice(iid, sorted(lns, key=lambda x: x.id), issue_date, reason, user, release)
            for iid, lns in sorted(by_invoice.items())]


def _issued_lines(stmt) -> list[InvoiceLine]:
    return list(db.session.execute(
        stmt.join(Invoice, Invoice.id == InvoiceLine.invoice_id)
        .where(Invoice.kind == "invoice", Invoice.status.in_(CREDITABLE), InvoiceLine.unit != "credit")
        .order_by(InvoiceLine.id)).scalars())


def lines_billing_paychecks(paychecks: list[Paycheck]) -> list[InvoiceLine]:
    """The issued invoice lines that billed what these paychecks paid: the lines naming them (cost-plus lines,
    and the timesheet and task lines billed from them), and, for lines written before bill-rate lines named their
    paycheck, the lines of the timesheets and tasks the paychecks' runs paid the same worker."""
    if not paychecks:
        return []
    ids = [p.id for p in paychecks]
    lines = _issued_lines(sa.select(InvoiceLine).where(InvoiceLine.paycheck_id.in_(ids)))
    for p in paychecks:
        # each line's sheet by its primary key (timesheets.paid_run_id has no index: 0134)
        sheets = sa.exists().where(Timesheet.id == InvoiceLine.timesheet_id, Timesheet.paid_run_id == p.run_id)
        tasks = sa.select(TaskCompletion.id).where(TaskCompletion.paid_run_id == p.run_id)
        lines += _issued_lines(sa.select(InvoiceLine).where(
            InvoiceLine.worker_id == p.worker_id, InvoiceLine.paycheck_id.is_(None),
            sa.or_(sheets, InvoiceLine.task_completion_id.in_(tasks))))
    seen, out = set(), []
    for ln in lines:
        if ln.id not in seen:
            seen.add(ln.id)
            out.append(ln)
    return out


def paychecks_reversed(reversal_run: PayrollRun) -> list[Invoice]:
    """payroll's PAYCHECKS_REVERSED hook: credit every issued line that billed the reversed paychecks, dated the
    reversal's date, in the reversal's own unit of work."""
    originals = list(db.session.execute(
        sa.select(Paycheck).where(Paycheck.id.in_(
            sa.select(Paycheck.reverses_id).where(Paycheck.run_id == reversal_run.id,
                                                  Paycheck.reverses_id.is_not(None))))).scalars())
    return credit_lines(lines_billing_paychecks(originals), reversal_run.pay_date,
                        f"pay reversed (run #{reversal_run.id})", release=True)


@transaction()
def credit_invoice_lines(invoice_id: int, line_ids: list[int], reason: str, user, *, today: date) -> Invoice:
    """Staff credit chosen lines of one issued invoice (time corrected after it was invoiced): a credit note."""
    require(user, "invoice", "create")
    issues = []
    if not (reason or "").strip():
        issues.append(Issue("reason", "is required (what was corrected)", "required"))
    if not line_ids:
        issues.append(Issue("line_ids", "choose at least one line to credit", "required"))
    invoice = locked_invoice(invoice_id, user)
    if invoice.kind != "invoice" or invoice.status not in CREDITABLE:
        raise DomainError(f"{invoice} is {invoice.status}: only an issued invoice is credited", code="not_issued")
    lines = list(db.session.execute(sa.select(InvoiceLine).where(InvoiceLine.invoice_id == invoice.id,
                                                                 InvoiceLine.id.in_(line_ids))).scalars())
    if len(lines) != len(set(line_ids)):
        issues.append(Issue("line_ids", f"not all are lines of {invoice.number}"))
    already = credited_line_ids(ln.id for ln in lines)
    if already:
        issues.append(Issue("line_ids", "already credited: line " + ", ".join(str(i) for i in sorted(already)),
                            "already_credited"))
    if issues:
        raise ValidationFailed(issues)
    (note,) = credit_lines(lines, today, reason.strip(), user)
    return note
