"""The FLSA workweek of one worker across all of the agency's clients: regular rate, weekly and state daily
overtime, minimum-wage make-up and a bonus that re-opens several workweeks (pure: no database, no clock; the dated
figures come from payroll/engine/pay_rules.py).

Rules (docs/pay-rules.md states them with their sources):

- Hours add up across engagements and clients: the agency is the employer (29 CFR 791.2 joint employment).
- Straight time for every hour is paid at the entry's own rate (hourly pay, piece pay); the regular rate is the
  week's total straight-time compensation (hourly pay, piece pay, non-discretionary bonuses, minimum-wage make-up)
  ÷ the week's total hours (29 CFR 778.109, 778.111, 778.115), kept unrounded. Each overtime hour is then owed the
  extra half of the regular rate, each double-time hour the extra whole regular rate. Each premium line is rounded
  once to the cent, half up.
- Which hours are overtime: hours are taken in day order (and in the order given within a day). The state daily
  rule of the hours' work state marks a day's hours over its threshold; the remaining straight hours past the 40th
  of the week are weekly overtime. Daily and weekly overtime do not pyramid. An overtime hour belongs to the
  engagement (and so the client) whose entry it falls in, and each engagement gets its own premium line.
- The qualified overtime premium (W-2 box 12 code TT) is the FLSA part only: half the regular rate for the hours
  over 40 in the week.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Final, NamedTuple, Sequence

from backoffice.errors import DomainError
from backoffice.money import D, ZERO

from .hotpath import cents, tuple_new
from .model import Num
from .pay_rules import DailyRule, PayRules, pay_rules

# Final: the compiled build keeps them in C statics (a module global is a dict look-up at each read)
FORTY: Final = D(40)
HALF: Final = D("0.5")
ONE: Final = D(1)
EIGHT: Final = D(8)
DAY_HOURS: Final = D(24)
ONE_DAY: Final = timedelta(days=1)
SIX_DAYS: Final = timedelta(days=6)
RATE_PLACES: Final = Decimal("0.0001")      # how the unrounded regular rate is shown in explanations

REGULAR: Final = "regular"
PIECE: Final = "piece"
BONUS: Final = "bonus"
OVERTIME_PREMIUM: Final = "overtime_premium"
DOUBLE_TIME_PREMIUM: Final = "double_time_premium"
MIN_WAGE_MAKEUP: Final = "min_wage_makeup"


# --- inputs ------------------------------------------------------------------------------------------------------
# Entries, weeks, lines and results are NamedTuples, not frozen dataclasses: as immutable, and a run makes several
# per worker and week for 100,000 workers, where a frozen dataclass's __init__ (one object.__setattr__ per field)
# cost more than the arithmetic. The engine builds its lines and results with hotpath.tuple_new (every field, in
# order): a named tuple's own __new__ is a Python function.

class TimeEntry(NamedTuple):
    """Hours of one engagement on one day at an hourly rate."""

    engagement_id: int
    client_id: int | None
    work_state: str
    day: date
    hours: Decimal
    rate: Decimal
    overtime_exempt: bool = False


class PieceEntry(NamedTuple):
    """Units (tasks, pieces) of one engagement completed on one day at a rate per unit, with the hours worked."""

    engagement_id: int
    client_id: int | None
    work_state: str
    day: date
    units: Decimal
    rate: Decimal
    hours: Decimal
    overtime_exempt: bool = False

    @property
    def pay(self) -> Decimal:
        return self.units * self.rate


class WeekBonus(NamedTuple):
    """A non-discretionary bonus earned in this workweek (29 CFR 778.208-778.211): part of the regular rate."""

    engagement_id: int
    client_id: int | None
    amount: Decimal
    label: str = BONUS


class Workweek(NamedTuple):
    """Everything one worker did for the agency in one workweek (Monday to Sunday), whatever the client."""

    start: date
    time: tuple[TimeEntry, ...] = ()
    pieces: tuple[PieceEntry, ...] = ()
    bonuses: tuple[WeekBonus, ...] = ()


@dataclass(frozen=True, slots=True)
class MultiWeekBonus:
    """A non-discretionary bonus covering several workweeks, paid after them (29 CFR 778.209)."""

    engagement_id: int
    client_id: int | None
    amount: Decimal
    label: str = BONUS


# --- results -----------------------------------------------------------------------------------------------------

class WorkLine(NamedTuple):
    """One earnings line of a workweek, attributed to its engagement and client."""

    code: str
    engagement_id: int
    client_id: int | None
    amount: Decimal
    week_start: date
    hours: Decimal | None = None
    units: Decimal | None = None
    rate: Decimal | None = None
    regular_rate: Decimal | None = None      # the week's regular rate, unrounded
    qualified_premium: Decimal = ZERO        # the FLSA part of an overtime premium (W-2 box 12 TT)
    label: str = ""
    steps: tuple = ()

    def as_earning(self) -> dict:
        """The line in the run's earning-dict form (numbers as strings)."""
        d: dict = {"code": self.code, "amount": str(self.amount), "engagement_id": self.engagement_id,
                   "client_id": self.client_id, "label": self.label or self.code,
                   "week_start": self.week_start.isoformat()}
        if self.hours is not None:
            d["hours"] = str(self.hours)
        if self.units is not None:
            d["units"] = str(self.units)
        if self.rate is not None:
            d["rate"] = str(self.rate)
        if self.regular_rate is not None:
            d["regular_rate"] = str(self.regular_rate.quantize(RATE_PLACES))
        if self.code in (OVERTIME_PREMIUM, DOUBLE_TIME_PREMIUM):
            d["qualified_premium"] = str(self.qualified_premium)
        return d


