"""Notification tasks: e-mail what has not been sent. Thin, safe to run twice (each row is claimed before sending)."""
from __future__ import annotations

from celery import shared_task

from backoffice.notifications import services

SEND_PENDING = "notifications.send_pending"


@shared_task(name=SEND_PENDING)
def send_pending(limit: int | None = None) -> int:
    """One batch of at most `limit` (sent inside a request on the embedded default), else all in batches."""
    return services.send_pending(limit=limit) if limit else services.send_all_pending()
