"""Payroll runs: creation, pre-run checks, calculation in chunks, approval and payment (corrections.py: reversal,
re-issue, retro pay)."""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import orjson
import sqlalchemy as sa
from flask import current_app

from backoffice.batching import gc_paused
from backoffice.db import beside, in_turn, utcnow
from backoffice.errors import DomainError, Issue, NotFound, PermissionDenied, raise_if
from backoffice.extensions import db
from backoffice.money import MONEY, D, number_problem
from backoffice.notifications.models import Notification
from backoffice.notifications.services import PENDING_FLAG, key_column, key_exists, notify_from_select
from backoffice.security.access import allowed_actions, can
from backoffice.states import check_move, transition
from backoffice.tasks import enqueue as send_task
from backoffice.tasks import runs_in_process
from backoffice.uow import commits_here, for_update, transaction, transition_once
from backoffice.validation import is_record_id
from backoffice.periods import PayFrequency
from backoffice.workers.models import Client, Engagement, StateRegistration, Worker
from backoffice.workers.profile import BankAccount, TaxProfile, W9Form
from payroll.engine.locals import localities_for_year, locality_from_json, locality_refusal
from payroll.engine.states import states_computed_on
from payroll.models import (
    ADJUSTMENT_CODES,
    RUN_MACHINE,
    Paycheck,
    PaycheckHold,
    PayrollAdjustment,
    PayrollRun,
    PaySchedule,
    RunChunk,
    Timesheet,
    timesheet_not_approved,
)
from payroll import hooks
from payroll.models_ledger import Payment

from . import calc, four_eyes, paid_periods
from .common import IdList, get_run, id_in, pending_approval_chunks, refuse_while_approving, user_id
from .paycheck_inputs import pays_time, residence_locality, work_locality
from .ledger import post_entry, raw_sum
from .payments import cash_out, create_payments
from .schedules import period_and_pay_date
from .workers_comp import engagement_problems as workers_comp_problems

log = logging.getLogger(__name__)
OFF_CYCLE_KINDS = ("bonus", "correction", "final")

# The right each run action needs (the services check the same; payments.py checks the payment ones).
RUN_RIGHTS = {"calculate": ("payroll_run", "write"), "resume": ("payroll_run", "write"),
              "approve": ("payroll_run", "write"), "pay": ("payroll_run", "write"),
              "reverse": ("payroll_run", "write"), "nacha": ("payment", "create"),
              "record_return": ("payment", "create")}


def _require(user, action: str = "write") -> None:
    if user is None or not can(user, "payroll_run", action):
        raise PermissionDenied(f"{getattr(user, 'role', 'anonymous')} may not {action} payroll runs")


def run_actions(run: PayrollRun, user) -> frozenset[str]:
    """What `user` may do to the run now: its state's moves that they hold the right for (a reversal run is
    never reversed itself)."""
    actions = allowed_actions(run, user, RUN_RIGHTS)
    return actions - {"reverse"} if run.kind == "reversal" else actions


# ------------------------------------------------------------------------------------------------ creation
def past_pay_date_issue(pay_date: date, today: date | None, confirmed: bool) -> Issue | None:
    """The warning for a run whose pay date is today or already past (the deposits cannot arrive on it: an ACH
    credit settles a banking day or more after the file is sent), unless the user confirmed it. No `today` (a
    script, the demo, a test building records) means no one to warn."""
    if today is None or confirmed or not isinstance(pay_date, date) or pay_date > today:
        return None
    when = "today" if pay_date == today else f"already past (today is {today:%b} {today.day}, {today.year})"
    return Issue("pay_date", f"the pay date {pay_date:%b} {pay_date.day}, {pay_date.year} is {when}: the deposits "
                 "cannot arrive on it. Confirm to create the run anyway (confirm_past_pay_date)", "past_pay_date")


@transaction()
def create_regular_run(schedule_id: int, period_containing: date, user, *, today: date | None = None,
                       confirm_past_pay_date: bool = False) -> PayrollRun:
    """A draft regular run for the schedule period containing `period_containing` (pay date from the calendar).
    One regular run per schedule period: a second one, or one sharing a day with it, is refused. A pay date on or
    before `today` is refused with a warning on `pay_date` unless `confirm_past_pay_date`."""
    _require(user, "create")
    schedule = db.session.get(PaySchedule, schedule_id) if is_record_id(schedule_id) else None
    if schedule is None:
        raise NotFound(f"pay schedule {schedule_id} not found")
    period, pay_date = period_and_pay_date(schedule, period_containing)
    dup = db.session.execute(sa.select(PayrollRun.id).where(
        PayrollRun.pay_schedule_id == schedule.id, PayrollRun.kind == "regular",
        PayrollRun.period_start <= period.end, PayrollRun.period_end >= period.start,
        PayrollRun.state != "reversed")).scalar()
    if dup:
        raise DomainError(f"run #{dup} already pays {schedule.name} for {period.start}–{period.end}",
                          code="duplicate_run")
    raise_if([i for i in [past_pay_date_issue(pay_date, today, confirm_past_pay_date)] if i])
    run = PayrollRun(kind="regular", state="draft", pay_schedule_id=schedule.id, frequency=schedule.frequency,
                     period_start=period.start, period_end=period.end, pay_date=pay_date,
                     description=f"{schedule.name} {period.start:%b %d}–{period.end:%b %d, %Y}",
                     prepared_by_id=user_id(user), chunk_size=int(current_app.config.get("PAYROLL_CHUNK_SIZE", 2000)))
    db.session.add(run)
    db.session.flush()
    four_eyes.record(run.id, user, "created")
    return run