class WorkweekResult(NamedTuple):
    """The workweek's lines and the figures behind them (kept to re-open the week for a later bonus)."""

    start: date
    lines: tuple[WorkLine, ...]
    hours: Decimal                          # non-exempt hours worked (the regular rate's divisor)
    straight_time: Decimal                  # total straight-time compensation, make-up included, unrounded
    regular_rate: Decimal                   # unrounded
    overtime_hours: Decimal                 # owed the extra half (daily and weekly)
    double_time_hours: Decimal              # owed the extra whole
    flsa_overtime_hours: Decimal            # hours over 40 (the qualified premium's hours)
    minimum_wage_due: Decimal
    min_wage_makeup: Decimal
    qualified_overtime_premium: Decimal
    steps: tuple = ()

    @property
    def total(self) -> Decimal:
        return sum((ln.amount for ln in self.lines), ZERO)


# --- the engine --------------------------------------------------------------------------------------------------

def _line(code: str, engagement_id: int, client_id: int | None, amount: Decimal, week_start: date,
          hours: Decimal | None = None, units: Decimal | None = None, rate: Decimal | None = None,
          regular_rate: Decimal | None = None, qualified_premium: Decimal = ZERO, label: str = "",
          steps: tuple = ()) -> WorkLine:
    """WorkLine(...), built in one C call (hotpath.tuple_new)."""
    return tuple_new(WorkLine, (code, engagement_id, client_id, amount, week_start, hours, units, rate, regular_rate,
                                qualified_premium, label, steps))


def _result(start: date, lines: tuple[WorkLine, ...], hours: Decimal, straight_time: Decimal, regular_rate: Decimal,
            overtime_hours: Decimal, double_time_hours: Decimal, flsa_overtime_hours: Decimal,
            minimum_wage_due: Decimal, min_wage_makeup: Decimal, qualified_overtime_premium: Decimal,
            steps: tuple) -> WorkweekResult:
    """WorkweekResult(...), built in one C call (hotpath.tuple_new)."""
    return tuple_new(WorkweekResult, (start, lines, hours, straight_time, regular_rate, overtime_hours,
                                      double_time_hours, flsa_overtime_hours, minimum_wage_due, min_wage_makeup,
                                      qualified_overtime_premium, steps))


