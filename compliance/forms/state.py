"""State filings: the quarterly wage and SUTA report (`state-wage`, per quarter and state), the yearly withholding
reconciliation (`state-recon`, per state) and the new-hire report (`new-hire`, per quarter and work state).
Gathered here from the paychecks (compliance.sources), the tax deposits and the engagements; built by
compliance/engine/state_reports.py; CSV layouts per state are data (compliance/engine/data/)."""
from __future__ import annotations

import json
from collections import defaultdict
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from flask import render_template

from backoffice.extensions import db
from backoffice.money import ZERO
from backoffice.pdf import render_pdf
from backoffice.workers.models import Engagement, Worker
from compliance import sources
from compliance.engine import state_reports as sr
from compliance.registry import ExportContext, FormSpec, Period, register
from payroll.models import Paycheck, PaycheckLine, released_runs
from payroll.models_money import TaxDeposit

STATE_LINES = (("employer_tax", "suta"), ("employee_tax", "state_income_tax"))


def _states_with(year: int, lines=STATE_LINES) -> list[str]:
    """States with a SUTA or state income tax line on a released W-2 paycheck paid in the year."""
    cond = sa.or_(*(sa.and_(PaycheckLine.kind == k, PaycheckLine.code == c) for k, c in lines))
    q = (sa.select(PaycheckLine.state).distinct().join(Paycheck, Paycheck.id == PaycheckLine.paycheck_id)
         .where(cond, PaycheckLine.state != "", Paycheck.worker_type == "employee",
                Paycheck.pay_date >= date(year, 1, 1), Paycheck.pay_date <= date(year, 12, 31),
                Paycheck.run_id.in_(released_runs())))
    return sorted(s for s in db.session.execute(q).scalars() if s)


def _state_paychecks(first: date, last: date, state: str):
    """The released W-2 paychecks from `first` to `last` of the workers who worked in the state or had a SUTA or
    state income tax line for it in that time (one scan per state instead of the whole quarter for every state:
    a 10,000-worker year has 17 states × 4 quarters of filings)."""
    released = Paycheck.run_id.in_(released_runs())
    in_range = (Paycheck.pay_date >= first, Paycheck.pay_date <= last, Paycheck.worker_type == "employee", released)
    cond = sa.or_(*(sa.and_(PaycheckLine.kind == k, PaycheckLine.code == c) for k, c in STATE_LINES))
    by_line = (sa.select(Paycheck.worker_id).join(PaycheckLine, PaycheckLine.paycheck_id == Paycheck.id)
               .where(*in_range, PaycheckLine.state == state, cond))
    by_work = sa.select(Paycheck.worker_id).where(*in_range, Paycheck.work_state == state)
    ids = sorted(set(db.session.execute(sa.union(by_line, by_work)).scalars()))
    return sources.paycheck_taxes(first, last, "employee", worker_ids=ids) if ids else iter(())


def state_wages(p: sources.PaycheckTaxes, state: str) -> Decimal:
    """The state wages (W-2 box 16) of one paycheck for a state it withheld income tax for: the taxable wages on
    its `state_income_tax` line when payroll recorded them, else the wages federal income tax was computed on
    (payroll leaves taxable_wages empty on state income tax lines today; the states the demo withholds for start
    from federal wages). 0 for a paycheck without a state income tax line for the state."""
    key = ("employee_tax", "state_income_tax", state)
    if key not in p.amounts and key not in p.wages:
        return ZERO
    if key in p.wages:
        return p.wages[key]
    return p.wage("employee_tax", "federal_income_tax")


def _json(content: dict, ctx: ExportContext) -> bytes:
    return json.dumps(content, indent=2, sort_keys=True).encode()


def _tin_of(ctx: ExportContext):
    return lambda worker_id: ctx.reveal_tin("worker", worker_id)


def _workers(ids) -> dict[int, Worker]:
    ids = list(ids)
    if not ids:
        return {}
    return {w.id: w for w in db.session.execute(sa.select(Worker).where(Worker.id.in_(ids))).scalars()}


