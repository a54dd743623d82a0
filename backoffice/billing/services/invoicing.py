"""Invoicing: the invoices due through a date from what clients have not been billed for yet, then issued (gapless
numbers under a row lock, the journal entry); drafts issued or voided one by one."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from backoffice.billing import engine
from backoffice.billing.models import INVOICE_KINDS, Invoice, InvoiceLine, InvoiceSequence
from backoffice.dates import parse_date
from backoffice.errors import DomainError, Issue, NotFound, ValidationFailed
from backoffice.extensions import db
from backoffice.money import ZERO, from_cents
from backoffice.uow import for_update, transaction
from backoffice.validation import is_record_id
from backoffice.workers.models import Agency, Client, Engagement
from payroll.services.common import bulk_insert, cents, units4
from payroll.services.ledger import raw_sum

from . import facts
from .ledger import post_invoice_issued


# invoice_lines columns written in bulk (COPY on PostgreSQL): a week of 10,000 workers is ~17,000 lines
LINE_COLUMNS = ("invoice_id", "source_key", "worker_id", "engagement_id", "timesheet_id", "paycheck_id",
                "task_completion_id", "description", "quantity", "unit", "rate", "amount", "breakdown")


def _is_unique_violation(exc: BaseException) -> bool:
    """A unique key refused the write: SQLAlchemy's IntegrityError (SQLite) or psycopg's error from COPY."""
    orig = getattr(exc, "orig", exc)
    return getattr(orig, "sqlstate", None) == "23505" or "UNIQUE constraint failed" in str(orig)


@dataclass
class InvoicingResult:
    """What one invoicing pass made: the invoices (issued, or drafts) and what it left unbilled, and why."""

    invoices: list[Invoice] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def parse_request(through: object, client_id: object = None) -> tuple[date, int | None]:
    """The invoicing request's date and optional client, or a ValidationFailed naming each bad field."""
    issues = []
    day = None
    try:
        day = parse_date(through)
    except ValueError as exc:
        issues.append(Issue("through", str(exc)))
    cid = None
    if client_id not in (None, ""):
        try:
            cid = int(str(client_id).strip())
        except ValueError:
            issues.append(Issue("client_id", f"{client_id!r} is not a client id (a whole number)"))
        else:
            if not is_record_id(cid) or db.session.get(Client, cid) is None:
                issues.append(Issue("client_id", f"there is no client {cid}", "not_found"))
    if issues:
        raise ValidationFailed(issues)
    return day, cid


def agency_id() -> int:
    """The agency that bills (the first agency: the one whose payroll account pays the workers)."""
    found = db.session.execute(sa.select(Agency.id).order_by(Agency.id).limit(1)).scalar()
    if found is None:
        raise DomainError("there is no agency to bill from: add the agency first", code="no_agency")
    return found


def create_invoices(through: object, client_id: object = None, *, issue_date: date, issue: bool = True,
                    user=None) -> InvoicingResult:
    """Every invoice due through `through` (one client or every active client): the lines of approved time,
    tasks and paychecks not billed yet, grouped by the client's invoice period (and worker, per-worker clients);
    issued at once unless `issue` is false (drafts). Running it twice for the same date bills nothing twice:
    each line's source key is unique, and each client is locked while its lines are chosen and written."""
    day, cid = parse_request(through, client_id)
    result = InvoicingResult()
    for client in clients_to_invoice(cid):
        with transaction():
            made, skipped = invoice_client(client, day, issue_date=issue_date, issue=issue, user=user)
        result.invoices += made
        result.skipped += skipped
    return result


def clients_to_invoice(client_id: int | None) -> list[int]:
    """The client asked for, or every active client, in id order."""
    return list(db.session.execute(
        sa.select(Client.id).where(Client.active.is_(True) if client_id is None else Client.id == client_id)
        .order_by(Client.id)).scalars())


def _lock_client(client_id: int) -> Client:
    client = db.session.execute(for_update(sa.select(Client).where(Client.id == client_id))
                                .execution_options(populate_existing=True)).scalar_one()
    return client


def terms_of(client: Client) -> engine.Terms:
    return engine.Terms(client.id, client.billing_method, client.markup_rate, client.invoice_frequency,
                        client.invoice_grouping, client.payment_terms_days, client.po_number or "")


