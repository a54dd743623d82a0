"""Portable benefits records: contribution rules per engagement, one account per worker, its ledger, payouts.
Money in cents; a rule's percent as millionths (Scaled(6): 0.020000 is 2%)."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backoffice.db import BigId, Scaled, Timestamps, UTCDateTime, utcnow
from backoffice.errors import DomainError
from backoffice.extensions import db
from backoffice.money import D
from benefits.engine.portable import FUNDERS, METHODS

ENTRY_KINDS = ("credit", "use", "payout", "reversal")
REPORTING_CATEGORIES = ("1099_nec_box1", "w2_wages")
PAYOUT_STATUSES = ("requested", "approved", "rejected", "paid")
# next_paycheck: a line of the worker's next regular paycheck (a payroll adjustment); off_cycle_ach: finance pays
# it outside payroll and records the trace number (a worker with no active engagement on a pay schedule)
PAYOUT_METHODS = ("next_paycheck", "off_cycle_ach")


def _in(column: str, values: tuple) -> str:
    return f"{column} in ({','.join(repr(v) for v in values)})"


class PortableRule(Timestamps, db.Model):
    """What an engagement contributes to its worker's portable account, from `start_date` to `end_date`
    (inclusive; open when null): `amount_per_hour` for each hour worked, or `percent` of pay; funded by the
    client (billed to it) or by the agency."""

    __tablename__ = "benefit_portable_rules"
    __audited__ = True
    __permission_model__ = "portable_benefit_rule"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    engagement_id: Mapped[int] = mapped_column(sa.ForeignKey("engagements.id"), nullable=False, index=True)
    method: Mapped[str] = mapped_column(sa.String(16), nullable=False)
    amount_per_hour: Mapped[Decimal | None] = mapped_column(Scaled(2))
    percent: Mapped[Decimal | None] = mapped_column(Scaled(6))
    funded_by: Mapped[str] = mapped_column(sa.String(8), nullable=False)
    start_date: Mapped[date] = mapped_column(sa.Date, nullable=False)
    end_date: Mapped[date | None] = mapped_column(sa.Date)
    note: Mapped[str] = mapped_column(sa.String(500), default="", nullable=False)

    engagement = relationship("Engagement")

    __table_args__ = (
        sa.CheckConstraint(_in("method", METHODS), name="ck_benefit_portable_rules_method"),
        sa.CheckConstraint(_in("funded_by", FUNDERS), name="ck_benefit_portable_rules_funded_by"),
        sa.CheckConstraint("(method = 'per_hour' and amount_per_hour > 0 and percent is null) or "
                           "(method = 'percent_of_pay' and percent > 0 and percent <= 1000000 and "
                           "amount_per_hour is null)", name="ck_benefit_portable_rules_rate"),
        sa.CheckConstraint("end_date is null or end_date >= start_date", name="ck_benefit_portable_rules_dates"),
    )

    @property
    def rate(self) -> Decimal:
        return self.amount_per_hour if self.method == "per_hour" else self.percent

    def __str__(self) -> str:
        what = (f"${self.amount_per_hour}/hour" if self.method == "per_hour"
                else f"{(self.percent * 100).normalize():f}% of pay")
        return f"{what}, {self.funded_by}-funded, from {self.start_date}"


class PortableAccount(Timestamps, db.Model):
    """The worker's portable-benefits account: it belongs to the worker, not to an engagement, and follows them
    from client to client. `balance` is the running total of its entries, changed only with the row locked;
    the database refuses a negative balance."""

    __tablename__ = "benefit_portable_accounts"
    __audited__ = True
    __permission_model__ = "portable_benefit"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    worker_id: Mapped[int] = mapped_column(sa.ForeignKey("workers.id"), nullable=False, unique=True)
    balance: Mapped[Decimal] = mapped_column(Scaled(2), default=D(0), nullable=False)
    opened_on: Mapped[date] = mapped_column(sa.Date, nullable=False)
    # the worker's choice: each month, use the balance toward the employee share of their pooled-plan premiums
    use_for_premiums: Mapped[bool] = mapped_column(sa.Boolean, default=False, nullable=False)

    worker = relationship("Worker")

    __table_args__ = (sa.CheckConstraint("balance >= 0", name="ck_benefit_portable_accounts_balance"),)

    def __str__(self) -> str:
        who = str(self.worker) if self.worker is not None else f"worker #{self.worker_id}"
        return f"{who}'s portable benefits"


class PortableEntry(db.Model):
    """One movement of a portable account, never updated: a `credit` from one paycheck's pay at one engagement
    (unique per paycheck and engagement, so paying or re-running twice credits once), a `use` toward a pooled
    plan's premium, a `payout` to the worker, or a `reversal` of a reversed paycheck's credit. `amount` is signed
    (credits positive); `balance_after` is the account's balance after it, never below zero."""

    __tablename__ = "benefit_portable_entries"
    __permission_model__ = "portable_benefit"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    account_id: Mapped[int] = mapped_column(sa.ForeignKey("benefit_portable_accounts.id"), nullable=False,
                                            index=True)
    worker_id: Mapped[int] = mapped_column(sa.ForeignKey("workers.id"), nullable=False, index=True)
    kind: Mapped[str] = mapped_column(sa.String(10), nullable=False)
    amount: Mapped[Decimal] = mapped_column(Scaled(2), nullable=False)
    balance_after: Mapped[Decimal] = mapped_column(Scaled(2), nullable=False)
    entry_date: Mapped[date] = mapped_column(sa.Date, nullable=False, index=True)
    # where a credit (or its reversal) came from
    engagement_id: Mapped[int | None] = mapped_column(sa.ForeignKey("engagements.id"), index=True)
    client_id: Mapped[int | None] = mapped_column(sa.ForeignKey("clients.id"), index=True)
    paycheck_id: Mapped[int | None] = mapped_column(sa.ForeignKey("paychecks.id"))
    rule_id: Mapped[int | None] = mapped_column(sa.ForeignKey("benefit_portable_rules.id"))
    funded_by: Mapped[str | None] = mapped_column(sa.String(8))
    basis: Mapped[Decimal | None] = mapped_column(Scaled(4))     # hours worked, or the pay the percent was of
    # the tax year and form box the credit is reported in (the filings domain sums 1099-NEC box 1 from here)
    reporting_category: Mapped[str | None] = mapped_column(sa.String(16))
    tax_year: Mapped[int | None] = mapped_column(sa.Integer)
    reverses_entry_id: Mapped[int | None] = mapped_column(sa.ForeignKey("benefit_portable_entries.id"),
                                                          unique=True)
    payout_id: Mapped[int | None] = mapped_column(sa.ForeignKey("benefit_portable_payouts.id"), unique=True)
    # a use: what it paid for, e.g. "portable_premium:benefit_enrollment:12:2026-12" (one per enrollment and month)
    use_ref: Mapped[str | None] = mapped_column(sa.String(80), unique=True)
    # a use paid back to the worker as a line of their next paycheck (the premium the paycheck deducted)
    adjustment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("payroll_adjustments.id"), unique=True)
    memo: Mapped[str] = mapped_column(sa.String(300), default="", nullable=False)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)

    engagement = relationship("Engagement")
    client = relationship("Client")
    worker = relationship("Worker")

    __table_args__ = (
        sa.UniqueConstraint("paycheck_id", "engagement_id", name="uq_benefit_portable_entries_paycheck_engagement"),
        sa.CheckConstraint(_in("kind", ENTRY_KINDS), name="ck_benefit_portable_entries_kind"),
        sa.CheckConstraint("balance_after >= 0", name="ck_benefit_portable_entries_balance_after"),
        sa.CheckConstraint("(kind = 'credit' and amount > 0) or (kind <> 'credit' and amount <= 0)",
                           name="ck_benefit_portable_entries_sign"),
        sa.CheckConstraint("kind <> 'credit' or (paycheck_id is not null and engagement_id is not null and "
                           "reporting_category is not null)", name="ck_benefit_portable_entries_credit"),
        sa.CheckConstraint("kind <> 'reversal' or reverses_entry_id is not null",
                           name="ck_benefit_portable_entries_reversal"),
        sa.CheckConstraint("kind <> 'payout' or payout_id is not null", name="ck_benefit_portable_entries_payout"),
        sa.CheckConstraint("reporting_category is null or " + _in("reporting_category", REPORTING_CATEGORIES),
                           name="ck_benefit_portable_entries_reporting"),
    )

    def __str__(self) -> str:
        return f"{self.kind} {self.amount} on {self.entry_date}"


