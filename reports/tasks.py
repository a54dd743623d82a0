"""Report Celery tasks: build a large finance export (XLSX) into a file, recording progress as it goes."""
from __future__ import annotations

from celery import shared_task
from flask import current_app

from backoffice.extensions import db


@shared_task(name="reports.build_export")
def build_export(job_id: str) -> str:
    """Write the export job's file (see reports.exports.run_job); safe to run twice. Returns the job state."""
    from reports import exports

    try:
        job = exports.run_job(exports.jobs_dir(current_app), job_id)
    finally:
        db.session.rollback()           # read-only work: end the transaction the queries opened
    return job["state"]
