"""Ledger and payment records: append-only double-entry journal, direct-deposit payments and NACHA files."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backoffice.db import BigId, EncryptedString, Scaled, UTCDateTime, utcnow
from backoffice.extensions import db
from backoffice.money import D

JOURNAL_KINDS = ("payroll", "payment", "reversal", "return", "reissue", "deposit",
                 # client billing (backoffice/billing): an invoice issued, a payment received, a credit note, a
                 # write-off
                 "invoice", "receipt", "credit_note", "write_off")
PAYMENT_STATUSES = ("pending", "sent", "returned", "reissued", "held", "voided")
PAYMENT_METHODS = ("ach", "check")
# A payment that is on its way or may still go: at most one per paycheck part (uq_payments_live_part).
LIVE_PAYMENT_STATUSES = ("pending", "sent", "held")

# The chart of accounts the payroll journal posts to (code -> name). Liability lines carry a `detail`
# (tax or deduction code) and a `state` so the GL shows one liability per tax, per agency and per state.
ACCOUNTS = {
    "1000": "Cash - payroll account",
    "1010": "Cash - operating account",
    "1100": "Accounts receivable",
    "2100": "Employee taxes withheld payable",
    "2200": "Employer payroll taxes payable",
    "2300": "Deductions payable (benefits, garnishments)",
    "2400": "Net pay payable",
    "2500": "Employer contributions payable (401(k) match, HSA, premiums)",
    "2600": "Workers' compensation premium payable",
    "4000": "Revenue - staffing services",
    "6100": "Wages expense (leased employees)",
    "6150": "Contractor payments expense",
    "6200": "Employer payroll tax expense",
    "6300": "Employer benefit contributions expense",
    "6400": "Workers' compensation expense",
    "6900": "Bad debt expense",
}


class JournalEntry(db.Model):
    """One balanced journal entry. Never updated or deleted: a reversal is a new entry with debits and credits
    swapped and `reverses_id` pointing at the original."""

    __tablename__ = "journal_entries"
    __permission_model__ = "journal"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    run_id: Mapped[int | None] = mapped_column(sa.ForeignKey("payroll_runs.id"), index=True)
    paycheck_id: Mapped[int | None] = mapped_column(sa.ForeignKey("paychecks.id"), index=True)
    chunk_index: Mapped[int | None] = mapped_column(sa.Integer)
    kind: Mapped[str] = mapped_column(sa.String(12), nullable=False)
    entry_date: Mapped[date] = mapped_column(sa.Date, nullable=False, index=True)
    memo: Mapped[str] = mapped_column(sa.String(300), default="", nullable=False)
    reverses_id: Mapped[int | None] = mapped_column(sa.ForeignKey("journal_entries.id"))
    # client billing entries (backoffice/billing): the invoice or credit note, the client payment (tables named,
    # not imported: payroll never imports billing)
    invoice_id: Mapped[int | None] = mapped_column(sa.ForeignKey("invoices.id"), index=True)
    client_payment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("client_payments.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)

    lines = relationship("JournalLine", order_by="JournalLine.id", viewonly=True)
    run = relationship("PayrollRun", viewonly=True)
    paycheck = relationship("Paycheck", viewonly=True)

    __table_args__ = (
        sa.CheckConstraint("kind in ('payroll','payment','reversal','return','reissue','deposit',"
                           "'invoice','receipt','credit_note','write_off')", name="ck_journal_entries_kind"),
        sa.UniqueConstraint("run_id", "kind", "chunk_index", name="uq_journal_entries_run_chunk"),
    )


class JournalLine(db.Model):
    """A debit or a credit to one account (see ACCOUNTS), with the tax/deduction code, state and agency."""

    __tablename__ = "journal_lines"
    __permission_model__ = "journal"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    entry_id: Mapped[int] = mapped_column(sa.ForeignKey("journal_entries.id"), nullable=False, index=True)
    account: Mapped[str] = mapped_column(sa.String(8), nullable=False, index=True)
    detail: Mapped[str] = mapped_column(sa.String(40), default="", nullable=False)
    state: Mapped[str] = mapped_column(sa.String(2), default="", nullable=False)
    agency_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agencies.id"))
    debit: Mapped[Decimal] = mapped_column(Scaled(2), default=D(0), nullable=False)
    credit: Mapped[Decimal] = mapped_column(Scaled(2), default=D(0), nullable=False)

    __table_args__ = (sa.CheckConstraint("debit >= 0 and credit >= 0", name="ck_journal_lines_sides"),)

    entry = relationship(JournalEntry, viewonly=True)
    agency = relationship("Agency", viewonly=True)

    @property
    def account_name(self) -> str:
        return ACCOUNTS.get(self.account, self.account)


class NachaFile(db.Model):
    """A NACHA file as generated (kept so a download is byte-identical every time). It holds every worker's full
    account number, so its content is encrypted at rest with the app's keys (and re-encrypted by rotate-key)."""

    __tablename__ = "nacha_files"
    __permission_model__ = "payment"
    __audited__ = True
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    run_id: Mapped[int] = mapped_column(sa.ForeignKey("payroll_runs.id"), nullable=False, index=True)
    file_id_modifier: Mapped[str] = mapped_column(sa.String(1), nullable=False)
    purpose: Mapped[str] = mapped_column(sa.String(10), default="run", nullable=False)   # run | reissue
    entry_count: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    total_credit: Mapped[Decimal] = mapped_column(Scaled(2), nullable=False)
    content: Mapped[str] = mapped_column(EncryptedString(), nullable=False)
    # the settlement date the batch header asks for (the pay date, or a later one chosen knowingly); None for files
    # made before it was recorded
    effective_date: Mapped[date | None] = mapped_column(sa.Date)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)

    __table_args__ = (sa.UniqueConstraint("run_id", "file_id_modifier", name="uq_nacha_files_run_modifier"),)

    run = relationship("PayrollRun", viewonly=True)
    created_by = relationship("User", viewonly=True)

    def __str__(self) -> str:
        return f"NACHA file {self.file_id_modifier} of {self.run}" if self.run is not None else \
            f"NACHA file {self.file_id_modifier}"