def client_lines(client: Client, through: date) -> tuple[list[engine.LineDraft], list[str]]:
    """The client's unbilled lines (bill rate: timesheets, tasks and salaried engagements' salary; cost-plus:
    paychecks) and what cannot be billed yet (no bill rate)."""
    terms = terms_of(client)
    skipped: list[str] = []
    lines: list[engine.LineDraft] = []
    if terms.billing_method == "cost_plus":
        for cost, engagement_ids in facts.unbilled_paychecks([client.id], through):
            lines += engine.cost_plus_lines(cost, engagement_ids, terms.markup_rate)
        return lines, skipped
    engagements = db.session.execute(sa.select(Engagement).where(Engagement.client_id == client.id)).scalars()
    rates = facts.rates_of(engagements)
    for sheet, split, unit in facts.unbilled_sheets([client.id], through):
        r = rates[sheet.engagement_id]
        if not r.bill_rate:
            skipped.append(f"{client.name}: {sheet.worker_name}'s week of {sheet.week_start.isoformat()} is not "
                           f"billed: the engagement has no bill rate (set it, then invoice again)")
            continue
        lines += engine.sheet_lines(sheet, split, r, unit_pay=unit in facts.UNIT_PAY)
    for task in facts.unbilled_tasks([client.id], through):
        r = rates[task.engagement_id]
        if task.bill_rate is None and not r.bill_rate:
            skipped.append(f"{client.name}: {task.worker_name}'s task {task.task_ref!r} is not billed: neither the "
                           f"task nor the engagement has a bill rate")
            continue
        lines.append(engine.task_line(task, r))
    for pay in facts.unbilled_salaries([client.id], through):
        if not pay.bill_rate:
            skipped.append(f"{client.name}: {pay.worker_name}'s salary for {pay.period_start.isoformat()} to "
                           f"{pay.period_end.isoformat()} is not billed: the engagement has no bill rate (per "
                           f"{'year' if pay.pay_unit == 'year' else 'week'}, like its pay rate; set it, then "
                           f"invoice again)")
            continue
        line = engine.salary_line(pay)
        if line is not None:
            lines.append(line)
    return lines, skipped


def invoice_client(client_id: int, through: date, *, issue_date: date, issue: bool, user,
                   invoicing_run_id: int | None = None) -> tuple[list[Invoice], list[str]]:
    """One client's invoices due through `through`, in the caller's unit of work (the client locked to its end):
    what it made and what it left unbilled, and why."""
    client = _lock_client(client_id)
    lines, skipped = client_lines(client, through)
    drafts = engine.group_lines(terms_of(client), lines, through)
    if not drafts:
        return [], skipped
    agency = agency_id()
    made = []
    for d in drafts:
        inv = Invoice(agency_id=agency, client_id=client.id, kind="invoice", status="draft",
                      period_start=d.period_start, period_end=d.period_end, po_number=client.po_number or "",
                      total=d.total, balance=ZERO, worker_id=d.worker_id,
                      created_by_id=getattr(user, "id", None), invoicing_run_id=invoicing_run_id)
        db.session.add(inv)
        made.append(inv)
    db.session.flush()
    rows = ((inv.id, ln.source_key, ln.worker_id, ln.engagement_id, ln.timesheet_id, ln.paycheck_id,
             ln.task_completion_id, ln.description[:300], units4(ln.quantity), ln.unit, units4(ln.rate),
             cents(ln.amount), ln.breakdown) for inv, d in zip(made, drafts) for ln in d.lines)
    try:
        with db.session.begin_nested():          # a refused key leaves the session usable for the message
            bulk_insert("invoice_lines", LINE_COLUMNS, rows)
    except Exception as exc:                      # IntegrityError, or psycopg's UniqueViolation from COPY
        if _is_unique_violation(exc):
            raise DomainError(f"{client.name}: another invoicing run billed some of the same time at the same "
                              f"moment; nothing was billed twice — run invoicing again",
                              code="billed_concurrently") from exc
        raise
    if issue:
        for inv in made:
            _issue(inv, issue_date)
    return made, skipped


# ------------------------------------------------------------------------------------------------ issuing
def next_number(agency: int, kind: str) -> str:
    """The kind's next number for the agency, taken under a row lock held to the end of the unit of work: an
    issue that rolls back gives its number back, and two issuers wait for each other (no gaps, no twins)."""
    if kind not in INVOICE_KINDS:
        raise ValueError(f"unknown invoice kind {kind!r}")
    stmt = for_update(sa.select(InvoiceSequence).where(InvoiceSequence.agency_id == agency,
                                                       InvoiceSequence.kind == kind)
                      ).execution_options(populate_existing=True)
    seq = db.session.execute(stmt).scalar_one_or_none()
    if seq is None:
        try:
            with db.session.begin_nested():
                db.session.add(InvoiceSequence(agency_id=agency, kind=kind, next_number=1))
        except IntegrityError:          # another issuer created it first: lock theirs
            pass
        seq = db.session.execute(stmt).scalar_one()
    n = seq.next_number
    seq.next_number = n + 1
    db.session.flush()
    return engine.invoice_number(kind, n)


