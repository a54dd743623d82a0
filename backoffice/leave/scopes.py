"""Row scopes of paid leave: a worker sees their own balances, ledger and requests and the policies that are in
force; a client's approver sees the requests of their client's engagements whose policy names the client's
approver (HR approves the others)."""
from __future__ import annotations

import sqlalchemy as sa

from backoffice.leave.models import LeaveBalance, LeaveCase, LeaveEntry, LeavePolicy, LeaveRequest
from backoffice.security.access import register_scope
from backoffice.workers.models import Engagement


@register_scope("leave_policy", "worker")
def _worker_policies(stmt, user):
    return stmt.where(LeavePolicy.active.is_(True))


@register_scope("leave_balance", "worker")
def _worker_balances(stmt, user):
    return stmt.where(LeaveBalance.worker_id == user.worker_id)


@register_scope("leave_entry", "worker")
def _worker_entries(stmt, user):
    return stmt.where(LeaveEntry.worker_id == user.worker_id)


@register_scope("leave_request", "worker")
def _worker_requests(stmt, user):
    return stmt.where(LeaveRequest.worker_id == user.worker_id)


@register_scope("leave_request", "client_approver")
def _approver_requests(stmt, user):
    theirs = sa.select(Engagement.id).where(Engagement.client_id == user.client_id)
    by_them = sa.select(LeavePolicy.id).where(LeavePolicy.approver == "client_approver")
    return stmt.where(LeaveRequest.engagement_id.in_(theirs), LeaveRequest.policy_id.in_(by_them))


@register_scope("leave_case", "worker")
def _worker_cases(stmt, user):
    return stmt.where(LeaveCase.worker_id == user.worker_id)
