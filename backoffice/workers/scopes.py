"""Row scopes: a worker sees only their own records; a client approver only their client's."""
from __future__ import annotations

import sqlalchemy as sa

from backoffice.security.access import register_scope
from backoffice.workers.models import Client, Engagement, Worker
from backoffice.workers.profile import BankAccount


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
    return stmt.where(BankAccount.worker_id == user.worker_id)
