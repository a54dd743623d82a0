"""Payments received from clients: entered by hand or through the API against one invoice, or applied by hand
from a bank statement's unmatched receipt. Each application lowers the invoice's balance in the same transaction
(under a lock on the invoice row, so two payments on one invoice are serialised), moves its status (partially
paid, paid) and posts the receipt (Dr 1010 cash / Cr 1100 receivables).

Overpayment is refused: a payment entered against an invoice may be at most its balance (422 on `amount`). Money
that pays nothing known yet comes in through a bank statement, where it waits as unapplied cash for staff."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from backoffice.billing.models import OPEN_STATUSES, Invoice
from backoffice.billing.receivables_ledger import post
from backoffice.billing.receivables_models import PAYMENT_METHODS, PAYMENT_SOURCES, ClientPayment, PaymentApplication
from backoffice.dates import parse_date
from backoffice.errors import DomainError, Issue, NotFound, ValidationFailed
from backoffice.extensions import db
from backoffice.money import MONEY, ZERO, D, number_problem
from backoffice.security.access import require, scoped
from backoffice.uow import for_update, transaction

FIELDS = ("amount", "received_on", "reference", "method")


def _uid(user) -> int | None:
    return getattr(user, "id", None) if user is not None else None


def parse_amount(raw, issues: list[Issue], field: str = "amount") -> Decimal | None:
    """A money amount above zero with at most two decimals, or None with an Issue naming `field`."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        issues.append(Issue(field, "is required", "required"))
        return None
    try:
        amount = D(raw.strip() if isinstance(raw, str) else raw)
    except (TypeError, ValueError):
        issues.append(Issue(field, f"{raw!r} is not an amount (e.g. 1250.00)"))
        return None
    problem = number_problem(amount, MONEY)
    if problem:
        issues.append(Issue(field, problem[1], problem[0]))
        return None
    if amount <= 0:
        issues.append(Issue(field, "must be more than 0", "not_positive"))
        return None
    return amount


def parse_payment(data: dict, today: date) -> tuple[Decimal | None, date | None, str, str, list[Issue]]:
    """(amount, received_on, reference, method, issues) from a form or JSON body."""
    issues: list[Issue] = []
    amount = parse_amount(data.get("amount"), issues)
    received_on = None
    raw = data.get("received_on")
    if raw in (None, ""):
        issues.append(Issue("received_on", "is required (YYYY-MM-DD)", "required"))
    else:
        try:
            received_on = parse_date(raw)
            if received_on > today:
                issues.append(Issue("received_on", f"{received_on} is in the future (today is {today})", "future"))
                received_on = None
        except ValueError as exc:
            issues.append(Issue("received_on", str(exc)))
    reference = data.get("reference") or ""
    if not isinstance(reference, str):
        issues.append(Issue("reference", "must be text"))
        reference = ""
    elif len(reference.strip()) > 200:
        issues.append(Issue("reference", "is longer than 200 characters", "too_long"))
    method = data.get("method") or "ach"
    if method not in PAYMENT_METHODS:
        issues.append(Issue("method", f"must be one of {', '.join(PAYMENT_METHODS)}"))
    return amount, received_on, reference.strip()[:200], method, issues


def locked_invoice(invoice_id: int, user=None) -> Invoice:
    """The invoice, locked until the unit of work ends (NotFound when it does not exist or `user` may not see
    it: another client's invoice is 404 to a client's approver)."""
    stmt = sa.select(Invoice).where(Invoice.id == invoice_id)
    if user is not None:
        stmt = scoped(stmt, user, "invoice")
    invoice = db.session.execute(for_update(stmt)).scalar_one_or_none()
    if invoice is None:
        raise NotFound(f"invoice {invoice_id} not found")
    db.session.refresh(invoice)          # the balance as the lock holder left it
    return invoice


def status_for(invoice: Invoice) -> str:
    """An open invoice's status from its balance: paid at zero, partially paid below the total."""
    if invoice.balance == 0:
        return "paid"
    return "partially_paid" if invoice.balance < invoice.total else "sent"


def check_open(invoice: Invoice) -> None:
    if invoice.kind != "invoice":
        raise DomainError(f"{invoice} is a credit note: payments are applied to invoices", code="not_an_invoice")
    if invoice.status not in OPEN_STATUSES:
        raise DomainError(f"{invoice} is {invoice.status.replace('_', ' ')}: nothing is owed on it",
                          code="invoice_not_open")


