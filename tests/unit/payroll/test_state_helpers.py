"""Shared builders for the state-tax tests (no assertions here)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from payroll.engine.states import StateContext, compute_state_taxes


def ctx(state: str = "CA", *, year: int = 2026, periods: int = 26, gross: str = "3000.00", supplemental: str = "0",
        pretax: dict | None = None, ytd: str = "0", certificate: dict | None = None, residence: str | None = None,
        federal: str = "single", pay_date: date | None = None, supplemental_other: str = "0") -> StateContext:
    return StateContext(
        pay_date=pay_date or date(year, 3, 6), periods_per_year=periods, work_state=state, residence_state=residence or state,
        gross=Decimal(gross), supplemental=Decimal(supplemental),
        pretax={k: Decimal(v) for k, v in (pretax or {}).items()}, ytd_gross=Decimal(ytd),
        certificate=certificate or {}, federal_filing_status=federal, supplemental_other=Decimal(supplemental_other))


def lines(context: StateContext) -> dict[tuple[str, str], Decimal]:
    """(code, state) -> amount for every returned line."""
    out = {}
    for line in compute_state_taxes(context):
        assert (line.code, line.state) not in out
        out[(line.code, line.state)] = line.amount
    return out


def income_tax(context: StateContext, state: str | None = None) -> Decimal:
    return lines(context)[("state_income_tax", state or context.work_state)]


def explanation(context: StateContext, code: str = "state_income_tax", state: str | None = None) -> str:
    for line in compute_state_taxes(context):
        if line.code == code and line.state == (state or context.work_state):
            return "\n".join(line.explanation)
    raise AssertionError(f"no {code} line for {state or context.work_state}")
