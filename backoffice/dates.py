"""Dates from input and data files: the one ISO date parser (YYYY-MM-DD), with a range check."""
from __future__ import annotations

import re
from datetime import date, datetime

from backoffice.errors import Issue, ValidationFailed

# A payroll, tax or birth date outside these years is a typo (0202-01-01, 2206-01-01), not a date to act on.
EARLIEST = date(1900, 1, 1)
LATEST = date(2199, 12, 31)
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_date(value: object) -> date:
    """A date from a `date` or a 'YYYY-MM-DD' string (spaces around it ignored) between EARLIEST and LATEST.

    Raises ValueError saying what is wrong; callers turn it into their own Issue or problem naming the field."""
    if isinstance(value, date) and not isinstance(value, datetime):
        day = value
    elif isinstance(value, str) and _ISO_DATE.fullmatch(value.strip()):
        try:
            day = date.fromisoformat(value.strip())
        except ValueError:                      # 2026-02-30: the right shape, not a day of the calendar
            raise ValueError(f"{value!r} is not a date (YYYY-MM-DD)") from None
    else:
        raise ValueError(f"{value!r} is not a date (YYYY-MM-DD)")
    if not EARLIEST <= day <= LATEST:
        raise ValueError(f"{day.isoformat()} is not between {EARLIEST.year} and {LATEST.year}")
    return day


# the months in words, as strftime's %B writes them in the C locale (which the house runs in): looked up, not
# formatted, because a run's leave accrual writes one long date per worker (strftime took 4 of 5 parts of the cost)
_MONTHS = ("", "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")


def long_date(day: date) -> str:
    """A date as people write it in a sentence: March 2, 2026 (no leading zero, the month in words)."""
    return f"{_MONTHS[day.month]} {day.day}, {day.year}"


def optional_date(raw: str | None, field: str) -> date | None:
    """A form or query field holding an optional date: None when empty, else the date, or a ValidationFailed
    naming the field and the reason."""
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        return parse_date(raw)
    except ValueError as exc:
        raise ValidationFailed([Issue(field, str(exc))]) from None