@event.listens_for(PortableEntry, "before_update")
@event.listens_for(PortableEntry, "before_delete")
def _posted(mapper, connection, target):
    raise DomainError(f"portable entry #{target.id} is posted: it is never updated or deleted; post a reversal",
                      code="posted")


class PortablePayout(Timestamps, db.Model):
    """A worker's request to be paid (part of) their balance: `requested` → `approved` (HR; the amount leaves the
    account then, as a `payout` entry, and becomes a line of the worker's next paycheck) or `rejected` → `paid`
    (when the run carrying that line is paid; or, with no engagement on a pay schedule, when finance records the
    off-cycle ACH and its trace number)."""

    __tablename__ = "benefit_portable_payouts"
    __audited__ = True
    __permission_model__ = "portable_payout"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    worker_id: Mapped[int] = mapped_column(sa.ForeignKey("workers.id"), nullable=False, index=True)
    amount: Mapped[Decimal] = mapped_column(Scaled(2), nullable=False)
    status: Mapped[str] = mapped_column(sa.String(10), default="requested", nullable=False, index=True)
    method: Mapped[str] = mapped_column(sa.String(16), default="next_paycheck", nullable=False)
    # next_paycheck: the payroll adjustment that pays it (paid when the run that carries it is paid)
    adjustment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("payroll_adjustments.id"), unique=True)
    reason: Mapped[str] = mapped_column(sa.String(500), default="", nullable=False)
    requested_on: Mapped[date] = mapped_column(sa.Date, nullable=False)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decision_note: Mapped[str] = mapped_column(sa.String(500), default="", nullable=False)
    paid_on: Mapped[date | None] = mapped_column(sa.Date)
    payment_ref: Mapped[str | None] = mapped_column(sa.String(60))

    worker = relationship("Worker")

    __table_args__ = (
        sa.CheckConstraint("amount > 0", name="ck_benefit_portable_payouts_amount"),
        sa.CheckConstraint(_in("status", PAYOUT_STATUSES), name="ck_benefit_portable_payouts_status"),
        sa.CheckConstraint(_in("method", PAYOUT_METHODS), name="ck_benefit_portable_payouts_method"),
        sa.CheckConstraint("status <> 'paid' or (paid_on is not null and payment_ref is not null)",
                           name="ck_benefit_portable_payouts_paid"),
    )

    def __str__(self) -> str:
        return f"Payout request #{self.id}: ${self.amount} ({self.status})"
