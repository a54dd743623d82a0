"""Compliance Celery tasks: thin, take ids, safe to run twice, sent after commit."""
from __future__ import annotations

from celery import shared_task

DIGEST_TASK = "compliance.calendar_digest"


@shared_task(name=DIGEST_TASK)
def calendar_digest() -> int | None:
    """Daily (Celery beat): e-mail the compliance users what is late and what falls due in the next 14 days; once a
    day however often it is delivered (returns the digest's id, None when today's was already sent)."""
    from compliance import calendar_services
    row = calendar_services.send_digest()
    return row.id if row is not None else None


def schedule(app) -> None:
    """The beat entry: the digest every day at 07:00 (the beat's time zone)."""
    from celery.schedules import crontab

    celery = app.extensions.get("celery")
    if celery is None:
        return
    entries = dict(celery.conf.beat_schedule or {})
    entries["compliance-calendar-digest-daily"] = {"task": DIGEST_TASK, "schedule": crontab(hour=7, minute=0)}
    celery.conf.beat_schedule = entries


@shared_task(name="compliance.deliver_copies")
def deliver_copies(filing_id: int) -> dict:
    """After a yearly form is made final: e-mail its copies to the workers who consented, paper for the others;
    delivered copies are skipped, so safe to run twice."""
    from compliance import copy_services
    return copy_services.deliver_copies(filing_id)
