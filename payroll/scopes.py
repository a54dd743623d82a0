"""Row scopes for payroll records: a worker sees their own time and paychecks; a client approver their client's time."""
from __future__ import annotations

import sqlalchemy as sa

from backoffice.security.access import register_scope
from backoffice.workers.models import Engagement
from payroll.models import Paycheck, Timesheet, released_runs


@register_scope("timesheet", "worker")
def _worker_timesheets(stmt, user):
    own = sa.select(Engagement.id).where(Engagement.worker_id == user.worker_id)
    return stmt.where(Timesheet.engagement_id.in_(own))


@register_scope("timesheet", "client_approver")
def _approver_timesheets(stmt, user):
    theirs = sa.select(Engagement.id).where(Engagement.client_id == user.client_id)
    return stmt.where(Timesheet.engagement_id.in_(theirs))


@register_scope("paycheck", "worker")
def _worker_paychecks(stmt, user):
    return stmt.where(Paycheck.worker_id == user.worker_id, Paycheck.run_id.in_(released_runs()))