def apply(payment: ClientPayment, invoice: Invoice, amount: Decimal, on: date, user) -> PaymentApplication:
    """Apply `amount` of a payment to a locked, open invoice: the application, the new balance and status, the
    receipt entry, dated `on` (the day the money was received, or the later day a receipt that matched nothing
    was applied by hand), so the ledger and the aging agree on every date."""
    application = PaymentApplication(payment_id=payment.id, invoice_id=invoice.id, amount=amount, applied_on=on,
                                     created_by_id=_uid(user))
    db.session.add(application)
    invoice.balance = invoice.balance - amount
    invoice.status = status_for(invoice)
    post("receipt", on, f"Payment received on {invoice.number}"
         + (f" ({payment.reference})" if payment.reference else ""), amount, invoice.agency_id,
         invoice_id=invoice.id, client_payment_id=payment.id)
    return application


@transaction()
def record_payment(invoice_id: int, data: dict, user, *, today: date, source: str = "manual"
                   ) -> tuple[ClientPayment, Invoice]:
    """Record money received against one invoice (manual entry or the API): every bad field is reported
    (ValidationFailed), an amount above the balance included; a paid, written-off, void or draft invoice refuses
    it (DomainError)."""
    require(user, "client_payment", "create")
    if source not in PAYMENT_SOURCES:
        raise ValueError(source)
    amount, received_on, reference, method, issues = parse_payment(data, today)
    invoice = locked_invoice(invoice_id, user)
    check_open(invoice)
    if amount is not None and amount > invoice.balance:
        issues.append(Issue("amount", f"{amount} is more than the balance of {invoice.number} ({invoice.balance}); "
                                      "an overpayment is not recorded against an invoice", "more_than_balance"))
    if received_on is not None and invoice.issue_date and received_on < invoice.issue_date:
        issues.append(Issue("received_on", f"is before {invoice.number} was issued ({invoice.issue_date})",
                            "before_issue"))
    if issues:
        raise ValidationFailed(issues)
    payment = ClientPayment(client_id=invoice.client_id, amount=amount, received_on=received_on,
                            reference=reference, method=method, source=source, unapplied=ZERO,
                            created_by_id=_uid(user))
    db.session.add(payment)
    db.session.flush()
    apply(payment, invoice, amount, received_on, user)
    db.session.flush()
    return payment, invoice


@transaction()
def apply_unapplied(payment_id: int, invoice_id: int, raw_amount, user, *, today: date) -> PaymentApplication:
    """Apply (part of) a payment's unapplied cash — a bank receipt that matched nothing — to an open invoice of
    its client (a receipt whose payer was unknown takes the invoice's client)."""
    require(user, "client_payment", "write")
    issues: list[Issue] = []
    amount = parse_amount(raw_amount, issues)
    payment = db.session.execute(for_update(sa.select(ClientPayment).where(ClientPayment.id == payment_id))
                                 ).scalar_one_or_none()
    if payment is None:
        raise NotFound(f"payment {payment_id} not found")
    db.session.refresh(payment)
    invoice = locked_invoice(invoice_id, user)
    check_open(invoice)
    if payment.client_id is not None and payment.client_id != invoice.client_id:
        issues.append(Issue("invoice_id", f"{invoice.number} is another client's invoice", "other_client"))
    if amount is not None and amount > payment.unapplied:
        issues.append(Issue("amount", f"{amount} is more than the payment's unapplied {payment.unapplied}",
                            "more_than_unapplied"))
    if amount is not None and amount > invoice.balance:
        issues.append(Issue("amount", f"{amount} is more than the balance of {invoice.number} ({invoice.balance})",
                            "more_than_balance"))
    if issues:
        raise ValidationFailed(issues)
    payment.client_id = invoice.client_id
    payment.unapplied = payment.unapplied - amount
    application = apply(payment, invoice, amount, today, user)
    db.session.flush()
    return application


def payment_dict(payment: ClientPayment) -> dict:
    return {"id": payment.id, "client_id": payment.client_id, "amount": str(payment.amount),
            "received_on": payment.received_on.isoformat(), "reference": payment.reference,
            "method": payment.method, "source": payment.source, "unapplied": str(payment.unapplied)}
