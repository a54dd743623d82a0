"""Row scopes of task completions: a worker sees their own; a client approver their client's."""
from __future__ import annotations

import sqlalchemy as sa

from backoffice.security.access import register_scope
from backoffice.workers.models import Engagement

from .models import TaskCompletion


@register_scope("task_completion", "worker")
def _worker_tasks(stmt, user):
    own = sa.select(Engagement.id).where(Engagement.worker_id == user.worker_id)
    return stmt.where(TaskCompletion.engagement_id.in_(own))


@register_scope("task_completion", "client_approver")
def _approver_tasks(stmt, user):
    theirs = sa.select(Engagement.id).where(Engagement.client_id == user.client_id)
    return stmt.where(TaskCompletion.engagement_id.in_(theirs))