class _Item:
    """One entry (time or piece) while the week is computed. A plain class with its own __init__, not a dataclass:
    the compiled build makes it a native class, built and read in C (a dataclass keeps the Python __init__ that
    dataclasses writes); it never leaves this module."""

    def __init__(self, order: int, engagement_id: int, client_id: int | None, work_state: str, day: date,
                 hours: Decimal, pay: Decimal, rate: Decimal, piece: bool, exempt: bool) -> None:
        self.order = order
        self.engagement_id = engagement_id
        self.client_id = client_id
        self.work_state = work_state
        self.day = day
        self.hours = hours
        self.pay = pay                  # straight-time pay, unrounded
        self.rate = rate                # the hourly rate; for pieces, piece pay ÷ hours (for Nevada's test)
        self.piece = piece
        self.exempt = exempt
        self.overtime: Decimal = ZERO
        self.double_time: Decimal = ZERO
        self.daily_reasons: list = []


def compute_workweek(week: Workweek, rules: PayRules | None = None) -> WorkweekResult:
    """Pay one worker's workweek across every engagement: straight time, make-up, premiums, with explanations."""
    rules = rules or pay_rules()
    simple = _simple_week(week, rules)
    if simple is not None:
        return simple
    return _compute(week, rules)


def _simple_week(week: Workweek, rules: PayRules) -> WorkweekResult | None:
    """A week of one engagement at one rate, computed directly: no pieces, bonuses or exempt hours, one entry a day
    and the rate at least the minimum wage every day (so no make-up). With no day past its state's daily overtime
    threshold (nor a seventh day where that counts), the common week, the regular rate is the rate and the overtime
    hours are the hours past 40, all FLSA hours; otherwise (a California or Colorado long day) the entries go to
    the full computation's _overtime, which applies the daily rules. Gives exactly what _compute gives (property
    tests hold the two together); anything else returns None."""
    time = week.time
    start = week.start
    if week.pieces or week.bonuses or not time or start.weekday() != 0:
        return None
    first = time[0]
    eng, client, state, rate = first.engagement_id, first.client_id, first.work_state, first.rate
    end = start + SIX_DAYS
    hours = due = ZERO
    daily = False                   # a day past its daily rule's threshold
    last = start - ONE_DAY          # the days strictly after the one before, up to Sunday
    days = rules.week(state, start)
    for e in time:
        day, h = e.day, e.hours
        # a week's entries come from one sheet: the same rate and client objects (`is` before a comparison)
        if (e.engagement_id != eng or (e.client_id is not client and e.client_id != client)
                or e.work_state != state or (e.rate is not rate and e.rate != rate) or e.overtime_exempt
                or not last < day <= end or h < ZERO or h > DAY_HOURS):
            return None
        last = day
        rule, minimum = days[day.weekday()]
        if rule is not None and not daily:
            # one entry a day: the day's hours are the span [0, h), past a threshold or not (_daily_hours' overlap);
            # seven entries are the seven days of the week
            ot_from, dt_from = _thresholds(rule, day == end and len(time) == 7 and all(x.hours > ZERO for x in time))
            daily = (ot_from is not None and h > ot_from) or (dt_from is not None and h > dt_from)
        if rate < minimum.rate:
            return None
        hours += h
        due += h * minimum.rate
    if rate < ZERO:
        return None
    straight = hours * rate
    amount = cents(straight)
    lines = [_line(REGULAR, eng, client, amount, start, hours=hours, rate=rate, label=REGULAR,
                   steps=_straight_steps(hours, rate, amount))]
    due = cents(due)
    if daily:
        items = [_Item(i, eng, client, state, e.day, e.hours, e.hours * e.rate, e.rate, False, False)
                 for i, e in enumerate(time)]
        pay = ZERO                  # straight time as _compute adds it up: entry by entry
        for it in items:
            pay += it.pay
        return _overtime(start, items, lines, hours, pay, ZERO, ZERO, due, rules)
    regular_rate = straight / hours if hours else ZERO
    ot = hours - FORTY if hours > FORTY else ZERO
    qualified = cents(ot * regular_rate * HALF)
    if ot:
        # one premium line holding every hour past 40: _allocate_qualified gives it the whole qualified premium
        steps = _premium_steps(ot, regular_rate, qualified, "")
        if qualified > ZERO:
            steps += ((_qualified_step, qualified, qualified, ot),)
        lines.append(_line(OVERTIME_PREMIUM, eng, client, qualified, start, hours=ot, rate=cents(regular_rate * HALF),
                           regular_rate=regular_rate, qualified_premium=qualified if qualified > ZERO else ZERO,
                           label=OVERTIME_PREMIUM, steps=steps))
    return _result(start, tuple(lines), hours, straight, regular_rate, ot, ZERO, ot, due, ZERO,
                   qualified if ot else ZERO,
                   _week_steps(start, hours, straight, ZERO, ZERO, regular_rate, ot, ZERO, ot, qualified))


