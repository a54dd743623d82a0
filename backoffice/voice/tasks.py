"""Worker voice tasks: build a data export (with progress), close the polls whose day has passed. Thin, by id,
safe to run twice."""
from __future__ import annotations

from celery import shared_task

from backoffice.clock import clock
from backoffice.voice import breakdown_services, export_services, services

BUILD_EXPORT = "voice.build_export"
CLOSE_POLLS = "voice.close_due_polls"
PUBLISH_TRANSPARENCY = "voice.publish_transparency"


@shared_task(name=BUILD_EXPORT)
def build_export(export_id: int) -> str:
    """Write the worker's ZIP (the paystub PDFs through reports' builder, with its file cache)."""
    from reports.paystubs import paystub_pdf

    return export_services.build_export(export_id, paystub_pdf=paystub_pdf, now=lambda: clock().now())


@shared_task(name=CLOSE_POLLS)
def close_due_polls() -> int:
    return services.close_due_polls(clock().today(), clock().now())


@shared_task(name=PUBLISH_TRANSPARENCY)
def publish_transparency() -> str:
    """On the 2nd of each month: publish last month's margins per hour by kind of work (once)."""
    rec = breakdown_services.publish_last_month(clock().today())
    return rec.month if rec is not None else ""
