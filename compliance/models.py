"""Compliance records (SQLAlchemy models, integer cents for money): one `Filing` per form, tax year and period.

A filing's `content` is what its builder made from the paychecks and the ledger (a JSON object whose money figures
are strings with two decimals); every export (JSON, PDF, EFW2, FIRE, CSV) is rendered from that content, so what
was reviewed is what is filed. Lifecycle (states as data, `FILING_MACHINE`):

    draft → reviewed → final → filed → amended

`filings build` refreshes drafts (and sends a reviewed filing whose figures changed back to draft); `final` stores
the sha256 of the canonical content and from then on the content never changes (the database refuses it, see
`_refuse_locked_change`); `filed` records the confirmation; a correction after filing is a new filing of the
correcting form (941-X, W-2c, corrected 1099-NEC) made from the differences, with `amends_id` pointing at the
original, which becomes `amended` and is never edited."""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backoffice.db import BigId, Timestamps, UTCDateTime
from backoffice.errors import DomainError
from backoffice.extensions import db
from backoffice.states import Move, StateMachine


class FilingStatus(StrEnum):
    DRAFT = "draft"
    REVIEWED = "reviewed"
    FINAL = "final"
    FILED = "filed"
    AMENDED = "amended"


_F = FilingStatus
LOCKED = (_F.FINAL.value, _F.FILED.value, _F.AMENDED.value)

FILING_MACHINE = StateMachine("filing", FilingStatus, field="status", moves=(
    Move("refresh", (_F.DRAFT, _F.REVIEWED), None, "rebuilt",
         hint="a final filing is locked: file it, then correct it", code="filing_locked"),
    Move("review", (_F.DRAFT,), _F.REVIEWED, "reviewed"),
    Move("reopen", (_F.REVIEWED,), _F.DRAFT, "reopened"),
    Move("finalize", (_F.REVIEWED,), _F.FINAL, "made final", hint="review it first"),
    Move("file", (_F.FINAL,), _F.FILED, "marked filed", hint="make it final first"),
    Move("amend", (_F.FILED,), _F.AMENDED, "amended", hint="only a filed return is corrected; "
         "until it is filed, rebuild the draft"),
))


class Filing(Timestamps, db.Model):
    """One return or report: `form` (a code of compliance.registry), `tax_year`, `quarter` (1–4; 0 for a yearly
    form), `state` ('' for federal forms) and `revision` (0 the original; 1, 2 … its corrections, whose `amends_id`
    names the filing they correct)."""

    __tablename__ = "compliance_filings"
    __audited__ = True
    __permission_model__ = "filing"
    __states__ = FILING_MACHINE
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    form: Mapped[str] = mapped_column(sa.String(16), nullable=False, index=True)
    tax_year: Mapped[int] = mapped_column(sa.Integer, nullable=False, index=True)
    quarter: Mapped[int] = mapped_column(sa.Integer, default=0, server_default="0", nullable=False)
    state: Mapped[str] = mapped_column(sa.String(2), default="", server_default="", nullable=False)
    revision: Mapped[int] = mapped_column(sa.Integer, default=0, server_default="0", nullable=False)
    status: Mapped[str] = mapped_column(sa.String(10), default="draft", server_default="draft", nullable=False,
                                        index=True)
    title: Mapped[str] = mapped_column(sa.String(200), default="", nullable=False)
    summary: Mapped[str] = mapped_column(sa.String(300), default="", nullable=False)   # one line: key totals
    content: Mapped[dict] = mapped_column(sa.JSON, default=dict, nullable=False)
    content_hash: Mapped[str] = mapped_column(sa.String(64), default="", server_default="", nullable=False)
    due_date: Mapped[date | None] = mapped_column(sa.Date, index=True)
    built_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reviewed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    finalized_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finalized_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    filed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    filed_on: Mapped[date | None] = mapped_column(sa.Date)
    filed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    confirmation: Mapped[str] = mapped_column(sa.String(80), default="", server_default="", nullable=False)
    amends_id: Mapped[int | None] = mapped_column(sa.ForeignKey("compliance_filings.id"), index=True)

    amends = relationship("Filing", remote_side=[id])

    __table_args__ = (
        sa.UniqueConstraint("form", "tax_year", "quarter", "state", "revision", name="uq_compliance_filings_key"),
        sa.CheckConstraint("status in ('draft','reviewed','final','filed','amended')",
                           name="ck_compliance_filings_status"),
        sa.CheckConstraint("quarter between 0 and 4", name="ck_compliance_filings_quarter"),
        sa.CheckConstraint("status in ('draft','reviewed') or length(content_hash) = 64",
                           name="ck_compliance_filings_hash"),
        sa.CheckConstraint("status not in ('filed','amended') or filed_on is not null",
                           name="ck_compliance_filings_filed"),
        sa.CheckConstraint("(revision = 0) = (amends_id is null)", name="ck_compliance_filings_revision"),
    )

    @property
    def period_label(self) -> str:
        parts = [str(self.tax_year)]
        if self.quarter:
            parts.append(f"Q{self.quarter}")
        if self.state:
            parts.append(self.state)
        return " ".join(parts)

    def __str__(self) -> str:
        rev = f" (correction {self.revision})" if self.revision else ""
        return f"{self.title or self.form} {self.period_label}{rev}"