# The explanation steps of the common lines and of the week are deferred (model.render_steps expands a step whose first
# element is a function): a run reads only the figures of its 100,000 workers' weeks, and a person reads a few.
def _straight_steps(hours: Decimal, rate: Decimal, amount: Decimal) -> tuple:
    return ((_straight_step, hours, rate, amount),)


def _straight_step(hours: Decimal, rate: Decimal, amount: Decimal) -> tuple:
    return (("{} h × {} an hour = {}", Num(hours), rate, amount),)


def _premium_steps(ot: Decimal, regular_rate: Decimal, amount: Decimal, why: str) -> tuple:
    return ((_premium_step, ot, regular_rate, amount, why),)


def _premium_step(ot: Decimal, regular_rate: Decimal, amount: Decimal, why: str) -> tuple:
    return (("Overtime premium: {} h × half the regular rate ({} ÷ 2 ≈ {}) = {}, rounded once to the cent, half up "
             "(straight time for these hours is already paid; FLSA 7(a), 29 CFR 778.107" + why + ")",
             Num(ot), Num(regular_rate.quantize(RATE_PLACES)), cents(regular_rate * HALF), amount),)


def _week_steps(*figures) -> tuple:
    return ((_week_step_list,) + figures,)


def _week_step_list(start, hours, straight, bonus_total, makeup, regular_rate, ot_hours, dt_hours, flsa_hours,
                    qualified_total) -> tuple:
    rr_shown = regular_rate.quantize(RATE_PLACES)
    return (
        ("Workweek from {}: {} h worked for all clients together (29 CFR 778.103: each workweek stands alone)",
         start.isoformat(), Num(hours)),
        ("Regular rate = straight-time pay {} (hourly and piece pay, non-discretionary bonuses {}, minimum-wage "
         "make-up {}) ÷ {} h = {} (kept unrounded; 29 CFR 778.109, 778.111, 778.115)",
         cents(straight), cents(bonus_total), makeup, Num(hours), Num(rr_shown)),
        ("Overtime hours {} (1.5×), double-time hours {} (2×); hours over 40 (FLSA) {}",
         Num(ot_hours), Num(dt_hours), Num(flsa_hours)),
        ("Qualified overtime premium (W-2 box 12 TT, FLSA part only) = {} h × half of {} = {}",
         Num(flsa_hours), Num(rr_shown), qualified_total),
    )


def _compute(week: Workweek, rules: PayRules) -> WorkweekResult:
    """Any week: every engagement, rate, piece, bonus, state rule and the minimum wage."""
    items = _items(week)
    lines = _straight_lines(week, items)
    covered = [it for it in items if not it.exempt]
    hours = pay_total = ZERO
    for it in covered:
        hours += it.hours
        pay_total += it.pay
    bonus_total = sum((b.amount for b in week.bonuses), ZERO) if week.bonuses else ZERO

    due, makeup_lines = _minimum_wage(week, covered, lines, rules)
    makeup = sum((ln.amount for ln in makeup_lines), ZERO)
    lines += makeup_lines

    straight = pay_total + bonus_total + makeup
    return _overtime(week.start, covered, lines, hours, straight, bonus_total, makeup, due, rules)