@transaction()
def create_off_cycle_run(kind: str, pay_date: date, items: list[dict], user, *, description: str = "",
                         frequency: str = "biweekly", today: date | None = None,
                         confirm_past_pay_date: bool = False) -> PayrollRun:
    """A draft bonus / correction / final-pay run paying `items` [{engagement_id, code, amount, note?}].
    A final-pay run also pays the engagement's approved, unpaid time. Every bad item is reported; then a pay date
    on or before `today` is refused with a warning unless `confirm_past_pay_date`."""
    _require(user, "create")
    issues: list[Issue] = []
    if kind not in OFF_CYCLE_KINDS:
        issues.append(Issue("kind", f"must be one of {', '.join(OFF_CYCLE_KINDS)}"))
    if frequency not in ("weekly", "biweekly", "semimonthly", "monthly"):
        issues.append(Issue("frequency", "must be weekly, biweekly, semimonthly or monthly"))
    if not isinstance(pay_date, date):
        issues.append(Issue("pay_date", "is required", "required"))
    if not items:
        issues.append(Issue("items", "an off-cycle run needs at least one item", "required"))
    cleaned = [_clean_adjustment(item, f"items[{i}]", issues) for i, item in enumerate(items or [])]
    raise_if(issues)
    raise_if([i for i in [past_pay_date_issue(pay_date, today, confirm_past_pay_date)] if i])
    run = PayrollRun(kind=kind, state="draft", frequency=frequency, period_start=pay_date, period_end=pay_date,
                     pay_date=pay_date, description=description or f"{kind.replace('_', ' ').title()} {pay_date}",
                     prepared_by_id=user_id(user), chunk_size=int(current_app.config.get("PAYROLL_CHUNK_SIZE", 2000)))
    db.session.add(run)
    db.session.flush()
    four_eyes.record(run.id, user, "created")
    for c in cleaned:
        db.session.add(PayrollAdjustment(run_id=run.id, created_by_id=user_id(user), **c))
    return run


def _clean_adjustment(item: dict, where: str, issues: list[Issue]) -> dict:
    out = {}
    if not isinstance(item, dict):
        issues.append(Issue(where, "must be an object"))
        return out
    eng_id = item.get("engagement_id")
    eng = db.session.get(Engagement, eng_id) if is_record_id(eng_id) else None
    if eng is None:
        issues.append(Issue(f"{where}.engagement_id", f"engagement {eng_id!r} not found", "not_found"))
    code = item.get("code")
    if code not in ADJUSTMENT_CODES:
        issues.append(Issue(f"{where}.code", f"must be one of {', '.join(ADJUSTMENT_CODES)}"))
    try:
        amount = D(str(item.get("amount")))
        if amount <= 0:
            raise ValueError
        problem = number_problem(amount, MONEY)
        if problem is not None:
            issues.append(Issue(f"{where}.amount", "has fractions of a cent" if problem[0] == "too_precise"
                                else problem[1], problem[0]))
    except ValueError:
        issues.append(Issue(f"{where}.amount", "must be an amount above zero"))
        amount = None
    note = str(item.get("note") or "")[:500]
    return {"engagement_id": eng_id, "code": code, "amount": amount, "note": note}


@transaction()
def add_adjustment(engagement_id: int, code: str, amount, user, *, note: str = "") -> PayrollAdjustment:
    """A pending extra earning paid by the next regular run that pays the engagement."""
    _require(user, "create")
    issues: list[Issue] = []
    c = _clean_adjustment({"engagement_id": engagement_id, "code": code, "amount": amount, "note": note}, "", issues)
    raise_if([Issue(i.field.lstrip("."), i.message, i.code) for i in issues])
    adj = PayrollAdjustment(created_by_id=user_id(user), **c)
    db.session.add(adj)
    return adj


# ------------------------------------------------------------------------------------------------ checks
# What each per-paycheck problem does (docs/payroll-operations.md, "Exceptions, not blockers"): `hold` — the
# paycheck cannot be computed right, so the worker is held out of the run automatically (paid later by a regular
# or an off-cycle run once fixed); `note` — the paycheck is paid and the problem is stated; `assess` — paid as
# the engagement's type while HR assesses its classification (held instead when the agency's setting
# CLASSIFICATION_HOLD_UNCLASSIFIED says so, see exception_action). Only run-level problems (nothing to pay; a
# negative net pay before approval) block the run.
EXCEPTION_ACTIONS = {
    "unclassified": "assess", "unsupported_state": "hold", "no_state_registration": "hold",
    "period_already_paid": "hold",
    "missing_w4": "note", "missing_w9": "note", "no_bank_account": "note", "unapproved_time": "note",
    # workers' comp: the paycheck is right, the premium (an employer cost) does not accrue until HR fixes it
    "no_wc_class": "note", "no_wc_rate": "note", "wc_hours_unknown": "note",
}


