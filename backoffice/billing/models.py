"""Client invoices: gapless number sequences, invoices (and credit notes) and their lines, each line naming what it
bills (a timesheet, a task, a paycheck) under a unique source key, so that nothing is billed twice."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backoffice.db import BigId, Scaled, Timestamps, UTCDateTime
from backoffice.extensions import db
from backoffice.money import D

INVOICE_KINDS = ("invoice", "credit_note")
INVOICE_STATUSES = ("draft", "sent", "partially_paid", "paid", "written_off", "void")
# an invoice the client still owes on (overdue when its due date has passed)
OPEN_STATUSES = ("sent", "partially_paid")
LINE_UNITS = ("hour", "overtime_hour", "double_time_hour", "unit", "salary", "cost_plus", "credit")
INVOICE_FREQUENCIES = ("weekly", "biweekly", "semimonthly", "monthly")
INVOICE_GROUPINGS = ("consolidated", "per_worker")
BILLING_METHODS = ("bill_rate", "cost_plus")
# "INV-000001", "CN-000001": the prefix of each kind's number
NUMBER_PREFIXES = {"invoice": "INV", "credit_note": "CN"}
INVOICING_RUN_STATES = ("queued", "running", "done", "failed")


class InvoiceSequence(db.Model):
    """The next number of one kind of invoice for one agency. Read and advanced under a row lock
    (SELECT ... FOR UPDATE) in the transaction that issues the invoice, so numbers have no gaps: a rolled-back
    issue gives its number back."""

    __tablename__ = "invoice_sequences"
    __permission_model__ = "invoice"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agencies.id"), nullable=False)
    kind: Mapped[str] = mapped_column(sa.String(12), nullable=False)
    next_number: Mapped[int] = mapped_column(sa.Integer, default=1, nullable=False)

    __table_args__ = (
        sa.UniqueConstraint("agency_id", "kind", name="uq_invoice_sequences_agency_kind"),
        sa.CheckConstraint("kind in ('invoice','credit_note')", name="ck_invoice_sequences_kind"),
        sa.CheckConstraint("next_number >= 1", name="ck_invoice_sequences_next"),
    )


class Invoice(Timestamps, db.Model):
    """An invoice (or credit note) to one client. A draft has no number; issuing gives it the next number of its
    kind and posts Dr 1100 / Cr 4000; a sent invoice is never edited (corrections are credit notes). `balance` is
    what the client still owes, kept by the services in the same transaction as each payment, credit or
    write-off. "Overdue" is derived: open (sent, partially paid) with its due date passed."""

    __tablename__ = "invoices"
    __audited__ = True
    __permission_model__ = "invoice"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agencies.id"), nullable=False)
    client_id: Mapped[int] = mapped_column(sa.ForeignKey("clients.id"), nullable=False, index=True)
    kind: Mapped[str] = mapped_column(sa.String(12), default="invoice", nullable=False)
    number: Mapped[str | None] = mapped_column(sa.String(20))
    status: Mapped[str] = mapped_column(sa.String(16), default="draft", nullable=False, index=True)
    period_start: Mapped[date] = mapped_column(sa.Date, nullable=False)
    period_end: Mapped[date] = mapped_column(sa.Date, nullable=False)
    issue_date: Mapped[date | None] = mapped_column(sa.Date, index=True)
    due_date: Mapped[date | None] = mapped_column(sa.Date, index=True)
    po_number: Mapped[str] = mapped_column(sa.String(60), default="", nullable=False)
    total: Mapped[Decimal] = mapped_column(Scaled(2), default=D(0), nullable=False)
    balance: Mapped[Decimal] = mapped_column(Scaled(2), default=D(0), nullable=False)
    credits_invoice_id: Mapped[int | None] = mapped_column(sa.ForeignKey("invoices.id"), index=True)
    # the worker of a per-worker invoice (None: consolidated)
    worker_id: Mapped[int | None] = mapped_column(sa.ForeignKey("workers.id"))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_to: Mapped[str] = mapped_column(sa.String(254), default="", nullable=False)
    memo: Mapped[str] = mapped_column(sa.String(500), default="", nullable=False)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # the background invoicing run that made it (None: the command line, or a credit note)
    invoicing_run_id: Mapped[int | None] = mapped_column(sa.ForeignKey("invoicing_runs.id"), index=True)

    client = relationship("Client")
    agency = relationship("Agency")
    worker = relationship("Worker")
    created_by = relationship("User")
    credits_invoice = relationship("Invoice", remote_side=[id])
    lines = relationship("InvoiceLine", back_populates="invoice", order_by="InvoiceLine.id",
                         cascade="all, delete-orphan")

    __table_args__ = (
        sa.UniqueConstraint("agency_id", "number", name="uq_invoices_agency_number"),
        sa.CheckConstraint("kind in ('invoice','credit_note')", name="ck_invoices_kind"),
        sa.CheckConstraint("status in ('draft','sent','partially_paid','paid','written_off','void')",
                           name="ck_invoices_status"),
        sa.CheckConstraint("total >= 0 AND balance >= 0 AND balance <= total", name="ck_invoices_amounts"),
        sa.CheckConstraint("(status IN ('draft','void')) OR (number IS NOT NULL AND issue_date IS NOT NULL)",
                           name="ck_invoices_issued_numbered"),
        sa.CheckConstraint("period_end >= period_start", name="ck_invoices_period"),
        sa.CheckConstraint("kind = 'invoice' OR credits_invoice_id IS NOT NULL", name="ck_invoices_credit_of"),
    )

    KIND_WORDS = {"invoice": "Invoice", "credit_note": "Credit note"}

    def is_overdue(self, today: date) -> bool:
        return self.status in OPEN_STATUSES and self.due_date is not None and self.due_date < today

    @property
    def period(self) -> str:
        return f"{self.period_start.isoformat()}/{self.period_end.isoformat()}"

    def __str__(self) -> str:
        """"Invoice INV-000012" or "Draft invoice for Northwind, Nov 2 – Nov 8, 2026"."""
        words = self.KIND_WORDS.get(self.kind, self.kind)
        if self.number:
            return f"{words} {self.number}"
        who = self.client.name if self.client is not None else f"client {self.client_id}"
        return f"Draft {words.lower()} for {who}, {self.period_start:%b} {self.period_start.day} – " \
               f"{self.period_end:%b} {self.period_end.day}, {self.period_end.year}"


class InvoiceLine(db.Model):
    """One billed line: hours at a bill rate (regular, overtime, double time) from an approved timesheet, units at
    a bill rate from a task or a piece timesheet, a paycheck's salary at a salaried engagement's bill rate, or a
    cost-plus line for one paycheck and engagement (wages + employer taxes + benefits + workers' comp + markup,
    itemised in `breakdown`). `paycheck_id` names the paycheck whose pay the line bills. `source_key` names what
    it bills ("ts:<timesheet>:regular", "task:<task completion>", "sal:<paycheck>:<engagement>",
    "pc:<paycheck>:<engagement>", "credit:<line>") and is unique: the database's guarantee that nothing is billed
    (or credited) twice."""

    __tablename__ = "invoice_lines"
    __permission_model__ = "invoice"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    invoice_id: Mapped[int] = mapped_column(sa.ForeignKey("invoices.id", ondelete="CASCADE"), nullable=False,
                                            index=True)
    worker_id: Mapped[int | None] = mapped_column(sa.ForeignKey("workers.id"))
    engagement_id: Mapped[int | None] = mapped_column(sa.ForeignKey("engagements.id"), index=True)
    timesheet_id: Mapped[int | None] = mapped_column(sa.ForeignKey("timesheets.id"), index=True)
    paycheck_id: Mapped[int | None] = mapped_column(sa.ForeignKey("paychecks.id"), index=True)
    task_completion_id: Mapped[int | None] = mapped_column(sa.ForeignKey("task_completions.id"))
    credits_line_id: Mapped[int | None] = mapped_column(sa.ForeignKey("invoice_lines.id"))
    description: Mapped[str] = mapped_column(sa.String(300), default="", nullable=False)
    quantity: Mapped[Decimal] = mapped_column(Scaled(4), default=D(0), nullable=False)
    unit: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    rate: Mapped[Decimal] = mapped_column(Scaled(4), default=D(0), nullable=False)
    amount: Mapped[Decimal] = mapped_column(Scaled(2), nullable=False)
    breakdown: Mapped[dict | None] = mapped_column(sa.JSON)
    source_key: Mapped[str | None] = mapped_column(sa.String(80), unique=True)

    invoice = relationship(Invoice, back_populates="lines")
    worker = relationship("Worker", viewonly=True)
    engagement = relationship("Engagement", viewonly=True)
    timesheet = relationship("Timesheet", viewonly=True)
    paycheck = relationship("Paycheck", viewonly=True)

    __table_args__ = (
        sa.CheckConstraint("unit in ('hour','overtime_hour','double_time_hour','unit','salary','cost_plus','credit')",
                           name="ck_invoice_lines_unit"),
    )

    def __str__(self) -> str:
        return self.description or f"Line {self.id}"


class InvoicingRun(Timestamps, db.Model):
    """One "invoice through a date" done in the background (the `billing.run_invoicing` task), client by client,
    each client in its own unit of work: its progress (`clients_done` of `clients_total`), what it made (the
    invoices name it), what it left unbilled and why, and an error. Safe to run twice or to resume after a crash:
    a client already invoiced has nothing unbilled left (the unique source keys), so only the rest is billed."""

    __tablename__ = "invoicing_runs"
    __audited__ = True
    __permission_model__ = "invoice"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    through: Mapped[date] = mapped_column(sa.Date, nullable=False)
    client_id: Mapped[int | None] = mapped_column(sa.ForeignKey("clients.id"))      # None: every active client
    issue: Mapped[bool] = mapped_column(sa.Boolean, default=True, nullable=False)  # false: drafts
    issue_date: Mapped[date] = mapped_column(sa.Date, nullable=False)
    state: Mapped[str] = mapped_column(sa.String(8), default="queued", nullable=False, index=True)
    clients_total: Mapped[int] = mapped_column(sa.Integer, default=0, nullable=False)
    clients_done: Mapped[int] = mapped_column(sa.Integer, default=0, nullable=False)
    invoice_count: Mapped[int] = mapped_column(sa.Integer, default=0, nullable=False)
    invoiced_total: Mapped[Decimal] = mapped_column(Scaled(2), default=D(0), nullable=False)
    skipped: Mapped[list] = mapped_column(sa.JSON, default=list, nullable=False)
    error: Mapped[str] = mapped_column(sa.String(1000), default="", nullable=False)
    requested_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    client = relationship("Client")
    requested_by = relationship("User")

    __table_args__ = (
        sa.CheckConstraint("state in ('queued','running','done','failed')", name="ck_invoicing_runs_state"),
        sa.CheckConstraint("clients_done >= 0 AND clients_done <= clients_total", name="ck_invoicing_runs_progress"),
    )

    @property
    def percent(self) -> int:
        if self.state == "done":
            return 100
        return int(100 * self.clients_done / self.clients_total) if self.clients_total else 0

    def __str__(self) -> str:
        return f"Invoicing run #{self.id} through {self.through.isoformat()}"
