"""COBRA records: one case per qualified beneficiary of a qualifying event (the worker and/or each covered
dependent) with its deadlines from benefits.engine.cobra, and the monthly premiums billed and paid on it.
Money in cents (`Scaled(2)`)."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from backoffice.db import BigId, Scaled, Timestamps, UTCDateTime
from backoffice.extensions import db
from benefits.engine.cobra import BENEFICIARIES, EVENT_KINDS, LOSS_RULES
from benefits.models import TIERS, _in

CASE_STATUSES = ("pending_notice", "notified", "elected", "waived", "expired", "terminated_nonpayment", "ended")
OPEN_STATUSES = ("pending_notice", "notified", "elected")


class CobraCase(Timestamps, db.Model):
    """One qualified beneficiary's COBRA continuation: the event, the health plans and tier they had and what that
    coverage costs in full a month, every deadline (computed by the engine when the case opens and again when a
    notice is sent or an election made), and where it stands: pending_notice -> notified -> elected | waived |
    expired; elected -> terminated_nonpayment | ended (the maximum reached). A dependent whose family elected on the
    worker's case is billed on that case (`billed_with_id`)."""

    __tablename__ = "benefit_cobra_cases"
    __audited__ = True
    __permission_model__ = "cobra_case"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    worker_id: Mapped[int] = mapped_column(sa.ForeignKey("workers.id"), nullable=False, index=True)
    dependent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("benefit_dependents.id"), index=True)
    beneficiary: Mapped[str] = mapped_column(sa.String(8), nullable=False)      # employee | spouse | child
    life_event_id: Mapped[int | None] = mapped_column(sa.ForeignKey("benefit_life_events.id"), index=True)
    event_kind: Mapped[str] = mapped_column(sa.String(24), nullable=False)
    event_date: Mapped[date] = mapped_column(sa.Date, nullable=False)
    loss_rule: Mapped[str] = mapped_column(sa.String(12), default="end_of_month", nullable=False)
    employer_is_administrator: Mapped[bool] = mapped_column(sa.Boolean, default=True, nullable=False)
    # what they had: [{"plan_id", "name", "kind", "carrier", "tier", "monthly_cost"}] and the sum of those costs
    plans: Mapped[list] = mapped_column(sa.JSON, default=list, nullable=False)
    coverage_tier: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    monthly_cost: Mapped[Decimal] = mapped_column(Scaled(2), nullable=False)
    # deadlines (benefits.engine.cobra.deadlines)
    loss_of_coverage: Mapped[date] = mapped_column(sa.Date, nullable=False)
    coverage_start: Mapped[date] = mapped_column(sa.Date, nullable=False)
    administrator_notice_due: Mapped[date] = mapped_column(sa.Date, nullable=False)
    administrator_notified_on: Mapped[date | None] = mapped_column(sa.Date)
    election_notice_due: Mapped[date] = mapped_column(sa.Date, nullable=False)
    election_notice_sent_on: Mapped[date | None] = mapped_column(sa.Date)
    election_deadline: Mapped[date] = mapped_column(sa.Date, nullable=False)
    elected_on: Mapped[date | None] = mapped_column(sa.Date)
    waived_on: Mapped[date | None] = mapped_column(sa.Date)
    first_premium_due: Mapped[date | None] = mapped_column(sa.Date)
    max_months: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    coverage_max_end: Mapped[date] = mapped_column(sa.Date, nullable=False)
    disability_extended: Mapped[bool] = mapped_column(sa.Boolean, default=False, nullable=False)
    coverage_end: Mapped[date | None] = mapped_column(sa.Date)        # when it actually ended
    # the Social Security Administration's disability determination, as HR recorded it (the 29-month extension)
    disability_onset: Mapped[date | None] = mapped_column(sa.Date)
    disability_determined_on: Mapped[date | None] = mapped_column(sa.Date)
    disability_notified_on: Mapped[date | None] = mapped_column(sa.Date)
    status: Mapped[str] = mapped_column(sa.String(24), default="pending_notice", nullable=False, index=True)
    billed_with_id: Mapped[int | None] = mapped_column(sa.ForeignKey("benefit_cobra_cases.id"))
    explanation: Mapped[list] = mapped_column(sa.JSON, default=list, nullable=False)
    # what the desk must watch next and by when (kept by every service and the daily task: filterable and sorted)
    next_action: Mapped[str] = mapped_column(sa.String(60), default="", nullable=False)
    next_due_on: Mapped[date | None] = mapped_column(sa.Date, index=True)
    # the election notice as sent (the PDF is the record of what the beneficiary was told)
    election_notice_pdf: Mapped[bytes | None] = deferred(mapped_column(sa.LargeBinary))
    notes: Mapped[str] = mapped_column(sa.Text, default="", nullable=False)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    worker = relationship("Worker")
    dependent = relationship("Dependent")
    premiums = relationship("CobraPremium", back_populates="case", order_by="CobraPremium.coverage_month",
                            cascade="all, delete-orphan")

    __table_args__ = (
        sa.CheckConstraint(_in("status", CASE_STATUSES), name="ck_benefit_cobra_cases_status"),
        sa.CheckConstraint(_in("event_kind", EVENT_KINDS), name="ck_benefit_cobra_cases_event_kind"),
        sa.CheckConstraint(_in("beneficiary", BENEFICIARIES), name="ck_benefit_cobra_cases_beneficiary"),
        sa.CheckConstraint(_in("loss_rule", LOSS_RULES), name="ck_benefit_cobra_cases_loss_rule"),
        sa.CheckConstraint(_in("coverage_tier", TIERS), name="ck_benefit_cobra_cases_tier"),
        sa.CheckConstraint("(beneficiary = 'employee') = (dependent_id is null)",
                           name="ck_benefit_cobra_cases_beneficiary_dependent"),
        sa.CheckConstraint("monthly_cost >= 0", name="ck_benefit_cobra_cases_cost"),
        sa.CheckConstraint("(disability_onset is null) = (disability_determined_on is null) and "
                           "(disability_onset is null) = (disability_notified_on is null)",
                           name="ck_benefit_cobra_cases_disability"),
        sa.CheckConstraint("max_months between 18 and 36",
                           name="ck_benefit_cobra_cases_max_months"),
        sa.CheckConstraint("coverage_max_end >= coverage_start and coverage_start > loss_of_coverage",
                           name="ck_benefit_cobra_cases_dates"),
        sa.CheckConstraint("status <> 'elected' or elected_on is not null", name="ck_benefit_cobra_cases_elected"),
        sa.CheckConstraint("status <> 'waived' or waived_on is not null", name="ck_benefit_cobra_cases_waived"),
        # one case per qualified beneficiary per event (NULLs are distinct: the worker's own case has its index)
        sa.Index("uq_benefit_cobra_cases_worker_event", "worker_id", "event_kind", "event_date", unique=True,
                 sqlite_where=sa.text("dependent_id is null"), postgresql_where=sa.text("dependent_id is null")),
        sa.Index("uq_benefit_cobra_cases_dependent_event", "dependent_id", "event_kind", "event_date", unique=True,
                 sqlite_where=sa.text("dependent_id is not null"),
                 postgresql_where=sa.text("dependent_id is not null")),
    )

    @property
    def beneficiary_name(self) -> str:
        if self.dependent is not None:
            return self.dependent.full_name
        return self.worker.full_name if self.worker is not None else f"worker #{self.worker_id}"

    def __str__(self) -> str:
        return f"COBRA #{self.id}: {self.beneficiary_name} ({self.event_kind} {self.event_date}, {self.status})"


