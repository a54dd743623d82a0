"""Bank statement import: a CSV of receipts matched to open invoices (matching.py), all or nothing, each file
once (its sha256 is unique). Matched receipts are applied at once (a payment and its application, the receipt
entry); the rest are kept as unapplied payments for staff to apply by hand (receipts.apply_unapplied)."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from backoffice.billing.matching import ClientName, OpenInvoice, match_lines, read_statement
from backoffice.billing.models import OPEN_STATUSES, Invoice
from backoffice.billing.receipts import apply, locked_invoice
from backoffice.billing.receivables_models import BankStatementImport, ClientPayment
from backoffice.errors import DomainError, Issue, ValidationFailed
from backoffice.extensions import db
from backoffice.money import ZERO
from backoffice.security.access import require
from backoffice.uow import transaction, unique_or_refuse, write_lock
from backoffice.workers.models import Client


@dataclass
class StatementResult:
    import_id: int | None = None
    rows: int = 0
    matched: int = 0
    unmatched: int = 0
    skipped: int = 0
    issues: list[Issue] = field(default_factory=list)
    unmatched_rows: list[dict] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.issues


def sha256_of(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _open_invoices() -> list[OpenInvoice]:
    stmt = (sa.select(Invoice.id, Invoice.number, Invoice.client_id, Invoice.balance, Invoice.due_date)
            .where(Invoice.kind == "invoice", Invoice.status.in_(OPEN_STATUSES), Invoice.balance > 0))
    return [OpenInvoice(i, n, c, b, d) for i, n, c, b, d in db.session.execute(stmt)]


def _clients() -> list[ClientName]:
    return [ClientName(i, (n, ln)) for i, n, ln in db.session.execute(sa.select(Client.id, Client.name,
                                                                                Client.legal_name))]


@transaction()
def import_statement(content: bytes, filename: str, user, *, today: date) -> StatementResult:
    """Import one statement. A file with any bad row writes nothing and returns the issues by line; the same file
    a second time is refused (DomainError naming the earlier import)."""
    require(user, "client_payment", "create")
    digest = sha256_of(content)
    write_lock()          # from here to the commit: no second import of the same file, no payment in between
    earlier = db.session.execute(sa.select(BankStatementImport).where(BankStatementImport.sha256 == digest)
                                 ).scalar_one_or_none()
    if earlier is not None:
        raise DomainError(f"this file was already imported on {earlier.created_at:%Y-%m-%d} as import "
                          f"#{earlier.id} ({earlier.filename}); the same statement is never imported twice",
                          code="duplicate_statement")
    lines, skipped, issues = read_statement(content)
    future = [ln for ln in lines if ln.received_on > today]
    issues += [Issue("date", f"{ln.received_on} is in the future", "future", ln.line) for ln in future]
    if issues:
        raise ValidationFailed(issues)
    matches = match_lines(lines, _open_invoices(), _clients())
    record = BankStatementImport(filename=(filename or "statement.csv")[:255], sha256=digest, rows=len(lines),
                                 skipped=skipped, total=sum((ln.amount for ln in lines), ZERO),
                                 created_by_id=getattr(user, "id", None))
    with unique_or_refuse("uq_bank_statement_imports_sha256", "this file was already imported", "duplicate_statement",
                          columns="bank_statement_imports.sha256"):
        db.session.add(record)
    result = StatementResult(import_id=record.id, rows=len(lines), skipped=skipped)
    for m in matches:
        ln = m.line
        payment = ClientPayment(client_id=m.client_id, amount=ln.amount, received_on=ln.received_on,
                                reference=ln.reference, memo=ln.memo, payer=ln.payer, method="ach",
                                source="bank_import", import_id=record.id, line_number=ln.line,
                                match_note=m.reason[:200], unapplied=ln.amount if m.invoice_id is None else ZERO,
                                created_by_id=getattr(user, "id", None))
        db.session.add(payment)
        db.session.flush()
        if m.invoice_id is None:
            result.unmatched += 1
            result.unmatched_rows.append({"line": ln.line, "payment_id": payment.id, "amount": str(ln.amount),
                                          "reason": m.reason})
            continue
        invoice = locked_invoice(m.invoice_id)
        if ln.amount > invoice.balance:          # changed since the match was read (cannot under the lock)
            raise DomainError(f"line {ln.line}: {invoice.number} changed during the import; import again",
                              code="changed_during_import")
        apply(payment, invoice, ln.amount, ln.received_on, user)
        result.matched += 1
    record.matched, record.unmatched = result.matched, result.unmatched
    db.session.flush()
    return result


def unapplied_payments(client_id: int | None = None) -> list[ClientPayment]:
    """Payments with money not yet applied to an invoice, oldest first (the staff's work list)."""
    stmt = sa.select(ClientPayment).where(ClientPayment.unapplied > 0).order_by(ClientPayment.received_on,
                                                                                ClientPayment.id)
    if client_id is not None:
        stmt = stmt.where(ClientPayment.client_id == client_id)
    return list(db.session.execute(stmt).scalars())
