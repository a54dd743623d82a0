"""Scheduled reports: a catalog report (reports/catalog.py) e-mailed on a cadence to users who may see it, and one
run per due slot (the unique (schedule, slot) key is what makes a twice-fired beat send once)."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backoffice.db import BigId, Timestamps, UTCDateTime, utcnow
from backoffice.extensions import db

SCHEDULE_FORMATS = ("csv", "xlsx")
RUN_STATUSES = ("running", "sent", "failed")

scheduled_report_recipients = sa.Table(
    "scheduled_report_recipients", db.metadata,
    sa.Column("schedule_id", BigId, sa.ForeignKey("scheduled_reports.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("user_id", BigId, sa.ForeignKey("users.id"), primary_key=True),
)


class ScheduledReport(Timestamps, db.Model):
    """One report (by catalog name) with its filters, sent as CSV or XLSX daily, weekly on a weekday or monthly on
    a day, at an hour (UTC), covering the range before each slot (reports.slots.slot_range), to its recipients."""

    __tablename__ = "scheduled_reports"
    __audited__ = True
    __permission_model__ = "scheduled_report"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    report: Mapped[str] = mapped_column(sa.String(40), nullable=False, index=True)
    filters: Mapped[dict] = mapped_column(sa.JSON, default=dict, nullable=False)   # client_id, state, grain, group
    range_kind: Mapped[str] = mapped_column(sa.String(20), default="previous_period", nullable=False)
    format: Mapped[str] = mapped_column(sa.String(4), default="xlsx", nullable=False)
    frequency: Mapped[str] = mapped_column(sa.String(10), nullable=False)
    weekday: Mapped[int | None] = mapped_column(sa.Integer)
    day_of_month: Mapped[int | None] = mapped_column(sa.Integer)
    hour: Mapped[int] = mapped_column(sa.Integer, default=6, nullable=False)
    active: Mapped[bool] = mapped_column(sa.Boolean, default=True, nullable=False)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    recipients = relationship("User", secondary=scheduled_report_recipients, order_by="User.email")
    created_by = relationship("User", foreign_keys=[created_by_id], viewonly=True)
    runs = relationship("ScheduledReportRun", back_populates="schedule", order_by="ScheduledReportRun.slot.desc()",
                        viewonly=True)

    __table_args__ = (
        sa.CheckConstraint("frequency in ('daily','weekly','monthly')", name="ck_scheduled_reports_frequency"),
        sa.CheckConstraint("format in ('csv','xlsx')", name="ck_scheduled_reports_format"),
        sa.CheckConstraint("range_kind in ('previous_period','month_to_date','quarter_to_date','year_to_date')",
                           name="ck_scheduled_reports_range"),
        sa.CheckConstraint("hour between 0 and 23", name="ck_scheduled_reports_hour"),
        sa.CheckConstraint("frequency <> 'weekly' or weekday between 0 and 6", name="ck_scheduled_reports_weekday"),
        sa.CheckConstraint("frequency <> 'monthly' or day_of_month between 1 and 31",
                           name="ck_scheduled_reports_day"),
    )

    def __str__(self) -> str:
        return self.title


class ScheduledReportRun(db.Model):
    """One sending of a schedule for one due slot: claimed (running) before the report is built, then sent or
    failed. Unique per (schedule, slot): a second beat for the same slot finds it claimed and does nothing."""

    __tablename__ = "scheduled_report_runs"
    __permission_model__ = "scheduled_report"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    schedule_id: Mapped[int] = mapped_column(sa.ForeignKey("scheduled_reports.id", ondelete="CASCADE"),
                                             nullable=False)
    slot: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    status: Mapped[str] = mapped_column(sa.String(10), default="running", nullable=False)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_to: Mapped[str] = mapped_column(sa.Text, default="", nullable=False)
    skipped: Mapped[str] = mapped_column(sa.Text, default="", nullable=False)   # recipients no longer allowed
    filename: Mapped[str] = mapped_column(sa.String(200), default="", nullable=False)
    error: Mapped[str] = mapped_column(sa.String(500), default="", nullable=False)

    schedule = relationship(ScheduledReport, back_populates="runs")

    __table_args__ = (
        sa.UniqueConstraint("schedule_id", "slot", name="uq_scheduled_report_runs_slot"),
        sa.CheckConstraint("status in ('running','sent','failed')", name="ck_scheduled_report_runs_status"),
    )

    def __str__(self) -> str:
        return f"{self.schedule} at {self.slot:%Y-%m-%d %H:%M} UTC ({self.status})"
