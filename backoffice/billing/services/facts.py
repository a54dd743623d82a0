"""The billable facts of clients, read in bulk: approved timesheets and tasks paid by approved or paid runs (with
the hours split their paychecks used), and the cost of paychecks at cost-plus clients — each only while no
invoice line holds its source key.

Time is billed from the paycheck that pays it now: the run's paycheck, or, once that is reversed, its re-issue
(and the re-issue's re-issue), while that paycheck's run is approved or paid. Reversed pay not paid again is not
billed; re-paid time is billed once more (the credit note that followed the reversal released the old lines' source
keys, and the unique key holds the new line to one)."""
from __future__ import annotations

import importlib
from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Iterable, Sequence

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from backoffice.billing import engine
from backoffice.billing.models import InvoiceLine
from backoffice.extensions import db
from backoffice.money import ZERO
from backoffice.workers.models import Engagement, Worker
from payroll.models import Paycheck, PaycheckLine, PayrollRun, Timesheet
from payroll.piecework.models import TaskCompletion
from payroll.services.common import id_in

# Runs whose time and pay are billed: approved (the client's time is final and the paychecks are posted) or paid.
BILLED_RUN_STATES = ("approved", "paid")
# Runs whose time may be billed: billed runs, and reversed ones (their time billed again once re-issued).
TIME_RUN_STATES = BILLED_RUN_STATES + ("reversed",)
UNIT_PAY = ("piece", "project")

# (run id, worker id, worker type): the paycheck a run wrote for a worker's time
PayKey = tuple[int, int, str]


# Paycheck earning codes of approved paid leave (backoffice/leave: the sick_leave / paid_leave adjustments), billed to
# a cost-plus client on a line of their own as leave, not as wages for hours worked
LEAVE_PAY_CODES = ("sick_leave", "paid_leave")


def _billable_runs() -> sa.Select:
    return sa.select(PayrollRun.id).where(PayrollRun.state.in_(BILLED_RUN_STATES), PayrollRun.kind != "reversal")


def _time_runs() -> sa.Select:
    return sa.select(PayrollRun.id).where(PayrollRun.state.in_(TIME_RUN_STATES), PayrollRun.kind != "reversal")


def _reversed_paychecks() -> sa.Select:
    return sa.select(Paycheck.reverses_id).where(Paycheck.reverses_id.is_not(None))


def worker_type(engagement_type: str) -> str:
    return "employee" if engagement_type == "leased_employee" else "contractor"


def _paycheck_states(where) -> list[tuple[int, int, int, str, int | None, bool, str]]:
    """(id, run, worker, worker type, re-issue of, reversed?, run state) of the paychecks `where` selects."""
    reversal = aliased(Paycheck)
    return [tuple(row) for row in db.session.execute(
        sa.select(Paycheck.id, Paycheck.run_id, Paycheck.worker_id, Paycheck.worker_type, Paycheck.reissue_of_id,
                  reversal.id.is_not(None), PayrollRun.state)
        .join(PayrollRun, PayrollRun.id == Paycheck.run_id)
        .outerjoin(reversal, reversal.reverses_id == Paycheck.id).where(where))]


def paying_paychecks(keys: set[PayKey]) -> dict[PayKey, int]:
    """The paycheck that pays each key's time now: the run's regular paycheck while it is not reversed, else its
    re-issue (followed as far as it goes), provided that paycheck's run is approved or paid. Keys whose pay is
    reversed and not (yet) paid again are left out."""
    live: dict[PayKey, int] = {}
    chasing: dict[int, PayKey] = {}           # a reversed paycheck -> the key whose re-issue is looked for
    for run_ids in _chunks(sorted({k[0] for k in keys}), 500):
        for pid, run_id, worker_id, wtype, _, reversed_, state in _paycheck_states(
                sa.and_(id_in(Paycheck.run_id, run_ids), Paycheck.kind == "regular")):
            key = (run_id, worker_id, wtype)
            if key not in keys:
                continue
            if reversed_:
                chasing[pid] = key
            elif state in BILLED_RUN_STATES:
                live[key] = pid
    while chasing:                            # rare: only pay reversed since it was billed
        found: dict[int, PayKey] = {}
        for chunk in _chunks(sorted(chasing), 2000):
            for pid, _, _, _, of, reversed_, state in _paycheck_states(id_in(Paycheck.reissue_of_id, chunk)):
                if reversed_:
                    found[pid] = chasing[of]
                elif state in BILLED_RUN_STATES:
                    live[chasing[of]] = pid
        chasing = found
    return live


