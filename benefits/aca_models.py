"""ACA records: each worker's monthly full-time status with the Form 1095-C line 14/15/16 codes (the filings domain
reads them), and the per-worker enrollment window a full-time finding opens for a stability period."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backoffice.db import BigId, Scaled, Timestamps, UTCDateTime
from backoffice.extensions import db
from benefits.engine.aca_lines import LINE14_CODES, LINE16_CODES, STATUSES

ACA_BASES = ("look_back", "monthly")
ACA_WINDOW_STATUSES = ("open", "closed", "ended")


def _in(column: str, values: tuple) -> str:
    return f"{column} in ({','.join(repr(v) for v in values)})"


class AcaPriorHours(Timestamps, db.Model):
    """Hours of service a worker had in a month before this system paid them (from the prior payroll provider, when
    an agency moves its payroll mid-measurement): added to the paid payroll's hours for the look-back measurement.
    One row per worker and month."""

    __tablename__ = "benefit_aca_prior_hours"
    __audited__ = True
    __permission_model__ = "aca_month"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    worker_id: Mapped[int] = mapped_column(sa.ForeignKey("workers.id"), nullable=False, index=True)
    month: Mapped[date] = mapped_column(sa.Date, nullable=False)          # the month's first day
    hours: Mapped[Decimal] = mapped_column(Scaled(2), nullable=False)
    source: Mapped[str] = mapped_column(sa.String(200), nullable=False)

    __table_args__ = (
        sa.UniqueConstraint("worker_id", "month", name="uq_benefit_aca_prior_hours_worker_month"),
        sa.CheckConstraint("hours >= 0", name="ck_benefit_aca_prior_hours_hours"),
    )


class AcaMonth(Timestamps, db.Model):
    """One worker's ACA month: status (full time, not, in initial measurement, not an employee), how it was found
    (look-back or monthly), the measurement and stability periods that apply, the hours of service of the month
    across every client, and the 1095-C codes: line 14 (offer), line 15 (employee share of the lowest-cost
    self-only coverage, cents) and line 16 (safe harbor or relief). Rebuilt in place by
    `benefits.aca_services.build_aca_months`; one row per worker and month (unique)."""

    __tablename__ = "benefit_aca_months"
    __audited__ = False          # computed records, rebuilt monthly; the inputs are audited
    __permission_model__ = "aca_month"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    worker_id: Mapped[int] = mapped_column(sa.ForeignKey("workers.id"), nullable=False, index=True)
    year: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    month: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    status: Mapped[str] = mapped_column(sa.String(24), nullable=False, index=True)
    basis: Mapped[str] = mapped_column(sa.String(10), nullable=False)
    hours: Mapped[Decimal] = mapped_column(Scaled(2), default=Decimal(0), nullable=False)
    average_monthly_hours: Mapped[Decimal | None] = mapped_column(Scaled(2))
    measurement_start: Mapped[date | None] = mapped_column(sa.Date)
    measurement_end: Mapped[date | None] = mapped_column(sa.Date)
    stability_start: Mapped[date | None] = mapped_column(sa.Date)
    stability_end: Mapped[date | None] = mapped_column(sa.Date)
    line14: Mapped[str] = mapped_column(sa.String(2), nullable=False, index=True)
    employee_share: Mapped[Decimal | None] = mapped_column(Scaled(2))          # line 15
    line16: Mapped[str] = mapped_column(sa.String(2), default="", nullable=False, index=True)
    explanation: Mapped[list] = mapped_column(sa.JSON, default=list, nullable=False)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)

    worker = relationship("Worker")

    __table_args__ = (
        sa.UniqueConstraint("worker_id", "year", "month", name="uq_benefit_aca_months_worker_month"),
        sa.CheckConstraint("month between 1 and 12", name="ck_benefit_aca_months_month"),
        sa.CheckConstraint(_in("status", STATUSES), name="ck_benefit_aca_months_status"),
        sa.CheckConstraint(_in("basis", ACA_BASES), name="ck_benefit_aca_months_basis"),
        sa.CheckConstraint(_in("line14", LINE14_CODES), name="ck_benefit_aca_months_line14"),
        sa.CheckConstraint("line16 = '' or " + _in("line16", LINE16_CODES), name="ck_benefit_aca_months_line16"),
        sa.CheckConstraint("employee_share is null or employee_share >= 0", name="ck_benefit_aca_months_share"),
        sa.CheckConstraint("(stability_start is null) = (stability_end is null) and (stability_end is null or "
                           "stability_end >= stability_start)", name="ck_benefit_aca_months_stability"),
    )

    @property
    def period(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    def __str__(self) -> str:
        return f"ACA {self.period} worker #{self.worker_id}: {self.status} ({self.line14}/{self.line16 or '-'})"


class AcaWindow(Timestamps, db.Model):
    """A worker's own enrollment window for a stability period in which the look-back found them full time:
    opened once per (worker, stability period start) by the monthly build, the worker told in the portal and by
    e-mail (`notified_at`, `emailed_at`: once); coverage chosen in it runs to the stability period's end at least.
    `ended` when the period is over and the next one is not full time (the enrollment ended, a COBRA life event)."""

    __tablename__ = "benefit_aca_windows"
    __audited__ = True
    __permission_model__ = "aca_month"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    worker_id: Mapped[int] = mapped_column(sa.ForeignKey("workers.id"), nullable=False, index=True)
    stability_start: Mapped[date] = mapped_column(sa.Date, nullable=False)
    stability_end: Mapped[date] = mapped_column(sa.Date, nullable=False)
    opens_on: Mapped[date] = mapped_column(sa.Date, nullable=False)
    closes_on: Mapped[date] = mapped_column(sa.Date, nullable=False)
    status: Mapped[str] = mapped_column(sa.String(8), default="open", nullable=False, index=True)
    reason: Mapped[str] = mapped_column(sa.String(1000), default="", nullable=False)
    emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    email_error: Mapped[str] = mapped_column(sa.String(300), default="", nullable=False)
    ended_on: Mapped[date | None] = mapped_column(sa.Date)
    life_event_id: Mapped[int | None] = mapped_column(sa.ForeignKey("benefit_life_events.id"))

    worker = relationship("Worker")

    __table_args__ = (
        sa.UniqueConstraint("worker_id", "stability_start", name="uq_benefit_aca_windows_worker_start"),
        sa.CheckConstraint(_in("status", ACA_WINDOW_STATUSES), name="ck_benefit_aca_windows_status"),
        sa.CheckConstraint("stability_end >= stability_start and closes_on >= opens_on",
                           name="ck_benefit_aca_windows_dates"),
    )

    def __str__(self) -> str:
        return (f"ACA window for worker #{self.worker_id}: stability {self.stability_start} to {self.stability_end} "
                f"({self.status})")
