"""The clock: today's date and the current UTC time, held by the app so that tests and demos can fix them."""
from __future__ import annotations

from contextlib import contextmanager
from datetime import date, datetime, time, timedelta, timezone
from typing import Iterator

from flask import current_app

from backoffice.dates import parse_date


class Clock:
    """The system clock. Entry points read it and pass `today`/`now` to services; engines never see it."""

    def now(self) -> datetime:
        """The current time, timezone-aware UTC."""
        return datetime.now(timezone.utc)

    def today(self) -> date:
        """Today's date: the UTC date of now(), so that a day and a time read from one clock always agree."""
        return self.now().date()


class FixedClock(Clock):
    """A clock that stands still (tests, demos, replaying a past day) until it is set or advanced."""

    def __init__(self, at: date | datetime):
        self.set(at)

    def set(self, at: date | datetime) -> None:
        """Stop the clock at a moment; a date alone means noon UTC of that day."""
        if isinstance(at, datetime):
            if at.tzinfo is None:
                raise ValueError(f"a fixed clock needs a timezone-aware time, got {at!r}")
            self._now = at.astimezone(timezone.utc)
        else:
            self._now = datetime.combine(at, time(12), tzinfo=timezone.utc)

    def advance(self, **delta: int) -> None:
        """Move the clock on by a timedelta's keywords (days=1, hours=3)."""
        self._now += timedelta(**delta)

    def now(self) -> datetime:
        return self._now


SYSTEM_CLOCK = Clock()


def from_setting(value: Clock | str | None) -> Clock:
    """The CLOCK setting: unset for the system clock, a Clock, or an ISO date or time that fixes the clock."""
    if value is None or value == "":
        return SYSTEM_CLOCK
    if isinstance(value, Clock):
        return value
    text = str(value).strip()
    if "T" not in text:
        return FixedClock(parse_date(text))
    at = datetime.fromisoformat(text)
    return FixedClock(at if at.tzinfo else at.replace(tzinfo=timezone.utc))


def init_app(app) -> None:
    app.extensions["clock"] = from_setting(app.config.get("CLOCK"))


def clock() -> Clock:
    """The app's clock, for entry points (admin and portal views, API handlers, CLI commands, tasks, demo)."""
    return current_app.extensions["clock"]


@contextmanager
def clock_at(at: date | datetime) -> Iterator[FixedClock]:
    """The app's clock stopped at `at` (a date means noon UTC) for one step of demo data or a replay; the previous
    clock afterwards."""
    before = current_app.extensions.get("clock")
    current_app.extensions["clock"] = fixed = FixedClock(at)
    try:
        yield fixed
    finally:
        current_app.extensions["clock"] = before
