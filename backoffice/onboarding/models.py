"""Onboarding records: invitations (token hash only), a case per engagement with its steps, signed PDFs, I-9."""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from backoffice.db import BigId, EncryptedString, Timestamps, UTCDateTime
from backoffice.extensions import db
from backoffice.states import Move, StateMachine


class CaseStatus(StrEnum):
    INVITED = "invited"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


CASE_STATUSES = tuple(s.value for s in CaseStatus)
OPEN_STATUSES = (CaseStatus.INVITED.value, CaseStatus.IN_PROGRESS.value)

# The moves services/cases.py and services/invitations.py make on a case. No service cancels a case yet.
CASE_MACHINE = StateMachine("onboarding case", CaseStatus, field="status", moves=(
    Move("resend", (CaseStatus.INVITED,), None, "re-invited",
         hint="the worker has accepted the invitation and signs in with their password", code="already_accepted"),
    Move("start", (CaseStatus.INVITED,), CaseStatus.IN_PROGRESS, "started"),
    Move("save_step", OPEN_STATUSES, None, "changed", code="onboarding_closed"),
    Move("complete", (CaseStatus.IN_PROGRESS,), CaseStatus.COMPLETED, "completed"),
))

STEP_STATUSES = ("pending", "done")
DOCUMENT_STATUSES = ("draft", "signed")
I9_CITIZENSHIP = ("citizen", "noncitizen_national", "permanent_resident", "authorized_alien")


class Invitation(Timestamps, db.Model):
    """A single-use, expiring link sent by email; only the SHA-256 of the token is stored."""

    __tablename__ = "invitations"
    __audited__ = True
    __permission_model__ = "invitation"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    worker_id: Mapped[int] = mapped_column(sa.ForeignKey("workers.id"), nullable=False, index=True)
    engagement_id: Mapped[int] = mapped_column(sa.ForeignKey("engagements.id"), nullable=False, index=True)
    email: Mapped[str] = mapped_column(sa.String(254), nullable=False)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True, nullable=False)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    invited_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    accepted_ip: Mapped[str] = mapped_column(sa.String(64), default="", nullable=False)

    worker = relationship("Worker")
    engagement = relationship("Engagement")

    def __str__(self) -> str:
        return f"invitation #{self.id} to {self.email}"


class OnboardingCase(Timestamps, db.Model):
    """One worker's onboarding for one engagement: the planned steps, where they are and since when."""

    __tablename__ = "onboarding_cases"
    __audited__ = True
    __permission_model__ = "onboarding"
    __states__ = CASE_MACHINE
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    worker_id: Mapped[int] = mapped_column(sa.ForeignKey("workers.id"), nullable=False, index=True)
    engagement_id: Mapped[int] = mapped_column(sa.ForeignKey("engagements.id"), nullable=False, unique=True)
    status: Mapped[str] = mapped_column(sa.String(12), default="invited", nullable=False, index=True)
    current_step: Mapped[str | None] = mapped_column(sa.String(24), index=True)
    step_since: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    i9_due_date: Mapped[date | None] = mapped_column(sa.Date)  # section 2: 3 business days after the start

    worker = relationship("Worker")
    engagement = relationship("Engagement")
    steps = relationship("OnboardingStep", back_populates="case", order_by="OnboardingStep.position",
                         cascade="all, delete-orphan")

    __table_args__ = (sa.CheckConstraint(
        "status in ('invited','in_progress','completed','cancelled')", name="ck_onboarding_cases_status"),)

    def step(self, name: str) -> "OnboardingStep | None":
        return next((s for s in self.steps if s.step == name), None)

    def __str__(self) -> str:
        return f"onboarding #{self.id} ({self.status})"


class OnboardingStep(Timestamps, db.Model):
    """One wizard step of a case; `summary` holds non-sensitive facts about what was saved."""

    __tablename__ = "onboarding_steps"
    __audited__ = True
    __permission_model__ = "onboarding"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("onboarding_cases.id"), nullable=False, index=True)
    step: Mapped[str] = mapped_column(sa.String(24), nullable=False)
    position: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    status: Mapped[str] = mapped_column(sa.String(10), default="pending", nullable=False)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    summary: Mapped[dict] = mapped_column(sa.JSON, default=dict, nullable=False)

    case = relationship(OnboardingCase, back_populates="steps")

    __table_args__ = (sa.UniqueConstraint("case_id", "step", name="uq_onboarding_steps_case_step"),)


class SignedDocument(Timestamps, db.Model):
    """A PDF the worker signed or submitted: typed name, time, IP and the SHA-256 of the exact bytes.

    A draft is the PDF shown before signing; signing fills the signature and never changes the bytes."""

    __tablename__ = "signed_documents"
    __audited__ = True
    __audit_mask__ = ("pdf",)
    __permission_model__ = "document"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    worker_id: Mapped[int] = mapped_column(sa.ForeignKey("workers.id"), nullable=False, index=True)
    engagement_id: Mapped[int | None] = mapped_column(sa.ForeignKey("engagements.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(32), nullable=False)
    title: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    status: Mapped[str] = mapped_column(sa.String(10), default="draft", nullable=False, index=True)
    pdf: Mapped[bytes] = deferred(mapped_column(sa.LargeBinary, nullable=False))
    sha256: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    size: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    signed_name: Mapped[str] = mapped_column(sa.String(200), default="", nullable=False)
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    signed_ip: Mapped[str] = mapped_column(sa.String(64), default="", nullable=False)
    user_agent: Mapped[str] = mapped_column(sa.String(300), default="", nullable=False)

    worker = relationship("Worker")
    engagement = relationship("Engagement")

    @property
    def filename(self) -> str:
        return f"{self.kind}-{self.id}.pdf"


class I9Record(Timestamps, db.Model):
    """Form I-9: section 1 from the worker, section 2 from HR within three business days of the start date."""

    __tablename__ = "i9_records"
    __audited__ = True
    __permission_model__ = "document"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    worker_id: Mapped[int] = mapped_column(sa.ForeignKey("workers.id"), nullable=False, index=True)
    engagement_id: Mapped[int] = mapped_column(sa.ForeignKey("engagements.id"), nullable=False, unique=True)
    citizenship: Mapped[str] = mapped_column(sa.String(24), nullable=False)
    uscis_number: Mapped[str | None] = mapped_column(EncryptedString())
    work_authorized_until: Mapped[date | None] = mapped_column(sa.Date)
    section1_signed_name: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    section1_signed_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    section1_ip: Mapped[str] = mapped_column(sa.String(64), default="", nullable=False)
    start_date: Mapped[date] = mapped_column(sa.Date, nullable=False)
    section2_due: Mapped[date] = mapped_column(sa.Date, nullable=False)
    section2_documents: Mapped[list] = mapped_column(sa.JSON, default=list, nullable=False)
    section2_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    section2_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    worker = relationship("Worker")