def _overtime(start: date, covered: list[_Item], lines: list[WorkLine], hours: Decimal, straight: Decimal,
              bonus_total: Decimal, makeup: Decimal, due: Decimal, rules: PayRules) -> WorkweekResult:
    """The week from its straight-time lines and figures: the regular rate, the overtime and double-time hours
    (daily rules, then the 40th hour), the premium lines and their qualified part."""
    regular_rate = straight / hours if hours else ZERO
    _classify(covered, rules, start)
    ot_hours = dt_hours = ZERO
    for it in covered:
        ot_hours += it.overtime
        dt_hours += it.double_time
    flsa_hours = max(hours - FORTY, ZERO)
    premium_lines = _premium_lines(start, covered, regular_rate)
    qualified_total = cents(flsa_hours * regular_rate * HALF)
    premium_lines = _allocate_qualified(premium_lines, qualified_total, regular_rate, flsa_hours)
    lines += premium_lines

    steps = _week_steps(start, hours, straight, bonus_total, makeup, regular_rate, ot_hours, dt_hours,
                        flsa_hours, qualified_total)
    return _result(start, tuple(lines), hours, straight, regular_rate, ot_hours, dt_hours, flsa_hours, due,
                   makeup, sum((ln.qualified_premium for ln in premium_lines), ZERO), steps)


def _items(week: Workweek) -> list[_Item]:
    end = week.start + SIX_DAYS
    if week.start.weekday() != 0:
        raise DomainError(f"a workweek starts on a Monday, not {week.start}")
    out: list[_Item] = []
    for i, e in enumerate(week.time):
        _check_entry(e, week.start, end)
        out.append(_Item(i, e.engagement_id, e.client_id, e.work_state, e.day, e.hours, e.hours * e.rate, e.rate,
                         False, e.overtime_exempt))
    n = len(out)
    for i, p in enumerate(week.pieces):
        _check_entry(p, week.start, end)
        if p.units < 0:
            raise DomainError("piece units must not be negative")
        rate = p.pay / p.hours if p.hours else p.pay
        out.append(_Item(n + i, p.engagement_id, p.client_id, p.work_state, p.day, p.hours, p.pay, rate, True,
                         p.overtime_exempt))
    for b in week.bonuses:
        if b.amount < 0:
            raise DomainError("a bonus must not be negative")
    per_day: dict[date, Decimal] = {}
    ordered = True
    last = None
    for it in out:
        per_day[it.day] = per_day.get(it.day, ZERO) + it.hours
        if last is not None and it.day < last:
            ordered = False
        last = it.day
    for day, h in per_day.items():
        if h > DAY_HOURS:
            raise DomainError(f"{h} hours on {day}: a day has 24")
    if not ordered:
        out.sort(key=lambda it: (it.day, it.order))
    return out


def _check_entry(e, start: date, end: date) -> None:
    if not start <= e.day <= end:
        raise DomainError(f"{e.day} is outside the workweek {start} to {end}")
    if e.hours < 0 or e.rate < 0:
        raise DomainError("hours and rates must not be negative")


def _straight_lines(week: Workweek, items: list[_Item]) -> list[WorkLine]:
    """Straight time at each entry's own rate: one line per engagement and rate (hourly) or rate (piece)."""
    groups: dict[tuple, list[_Item]] = {}
    for it in items:
        groups.setdefault((it.engagement_id, it.client_id, it.piece, it.rate if not it.piece else None), []
                          ).append(it)
    lines = []
    piece_by_key: dict[tuple, list[PieceEntry]] = {}
    for p in week.pieces:
        piece_by_key.setdefault((p.engagement_id, p.client_id, p.rate), []).append(p)
    for (eng, client, piece, rate), its in groups.items():
        if piece:
            continue
        h = sum((it.hours for it in its), ZERO)
        amount = cents(h * rate)
        lines.append(_line(REGULAR, eng, client, amount, week.start, hours=h, rate=rate, label=REGULAR,
                           steps=_straight_steps(h, rate, amount)))
    for (eng, client, rate), ps in piece_by_key.items():
        units = sum((p.units for p in ps), ZERO)
        h = sum((p.hours for p in ps), ZERO)
        amount = cents(units * rate)
        lines.append(_line(PIECE, eng, client, amount, week.start, hours=h, units=units, rate=rate, label=PIECE,
                           steps=(("{} units × {} a unit = {} ({} h worked)", Num(units), rate, amount, Num(h)),)))
    for b in week.bonuses:
        amount = cents(b.amount)
        lines.append(_line(BONUS, b.engagement_id, b.client_id, amount, week.start, label=b.label,
                           steps=(("Non-discretionary bonus {} for the workweek: part of the regular rate "
                                   "(29 CFR 778.208)", amount),)))
    return lines


