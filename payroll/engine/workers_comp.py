"""Workers' compensation premium of one paycheck's earnings at one engagement: wages subject to premium (gross wages,
less the overtime premium where the state's rule excludes it) × rate per $100, or hours worked × rate per hour
(Washington), rounded once to the cent. The state rules are data (payroll/engine/data/workers_comp_rules.json);
the rates are the agency's policy rates, passed in. Pure: no db, no clock."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Mapping, Sequence

from backoffice.money import D, ZERO, round_cents

DATA_FILE = Path(__file__).with_name("data") / "workers_comp_rules.json"

HUNDRED = D(100)
HALF = D("0.5")
THIRD = D(1) / D(3)
# Earnings that pay only the extra for overtime (the straight time is on the regular lines): all of it is overtime
# premium. `overtime` and `double_time` pay the whole hour at 1.5× / 2×: the part above straight time is premium.
PREMIUM_ONLY_CODES = frozenset({"overtime_premium", "double_time_premium"})
NOT_REMUNERATION = frozenset({"reimbursement"})     # an accountable-plan reimbursement is not payroll (Rule 2-B-2)
HOURS_WORKED_CODES = frozenset({"regular", "overtime", "double_time"})   # each hour worked once
NO_HOURS_WAGE_CODES = frozenset({"salary", "piece"})   # wages for time whose hours the line does not carry


@dataclass(frozen=True, slots=True)
class StateRule:
    """How one state measures the premium (data file, with its source)."""

    state: str
    basis: str                          # payroll | hours
    overtime_premium_excluded: bool
    monopolistic: bool
    source: str


@dataclass(frozen=True, slots=True)
class WcRate:
    """One rate row of the agency's class table (workers_comp_classes)."""

    class_id: int | None
    state: str
    class_code: str
    basis: str
    rate_per_100: Decimal | None
    rate_per_hour: Decimal | None
    effective_from: date
    effective_to: date | None

    def covers(self, day: date) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day <= self.effective_to)


@dataclass(frozen=True, slots=True)
class WcEarning:
    """One earning line as the paycheck engine paid it: its code, amount, hours and (overtime) the regular rate."""

    code: str
    amount: Decimal
    hours: Decimal | None = None
    regular_rate: Decimal | None = None


@dataclass(frozen=True, slots=True)
class WcPremium:
    """The premium of one paycheck at one engagement, with the figures a carrier's auditor checks."""

    state: str
    class_code: str
    class_id: int | None
    gross_wages: Decimal            # remuneration: every earning but reimbursements
    overtime_excluded: Decimal      # the overtime premium left out (0 where the state includes it)
    wages: Decimal                  # subject to premium: gross_wages - overtime_excluded
    hours: Decimal | None           # hours basis only
    rate_per_100: Decimal | None
    rate_per_hour: Decimal | None
    premium: Decimal
    explanation: tuple[str, ...]


class NotPriced(Exception):
    """The premium cannot be computed right from what the paycheck holds: no figure rather than a wrong one."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


# ------------------------------------------------------------------------------------------------ data
@lru_cache(maxsize=1)
def _rules() -> tuple[StateRule, Mapping[str, StateRule]]:
    data = json.loads(DATA_FILE.read_text())

    def rule(state: str, d: dict) -> StateRule:
        if d["basis"] not in ("payroll", "hours"):
            raise ValueError(f"{DATA_FILE.name}: {state}: basis must be payroll or hours")
        return StateRule(state, d["basis"], bool(d["overtime_premium_excluded"]), bool(d.get("monopolistic")),
                         d["source"])
    default = rule("", data["default"])
    return default, {st: rule(st, d) for st, d in data["states"].items()}


def state_rule(state: str) -> StateRule:
    """The state's premium rule (the NCCI default for a state the data does not list)."""
    default, states = _rules()
    found = states.get(state)
    if found is not None:
        return found
    return StateRule(state, default.basis, default.overtime_premium_excluded, default.monopolistic, default.source)


def monopolistic_states() -> list[str]:
    return sorted(st for st, r in _rules()[1].items() if r.monopolistic)


def rate_on(rates: Iterable[WcRate], state: str, class_code: str, day: date) -> WcRate | None:
    """The rate of the class in the state in force on the day (the latest start when ranges were entered
    overlapping; the service refuses overlaps)."""
    best = None
    for r in rates:
        if r.state == state and r.class_code == class_code and r.covers(day):
            if best is None or r.effective_from > best.effective_from:
                best = r
    return best