def _name(first: str, last: str) -> str:
    return f"{first} {last}".strip()


def rates_of(engagements: Iterable[Engagement]) -> dict[int, engine.Rates]:
    return {e.id: engine.Rates(e.bill_rate, e.ot_bill_rate, e.dt_bill_rate) for e in engagements}


def unbilled_sheets(client_ids: Sequence[int], through: date) -> list[tuple[engine.Sheet, engine.Split, str]]:
    """(sheet, its hours split, the engagement's pay unit) for every approved timesheet of these clients' hourly,
    piece and project engagements, paid by a paycheck of a billable run (its own, or a re-issue), in a week
    starting by `through`, not billed yet."""
    s = db.session
    billed = sa.select(InvoiceLine.id).where(InvoiceLine.timesheet_id == Timesheet.id,
                                             InvoiceLine.source_key.is_not(None))
    rows = s.execute(
        sa.select(Timesheet, Engagement.worker_id, Engagement.type, Engagement.pay_unit, Worker.first_name,
                  Worker.last_name)
        .join(Engagement, Engagement.id == Timesheet.engagement_id)
        .join(Worker, Worker.id == Engagement.worker_id)
        .where(id_in(Engagement.client_id, list(client_ids)), Timesheet.status == "approved",
               Timesheet.paid_run_id.in_(_time_runs()), Timesheet.week_start <= through,
               Engagement.pay_unit.in_(("hour",) + UNIT_PAY), ~sa.exists(billed))
        .order_by(Timesheet.engagement_id, Timesheet.week_start)).all()
    if not rows:
        return []
    # the paycheck that pays each sheet now: the run's paycheck of the worker and worker type, or its re-issue
    paychecks = paying_paychecks({(ts.paid_run_id, worker_id, worker_type(etype)) for ts, worker_id, etype, *_ in rows})
    earnings = _earning_lines(sorted(set(paychecks.values())))
    by_pay_eng: dict[tuple[int, int], list] = defaultdict(list)
    for ts, worker_id, etype, unit, first, last in rows:
        pid = paychecks.get((ts.paid_run_id, worker_id, worker_type(etype)))
        if pid is None:          # its pay was reversed: the time is billed when it is paid again
            continue
        hours = sum((ts.hours_mon, ts.hours_tue, ts.hours_wed, ts.hours_thu, ts.hours_fri, ts.hours_sat,
                     ts.hours_sun), ZERO)
        sheet = engine.Sheet(ts.id, ts.engagement_id, worker_id, _name(first, last), ts.week_start, hours,
                             ts.units or ZERO, pid)
        by_pay_eng[(pid, ts.engagement_id)].append((sheet, unit))
    out = []
    for (pid, eid), items in by_pay_eng.items():
        split = engine.split_hours([sh for sh, _ in items], earnings.get((pid, eid), []))
        out += [(sh, split[sh.timesheet_id], unit) for sh, unit in items]
    return out


def _earning_lines(paycheck_ids: list[int]) -> dict[tuple[int, int], list[engine.EarningLine]]:
    out: dict[tuple[int, int], list[engine.EarningLine]] = defaultdict(list)
    for ids in _chunks(paycheck_ids, 2000):
        for pid, eid, code, hours in db.session.execute(
                sa.select(PaycheckLine.paycheck_id, PaycheckLine.engagement_id, PaycheckLine.code, PaycheckLine.hours)
                .where(id_in(PaycheckLine.paycheck_id, ids), PaycheckLine.kind == "earning",
                       PaycheckLine.engagement_id.is_not(None))
                .order_by(PaycheckLine.paycheck_id, PaycheckLine.id)):
            out[(pid, eid)].append(engine.EarningLine(code, hours))
    return out


def unbilled_tasks(client_ids: Sequence[int], through: date) -> list[engine.Task]:
    """Tasks of these clients' engagements paid by a paycheck of a billable run (the run's own, or a re-issue),
    done by `through`, not billed yet."""
    billed = sa.select(InvoiceLine.id).where(InvoiceLine.task_completion_id == TaskCompletion.id,
                                             InvoiceLine.source_key.is_not(None))
    rows = db.session.execute(
        sa.select(TaskCompletion, Engagement.worker_id, Engagement.type, Worker.first_name, Worker.last_name)
        .join(Engagement, Engagement.id == TaskCompletion.engagement_id)
        .join(Worker, Worker.id == Engagement.worker_id)
        .where(id_in(Engagement.client_id, list(client_ids)), TaskCompletion.status == "paid",
               TaskCompletion.paid_run_id.in_(_time_runs()), TaskCompletion.work_date <= through,
               ~sa.exists(billed))
        .order_by(TaskCompletion.id)).all()
    if not rows:
        return []
    paychecks = paying_paychecks({(t.paid_run_id, worker_id, worker_type(etype)) for t, worker_id, etype, *_ in rows})
    out = []
    for t, worker_id, etype, first, last in rows:
        pid = paychecks.get((t.paid_run_id, worker_id, worker_type(etype)))
        if pid is not None:     # else its pay was reversed: billed when it is paid again
            out.append(engine.Task(t.id, t.engagement_id, worker_id, _name(first, last), t.task_ref, t.work_date,
                                   t.units, t.bill_rate, pid))
    return out


