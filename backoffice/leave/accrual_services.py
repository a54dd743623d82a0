"""Leave accrued from the hours an approved run pays, and leave used by the paychecks that pay approved requests.

Called from payroll's RUN_APPROVED_CHUNK hook once per chunk of the approved run's workers, in the chunk's own unit
of work after the approval committed (the chunks run in parallel in the Celery workers; an approved run is
immutable: reversing it fires PAYCHECKS_REVERSED, refused while a chunk is pending): the hours of each timesheet the
run paid
are grouped by worker and by the sick-leave jurisdictions of the engagement's work site (a worker with hours in
two places accrues under both), then the pure engine accrues them under the law in force each day. The agency's
PTO policies accrue from the same hours. Every accrual is one ledger entry keyed by (run, paycheck, policy) in the
database: a hook fired twice, or a replayed run, accrues nothing twice. A reversed paycheck's accruals and uses
are taken back by reversing entries."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import Any, NamedTuple, cast

import orjson
import sqlalchemy as sa

from backoffice.db import utcnow
from backoffice.errors import DomainError
from backoffice.extensions import db
from backoffice.leave import engine, explanations
from backoffice.leave.models import LeaveBalance, LeaveEntry, LeavePolicy, LeaveRequest
from backoffice.leave.pto import accrue_pto
from backoffice.leave.services import (EMPLOYEE, balance_row, employer_size, hours, jurisdictions_of, law_policy, post,
                                       year_start)
from backoffice.money import ZERO
from backoffice.states import transition
from backoffice.uow import for_update, planned_for_fresh_rows
from backoffice.workers.models import Client, Engagement
from payroll.models import DAYS, Paycheck, PaycheckLine, PayrollAdjustment, PayrollRun, Timesheet
from payroll.services.common import IdList, among_ids, bulk_insert, id_in, is_postgres, units4, within


# A note for the compiled build (backoffice.compiled.HOT_MODULES): rows of a select of typed columns are annotated
# `Sequence[Any]` where they are unpacked — mypy reads such a row as a tuple, and compiled code would refuse the Row
# that SQLAlchemy gives (docs/compiled-engine.md).


def _only(stmt, column, workers):
    """`stmt` limited to the chunk's workers (`workers`: their ids, ascending; None: every worker of the run)."""
    return stmt if workers is None else stmt.where(among_ids(column, workers))


def _days_worked(run: PayrollRun, workers=None) -> dict[int, dict[int, list[tuple[date, Decimal]]]]:
    """worker id → engagement id → [(day, hours)] of the leased employees' timesheets this run paid (plain rows:
    a large run pays 100,000 sheets, too many to load as ORM objects)."""
    out: dict[int, dict[int, list]] = defaultdict(lambda: defaultdict(list))
    # the hours as stored (integer hundredths), each distinct value made a Decimal once as Scaled(2) reads it:
    # 700,000 day columns hold a few dozen distinct values
    scaled = Timesheet.__table__.c.hours_mon.type
    columns = [sa.type_coerce(getattr(Timesheet, f"hours_{d}"), sa.BigInteger) for d in DAYS]
    decimals: dict[int, Decimal] = {}
    # The sheets are found from the workers' engagements (uq_timesheets_engagement_week): `paid_run_id` has no index
    # (0134: the run's mark is a heap-only update). Without `workers` (a run without chunks) they are the workers the
    # run's paychecks pay (uq_paychecks_run_worker_kind), not a walk through every sheet. coalesce() hides the
    # column's statistics, which the run's calculation has just made stale: the planner might otherwise believe
    # the run paid about one sheet, or all of them, and walk every sheet (180,000 at 100,000 workers) per chunk.
    stmt = (sa.select(Engagement.worker_id, Timesheet.engagement_id, Timesheet.week_start, *columns)
            .join(Engagement, Engagement.id == Timesheet.engagement_id)
            .where(sa.func.coalesce(Timesheet.paid_run_id, 0) == run.id, Engagement.type == EMPLOYEE))
    if workers is None:
        stmt = stmt.where(Engagement.worker_id.in_(sa.select(Paycheck.worker_id).where(Paycheck.run_id == run.id)))
    rows = db.session.connection().execute(_only(stmt, Engagement.worker_id, workers)
                                           .order_by(Engagement.worker_id, Timesheet.week_start, Timesheet.id)).all()
    weeks: dict[date, tuple[date, ...]] = {}        # Monday -> the week's seven days: a run pays a few weeks
    overlapping = []            # (worker, engagement) whose sheets' weeks overlap (not a week apart): rare
    for worker_id, engagement_id, week_start, *daily in rows:
        sheet = None
        week = weeks.get(week_start)
        if week is None:
            week = weeks[week_start] = tuple(week_start + offset for offset in _WEEK)
        for day, raw in zip(week, daily):
            if raw:
                h = decimals.get(raw)
                if h is None:
                    h = decimals[raw] = scaled.process_result_value(raw, None)
                if sheet is None:
                    sheet = out[worker_id][engagement_id]
                    # an engagement's sheets come by week (one a week: uq_timesheets_engagement_week) and a sheet's
                    # days in order, so its days are one per day in date order unless two sheets' weeks overlap:
                    # checked once per sheet, not per day for every worker in accrue_run
                    if sheet and sheet[-1][0] >= day:
                        overlapping.append((worker_id, engagement_id))
                sheet.append((day, h))
    for worker_id, engagement_id in overlapping:
        out[worker_id][engagement_id] = _per_day([out[worker_id][engagement_id]])
    return out