def _refuse_locked_change(mapper, connection, target: Filing) -> None:
    """A final, filed or amended filing's content and hash never change (only its status, filing date and
    confirmation move on)."""
    state = sa.inspect(target)
    if state.attrs.status.history.deleted and state.attrs.status.history.deleted[0] not in LOCKED:
        return      # the move into final itself
    if target.status in LOCKED:
        for field in ("content", "content_hash", "form", "tax_year", "quarter", "state", "revision"):
            if state.attrs[field].history.has_changes():
                raise DomainError(f"Filing #{target.id} is {target.status}: its {field} is locked; correct it "
                                  "with a new filing instead", code="filing_locked")


def _refuse_delete(mapper, connection, target: Filing) -> None:
    if target.status in LOCKED:
        raise DomainError(f"Filing #{target.id} is {target.status}: it is never deleted", code="filing_locked")


sa.event.listen(Filing, "before_update", _refuse_locked_change)
sa.event.listen(Filing, "before_delete", _refuse_delete)


class FilingCopy(db.Model):
    """A worker's copy of a yearly form (W-2, W-2c, 1099-NEC, 1095-C) cut from a final filing: what the portal
    lists and what is e-mailed when the worker consented to electronic delivery (`delivered_at`)."""

    __tablename__ = "compliance_filing_copies"
    __permission_model__ = "filing_copy"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    filing_id: Mapped[int] = mapped_column(sa.ForeignKey("compliance_filings.id"), nullable=False, index=True)
    worker_id: Mapped[int] = mapped_column(sa.ForeignKey("workers.id"), nullable=False, index=True)
    form: Mapped[str] = mapped_column(sa.String(16), nullable=False)
    tax_year: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    content: Mapped[dict] = mapped_column(sa.JSON, nullable=False)       # this worker's part of the filing
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    delivery: Mapped[str] = mapped_column(sa.String(10), default="", server_default="", nullable=False)  # email|paper

    filing = relationship(Filing)
    worker = relationship("Worker")

    __table_args__ = (sa.UniqueConstraint("filing_id", "worker_id", name="uq_compliance_filing_copies"),)


class DeliveryConsent(Timestamps, db.Model):
    """A worker's consent to receive their tax forms electronically (Treas. Reg. §31.6051-1(j) for the W-2, the same
    rules for the 1099 and 1095-C): who gave it, when, from where, and when it was withdrawn. One row per giving; the
    worker's current consent is the latest row without `withdrawn_at`. Never deleted (the record is the proof)."""

    __tablename__ = "compliance_delivery_consents"
    __audited__ = True
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    worker_id: Mapped[int] = mapped_column(sa.ForeignKey("workers.id"), nullable=False, index=True)
    given_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    given_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    given_ip: Mapped[str] = mapped_column(sa.String(64), default="", server_default="", nullable=False)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    withdrawn_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    worker = relationship("Worker")

    __table_args__ = (
        sa.CheckConstraint("withdrawn_at is null or withdrawn_at >= given_at",
                           name="ck_compliance_delivery_consents_order"),
    )

    @property
    def active(self) -> bool:
        return self.withdrawn_at is None


class ReminderDigest(db.Model):
    """The compliance calendar's daily e-mail: one row per day (unique), so the beat task delivered twice, or run
    by hand the same day, sends once."""

    __tablename__ = "compliance_reminder_digests"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    day: Mapped[date] = mapped_column(sa.Date, nullable=False)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    recipients: Mapped[list] = mapped_column(sa.JSON, default=list, nullable=False)
    due_soon: Mapped[int] = mapped_column(sa.Integer, default=0, nullable=False)
    late: Mapped[int] = mapped_column(sa.Integer, default=0, nullable=False)
    body: Mapped[str] = mapped_column(sa.Text, default="", nullable=False)

    __table_args__ = (sa.UniqueConstraint("day", name="uq_compliance_reminder_digests_day"),)
