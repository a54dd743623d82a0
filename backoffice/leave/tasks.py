"""Paid-leave tasks: the policy years' anniversary (carryover and forfeiture), then the year's grant of every
front-loading policy. Thin, safe to run twice."""
from __future__ import annotations

from celery import shared_task

from backoffice.clock import clock
from backoffice.leave import accrual_services, front_load_services

ROLL_YEARS = "leave.roll_years"


@shared_task(name=ROLL_YEARS)
def roll_years() -> int:
    today = clock().today()
    n = accrual_services.roll_years(today)
    front_load_services.grant_front_loads(today)
    return n