def _minimum_wage(week: Workweek, covered: list[_Item], lines: list[WorkLine], rules: PayRules
                  ) -> tuple[Decimal, list[WorkLine]]:
    """A make-up line when the week's straight-time pay is below the minimum wage for the hours worked: each hour
    at the higher of the federal and its work state's minimum wage (FLSA 206; 29 CFR 776.4: the workweek is the
    unit). The make-up goes to the engagements whose own pay fell short, in engagement order."""
    due_by_eng: dict[tuple, Decimal] = {}
    for it in covered:
        mw = rules.minimum_wage(it.work_state, it.day)
        key = (it.engagement_id, it.client_id)
        due_by_eng[key] = due_by_eng.get(key, ZERO) + it.hours * mw.rate
    due = cents(sum(due_by_eng.values(), ZERO))
    covered_engs = set(due_by_eng)
    paid_by_eng: dict[tuple, Decimal] = {k: ZERO for k in due_by_eng}
    for ln in lines:
        key = (ln.engagement_id, ln.client_id)
        if key in covered_engs and ln.code in (REGULAR, PIECE, BONUS):
            paid_by_eng[key] += ln.amount
    paid = sum(paid_by_eng.values(), ZERO)
    makeup = due - paid
    if makeup <= 0:
        return due, []
    out = []
    left = makeup
    hours_total = sum((it.hours for it in covered), ZERO)
    shorts = [(key, owed, cents(owed) - paid_by_eng[key]) for key, owed in due_by_eng.items()]
    shorts = [s for s in shorts if s[2] > 0] or shorts[-1:]
    for n, (key, owed, short) in enumerate(shorts):
        if left <= 0:
            break
        # the last engagement takes what is left: per-engagement cents can round below the week's total
        amount = left if n == len(shorts) - 1 else min(short, left)
        left -= amount
        h = sum((it.hours for it in covered if (it.engagement_id, it.client_id) == key), ZERO)
        out.append(_line(MIN_WAGE_MAKEUP, key[0], key[1], amount, week.start, hours=h, label=MIN_WAGE_MAKEUP,
                         steps=(("Minimum wage for the week: {} h at each hour's minimum wage = {}; straight-time "
                                 "pay {}; make-up {} (FLSA section 6, 29 U.S.C. 206; state minimum wage where "
                                 "higher; counts toward the regular rate, 29 CFR 778.111(b))",
                                 Num(hours_total), due, paid, makeup),
                                ("This engagement's share: {} h owed {}, paid {}: make-up {}",
                                 Num(h), cents(owed), paid_by_eng[key], amount))))
    return due, out


def _classify(items: list[_Item], rules: PayRules, start: date) -> None:
    """Mark each item's overtime and double-time hours: state daily rules first (by the hours' work state, hours
    in day order), then straight hours past the 40th of the week (no pyramiding)."""
    days_worked = {it.day for it in items if it.hours > 0}
    seventh = len(days_worked) == 7
    last_day = max(days_worked) if days_worked else None
    straight_so_far = ZERO
    day_hours: dict[date, Decimal] = {}
    weeks: dict[str, tuple] = {}            # the week's (daily rule, minimum wage) by day, asked once per state
    for it in items:
        before = day_hours.get(it.day, ZERO)
        after = before + it.hours
        day_hours[it.day] = after
        ot = dt = ZERO
        days = weeks.get(it.work_state)
        if days is None:
            days = weeks[it.work_state] = rules.week(it.work_state, start)
        rule, minimum = days[it.day.weekday()]
        if (rule is not None and rule.only_below_min_wage_multiple is not None
                and it.rate >= rule.only_below_min_wage_multiple * minimum.rate):
            rule = None
        if rule is not None:
            ot, dt = _daily_hours(rule, before, after, seventh and it.day == last_day)
            if ot or dt:
                it.daily_reasons.append(rule)
        straight = it.hours - ot - dt
        if straight_so_far + straight > FORTY:
            moved = min(straight, straight_so_far + straight - FORTY)
            straight -= moved
            ot += moved
        straight_so_far += straight
        it.overtime, it.double_time = ot, dt