_WEEK = tuple(timedelta(days=i) for i in range(len(DAYS)))      # Monday's offset, Tuesday's, …


def _already(kind: str, run_id: int, paycheck_id: int, policy_id: int) -> bool:
    return db.session.execute(sa.select(LeaveEntry.id).where(
        LeaveEntry.kind == kind, LeaveEntry.run_id == run_id, LeaveEntry.paycheck_id == paycheck_id,
        LeaveEntry.policy_id == policy_id)).first() is not None


def _roll_year(row, policy: LeavePolicy, first_day: date, on: date) -> None:
    """Carry the balance over the policy year's anniversary (the law's carryover and balance caps; the agency's
    policy's balance cap) before hours of a new year accrue: carryover and forfeiture entries."""
    start = year_start(first_day, policy)
    if row.policy_year_start >= start:
        return
    if policy.kind == "sick_law":
        law = engine.applicable(policy.jurisdiction, start - timedelta(days=1), employer_size(start))
        result = engine.year_end(law, row.balance)
        carried, forfeited, lines = result.carried, result.forfeited, result.explanation
    else:
        cap = policy.balance_cap
        carried = row.balance if cap is None else min(row.balance, cap)
        forfeited = row.balance - carried
        lines = (f"{policy.name}: {engine.show(carried)} hours carry over"
                 + (f"; {engine.show(forfeited)} over the cap of {engine.show(cap)} are forfeited." if forfeited
                    else "."),)
    if forfeited:
        post(row, "forfeiture", -forfeited, start, explanation=lines)
    post(row, "carryover", ZERO, start, explanation=lines)
    row.policy_year_start, row.accrued_this_year, row.used_this_year = start, ZERO, ZERO


class _Balance:
    """A worker's balance under one policy as a run's accrual reads and moves it: the columns of a
    `leave_balances` row as plain attributes (a run moves up to 100,000 balances; flushing that many ORM objects
    cost more than computing the accruals). `_roll_year`, `post` and `_accrued_in` read it as they read a
    LeaveBalance. Written back by `_write_balances`: new rows inserted in bulk, read ones updated in one
    statement."""

    __slots__ = ("id", "worker_id", "policy_id", "balance", "policy_year_start", "accrued_this_year",
                 "used_this_year", "usable_from")

    def __init__(self, id, worker_id, policy_id, balance, policy_year_start, accrued_this_year, used_this_year,
                 usable_from):
        self.id, self.worker_id, self.policy_id = id, worker_id, policy_id
        self.balance, self.policy_year_start, self.usable_from = balance, policy_year_start, usable_from
        self.accrued_this_year, self.used_this_year = accrued_this_year, used_this_year


_BALANCE_COLUMNS = ("id", "worker_id", "policy_id", "balance", "policy_year_start", "accrued_this_year",
                    "used_this_year", "usable_from")


class _ClientPlace(NamedTuple):
    state: str | None
    city: str | None


class _Place(NamedTuple):
    """What `jurisdictions_of` reads of an engagement and its client: one per distinct work site of a run."""

    work_state: str | None
    work_city: str | None
    work_county: str | None
    client: _ClientPlace


class _Engagement(NamedTuple):
    id: int
    client_id: int
    type: str
    jurisdictions: tuple[str, ...]
    normal_day_hours: Decimal | None = None      # for caps written "N hours or M days" (Cal. Lab. Code 246)


class _LawTerms(NamedTuple):
    policy: LeavePolicy
    policy_id: int
    front_loaded: bool          # granted yearly instead: front_load_services


