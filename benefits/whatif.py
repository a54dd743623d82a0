"""The 401(k) what-if: take-home pay per paycheck at several deferral percents, quoted by the payroll engine.

It replays the engine input stored on the worker's last paycheck (same gross, W-4, states, other deductions and
year to date) with the 401(k) deferral changed, so the only difference between two rows is the election."""
from __future__ import annotations

import copy
from dataclasses import dataclass
from decimal import Decimal

from backoffice.errors import DomainError
from backoffice.money import D
from payroll.engine.quote import quote

PERCENTS = (0, 3, 6, 10, 15)
DEFERRAL_CODES = ("401k", "roth_401k")


@dataclass(frozen=True)
class TakeHome:
    """One row of the what-if: the percent, what goes into the 401(k), the taxes and what is left."""

    percent: Decimal
    roth: bool
    gross: Decimal
    deferral: Decimal
    federal_income_tax: Decimal
    taxes: Decimal
    net: Decimal
    change: Decimal          # net minus the net at 0%


def _with_deferral(engine_input: dict, percent: Decimal, roth: bool) -> dict:
    """The stored input with its 401(k) elections replaced by one at `percent` (percent units: 6 = 6%)."""
    obj = copy.deepcopy(engine_input)
    pre = [d for d in obj.get("pretax_deductions") or [] if d.get("code") not in DEFERRAL_CODES]
    post = [d for d in obj.get("posttax_deductions") or [] if d.get("code") not in DEFERRAL_CODES]
    if percent > 0:
        line = {"code": "roth_401k" if roth else "401k", "percent": str(percent / 100)}
        (post if roth else pre).append(line)
    for key, rows in (("pretax_deductions", pre), ("posttax_deductions", post)):
        if rows:
            obj[key] = rows
        else:
            obj.pop(key, None)
    # the employer's match does not change take-home pay; leave it out so the quote reads only the worker's side
    obj.pop("employer_contributions", None)
    return obj


def take_home_table(engine_input: dict, percents=PERCENTS, *, roth: bool = False) -> list[TakeHome]:
    """Take-home pay of the paycheck described by `engine_input` (the quote's JSON, as stored on a paycheck)
    at each deferral percent. Raises DomainError when the engine cannot quote it (e.g. a contractor's paycheck)."""
    if engine_input.get("worker_type") != "employee":
        raise DomainError("A 401(k) what-if needs a paycheck as an employee.", code="no_employee_paycheck")
    rows: list[TakeHome] = []
    base_net: Decimal | None = None
    for p in percents:
        pct = D(p)
        result = quote(_with_deferral(engine_input, pct, roth))
        deferral = sum((D(d["amount"]) for d in result["deductions"] if d["code"] in DEFERRAL_CODES), D(0))
        taxes = sum((D(t["amount"]) for t in result["employee_taxes"]), D(0))
        fit = sum((D(t["amount"]) for t in result["employee_taxes"] if t["code"] == "federal_income_tax"), D(0))
        net = D(result["net"])
        if base_net is None:
            base_net = net
        rows.append(TakeHome(pct, roth, D(result["gross"]), deferral, fit, taxes, net, net - base_net))
    return rows
