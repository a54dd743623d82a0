"""Worker voice records: polls with secret ballots, proposals and co-signatures, anonymous feedback and client
ratings, the agency's settings for them, and workers' data exports.

Secrecy is in the shape of the tables (docs/voice.md, "Threat model"): `poll_voters` says who voted (turnout,
one vote each) and `poll_ballots` holds the choices under an HMAC token, with no worker id, no timestamp and no
row id; feedback and ratings carry a reporter token, never a worker id. None of these is audited (an audit row
names its user), and none has an admin list of rows."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backoffice.db import BigId, Scaled, Timestamps, UTCDateTime, utcnow
from backoffice.extensions import db
from backoffice.money import D
from backoffice.voice.rules import FEEDBACK_SUBJECTS, FEEDBACK_TOPICS, MIN_GROUP, POLL_STATUSES


def _in(column: str, values) -> str:
    return f"{column} in ({','.join(repr(v) for v in values)})"


class VoiceSettings(Timestamps, db.Model):
    """The agency's numbers for worker voice, as data (one row): the share of active workers whose co-signatures
    oblige an answer, the days it has to answer, and the feedback group-size floor (at least 5)."""

    __tablename__ = "voice_settings"
    __audited__ = True
    __permission_model__ = "voice_settings"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    proposal_threshold_share: Mapped[Decimal] = mapped_column(Scaled(4), default=D("0.1000"), nullable=False)
    answer_days: Mapped[int] = mapped_column(sa.Integer, default=30, nullable=False)
    feedback_min_group: Mapped[int] = mapped_column(sa.Integer, default=MIN_GROUP, nullable=False)

    __table_args__ = (
        sa.CheckConstraint("proposal_threshold_share > 0 and proposal_threshold_share <= 10000",
                           name="ck_voice_settings_share"),
        sa.CheckConstraint("answer_days between 1 and 365", name="ck_voice_settings_days"),
        sa.CheckConstraint(f"feedback_min_group >= {MIN_GROUP}", name="ck_voice_settings_floor"),
    )

    def __str__(self) -> str:
        return "Worker voice settings"


class Poll(Timestamps, db.Model):
    """A question put to workers: its options, who may vote (engagement types), draft → open → closed, and
    whether totals are shown while it is open. `eligible_count` is frozen when it closes (the turnout's base)."""

    __tablename__ = "polls"
    __audited__ = True
    __permission_model__ = "poll"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    question: Mapped[str] = mapped_column(sa.Text, default="", nullable=False)
    options: Mapped[list] = mapped_column(sa.JSON, nullable=False)
    eligible_types: Mapped[list] = mapped_column(sa.JSON, nullable=False)
    status: Mapped[str] = mapped_column(sa.String(8), default="draft", nullable=False, index=True)
    live_results: Mapped[bool] = mapped_column(sa.Boolean, default=False, nullable=False)
    closes_on: Mapped[date | None] = mapped_column(sa.Date)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    eligible_count: Mapped[int | None] = mapped_column(sa.Integer)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    __table_args__ = (sa.CheckConstraint(_in("status", POLL_STATUSES), name="ck_polls_status"),)

    def __str__(self) -> str:
        return self.title


class PollVoter(db.Model):
    """That a worker has voted in a poll (one row each: turnout and one-vote-each), never what they chose."""

    __tablename__ = "poll_voters"
    # the key is (poll, worker): unique by construction, and no sequence number orders the voters
    poll_id: Mapped[int] = mapped_column(sa.ForeignKey("polls.id"), primary_key=True)
    worker_id: Mapped[int] = mapped_column(sa.ForeignKey("workers.id"), primary_key=True, index=True)


class PollBallot(db.Model):
    """One choice, under its HMAC token (ballot_token): no worker id, no time, no sequence number. The primary
    key is the token, so rows sort by a value that says nothing about who or when."""

    __tablename__ = "poll_ballots"
    poll_id: Mapped[int] = mapped_column(sa.ForeignKey("polls.id"), primary_key=True)
    token: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    choice: Mapped[str] = mapped_column(sa.String(200), nullable=False)


class Proposal(Timestamps, db.Model):
    """A worker's proposal to the agency. Once its co-signatures (the author's first) reach the threshold the
    agency must answer, publicly, by `due_date`; the answer is shown to every worker and to HR on the board."""

    __tablename__ = "voice_proposals"
    __audited__ = True
    __permission_model__ = "proposal"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("workers.id"), nullable=False, index=True)
    title: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    body: Mapped[str] = mapped_column(sa.Text, nullable=False)
    status: Mapped[str] = mapped_column(sa.String(10), default="open", nullable=False, index=True)
    signatures: Mapped[int] = mapped_column(sa.Integer, default=0, nullable=False)
    threshold: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    threshold_reached_on: Mapped[date | None] = mapped_column(sa.Date)
    due_date: Mapped[date | None] = mapped_column(sa.Date, index=True)
    answer: Mapped[str] = mapped_column(sa.Text, default="", nullable=False)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    answered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    __table_args__ = (sa.CheckConstraint("status in ('open','due','answered')", name="ck_voice_proposals_status"),)

    def __str__(self) -> str:
        return self.title


