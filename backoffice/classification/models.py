"""Classification records: assessments (answers, evidence, result, HR sign-off), review threads, re-checks."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from backoffice.db import BigId, Timestamps, UTCDateTime, utcnow
from backoffice.extensions import db

ASSESSMENT_STATUSES = ("draft", "signed_off", "superseded")
DETERMINATIONS = ("leased_employee", "contractor", "needs_review")
REVIEW_STATUSES = ("open", "answered", "closed")
RECHECK_STATUSES = ("open", "resolved", "dismissed")
RECHECK_CODES = ("long_hours", "dominant_client", "client_sets_schedule")


class Assessment(Timestamps, db.Model):
    """One classification questionnaire for one engagement, the engine's full result, and HR's sign-off.

    A draft may be edited and re-run; signing off freezes it, copies the signed determination to the
    engagement and supersedes the engagement's previous signed assessment."""

    __tablename__ = "classification_assessments"
    __audited__ = True
    __permission_model__ = "classification"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    engagement_id: Mapped[int] = mapped_column(sa.ForeignKey("engagements.id"), nullable=False, index=True)
    worker_id: Mapped[int] = mapped_column(sa.ForeignKey("workers.id"), nullable=False, index=True)
    client_id: Mapped[int] = mapped_column(sa.ForeignKey("clients.id"), nullable=False, index=True)
    work_state: Mapped[str] = mapped_column(sa.String(2), nullable=False)
    as_of_date: Mapped[date] = mapped_column(sa.Date, nullable=False)
    answers: Mapped[dict] = mapped_column(sa.JSON, default=dict, nullable=False)  # {group: {field: value}}
    result: Mapped[dict | None] = mapped_column(sa.JSON)  # classify() output for exactly these answers
    rule_set_versions: Mapped[dict | None] = mapped_column(sa.JSON)
    determination: Mapped[str | None] = mapped_column(sa.String(20), index=True)  # the engine's
    risk: Mapped[str | None] = mapped_column(sa.String(8))
    employer_party: Mapped[str | None] = mapped_column(sa.String(20))
    run_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(sa.String(12), default="draft", nullable=False, index=True)
    prepared_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    prepared_role: Mapped[str] = mapped_column(sa.String(20), default="", nullable=False)
    signed_determination: Mapped[str | None] = mapped_column(sa.String(20))
    signed_off_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    signed_off_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sign_off_note: Mapped[str] = mapped_column(sa.Text, default="", nullable=False)
    superseded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("classification_assessments.id"))

    engagement = relationship("Engagement")
    worker = relationship("Worker")
    client = relationship("Client")
    prepared_by = relationship("User", foreign_keys=[prepared_by_id])
    signed_off_by = relationship("User", foreign_keys=[signed_off_by_id])
    evidence = relationship("EvidenceAttachment", back_populates="assessment",
                            order_by="EvidenceAttachment.id")

    __table_args__ = (
        sa.CheckConstraint("status in ('draft','signed_off','superseded')", name="ck_class_assessments_status"),
    )

    def __str__(self) -> str:
        return f"Assessment #{self.id} ({self.status})"


class EvidenceAttachment(Timestamps, db.Model):
    """A document behind an answer (contract, invoice, schedule...): the exact bytes and their SHA-256."""

    __tablename__ = "classification_evidence"
    __audited__ = True
    __audit_mask__ = ("content",)
    __permission_model__ = "classification_evidence"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    assessment_id: Mapped[int] = mapped_column(sa.ForeignKey("classification_assessments.id"), nullable=False,
                                               index=True)
    worker_id: Mapped[int] = mapped_column(sa.ForeignKey("workers.id"), nullable=False, index=True)
    client_id: Mapped[int] = mapped_column(sa.ForeignKey("clients.id"), nullable=False, index=True)
    answer_path: Mapped[str] = mapped_column(sa.String(120), default="", nullable=False)  # group.field or ""
    description: Mapped[str] = mapped_column(sa.String(500), default="", nullable=False)
    filename: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    content_type: Mapped[str] = mapped_column(sa.String(100), default="application/octet-stream", nullable=False)
    size: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    sha256: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    content: Mapped[bytes] = deferred(mapped_column(sa.LargeBinary, nullable=False))
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    uploaded_role: Mapped[str] = mapped_column(sa.String(20), default="", nullable=False)

    assessment = relationship(Assessment, back_populates="evidence")
    uploaded_by = relationship("User")

    def __str__(self) -> str:
        return f"{self.filename} ({self.sha256[:12]})"


class ReviewRequest(Timestamps, db.Model):
    """A worker's request that HR look again at an assessment; the conversation is its messages."""

    __tablename__ = "classification_reviews"
    __audited__ = True
    __permission_model__ = "classification_review"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    # None: the worker asks HR to classify an engagement that has no signed assessment yet
    assessment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("classification_assessments.id"), index=True)
    engagement_id: Mapped[int] = mapped_column(sa.ForeignKey("engagements.id"), nullable=False, index=True)
    worker_id: Mapped[int] = mapped_column(sa.ForeignKey("workers.id"), nullable=False, index=True)
    client_id: Mapped[int] = mapped_column(sa.ForeignKey("clients.id"), nullable=False, index=True)
    status: Mapped[str] = mapped_column(sa.String(10), default="open", nullable=False, index=True)
    opened_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    assessment = relationship(Assessment)
    engagement = relationship("Engagement")
    worker = relationship("Worker")
    messages = relationship("ReviewMessage", back_populates="review", order_by="ReviewMessage.id")

    __table_args__ = (
        sa.CheckConstraint("status in ('open','answered','closed')", name="ck_class_reviews_status"),
    )

    def __str__(self) -> str:
        about = f"assessment #{self.assessment_id}" if self.assessment_id else "an unclassified engagement"
        return f"Review #{self.id} of {about} ({self.status})"


