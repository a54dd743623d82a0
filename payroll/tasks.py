"""Payroll Celery tasks: thin, take ids, safe to run twice (each chunk is idempotent)."""
from __future__ import annotations

import os

import sqlalchemy as sa
from celery import shared_task
from flask import current_app
from sqlalchemy.exc import OperationalError

from backoffice.extensions import db
from backoffice.uow import transaction
from payroll.models import Paycheck
from payroll.services.calc import calculate_chunk as calc_chunk
from payroll.services.runs import (approval_done, approve_chunk as approve_run_chunk, finalize_run,
                                   notify_paid_runs as runs_notify_paid_runs, pending_approval_chunks, pending_chunks,
                                   record_failure)
from reports.paystubs import render_paychecks

RETRYABLE = (OperationalError,)     # SQLite "database is locked", PostgreSQL deadlock / lost connection


@shared_task(name="payroll.calculate_run")
def calculate_run(run_id: int) -> int:
    """Send one task per chunk not done yet (or finalize at once when none is left)."""

    with transaction():  # ended before the chunks are sent: their tasks write from other sessions
        todo = pending_chunks(run_id)
    if not todo:
        finalize_run(run_id)
        return 0
    for index in todo:
        calculate_chunk.delay(run_id, index)
    return len(todo)


@shared_task(name="payroll.calculate_chunk", bind=True, autoretry_for=RETRYABLE, retry_backoff=1,
             retry_backoff_max=10, max_retries=20)
def calculate_chunk(self, run_id: int, index: int) -> bool:
    """Calculate one chunk (a no-op when it is already done), then finalize the run if it was the last."""

    # Test hook only (the worker-kill test widens the window in which a chunk is in flight); read per call.
    delay = float(current_app.config.get("PAYROLL_CHUNK_DELAY") or os.environ.get("BACKOFFICE_PAYROLL_CHUNK_DELAY")
                  or 0)
    try:
        did = calc_chunk(run_id, index, pause=delay)     # rolled back on any error
    except RETRYABLE:
        raise
    except Exception as exc:
        record_failure(run_id, f"chunk {index}: {type(exc).__name__}: {exc}")
        raise
    finalize_run(run_id)
    return did


@shared_task(name="payroll.approve_chunk", bind=True, autoretry_for=RETRYABLE, retry_backoff=1,
             retry_backoff_max=10, max_retries=20)
def approve_chunk(self, run_id: int, index: int) -> bool:
    """One chunk's share of an approved run's approval (a no-op when it is done already); after the last one, the
    run's paystubs are sent to render."""
    try:
        did = approve_run_chunk(run_id, index)     # rolled back on any error
    except RETRYABLE:
        raise
    except Exception as exc:
        record_failure(run_id, f"approving chunk {index}: {type(exc).__name__}: {exc}")
        raise
    with transaction():
        left = pending_approval_chunks(run_id)
    if did and not left:
        approval_done(run_id)
    return did


@shared_task(name="payroll.render_run_paystubs")
def render_run_paystubs(run_id: int, batch: int = 200) -> int:
    """Fan a run's paystubs out in batches, so every Celery worker process renders a share."""

    ids = list(db.session.execute(sa.select(Paycheck.id).where(Paycheck.run_id == run_id).order_by(Paycheck.id))
               .scalars())
    for i in range(0, len(ids), batch):
        render_paystub_batch.delay(run_id, ids[i:i + batch])
    return len(ids)


@shared_task(name="payroll.render_paystub_batch")
def render_paystub_batch(run_id: int, paycheck_ids: list[int]) -> int:
    """Render (and cache) some paystubs of a run; already cached ones are skipped. Safe to run twice."""
    return render_paychecks(paycheck_ids)


@shared_task(name="payroll.notify_paid_runs")
def notify_paid_runs() -> list[int]:
    """The paid runs of the last week whose paycheck notices are missing, notified (a repair; safe to run twice)."""
    return runs_notify_paid_runs()
