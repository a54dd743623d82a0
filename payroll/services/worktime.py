"""What one worker earns in a run from time, pieces and tasks: the records turned into workweeks across all of the
agency's engagements and clients, paid by the pure workweek engine (payroll/engine/workweek.py).

The run's calculation (payroll/services/calc.py) loads the rows and calls `worker_earnings` once per worker;
it gets the earning dicts for the paycheck engine (each carrying its engagement and client), the records it paid
(to mark them) and the workweeks behind them (for explanations). No database access: the module is compiled with
the engine (backoffice.compiled.HOT_MODULES), as it runs once per worker of every run."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from operator import attrgetter
from typing import Iterable, Sequence

from backoffice.money import D, ZERO, round_cents
from backoffice.periods import PayFrequency
from payroll.engine.hotpath import tuple_new
from payroll.engine.pay_rules import PayRules
from payroll.engine.workweek import (MultiWeekBonus, PieceEntry, TimeEntry, WeekBonus, WorkLine, Workweek,
                                     WorkweekResult, compute_workweek, reopen_for_bonus, workweek_start)

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
EMPLOYEE = "leased_employee"
# Adjustment code -> the engine's earning code. Retroactive pay increases are supplemental wages (Pub 15,
# section 7); a correction of underpaid wages, final pay and paid leave (sick leave, PTO: wages for time not
# worked, outside the FLSA regular rate, 29 CFR 778.218) are regular wages.
ADJUSTMENT_EARNING = {"retro": "bonus", "bonus": "bonus", "commission": "commission", "correction": "salary",
                      "reimbursement": "reimbursement", "final_pay": "salary", "sick_leave": "salary",
                      "paid_leave": "salary"}
# Bonuses and commissions are non-discretionary unless shown otherwise (29 CFR 778.211(c), 778.117): they enter
# the regular rate of the workweeks they cover — here the run's workweeks, equally (778.209(b)).
REGULAR_RATE_ADJUSTMENTS = ("bonus", "commission")
WEEKS_PER_PERIOD = {"weekly": D(1), "biweekly": D(2), "semimonthly": D(52) / 24, "monthly": D(52) / 12}
ANNOTATIONS = ("engagement_id", "client_id", "label", "week_start", "worker_type")
_ENGINE_KEYS = {
    "regular": ("code", "hours", "rate"),
    "piece": ("code", "units", "rate"),
    "overtime_premium": ("code", "amount", "hours", "regular_rate", "qualified_premium"),
    "double_time_premium": ("code", "amount", "hours", "regular_rate", "qualified_premium"),
    "min_wage_makeup": ("code", "amount", "hours"),
}


@dataclass
class WorkerPay:
    """One worker's earnings in a run: earning dicts (engine fields plus engagement_id, client_id, label,
    week_start, worker_type), the records paid and the workweeks computed."""

    earnings: list[dict] = field(default_factory=list)
    timesheet_ids: list[int] = field(default_factory=list)
    task_ids: list[int] = field(default_factory=list)
    adjustment_ids: list[int] = field(default_factory=list)
    weeks: list[WorkweekResult] = field(default_factory=list)

    @property
    def qualified_overtime_premium(self) -> Decimal:
        return sum((D(e.get("qualified_premium", "0")) for e in self.earnings), ZERO)

    def for_worker_type(self, worker_type: str) -> list[dict]:
        """The earnings of one document: "employee" (the paycheck) or "contractor" (the contractor payment)."""
        return [e for e in self.earnings if e["worker_type"] == worker_type]


def engine_earning(d: dict) -> dict:
    """An earning dict in the paycheck engine's own form (the quote's JSON): the annotations dropped, hours to at
    most 4 places (a task's minutes ÷ 60 may not end)."""
    keys = _ENGINE_KEYS.get(d["code"], ("code", "amount"))
    out = {k: d[k] for k in keys if k in d}
    h = out.get("hours")
    if h is not None and "." in h and len(h) - h.index(".") > 5:       # more than 4 places
        out["hours"] = str(D(h).quantize(Decimal("0.0001")))
    return out


def engine_form(earnings: list[dict]) -> tuple[list[dict], list[str], list[tuple], list[int]]:
    """A paycheck's earning dicts as the paycheck needs them, in one pass (a run does this for every earning of
    100,000 workers): the engine's forms (engine_earning), their labels, their (engagement_id, client_id) and the
    salaried engagements, sorted."""
    out: list[dict] = []
    labels: list[str] = []
    sources: list[tuple] = []             # (engagement_id, client_id): a client may be None
    salaried: set = set()
    for e in earnings:
        out.append(engine_earning(e))
        label = e["label"]
        labels.append(label)
        sources.append((e["engagement_id"], e["client_id"]))
        if label == "salary":
            salaried.add(e["engagement_id"])
    return out, labels, sources, sorted(salaried)


def _hours(minutes: int) -> Decimal:
    return D(minutes) / 60


_DAILY_HOURS = attrgetter(*(f"hours_{d}" for d in DAYS))       # a timesheet's seven days, in one call
_DAY_OFFSETS = tuple(timedelta(days=i) for i in range(7))


def _sheet_entries(eng, sheets: Iterable) -> tuple[list[TimeEntry], list[PieceEntry]]:
    """An hourly engagement's hours per day; a piece engagement's weekly units spread over the days worked (in
    proportion to the hours, to 4 places, the last day taking the rest) with those days' hours."""
    time: list[TimeEntry] = []
    pieces: list[PieceEntry] = []
    exempt = bool(eng.overtime_exempt)
    unit = eng.pay_unit
    eng_id, client_id, state = eng.id, eng.client_id, eng.work_state
    rate = eng.pay_rate if type(eng.pay_rate) is Decimal else D(eng.pay_rate)
    for ts in sheets:
        start = ts.week_start
        worked = [(start + _DAY_OFFSETS[i], h if type(h) is Decimal else D(h))
                  for i, h in enumerate(_DAILY_HOURS(ts)) if h]
        if unit == "hour":
            for day, h in worked:       # TimeEntry(...) in one C call: ten or so a worker in every run
                time.append(tuple_new(TimeEntry, (eng_id, client_id, state, day, h, rate, exempt)))
        elif unit in ("piece", "project"):
            units = D(ts.units or 0)
            if not units and not worked:
                continue
            worked = worked or [(start, ZERO)]
            total = sum((h for _, h in worked), ZERO)
            left = units
            for n, (day, h) in enumerate(worked):
                share = left if n == len(worked) - 1 else (units * h / total).quantize(Decimal("0.0001"))
                left -= share
                pieces.append(PieceEntry(eng_id, client_id, state, day, share, rate, h, exempt))
    return time, pieces


def _task_entries(eng, tasks: Iterable) -> list[PieceEntry]:
    return [PieceEntry(eng.id, eng.client_id, eng.work_state, t.work_date, D(t.units), D(t.rate), _hours(t.minutes),
                       bool(eng.overtime_exempt)) for t in tasks]


def worker_earnings(run, engagements: Sequence, sheets_by_engagement: dict, tasks_by_engagement: dict,
                    adjustments_by_engagement: dict, rules: PayRules | None = None) -> WorkerPay:
    """Everything ONE worker earns in `run` across their engagements.

    Leased employees: their hours, pieces and tasks are grouped into workweeks (Monday to Sunday) across every
    engagement and client and paid by the workweek engine (straight time at each rate, minimum-wage make-up, FLSA
    and state daily overtime on the week's regular rate); bonus and commission adjustments enter the regular rate
    of the run's workweeks (one week: that week's rate; several: apportioned equally and the weeks re-opened,
    29 CFR 778.209). Contractors: straight pay for hours, pieces and tasks, no overtime or minimum wage (they are
    not employees). Salaried engagements (pay_unit week or year) are paid their period's salary on regular runs.
    Time and tasks are paid by regular and final runs; adjustments by whichever run they belong to (the caller
    loads the right ones)."""
    pay = WorkerPay()
    # regular and final runs pay time; so does a run paying another run's holds (as paycheck_inputs.pays_time)
    holds = getattr(run, "pays_holds_of_run_id", None) is not None
    pays_time = run.kind in ("regular", "final") or holds
    # workweek start -> the employee's (time entries, piece entries) in it, in engagement, sheet and day order
    by_week: dict[date, tuple[list[TimeEntry], list[PieceEntry]]] = {}
    contractor_lines: list[WorkLine] = []
    projects: set[int] = set()              # project engagements: their piece lines are labelled "project"
    for eng in engagements:
        if eng.pay_unit == "project":
            projects.add(eng.id)
        sheets = sheets_by_engagement.get(eng.id) if pays_time else None
        tasks = tasks_by_engagement.get(eng.id) if pays_time else None
        if sheets or tasks:
            sheets, tasks = list(sheets or ()), list(tasks or ())
            pay.timesheet_ids += [ts.id for ts in sheets]
            time, pieces = _sheet_entries(eng, sheets)
            if tasks:
                pay.task_ids += [t.id for t in tasks]
                pieces += _task_entries(eng, tasks)
            if eng.type == EMPLOYEE:
                _into_weeks(by_week, time, 0)
                if pieces:
                    _into_weeks(by_week, pieces, 1)
            else:
                contractor_lines += _contractor_lines(eng, time, pieces, run)
        if (run.kind == "regular" or holds) and eng.pay_unit in ("week", "year"):
            _salary(pay, eng, run)

    week_starts = sorted(by_week)
    bonuses, other_adjustments = [], []
    for eng in engagements:
        for adj in adjustments_by_engagement.get(eng.id, ()):
            pay.adjustment_ids.append(adj.id)
            if eng.type == EMPLOYEE and adj.code in REGULAR_RATE_ADJUSTMENTS and week_starts:
                bonuses.append((eng, adj))
            else:
                other_adjustments.append((eng, adj))
    single = len(week_starts) == 1
    week_bonuses = {week_starts[0]: tuple(WeekBonus(eng.id, eng.client_id, D(adj.amount), adj.code)
                                          for eng, adj in bonuses)} if single else {}

    for start in week_starts:
        time, pieces = by_week[start]
        result = compute_workweek(tuple_new(Workweek, (start, tuple(time), tuple(pieces),
                                                       week_bonuses.get(start, ()))), rules)
        pay.weeks.append(result)
        for ln in result.lines:
            pay.earnings.append(_as_dict(ln, "employee", projects=projects))
    if bonuses and not single:
        for eng, adj in bonuses:
            lines = reopen_for_bonus(MultiWeekBonus(eng.id, eng.client_id, D(adj.amount), adj.code), pay.weeks)
            bonus_line, premiums = lines[0], lines[1:]
            pay.earnings.append(_as_dict(bonus_line, "employee", code=ADJUSTMENT_EARNING[adj.code]))
            pay.earnings += [_as_dict(ln, "employee") for ln in premiums]
    for eng, adj in other_adjustments:
        pay.earnings.append({"code": ADJUSTMENT_EARNING[adj.code], "amount": str(adj.amount),
                             "engagement_id": eng.id, "client_id": eng.client_id, "label": adj.code,
                             "worker_type": "employee" if eng.type == EMPLOYEE else "contractor"})
    pay.earnings += [_as_dict(ln, "contractor", projects=projects) for ln in contractor_lines]
    return pay


def _into_weeks(by_week: dict, entries: list, kind: int) -> None:
    """Each entry into its workweek's lists (kind 0: the time entries, 1: the piece entries), in order."""
    start = None
    target: list = []
    for e in entries:
        monday = workweek_start(e.day)
        if monday != start:             # a sheet's days share their week: one look-up each
            start = monday
            target = by_week.setdefault(start, ([], []))[kind]
        target.append(e)


def _as_dict(line: WorkLine, worker_type: str, code: str | None = None, projects: set | frozenset = frozenset()
             ) -> dict:
    d = line.as_earning()
    if line.code == "piece" and line.engagement_id in projects:     # units of a project engagement
        d["label"] = "project"
    if code:
        d["code"] = code
    elif line.code == "bonus":          # a week's bonus or commission adjustment keeps its own earning code
        d["code"] = ADJUSTMENT_EARNING.get(line.label, "bonus")
    d["worker_type"] = worker_type
    return d


def _salary(pay: WorkerPay, eng, run) -> None:
    rate = D(eng.pay_rate)
    if eng.pay_unit == "year":
        amount = round_cents(rate / PayFrequency(run.frequency).periods_per_year)
    else:
        amount = round_cents(rate * WEEKS_PER_PERIOD[run.frequency])
    if amount:
        pay.earnings.append({"code": "salary", "amount": str(amount), "engagement_id": eng.id,
                             "client_id": eng.client_id, "label": "salary",
                             "worker_type": "employee" if eng.type == EMPLOYEE else "contractor"})


def _contractor_lines(eng, time: list[TimeEntry], pieces: list[PieceEntry], run) -> list[WorkLine]:
    """A contractor's pay: hours × rate and units × rate per rate, no premium (FLSA covers employees only)."""
    out = []
    hours = sum((t.hours for t in time), ZERO)
    end = run.period_end
    if hours:
        amount = round_cents(hours * D(eng.pay_rate))
        out.append(WorkLine("regular", eng.id, eng.client_id, amount, workweek_start(end), hours=hours,
                            rate=D(eng.pay_rate), label="regular"))
    by_rate: dict[Decimal, list[PieceEntry]] = defaultdict(list)
    for p in pieces:
        by_rate[p.rate].append(p)
    for rate, ps in by_rate.items():
        units = sum((p.units for p in ps), ZERO)
        out.append(WorkLine("piece", eng.id, eng.client_id, round_cents(units * rate), workweek_start(end),
                            hours=sum((p.hours for p in ps), ZERO), units=units, rate=rate, label="piece"))
    return out
