"""Classification tasks: the daily re-check pass (Celery beat), thin and safe to run twice."""
from __future__ import annotations

from celery import shared_task

from backoffice.classification.services.rechecks import run_scheduled_rechecks
from backoffice.clock import clock

RECHECKS_TASK = "classification.run_rechecks"


@shared_task(name=RECHECKS_TASK)
def run_rechecks() -> int | None:
    """Today's re-check pass: the number of new findings, or None when today's pass had already run."""
    run = run_scheduled_rechecks(today=clock().today())
    return None if run is None else run.raised