def _hold_unclassified() -> bool:
    return str(current_app.config.get("CLASSIFICATION_HOLD_UNCLASSIFIED") or "").strip().lower() in (
        "1", "true", "yes", "on")


def exception_action(code: str) -> str:
    """What a paycheck problem does in a run: hold, note or assess (EXCEPTION_ACTIONS, with the agency's setting)."""
    if code == "unclassified" and _hold_unclassified():
        return "hold"
    return EXCEPTION_ACTIONS.get(code, "hold")


@dataclass(frozen=True)
class RunException:
    """One paycheck's problem in a run, by worker (with the engagement it comes from)."""

    worker_id: int
    worker_name: str
    engagement_id: int | None
    code: str
    message: str
    action: str          # hold | note | assess
    held: bool           # the worker is held out of this run (automatically or by HR)

    def as_dict(self) -> dict:
        return {"worker_id": self.worker_id, "worker_name": self.worker_name, "engagement_id": self.engagement_id,
                "code": self.code, "message": self.message, "action": self.action, "held": self.held}


def _state_certificates_text(pay_date: date):
    """Each worker's state certificates in force on the pay date (the latest tax profile: rank 1) as JSON text, a
    subquery to join on worker_id and rank: the local-tax check reads the county on Indiana's WH-4 from them. Text,
    parsed only for a combination not seen before (most workers share a handful). Ranked in one pass over the tax
    profiles: a correlated lookup per engagement cost the server 40% more at 100,000 workers and priced the query
    high enough to be JIT-compiled."""
    return (sa.select(TaxProfile.worker_id, sa.cast(TaxProfile.state_certificate, sa.Text).label("certificates"),
                      sa.func.row_number().over(partition_by=TaxProfile.worker_id,
                                                order_by=(TaxProfile.effective_date.desc(), TaxProfile.id.desc()))
                      .label("rank"))
            .where(TaxProfile.effective_date <= pay_date).subquery())


def _locality_problems(run: PayrollRun, in_scope, read) -> Callable[[], list[tuple[str, int, int, str]]]:
    """Employees whose home or work site levies a local tax the data cannot compute (payroll/engine/locals): held,
    never paid with a silent zero. Only workers living or working in a state with local data are looked at.
    Sends its read with `read` (backoffice.db.beside) and returns the function that gives the problems."""
    states = sorted({r.state for r in localities_for_year(run.pay_date.year)})
    if not states:
        return lambda: []
    certificates = _state_certificates_text(run.pay_date)
    places = sa.select(
        Engagement.work_state, Engagement.work_city, Engagement.work_county, Engagement.work_psd_code,
        Engagement.work_transit_district, Client.city.label("client_city"), Client.state.label("client_state"),
        Worker.state, Worker.city, Worker.municipality, Worker.county, Worker.psd_code, Worker.school_district,
        certificates.c.certificates,
    ).join(Worker, Worker.id == Engagement.worker_id).join(Client, Client.id == Engagement.client_id).outerjoin(
        certificates, sa.and_(certificates.c.worker_id == Engagement.worker_id, certificates.c.rank == 1)).where(
        in_scope, Engagement.type == "leased_employee",
        sa.or_(Engagement.work_state.in_(states), Worker.state.in_(states)))
    width = len(places.selected_columns)
    periods = PayFrequency(run.frequency).periods_per_year
    answers: dict[tuple, str | None] = {}

    def refusal(r) -> str | None:
        """Why this row's places and certificates cannot be computed, asked once per distinct row of them."""
        key = tuple(r[:width])
        if key not in answers:
            home, site = locality_from_json(residence_locality(r)), locality_from_json(work_locality(r))
            cert = {str(k).upper(): v for k, v in (orjson.loads(r.certificates) or {}).items()} if r.certificates else None
            answers[key] = locality_refusal(home, site, run.pay_date, periods, cert)
        return answers[key]

    # the answer depends only on the two places and the certificates, and a run's workers share a few of them (3 in
    # a 100,000-worker run): the distinct ones are asked first, and the engagements read only when one is refused
    # (shipping the 37,500 local workers of a 100,000-worker run cost this process 0.08 s to find none)
    distinct = read(lambda conn: conn.execute(places.distinct()).all())

    def problems() -> list[tuple[str, int, int, str]]:
        if not any([refusal(r) for r in distinct.result()]):
            return []
        return [("unsupported_locality", r.id, r.worker_id, f"local tax cannot be computed: {why}: held")
                for r in db.session.execute(places.add_columns(Engagement.id, Engagement.worker_id)
                                            .order_by(Engagement.id))
                if (why := refusal(r))]
    return problems


