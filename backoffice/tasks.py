"""Shell-level Celery tasks (none yet beyond a health ping used by the test suite)."""
from celery import shared_task


@shared_task(name="backoffice.ping")
def ping() -> str:
    return "pong"
