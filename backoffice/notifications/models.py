"""A worker's notifications: one row per event (a paycheck ready, an enrollment window open, a document needed, a
week of time approved or sent back), shown in the portal and sent by e-mail once. `key` names the event, unique,
so whatever re-runs the moment that creates it (a task retried, a run paid twice over a crash) notifies once."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backoffice.db import BigId, UTCDateTime, utcnow
from backoffice.extensions import db

# what happened; the portal links each kind to its page (backoffice/notifications/portal.py LINKS)
KINDS = ("paycheck_ready", "enrollment_open", "document_needed", "timesheet_approved", "timesheet_rejected",
         "timesheet_disputed")
BULK_KIND = "paycheck_ready"        # written a run's paychecks at a time (payroll.services.runs.mark_paid)
MAX_EMAIL_ATTEMPTS = 3


class Notification(db.Model):
    """One thing a worker should know, with when it was read and when (whether) it was e-mailed."""

    __tablename__ = "notifications"
    __audited__ = True              # people change it: reading marks it read
    __permission_model__ = "notification"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    worker_id: Mapped[int] = mapped_column(sa.ForeignKey("workers.id"), nullable=False)
    kind: Mapped[str] = mapped_column(sa.String(24), nullable=False)         # partial index below
    key: Mapped[str] = mapped_column(sa.String(120), nullable=False)
    title: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    body: Mapped[str] = mapped_column(sa.String(1000), default="", nullable=False)
    # the record the notice is about (a paycheck, a timesheet, a window, a document kind's row), for its link
    ref_id: Mapped[int | None] = mapped_column(sa.BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    email_attempts: Mapped[int] = mapped_column(sa.Integer, default=0, nullable=False)
    email_error: Mapped[str] = mapped_column(sa.String(300), default="", nullable=False)

    worker = relationship("Worker")

    __table_args__ = (
        sa.UniqueConstraint("key", name="uq_notifications_key"),
        sa.CheckConstraint("kind in (" + ",".join(repr(k) for k in KINDS) + ")", name="ck_notifications_kind"),
        # the portal's list and the header's unread count: one worker's rows, newest first
        sa.Index("ix_notifications_worker_read", "worker_id", "read_at"),
        # the admin's filter by kind; on PostgreSQL a paid run's notices (one per paycheck, most of the table) stay
        # out (0136): a filter on paycheck_ready reads most rows whatever the index, and a run's 100,000 skip an entry
        # each. (SQLite would not use a partial index for `kind = 'x'`: it keeps them all.)
        sa.Index("ix_notifications_kind", "kind", postgresql_where=sa.text(f"kind <> '{BULK_KIND}'")),
    )

    @property
    def unread(self) -> bool:
        return self.read_at is None

    def __str__(self) -> str:
        return f"{self.title} ({self.worker})"