def _engagement_problems(run: PayrollRun, read=None) -> list[tuple[str, int, int, str]]:
    """(code, engagement id, worker id, message) for every per-paycheck problem of the run's engagements. `read`
    (backoffice.db.beside) takes the local-tax read, the largest, to a second connection while this one asks the
    other checks; by default it is read here, in its turn."""
    s = db.session
    in_scope = calc.in_scope(run)
    found: list[tuple[str, int, int, str]] = []
    localities = _locality_problems(run, in_scope, read or in_turn(s))     # sent first: it takes longest

    def add(rows, code, message):
        found.extend((code, eid, wid, message) for eid, wid in rows)

    def scoped(*where):
        return s.execute(sa.select(Engagement.id, Engagement.worker_id).where(in_scope, *where)
                         .order_by(Engagement.id))

    leased = Engagement.type == "leased_employee"
    # states computing on this run's pay date, period start and frequency (a state covered only part of the year
    # is paid when the run falls in its covered dates; Utah's version follows the period's start)
    covered = sorted(states_computed_on(run.pay_date, PayFrequency(run.frequency).periods_per_year,
                                        run.period_start, run.period_end))
    # the workers living in no covered state read once (a hashed subplan), not looked up per engagement: an EXISTS
    # OR-ed with the work state was a correlated subplan, priced high enough to be JIT-compiled
    uncovered = sa.select(Worker.id).where(Worker.state != "", Worker.state.not_in(covered))
    # the checks that need no more than the engagement and two small sets (the workers living in no covered state,
    # the agency's registrations: hashed once) asked in one pass over the run's engagements, a column each; the
    # checks against a large table stay one anti-join each (as columns they were per-row subplans: 3.7x the CPU)
    one_pass = {
        "unclassified": Engagement.classification.is_(None),
        "unsupported_state": sa.and_(leased, sa.or_(Engagement.work_state.not_in(covered),
                                                    Engagement.worker_id.in_(uncovered))),
        "no_state_registration": sa.and_(leased, Engagement.work_state.not_in(sa.select(StateRegistration.state))),
    }
    flagged = s.execute(sa.select(Engagement.id, Engagement.worker_id, *one_pass.values())
                        .where(in_scope, sa.or_(*one_pass.values())).order_by(Engagement.id)).all()
    by_check = {code: [(r[0], r[1]) for r in flagged if r[2 + i]] for i, code in enumerate(one_pass)}

    add(by_check["unclassified"], "unclassified",
        "no signed classification assessment: held until HR signs one" if _hold_unclassified() else
        "no signed classification assessment: paid as its engagement type; HR assesses the engagement")
    has_w4 = sa.select(TaxProfile.id).where(TaxProfile.worker_id == Engagement.worker_id,
                                            TaxProfile.effective_date <= run.pay_date).exists()
    add(scoped(leased, ~has_w4), "missing_w4",
        "no Form W-4 effective on the pay date: withheld as Single with no adjustments (Pub 15-T)")
    has_w9 = sa.select(W9Form.id).where(W9Form.worker_id == Engagement.worker_id).exists()
    add(scoped(Engagement.type == "contractor", ~has_w9), "missing_w9",
        "no Form W-9 on file: backup withholding applies while no correct TIN is on file")
    has_bank = sa.select(BankAccount.id).where(BankAccount.worker_id == Engagement.worker_id,
                                               BankAccount.status == "active").exists()
    if run.state == "draft":     # once calculated, a missing account holds that worker's payment, not the run
        add(scoped(~has_bank), "no_bank_account",
            "no active direct-deposit account: the payment is held until one is added")
    if pays_time(run):
        pending = sa.select(Timesheet.id).where(
            Timesheet.engagement_id == Engagement.id, timesheet_not_approved(),   # rejected, disputed too
            Timesheet.paid_run_id.is_(None), Timesheet.week_start <= run.period_end - timedelta(days=6)).exists()
        add(scoped(pending), "unapproved_time",
            "timesheets in the period are not approved: that time is paid by a later run once approved")
    add(by_check["unsupported_state"], "unsupported_state",
        "the work or residence state has no state tax module for the year: held")
    found.extend(localities())
    found.extend(workers_comp_problems(run, in_scope))
    add(by_check["no_state_registration"], "no_state_registration",
        "the agency has no registration (SUTA rate) in the work state: held")
    paid = paid_periods.run_issues(run, in_scope)
    if paid:        # the workers of the engagements named, not of every engagement in scope
        eids = [int(issue.field.split("[")[1].rstrip("]")) for issue in paid]
        owners = dict(s.execute(sa.select(Engagement.id, Engagement.worker_id)
                                .where(id_in(Engagement.id, sorted(set(eids))))).all())
        found.extend((issue.code, eid, owners.get(eid), issue.message) for eid, issue in zip(eids, paid))
    return found


