"""Benefits Celery tasks: thin, take ids, safe to run twice, sent after commit."""
from __future__ import annotations

from datetime import timedelta

from celery import shared_task

from backoffice.clock import clock
from backoffice.errors import DomainError
from benefits import cobra_services, retirement_services, services


@shared_task(name="benefits.close_enrollment")
def close_enrollment(window_id: int) -> dict | None:
    """Close open enrollment (carry elections over, 401(k) defaults): one transaction; a second run finds the
    window closed and does nothing."""
    try:
        return services.close_enrollment(window_id)
    except DomainError:
        return None


@shared_task(name="benefits.escalate_deferrals")
def escalate_deferrals() -> int:
    """Daily (Celery beat): today's 401(k) escalations; a second run the same day raises no one again."""
    return retirement_services.escalate_deferrals(clock().today())


@shared_task(name="benefits.build_aca_months")
def build_aca_months(year: int | None = None, month: int | None = None) -> int:
    """Monthly (Celery beat, the 1st): the month just ended (or the one named); upserts, so safe to run twice; the
    e-mails go after the commit, each once."""
    from benefits import aca_services

    if year is None or month is None:
        first = clock().today().replace(day=1)
        last_month = first - timedelta(days=1)
        year, month = last_month.year, last_month.month
    n = aca_services.build_aca_months(year, month)
    aca_services.notify_windows()
    return n


@shared_task(name="benefits.cobra_daily")
def cobra_daily() -> dict:
    """Daily (Celery beat): COBRA events to cases, terminations swept, premiums billed, cases expired or ended for
    non-payment (after the grace period) or at the maximum. A second run the same day bills and ends nothing more."""
    return cobra_services.run_daily(clock().today())