class _RunContext:
    """What a run's accrual reads, loaded once for all its workers (a run pays up to 100,000 of them): the
    accruals already written for it, the balances of its workers (locked), their hire dates, the policies. (A
    plain class, not a dataclass: the compiled build gives it typed native attributes.)"""

    def __init__(self, run: PayrollRun, size: int, hired: dict, now: datetime) -> None:
        self.run = run
        self.size = size
        self.done: set = set()                  # (paycheck id, policy id) accrued already
        self.balances: dict = {}                # (worker id, policy id) -> _Balance
        self.hired = hired                      # worker id -> first leased engagement's start
        self.laws: dict = {}                    # jurisdiction -> its sick-law policy
        self.own: list = []                     # the agency's active PTO policies
        self.entries: list = []                 # the accrual rows to insert, in one statement
        self.covered: dict = {}                 # jurisdiction -> {day: whether its law applies}
        self.terms: dict = {}                   # jurisdiction -> _LawTerms
        self.new: list = []                     # balances created by this run's accrual
        self.moved: dict = {}                   # id -> a balance read from the database and moved
        self.now = now                          # the stamp of every row written
        # the run's columns as plain values, read once (each read of a mapped attribute goes through the ORM's
        # instrumentation, and the accrual reads them once or twice per worker)
        self.run_id: int = run.id
        self.pay_date: date = run.pay_date
        self.period: tuple = (run.period_start, run.period_end)     # (start, end)

    def accrue(self, row: _Balance, amount: Decimal, paycheck_id: int, worked: Decimal, capped: bool,
               explanation) -> None:
        """An accrual entry (inserted with the others at the end: 100,000 ORM objects would cost more to flush than
        the accrual costs to compute) and the balance it moves."""
        amount = hours(amount)
        row.balance = balance = hours(row.balance + amount)
        self.entries.append((row.worker_id, row.policy_id, "accrual", self.pay_date, units4(amount),
                             units4(balance), units4(hours(worked)), capped, self.run_id, paycheck_id,
                             orjson.dumps(explanation).decode(), self.now))

    def row(self, worker_id: int, policy: LeavePolicy, on: date, policy_id: int | None = None) -> _Balance:
        key = (worker_id, policy.id if policy_id is None else policy_id)
        row = self.balances.get(key)
        if row is None:
            row = _Balance(None, worker_id, key[1], ZERO, year_start(on, policy), ZERO, ZERO, None)
            self.new.append(row)
            self.balances[key] = row
        elif row.id is not None:
            self.moved[row.id] = row
        return row

    def covered_days(self, code: str) -> _Coverage:
        """day -> whether the law of `code` applies that day to an employer of the agency's size (a repealed law, a
        law not yet in force or a size tier the agency is outside of accrues nothing for those days), worked out
        the first time a day is read."""
        days = self.covered.get(code)
        if days is None:
            days = self.covered[code] = _Coverage(code, self.size)
        return days

    def law(self, code: str) -> LeavePolicy:
        if code not in self.laws:
            self.laws[code] = law_policy(code)
        return self.laws[code]

    def law_terms(self, code: str) -> _LawTerms:
        """The sick-law policy of `code` with what the accrual reads of it for every worker, read once."""
        terms = self.terms.get(code)
        if terms is None:
            policy = self.law(code)
            terms = self.terms[code] = _LawTerms(policy, policy.id, bool(getattr(policy, "front_load", False)))
        return terms

    def own_for(self, eng: _Engagement) -> list[LeavePolicy]:
        return [p for p in self.own if p.client_id in (None, eng.client_id) and p.engagement_type in ("", eng.type)]


class _Coverage(dict):
    """day -> whether a jurisdiction's law applies that day to an employer of `size` (see covered_days)."""

    def __init__(self, code: str, size: int):
        super().__init__()
        self.code, self.size = code, size
        self.spans: dict[tuple[date, date], bool] = {}
        self.laws: dict[date, engine.Law] = {}

    def throughout(self, first: date, last: date) -> bool:
        """Whether the law applies every day from `first` to `last`: then it applies to every day worked between
        them, which needs no look-up per day (a run's workers share a handful of first and last days)."""
        key = (first, last)
        whole = self.spans.get(key)
        if whole is None:
            whole = self.spans[key] = all(self[first + timedelta(days=i)] for i in range((last - first).days + 1))
        return whole

    def law_on(self, day: date) -> engine.Law:
        """The law in force on a covered day (engine.applicable), looked up once per day."""
        law = self.laws.get(day)
        if law is None:
            law = self.laws[day] = engine.applicable(self.code, day, self.size)
        return law

    def __missing__(self, day: date) -> bool:
        try:
            engine.applicable(self.code, day, self.size)
            self[day] = True
        except DomainError as e:
            if e.code not in ("not_in_force", "not_covered"):
                raise
            self[day] = False
        return self[day]


def _run_workers(run: PayrollRun):
    """The workers of the run's employee paychecks, as a subquery (a run's 100,000 ids are not sent back)."""
    return sa.select(Paycheck.worker_id).where(Paycheck.run_id == run.id, Paycheck.worker_type == "employee")


_SIZES: dict[tuple, int] = {}       # (run id, approved at) -> employer size: once per process, not per chunk


def _employer_size(run: PayrollRun, workers) -> int:
    """The agency's size at the run's period end (the laws' tiers). A chunk's process counts it once per approved
    run: it is a scan of every leased engagement (100,000 at scale), which each of 40 chunks repeated."""
    if workers is None or run.approved_at is None:
        return employer_size(run.period_end)
    key = (run.id, run.approved_at)
    if key not in _SIZES:
        if len(_SIZES) > 16:
            _SIZES.clear()
        _SIZES[key] = employer_size(run.period_end)
    return _SIZES[key]