def paycheck_exceptions(run_id: int) -> list[RunException]:
    """Every per-paycheck problem of the run, by worker, with what it does (hold or note) and whether the worker
    is held; HR holds are listed too (code held_by_hr)."""
    run = get_run(run_id)
    s = db.session
    holds = {h.worker_id: h for h in s.execute(sa.select(PaycheckHold).where(PaycheckHold.run_id == run.id))
             .scalars()}
    problems = _engagement_problems(run) if run.state == "draft" else []
    ids = {wid for _, _, wid, _ in problems} | set(holds)
    names = {w.id: f"{w.first_name} {w.last_name}" for w in s.execute(
        sa.select(Worker.id, Worker.first_name, Worker.last_name).where(Worker.id.in_(ids)))} if ids else {}
    out = [RunException(wid, names.get(wid, f"worker {wid}"), eid, code, message, exception_action(code),
                        wid in holds or exception_action(code) == "hold")
           for code, eid, wid, message in problems]
    out += [RunException(h.worker_id, names.get(h.worker_id, f"worker {h.worker_id}"), None, h.code, h.reason,
                         "hold", True) for h in holds.values() if h.code == "held_by_hr"]
    return sorted(out, key=lambda e: (e.worker_name, e.code))


def pre_run_checks(run_id: int) -> list[Issue]:
    """The run-level problems that block it: nothing to pay; after calculation, a negative net pay (a paycheck
    cannot pay less than nothing). Per-paycheck problems are exceptions (paycheck_exceptions), not blockers."""
    run = get_run(run_id)
    s = db.session
    issues: list[Issue] = []
    if run.state in ("calculated", "approved"):
        # `net < 0` written out, not bound: the partial index ix_paychecks_negative_net matches it in any plan
        for pid, wid, net in s.execute(sa.select(Paycheck.id, Paycheck.worker_id, Paycheck.net).where(
                Paycheck.run_id == run.id, Paycheck.net < sa.literal_column("0"))):
            issues.append(Issue(f"paychecks[{pid}]", f"worker {wid}: negative net pay {net}", "negative_net"))
    elif run.state == "draft":
        if s.execute(sa.select(Engagement.id).where(calc.in_scope(run)).limit(1)).first() is None:
            issues.append(Issue("run", "no engagement is paid by this run", "empty_run"))
    return issues


def _hold_automatically(run: PayrollRun, user, read=None) -> int:
    """Hold out of the run every worker with a problem that makes the paycheck wrong (EXCEPTION_ACTIONS hold)."""
    held = set(db.session.execute(sa.select(PaycheckHold.worker_id).where(PaycheckHold.run_id == run.id)).scalars())
    rows = {}
    for code, _eid, wid, message in _engagement_problems(run, read):
        if exception_action(code) == "hold" and wid not in held and wid not in rows:
            rows[wid] = {"run_id": run.id, "worker_id": wid, "code": code, "reason": message[:500],
                         "created_by_id": user_id(user), "created_at": utcnow()}
    if rows:
        db.session.execute(sa.insert(PaycheckHold), list(rows.values()))
    return len(rows)


# ------------------------------------------------------------------------------------------------ calculation
def start_calculation(run_id: int, user, *, enqueue: bool = True) -> PayrollRun:
    """draft → calculating: refuse on any blocking pre-run issue; plan the chunks; enqueue the tasks after
    commit (each chunk is idempotent, so a retried or duplicated task never pays twice)."""
    run = _plan_calculation(run_id, user)
    if enqueue:
        send_task("payroll.calculate_run", run.id)
    return run


@gc_paused()
@transaction()
def _plan_calculation(run_id: int, user) -> PayrollRun:
    _require(user)
    # the local-tax check's read beside the other checks, on the server's other core: the plan is serial and that
    # read about a third of its server time. Entered before the run's lock, which is a write: the second connection
    # shares the snapshot of a transaction that has written nothing (the lock guards the run's state, which the
    # checks do not read)
    with beside(db.session) as read:
        run = get_run(run_id, lock=True)
        check_move(run, "calculate")
        raise_if(pre_run_checks(run.id))
        _hold_automatically(run, user, read)
    chunks = calc.plan_chunks(run, run.chunk_size)
    db.session.query(RunChunk).filter(RunChunk.run_id == run.id).delete()
    for i, ids in enumerate(chunks):
        db.session.add(RunChunk(run_id=run.id, index=i, engagement_ids=ids))
    transition(run, "calculate")
    run.chunks_total = len(chunks)
    run.chunks_done = 0
    run.error = ""
    run.calculation_started_at = utcnow()
    four_eyes.record(run.id, user, "calculated")
    return run


def pending_chunks(run_id: int) -> list[int]:
    return list(db.session.execute(sa.select(RunChunk.index).where(RunChunk.run_id == run_id,
                                                                   RunChunk.done_at.is_(None))
                                   .order_by(RunChunk.index)).scalars())


def resume_calculation(run_id: int, user=None) -> list[int]:
    """Re-send the chunks not done yet (after a worker died); finalize when none is left. Returns the chunk
    indexes sent. Safe to call any number of times."""
    if user is not None:
        _require(user)
    with transaction():  # ended before the chunks are sent: their tasks write from other sessions
        run = get_run(run_id)
        check_move(run, "resume")
        todo = pending_chunks(run.id)
    if not todo:
        finalize_run(run.id)
    for index in todo:
        send_task("payroll.calculate_chunk", run.id, index)
    return todo