class ProposalSignature(db.Model):
    """One worker's co-signature of a proposal (once each). Not audited and not listed anywhere by name: the
    board shows counts."""

    __tablename__ = "voice_proposal_signatures"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    proposal_id: Mapped[int] = mapped_column(sa.ForeignKey("voice_proposals.id"), nullable=False)
    worker_id: Mapped[int] = mapped_column(sa.ForeignKey("workers.id"), nullable=False, index=True)

    __table_args__ = (sa.UniqueConstraint("proposal_id", "worker_id", name="uq_voice_proposal_signatures"),)


class FeedbackReport(db.Model):
    """An anonymous report about a client (and a site of it) or the agency. No worker id: `reporter_token`
    (reporter_token(key, "feedback", subject, worker)) counts distinct reporters for the group-size floor. The
    date, not the time, is kept."""

    __tablename__ = "voice_feedback"
    __permission_model__ = "feedback"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    subject: Mapped[str] = mapped_column(sa.String(8), nullable=False)
    client_id: Mapped[int | None] = mapped_column(sa.ForeignKey("clients.id"), index=True)
    site: Mapped[str] = mapped_column(sa.String(120), default="", nullable=False)
    topic: Mapped[str] = mapped_column(sa.String(8), nullable=False)
    body: Mapped[str] = mapped_column(sa.Text, nullable=False)
    reporter_token: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    reported_on: Mapped[date] = mapped_column(sa.Date, nullable=False)

    __table_args__ = (
        sa.CheckConstraint(_in("subject", FEEDBACK_SUBJECTS), name="ck_voice_feedback_subject"),
        sa.CheckConstraint(_in("topic", FEEDBACK_TOPICS), name="ck_voice_feedback_topic"),
        sa.CheckConstraint("(subject = 'client') = (client_id is not null)", name="ck_voice_feedback_client"),
    )


class FeedbackResponse(Timestamps, db.Model):
    """The agency's public answer to feedback about a topic (of a client, or of the agency): what workers read."""

    __tablename__ = "voice_feedback_responses"
    __audited__ = True
    __permission_model__ = "feedback_response"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    subject: Mapped[str] = mapped_column(sa.String(8), nullable=False)
    client_id: Mapped[int | None] = mapped_column(sa.ForeignKey("clients.id"), index=True)
    topic: Mapped[str] = mapped_column(sa.String(8), nullable=False)
    body: Mapped[str] = mapped_column(sa.Text, nullable=False)
    responded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    client = relationship("Client")

    __table_args__ = (
        sa.CheckConstraint(_in("subject", FEEDBACK_SUBJECTS), name="ck_voice_feedback_responses_subject"),
        sa.CheckConstraint(_in("topic", FEEDBACK_TOPICS), name="ck_voice_feedback_responses_topic"),
    )


class ClientRating(db.Model):
    """A worker's rating of a client, 1 to 5 on timely approval, respect and clarity of tasks; one per worker
    and client (a new one replaces it), under a reporter token, never a worker id."""

    __tablename__ = "voice_client_ratings"
    __permission_model__ = "client_rating"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    client_id: Mapped[int] = mapped_column(sa.ForeignKey("clients.id"), nullable=False)
    rater_token: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    timely_approval: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    respect: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    clarity: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    rated_on: Mapped[date] = mapped_column(sa.Date, nullable=False)

    __table_args__ = (
        sa.UniqueConstraint("client_id", "rater_token", name="uq_voice_client_ratings_rater"),
        sa.CheckConstraint("timely_approval between 1 and 5 and respect between 1 and 5 and clarity between 1 and 5",
                           name="ck_voice_client_ratings_range"),
    )