# ------------------------------------------------------------------------------------------------ premium
def overtime_premium_of(e: WcEarning) -> Decimal:
    """The part of one earning that is overtime premium (the extra above straight time), to the cent.

    overtime_premium / double_time_premium lines: all of it (the straight time is paid on the regular lines).
    overtime at 1.5×: hours × regular rate × ½ when the regular rate is known, else ⅓ of the pay; double_time at 2×:
    hours × regular rate, else ½ of the pay (NCCI Rule 2-B overtime exclusion). Never more than the line."""
    if e.code in PREMIUM_ONLY_CODES:
        return round_cents(e.amount)
    if e.code == "overtime":
        extra = e.hours * e.regular_rate * HALF if e.hours is not None and e.regular_rate is not None \
            else e.amount * THIRD
    elif e.code == "double_time":
        extra = e.hours * e.regular_rate if e.hours is not None and e.regular_rate is not None \
            else e.amount * HALF
    else:
        return ZERO
    return min(round_cents(extra), round_cents(e.amount))


def premium(earnings: Sequence[WcEarning], rule: StateRule, rate: WcRate) -> WcPremium:
    """The premium of one paycheck's earnings at one engagement under the state rule and the class rate in force.

    Payroll basis: wages = remuneration − overtime premium (where excluded); premium = wages × rate ÷ 100, rounded
    once, half up. Hours basis (WA): premium = hours worked × rate per hour, rounded once; refused (NotPriced) when
    wages for time carry no hours (salary, piece), rather than a wrong figure."""
    if rate.basis != rule.basis:
        raise NotPriced("wc_basis_mismatch", f"{rule.state} measures premium per {_basis_words(rule.basis)} but "
                        f"the rate of class {rate.class_code} is per {_basis_words(rate.basis)}")
    gross = sum((round_cents(e.amount) for e in earnings if e.code not in NOT_REMUNERATION), ZERO)
    excluded = sum((overtime_premium_of(e) for e in earnings), ZERO) if rule.overtime_premium_excluded else ZERO
    wages = gross - excluded
    head = f"{rule.state} class {rate.class_code}: remuneration {gross:,.2f}"
    if rule.basis == "hours":
        untimed = sorted({e.code for e in earnings if e.code in NO_HOURS_WAGE_CODES and e.amount})
        if untimed:
            raise NotPriced("wc_hours_unknown", f"{rule.state} premium is per hour worked and {', '.join(untimed)} "
                            "pay carries no hours worked: not computed (the agency reports those hours itself)")
        hours = sum((e.hours for e in earnings if e.code in HOURS_WORKED_CODES and e.hours is not None), ZERO)
        amount = round_cents(hours * rate.rate_per_hour)
        return WcPremium(rule.state, rate.class_code, rate.class_id, gross, excluded, wages, hours, None,
                         rate.rate_per_hour, amount, (
                             head,
                             f"Premium per hour worked ({rule.state}): {hours} h × {rate.rate_per_hour} = {amount}, "
                             "rounded once to the cent, half up"))
    amount = round_cents(wages * rate.rate_per_100 / HUNDRED)
    steps = [head]
    if excluded:
        steps.append(f"less the overtime premium {excluded:,.2f}, the extra pay above straight time, which "
                     f"{rule.state} leaves out of payroll")
    elif not rule.overtime_premium_excluded:
        steps.append(f"the overtime premium stays in payroll in {rule.state}")
    steps.append(f"Premium = {wages:,.2f} × {rate.rate_per_100} ÷ 100 = {amount}, rounded once to the cent, half up")
    return WcPremium(rule.state, rate.class_code, rate.class_id, gross, excluded, wages, None, rate.rate_per_100,
                     None, amount, tuple(steps))


def _basis_words(basis: str) -> str:
    return "hour worked" if basis == "hours" else "$100 of payroll"


def earning_from_json(e: Mapping, amount: Decimal) -> WcEarning:
    """A WcEarning from an engine earning (the stored JSON form) and the amount the engine paid for it."""
    hours = e.get("hours")
    rr = e.get("regular_rate")
    return WcEarning(e["code"], amount, D(hours) if hours not in (None, "") else None,
                     D(rr) if rr not in (None, "") else None)
