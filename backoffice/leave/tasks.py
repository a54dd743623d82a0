"""Paid-leave tasks: the policy years' anniversary (carryover and forfeiture). Thin, safe to run twice."""
from __future__ import annotations

from celery import shared_task

from backoffice.clock import clock
from backoffice.leave import accrual_services

ROLL_YEARS = "leave.roll_years"


@shared_task(name=ROLL_YEARS)
def roll_years() -> int:
    return accrual_services.roll_years(clock().today())
