"""Row scopes for compliance records: a worker sees only their own copies of yearly forms."""
from __future__ import annotations

from backoffice.security.access import register_scope
from compliance.models import FilingCopy


@register_scope("filing_copy", "worker")
def _worker_copies(stmt, user):
    return stmt.where(FilingCopy.worker_id == user.worker_id)
