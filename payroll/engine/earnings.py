"""Earnings: line amounts, FLSA weekly overtime, California daily overtime, the qualified overtime premium."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Final, Sequence

from backoffice.errors import DomainError
from backoffice.money import D, ZERO

from .hotpath import cents, make_line
from .model import (HOURLY_CODES, NON_BONUS_SUPPLEMENTAL_CODES, NONTAXABLE_CODES, PREMIUM_CODES, SUPPLEMENTAL_CODES,
                    Earning, Line, Num)

_Z: Final = D(0)
_FORTY: Final = D(40)
_EIGHT: Final = D(8)
_TWELVE: Final = D(12)
_HALF: Final = D("0.5")
_THREE: Final = D(3)


class EarningsTotals:
    """Earnings of one period sorted by tax character.

    A record internal to the engine (only `calculate_paycheck` reads it): a plain class with `Final` fields, so the
    compiled build makes it a native class, built and read in C, and read-only (docs/compiled-engine.md, "Records")."""

    def __init__(self, lines: tuple[Line, ...], regular: Decimal, supplemental: Decimal, reimbursement: Decimal,
                 qualified_overtime_premium: Decimal, supplemental_other: Decimal) -> None:
        self.lines: Final = lines
        self.regular: Final = regular                    # wages paid for time/pieces/salary
        self.supplemental: Final = supplemental          # bonus and commission (Pub 15 section 7)
        self.supplemental_other: Final = supplemental_other   # the part of it that is not a bonus (commission)
        self.reimbursement: Final = reimbursement        # not wages
        self.qualified_overtime_premium: Final = qualified_overtime_premium

    @property
    def gross(self) -> Decimal:
        return self.regular + self.supplemental + self.reimbursement

    @property
    def wages(self) -> Decimal:
        return self.regular + self.supplemental


def earning_line(e: Earning) -> tuple[Line, Decimal]:
    """The paycheck line for one earning and its qualified overtime premium (0 unless overtime)."""
    code = e.code
    premium = _Z
    if code in HOURLY_CODES:
        hours, rate = e.hours, e.rate          # each field read once (a Python record: a dict lookup from C)
        if hours is None or rate is None:
            raise DomainError(f"earning {code} needs hours and rate")
        amount = cents(hours * rate)
        steps: tuple = ((_times_text, hours, "h", rate, "an hour", amount),)
        if code == "overtime":
            regular_rate = e.regular_rate
            if regular_rate is not None:
                premium = cents(hours * regular_rate * _HALF)
                steps += (("Qualified overtime premium (W-2 box 12 TT): {} h × half the regular rate {} = {}",
                           Num(hours), regular_rate, premium),)
            else:
                premium = cents(hours * rate / _THREE)
                steps += (("Qualified overtime premium (W-2 box 12 TT): the 0.5× part of the 1.5× rate, "
                           "{} h × {} ÷ 3 = {}", Num(hours), rate, premium),)
        elif code == "double_time":
            regular_rate = e.regular_rate
            if regular_rate is not None:
                # Only FLSA (over 40 a week) hours qualify, and only for the half-time premium FLSA requires.
                premium = cents(hours * regular_rate * _HALF)
                steps += (("Qualified overtime premium (W-2 box 12 TT), FLSA part only: {} h × half the regular "
                           "rate {} = {}", Num(hours), regular_rate, premium),)
    elif code in PREMIUM_CODES:
        return _premium_line(e)
    elif code == "piece":
        if e.units is None or e.rate is None:
            raise DomainError("earning piece needs units and rate")
        amount = cents(e.units * e.rate)
        steps = ((_times_text, e.units, "units", e.rate, "a unit", amount),)
    else:
        if e.amount is None:
            raise DomainError(f"earning {code} needs an amount")
        amount = cents(e.amount)
        if code in SUPPLEMENTAL_CODES:
            steps = ((code.capitalize() + " {}: supplemental wages (Pub 15 section 7)", amount),)
        elif code in NONTAXABLE_CODES:
            steps = (("Reimbursement {} under an accountable plan: not wages, no tax", amount),)
        else:
            steps = ((code.capitalize() + " {}", amount),)
    return make_line(code, amount, steps), premium


def _premium_line(e: Earning) -> tuple[Line, Decimal]:
    """An overtime or double-time premium from the workweek engine: regular wages; its FLSA part (given, or half the
    regular rate for its hours) is the qualified overtime premium, never more than the line."""
    if e.amount is None:
        raise DomainError(f"earning {e.code} needs an amount")
    amount = cents(e.amount)
    name = "Overtime premium" if e.code == "overtime_premium" else "Double-time premium"
    if e.hours is not None and e.regular_rate is not None:
        steps: tuple = ((name + " {}: {} h at the regular rate {} (straight time paid on the regular lines)",
                         amount, Num(e.hours), e.regular_rate),)
    else:
        steps = ((name + " {}", amount),)
    if e.qualified_premium is not None:
        premium = e.qualified_premium
    elif e.hours is not None and e.regular_rate is not None:
        premium = cents(e.hours * e.regular_rate * _HALF)
    else:
        premium = amount if e.code == "overtime_premium" else _Z
    premium = min(cents(premium), amount)
    if premium:
        steps += (("Qualified overtime premium (W-2 box 12 TT), FLSA part: {}", premium),)
    return make_line(e.code, amount, steps), premium


def _times_text(quantity: Decimal, unit: str, rate: Decimal, per: str, amount: Decimal) -> list:
    return [("{} " + unit + " × {} " + per + " = {}", Num(quantity), rate, amount)]


def sum_earnings(earnings: Sequence[Earning]) -> EarningsTotals:
    lines = []
    regular = supplemental = other = reimbursement = premium = _Z
    for e in earnings:
        line, p = earning_line(e)
        lines.append(line)
        code = e.code
        if code in SUPPLEMENTAL_CODES:
            supplemental += line.amount
            if code in NON_BONUS_SUPPLEMENTAL_CODES:
                other += line.amount
        elif code in NONTAXABLE_CODES:
            reimbursement += line.amount
        else:
            regular += line.amount
        premium += p
    return EarningsTotals(tuple(lines), regular, supplemental, reimbursement, premium, other)


# --- overtime helpers ---------------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class WeeklyOvertime:
    """FLSA section 7 result for one workweek."""

    straight_hours: Decimal
    overtime_hours: Decimal
    regular_rate: Decimal           # total straight-time remuneration ÷ all hours (29 CFR 778.109), unrounded
    straight_pay: Decimal           # hourly pay for all hours at the hourly rate, plus the bonus
    overtime_premium: Decimal       # the extra half-time owed for the overtime hours (qualified premium, box 12 TT)
    total_pay: Decimal
    explanation: tuple[str, ...]


def flsa_weekly_overtime(hours: Decimal, hourly_rate: Decimal, nondiscretionary_bonus: Decimal = ZERO
                         ) -> WeeklyOvertime:
    """FLSA weekly overtime: hours over 40 at 1.5× the regular rate; a nondiscretionary bonus for the week enters
    the regular rate (29 CFR 778.208-.210). The straight time for all hours is already paid, so overtime hours are
    owed the extra half of the regular rate."""
    if hours < 0 or hourly_rate < 0 or nondiscretionary_bonus < 0:
        raise DomainError("hours, rate and bonus must not be negative")
    straight = hours * hourly_rate + nondiscretionary_bonus
    ot_hours = hours - _FORTY if hours > _FORTY else _Z
    regular_rate = straight / hours if hours else hourly_rate
    premium = cents(ot_hours * regular_rate * _HALF)
    straight_pay = cents(straight)
    explanation = (
        f"Hours worked {hours}; FLSA overtime hours (over 40): {ot_hours}",
        f"Regular rate = (hours × rate + nondiscretionary bonus) ÷ hours = "
        f"({hours} × {hourly_rate} + {nondiscretionary_bonus}) ÷ {hours} = {regular_rate:.4f}",
        f"Overtime premium = {ot_hours} h × 0.5 × regular rate = {premium}",
    )
    return WeeklyOvertime(hours - ot_hours, ot_hours, regular_rate, straight_pay, premium,
                          straight_pay + premium, explanation)


@dataclass(frozen=True, slots=True)
class DailyOvertime:
    """California overtime split of one workweek (Labor Code 510)."""

    regular_hours: Decimal
    overtime_hours: Decimal          # at 1.5×
    double_time_hours: Decimal       # at 2×
    by_day: tuple[tuple[Decimal, Decimal, Decimal], ...]   # (regular, overtime, double time) per day


def california_daily_overtime(daily_hours: Sequence[Decimal]) -> DailyOvertime:
    """California Labor Code 510 for one workweek, days in order (up to 7):
    over 8 h in a day at 1.5×, over 12 h at 2×; on the 7th consecutive day of work in the workweek the first 8 h at
    1.5× and over 8 h at 2×; and hours over 40 straight-time hours in the week at 1.5× (weekly overtime counts only
    hours not already paid as daily overtime)."""
    if len(daily_hours) > 7:
        raise DomainError("a workweek has at most 7 days")
    if any(h < 0 or h > 24 for h in daily_hours):
        raise DomainError("daily hours must be between 0 and 24")
    seventh_day = len(daily_hours) == 7 and all(h > 0 for h in daily_hours)
    by_day = []
    straight_so_far = _Z
    for i, h in enumerate(daily_hours):
        if seventh_day and i == 6:
            reg, ot, dt = _Z, min(h, _EIGHT), max(h - _EIGHT, _Z)
        else:
            reg = min(h, _EIGHT)
            ot = min(max(h - _EIGHT, _Z), _TWELVE - _EIGHT)
            dt = max(h - _TWELVE, _Z)
        # Weekly rule: straight-time hours beyond 40 in the week become overtime.
        if straight_so_far + reg > _FORTY:
            moved = straight_so_far + reg - _FORTY
            reg -= moved
            ot += moved
        straight_so_far += reg
        by_day.append((reg, ot, dt))
    return DailyOvertime(sum((d[0] for d in by_day), _Z), sum((d[1] for d in by_day), _Z),
                         sum((d[2] for d in by_day), _Z), tuple(by_day))


OVERTIME_MULTIPLIER: Final = D("1.5")          # FLSA section 7(a)(1); Cal. Labor Code 510(a)
DOUBLE_TIME_MULTIPLIER: Final = D(2)           # Cal. Labor Code 510(a): over 12 hours a day, over 8 on the seventh day


def week_hours(daily: Sequence[Decimal], work_state: str, overtime: bool) -> tuple[Decimal, Decimal, Decimal]:
    """(regular, overtime 1.5×, double time 2×) hours of one workweek: FLSA over 40 a week (29 U.S.C. 207(a)(1));
    California's daily rules (Labor Code 510, california_daily_overtime) when the work state is CA; everything
    regular when overtime does not apply (an exempt employee, a contractor)."""
    total = sum(daily, ZERO)
    if not overtime:
        return total, ZERO, ZERO
    if work_state == "CA":
        ot = california_daily_overtime(daily)
        return ot.regular_hours, ot.overtime_hours, ot.double_time_hours
    return min(total, _FORTY), max(total - _FORTY, ZERO), ZERO
