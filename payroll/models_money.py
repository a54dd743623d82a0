"""Money-loop records: tax deposits that clear the liability accounts, and the bank's return/NOC files."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from backoffice.db import BigId, EncryptedString, Scaled, UTCDateTime, utcnow
from backoffice.extensions import db

# What a deposit pays: 941 (federal income tax withheld, social security and Medicare, both shares), 945
# (backup withholding), 940 (FUTA), SIT (a state's income tax withheld), SUI (a state's unemployment insurance,
# employer and employee shares), SPROG (a state's disability / family-leave / long-term-care programs).
DEPOSIT_TAXES = ("941", "945", "940", "SIT", "SUI", "SPROG", "LOCAL")
DEPOSIT_STATUSES = ("due", "paid")


class TaxDeposit(db.Model):
    """One deposit owed to a tax authority for one period, built from the journal's liability lines.

    `breakdown` lists the liability lines it clears ({"account", "detail", "state", "amount"}); paying it posts
    one journal entry debiting each of them and crediting cash, so the liability accounts for the period go to
    zero. Planning the same period again adds a deposit (next `seq`) only for liabilities not yet covered, e.g.
    a late off-cycle run. Paid once: status moves due → paid by compare-and-set, and the journal entry is unique."""

    __tablename__ = "tax_deposits"
    __permission_model__ = "tax_deposit"
    __audited__ = True
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    agency_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agencies.id"), index=True)   # the employer
    authority: Mapped[str] = mapped_column(sa.String(80), nullable=False)       # IRS (EFTPS), CA EDD, ...
    tax: Mapped[str] = mapped_column(sa.String(8), nullable=False, index=True)
    state: Mapped[str] = mapped_column(sa.String(2), default="", server_default="", nullable=False, index=True)
    period_start: Mapped[date] = mapped_column(sa.Date, nullable=False)
    period_end: Mapped[date] = mapped_column(sa.Date, nullable=False)
    seq: Mapped[int] = mapped_column(sa.Integer, default=1, server_default="1", nullable=False)
    due_date: Mapped[date | None] = mapped_column(sa.Date, index=True)          # None: no schedule data
    rule: Mapped[str] = mapped_column(sa.String(300), default="", server_default="", nullable=False)
    amount: Mapped[Decimal] = mapped_column(Scaled(2), nullable=False)
    breakdown: Mapped[list] = mapped_column(sa.JSON, nullable=False)
    status: Mapped[str] = mapped_column(sa.String(6), default="due", server_default="due", nullable=False,
                                        index=True)
    paid_on: Mapped[date | None] = mapped_column(sa.Date)
    confirmation: Mapped[str] = mapped_column(sa.String(40), default="", server_default="", nullable=False)
    journal_entry_id: Mapped[int | None] = mapped_column(sa.ForeignKey("journal_entries.id"), unique=True)
    paid_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)

    __table_args__ = (
        sa.CheckConstraint("tax in ('941','945','940','SIT','SUI','SPROG','LOCAL')", name="ck_tax_deposits_tax"),
        sa.CheckConstraint("status in ('due','paid')", name="ck_tax_deposits_status"),
        sa.CheckConstraint("amount > 0", name="ck_tax_deposits_amount"),
        sa.CheckConstraint("status = 'due' or (paid_on is not null and journal_entry_id is not null)",
                           name="ck_tax_deposits_paid"),
        sa.UniqueConstraint("agency_id", "tax", "state", "period_start", "period_end", "seq",
                            name="uq_tax_deposits_period"),
    )

    @property
    def label(self) -> str:
        return f"{self.tax}{' ' + self.state if self.state else ''} {self.period_start}–{self.period_end}"


class BankFile(db.Model):
    """A return/NOC file received from the bank, kept encrypted (it holds full account numbers), imported once:
    the SHA-256 of its bytes is unique, so the same file imported again changes nothing."""

    __tablename__ = "bank_files"
    __permission_model__ = "payment"
    __audited__ = True
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(10), default="returns", server_default="returns", nullable=False)
    filename: Mapped[str] = mapped_column(sa.String(200), default="", server_default="", nullable=False)
    sha256: Mapped[str] = mapped_column(sa.String(64), nullable=False, unique=True)
    content: Mapped[str] = mapped_column(EncryptedString(), nullable=False)
    returns: Mapped[int] = mapped_column(sa.Integer, default=0, nullable=False)
    nocs: Mapped[int] = mapped_column(sa.Integer, default=0, nullable=False)
    matched: Mapped[int] = mapped_column(sa.Integer, default=0, nullable=False)
    unmatched: Mapped[int] = mapped_column(sa.Integer, default=0, nullable=False)
    already: Mapped[int] = mapped_column(sa.Integer, default=0, nullable=False)
    imported_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)


class BankFileEntry(db.Model):
    """One return or NOC of a bank file and what the import did with it.

    outcome: returned | noc_applied | noc_recorded (a code this product does not apply) | unmatched (no sent
    payment with that trace and paycheck) | already (the same return/NOC of that payment came in an earlier
    file) | refused (matched, but the correction is not valid, e.g. a routing number that fails its check
    digit). A (payment, code) pair counts once: uq_bank_file_entries_counted."""

    __tablename__ = "bank_file_entries"
    __permission_model__ = "payment"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    file_id: Mapped[int] = mapped_column(sa.ForeignKey("bank_files.id"), nullable=False, index=True)
    line: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    kind: Mapped[str] = mapped_column(sa.String(6), nullable=False)        # return | noc
    code: Mapped[str] = mapped_column(sa.String(3), nullable=False)
    original_trace: Mapped[str] = mapped_column(sa.String(15), nullable=False)
    individual_id: Mapped[str] = mapped_column(sa.String(15), default="", nullable=False)
    amount: Mapped[Decimal] = mapped_column(Scaled(2), nullable=False)
    payment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("payments.id"), index=True)
    bank_account_id: Mapped[int | None] = mapped_column(sa.ForeignKey("bank_accounts.id"))
    counted: Mapped[bool] = mapped_column(sa.Boolean, default=False, nullable=False)
    outcome: Mapped[str] = mapped_column(sa.String(12), nullable=False)
    message: Mapped[str] = mapped_column(sa.String(300), default="", nullable=False)

    __table_args__ = (
        sa.CheckConstraint("kind in ('return','noc')", name="ck_bank_file_entries_kind"),
        sa.Index("uq_bank_file_entries_counted", "payment_id", "code", unique=True,
                 sqlite_where=sa.text("counted"), postgresql_where=sa.text("counted")),
    )