def _context(run: PayrollRun, hired: dict, paychecks, workers=None) -> _RunContext:
    """`paychecks`: the ids of the paychecks whose accruals a chunk's `workers` may have written already."""
    ctx = _RunContext(run, _employer_size(run, workers), hired=hired, now=utcnow().replace(tzinfo=None))
    done = sa.select(LeaveEntry.paycheck_id, LeaveEntry.policy_id).where(LeaveEntry.kind == "accrual",
                                                                         LeaveEntry.run_id == run.id)
    # A chunk's by its paychecks' range (a calculation chunk writes its paychecks together: their ids are nearly
    # consecutive), a condition of both uq_leave_entries_run_paycheck (kind, run, paycheck) and the paycheck id's
    # index. By its workers the read walked every accrual the run's other chunks had written, filtering them by
    # worker (0.31 s of a 100,000-worker run's server time, growing with its square).
    if workers is not None:
        done = done.where(within(LeaveEntry.paycheck_id, sorted(paychecks)))
    ctx.done = set(db.session.execute(done).all())
    conn = db.session.connection()
    table = LeaveBalance.__table__
    # a chunk's workers by their ids (one held out of the run has no paycheck and accrues nothing: its rows are
    # read, not moved); the whole run's by subquery
    rows = conn.execute(for_update(_only(sa.select(*(table.c[c] for c in _BALANCE_COLUMNS)), table.c.worker_id,
                                         workers) if workers is not None else
                                   sa.select(*(table.c[c] for c in _BALANCE_COLUMNS))
                                   .where(table.c.worker_id.in_(_run_workers(run)))))
    ctx.balances = {(r[1], r[2]): _Balance(*r) for r in rows}
    # the laws' policies and the agency's accruing PTO policies, in one read (a handful of rows)
    for p in db.session.execute(sa.select(LeavePolicy).where(LeavePolicy.kind.in_(("sick_law", "pto")))
                                .order_by(LeavePolicy.id)).scalars():
        if p.kind == "sick_law":
            if p.code == f"{p.jurisdiction}-SICK":
                ctx.laws[p.jurisdiction] = p
        elif p.active and p.accrual_rate is not None:
            ctx.own.append(p)
    return ctx


class _Employed(NamedTuple):
    """What the accrual reads of the leased engagements of the run's workers, in one read: each worker's first
    start (the hire date of the laws' waiting periods) and the exempt ones (deemed hours)."""

    hired: dict          # worker id -> the earliest start of their leased engagements
    exempt: list         # the ids of their exempt leased engagements (usually none)


def _employed(run: PayrollRun, workers=None) -> _Employed:
    stmt = sa.select(Engagement.worker_id, Engagement.start_date, Engagement.id, Engagement.overtime_exempt).where(
        Engagement.type == EMPLOYEE)
    stmt = stmt.where(within(Engagement.worker_id, workers)) if workers is not None else stmt.where(
        Engagement.worker_id.in_(_run_workers(run)))
    hired: dict[int, date] = {}
    exempt = []
    rows: Sequence[Any] = db.session.connection().execute(stmt).all()      # (Any: see the note above _only)
    for worker_id, start, eid, overtime_exempt in rows:
        first = hired.get(worker_id)
        if first is None or start < first:
            hired[worker_id] = start
        if overtime_exempt:
            exempt.append(eid)
    return _Employed(hired, exempt)


def _engagements(ids) -> dict[int, _Engagement]:
    """The engagements the run paid hours for, each with the sick-leave jurisdictions of its work site, worked out
    once per distinct site (a run's 75,000 engagements sit at a few hundred places)."""
    places: dict[tuple, tuple[str, ...]] = {}       # (state, city, county, client's state, client's city) -> codes
    out = {}
    rows: Sequence[Any] = db.session.connection().execute(
        sa.select(Engagement.id, Engagement.client_id, Engagement.type, Engagement.normal_day_hours,
                  Engagement.work_state, Engagement.work_city, Engagement.work_county, Client.state, Client.city)
        .outerjoin(Client, Client.id == Engagement.client_id).where(id_in(Engagement.id, sorted(ids)))).all()
    for eid, client_id, type_, day, *place in rows:
        key = tuple(place)
        codes = places.get(key)
        if codes is None:
            state, city, county, c_state, c_city = place
            codes = places[key] = jurisdictions_of(_Place(state, city, county, _ClientPlace(c_state, c_city)))
        out[eid] = _Engagement(eid, client_id, type_, codes, day)
    return out


