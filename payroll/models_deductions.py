"""Recurring deductions per worker (elections, loans, garnishment orders), what each paycheck took of them (for
goals and remittance), and the employer's contributions per worker. Money in cents, rates as fractions."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backoffice.db import BigId, Scaled, Timestamps, UTCDateTime, utcnow
from backoffice.extensions import db

# Codes: the engine's (payroll.engine.model PRETAX_TREATMENT, POSTTAX_CODES), each a deduction a worker can carry.
PRETAX_DEDUCTION_CODES = ("401k", "section125", "hsa", "fsa", "dcfsa", "commuter")
ORDER_CODES = ("child_support", "garnishment", "student_loan", "tax_levy")   # garnishment = a creditor's order
POSTTAX_DEDUCTION_CODES = ("roth_401k", "529", "loan", "other") + ORDER_CODES
DEDUCTION_CODES = PRETAX_DEDUCTION_CODES + POSTTAX_DEDUCTION_CODES
ORDER_LABELS = {"child_support": "child support", "garnishment": "creditor garnishment",
                "student_loan": "student loan / federal debt (AWG)", "tax_levy": "tax levy"}
DEDUCTION_STATUSES = ("active", "paused", "completed", "ended")
DEDUCTION_SOURCES = ("hr", "benefits", "court_order")
# health_employer was premium_employer_share before 0092 (employer-paid health coverage, IRC 106)
CONTRIBUTION_CODES = ("401k_match", "hsa_employer", "health_employer")
CONTRIBUTION_STATUSES = ("active", "ended")
CONTRIBUTION_SOURCES = ("hr", "benefits")
REMITTANCE_STATUSES = ("none", "due", "remitted")
HSA_COVERAGES = ("self_only", "family")
COMMUTER_KINDS = ("transit", "parking")          # IRC 132(f)(2)(A) and (B): each its own monthly limit
# Scaled(6) stores a fraction as millionths: 1000000 is 100%.
_PERCENT_OK = "percent is null or (percent > 0 and percent <= 1000000)"


def _in(column: str, values: tuple) -> str:
    return f"{column} in ({','.join(repr(v) for v in values)})"


class WorkerDeduction(Timestamps, db.Model):
    """One recurring deduction of one worker from `start_date` to `end_date` (inclusive; open when null): a fixed
    amount or a percent per paycheck (of gross wages; of disposable earnings for an order), stopped when `goal`
    (the total to collect) is reached. An order (child support, creditor garnishment, student loan, tax levy)
    carries its case, issuer, the CCPA facts and whom to remit to; orders are withheld support first, then in the
    order received (`received_date`, then id)."""

    __tablename__ = "worker_deductions"
    __audited__ = True
    __permission_model__ = "worker_deduction"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    worker_id: Mapped[int] = mapped_column(sa.ForeignKey("workers.id"), nullable=False, index=True)
    code: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    amount: Mapped[Decimal | None] = mapped_column(Scaled(2))              # per paycheck
    percent: Mapped[Decimal | None] = mapped_column(Scaled(6))             # a fraction: 0.060000 = 6%
    start_date: Mapped[date] = mapped_column(sa.Date, nullable=False)
    end_date: Mapped[date | None] = mapped_column(sa.Date)
    goal: Mapped[Decimal | None] = mapped_column(Scaled(2))                # total to collect; stops there
    status: Mapped[str] = mapped_column(sa.String(10), default="active", nullable=False)
    source: Mapped[str] = mapped_column(sa.String(12), default="hr", nullable=False)
    external_ref: Mapped[str | None] = mapped_column(sa.String(60), unique=True)   # e.g. the benefits enrollment
    hsa_coverage: Mapped[str | None] = mapped_column(sa.String(10))
    commuter_kind: Mapped[str | None] = mapped_column(sa.String(8))      # commuter: transit | parking (0092)
    note: Mapped[str] = mapped_column(sa.String(500), default="", nullable=False)
    # --- garnishment orders --------------------------------------------------------------------------------
    case_number: Mapped[str | None] = mapped_column(sa.String(60))
    issuing_state: Mapped[str | None] = mapped_column(sa.String(2))
    issuing_agency: Mapped[str | None] = mapped_column(sa.String(120))
    received_date: Mapped[date | None] = mapped_column(sa.Date)
    supports_other_family: Mapped[bool] = mapped_column(sa.Boolean, default=True, nullable=False)
    arrears_over_12_weeks: Mapped[bool] = mapped_column(sa.Boolean, default=False, nullable=False)
    payee_name: Mapped[str | None] = mapped_column(sa.String(120))         # e.g. the state disbursement unit
    payee_address: Mapped[str | None] = mapped_column(sa.String(300))
    payee_fips: Mapped[str | None] = mapped_column(sa.String(7))           # FIPS code of the SDU (child support)

    worker = relationship("Worker")

    __table_args__ = (
        sa.CheckConstraint(_in("code", DEDUCTION_CODES), name="ck_worker_deductions_code"),
        sa.CheckConstraint(_in("status", DEDUCTION_STATUSES), name="ck_worker_deductions_status"),
        sa.CheckConstraint(_in("source", DEDUCTION_SOURCES), name="ck_worker_deductions_source"),
        sa.CheckConstraint("(amount is null) <> (percent is null)", name="ck_worker_deductions_amount_or_percent"),
        sa.CheckConstraint("amount is null or amount > 0", name="ck_worker_deductions_amount"),
        sa.CheckConstraint(_PERCENT_OK, name="ck_worker_deductions_percent"),
        sa.CheckConstraint("goal is null or goal > 0", name="ck_worker_deductions_goal"),
        sa.CheckConstraint("end_date is null or end_date >= start_date", name="ck_worker_deductions_dates"),
        sa.CheckConstraint("hsa_coverage is null or " + _in("hsa_coverage", HSA_COVERAGES),
                           name="ck_worker_deductions_hsa_coverage"),
        sa.CheckConstraint("commuter_kind is null or (code = 'commuter' and " + _in("commuter_kind", COMMUTER_KINDS)
                           + ")", name="ck_worker_deductions_commuter_kind"),
        sa.CheckConstraint("not " + _in("code", ORDER_CODES) + " or (case_number is not null and received_date "
                           "is not null and payee_name is not null)", name="ck_worker_deductions_order"),
        sa.Index("ix_worker_deductions_worker_dates", "worker_id", "start_date"),
    )

    @property
    def is_order(self) -> bool:
        return self.code in ORDER_CODES

    def __str__(self) -> str:
        what = ORDER_LABELS.get(self.code, self.code)
        return f"{what} #{self.id}" + (f" (case {self.case_number})" if self.case_number else "")


class DeductionTake(db.Model):
    """What one paycheck took of one deduction: the goal's progress and, for an order, the amount to remit to its
    payee (one row per paycheck and deduction, written when the run is calculated; a reversal writes the negative)."""

    __tablename__ = "deduction_takes"
    __audited__ = True                 # remittance is recorded by editing a row: who marked it, when
    __permission_model__ = "worker_deduction"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    deduction_id: Mapped[int] = mapped_column(sa.ForeignKey("worker_deductions.id"), nullable=False, index=True)
    paycheck_id: Mapped[int] = mapped_column(sa.ForeignKey("paychecks.id"), nullable=False, index=True)
    worker_id: Mapped[int] = mapped_column(sa.ForeignKey("workers.id"), nullable=False, index=True)
    pay_date: Mapped[date] = mapped_column(sa.Date, nullable=False)
    amount: Mapped[Decimal] = mapped_column(Scaled(2), nullable=False)
    remittance_status: Mapped[str] = mapped_column(sa.String(10), default="none", nullable=False)
    remitted_on: Mapped[date | None] = mapped_column(sa.Date)
    remittance_ref: Mapped[str | None] = mapped_column(sa.String(60))      # check or EFT trace number
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)

    deduction = relationship(WorkerDeduction)
    paycheck = relationship("Paycheck")

    __table_args__ = (
        sa.UniqueConstraint("paycheck_id", "deduction_id", name="uq_deduction_takes_paycheck_deduction"),
        sa.CheckConstraint(_in("remittance_status", REMITTANCE_STATUSES), name="ck_deduction_takes_remittance"),
        sa.CheckConstraint("remittance_status <> 'remitted' or remitted_on is not null",
                           name="ck_deduction_takes_remitted_on"),
    )


class EmployerContribution(Timestamps, db.Model):
    """What the employer pays for one worker on top of wages, from `start_date` to `end_date`: a 401(k) match by
    up to two tiers (match `match_rate_1` of the deferral up to `match_up_to_1` of pay, then `match_rate_2` of
    the next `match_up_to_2`), or a fixed amount, or a percent of gross wages; employer HSA; the employer's
    share of premiums."""

    __tablename__ = "employer_contributions"
    __audited__ = True
    __permission_model__ = "employer_contribution"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    worker_id: Mapped[int] = mapped_column(sa.ForeignKey("workers.id"), nullable=False, index=True)
    code: Mapped[str] = mapped_column(sa.String(24), nullable=False)
    amount: Mapped[Decimal | None] = mapped_column(Scaled(2))
    percent: Mapped[Decimal | None] = mapped_column(Scaled(6))
    match_up_to_1: Mapped[Decimal | None] = mapped_column(Scaled(6))
    match_rate_1: Mapped[Decimal | None] = mapped_column(Scaled(6))
    match_up_to_2: Mapped[Decimal | None] = mapped_column(Scaled(6))
    match_rate_2: Mapped[Decimal | None] = mapped_column(Scaled(6))
    hsa_coverage: Mapped[str | None] = mapped_column(sa.String(10))
    start_date: Mapped[date] = mapped_column(sa.Date, nullable=False)
    end_date: Mapped[date | None] = mapped_column(sa.Date)
    status: Mapped[str] = mapped_column(sa.String(10), default="active", nullable=False)
    source: Mapped[str] = mapped_column(sa.String(12), default="hr", nullable=False)
    external_ref: Mapped[str | None] = mapped_column(sa.String(60), unique=True)
    note: Mapped[str] = mapped_column(sa.String(500), default="", nullable=False)

    worker = relationship("Worker")

    __table_args__ = (
        sa.CheckConstraint(_in("code", CONTRIBUTION_CODES), name="ck_employer_contributions_code"),
        sa.CheckConstraint(_in("status", CONTRIBUTION_STATUSES), name="ck_employer_contributions_status"),
        sa.CheckConstraint(_in("source", CONTRIBUTION_SOURCES), name="ck_employer_contributions_source"),
        sa.CheckConstraint("(case when amount is null then 0 else 1 end) + (case when percent is null then 0 else 1 "
                           "end) + (case when match_up_to_1 is null then 0 else 1 end) = 1",
                           name="ck_employer_contributions_one_formula"),
        sa.CheckConstraint("amount is null or amount > 0", name="ck_employer_contributions_amount"),
        sa.CheckConstraint(_PERCENT_OK, name="ck_employer_contributions_percent"),
        sa.CheckConstraint("(match_up_to_1 is null) = (match_rate_1 is null) and (match_up_to_2 is null) = "
                           "(match_rate_2 is null) and (match_up_to_2 is null or match_up_to_1 is not null)",
                           name="ck_employer_contributions_tiers"),
        sa.CheckConstraint("match_up_to_1 is null or code = '401k_match'", name="ck_employer_contributions_match"),
        sa.CheckConstraint(" and ".join(f"({c} is null or ({c} > 0 and {c} <= 1000000))" for c in (
            "match_up_to_1", "match_rate_1", "match_up_to_2", "match_rate_2")), name="ck_employer_contributions_rates"),
        sa.CheckConstraint("end_date is null or end_date >= start_date", name="ck_employer_contributions_dates"),
        sa.CheckConstraint("hsa_coverage is null or " + _in("hsa_coverage", HSA_COVERAGES),
                           name="ck_employer_contributions_hsa_coverage"),
    )

    @property
    def match(self) -> tuple[tuple[Decimal, Decimal], ...]:
        tiers = ((self.match_up_to_1, self.match_rate_1), (self.match_up_to_2, self.match_rate_2))
        return tuple((u, r) for u, r in tiers if u is not None and r is not None)

    def __str__(self) -> str:
        return f"{self.code} #{self.id}"