@transaction()
def finalize_run(run_id: int) -> bool:
    """calculating → calculated once every chunk is done: the run's totals are its chunks' (each chunk stored its
    paychecks' with `done_at`, in the transaction that wrote them; paychecks are never changed or deleted), or its
    paychecks' when a chunk was done before chunks kept totals. A conditional UPDATE on the state makes it happen
    once even when two chunks finish at the same moment. Returns True if this call did it."""
    s = db.session
    # one statement: whether every chunk is done, and their totals, from one snapshot
    total, done, summed, *sums = s.execute(sa.select(
        sa.func.count(), sa.func.count(RunChunk.done_at), sa.func.count(RunChunk.paycheck_count),
        sa.func.coalesce(sa.func.sum(RunChunk.paycheck_count), 0), raw_sum(RunChunk.total_gross),
        raw_sum(RunChunk.total_employee_taxes), raw_sum(RunChunk.total_employer_taxes),
        raw_sum(RunChunk.total_deductions), raw_sum(RunChunk.total_net)).where(RunChunk.run_id == run_id)).one()
    if done < total:
        return False
    if summed < total:      # a chunk done before 0139_tot28: no totals of its own
        sums = s.execute(sa.select(sa.func.count(), raw_sum(Paycheck.gross), raw_sum(Paycheck.employee_taxes),
                                   raw_sum(Paycheck.employer_taxes), raw_sum(Paycheck.deductions),
                                   raw_sum(Paycheck.net)).where(Paycheck.run_id == run_id)).one()
    finish = RUN_MACHINE.move("finish")
    res = s.execute(sa.update(PayrollRun).where(PayrollRun.id == run_id, PayrollRun.state.in_(finish.sources)).values(
        state=finish.target, calculated_at=utcnow(), chunks_done=total, paycheck_count=int(sums[0]),
        total_gross=_d(sums[1]), total_employee_taxes=_d(sums[2]), total_employer_taxes=_d(sums[3]),
        total_deductions=_d(sums[4]), total_net=_d(sums[5])), execution_options={"synchronize_session": False})
    return res.rowcount == 1


def _d(raw) -> Decimal:
    return D(int(raw or 0)) / 100


@transaction()
def record_failure(run_id: int, message: str) -> None:
    db.session.execute(sa.update(PayrollRun).where(PayrollRun.id == run_id).values(error=message[:2000]),
                       execution_options={"synchronize_session": False})


# ------------------------------------------------------------------------------------------------ approval, payment
def approve_run(run_id: int, user, *, enqueue: bool = True) -> PayrollRun:
    """calculated → approved by someone who changed none of its inputs (four_eyes.py: not its preparer, not who
    started the calculation, entered or approved its time, added its adjustments or changed its rates), with no
    negative net pay. Refused with nothing changed on any blocking issue. Then, after commit, one task per chunk
    carries out the chunk's share of the approval — its workers' direct-deposit payments (net pay split over their
    accounts) and the leave they accrue (RUN_APPROVED_CHUNK) — in parallel over the Celery workers (`enqueue=False`:
    the caller sends them, as the benchmark does); the NACHA file, marking paid and a reversal wait for every chunk
    (refuse_while_approving). A run without chunks gets all of it in this transaction."""
    run = _approve(run_id, user)
    if enqueue:
        todo = pending_approval_chunks(run.id)
        for index in todo:
            send_task("payroll.approve_chunk", run.id, index)
        if not todo:
            approval_done(run.id)
    return run


def approval_done(run_id: int) -> None:
    """After the run's last chunk is approved: warm the paystub cache in the background (the stubs print the leave
    the chunks accrued); in-process (eager) mode stubs render on demand instead. Sent at most once per finishing
    chunk: two chunks finishing at the same moment both send it, and rendering skips the stubs already cached."""
    if not runs_in_process():
        send_task("payroll.render_run_paystubs", run_id)


@gc_paused()       # 100,000 payments: see gc_paused
@transaction()
def _approve(run_id: int, user) -> PayrollRun:
    _require(user)
    run = get_run(run_id, lock=True)
    check_move(run, "approve")
    four_eyes.check_approver(run, user)
    raise_if([i for i in pre_run_checks(run.id) if i.code == "negative_net"])
    transition_once(run, "approve")     # compare-and-set: a second approval that got past the lock is refused
    run.approved_by_id = user_id(user)
    run.approved_at = utcnow()
    hooks.fire(hooks.RUN_APPROVED, run)     # e.g. leave creates the policies of the laws the run's chunks accrue under
    if not db.session.execute(sa.select(RunChunk.id).where(RunChunk.run_id == run.id).limit(1)).first():
        _approve_share(run, None)       # no chunks to fan out over: all of it here
    return run


def _approve_share(run: PayrollRun, workers: IdList | None, chunk_index: int | None = None) -> None:
    """The approval's share for `workers` (None: the run's every worker): their payments, then the
    RUN_APPROVED_CHUNK hooks (their leave), in the caller's transaction."""
    create_payments(run, run.approved_by_id, workers, chunk_index=chunk_index)
    hooks.fire(hooks.RUN_APPROVED_CHUNK, run, workers)


