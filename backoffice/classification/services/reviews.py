"""Classification services: review threads a worker or HR opens on an assessment."""
from __future__ import annotations

import sqlalchemy as sa

from backoffice.db import utcnow
from backoffice.errors import DomainError, Issue, NotFound, PermissionDenied, raise_if
from backoffice.extensions import db
from backoffice.security.access import can
from backoffice.uow import transaction
from backoffice.classification.services.common import (MAX_MESSAGE_CHARS, _audited_as_user, _check,
                                                  _engagement_for, basis, get_assessment, get_review)
from backoffice.classification.models import ReviewMessage, ReviewRequest


# ------------------------------------------------------------------ review threads
def _message_body(body: str, field: str = "comment") -> str:
    body = (body or "").strip()
    issues = []
    if not body:
        issues.append(Issue(field, "write what you would like HR to look at", "required"))
    elif len(body) > MAX_MESSAGE_CHARS:
        issues.append(Issue(field, f"is longer than {MAX_MESSAGE_CHARS} characters", "too_long"))
    raise_if(issues)
    return body


def _author_name(user) -> str:
    return (getattr(user, "name", "") or getattr(user, "email", "") or "system")[:200]


@_audited_as_user
@transaction()
def request_review(assessment_id, *, user, comment: str) -> ReviewRequest:
    """The worker asks HR to review a signed assessment; an open request on it gets the comment added."""
    if user is None or user.role != "worker":
        raise PermissionDenied("only the worker asks for a review")
    _check(user, "create", "classification_review")
    row = get_assessment(assessment_id, user)
    if row.status == "draft":
        raise NotFound(f"classification_assessments {row.id} not found")
    body = _message_body(comment)
    review = db.session.execute(sa.select(ReviewRequest).where(
        ReviewRequest.assessment_id == row.id, ReviewRequest.status != "closed")).scalar_one_or_none()
    if review is None:
        review = ReviewRequest(assessment_id=row.id, engagement_id=row.engagement_id, worker_id=row.worker_id,
                               client_id=row.client_id, status="open", opened_by_id=user.id)
        db.session.add(review)
        db.session.flush()
    review.status = "open"
    db.session.add(ReviewMessage(review_id=review.id, author_id=user.id, author_role="worker",
                                 author_name=_author_name(user), body=body))
    return review


@_audited_as_user
@transaction()
def request_classification(engagement_id, *, user, comment: str) -> ReviewRequest:
    """The worker asks HR to classify one of their engagements that no signed assessment classifies yet (or
    about which they have something to say before it is assessed); an open request on it gets the comment added.
    Another worker's engagement, or one already classified, is NotFound / refused: ask about its assessment."""
    if user is None or user.role != "worker":
        raise PermissionDenied("only the worker asks for a review")
    _check(user, "create", "classification_review")
    eng = _engagement_for(engagement_id, user)
    if eng.worker_id != user.worker_id:
        raise NotFound(f"engagement {eng.id} not found")
    if basis(eng.id) is not None:
        raise DomainError("this engagement has a signed classification: ask for a review of its assessment",
                          code="classified")
    body = _message_body(comment)
    review = db.session.execute(sa.select(ReviewRequest).where(
        ReviewRequest.engagement_id == eng.id, ReviewRequest.assessment_id.is_(None),
        ReviewRequest.status != "closed")).scalar_one_or_none()
    if review is None:
        review = ReviewRequest(assessment_id=None, engagement_id=eng.id, worker_id=eng.worker_id,
                               client_id=eng.client_id, status="open", opened_by_id=user.id)
        db.session.add(review)
        db.session.flush()
    review.status = "open"
    db.session.add(ReviewMessage(review_id=review.id, author_id=user.id, author_role="worker",
                                 author_name=_author_name(user), body=body))
    return review


@_audited_as_user
@transaction()
def post_message(review_id, *, user, body: str, close: bool = False) -> ReviewMessage:
    """A message in the thread: from the worker (reopens it) or from HR (answers it, or closes it)."""
    review = get_review(review_id, user)
    _check(user, "create", "classification_review_message")
    if review.status == "closed":
        raise DomainError("this review is closed: ask for a new review of the assessment", code="review_closed")
    text = _message_body(body, "body")
    if user.role == "worker":
        if close:
            raise PermissionDenied("HR closes a review")
        review.status = "open"
    else:
        _check(user, "write", "classification_review")
        if not can(user, "classification_sign_off", "write"):
            raise PermissionDenied("HR answers review requests")
        review.status = "closed" if close else "answered"
        if close:
            review.closed_at = utcnow()
            review.closed_by_id = user.id
    msg = ReviewMessage(review_id=review.id, author_id=user.id, author_role=user.role,
                        author_name=_author_name(user), body=text)
    db.session.add(msg)
    return msg
