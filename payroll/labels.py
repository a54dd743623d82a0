"""Names people read for payroll records: a run by its schedule and period ("Biweekly run Nov 2–15, 2026")."""
from __future__ import annotations

from datetime import date

_FREQUENCY_WORDS = {"weekly": "Weekly", "biweekly": "Biweekly", "semimonthly": "Semimonthly", "monthly": "Monthly"}


def day_label(d: date) -> str:
    """'Nov 13, 2026'."""
    return f"{d:%b} {d.day}, {d.year}"


def period_label(start: date, end: date) -> str:
    """'Nov 2–15, 2026', 'Nov 23 – Dec 6, 2026', 'Dec 28, 2026 – Jan 10, 2027'."""
    if start.year != end.year:
        return f"{day_label(start)} – {day_label(end)}"
    if start.month != end.month:
        return f"{start:%b} {start.day} – {end:%b} {end.day}, {end.year}"
    if start == end:
        return day_label(start)
    return f"{start:%b} {start.day}–{end.day}, {end.year}"


def run_label(run) -> str:
    """A run as finance names it: 'Biweekly run Nov 2–15, 2026'; off-cycle runs by kind and pay date
    ('Bonus run paid Nov 20, 2026'); a reversal names itself so."""
    if run is None:
        return ""
    if run.kind == "regular":
        return f"{_FREQUENCY_WORDS.get(run.frequency, str(run.frequency).capitalize())} run {period_label(run.period_start, run.period_end)}"
    return f"{str(run.kind).capitalize()} run paid {day_label(run.pay_date)}"


__all__ = ["day_label", "period_label", "run_label"]
