"""Receivables records: payments received from clients and their application to invoices, write-offs (asked by one
user, decided by another) and bank statement imports (one file once, by its sha256)."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backoffice.db import BigId, Scaled, UTCDateTime, utcnow
from backoffice.extensions import db
from backoffice.money import D

PAYMENT_METHODS = ("ach", "check", "wire", "card", "other")
PAYMENT_SOURCES = ("manual", "api", "bank_import")
WRITE_OFF_STATUSES = ("requested", "approved", "rejected")


class BankStatementImport(db.Model):
    """One bank statement file, imported whole or not at all. Its sha256 is unique: the same file twice is refused
    (a second import would record every receipt again)."""

    __tablename__ = "bank_statement_imports"
    __permission_model__ = "client_payment"
    __audited__ = True
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    filename: Mapped[str] = mapped_column(sa.String(255), nullable=False)
    sha256: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    rows: Mapped[int] = mapped_column(sa.Integer, default=0, nullable=False)          # receipts read
    matched: Mapped[int] = mapped_column(sa.Integer, default=0, nullable=False)
    unmatched: Mapped[int] = mapped_column(sa.Integer, default=0, nullable=False)
    skipped: Mapped[int] = mapped_column(sa.Integer, default=0, nullable=False)       # debits, not receipts
    total: Mapped[Decimal] = mapped_column(Scaled(2), default=D(0), nullable=False)
    status: Mapped[str] = mapped_column(sa.String(12), default="imported", nullable=False)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)

    created_by = relationship("User", viewonly=True)
    payments = relationship("ClientPayment", back_populates="bank_import", order_by="ClientPayment.line_number",
                            viewonly=True)

    __table_args__ = (
        sa.UniqueConstraint("sha256", name="uq_bank_statement_imports_sha256"),
        sa.CheckConstraint("status in ('imported')", name="ck_bank_statement_imports_status"),
    )

    def __str__(self) -> str:
        return f"Bank statement {self.filename}"


class ClientPayment(db.Model):
    """Money received from a client: entered by hand, posted through the API, or a bank statement's receipt.

    `unapplied` is what is not yet applied to an invoice: zero for a payment entered against an invoice; the whole
    amount for a statement receipt that matched no invoice (its client may be unknown) until staff apply it. The
    receipt's journal entry (Dr 1010 cash / Cr 1100 receivables) is posted per application, so receivables in the
    ledger are always the sum of open balances; cash not yet applied is held here, not in the ledger."""

    __tablename__ = "client_payments"
    __permission_model__ = "client_payment"
    __audited__ = True
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    client_id: Mapped[int | None] = mapped_column(sa.ForeignKey("clients.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(Scaled(2), nullable=False)
    received_on: Mapped[date] = mapped_column(sa.Date, nullable=False, index=True)
    reference: Mapped[str] = mapped_column(sa.String(200), default="", nullable=False)
    memo: Mapped[str] = mapped_column(sa.String(200), default="", nullable=False)
    payer: Mapped[str] = mapped_column(sa.String(200), default="", nullable=False)
    method: Mapped[str] = mapped_column(sa.String(8), default="ach", nullable=False)
    source: Mapped[str] = mapped_column(sa.String(12), default="manual", nullable=False)
    import_id: Mapped[int | None] = mapped_column(sa.ForeignKey("bank_statement_imports.id"), index=True)
    line_number: Mapped[int | None] = mapped_column(sa.Integer)          # its line in the statement file
    match_note: Mapped[str] = mapped_column(sa.String(200), default="", nullable=False)   # why it did not match
    unapplied: Mapped[Decimal] = mapped_column(Scaled(2), default=D(0), nullable=False)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)

    client = relationship("Client", viewonly=True)
    created_by = relationship("User", viewonly=True)
    bank_import = relationship(BankStatementImport, back_populates="payments", viewonly=True)
    applications = relationship("PaymentApplication", back_populates="payment", order_by="PaymentApplication.id",
                                viewonly=True)

    __table_args__ = (
        sa.CheckConstraint("amount > 0", name="ck_client_payments_amount"),
        sa.CheckConstraint("unapplied >= 0 AND unapplied <= amount", name="ck_client_payments_unapplied"),
        sa.CheckConstraint("method in ('ach','check','wire','card','other')", name="ck_client_payments_method"),
        sa.CheckConstraint("source in ('manual','api','bank_import')", name="ck_client_payments_source"),
        sa.CheckConstraint("source <> 'bank_import' OR import_id IS NOT NULL", name="ck_client_payments_import"),
        sa.CheckConstraint("client_id IS NOT NULL OR unapplied = amount", name="ck_client_payments_client"),
    )

    def __str__(self) -> str:
        return f"Payment of {self.amount:,.2f} received {self.received_on.isoformat()}"


class PaymentApplication(db.Model):
    """Part (or all) of a payment applied to one invoice, lowering its balance in the same transaction."""

    __tablename__ = "payment_applications"
    __permission_model__ = "client_payment"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    payment_id: Mapped[int] = mapped_column(sa.ForeignKey("client_payments.id"), nullable=False, index=True)
    invoice_id: Mapped[int] = mapped_column(sa.ForeignKey("invoices.id"), nullable=False, index=True)
    amount: Mapped[Decimal] = mapped_column(Scaled(2), nullable=False)
    applied_on: Mapped[date] = mapped_column(sa.Date, nullable=False)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)

    payment = relationship(ClientPayment, back_populates="applications", viewonly=True)
    invoice = relationship("Invoice", viewonly=True)

    __table_args__ = (sa.CheckConstraint("amount > 0", name="ck_payment_applications_amount"),)


class WriteOff(db.Model):
    """Writing off part or all of an invoice's balance as bad debt: requested by one user, approved or rejected
    by another who holds the right (write_off_approval). An approved write-off lowers the balance and posts
    Dr 6900 / Cr 1100 on its decision date; the invoice is written_off when nothing is left owing."""

    __tablename__ = "write_offs"
    __permission_model__ = "write_off"
    __audited__ = True
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    invoice_id: Mapped[int] = mapped_column(sa.ForeignKey("invoices.id"), nullable=False, index=True)
    amount: Mapped[Decimal] = mapped_column(Scaled(2), nullable=False)
    reason: Mapped[str] = mapped_column(sa.String(500), nullable=False)
    status: Mapped[str] = mapped_column(sa.String(10), default="requested", nullable=False, index=True)
    requested_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), nullable=False)
    requested_on: Mapped[date] = mapped_column(sa.Date, nullable=False)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_on: Mapped[date | None] = mapped_column(sa.Date)
    decision_note: Mapped[str] = mapped_column(sa.String(500), default="", nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)

    invoice = relationship("Invoice", viewonly=True)
    requested_by = relationship("User", foreign_keys=[requested_by_id], viewonly=True)
    decided_by = relationship("User", foreign_keys=[decided_by_id], viewonly=True)

    __table_args__ = (
        sa.CheckConstraint("amount > 0", name="ck_write_offs_amount"),
        sa.CheckConstraint("status in ('requested','approved','rejected')", name="ck_write_offs_status"),
        sa.CheckConstraint("decided_by_id IS NULL OR decided_by_id <> requested_by_id",
                           name="ck_write_offs_four_eyes"),
        sa.CheckConstraint("(status = 'requested') = (decided_by_id IS NULL)", name="ck_write_offs_decided"),
    )

    def __str__(self) -> str:
        return f"Write-off of {self.amount:,.2f} ({self.status})"
