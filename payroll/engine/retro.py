"""Retro pay: the difference a back-dated rate change makes on earnings already paid, per paycheck, explained."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from backoffice.money import ZERO, D, fmt_usd, round_cents

from .earnings import DOUBLE_TIME_MULTIPLIER, OVERTIME_MULTIPLIER

# The hourly earning lines a rate change re-prices, with the multiple of the base rate each one pays
# (FLSA section 7(a)(1) and Cal. Labor Code 510(a): overtime 1.5×, double time 2×).
HOURLY_CODES = {"regular": D(1), "overtime": OVERTIME_MULTIPLIER, "double_time": DOUBLE_TIME_MULTIPLIER,
                # runs pay straight time for every hour plus premium lines (payroll/engine/workweek.py): the
                # overtime premium is half the rate an hour, the double-time premium one more rate an hour
                "overtime_premium": OVERTIME_MULTIPLIER - 1, "double_time_premium": DOUBLE_TIME_MULTIPLIER - 1}
SALARY_CODE = "salary"
RATE_PLACES = Decimal("0.0001")


@dataclass(frozen=True)
class PaidEarning:
    """One earning line of a paycheck already written (regular, overtime, double time or salary)."""
    paycheck_id: int
    pay_date: date
    period_start: date
    period_end: date
    code: str
    hours: Decimal | None
    rate: Decimal | None
    amount: Decimal


@dataclass(frozen=True)
class RetroLine:
    code: str
    hours: Decimal | None
    paid_rate: Decimal | None
    difference: Decimal
    explanation: str


@dataclass(frozen=True)
class RetroPaycheck:
    paycheck_id: int
    pay_date: date
    period_start: date
    period_end: date
    included: bool              # False: the period starts before the effective date (see `reason`)
    reason: str
    lines: tuple[RetroLine, ...]
    difference: Decimal


@dataclass(frozen=True)
class RetroResult:
    old_rate: Decimal
    new_rate: Decimal
    effective_date: date
    paychecks: tuple[RetroPaycheck, ...]
    total: Decimal
    explanation: tuple[str, ...]


def _num(value: Decimal) -> str:
    """80.0000 -> 80.00, 21.5000 -> 21.50, 0.1250 -> 0.125: at least two places, no trailing zeros beyond."""
    cents = value.quantize(Decimal("0.01"))
    return f"{cents}" if cents == value else f"{value.normalize()}"


def _line(e: PaidEarning, old: Decimal, new: Decimal) -> RetroLine:
    if e.code == SALARY_CODE:
        # salary re-priced in proportion: paid × (new ÷ old − 1)
        diff = round_cents(e.amount * (new - old) / old) if old else ZERO
        return RetroLine(e.code, e.hours, e.rate, diff,
                         f"salary {fmt_usd(e.amount)} × ({_num(new)} ÷ {_num(old)} − 1) = {fmt_usd(diff)}")
    mult = HOURLY_CODES[e.code]
    hours = e.hours or ZERO
    name = e.code.replace("_", " ")
    if e.rate is not None and e.rate.quantize(RATE_PLACES) == (new * mult).quantize(RATE_PLACES) and new != old:
        return RetroLine(e.code, hours, e.rate, ZERO,
                         f"{_num(hours)} h {name} already paid at the new rate ({_num(e.rate)}): no difference")
    diff = round_cents(hours * mult * (new - old))
    times = "" if mult == 1 else f" × {mult}"
    return RetroLine(e.code, hours, e.rate, diff,
                     f"{_num(hours)} h {name}{times} × ({_num(new)} − {_num(old)}) = {fmt_usd(diff)}")


def retro_differences(paid: list[PaidEarning] | tuple[PaidEarning, ...], old_rate, new_rate,
                      effective_date: date) -> RetroResult:
    """The difference per paycheck of paying `paid` at `new_rate` instead of `old_rate` from `effective_date`.

    Per line: hours × multiple × (new − old), rounded half-up to the cent (one rounding per line); a paycheck's
    difference is the sum of its lines, the total the sum of the included paychecks. A paycheck whose period
    starts before the effective date is listed but not included: its lines do not say on which days the hours
    were worked, so the part after the date is for HR to add by hand (a correction adjustment)."""
    old, new = D(old_rate), D(new_rate)
    by_check: dict[int, list[PaidEarning]] = {}
    for e in paid:
        if e.code in HOURLY_CODES or e.code == SALARY_CODE:
            by_check.setdefault(e.paycheck_id, []).append(e)
    out = []
    for pid in sorted(by_check, key=lambda i: (by_check[i][0].period_start, i)):
        first = by_check[pid][0]
        lines = tuple(_line(e, old, new) for e in by_check[pid])
        if first.period_start < effective_date:
            out.append(RetroPaycheck(pid, first.pay_date, first.period_start, first.period_end, False,
                                     f"period {first.period_start}–{first.period_end} starts before "
                                     f"{effective_date}: the days are not known from the paycheck; "
                                     "add the part after the date by hand", lines, ZERO))
            continue
        diff = sum((ln.difference for ln in lines), ZERO)
        out.append(RetroPaycheck(pid, first.pay_date, first.period_start, first.period_end, True, "", lines, diff))
    total = sum((p.difference for p in out if p.included), ZERO)
    included = [p for p in out if p.included]
    words = [f"Rate {_num(old)} → {_num(new)} from {effective_date}: {len(included)} paycheck(s) paid since then"]
    words += [f"paycheck #{p.paycheck_id} ({p.period_start}–{p.period_end}): "
              + "; ".join(ln.explanation for ln in p.lines) for p in included]
    words.append(f"Retro difference {fmt_usd(total)}")
    return RetroResult(old, new, effective_date, tuple(out), total, tuple(words))
