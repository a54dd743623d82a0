"""Billing Celery tasks: invoicing through a date in the background. Thin, by id, safe to run twice."""
from __future__ import annotations

from celery import shared_task

from backoffice.clock import clock

RUN_INVOICING = "billing.run_invoicing"


@shared_task(name=RUN_INVOICING)
def run_invoicing(run_id: int) -> str:
    """Do an invoicing run client by client (backoffice.billing.services.invoicing_runs); returns its state."""
    from backoffice.billing.services import invoicing_runs

    return invoicing_runs.run_invoicing(run_id, now=lambda: clock().now()).state
