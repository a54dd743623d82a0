"""Classification services, shared part: access checks, lookups and an engagement's assessment history."""
from __future__ import annotations

import functools

import sqlalchemy as sa

from backoffice.audit import acting_as
from backoffice.errors import Issue, NotFound, ValidationFailed
from backoffice.extensions import db
from backoffice.security.access import can, require, scoped
from backoffice.classification.models import Assessment, EvidenceAttachment, Reclassification, ReviewRequest
from backoffice.workers.models import Engagement

PERMISSION = "classification"
MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
MAX_MESSAGE_CHARS = 5000
OPEN_ENGAGEMENT_STATUSES = ("pending", "active")


# ------------------------------------------------------------------ access
def _check(user, action: str, model: str = PERMISSION) -> None:
    """`user` None means the system itself (CLI, tasks): no check."""
    if user is not None:
        require(user, model, action)


def _visible(model, ident, user):
    """The row if it exists and `user` may see it (row scopes apply); otherwise NotFound."""
    try:
        ident = int(ident)
    except (TypeError, ValueError):
        raise NotFound(f"{model.__tablename__} not found") from None
    stmt = sa.select(model).where(model.id == ident)
    if user is not None:
        if not can(user, model.__permission_model__, "read"):
            raise NotFound(f"{model.__tablename__} {ident} not found")
        stmt = scoped(stmt, user, model.__permission_model__)
    row = db.session.execute(stmt).scalar_one_or_none()
    if row is None:
        raise NotFound(f"{model.__tablename__} {ident} not found")
    return row


def get_assessment(assessment_id, user) -> Assessment:
    return _visible(Assessment, assessment_id, user)


def get_review(review_id, user) -> ReviewRequest:
    return _visible(ReviewRequest, review_id, user)


def get_evidence(assessment_id, evidence_id, user) -> EvidenceAttachment:
    att = _visible(EvidenceAttachment, evidence_id, user)
    if att.assessment_id != int(assessment_id):
        raise NotFound(f"evidence {evidence_id} not found")
    get_assessment(assessment_id, user)  # the worker sees evidence only of assessments they may see
    return att


def _engagement_for(engagement_id, user) -> Engagement:
    try:
        ident = int(engagement_id)
    except (TypeError, ValueError):
        raise ValidationFailed([Issue("engagement_id", "must be an id")]) from None
    stmt = sa.select(Engagement).where(Engagement.id == ident)
    if user is not None:
        stmt = scoped(stmt, user, "engagement")
    eng = db.session.execute(stmt).scalar_one_or_none()
    if eng is None:
        raise NotFound(f"engagement {ident} not found")
    return eng


def _audited_as_user(fn):
    """Attribute every audit row the service writes to its `user` (also outside a request: CLI, tasks)."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        user = kwargs.get("user")
        if user is None:
            return fn(*args, **kwargs)
        with acting_as(user):
            return fn(*args, **kwargs)
    return wrapper


def _commit() -> None:
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise


def history(engagement_id: int) -> list[Assessment]:
    """Every assessment of this engagement and of the engagements it was converted from or to, oldest first."""
    ids = _linked_engagements(engagement_id)
    return list(db.session.execute(sa.select(Assessment).where(Assessment.engagement_id.in_(ids))
                                   .order_by(Assessment.as_of_date, Assessment.id)).scalars())


def basis(engagement_id: int) -> Assessment | None:
    """The signed assessment that classifies this engagement: its own, or the one it was converted on."""
    own = current_signed(engagement_id)
    if own is not None:
        return own
    signed = [a for a in history(engagement_id) if a.status == "signed_off"]
    return signed[-1] if signed else None


def _linked_engagements(engagement_id: int) -> set[int]:
    ids, frontier = {engagement_id}, [engagement_id]
    while frontier:
        eid = frontier.pop()
        for r in db.session.execute(sa.select(Reclassification).where(sa.or_(
                Reclassification.from_engagement_id == eid, Reclassification.to_engagement_id == eid))).scalars():
            for other in (r.from_engagement_id, r.to_engagement_id):
                if other not in ids:
                    ids.add(other)
                    frontier.append(other)
    return ids


def reclassifications_for(engagement_id: int) -> list[Reclassification]:
    ids = _linked_engagements(engagement_id)
    return list(db.session.execute(sa.select(Reclassification).where(
        Reclassification.from_engagement_id.in_(ids)).order_by(Reclassification.id)).scalars())


def current_signed(engagement_id: int) -> Assessment | None:
    return db.session.execute(sa.select(Assessment).where(
        Assessment.engagement_id == engagement_id, Assessment.status == "signed_off")
        .order_by(Assessment.id.desc()).limit(1)).scalar_one_or_none()