SALARY_UNITS = ("week", "year")          # payroll pays these engagements by the period (earning code "salary")


def unbilled_salaries(client_ids: Sequence[int], through: date) -> list[engine.SalaryPay]:
    """The salary each regular or re-issued paycheck of a billable run (not reversed, its period ended by
    `through`) paid at these clients' salaried engagements, not billed yet: one per paycheck and engagement."""
    billed = sa.select(InvoiceLine.id).where(InvoiceLine.paycheck_id == PaycheckLine.paycheck_id,
                                             InvoiceLine.engagement_id == PaycheckLine.engagement_id,
                                             InvoiceLine.unit == "salary", InvoiceLine.source_key.is_not(None))
    rows = db.session.execute(
        sa.select(Paycheck.id, Engagement.id, Engagement.worker_id, Worker.first_name, Worker.last_name,
                  Paycheck.period_start, Paycheck.period_end, Engagement.pay_unit, Engagement.pay_rate,
                  Engagement.bill_rate, sa.func.sum(PaycheckLine.amount))
        .join(Paycheck, Paycheck.id == PaycheckLine.paycheck_id)
        .join(Engagement, Engagement.id == PaycheckLine.engagement_id)
        .join(Worker, Worker.id == Engagement.worker_id)
        .where(PaycheckLine.kind == "earning", PaycheckLine.code == "salary",
               id_in(Engagement.client_id, list(client_ids)), Engagement.pay_unit.in_(SALARY_UNITS),
               Paycheck.kind.in_(("regular", "reissue")), Paycheck.run_id.in_(_billable_runs()),
               Paycheck.period_end <= through, Paycheck.id.not_in(_reversed_paychecks()), ~sa.exists(billed))
        .group_by(Paycheck.id, Engagement.id, Engagement.worker_id, Worker.first_name, Worker.last_name,
                  Paycheck.period_start, Paycheck.period_end, Engagement.pay_unit, Engagement.pay_rate,
                  Engagement.bill_rate)
        .order_by(Paycheck.id, Engagement.id)).all()
    return [engine.SalaryPay(pid, eid, worker_id, _name(first, last), start, end, unit, salary, pay_rate, bill_rate)
            for pid, eid, worker_id, first, last, start, end, unit, pay_rate, bill_rate, salary in rows]


