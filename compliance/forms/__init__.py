"""One module per form family: its FormSpec (registered at import), `gather` (queries) and export functions; see
compliance/forms_index.py."""
from __future__ import annotations

from datetime import date

from compliance.engine.calendar import FORM_RULES
from compliance.registry import Period
from payroll.calendar import banking_day_on_or_after


def due_by_rule(form: str):
    """A spec's `due`: the calendar's rule for `form` (compliance/engine/calendar.py, with its source), moved past
    weekends and legal holidays to the next business day (IRC §7503) — one rule for the filing and the calendar."""
    rule = FORM_RULES[form]

    def due(year: int, period: Period) -> date:
        return banking_day_on_or_after(rule.nominal(year, period.quarter))
    return due
