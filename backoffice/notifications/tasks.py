"""Notification tasks: e-mail what has not been sent. Thin, safe to run twice (each row is claimed before sending)."""
from __future__ import annotations

from celery import shared_task

from backoffice.notifications import services

SEND_PENDING = "notifications.send_pending"


@shared_task(name=SEND_PENDING)
def send_pending() -> int:
    return services.send_pending()
