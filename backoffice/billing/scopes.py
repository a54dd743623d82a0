"""Row scopes for invoices: a client's approver sees their client's issued invoices (never drafts); workers none."""
from __future__ import annotations

import sqlalchemy as sa

from backoffice.billing.models import Invoice, InvoiceLine
from backoffice.security.access import register_scope


@register_scope("invoice", "client_approver")
def _approver_invoices(stmt, user):
    # lines and sequences share the permission model; a select over lines is limited through its invoice
    entity = stmt.column_descriptions[0].get("entity") if stmt.column_descriptions else None
    if entity is InvoiceLine:
        theirs = sa.select(Invoice.id).where(Invoice.client_id == user.client_id, Invoice.status != "draft")
        return stmt.where(InvoiceLine.invoice_id.in_(theirs))
    if entity is not Invoice:
        return stmt.where(sa.false())
    return stmt.where(Invoice.client_id == user.client_id, Invoice.status != "draft")