class CobraPremium(Timestamps, db.Model):
    """One coverage month billed on a case: the amount (102% of the full cost, 150% in disability months 19-29),
    its due date and the last day a payment is timely; the payment when it comes. Unique (case, month): billing
    twice bills once."""

    __tablename__ = "benefit_cobra_premiums"
    __audited__ = True
    __permission_model__ = "cobra_premium"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("benefit_cobra_cases.id", ondelete="CASCADE"),
                                         nullable=False, index=True)
    coverage_month: Mapped[date] = mapped_column(sa.Date, nullable=False)
    month_number: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    amount_due: Mapped[Decimal] = mapped_column(Scaled(2), nullable=False)
    due_date: Mapped[date] = mapped_column(sa.Date, nullable=False)
    grace_end: Mapped[date] = mapped_column(sa.Date, nullable=False, index=True)
    paid_amount: Mapped[Decimal | None] = mapped_column(Scaled(2))
    paid_on: Mapped[date | None] = mapped_column(sa.Date)
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    case = relationship(CobraCase, back_populates="premiums")

    __table_args__ = (
        sa.UniqueConstraint("case_id", "coverage_month", name="uq_benefit_cobra_premiums_case_month"),
        sa.CheckConstraint("amount_due >= 0 and (paid_amount is null or paid_amount > 0)",
                           name="ck_benefit_cobra_premiums_amounts"),
        sa.CheckConstraint("(paid_amount is null) = (paid_on is null)", name="ck_benefit_cobra_premiums_paid"),
        sa.CheckConstraint("grace_end >= due_date and month_number >= 1", name="ck_benefit_cobra_premiums_dates"),
    )

    @property
    def paid(self) -> bool:
        return self.paid_on is not None

    def __str__(self) -> str:
        return f"{self.coverage_month:%Y-%m}: {self.amount_due} due {self.due_date}" + (
            f", paid {self.paid_on}" if self.paid_on else "")