@gc_paused()
@transaction()
def approve_chunk(run_id: int, index: int) -> bool:
    """One chunk's share of an approved run's approval: the chunk's workers' payments, the RUN_APPROVED_CHUNK hooks
    for them and the chunk's `approved_at`, in one transaction under the chunk's row lock. Returns False (and
    changes nothing) when the chunk is unknown or already approved, or the run is not approved (or paid): a task
    sent twice, or re-sent after a worker died mid-chunk (its transaction rolled back whole), does everything
    exactly once (uq_payments_live_part and the leave ledger's unique key guard it again in the database)."""
    chunk = db.session.execute(for_update(sa.select(RunChunk).where(RunChunk.run_id == run_id,
                                                                    RunChunk.index == index))).scalar_one_or_none()
    if chunk is None:
        return False
    db.session.refresh(chunk)
    if chunk.approved_at is not None:
        return False
    run = get_run(run_id)
    if run.state not in ("approved", "paid"):
        return False
    workers = IdList(sorted(set(db.session.execute(sa.select(Engagement.worker_id).where(
        id_in(Engagement.id, chunk.engagement_ids))).scalars())))     # a worker's engagements are in one chunk
    _approve_share(run, workers, index)
    chunk.approved_at = utcnow()
    return True


def resume_approval(run_id: int, user=None) -> list[int]:
    """Re-send the approved run's chunks whose share of the approval is not done (after a worker died). Returns
    the chunk indexes sent. Safe to call any number of times."""
    if user is not None:
        _require(user)
    with transaction():  # ended before the chunks are sent: their tasks write from other sessions
        run = get_run(run_id)
        if run.state not in ("approved", "paid"):
            raise DomainError(f"run #{run.id} is {run.state}: only an approved or paid run's approval is resumed",
                              code="bad_state")
        todo = pending_approval_chunks(run.id)
    for index in todo:
        send_task("payroll.approve_chunk", run.id, index)
    return todo


def mark_paid(run_id: int, user, *, on: date | None = None) -> PayrollRun:
    """approved → paid once every chunk's payments are written and the NACHA file exists: posts cash out (Dr net
    pay payable, Cr cash), marks the payments sent and tells each worker paid by the run (notify_paychecks_ready).

    On PostgreSQL, when this unit of work commits for real (the outermost one, its session on the engine), the
    notices are written beside it (_NoticesBeside): on a connection and in a transaction of their own, inserted on
    the server's other core while this one does the money, committed only once this one has committed the run
    paid. Until then nobody sees them (uncommitted), and if this one rolls back they roll back too. Should their
    transaction fail, they are written after this one, in a unit of work of their own. Elsewhere (SQLite; inside
    another unit of work, as in the tests' rolled-back transactions) they are written in this transaction."""
    beside = _NoticesBeside.if_possible()
    try:
        run = _mark_paid(run_id, user, on, beside)
    finally:
        if beside is not None:
            beside.join()       # after this unit of work ended: the notices' transaction waits for it
    if beside is not None and not beside.done:
        log.warning("run #%s: its notices written after it was paid (%r)", run.id, beside.error)
        with transaction():
            notify_paychecks_ready(get_run(run.id))
    return run


@gc_paused()
@transaction()
def _mark_paid(run_id: int, user, on: date | None, beside: _NoticesBeside | None) -> PayrollRun:
    _require(user)
    run = get_run(run_id, lock=True)
    check_move(run, "pay")
    refuse_while_approving(run, "marked paid")
    s = db.session
    postings, unfiled = cash_out(run.id)        # held payments wait for an account: they are neither
    if unfiled:
        raise DomainError(f"run #{run.id}: generate the NACHA file before marking it paid", code="no_nacha_file")
    if beside is not None:
        beside.start(run)                       # from here on nothing refuses but a failure
    post_entry("payment", on or run.pay_date, f"Direct deposit for run {run.id}", postings, run_id=run.id)
    s.execute(sa.update(Payment).where(Payment.run_id == run.id, Payment.status == "pending").values(status="sent"),
              execution_options={"synchronize_session": False})
    transition_once(run, "pay")
    run.paid_by_id = user_id(user)
    run.paid_at = utcnow()
    hooks.fire(hooks.RUN_PAID, run)     # e.g. benefits credits portable-benefit accounts from the paid pay
    if beside is None:
        notify_paychecks_ready(run)
    else:
        s.info[PENDING_FLAG] = True     # the request mails them once it is done (after the join)
    return run


