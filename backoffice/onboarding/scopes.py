"""Row scopes for onboarding records: a worker sees only their own case, steps and documents."""
from __future__ import annotations

import sqlalchemy as sa

from backoffice.security.access import register_scope
from backoffice.onboarding.models import I9Record, OnboardingCase, OnboardingStep, SignedDocument


def _entity(stmt):
    return stmt.column_descriptions[0].get("entity")


@register_scope("onboarding", "worker")
def _worker_onboarding(stmt, user):
    if _entity(stmt) is OnboardingStep:
        own = sa.select(OnboardingCase.id).where(OnboardingCase.worker_id == user.worker_id)
        return stmt.where(OnboardingStep.case_id.in_(own))
    return stmt.where(OnboardingCase.worker_id == user.worker_id)


@register_scope("document", "worker")
def _worker_documents(stmt, user):
    if _entity(stmt) is I9Record:
        return stmt.where(I9Record.worker_id == user.worker_id)
    return stmt.where(SignedDocument.worker_id == user.worker_id, SignedDocument.status == "signed")
