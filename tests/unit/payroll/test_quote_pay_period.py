"""The quote takes the pay period's first and last day (optional), validated field by field; Utah uses the start."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from backoffice.errors import ValidationFailed
from payroll.engine.quote import quote
from payroll.engine.quote_input import parse_input


def utah(**over):
    obj = {"pay_date": "2026-06-05", "pay_frequency": "weekly", "worker_type": "employee",
           "work_state": "UT", "residence_state": "UT",
           "earnings": [{"code": "regular", "hours": "20", "rate": "25.00"}],
           "w4": {"version": 2020, "filing_status": "single"}}
    obj.update(over)
    return obj


def fields(exc: ValidationFailed) -> set[str]:
    return {i.field for i in exc.issues}


def test_the_period_dates_parse_into_the_engine_input():
    inp, issues = parse_input(utah(period_start="2026-05-25", period_end="2026-05-31"))
    assert issues == []
    assert (inp.period_start, inp.period_end) == (date(2026, 5, 25), date(2026, 5, 31))


def test_a_period_ending_before_it_starts_or_starting_after_the_pay_date_is_refused_by_field():
    with pytest.raises(ValidationFailed) as e:
        quote(utah(period_start="2026-06-08", period_end="2026-06-01"))
    assert fields(e.value) == {"period_start", "period_end"}
    with pytest.raises(ValidationFailed) as e:
        quote(utah(period_start="2025-06-01", period_end="2026-06-02"))
    assert fields(e.value) == {"period_end"}
    with pytest.raises(ValidationFailed) as e:
        quote(utah(period_start="2026-5-25"))
    assert fields(e.value) == {"period_start"}


def _state_tax(result: dict) -> Decimal:
    return next(Decimal(t["amount"]) for t in result["employee_taxes"] if t["code"] == "state_income_tax")


def test_a_june_utah_quote_follows_the_period_start():
    """$500 weekly single, paid 5 June 2026: period begun 25 May -> June 2025 tables $18; begun 1 June -> Rev. 4/26
    $17 (hand figures in tests/unit/payroll/test_state_period_dating.py)."""
    assert _state_tax(quote(utah(period_start="2026-05-25"))) == Decimal("18.00")
    assert _state_tax(quote(utah(period_start="2026-06-01", period_end="2026-06-07"))) == Decimal("17.00")
