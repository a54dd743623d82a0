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


RUN_DUE_TASK = "reports.run_due_schedules"


@shared_task(name=RUN_DUE_TASK)
def run_due_schedules() -> list[int]:
    """Hourly (Celery beat): send each scheduled report whose slot has come (reports.schedule_services.run_due);
    a slot already claimed is skipped, so a beat that fires twice sends once. Returns the runs made."""
    from reports import schedule_services

    return schedule_services.run_due()


def schedule(app) -> None:
    """The beat entry: due scheduled reports checked every hour at minute 5 (slots fall on the hour, UTC)."""
    from celery.schedules import crontab

    celery = app.extensions.get("celery")
    if celery is None:
        return
    entries = dict(celery.conf.beat_schedule or {})
    entries["reports-scheduled-hourly"] = {"task": RUN_DUE_TASK, "schedule": crontab(minute=5)}
    celery.conf.beat_schedule = entries
