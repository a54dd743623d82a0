"""Row scopes for portable benefits: a worker sees only their own account, entries and payout requests."""
from __future__ import annotations

from backoffice.security.access import register_scope


def _own(stmt, user):
    entity = stmt.column_descriptions[0]["entity"]      # PortableAccount, PortableEntry or PortablePayout
    return stmt.where(entity.worker_id == user.worker_id)


register_scope("portable_benefit", "worker")(_own)
register_scope("portable_payout", "worker")(_own)
