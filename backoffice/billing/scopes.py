"""Row scopes for invoices: a client's approver sees their client's issued invoices (never drafts); workers none
(no scope and no right). Invoice lines are reached through their invoice."""
from __future__ import annotations

from backoffice.billing.models import Invoice
from backoffice.security.access import register_scope


@register_scope("invoice", "client_approver")
def _approver_invoices(stmt, user):
    return stmt.where(Invoice.client_id == user.client_id, Invoice.status != "draft")