class ReviewMessage(db.Model):
    """One message in a review thread, from the worker or from HR; never edited."""

    __tablename__ = "classification_review_messages"
    __audited__ = True
    __permission_model__ = "classification_review_message"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    review_id: Mapped[int] = mapped_column(sa.ForeignKey("classification_reviews.id"), nullable=False, index=True)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    author_role: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    author_name: Mapped[str] = mapped_column(sa.String(200), default="", nullable=False)
    body: Mapped[str] = mapped_column(sa.Text, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)

    review = relationship(ReviewRequest, back_populates="messages")


class Recheck(Timestamps, db.Model):
    """A fact that calls for a new assessment (engine trigger code and its plain explanation)."""

    __tablename__ = "classification_rechecks"
    __audited__ = True
    __permission_model__ = "classification_recheck"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    engagement_id: Mapped[int] = mapped_column(sa.ForeignKey("engagements.id"), nullable=False, index=True)
    worker_id: Mapped[int] = mapped_column(sa.ForeignKey("workers.id"), nullable=False, index=True)
    client_id: Mapped[int] = mapped_column(sa.ForeignKey("clients.id"), nullable=False, index=True)
    assessment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("classification_assessments.id"))
    code: Mapped[str] = mapped_column(sa.String(24), nullable=False, index=True)
    explanation: Mapped[str] = mapped_column(sa.Text, nullable=False)
    since: Mapped[date | None] = mapped_column(sa.Date)
    facts: Mapped[dict] = mapped_column(sa.JSON, default=dict, nullable=False)
    status: Mapped[str] = mapped_column(sa.String(10), default="open", nullable=False, index=True)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    resolution_note: Mapped[str] = mapped_column(sa.Text, default="", nullable=False)

    engagement = relationship("Engagement")
    worker = relationship("Worker")

    __table_args__ = (
        sa.CheckConstraint("status in ('open','resolved','dismissed')", name="ck_class_rechecks_status"),
        # One finding of a kind per engagement and signed assessment (and one while none is signed): a re-check
        # run twice, or the schedule and the button at once, never raises the same finding twice.
        sa.UniqueConstraint("engagement_id", "assessment_id", "code", name="uq_class_rechecks_once"),
        sa.Index("uq_class_rechecks_once_unsigned", "engagement_id", "code", unique=True,
                 sqlite_where=sa.text("assessment_id IS NULL"), postgresql_where=sa.text("assessment_id IS NULL")),
    )

    def __str__(self) -> str:
        return f"Re-check #{self.id} {self.code} ({self.status})"


RECHECK_RUN_TRIGGERS = ("schedule", "manual", "command")


class RecheckRun(db.Model):
    """One pass of the re-checks over every open contractor engagement: when, why, what it found.

    A scheduled pass sets `schedule_day`, unique, so the daily beat entry delivered twice checks once."""

    __tablename__ = "classification_recheck_runs"
    __audited__ = True
    __permission_model__ = "classification_recheck"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    as_of_date: Mapped[date] = mapped_column(sa.Date, nullable=False)
    trigger: Mapped[str] = mapped_column(sa.String(10), nullable=False)
    schedule_day: Mapped[date | None] = mapped_column(sa.Date)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    engagements_checked: Mapped[int] = mapped_column(sa.Integer, default=0, nullable=False)
    raised: Mapped[int] = mapped_column(sa.Integer, default=0, nullable=False)
    found: Mapped[dict] = mapped_column(sa.JSON, default=dict, nullable=False)  # {code: new findings}
    by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    by = relationship("User")

    __table_args__ = (
        sa.CheckConstraint("trigger in ('schedule','manual','command')", name="ck_class_recheck_runs_trigger"),
        sa.UniqueConstraint("schedule_day", name="uq_classification_recheck_runs_schedule_day"),
    )

    def __str__(self) -> str:
        return f"Re-check run of {self.as_of_date.isoformat()} ({self.trigger})"


class Reclassification(db.Model):
    """An engagement converted to the other type: the old one ended, a new one started, follow-ups opened."""

    __tablename__ = "classification_reclassifications"
    __audited__ = True
    __permission_model__ = "classification_reclassification"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    worker_id: Mapped[int] = mapped_column(sa.ForeignKey("workers.id"), nullable=False, index=True)
    client_id: Mapped[int] = mapped_column(sa.ForeignKey("clients.id"), nullable=False, index=True)
    from_engagement_id: Mapped[int] = mapped_column(sa.ForeignKey("engagements.id"), nullable=False, unique=True)
    to_engagement_id: Mapped[int] = mapped_column(sa.ForeignKey("engagements.id"), nullable=False, unique=True)
    from_type: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    to_type: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    effective_date: Mapped[date] = mapped_column(sa.Date, nullable=False)
    assessment_id: Mapped[int] = mapped_column(sa.ForeignKey("classification_assessments.id"), nullable=False)
    note: Mapped[str] = mapped_column(sa.Text, default="", nullable=False)
    # [{"kind": "onboarding_step", "step": "w4", "status": "opened"|"pending", ...} | {"kind": "cobra_event", ...}]
    follow_ups: Mapped[list] = mapped_column(sa.JSON, default=list, nullable=False)
    by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)

    from_engagement = relationship("Engagement", foreign_keys=[from_engagement_id])
    to_engagement = relationship("Engagement", foreign_keys=[to_engagement_id])