def _write(ctx: _RunContext) -> None:
    """The balances and the accrual entries, written with one statement each: new balances and the entries
    inserted in bulk (COPY on PostgreSQL), the balances read and moved updated in one UPDATE. The ledger's
    one-accrual-per-(run, paycheck, policy) key stays in the database (uq_leave_entries_run_paycheck): a second
    writer's COPY fails whole."""
    db.session.flush()          # carryover and forfeiture entries (_roll_year) and any policy created
    table = LeaveBalance.__table__
    if ctx.new:
        # ids from the sequence's default, as the rows go in: nothing of this run reads a new balance's id back
        bulk_insert("leave_balances", _BALANCE_COLUMNS[1:] + ("created_at", "updated_at"),
                    [(b.worker_id, b.policy_id, units4(b.balance), b.policy_year_start, units4(b.accrued_this_year),
                      units4(b.used_this_year), b.usable_from, ctx.now, ctx.now) for b in ctx.new], ready=True)
    if ctx.moved:
        moved = list(ctx.moved.values())
        if is_postgres():
            db.session.connection().exec_driver_sql(
                "UPDATE leave_balances AS b SET balance = v.balance, policy_year_start = v.policy_year_start, "
                "accrued_this_year = v.accrued_this_year, used_this_year = v.used_this_year, "
                "usable_from = v.usable_from, updated_at = %s "
                "FROM unnest(%s::bigint[], %s::bigint[], %s::date[], %s::bigint[], %s::bigint[], %s::date[]) "
                "AS v(id, balance, policy_year_start, accrued_this_year, used_this_year, usable_from) "
                "WHERE b.id = v.id",
                (ctx.now, [b.id for b in moved], [units4(b.balance) for b in moved],
                 [b.policy_year_start for b in moved], [units4(b.accrued_this_year) for b in moved],
                 [units4(b.used_this_year) for b in moved], [b.usable_from for b in moved]))
        else:
            db.session.connection().execute(
                table.update().where(table.c.id == sa.bindparam("b_id")),
                [{"b_id": b.id, "balance": b.balance, "policy_year_start": b.policy_year_start,
                  "accrued_this_year": b.accrued_this_year, "used_this_year": b.used_this_year,
                  "usable_from": b.usable_from, "updated_at": ctx.now} for b in moved])
        # a LeaveBalance this session loaded before is stale now: read again when next used
        for obj in list(db.session.identity_map.values()):
            if isinstance(obj, LeaveBalance) and obj.id in ctx.moved:
                db.session.expire(obj)
    if ctx.entries:
        bulk_insert("leave_entries", _ENTRY_COLUMNS, ctx.entries, ready=True)


_ENTRY_COLUMNS = ("worker_id", "policy_id", "kind", "on", "hours", "balance_after", "hours_worked", "capped",
                  "run_id", "paycheck_id", "explanation", "created_at")


def _accrue_law(ctx: _RunContext, paycheck_id: int, worker_id: int, code: str, days: list, hired: date,
                note: tuple[str, ...] = (), day_hours: Decimal | None = None) -> int:
    """`days`: (day, hours) in date order, one per day."""
    covered = ctx.covered_days(code)
    if not covered.throughout(days[0][0], days[-1][0]):
        days = [day for day in days if covered[day[0]]]
        if not days:                    # no version in force, or the law covers no employer of the agency's size
            return 0
    policy, policy_id, front_loaded = ctx.law_terms(code)
    if (paycheck_id, policy_id) in ctx.done:
        return 0
    first = days[0][0]
    row = ctx.row(worker_id, policy, first, policy_id)
    accrued, worked, capped, lines = ZERO, ZERO, False, list(note)
    hired = min(hired, first)           # time paid for work before the recorded start: employed since then
    # Hours of a policy year the balance has already left (the January run paying December's days, a late
    # off-cycle run): accrued under that year's law and cap, counted against what that year already accrued.
    late: dict[date, list] = defaultdict(list)
    if first < row.policy_year_start:
        for day in days:
            if day[0] < row.policy_year_start:
                late[year_start(day[0], policy)].append(day)
    for start, group in sorted(late.items()):
        r = engine.accrue(engine.AccrualInput(
            jurisdiction=code, employer_size=ctx.size, hire_date=hired, policy_year_start=start,
            balance_before=row.balance + accrued, accrued_this_year_before=_accrued_in(row, start),
            used_this_year_before=ZERO, hours=tuple(group), day_hours=day_hours))
        accrued, worked, capped = accrued + r.accrued, worked + r.hours_worked, capped or r.capped
        lines += [f"Hours worked in the policy year that began {start}, paid in this run:", *r.explanation]
    current = days if not late else [day for day in days if day[0] >= row.policy_year_start]
    law = None                          # the law of the current year's hours, whose sentences are stored by reference
    if current:
        _roll_year(row, policy, current[0][0], ctx.pay_date)
        result = engine.accrue(engine.AccrualInput(
            jurisdiction=code, employer_size=ctx.size, hire_date=hired, policy_year_start=row.policy_year_start,
            balance_before=row.balance + accrued, accrued_this_year_before=row.accrued_this_year,
            used_this_year_before=row.used_this_year, hours=tuple(current), day_hours=day_hours,
            front_loaded=front_loaded, worked_before=_worked_before(row, code, hired)))  # Nebraska's 80-hour start
        accrued, worked, capped = accrued + result.accrued, worked + result.hours_worked, capped or result.capped
        lines += result.explanation
        row.accrued_this_year = hours(result.accrued_this_year)
        row.usable_from = result.usable_from
        law = covered.law_on(current[0][0])                           # the one engine.accrue applied
    ctx.accrue(row, accrued, paycheck_id, worked, capped,
               lines if law is None else explanations.compact(lines, law, day_hours))
    return 1