# ---- state-wage -------------------------------------------------------------------------------------------------

def state_wage_periods(year: int) -> list[Period]:
    return [Period(q, st) for st in _states_with(year) for q in (1, 2, 3, 4)]


def gather_state_wage(year: int, period: Period) -> sr.StateWageInput:
    """Per employee, the quarter's paychecks: gross of those whose work state is the state (unemployment insurance
    follows the work state), SUTA wages = the taxable wages of the employer `suta` lines for the state, state
    wages and tax withheld from the `state_income_tax` lines for the state (a resident state other than the work
    state included)."""
    st = period.state
    first, last = sr.quarter_bounds(year, period.quarter)
    sums: dict[int, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO, ZERO, ZERO, ZERO])
    for p in _state_paychecks(first, last, st):
        touched = (p.work_state == st or ("employer_tax", "suta", st) in p.amounts
                   or ("employee_tax", "state_income_tax", st) in p.amounts)
        if not touched:
            continue
        s = sums[p.worker_id]
        if p.work_state == st:
            s[0] += p.gross
        s[1] += p.wage("employer_tax", "suta", st)
        s[2] += state_wages(p, st)
        s[3] += p.amount("employee_tax", "state_income_tax", st)
        s[4] += p.amount("employer_tax", "suta", st)
    workers = _workers(sums)
    rows = tuple(sr.StateWageRow(wid, workers[wid].first_name, workers[wid].middle_name, workers[wid].last_name,
                                 workers[wid].tin_last4, *v) for wid, v in sums.items())
    reg = sources.employer()["registrations"].get(st)
    return sr.StateWageInput(year, period.quarter, st, Decimal(reg["suta_rate"]) if reg else None,
                             reg["suta_account"] if reg else "", reg["withholding_account"] if reg else "", rows)


def _state_wage_csv(content: dict, ctx: ExportContext) -> bytes:
    return sr.state_wage_csv(content, ctx.employer, _tin_of(ctx))


def _state_wage_pdf(content: dict, ctx: ExportContext) -> bytes:
    """A review copy: SSNs masked (the CSV carries them in full for the state)."""
    return render_pdf(render_template("pdf/compliance/state_wage.html", c=content, er=ctx.employer,
                                      layout=sr.layout(content["state"])))


register(FormSpec(
    code="state-wage", title="State quarterly wage report", gather=gather_state_wage, build=sr.build_state_wage,
    periods=state_wage_periods,
    summary=lambda c: (f"{c['totals']['count']} employees; gross {c['totals']['gross']}; SUTA wages "
                       f"{c['totals']['suta_wages']}, due {c['totals']['suta_due']}; SIT {c['totals']['sit_withheld']}"),
    exports={"csv": _state_wage_csv, "pdf": _state_wage_pdf, "json": _json},
    due=lambda year, period: sr.state_wage_due(year, period.quarter, period.state), order=80))


# ---- state-recon ------------------------------------------------------------------------------------------------

def state_recon_periods(year: int) -> list[Period]:
    return [Period(0, st) for st in _states_with(year, (("employee_tax", "state_income_tax"),))]


def gather_state_recon(year: int, period: Period) -> sr.StateReconInput:
    st = period.state
    quarters: dict[int, tuple[Decimal, Decimal]] = {}
    workers: set[int] = set()
    for q in (1, 2, 3, 4):
        first, last = sr.quarter_bounds(year, q)
        wages = tax = ZERO
        for p in _state_paychecks(first, last, st):
            key = ("employee_tax", "state_income_tax", st)
            if key in p.amounts or key in p.wages:
                wages += state_wages(p, st)
                tax += p.amount(*key)
                workers.add(p.worker_id)
        quarters[q] = (wages, tax)
    deposits = tuple(sr.ReconDeposit(d.period_start, d.period_end, d.amount, d.status, d.paid_on)
                     for d in db.session.execute(sa.select(TaxDeposit).where(
                         TaxDeposit.tax == "SIT", TaxDeposit.state == st,
                         TaxDeposit.period_end >= date(year, 1, 1), TaxDeposit.period_end <= date(year, 12, 31))
                     ).scalars())
    reg = sources.employer()["registrations"].get(st)
    return sr.StateReconInput(year, st, reg["withholding_account"] if reg else "", len(workers), quarters, deposits)


