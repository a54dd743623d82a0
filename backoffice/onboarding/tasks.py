"""Onboarding tasks: the daily check for documents a working worker still owes. Thin, safe to run twice."""
from __future__ import annotations

from celery import shared_task

from backoffice.clock import clock
from backoffice.onboarding.services.reminders import remind_missing_documents

REMIND_DOCUMENTS = "onboarding.remind_missing_documents"


@shared_task(name=REMIND_DOCUMENTS)
def remind_documents() -> int:
    return remind_missing_documents(clock().today())