EXPORT_STATES = ("queued", "running", "done", "failed")


class DataExport(Timestamps, db.Model):
    """One request for a worker's data as a ZIP: who asked, for whom, progress (`done` of `total` items), and
    the file once built. Audited: the request is logged."""

    __tablename__ = "voice_data_exports"
    __audited__ = True
    __permission_model__ = "data_export"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    worker_id: Mapped[int] = mapped_column(sa.ForeignKey("workers.id"), nullable=False, index=True)
    requested_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    state: Mapped[str] = mapped_column(sa.String(8), default="queued", nullable=False, index=True)
    done: Mapped[int] = mapped_column(sa.Integer, default=0, nullable=False)
    total: Mapped[int] = mapped_column(sa.Integer, default=0, nullable=False)
    error: Mapped[str] = mapped_column(sa.String(500), default="", nullable=False)
    filename: Mapped[str] = mapped_column(sa.String(120), default="", nullable=False)
    path: Mapped[str] = mapped_column(sa.String(500), default="", nullable=False)
    size: Mapped[int] = mapped_column(sa.Integer, default=0, nullable=False)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    worker = relationship("Worker")

    __table_args__ = (sa.CheckConstraint(_in("state", EXPORT_STATES), name="ck_voice_data_exports_state"),)

    def __str__(self) -> str:
        return f"Data export #{self.id} of {self.worker}"


class TransparencyMonth(db.Model):
    """A month of the agency's margin per hour by kind of work, as published to workers (once: a published month
    is never recomputed). The floor it was published under and what it left out are kept with it."""

    __tablename__ = "voice_transparency_months"
    __audited__ = True
    __permission_model__ = "transparency"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    month: Mapped[str] = mapped_column(sa.String(7), nullable=False)      # YYYY-MM
    published_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    published_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    engagements: Mapped[int] = mapped_column(sa.Integer, default=0, nullable=False)
    pooled_kinds: Mapped[int] = mapped_column(sa.Integer, default=0, nullable=False)
    hidden_engagements: Mapped[int] = mapped_column(sa.Integer, default=0, nullable=False)
    min_clients: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    min_workers: Mapped[int] = mapped_column(sa.Integer, nullable=False)

    rows = relationship("TransparencyRow", back_populates="month_record", order_by="TransparencyRow.position",
                        cascade="all, delete-orphan")

    __table_args__ = (sa.UniqueConstraint("month", name="uq_voice_transparency_months_month"),
                      sa.CheckConstraint("min_clients >= 3 and min_workers >= 5",
                                         name="ck_voice_transparency_months_floor"))

    def __str__(self) -> str:
        return f"Margins published for {self.month}"


class TransparencyRow(db.Model):
    """One published kind of work in a month: how many engagements, workers and clients it pools, and the
    agency's margin per hour (median, 10th and 90th percentiles) and the median bill rate."""

    __tablename__ = "voice_transparency_rows"
    __permission_model__ = "transparency"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    month_id: Mapped[int] = mapped_column(sa.ForeignKey("voice_transparency_months.id"), nullable=False, index=True)
    position: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    kind: Mapped[str] = mapped_column(sa.String(160), nullable=False)
    engagements: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    workers: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    clients: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    median_margin: Mapped[Decimal] = mapped_column(Scaled(2), nullable=False)
    p10_margin: Mapped[Decimal] = mapped_column(Scaled(2), nullable=False)
    p90_margin: Mapped[Decimal] = mapped_column(Scaled(2), nullable=False)
    median_bill_rate: Mapped[Decimal] = mapped_column(Scaled(2), nullable=False)

    month_record = relationship(TransparencyMonth, back_populates="rows")

    __table_args__ = (sa.UniqueConstraint("month_id", "position", name="uq_voice_transparency_rows_position"),)

    @property
    def month(self) -> str:
        return self.month_record.month

    def __str__(self) -> str:
        return f"{self.kind} ({self.month_record.month})"


__all__ = ["VoiceSettings", "Poll", "PollVoter", "PollBallot", "Proposal", "ProposalSignature", "FeedbackReport",
           "FeedbackResponse", "ClientRating", "DataExport", "TransparencyMonth", "TransparencyRow", "utcnow"]
