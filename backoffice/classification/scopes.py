"""Row scopes for classification records: workers never see draft assessments (or their evidence). Client
approvers hold no classification rights (issue 9: they see what they need to approve time); should an admin grant
them some, these scopes keep them to their client's assessments, evidence and re-checks, never review threads."""
from __future__ import annotations

import sqlalchemy as sa

from backoffice.classification.models import (Assessment, EvidenceAttachment, Reclassification, Recheck,
                                              ReviewMessage, ReviewRequest)
from backoffice.security.access import register_scope


def _signed_assessment_ids(user):
    return sa.select(Assessment.id).where(Assessment.worker_id == user.worker_id,
                                               Assessment.status != "draft")


@register_scope("classification", "worker")
def _worker_assessments(stmt, user):
    return stmt.where(Assessment.worker_id == user.worker_id, Assessment.status != "draft")


@register_scope("classification_evidence", "worker")
def _worker_evidence(stmt, user):
    return stmt.where(EvidenceAttachment.worker_id == user.worker_id,
                      EvidenceAttachment.assessment_id.in_(_signed_assessment_ids(user)))


@register_scope("classification_review", "worker")
def _worker_reviews(stmt, user):
    return stmt.where(ReviewRequest.worker_id == user.worker_id)


@register_scope("classification_review_message", "worker")
def _worker_review_messages(stmt, user):
    return stmt.where(ReviewMessage.review_id.in_(
        sa.select(ReviewRequest.id).where(ReviewRequest.worker_id == user.worker_id)))


@register_scope("classification_reclassification", "worker")
def _worker_reclassifications(stmt, user):
    return stmt.where(Reclassification.worker_id == user.worker_id)


@register_scope("classification", "client_approver")
def _approver_assessments(stmt, user):
    return stmt.where(Assessment.client_id == user.client_id)


@register_scope("classification_evidence", "client_approver")
def _approver_evidence(stmt, user):
    return stmt.where(EvidenceAttachment.client_id == user.client_id)


@register_scope("classification_recheck", "client_approver")
def _approver_rechecks(stmt, user):
    return stmt.where(Recheck.client_id == user.client_id)