def _daily_hours(rule: DailyRule, before: Decimal, after: Decimal, seventh: bool) -> tuple[Decimal, Decimal]:
    """The overtime and double-time hours of the span [before, after) of a day's hours under a state's daily rule;
    on the seventh day worked in the workweek, where the rule counts it, every hour is overtime and those past the
    eighth double time."""
    ot_from, dt_from = _thresholds(rule, seventh)
    dt = _overlap(before, after, dt_from, None) if dt_from is not None else ZERO
    ot = _overlap(before, after, ot_from, dt_from) if ot_from is not None else ZERO
    return ot, dt


def _thresholds(rule: DailyRule, seventh: bool) -> tuple[Decimal | None, Decimal | None]:
    """The hours of a day after which the rule's overtime and its double time start (None: not in this rule); on the
    seventh day worked in the workweek, where the rule counts it, from the first hour and past the eighth."""
    if rule.seventh_day and seventh:
        return ZERO, EIGHT
    return rule.overtime_after, rule.double_time_after


def _overlap(a: Decimal, b: Decimal, lo: Decimal, hi: Decimal | None) -> Decimal:
    """Hours of the span [a, b) of a day that fall in [lo, hi). (Comparisons, not min and max: the same values,
    where the builtins are a generic call each in the compiled build.)"""
    top = b if hi is None or not hi < b else hi         # min(b, hi): b when equal
    bottom = lo if lo > a else a                        # max(a, lo): a when equal
    hours = top - bottom
    return ZERO if ZERO > hours else hours              # max(hours, ZERO)


def _premium_lines(start: date, items: list[_Item], regular_rate: Decimal) -> list[WorkLine]:
    by_eng: dict[tuple, list[_Item]] = {}
    for it in items:
        by_eng.setdefault((it.engagement_id, it.client_id), []).append(it)
    out = []
    for (eng, client), its in by_eng.items():
        ot = dt = ZERO
        for it in its:
            ot += it.overtime
            dt += it.double_time
        if not (ot or dt):
            continue
        sources = sorted({r.source.split(":")[0] for it in its for r in it.daily_reasons})
        why = ("; daily rule: " + "; ".join(sources)) if sources else ""
        if ot:
            amount = cents(ot * regular_rate * HALF)
            out.append(_line(OVERTIME_PREMIUM, eng, client, amount, start, hours=ot,
                             rate=cents(regular_rate * HALF), regular_rate=regular_rate, label=OVERTIME_PREMIUM,
                             steps=_premium_steps(ot, regular_rate, amount, why)))
        if dt:
            amount = cents(dt * regular_rate)
            out.append(_line(DOUBLE_TIME_PREMIUM, eng, client, amount, start, hours=dt,
                             rate=cents(regular_rate), regular_rate=regular_rate, label=DOUBLE_TIME_PREMIUM,
                             steps=((_double_time_step, dt, regular_rate, amount, why),)))
    return out


def _double_time_step(dt: Decimal, regular_rate: Decimal, amount: Decimal, why: str) -> tuple:
    return (("Double-time premium: {} h × the whole regular rate {} = {}, rounded once to the cent, half up "
             "(straight time already paid" + why + ")", Num(dt), Num(regular_rate.quantize(RATE_PLACES)), amount),)


def _allocate_qualified(lines: list[WorkLine], total: Decimal, regular_rate: Decimal, flsa_hours: Decimal
                        ) -> list[WorkLine]:
    """Spread the week's qualified premium over its premium lines, latest first (the hours over 40 are the week's
    last hours), each line at most half the regular rate for its hours."""
    if not lines or total <= 0:
        return lines
    left = total
    out = list(lines)
    for i in range(len(out) - 1, -1, -1):
        ln = out[i]
        hours: Decimal = ln.hours  # type: ignore[assignment]  # a premium line always carries its hours
        cap = min(cents(hours * regular_rate * HALF), ln.amount)
        if i == 0:
            cap = min(left, ln.amount)
        q = min(cap, left)
        left -= q
        if q:
            out[i] = _line(ln.code, ln.engagement_id, ln.client_id, ln.amount, ln.week_start, ln.hours, ln.units,
                           ln.rate, ln.regular_rate, q, ln.label,
                           ln.steps + ((_qualified_step, q, total, flsa_hours),))
        if left <= 0:
            break
    return out