def _worked_before(row, code: str, hired: date):
    """For a law whose accrual starts only after some hours worked (Nebraska: 80), the hours this balance's
    earlier accruals counted (their `hours_worked`, net of reversals) as one figure on the hire date; None for
    every other law (the engine then checks no threshold, and the run reads nothing more)."""
    if not _starts_after_hours(code):
        return None
    if row.id is None:                   # a balance this run creates: no earlier accrual
        return ()
    total = db.session.execute(sa.select(sa.func.coalesce(sa.func.sum(LeaveEntry.hours_worked), 0)).where(
        LeaveEntry.worker_id == row.worker_id, LeaveEntry.policy_id == row.policy_id,
        LeaveEntry.kind == "accrual")).scalar() or ZERO
    reversed_ = db.session.execute(sa.select(sa.func.coalesce(sa.func.sum(LeaveEntry.hours_worked), 0)).where(
        LeaveEntry.worker_id == row.worker_id, LeaveEntry.policy_id == row.policy_id,
        LeaveEntry.kind == "reversal")).scalar() or ZERO
    worked = Decimal(total) - abs(Decimal(reversed_))
    return ((hired, worked),) if worked > 0 else ()


@lru_cache(maxsize=None)
def _starts_after_hours(code: str) -> bool:
    return any(law.accrual_after_hours is not None for law in engine.every_law() if law.jurisdiction == code)


def _accrued_in(row: _Balance, start: date) -> Decimal:
    """What the ledger accrued to this balance in the calendar policy year beginning `start` (by pay date)."""
    if row.id is None:
        return ZERO
    return db.session.execute(sa.select(sa.func.coalesce(sa.func.sum(LeaveEntry.hours), 0)).where(
        LeaveEntry.worker_id == row.worker_id, LeaveEntry.policy_id == row.policy_id, LeaveEntry.kind == "accrual",
        LeaveEntry.on >= start, LeaveEntry.on < date(start.year + 1, 1, 1))).scalar() or ZERO


def _accrue_own(ctx: _RunContext, paycheck_id: int, worker_id: int, policy: LeavePolicy, worked: Decimal,
                first_day: date) -> int:
    if (paycheck_id, policy.id) in ctx.done:
        return 0
    run = ctx.run
    row = ctx.row(worker_id, policy, first_day)
    _roll_year(row, policy, first_day, run.pay_date)
    rate = cast(Decimal, policy.accrual_rate)      # set: _context keeps the accruing policies only
    r = accrue_pto(policy.name, rate, worked, row.balance, row.accrued_this_year, policy.annual_accrual_cap,
                   policy.balance_cap)
    ctx.accrue(row, r.accrued, paycheck_id, worked, r.capped, r.explanation)
    row.accrued_this_year = hours(r.accrued_this_year)
    return 1


def _salaried_exempt(run: PayrollRun, worked: dict, exempt: list, workers=None) -> dict[int, list[int]]:
    """worker id → the exempt salaried engagements this run paid a salary for and no recorded time: their hours are
    the law's deemed hours (e.g. Cal. Lab. Code 246(b)(2): 40 a week)."""
    out: dict[int, list[int]] = defaultdict(list)
    # the exempt engagements first (`_employed`; usually none): a salary line is looked for only on theirs, where
    # the lines' join read every earning line of the chunk's paychecks to find none
    if not exempt:
        return out
    rows: Sequence[Any] = db.session.execute(_only(
        sa.select(Paycheck.worker_id, PaycheckLine.engagement_id).distinct()
        .join(Paycheck, Paycheck.id == PaycheckLine.paycheck_id)
        .where(Paycheck.run_id == run.id, Paycheck.worker_type == "employee", PaycheckLine.kind == "earning",
               PaycheckLine.code == "salary", id_in(PaycheckLine.engagement_id, sorted(exempt))),
        Paycheck.worker_id, workers)).all()
    for worker_id, eid in rows:
        if eid not in worked.get(worker_id, {}):
            out[worker_id].append(eid)
    return out


def _deemed_days(law, start: date, end: date) -> list[tuple[date, Decimal]]:
    """The law's deemed weekly hours spread over the weekdays of the pay period (40 a week: 8 a weekday)."""
    if law.exempt_weekly_hours is None:
        return []
    daily = law.exempt_weekly_hours / 5
    return [(start + timedelta(days=i), daily) for i in range((end - start).days + 1)
            if (start + timedelta(days=i)).weekday() < 5]