register(FormSpec(
    code="state-recon", title="State withholding reconciliation", gather=gather_state_recon,
    build=sr.build_state_recon, periods=state_recon_periods,
    summary=lambda c: (f"W-2 state tax {c['w2']['box17']} vs deposits {c['deposits']['total']}: "
                       + ("balanced" if c["balanced"] else f"differs by {c['difference']}")),
    exports={"json": _json, "csv": lambda c, ctx: sr.state_recon_csv(c)},
    due=lambda year, period: sr.state_recon_due(year, period.state), order=81))


# ---- new-hire ---------------------------------------------------------------------------------------------------

def _leased_engagements(last: date, worker_ids=None) -> list[tuple[int, str, date, date | None]]:
    where = [Engagement.type == "leased_employee", Engagement.start_date <= last]
    if worker_ids is not None:
        where.append(Engagement.worker_id.in_(worker_ids))
    return [tuple(r) for r in db.session.execute(
        sa.select(Engagement.worker_id, Engagement.work_state, Engagement.start_date, Engagement.end_date)
        .where(*where)).all()]


def _hires(year: int) -> list[tuple[int, str, date, bool]]:
    return sr.hires_from_engagements(_leased_engagements(date(year, 12, 31)), date(year, 1, 1), date(year, 12, 31))


def _hires_in(first: date, last: date, state: str) -> list[tuple[int, str, date, bool]]:
    """The hires of one quarter and state: only the workers with a leased engagement starting there then are read
    (with their earlier engagements, which decide hire or not)."""
    ids = sorted(set(db.session.execute(sa.select(Engagement.worker_id).where(
        Engagement.type == "leased_employee", Engagement.work_state == state,
        Engagement.start_date >= first, Engagement.start_date <= last)).scalars()))
    if not ids:
        return []
    return [h for h in sr.hires_from_engagements(_leased_engagements(last, ids), first, last) if h[1] == state]


def new_hire_periods(year: int) -> list[Period]:
    return sorted({Period((d.month - 1) // 3 + 1, st) for _w, st, d, _r in _hires(year)},
                  key=lambda p: (p.quarter, p.state))


def gather_new_hire(year: int, period: Period) -> sr.NewHireInput:
    first, last = sr.quarter_bounds(year, period.quarter)
    found = _hires_in(first, last, period.state)
    workers = _workers({h[0] for h in found})
    hires = tuple(sr.Hire(wid, workers[wid].first_name, workers[wid].middle_name, workers[wid].last_name,
                          workers[wid].tin_last4,
                          " ".join(x for x in (workers[wid].address_line1, workers[wid].address_line2) if x),
                          workers[wid].city, workers[wid].state, workers[wid].postal_code, start, rehire)
                  for wid, _st, start, rehire in found)
    er = sources.employer()
    employer = {k: er.get(k, "") for k in ("name", "address", "city", "state", "zip", "phone")}
    return sr.NewHireInput(year, period.quarter, period.state, employer, hires)


def _new_hire_due(year: int, period: Period) -> date | None:
    return sr.new_hire_due(sr.build_new_hire(gather_new_hire(year, period))["hires"])


register(FormSpec(
    code="new-hire", title="New-hire report", gather=gather_new_hire, build=sr.build_new_hire,
    periods=new_hire_periods,
    summary=lambda c: f"{c['count']} hires; each due {c['days']} days after hire"
                      + (" (federal default)" if c["days_defaulted"] else ""),
    exports={"csv": lambda c, ctx: sr.new_hire_csv(c, ctx.employer.get("ein", ""), _tin_of(ctx)), "json": _json},
    due=_new_hire_due, order=82))