def _qualified_step(q: Decimal, total: Decimal, flsa_hours: Decimal) -> tuple:
    return (("Qualified overtime premium (W-2 box 12 TT) on this line: {} of the week's {} ({} h over 40)",
             q, total, Num(flsa_hours)),)


# --- a bonus for several workweeks (29 CFR 778.209) --------------------------------------------------------------

def reopen_for_bonus(bonus: MultiWeekBonus, weeks: Sequence[WorkweekResult], by: str = "week"
                     ) -> tuple[WorkLine, ...]:
    """The bonus line and the extra overtime premium it adds to each workweek it covers.

    29 CFR 778.209(a): a bonus earned over several workweeks is apportioned back over them, the regular rate of each
    re-opened, and the extra overtime compensation paid. 778.209(b): where the bonus cannot be identified with
    particular weeks, an equal amount per week (by="week") or per hour (by="hour") is a reasonable assumption. Each
    week's share raises its regular rate by share ÷ hours; each overtime hour is owed half that increase (double-time
    hours the whole increase); the FLSA part is half the increase for the hours over 40. Each week's premium is
    rounded once to the cent, half up."""
    if bonus.amount < 0:
        raise DomainError("a bonus must not be negative")
    if not weeks:
        raise DomainError("a multi-week bonus needs the workweeks it covers")
    if by not in ("week", "hour"):
        raise DomainError("allocate by week or by hour")
    total_hours = sum((w.hours for w in weeks), ZERO)
    amount = cents(bonus.amount)
    lines = [_line(BONUS, bonus.engagement_id, bonus.client_id, amount, weeks[-1].start, label=bonus.label,
                   steps=(("Non-discretionary bonus {} for the {} workweeks from {} to {}: apportioned {} "
                           "(29 CFR 778.209)", amount, len(weeks), weeks[0].start.isoformat(),
                           weeks[-1].start.isoformat(), "equally per week" if by == "week" else "per hour"),))]
    for w in weeks:
        if by == "week":
            share = bonus.amount / len(weeks)
        else:
            share = bonus.amount * w.hours / total_hours if total_hours else ZERO
        if not w.hours or not (w.overtime_hours or w.double_time_hours):
            continue
        increase = share / w.hours
        premium = cents(increase * (w.overtime_hours * HALF + w.double_time_hours))
        qualified = min(cents(increase * HALF * w.flsa_overtime_hours), premium)
        if not premium:
            continue
        inc = Num(increase.quantize(RATE_PLACES))
        lines.append(_line(OVERTIME_PREMIUM, bonus.engagement_id, bonus.client_id, premium, w.start,
                           hours=w.overtime_hours + w.double_time_hours, regular_rate=w.regular_rate + increase,
                           qualified_premium=qualified, label="bonus_overtime_premium", steps=(
                               ("Bonus share for the workweek from {}: {} ÷ {} h = {} more on the regular rate",
                                w.start.isoformat(), cents(share), Num(w.hours), inc),
                               ("Extra overtime premium = {} × (½ × {} overtime h + {} double-time h) = {}, "
                                "rounded once to the cent, half up (29 CFR 778.209(a))",
                                inc, Num(w.overtime_hours), Num(w.double_time_hours), premium),
                               ("Qualified overtime premium (W-2 box 12 TT) = {} × ½ × {} h over 40 = {}",
                                inc, Num(w.flsa_overtime_hours), qualified))))
    return tuple(lines)


_BACK_TO_MONDAY = tuple(timedelta(days=i) for i in range(7))


def workweek_start(day: date) -> date:
    """The Monday that starts the workweek holding `day` (the agency's workweek is Monday to Sunday)."""
    return day - _BACK_TO_MONDAY[day.weekday()]
