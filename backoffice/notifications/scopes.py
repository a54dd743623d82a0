"""Row scope of notifications: a worker reads only their own (staff with the right read all, for support)."""
from __future__ import annotations

from backoffice.notifications.models import Notification
from backoffice.security.access import register_scope


@register_scope("notification", "worker")
def _worker_notifications(stmt, user):
    return stmt.where(Notification.worker_id == user.worker_id)