ATTENTION_STATUSES = ("held", "returned", "reissued", "voided")
ATTENTION_SQL = ("CASE WHEN " + " OR ".join(f"status = '{s}'" for s in ATTENTION_STATUSES)
                 + " THEN status ELSE NULL END")


class Payment(db.Model):
    """One direct-deposit credit: part of a paycheck's net pay to one of the worker's accounts.

    The account number is read (decrypted) from the BankAccount only when a NACHA file is written. A return
    (R01, R03, ...) sets `status=returned` and `return_code`; a re-issue is a new Payment with `reissue_of_id`
    and the same `part`. A paycheck whose worker had no usable account at approval gets one `held` payment (no
    account, `hold_reason` says why), released later by a re-issue to an account.

    Exactly once, in the database: one live (pending, sent or held) payment per paycheck part, and one re-issue
    per payment at most."""

    __tablename__ = "payments"
    __permission_model__ = "payment"
    __audited__ = True
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    run_id: Mapped[int] = mapped_column(sa.ForeignKey("payroll_runs.id"), nullable=False, index=True)
    paycheck_id: Mapped[int] = mapped_column(sa.ForeignKey("paychecks.id"), nullable=False, index=True)
    worker_id: Mapped[int] = mapped_column(sa.ForeignKey("workers.id"), nullable=False, index=True)
    bank_account_id: Mapped[int | None] = mapped_column(sa.ForeignKey("bank_accounts.id"))     # None while held
    routing_number: Mapped[str] = mapped_column(sa.String(9), nullable=False)
    account_last4: Mapped[str] = mapped_column(sa.String(4), nullable=False)
    account_type: Mapped[str] = mapped_column(sa.String(10), nullable=False)
    amount: Mapped[Decimal] = mapped_column(Scaled(2), nullable=False)
    status: Mapped[str] = mapped_column(sa.String(10), default="pending", nullable=False)      # in no index: below
    # the status when it needs someone's attention (held, returned, re-issued, voided), else NULL: what the
    # indexes read instead of `status`, which then changes no indexed value from pending to sent (0134). Written as
    # PostgreSQL deparses it (ORs, ELSE NULL), so alembic's comparison of the two texts finds them equal.
    attention: Mapped[str | None] = mapped_column(sa.String(10), sa.Computed(ATTENTION_SQL, persisted=True))
    part: Mapped[int] = mapped_column(sa.Integer, default=0, server_default="0", nullable=False)
    hold_reason: Mapped[str] = mapped_column(sa.String(200), default="", server_default="", nullable=False)
    nacha_file_id: Mapped[int | None] = mapped_column(sa.ForeignKey("nacha_files.id"))        # no index: below
    trace_number: Mapped[str] = mapped_column(sa.String(15), default="", nullable=False)      # no index: below
    return_code: Mapped[str] = mapped_column(sa.String(3), default="", nullable=False)
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reissue_of_id: Mapped[int | None] = mapped_column(sa.ForeignKey("payments.id"))    # unique, partial index below
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    # A manual (paper) check: method `check`, its number unique per agency (the agency's payroll account), its
    # date; never put in a NACHA file (those take `pending` payments, a check is `sent` when recorded); a voided
    # check keeps its number (a check number is used once, voided or not).
    method: Mapped[str] = mapped_column(sa.String(5), default="ach", server_default="ach", nullable=False)
    check_number: Mapped[str | None] = mapped_column(sa.String(20))
    check_date: Mapped[date | None] = mapped_column(sa.Date)
    check_agency_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agencies.id"))
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    void_reason: Mapped[str] = mapped_column(sa.String(200), default="", server_default="", nullable=False)

    __table_args__ = (
        sa.CheckConstraint("status in ('pending','sent','returned','reissued','held','voided')",
                           name="ck_payments_status"),
        sa.CheckConstraint("amount > 0", name="ck_payments_amount"),
        sa.CheckConstraint("method = 'check' or status in ('held','reissued') or bank_account_id is not null",
                           name="ck_payments_account"),
        sa.CheckConstraint("method in ('ach','check')", name="ck_payments_method"),
        sa.CheckConstraint("(method = 'check') = (check_number is not null and check_date is not null)",
                           name="ck_payments_check_fields"),
        # A payment is written three times (approval, its NACHA file, sent), and each index is one more entry per
        # write. Partial indexes (0095): rows with no check or no re-issue stay out. No index on nacha_file_id or
        # trace_number (0132), and none on status (0134: `attention` in its place): neither the NACHA file's
        # numbering nor marking sent changes an indexed value, so with the free half page below both are
        # heap-only-tuple updates (no index entry); a return is matched by trace AND paycheck id.
        sa.Index("uq_payments_check_number", "check_agency_id", "check_number", unique=True,
                 sqlite_where=sa.text("check_number IS NOT NULL"),
                 postgresql_where=sa.text("check_number IS NOT NULL")),
        sa.Index("ix_payments_reissue_of_id", "reissue_of_id", unique=True,
                 sqlite_where=sa.text("reissue_of_id IS NOT NULL"),
                 postgresql_where=sa.text("reissue_of_id IS NOT NULL")),
        # the statuses looked for across runs (held, returned); pending and sent rows, nearly all, stay out
        sa.Index("ix_payments_attention", "attention", sqlite_where=sa.text("attention IS NOT NULL"),
                 postgresql_where=sa.text("attention IS NOT NULL")),
        # live: pending, sent or held (the same rows as status IN ('pending','sent','held') under ck_payments_status)
        sa.Index("uq_payments_live_part", "paycheck_id", "part", unique=True,
                 sqlite_where=sa.text("attention IS NULL OR attention = 'held'"),
                 postgresql_where=sa.text("attention IS NULL OR attention = 'held'")),
        # 60% of each page left free at approval: the NACHA numbering's new versions (25 bytes longer: the file's id
        # and the 15-digit trace) and then marking sent's stay on their page (0136; at 50, 15% of the numbering's
        # did not fit)
        {"postgresql_with": {"fillfactor": 40}},
    )

    run = relationship("PayrollRun", viewonly=True)
    paycheck = relationship("Paycheck", viewonly=True)
    worker = relationship("Worker", viewonly=True)
    nacha_file = relationship(NachaFile, viewonly=True)
    reissue_of = relationship("Payment", remote_side=[id], viewonly=True)
    # the client and agency of the paycheck (a paycheck paying several clients' engagements has no single client)
    client = relationship("Client", secondary="paychecks", primaryjoin="Payment.paycheck_id == Paycheck.id",
                          secondaryjoin="Paycheck.client_id == Client.id", viewonly=True, uselist=False)
    agency = relationship("Agency", secondary="paychecks", primaryjoin="Payment.paycheck_id == Paycheck.id",
                          secondaryjoin="Paycheck.agency_id == Agency.id", viewonly=True, uselist=False)

    def __str__(self) -> str:
        who = str(self.worker) if self.worker is not None else f"worker {self.worker_id}"
        return f"Payment of {self.amount:,.2f} to {who}"

    @property
    def masked_account(self) -> str:
        if self.method == "check":
            return f"check no. {self.check_number}"
        return f"*****{self.account_last4}" if self.account_last4 else "(held: no account)"
