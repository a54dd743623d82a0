"""Write-offs with four eyes: one user asks to write off part or all of an invoice's balance as bad debt, another
who holds the right (write_off_approval) approves or rejects it. Approval lowers the balance, posts Dr 6900 bad
debt / Cr 1100 receivables on the approval date, and marks the invoice written_off when nothing is left owing."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from backoffice.billing.receipts import check_open, locked_invoice, parse_amount, status_for
from backoffice.billing.receivables_ledger import post
from backoffice.billing.receivables_models import WriteOff
from backoffice.errors import DomainError, Issue, NotFound, ValidationFailed
from backoffice.extensions import db
from backoffice.money import from_cents
from backoffice.security.access import require
from backoffice.uow import for_update, transaction


@transaction()
def request_write_off(invoice_id: int, raw_amount, reason: str, user, *, today: date) -> WriteOff:
    """Ask to write off `raw_amount` of an open invoice (at most what is owed, less what others already asked)."""
    require(user, "write_off", "create")
    issues: list[Issue] = []
    amount = parse_amount(raw_amount, issues)
    reason = (reason or "").strip()
    if not reason:
        issues.append(Issue("reason", "is required (why the debt will not be collected)", "required"))
    invoice = locked_invoice(invoice_id)
    check_open(invoice)
    pending = db.session.execute(sa.select(sa.func.coalesce(sa.func.sum(sa.cast(WriteOff.amount, sa.BigInteger)), 0))
                                 .where(WriteOff.invoice_id == invoice.id, WriteOff.status == "requested")).scalar()
    room = invoice.balance - from_cents(int(pending))
    if amount is not None and amount > room:
        issues.append(Issue("amount", f"{amount} is more than the {room} owed on {invoice.number} and not already "
                                      "asked to be written off", "more_than_balance"))
    if issues:
        raise ValidationFailed(issues)
    w = WriteOff(invoice_id=invoice.id, amount=amount, reason=reason[:500], status="requested",
                 requested_by_id=user.id, requested_on=today)
    db.session.add(w)
    db.session.flush()
    return w


def _locked(write_off_id: int) -> WriteOff:
    w = db.session.execute(for_update(sa.select(WriteOff).where(WriteOff.id == write_off_id))).scalar_one_or_none()
    if w is None:
        raise NotFound(f"write-off {write_off_id} not found")
    db.session.refresh(w)
    if w.status != "requested":
        raise DomainError(f"write-off #{w.id} is already {w.status}", code="already_decided")
    return w


def _second_person(w: WriteOff, user) -> None:
    require(user, "write_off_approval", "write")
    if w.requested_by_id == user.id:
        raise DomainError("you asked for this write-off: a different user must approve or reject it (four eyes)",
                          code="same_user")


@transaction()
def approve_write_off(write_off_id: int, user, *, today: date, note: str = "") -> WriteOff:
    w = _locked(write_off_id)
    _second_person(w, user)
    invoice = locked_invoice(w.invoice_id)
    check_open(invoice)
    if w.amount > invoice.balance:
        raise DomainError(f"{invoice.number} now owes only {invoice.balance}, less than the {w.amount} to write off; "
                          "reject this request and ask again", code="more_than_balance")
    w.status, w.decided_by_id, w.decided_on, w.decision_note = "approved", user.id, today, (note or "")[:500]
    invoice.balance = invoice.balance - w.amount
    invoice.status = "written_off" if invoice.balance == 0 else status_for(invoice)
    post("write_off", today, f"Write-off on {invoice.number}: {w.reason}", w.amount, invoice.agency_id,
         invoice_id=invoice.id)
    db.session.flush()
    return w


@transaction()
def reject_write_off(write_off_id: int, user, *, today: date, note: str = "") -> WriteOff:
    w = _locked(write_off_id)
    _second_person(w, user)
    w.status, w.decided_by_id, w.decided_on, w.decision_note = "rejected", user.id, today, (note or "")[:500]
    db.session.flush()
    return w
