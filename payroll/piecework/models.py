"""Task completions: one completed task of an engagement (units at a rate per unit, minutes worked), paid once."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backoffice.db import BigId, Scaled, Timestamps, UTCDateTime
from backoffice.extensions import db

TASK_STATUSES = ("recorded", "paid")
TASK_SOURCES = ("api", "import", "admin")


class TaskCompletion(Timestamps, db.Model):
    """A task a worker completed for an engagement: `units` × `rate` is its pay (rounded to the cent in `amount`),
    `minutes` the time it took (the hours the workweek engine needs for overtime and the minimum wage). The day is
    `work_date`, the local date of `completed_at` as the sender gave it (the workweek it belongs to).
    `task_ref` is unique per engagement (the database refuses a duplicate); `paid_run_id` marks the run that
    paid it, so it is paid once."""

    __tablename__ = "task_completions"
    __audited__ = True
    __permission_model__ = "task_completion"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    engagement_id: Mapped[int] = mapped_column(sa.ForeignKey("engagements.id"), nullable=False, index=True)
    task_ref: Mapped[str] = mapped_column(sa.String(100), nullable=False)
    units: Mapped[Decimal] = mapped_column(Scaled(4), nullable=False)
    rate: Mapped[Decimal] = mapped_column(Scaled(4), nullable=False)
    amount: Mapped[Decimal] = mapped_column(Scaled(2), nullable=False)
    # what the client is billed per unit (backoffice/billing; None: the engagement's bill rate per unit)
    bill_rate: Mapped[Decimal | None] = mapped_column(Scaled(4))
    completed_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    work_date: Mapped[date] = mapped_column(sa.Date, nullable=False, index=True)
    minutes: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    status: Mapped[str] = mapped_column(sa.String(10), default="recorded", nullable=False, index=True)
    source: Mapped[str] = mapped_column(sa.String(10), default="api", nullable=False)
    paid_run_id: Mapped[int | None] = mapped_column(sa.ForeignKey("payroll_runs.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    engagement = relationship("Engagement")

    __table_args__ = (
        sa.UniqueConstraint("engagement_id", "task_ref", name="uq_task_completions_engagement_ref"),
        sa.CheckConstraint("status in ('recorded','paid')", name="ck_task_completions_status"),
        sa.CheckConstraint("source in ('api','import','admin')", name="ck_task_completions_source"),
        sa.CheckConstraint("units >= 0 AND rate >= 0 AND amount >= 0", name="ck_task_completions_amounts"),
        sa.CheckConstraint("minutes >= 0 AND minutes <= 1440", name="ck_task_completions_minutes"),
        sa.CheckConstraint("(status = 'paid') = (paid_run_id IS NOT NULL)", name="ck_task_completions_paid"),
    )

    @property
    def hours(self) -> Decimal:
        return (Decimal(self.minutes) / 60).quantize(Decimal("0.0001"))

    def __str__(self) -> str:
        return f"Task {self.task_ref} (engagement {self.engagement_id})"
