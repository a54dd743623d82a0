"""Benefits Celery tasks: thin, take ids, safe to run twice, sent after commit."""
from __future__ import annotations

from celery import shared_task

from backoffice.errors import DomainError
from benefits import services


@shared_task(name="benefits.close_enrollment")
def close_enrollment(window_id: int) -> dict | None:
    """Close open enrollment (carry elections over, 401(k) defaults): one transaction; a second run finds the
    window closed and does nothing."""
    try:
        return services.close_enrollment(window_id)
    except DomainError:
        return None
