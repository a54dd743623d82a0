"""Row scopes: a worker sees only their own records; a client approver only their client's."""
from __future__ import annotations

import sqlalchemy as sa

from backoffice.security.access import register_scope
from backoffice.workers.models import Client, Engagement, Worker


@register_scope("worker", "worker")
def _worker_self(stmt, user):
    return stmt.where(Worker.id == user.worker_id)


@register_scope("engagement", "worker")
def _worker_engagements(stmt, user):
    return stmt.where(Engagement.worker_id == user.worker_id)


@register_scope("client", "client_approver")
def _approver_client(stmt, user):
    return stmt.where(Client.id == user.client_id)


@register_scope("engagement", "client_approver")
def _approver_engagements(stmt, user):
    return stmt.where(Engagement.client_id == user.client_id)


@register_scope("worker", "client_approver")
def _approver_workers(stmt, user):
    placed = sa.select(Engagement.id).where(Engagement.worker_id == Worker.id, Engagement.client_id == user.client_id)
    return stmt.where(placed.exists())


@register_scope("bank_account", "worker")
def _worker_bank_accounts(stmt, user):
    from backoffice.workers.profile import BankAccount

    return stmt.where(BankAccount.worker_id == user.worker_id)



# ---- classification records (backoffice/workers/assessments.py). Workers never see draft assessments (or their
# evidence); client approvers see their client's assessments, evidence and re-checks but not review threads.
from backoffice.workers import assessments as _cls  # noqa: E402  (also registers the tables)


def _signed_assessment_ids(user):
    return sa.select(_cls.Assessment.id).where(_cls.Assessment.worker_id == user.worker_id,
                                               _cls.Assessment.status != "draft")


@register_scope("classification", "worker")
def _worker_assessments(stmt, user):
    return stmt.where(_cls.Assessment.worker_id == user.worker_id, _cls.Assessment.status != "draft")


@register_scope("classification_evidence", "worker")
def _worker_evidence(stmt, user):
    return stmt.where(_cls.EvidenceAttachment.worker_id == user.worker_id,
                      _cls.EvidenceAttachment.assessment_id.in_(_signed_assessment_ids(user)))


@register_scope("classification_review", "worker")
def _worker_reviews(stmt, user):
    return stmt.where(_cls.ReviewRequest.worker_id == user.worker_id)


@register_scope("classification_review_message", "worker")
def _worker_review_messages(stmt, user):
    return stmt.where(_cls.ReviewMessage.review_id.in_(
        sa.select(_cls.ReviewRequest.id).where(_cls.ReviewRequest.worker_id == user.worker_id)))


@register_scope("classification_reclassification", "worker")
def _worker_reclassifications(stmt, user):
    return stmt.where(_cls.Reclassification.worker_id == user.worker_id)


@register_scope("classification", "client_approver")
def _approver_assessments(stmt, user):
    return stmt.where(_cls.Assessment.client_id == user.client_id)


@register_scope("classification_evidence", "client_approver")
def _approver_evidence(stmt, user):
    return stmt.where(_cls.EvidenceAttachment.client_id == user.client_id)


@register_scope("classification_recheck", "client_approver")
def _approver_rechecks(stmt, user):
    return stmt.where(_cls.Recheck.client_id == user.client_id)