def accrue_run(run: PayrollRun, workers=None) -> int:
    """Accrue every leased employee's leave from the hours this approved run pays (an exempt salaried employee's
    deemed hours where the law deems them); with `workers` (the ids of one chunk's workers), only theirs.
    Returns the entries written."""
    worked = _days_worked(run, workers)
    employed = _employed(run, workers)
    deemed = _salaried_exempt(run, worked, employed.exempt, workers)
    for worker_id, eids in deemed.items():
        for eid in eids:
            worked[worker_id][eid] = []          # filled per law below (each law deems its own hours)
    if not worked:
        return 0
    stmt = sa.select(Paycheck.worker_id, Paycheck.id).where(Paycheck.run_id == run.id,
                                                             Paycheck.worker_type == "employee")
    paychecks = dict(db.session.connection().execute(
        stmt if workers is None else stmt.where(within(Paycheck.worker_id, workers))).all())
    engagements = _engagements({eid for by in worked.values() for eid in by})
    ctx = _context(run, employed.hired, paychecks.values(), workers)
    written = 0
    period_start, period_end = ctx.period
    for worker_id, by_engagement in sorted(worked.items()):
        paycheck_id = paychecks.get(worker_id)
        if paycheck_id is None:         # held out of the run: its hours accrue with the run that pays them
            continue
        hired = ctx.hired.get(worker_id) or period_start
        by_place: dict[str, list] = defaultdict(list)       # jurisdiction -> the day lists worked there
        notes: dict[str, tuple[str, ...]] = {}
        day_of: dict[str, Decimal] = {}      # the longest normal day of the engagements worked under each law
        by_policy: dict[int, tuple[LeavePolicy, Decimal, date]] = {}
        for eid, days in by_engagement.items():
            eng = engagements[eid]
            for code in eng.jurisdictions:
                if eng.normal_day_hours is not None:
                    day_of[code] = max(day_of.get(code, eng.normal_day_hours), eng.normal_day_hours)
                if not days:             # exempt and salaried: the law's deemed hours for the period
                    if not ctx.covered_days(code)[period_end]:
                        continue
                    law = engine.applicable(code, period_end, ctx.size)
                    by_place[code].append(_deemed_days(law, period_start, period_end))
                    if law.exempt_weekly_hours is not None:
                        notes[code] = (f"Exempt and salaried: deemed to work {engine.show(law.exempt_weekly_hours)} "
                                       f"hours a week ({law.source('exempt_weekly_hours')}).",)
                else:
                    by_place[code].append(days)
            if not days or not ctx.own:
                continue
            for policy in ctx.own_for(eng):
                p, total, first = by_policy.get(policy.id, (policy, ZERO, days[0][0]))
                by_policy[policy.id] = (p, total + sum((h for _, h in days), ZERO), min(first, days[0][0]))
        for code, parts in sorted(by_place.items()):
            # one engagement's days (_days_worked) or the deemed weekdays come in order, one per day: several
            # engagements' under one law are added up per day
            days = parts[0] if len(parts) == 1 else _per_day(parts)
            if days:
                written += _accrue_law(ctx, paycheck_id, worker_id, code, days, hired, notes.get(code, ()),
                                       day_of.get(code))
        for policy, total, first in by_policy.values():
            written += _accrue_own(ctx, paycheck_id, worker_id, policy, total, first)
    _write(ctx)
    return written


def _per_day(parts: list[list]) -> list[tuple[date, Decimal]]:
    """Several lists of (day, hours) as one, the hours of a day added up, in date order."""
    merged: dict[date, Decimal] = defaultdict(lambda: ZERO)
    for days in parts:
        for d, h in days:
            merged[d] += h
    return sorted(merged.items())


def use_run(run: PayrollRun, workers=None) -> int:
    """The approved requests this run's paychecks paid (of the chunk's `workers`): their hours leave the balance (a
    `use` entry each) and the requests become paid."""
    rows: Sequence[Any] = db.session.execute(_only(
        sa.select(LeaveRequest, PayrollAdjustment.paycheck_id)
        .join(PayrollAdjustment, PayrollAdjustment.id == LeaveRequest.adjustment_id)
        .join(Paycheck, Paycheck.id == PayrollAdjustment.paycheck_id)
        .where(Paycheck.run_id == run.id, LeaveRequest.status == "approved", PayrollAdjustment.status == "applied"),
        LeaveRequest.worker_id, workers)
        .order_by(LeaveRequest.id)).all()
    for req, paycheck_id in rows:
        row = balance_row(req.worker_id, req.policy, req.start_date)
        _roll_year(row, req.policy, req.start_date, run.pay_date)
        post(row, "use", -req.hours, run.pay_date, request_id=req.id, run_id=run.id, paycheck_id=paycheck_id,
             explanation=(f"{engine.show(req.hours)} hours of {req.policy.name} taken {req.start_date.isoformat()}"
                          + ("" if req.end_date == req.start_date else f" to {req.end_date.isoformat()}")
                          + f", paid at ${req.rate} an hour ({req.rate_method}).",))
        row.used_this_year = hours(row.used_this_year + req.hours)
        transition(req, "pay")
        req.paid_run_id = run.id
    return len(rows)


