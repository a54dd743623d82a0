"""Worker proposals: any worker posts, others co-sign once each; at the agency's share of active workers the
agency must answer publicly by a due date, on a board workers and HR both see (overdue answers flagged)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from backoffice.errors import DomainError, NotFound, raise_if
from backoffice.extensions import db
from backoffice.security.access import require
from backoffice.uow import for_update, transaction, unique_or_refuse
from backoffice.voice import rules
from backoffice.voice.models import Proposal, ProposalSignature
from backoffice.voice.services import MAX_TITLE, clean_text, settings, worker_of
from backoffice.workers.models import Worker


def active_workers() -> int:
    return db.session.execute(sa.select(sa.func.count()).select_from(Worker)
                              .where(Worker.status == "active")).scalar_one()


@transaction()
def post_proposal(user, *, title, body, today: date) -> Proposal:
    """A worker's proposal, signed by its author; its threshold is fixed now from the agency's share."""
    worker_id = worker_of(user)
    require(user, "proposal", "create")
    issues = []
    title = clean_text(issues, "title", title, limit=MAX_TITLE)
    body = clean_text(issues, "body", body)
    raise_if(issues)
    threshold = rules.cosign_threshold(settings().proposal_threshold_share, active_workers())
    p = Proposal(author_id=worker_id, title=title, body=body, threshold=threshold, signatures=0)
    db.session.add(p)
    db.session.flush()
    _sign(p, worker_id, today)
    return p


def _sign(p: Proposal, worker_id: int, today: date) -> None:
    """Add the worker's signature; at the threshold the proposal is due. The proposal row is changed with plain
    UPDATEs, outside the audit log: an audit row names its user, and the board promises counts, never co-signers."""
    with unique_or_refuse("uq_voice_proposal_signatures", "you have already co-signed this proposal",
                          "already_signed", columns="voice_proposal_signatures.proposal_id, "
                                                    "voice_proposal_signatures.worker_id"):
        db.session.add(ProposalSignature(proposal_id=p.id, worker_id=worker_id))
    db.session.execute(sa.update(Proposal).where(Proposal.id == p.id)
                       .values(signatures=Proposal.signatures + 1), execution_options={"synchronize_session": False})
    db.session.execute(sa.update(Proposal).where(Proposal.id == p.id, Proposal.status == "open",
                                                 Proposal.signatures >= Proposal.threshold)
                       .values(status="due", threshold_reached_on=today,
                               due_date=today + timedelta(days=settings().answer_days)),
                       execution_options={"synchronize_session": False})
    db.session.refresh(p)


@transaction()
def cosign(user, proposal_id: int, today: date) -> Proposal:
    worker_id = worker_of(user)
    require(user, "proposal", "read")
    p = db.session.execute(for_update(sa.select(Proposal).where(Proposal.id == proposal_id))).scalar_one_or_none()
    if p is None:
        raise NotFound(f"proposal {proposal_id} not found")
    if signed(p.id, worker_id):
        raise DomainError("you have already co-signed this proposal", code="already_signed")
    _sign(p, worker_id, today)
    return p


def signed(proposal_id: int, worker_id: int) -> bool:
    return db.session.execute(sa.select(ProposalSignature.id).where(
        ProposalSignature.proposal_id == proposal_id, ProposalSignature.worker_id == worker_id)).first() is not None


@transaction()
def answer_proposal(user, proposal_id: int, answer, now: datetime) -> Proposal:
    """The agency's public answer (any proposal may be answered; one past its threshold must be)."""
    require(user, "proposal", "write")
    issues = []
    answer = clean_text(issues, "answer", answer)
    raise_if(issues)
    p = db.session.execute(for_update(sa.select(Proposal).where(Proposal.id == proposal_id))).scalar_one_or_none()
    if p is None:
        raise NotFound(f"proposal {proposal_id} not found")
    p.answer, p.answered_at, p.answered_by_id, p.status = answer, now, user.id, "answered"
    return p


@dataclass(frozen=True)
class BoardRow:
    proposal: Proposal
    overdue: bool
    mine: bool
    signed: bool


def board(user, today: date) -> list[BoardRow]:
    """Every proposal for workers and HR alike: those due first (overdue flagged), then open, then answered."""
    require(user, "proposal", "read")
    rows = db.session.execute(sa.select(Proposal).order_by(Proposal.id.desc())).scalars().all()
    wid = int(user.worker_id) if getattr(user, "role", None) == "worker" and user.worker_id else None
    mine_signed = set()
    if wid:
        mine_signed = set(db.session.execute(sa.select(ProposalSignature.proposal_id)
                                             .where(ProposalSignature.worker_id == wid)).scalars())
    order = {"due": 0, "open": 1, "answered": 2}
    out = [BoardRow(p, rules.answer_overdue(p.due_date, p.status == "answered", today), p.author_id == wid,
                    p.id in mine_signed) for p in rows]
    return sorted(out, key=lambda r: (not r.overdue, order.get(r.proposal.status, 3), -r.proposal.id))
