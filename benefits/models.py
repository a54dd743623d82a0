"""Benefits records: life events (such as a COBRA qualifying event) that the benefits module acts on."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backoffice.db import BigId, Timestamps
from backoffice.extensions import db

LIFE_EVENT_KINDS = ("cobra_qualifying_event",)
LIFE_EVENT_STATUSES = ("open", "processed", "cancelled")


class LifeEvent(Timestamps, db.Model):
    """Something that happened to a worker that the benefits module must act on (e.g. offer COBRA).

    Written by other parts of the system (a reclassification from leased employee to contractor records a
    `cobra_qualifying_event`); the benefits module moves it from `open` to `processed`."""

    __tablename__ = "benefit_life_events"
    __audited__ = True
    __permission_model__ = "life_event"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    worker_id: Mapped[int] = mapped_column(sa.ForeignKey("workers.id"), nullable=False, index=True)
    engagement_id: Mapped[int | None] = mapped_column(sa.ForeignKey("engagements.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(32), nullable=False, index=True)
    event_date: Mapped[date] = mapped_column(sa.Date, nullable=False)
    status: Mapped[str] = mapped_column(sa.String(12), default="open", nullable=False, index=True)
    source: Mapped[str] = mapped_column(sa.String(40), default="", nullable=False)
    notes: Mapped[str] = mapped_column(sa.Text, default="", nullable=False)

    worker = relationship("Worker")
    engagement = relationship("Engagement")

    __table_args__ = (
        sa.CheckConstraint("status in ('open','processed','cancelled')", name="ck_benefit_life_events_status"),
    )

    def __str__(self) -> str:
        return f"{self.kind} for worker #{self.worker_id} on {self.event_date} ({self.status})"


# The COBRA event is a life event of kind `cobra_qualifying_event`.
CobraEvent = LifeEvent
