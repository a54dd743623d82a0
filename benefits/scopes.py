"""Row scopes for benefits records: every worker sees the plans; a worker sees only their own elections,
dependents, beneficiaries and life events."""
from __future__ import annotations

import sqlalchemy as sa

from backoffice.security.access import register_scope
from benefits.aca_models import AcaMonth, AcaWindow
from benefits.cobra_models import CobraCase, CobraPremium
from benefits.models import Dependent, Enrollment, LifeEvent


@register_scope("benefit_plan", "worker")
def _worker_plans(stmt, user):
    return stmt


@register_scope("benefit_enrollment", "worker")
def _worker_enrollments(stmt, user):
    return stmt.where(Enrollment.worker_id == user.worker_id)


@register_scope("benefit_dependent", "worker")
def _worker_dependents(stmt, user):
    return stmt.where(Dependent.worker_id == user.worker_id)


@register_scope("life_event", "worker")
def _worker_life_events(stmt, user):
    return stmt.where(LifeEvent.worker_id == user.worker_id)


@register_scope("aca_month", "worker")
def _worker_aca(stmt, user):
    """A worker's own ACA months and windows (the one right covers both tables)."""
    entity = stmt.column_descriptions[0]["entity"] if stmt.column_descriptions else None
    model = AcaWindow if entity is AcaWindow else AcaMonth
    return stmt.where(model.worker_id == user.worker_id)


@register_scope("cobra_case", "worker")
def _worker_cobra_cases(stmt, user):
    return stmt.where(CobraCase.worker_id == user.worker_id)


@register_scope("cobra_premium", "worker")
def _worker_cobra_premiums(stmt, user):
    return stmt.where(CobraPremium.case_id.in_(sa.select(CobraCase.id).where(CobraCase.worker_id == user.worker_id)))
