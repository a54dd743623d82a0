"""Workers' compensation: the agency's class codes and rates per state as dated data, and the premium each paycheck
accrues per engagement (docs/workers-comp.md)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backoffice.db import BigId, Scaled, Timestamps
from backoffice.extensions import db

# How a state's premium is measured: per $100 of payroll (every state but one), or per hour worked (Washington,
# whose state fund rates are dollars per hour: WAC 296-17-35201). The rule per state is data:
# payroll/engine/data/workers_comp_rules.json.
WC_BASES = ("payroll", "hours")


class WorkersCompClass(Timestamps, db.Model):
    """One rate of one class code in one state, in force from `effective_from` to `effective_to` (inclusive; open
    when null). The agency's policy rate (set by its carrier or the state's fund), so staff edit it; a rate that
    priced a paycheck is never overwritten: it is closed (effective_to) and a new row takes over the next day.
    `basis` payroll: `rate_per_100` dollars per $100 of wages; hours (Washington): `rate_per_hour` dollars per hour
    worked. `source` names where the figure comes from (or says it is illustrative demo data)."""

    __tablename__ = "workers_comp_classes"
    __audited__ = True
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    state: Mapped[str] = mapped_column(sa.String(2), nullable=False)
    class_code: Mapped[str] = mapped_column(sa.String(8), nullable=False)
    description: Mapped[str] = mapped_column(sa.String(200), default="", nullable=False)
    basis: Mapped[str] = mapped_column(sa.String(8), default="payroll", server_default="payroll", nullable=False)
    rate_per_100: Mapped[Decimal | None] = mapped_column(Scaled(4))
    rate_per_hour: Mapped[Decimal | None] = mapped_column(Scaled(4))
    effective_from: Mapped[date] = mapped_column(sa.Date, nullable=False)
    effective_to: Mapped[date | None] = mapped_column(sa.Date)
    source: Mapped[str] = mapped_column(sa.String(300), default="", nullable=False)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    __table_args__ = (
        sa.UniqueConstraint("state", "class_code", "effective_from", name="uq_workers_comp_classes_start"),
        sa.CheckConstraint("basis in ('payroll','hours')", name="ck_workers_comp_classes_basis"),
        sa.CheckConstraint("(basis = 'payroll' and rate_per_100 is not null and rate_per_100 >= 0 "
                           "and rate_per_hour is null) or (basis = 'hours' and rate_per_hour is not null "
                           "and rate_per_hour >= 0 and rate_per_100 is null)", name="ck_workers_comp_classes_rate"),
        sa.CheckConstraint("effective_to is null or effective_to >= effective_from",
                           name="ck_workers_comp_classes_dates"),
        sa.Index("ix_workers_comp_classes_code", "state", "class_code"),
    )

    created_by = relationship("User", viewonly=True)

    def covers(self, day: date) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day <= self.effective_to)

    @property
    def rate_words(self) -> str:
        if self.basis == "hours":
            return f"${self.rate_per_hour} per hour worked"
        return f"${self.rate_per_100} per $100 of payroll"

    def __str__(self) -> str:
        return f"{self.state} {self.class_code} {self.description}".strip()


class WorkersCompPremium(db.Model):
    """The premium one paycheck accrues for one engagement: wages subject to premium (gross wages less the overtime
    premium where the state excludes it) × rate / 100, or hours × rate per hour, rounded once. Written with the
    paycheck in the run's chunk transaction; a reversal paycheck writes the negated rows, a re-issue copies them.
    Posted money: never updated."""

    __tablename__ = "workers_comp_premiums"
    __permission_model__ = "workers_comp_premium"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    paycheck_id: Mapped[int] = mapped_column(sa.ForeignKey("paychecks.id"), nullable=False)
    run_id: Mapped[int] = mapped_column(sa.ForeignKey("payroll_runs.id"), nullable=False, index=True)
    engagement_id: Mapped[int] = mapped_column(sa.ForeignKey("engagements.id"), nullable=False)
    client_id: Mapped[int | None] = mapped_column(sa.ForeignKey("clients.id"))
    worker_id: Mapped[int] = mapped_column(sa.ForeignKey("workers.id"), nullable=False)
    agency_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agencies.id"))
    class_id: Mapped[int | None] = mapped_column(sa.ForeignKey("workers_comp_classes.id"))
    state: Mapped[str] = mapped_column(sa.String(2), nullable=False)
    class_code: Mapped[str] = mapped_column(sa.String(8), nullable=False)
    pay_date: Mapped[date] = mapped_column(sa.Date, nullable=False, index=True)
    wages: Mapped[Decimal] = mapped_column(Scaled(2), nullable=False)               # subject to premium
    overtime_excluded: Mapped[Decimal] = mapped_column(Scaled(2), nullable=False)   # the premium part left out
    hours: Mapped[Decimal | None] = mapped_column(Scaled(4))                        # hours basis (WA)
    rate_per_100: Mapped[Decimal | None] = mapped_column(Scaled(4))
    rate_per_hour: Mapped[Decimal | None] = mapped_column(Scaled(4))
    premium: Mapped[Decimal] = mapped_column(Scaled(2), nullable=False)

    __table_args__ = (
        sa.UniqueConstraint("paycheck_id", "engagement_id", name="uq_workers_comp_premiums_paycheck_engagement"),
    )

    paycheck = relationship("Paycheck", viewonly=True)
    engagement = relationship("Engagement", viewonly=True)
    client = relationship("Client", viewonly=True)
    worker = relationship("Worker", viewonly=True)
    run = relationship("PayrollRun", viewonly=True)