def unbilled_paychecks(client_ids: Sequence[int], through: date) -> list[tuple[engine.PaycheckCost, list[int]]]:
    """(the paycheck's cost, the engagements of these clients it paid and that are not billed yet) for every
    regular or re-issued paycheck of a billable run, not reversed, whose period ended by `through`."""
    s = db.session
    billed = sa.select(InvoiceLine.id).where(InvoiceLine.paycheck_id == PaycheckLine.paycheck_id,
                                             InvoiceLine.engagement_id == PaycheckLine.engagement_id,
                                             InvoiceLine.source_key.is_not(None))
    wanted: dict[int, set[int]] = defaultdict(set)
    for pid, eid in s.execute(
            sa.select(PaycheckLine.paycheck_id, PaycheckLine.engagement_id).distinct()
            .join(Paycheck, Paycheck.id == PaycheckLine.paycheck_id)
            .where(PaycheckLine.kind == "earning", id_in(PaycheckLine.client_id, list(client_ids)),
                   Paycheck.kind.in_(("regular", "reissue")), Paycheck.run_id.in_(_billable_runs()),
                   Paycheck.period_end <= through, Paycheck.id.not_in(_reversed_paychecks()),
                   ~sa.exists(billed))):
        wanted[pid].add(eid)
    if not wanted:
        return []
    ids = sorted(wanted)
    wages: dict[int, dict[int, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    leave: dict[int, dict[int, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    taxes: dict[int, Decimal] = defaultdict(Decimal)
    benefits: dict[int, Decimal] = defaultdict(Decimal)
    heads = {}
    for chunk in _chunks(ids, 2000):
        for pid, kind, eid, amount, code in s.execute(
                sa.select(PaycheckLine.paycheck_id, PaycheckLine.kind, PaycheckLine.engagement_id, PaycheckLine.amount,
                          PaycheckLine.code)
                .where(id_in(PaycheckLine.paycheck_id, chunk),
                       PaycheckLine.kind.in_(("earning", "employer_tax", "employer_contribution")))):
            if kind == "earning" and eid is not None:
                wages[pid][eid] += amount
                if code in LEAVE_PAY_CODES:
                    leave[pid][eid] += amount
            elif kind == "employer_tax":
                taxes[pid] += amount
            elif kind == "employer_contribution":
                benefits[pid] += amount
        for row in s.execute(
                sa.select(Paycheck.id, Paycheck.worker_id, Paycheck.pay_date, Paycheck.period_start,
                          Paycheck.period_end, Worker.first_name, Worker.last_name)
                .join(Worker, Worker.id == Paycheck.worker_id).where(id_in(Paycheck.id, chunk))):
            heads[row[0]] = row
    premiums: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for (pid, eid), amount in workers_comp_premiums(ids).items():
        premiums[pid][eid] = amount
    out = []
    for pid in ids:
        _, worker_id, pay_date, start, end, first, last = heads[pid]
        comp = premiums.get(pid, {})
        cost = engine.PaycheckCost(pid, worker_id, _name(first, last), pay_date, start, end,
                                   {k: v for k, v in wages[pid].items()}, taxes[pid], benefits[pid], comp,
                                   {k: v for k, v in leave[pid].items() if v})
        out.append((cost, sorted(wanted[pid])))
    return out


def workers_comp_premiums(paycheck_ids: list[int]) -> dict[tuple[int, int], Decimal]:
    """{(paycheck id, engagement id): premium} from payroll's workers' comp accrual; nothing before it exists."""
    try:
        premiums_for = importlib.import_module("payroll.services.workers_comp").premiums_for
    except ImportError:             # a build without workers' comp accrual: no premium to bill
        return {}
    out: dict[tuple[int, int], Decimal] = {}
    for chunk in _chunks(paycheck_ids, 2000):
        out.update(premiums_for(chunk))
    return out


def _chunks(items: list, n: int):
    for i in range(0, len(items), n):
        yield items[i:i + n]


def reversed_pay_lines(invoice_id: int) -> list[InvoiceLine]:
    """The lines of a (draft) invoice that bill pay reversed since they were written: lines naming a reversed
    paycheck, and timesheet or task lines written before lines named their paycheck whose run's paycheck for the
    worker is reversed."""
    s = db.session
    reversed_ids = _reversed_paychecks()
    lines = list(s.execute(sa.select(InvoiceLine).where(InvoiceLine.invoice_id == invoice_id)
                           .order_by(InvoiceLine.id)).scalars())
    named = sorted({ln.paycheck_id for ln in lines if ln.paycheck_id is not None})
    gone_checks = set(s.execute(reversed_ids.where(id_in(Paycheck.reverses_id, named))).scalars()) if named else set()
    out = [ln for ln in lines if ln.paycheck_id in gone_checks]
    legacy = [ln for ln in lines if ln.paycheck_id is None and (ln.timesheet_id or ln.task_completion_id)]
    if legacy:
        sheet_runs = dict(s.execute(sa.select(Timesheet.id, Timesheet.paid_run_id).where(
            id_in(Timesheet.id, [ln.timesheet_id for ln in legacy if ln.timesheet_id]))).all())
        task_runs = dict(s.execute(sa.select(TaskCompletion.id, TaskCompletion.paid_run_id).where(
            id_in(TaskCompletion.id, [ln.task_completion_id for ln in legacy if ln.task_completion_id]))).all())
        runs = {ln.id: sheet_runs.get(ln.timesheet_id) if ln.timesheet_id else task_runs.get(ln.task_completion_id)
                for ln in legacy}
        gone = set(s.execute(sa.select(Paycheck.run_id, Paycheck.worker_id).where(
            Paycheck.kind == "regular", id_in(Paycheck.run_id, sorted(set(runs.values()) - {None})),
            Paycheck.id.in_(reversed_ids))).all())
        out += [ln for ln in legacy if (runs[ln.id], ln.worker_id) in gone]
    return sorted(out, key=lambda ln: ln.id)