def run_approved(run: PayrollRun, workers=None) -> None:
    """payroll.hooks RUN_APPROVED_CHUNK: accrue from the hours the run pays the chunk's `workers` (None: all the
    run's workers), then take out the leave it pays them — once the run's paychecks are final, before its paystubs
    are rendered (they print the leave lines; payroll sends them when the last chunk is done). A worker is in one
    chunk only and the balances are per worker, so chunks run in parallel without waiting on each other."""
    workers = None if workers is None else IdList(workers)      # named by six reads: one array literal
    accrue_run(run, workers)
    use_run(run, workers)
    db.session.flush()


def run_law_policies(run: PayrollRun) -> None:
    """payroll.hooks RUN_APPROVED, in the approval's unit of work: the sick-leave policy of every law in force during
    the run's period where its employees work, created now if it is the first run to pay hours there — not by two
    chunks at once, whose inserts of the same policy code would collide."""
    size = employer_size(run.period_end)
    days = [run.period_start + timedelta(days=i) for i in range((run.period_end - run.period_start).days + 1)]
    # the engagements' places made distinct before their clients are joined (a handful of rows, not 75,000)
    own = sa.select(Engagement.work_state, Engagement.work_city, Engagement.work_county, Engagement.client_id)\
        .distinct().where(Engagement.worker_id.in_(_run_workers(run)), Engagement.type == EMPLOYEE).subquery()
    with planned_for_fresh_rows():      # the run's paychecks are new: hashed, not an index probe per paycheck
        places: Sequence[Any] = db.session.connection().execute(
            sa.select(own.c.work_state, own.c.work_city, own.c.work_county, Client.state, Client.city)
            .distinct().outerjoin(Client, Client.id == own.c.client_id)).all()
    codes = {code for state, city, county, c_state, c_city in places
             for code in jurisdictions_of(_Place(state, city, county, _ClientPlace(c_state, c_city)))}
    for code in sorted(codes):
        for day in days:
            try:
                engine.applicable(code, day, size)
            except DomainError as e:
                if e.code not in ("not_in_force", "not_covered"):
                    raise
                continue
            law_policy(code)
            break


def paychecks_reversed(reversal_run: PayrollRun) -> None:
    """payroll.hooks PAYCHECKS_REVERSED: each reversed paycheck's accruals are taken back (`reversal`) and the
    leave it paid goes back to the balance (`restore`), keyed by the reversal paycheck so it happens once."""
    pairs: Sequence[Any] = db.session.execute(sa.select(Paycheck.id, Paycheck.reverses_id).where(
        Paycheck.run_id == reversal_run.id, Paycheck.reverses_id.is_not(None))).all()
    for new_id, orig_id in pairs:
        for entry in db.session.execute(sa.select(LeaveEntry).where(
                LeaveEntry.paycheck_id == orig_id, LeaveEntry.kind.in_(("accrual", "use")))
                .order_by(LeaveEntry.id)).scalars().all():
            kind = "reversal" if entry.kind == "accrual" else "restore"
            if not entry.hours or _already(kind, reversal_run.id, new_id, entry.policy_id):
                continue
            policy = cast(LeavePolicy, db.session.get(LeavePolicy, entry.policy_id))    # the entry's key
            row = balance_row(entry.worker_id, policy, entry.on)
            post(row, kind, -entry.hours, reversal_run.pay_date, run_id=reversal_run.id, paycheck_id=new_id,
                 explanation=(f"Paycheck {orig_id} was reversed: its {entry.kind} of {engine.show(abs(entry.hours))}"
                              f" hours is taken back.",))
            if entry.kind == "accrual":
                row.accrued_this_year = hours(row.accrued_this_year + entry.hours * -1)
            else:
                row.used_this_year = hours(row.used_this_year + entry.hours)
    db.session.flush()


def roll_years(today: date) -> int:
    """Carry every balance whose policy year ended over its anniversary (carryover caps, forfeiture), so balances
    and this year's counts are right on January 1 even before the year's first run. Safe to run every day."""
    from backoffice.leave.models import LeaveBalance
    from backoffice.uow import transaction

    n = 0
    with transaction():
        for row in db.session.execute(sa.select(LeaveBalance).where(
                LeaveBalance.policy_year_start < year_start(today)).order_by(LeaveBalance.id)).scalars().all():
            _roll_year(row, row.policy, today, today)
            n += 1
    return n