class _NoticesBeside:
    """A paid run's notices written on a connection of their own beside mark_paid's unit of work (PostgreSQL):
    the INSERT runs while that unit of work posts the cash out and marks the payments sent (~0.6 s of the server's
    CPU each at 100,000 workers, one core each instead of one after the other), then the transaction
    waits for the run's row (FOR SHARE, which mark_paid holds FOR UPDATE until it ends) and commits only if the
    run is paid by then; otherwise it rolls back. `done` says it committed."""

    def __init__(self, engine) -> None:
        self.engine = engine
        self.thread: threading.Thread | None = None
        self.done = False
        self.error: BaseException | None = None

    @classmethod
    def if_possible(cls) -> _NoticesBeside | None:
        """One when mark_paid's unit of work will commit for real: PostgreSQL, the session on the engine itself (a
        session bound to one connection, as the tests' are, commits into an outer transaction the notices' would
        wait for), no unit of work open around it."""
        bind = db.session.get_bind()
        if bind.dialect.name == "postgresql" and isinstance(bind, sa.engine.Engine) and commits_here():
            return cls(bind)
        return None

    def start(self, run: PayrollRun) -> None:
        run_id, pay_date = run.id, run.pay_date
        self.thread = threading.Thread(target=self._write, args=(run_id, pay_date), name="paid-notices",
                                       daemon=True)
        self.thread.start()

    def _write(self, run_id: int, pay_date: date) -> None:
        try:
            with self.engine.connect() as conn:
                with conn.begin() as tx:
                    _notify_paid(run_id, pay_date, conn)
                    paid = conn.execute(sa.select(PayrollRun.paid_at).where(PayrollRun.id == run_id)
                                        .with_for_update(read=True)).scalar()
                    if paid is None:
                        tx.rollback()
                        return
                self.done = True
        except BaseException as exc:    # mark_paid writes them itself then
            self.error = exc

    def join(self) -> None:
        if self.thread is not None:
            self.thread.join()


def notify_paychecks_ready(run: PayrollRun) -> int:
    """Tell each worker paid by the run that their paycheck is ready (one notice per paycheck: its id is the key;
    reversals are not news to be announced). In the run's unit of work, as one INSERT … SELECT in the database
    (a 100,000-paycheck run sends no row through Python); again, it adds nothing."""
    return _notify_paid(run.id, run.pay_date)


def notify_paid_runs(days: int = 7) -> list[int]:
    """The runs paid in the last `days` whose paycheck notices are missing, notified now: what a process that died
    between the run's commit and its notices' (mark_paid writes them in a transaction of their own, committed just
    after the run's) leaves behind. Safe to run any number of times (the keys; a run with notices is skipped).
    Celery beat runs it every five minutes (payroll.notify_paid_runs). Returns the runs notified."""
    since = utcnow() - timedelta(days=days)
    first = _paycheck_ids(PayrollRun.id).limit(1).scalar_subquery()     # any one: they are written all at once
    with transaction():
        missing = db.session.execute(
            sa.select(PayrollRun.id, PayrollRun.pay_date).where(
                PayrollRun.paid_at >= since, first.is_not(None),
                ~sa.exists().where(Notification.key == _first_notice_key(PayrollRun.id)))
            .order_by(PayrollRun.id)).all()
        for run_id, pay_date in missing:
            log.warning("run #%s: paid without its paycheck notices; writing them now", run_id)
            _notify_paid(run_id, pay_date)
    return [run_id for run_id, _d in missing]


def _paycheck_ids(run_id):
    """The run's paychecks that get a notice (reversals are not news to be announced); `run_id` a value or the
    runs' column (correlated)."""
    return sa.select(Paycheck.id).where(Paycheck.run_id == run_id, Paycheck.kind != "reversal")


def _first_notice_key(run_id):
    """The SQL for the key of one of the run's paycheck notices (any one: they are written all at once)."""
    return sa.literal("paycheck_ready:") + sa.cast(_paycheck_ids(run_id).limit(1).scalar_subquery(), sa.String)


def _notify_paid(run_id: int, pay_date: date, conn=None) -> int:
    """notify_paychecks_ready on `conn` (default: the session's). A run's notices are written all at once (one
    statement), so when one of its paychecks has none, none has: a plain INSERT (`fresh`; the unique key still
    refuses a duplicate), otherwise ON CONFLICT DO NOTHING."""
    fresh = not key_exists(_first_notice_key(run_id), conn)
    rows = _paycheck_ids(run_id).with_only_columns(Paycheck.worker_id, key_column("paycheck_ready:", Paycheck.id),
                                                   Paycheck.id.label("ref_id"))
    return notify_from_select("paycheck_ready", rows, f"Your paycheck for {pay_date:%b %-d, %Y} is ready",
                              "Your net pay, every line of the paycheck and its paystub are under My paychecks.",
                              conn=conn, fresh=fresh)


def refuse_edit(run: PayrollRun) -> None:
    """Any change to a run's inputs is refused once it is calculated (an approved run is immutable)."""
    check_move(run, "edit")


@transaction()
def update_run(run_id: int, data: dict, user) -> PayrollRun:
    """Edit a draft run's description or pay date. Refused once calculation has started."""
    _require(user)
    run = get_run(run_id, lock=True)
    refuse_edit(run)
    issues = []
    unknown = set(data) - {"description", "pay_date"}
    issues += [Issue(k, "cannot be changed", "unknown_field") for k in sorted(unknown)]
    if "pay_date" in data and not isinstance(data["pay_date"], date):
        issues.append(Issue("pay_date", "must be a date"))
    raise_if(issues)
    for k, v in data.items():
        setattr(run, k, v)
    return run