def _issue(inv: Invoice, issue_date: date) -> None:
    total = from_cents(db.session.execute(sa.select(raw_sum(InvoiceLine.amount))
                                          .where(InvoiceLine.invoice_id == inv.id)).scalar_one())
    if total <= 0 or inv.total <= 0:
        raise DomainError(f"{inv} has nothing to bill", code="invoice_empty")
    if total != inv.total:
        raise DomainError(f"{inv}: its total {inv.total} is not the sum of its lines {total}",
                          code="invoice_total_mismatch")
    inv.number = next_number(inv.agency_id, inv.kind)
    inv.status = "sent"
    inv.issue_date = issue_date
    client = inv.client or db.session.get(Client, inv.client_id)
    inv.due_date = engine.due_date(issue_date, client.payment_terms_days)
    inv.balance = inv.total
    db.session.flush()
    post_invoice_issued(inv)


def get_invoice(invoice_id: int, *, lock: bool = False) -> Invoice:
    stmt = sa.select(Invoice).where(Invoice.id == invoice_id)
    if lock:
        stmt = for_update(stmt).execution_options(populate_existing=True)
    inv = db.session.execute(stmt).scalar_one_or_none()
    if inv is None:
        raise NotFound(f"invoice {invoice_id} not found")
    return inv


@transaction()
def issue_invoice(invoice_id: int, issue_date: date, user=None) -> Invoice:
    """Issue a draft: its number, issue and due dates, balance and the journal entry (Dr 1100 / Cr 4000)."""
    inv = get_invoice(invoice_id, lock=True)
    if inv.status != "draft":
        raise DomainError(f"{inv} is already {inv.status.replace('_', ' ')}: only a draft is issued",
                          code="invoice_not_draft")
    refuse_reversed_pay(inv)
    _issue(inv, issue_date)
    return inv


def refuse_reversed_pay(inv: Invoice) -> None:
    """A draft written before some of the pay it bills was reversed is not issued: it would bill pay the worker
    no longer has (and the re-issued pay would then wait behind its source keys). Refresh it instead."""
    stale = facts.reversed_pay_lines(inv.id)
    if stale:
        names = "; ".join(ln.description for ln in stale[:5]) + (f"; and {len(stale) - 5} more"
                                                                 if len(stale) > 5 else "")
        raise DomainError(f"{inv} bills pay reversed since it was drafted ({names}). Refresh the draft: it is "
                          f"voided and the client invoiced again, leaving the reversed pay out until it is paid "
                          f"again", code="draft_pay_reversed")


def refresh_draft(invoice_id: int, user=None) -> InvoicingResult:
    """Void a draft and draft the client's invoices again through its period's end, from the time and pay that
    stand now: reversed pay left out, re-issued pay and time approved since then in. Two units of work: the
    void, then the invoicing (whose own per-client lock and unique keys keep it from billing anything twice)."""
    inv = get_invoice(invoice_id)
    if inv.status != "draft":
        raise DomainError(f"{inv} is {inv.status.replace('_', ' ')}: only a draft is refreshed",
                          code="invoice_not_draft")
    client_id, through = inv.client_id, inv.period_end
    void_draft(invoice_id, user, "refreshed: drafted again from the time and pay that stand now")
    return create_invoices(through, client_id, issue_date=through, issue=False, user=user)


@transaction()
def void_draft(invoice_id: int, user=None, reason: str = "") -> Invoice:
    """Void a draft: its lines give up their source keys, so the time they held is billed by the next run. An
    issued invoice is never voided or edited (a credit note corrects it)."""
    inv = get_invoice(invoice_id, lock=True)
    if inv.status != "draft":
        raise DomainError(f"{inv} is {inv.status.replace('_', ' ')}: only a draft is voided; correct an issued "
                          f"invoice with a credit note", code="invoice_not_draft")
    for ln in inv.lines:
        ln.source_key = None
    inv.status = "void"
    if reason:
        inv.memo = reason[:500]
    db.session.flush()
    return inv

