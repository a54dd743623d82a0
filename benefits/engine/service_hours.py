"""Hours of service by calendar month from pay periods (Treas. Reg. §54.4980H-1(a)(24): every hour paid, worked or
for leave, counts). Pure. A pay period that spans two months is split by days: each month gets the period's hours ×
its days in the period ÷ the period's days, to the hundredth, and the last month the rest (so the parts add up to
the period's hours exactly)."""
from __future__ import annotations

import calendar
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Iterable

HUNDREDTH = Decimal("0.01")


def month_key(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def month_bounds(key: str) -> tuple[date, date]:
    y, m = int(key[:4]), int(key[5:])
    return date(y, m, 1), date(y, m, calendar.monthrange(y, m)[1])


def months_between(first: str, last: str) -> list[str]:
    """The months "YYYY-MM" from `first` to `last`, both included."""
    y, m = int(first[:4]), int(first[5:])
    out = []
    while f"{y:04d}-{m:02d}" <= last:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def split_by_month(start: date, end: date, hours: Decimal) -> dict[str, Decimal]:
    """The period's hours spread over its months by days (a period of one month: all of them there)."""
    total_days = (end - start).days + 1
    parts: list[tuple[str, int]] = []
    day = start
    while day <= end:
        last = min(end, month_bounds(month_key(day))[1])
        parts.append((month_key(day), (last - day).days + 1))
        day = last + timedelta(days=1)
    out: dict[str, Decimal] = {}
    given = Decimal(0)
    for i, (key, days) in enumerate(parts):
        if i == len(parts) - 1:
            share = hours - given
        else:
            share = (hours * days / total_days).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)
        out[key] = out.get(key, Decimal(0)) + share
        given += share
    return out


def monthly_totals(periods: Iterable[tuple[date, date, Decimal]], first: str, last: str) -> dict[str, Decimal]:
    """Sum each (period start, period end, hours) into months, keeping only `first`..`last`; every month of the
    range is present (0 when nothing was paid)."""
    out = {k: Decimal(0) for k in months_between(first, last)}
    for start, end, hours in periods:
        for key, h in split_by_month(start, end, hours).items():
            if key in out:
                out[key] += h
    return out
