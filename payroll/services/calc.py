"""Run calculation: plan a run's engagements into chunks and calculate one chunk in one transaction (idempotent)."""
from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

import sqlalchemy as sa

from backoffice.dates import parse_date
from backoffice.errors import DomainError
from backoffice.extensions import db
from backoffice.money import D, ZERO, round_cents
from backoffice.periods import PayFrequency
from backoffice.db import utcnow
from backoffice.workers.models import Agency, Engagement, StateRegistration, Worker
from backoffice.workers.profile import TaxProfile, W9Form
from payroll.engine import calculate_paycheck, tables_for
from payroll.engine.earnings import california_daily_overtime
from payroll.engine.model import PRETAX_TREATMENT, W4, Earning, PaycheckInput, W4Legacy
from payroll.engine.model import YearToDate as EngineYTD
from payroll.engine.quote import parse_input
from payroll.models import DAYS, Paycheck, PayrollAdjustment, PayrollRun, RunChunk, Timesheet, YearToDate

from .common import bulk_insert, cents, id_in, is_postgres, units4
from .ledger import post_entry, postings_for_paychecks

FORTY = D(40)
ONE_HALF = D("1.5")
TWO = D(2)
WEEKS_PER_PERIOD = {"weekly": D(1), "biweekly": D(2), "semimonthly": D(52) / 24,
                    "monthly": D(52) / 12}
# Adjustment code -> the engine's earning code. Retroactive pay increases are supplemental wages (Pub 15,
# section 7); a correction of underpaid wages and final pay are regular wages.
ADJUSTMENT_EARNING = {"retro": "bonus", "bonus": "bonus", "commission": "commission", "correction": "salary",
                      "reimbursement": "reimbursement", "final_pay": "salary"}
YTD_FIELDS = YearToDate.YTD_FIELDS
YTD_STORED = YTD_FIELDS + ("net",)          # the engine's fields plus net pay
EXPLAIN_LIMIT_DEFAULT = 2000      # runs up to this many paychecks store each line's explanation in words


# ------------------------------------------------------------------------------------------------ scope
def engagements_in_scope(run: PayrollRun) -> sa.Select:
    """Engagement ids a run pays, ordered so one worker's engagements are adjacent."""
    if run.kind == "regular":
        stmt = sa.select(Engagement.id, Engagement.worker_id).where(
            Engagement.pay_frequency == run.frequency,
            Engagement.start_date <= run.period_end,
            sa.or_(Engagement.end_date.is_(None), Engagement.end_date >= run.period_start),
            Engagement.status.in_(("active", "ended", "terminated")))
    else:
        stmt = sa.select(Engagement.id, Engagement.worker_id).where(
            Engagement.id.in_(sa.select(PayrollAdjustment.engagement_id).where(
                PayrollAdjustment.run_id == run.id, PayrollAdjustment.status == "pending")))
    return stmt.order_by(Engagement.worker_id, Engagement.id)


def plan_chunks(run: PayrollRun, chunk_size: int) -> list[list[int]]:
    """Engagement ids split into chunks of about chunk_size, never splitting one worker's engagements."""
    chunks: list[list[int]] = []
    current: list[int] = []
    last_worker = None
    for eng_id, worker_id in db.session.execute(engagements_in_scope(run)):
        if len(current) >= chunk_size and worker_id != last_worker:
            chunks.append(current)
            current = []
        current.append(eng_id)
        last_worker = worker_id
    if current:
        chunks.append(current)
    return chunks


# ------------------------------------------------------------------------------------------------ inputs
@dataclass
class EngagementPay:
    """What one engagement earns in a run, before taxes: engine earnings (JSON form) and their line labels."""

    earnings: list[dict] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    timesheet_ids: list[int] = field(default_factory=list)
    adjustment_ids: list[int] = field(default_factory=list)


def week_hours(daily: tuple[Decimal, ...], work_state: str, overtime: bool) -> tuple[Decimal, Decimal, Decimal]:
    """(regular, overtime 1.5×, double time 2×) hours of one workweek: FLSA over 40 a week; California's daily
    rules (Labor Code 510) when the work state is CA; everything regular when overtime does not apply."""
    total = sum(daily, ZERO)
    if not overtime:
        return total, ZERO, ZERO
    if work_state == "CA":
        ot = california_daily_overtime(daily)
        return ot.regular_hours, ot.overtime_hours, ot.double_time_hours
    return min(total, FORTY), max(total - FORTY, ZERO), ZERO


def earnings_for(eng, run: PayrollRun, sheets: list, adjustments: list) -> EngagementPay:
    """Earnings from approved time (or salary on regular runs) plus pending adjustments."""
    pay = EngagementPay()
    rate = eng.pay_rate
    employee = eng.type == "leased_employee"
    pays_time = run.kind in ("regular", "final")
    if pays_time and eng.pay_unit == "hour":
        reg = ot = dt = ZERO
        for ts in sheets:
            daily = tuple(getattr(ts, f"hours_{d}") for d in DAYS)
            r, o, d = week_hours(daily, eng.work_state, employee and not eng.overtime_exempt)
            reg, ot, dt = reg + r, ot + o, dt + d
            pay.timesheet_ids.append(ts.id)
        if reg:
            pay.earnings.append({"code": "regular", "hours": str(reg), "rate": str(rate)})
            pay.labels.append("regular")
        if ot:
            pay.earnings.append({"code": "overtime", "hours": str(ot), "rate": str(rate * ONE_HALF),
                                 "regular_rate": str(rate)})
            pay.labels.append("overtime")
        if dt:
            pay.earnings.append({"code": "double_time", "hours": str(dt), "rate": str(rate * TWO),
                                 "regular_rate": str(rate)})
            pay.labels.append("double_time")
    elif pays_time and eng.pay_unit in ("piece", "project"):
        units = sum((ts.units for ts in sheets), ZERO)
        pay.timesheet_ids.extend(ts.id for ts in sheets)
        if units:
            pay.earnings.append({"code": "piece", "units": str(units), "rate": str(rate)})
            pay.labels.append(eng.pay_unit)
    elif run.kind == "regular" and eng.pay_unit in ("week", "year"):
        if eng.pay_unit == "year":
            amount = round_cents(rate / PayFrequency(run.frequency).periods_per_year)
        else:
            amount = round_cents(rate * WEEKS_PER_PERIOD[run.frequency])
        if amount:
            pay.earnings.append({"code": "salary", "amount": str(amount)})
            pay.labels.append("salary")
    for adj in adjustments:
        pay.earnings.append({"code": ADJUSTMENT_EARNING[adj.code], "amount": str(adj.amount)})
        pay.labels.append(adj.code)
        pay.adjustment_ids.append(adj.id)
    return pay


def _latest_by_worker(rows) -> dict:
    out = {}
    for row in rows:          # ordered by effective/created ascending: the last one wins
        out[row.worker_id] = row
    return out


@dataclass
class ChunkContext:
    """Everything a chunk reads, loaded with one query per table."""

    engagements: list
    workers: dict
    profiles: dict
    w9s: dict
    sheets: dict
    adjustments: dict
    ytd: dict
    suta: dict
    agency_id: int | None


def load_context(run: PayrollRun, engagement_ids: list[int]) -> ChunkContext:
    """Column selects (no ORM objects: a Worker object would decrypt its TIN, which a paycheck does not need)."""
    s = db.session
    engagements = list(s.execute(sa.select(
        Engagement.id, Engagement.worker_id, Engagement.client_id, Engagement.type, Engagement.work_state,
        Engagement.pay_rate, Engagement.pay_unit, Engagement.overtime_exempt).where(id_in(Engagement.id, engagement_ids))
        .order_by(Engagement.worker_id, Engagement.id)))
    worker_ids = sorted({e.worker_id for e in engagements})
    workers = {w.id: w for w in s.execute(sa.select(
        Worker.id, Worker.state, Worker.birth_date, Worker.tin_last4, Worker.tin_flagged)
        .where(id_in(Worker.id, worker_ids)))}
    profiles = _latest_by_worker(s.execute(sa.select(
        TaxProfile.worker_id, TaxProfile.w4_version, TaxProfile.filing_status, TaxProfile.step2_checkbox,
        TaxProfile.step3_credits, TaxProfile.step4a_other_income, TaxProfile.step4b_deductions,
        TaxProfile.step4c_extra, TaxProfile.exempt, TaxProfile.allowances, TaxProfile.additional,
        TaxProfile.state_certificate).where(id_in(TaxProfile.worker_id, worker_ids),
                                            TaxProfile.effective_date <= run.pay_date)
        .order_by(TaxProfile.effective_date, TaxProfile.id)))
    w9s = _latest_by_worker(s.execute(sa.select(W9Form.worker_id, W9Form.backup_withholding)
                                      .where(id_in(W9Form.worker_id, worker_ids)).order_by(W9Form.id)))
    sheets: dict[int, list] = defaultdict(list)
    if run.kind in ("regular", "final"):
        for ts in s.execute(sa.select(Timesheet.id, Timesheet.engagement_id, Timesheet.units,
                                      *[getattr(Timesheet, f"hours_{d}") for d in DAYS]).where(
                id_in(Timesheet.engagement_id, engagement_ids), Timesheet.status == "approved",
                Timesheet.paid_run_id.is_(None), Timesheet.week_start <= run.period_end - timedelta(days=6))
                .order_by(Timesheet.week_start)):
            sheets[ts.engagement_id].append(ts)
    adj_stmt = sa.select(PayrollAdjustment).where(id_in(PayrollAdjustment.engagement_id, engagement_ids),
                                                  PayrollAdjustment.status == "pending")
    adj_stmt = adj_stmt.where(PayrollAdjustment.run_id == run.id) if run.kind != "regular" else adj_stmt.where(
        sa.or_(PayrollAdjustment.run_id.is_(None), PayrollAdjustment.run_id == run.id))
    adjustments: dict[int, list] = defaultdict(list)
    for adj in s.execute(adj_stmt.order_by(PayrollAdjustment.id)).scalars():
        adjustments[adj.engagement_id].append(adj)
    ytd_stmt = sa.select(YearToDate.id, YearToDate.worker_id, *[getattr(YearToDate, f) for f in YTD_STORED]).where(
        id_in(YearToDate.worker_id, worker_ids), YearToDate.tax_year == run.pay_date.year).order_by(YearToDate.worker_id)
    if is_postgres():
        ytd_stmt = ytd_stmt.with_for_update()
    ytd = {y.worker_id: y for y in s.execute(ytd_stmt)}
    agency_id = s.execute(sa.select(Agency.id).order_by(Agency.id).limit(1)).scalar()
    suta = {}
    if agency_id is not None:
        suta = dict(s.execute(sa.select(StateRegistration.state, StateRegistration.suta_rate)
                              .where(StateRegistration.agency_id == agency_id)).all())
    return ChunkContext(engagements, workers, profiles, w9s, sheets, adjustments, ytd, suta, agency_id)


def engine_input(run: PayrollRun, eng, worker, profile, w9, pay: EngagementPay, ytd: dict,
                 suta_rate: Decimal | None) -> dict:
    """The engine input for one paycheck, in the quote's JSON form (stored on the paycheck, replayable)."""
    employee = eng.type == "leased_employee"
    obj = {"pay_date": run.pay_date.isoformat(), "pay_frequency": run.frequency,
           "worker_type": "employee" if employee else "contractor", "earnings": pay.earnings,
           "ytd": {k: str(v) for k, v in ytd.items() if v}}
    if worker.birth_date:
        obj["birth_date"] = worker.birth_date.isoformat()
    if employee:
        obj["work_state"] = eng.work_state
        obj["residence_state"] = worker.state or eng.work_state
        if profile is not None:
            obj["w4"] = TaxProfile.w4_json(profile)      # the model's own mapping, applied to the selected row
            if profile.state_certificate:
                obj["state_certificates"] = profile.state_certificate
        if suta_rate is not None:
            obj["suta_rate"] = str(suta_rate)
        if any(e["code"] in ("bonus", "commission") for e in pay.earnings) and any(
                e["code"] not in ("bonus", "commission", "reimbursement") for e in pay.earnings):
            obj["aggregate_supplemental"] = False
    else:
        if eng.work_state:
            obj["work_state"] = eng.work_state
        no_tin = not worker.tin_last4
        if no_tin or worker.tin_flagged or (w9 is not None and w9.backup_withholding):
            obj["tin_missing_or_flagged"] = True
    return obj


def to_engine_input(obj: dict):
    """The validated PaycheckInput of a stored input (the quote API's parser): used to replay a paycheck."""
    inp, issues = parse_input(obj)
    if issues:
        raise DomainError("; ".join(str(i) for i in issues), code="bad_engine_input")
    return inp


def _dec(v) -> Decimal | None:
    return None if v is None else D(v)


def input_from_json(obj: dict) -> PaycheckInput:
    """The PaycheckInput of an input built by engine_input, without re-validating it (the hot path: parse_input
    costs about four times the engine itself). Unit tests check it equals to_engine_input for every shape."""
    earnings = tuple(Earning(e["code"], amount=_dec(e.get("amount")), hours=_dec(e.get("hours")),
                             rate=_dec(e.get("rate")), units=_dec(e.get("units")),
                             regular_rate=_dec(e.get("regular_rate"))) for e in obj["earnings"])
    w4 = None
    wv = obj.get("w4")
    if wv is not None:
        if wv.get("version") == 2019:
            w4 = W4Legacy(marital_status=wv.get("marital_status", "single"), allowances=int(wv.get("allowances", 0)),
                          additional=D(wv.get("additional", "0")), exempt=bool(wv.get("exempt", False)))
        else:
            w4 = W4(filing_status=wv.get("filing_status", "single"), step2_checkbox=bool(wv.get("step2_checkbox")),
                    step3_credits=D(wv.get("step3_credits", "0")),
                    step4a_other_income=D(wv.get("step4a_other_income", "0")),
                    step4b_deductions=D(wv.get("step4b_deductions", "0")),
                    step4c_extra=D(wv.get("step4c_extra", "0")), exempt=bool(wv.get("exempt", False)))
    certs = {k.upper(): v for k, v in (obj.get("state_certificates") or {}).items()}
    birth = obj.get("birth_date")
    return PaycheckInput(
        pay_date=parse_date(obj["pay_date"]), pay_frequency=PayFrequency(obj["pay_frequency"]),
        worker_type=obj["worker_type"], work_state=obj.get("work_state", ""),
        residence_state=obj.get("residence_state", ""), birth_date=parse_date(birth) if birth else None,
        earnings=earnings, w4=w4, state_certificates=certs,
        ytd=EngineYTD(**{k: D(v) for k, v in (obj.get("ytd") or {}).items()}),
        suta_rate=_dec(obj.get("suta_rate")), tin_missing_or_flagged=bool(obj.get("tin_missing_or_flagged", False)),
        aggregate_supplemental=bool(obj.get("aggregate_supplemental", False)))


# ------------------------------------------------------------------------------------------------ chunk
PAYCHECK_COLUMNS = ("run_id", "engagement_id", "worker_id", "client_id", "agency_id", "kind", "worker_type",
                    "work_state", "period_start", "period_end", "pay_date", "tax_year", "gross", "employee_taxes",
                    "employer_taxes", "deductions", "net", "inputs", "created_at")
LINE_COLUMNS = ("paycheck_id", "kind", "code", "state", "amount", "hours", "rate", "taxable_wages", "explanation")


def _lock_chunk(run_id: int, index: int) -> RunChunk | None:
    """Take the chunk's lock before reading anything: FOR UPDATE on PostgreSQL; on SQLite an UPDATE, which
    takes the database write lock, so two processes never calculate the same chunk at once."""
    s = db.session
    if is_postgres():
        return s.execute(sa.select(RunChunk).where(RunChunk.run_id == run_id, RunChunk.index == index)
                         .with_for_update()).scalar_one_or_none()
    s.execute(sa.update(RunChunk).where(RunChunk.run_id == run_id, RunChunk.index == index)
              .values(attempts=RunChunk.attempts + 1))
    chunk = s.execute(sa.select(RunChunk).where(RunChunk.run_id == run_id, RunChunk.index == index)
                      ).scalar_one_or_none()
    if chunk is not None:
        s.refresh(chunk)
    return chunk


def calculate_chunk(run_id: int, index: int, *, explain_limit: int = EXPLAIN_LIMIT_DEFAULT, pause: float = 0) -> bool:
    """Calculate and post one chunk: paychecks, lines, YTD, timesheets/adjustments marked, one journal entry and
    the chunk's done mark — all in one transaction. Returns False (and changes nothing) when the chunk is already
    done or the run is no longer calculating."""
    s = db.session
    chunk = _lock_chunk(run_id, index)
    if chunk is None or chunk.done_at is not None:
        s.commit()
        return False
    run = s.get(PayrollRun, run_id)
    s.refresh(run)
    if run.state != "calculating":
        s.commit()
        return False
    if is_postgres():
        s.execute(sa.update(RunChunk).where(RunChunk.id == chunk.id).values(attempts=RunChunk.attempts + 1))
    ctx = load_context(run, list(chunk.engagement_ids))
    tables = tables_for(run.pay_date)
    explain = run.chunks_total * run.chunk_size <= explain_limit
    now = utcnow()
    naive_now = now.replace(tzinfo=None)       # stored as naive UTC (UTCDateTime)
    year = run.pay_date.year
    running_ytd: dict[int, dict] = {}
    computed = []           # (engagement, pay, obj, result, delta)
    for eng in ctx.engagements:
        worker = ctx.workers[eng.worker_id]
        pay = earnings_for(eng, run, ctx.sheets.get(eng.id, []), ctx.adjustments.get(eng.id, []))
        if not pay.earnings:
            continue
        if eng.worker_id not in running_ytd:
            row = ctx.ytd.get(eng.worker_id)
            running_ytd[eng.worker_id] = {f: (getattr(row, f) if row else ZERO) for f in YTD_STORED}
        before = running_ytd[eng.worker_id]
        obj = engine_input(run, eng, worker, ctx.profiles.get(eng.worker_id), ctx.w9s.get(eng.worker_id), pay,
                           {f: before[f] for f in YTD_FIELDS},
                           ctx.suta.get(eng.work_state) if eng.type == "leased_employee" else None)
        result = calculate_paycheck(input_from_json(obj), tables)
        after = {f: getattr(result.ytd, f) for f in YTD_FIELDS}
        if eng.type != "leased_employee":      # a contractor's payments carry no wage bases: keep the worker's
            after = dict(before, gross=after["gross"], supplemental=after["supplemental"])
        after["net"] = before["net"] + result.net
        delta = {f: after[f] - before[f] for f in YTD_STORED if after[f] != before[f]}
        running_ytd[eng.worker_id] = after
        computed.append((eng, pay, obj, result, delta))

    # paychecks
    rows = []
    for eng, pay, obj, r, delta in computed:
        deductions = r.deduction_total
        rows.append((run.id, eng.id, eng.worker_id, eng.client_id, ctx.agency_id, "regular",
                     "employee" if eng.type == "leased_employee" else "contractor", eng.work_state or "",
                     run.period_start, run.period_end, run.pay_date, year, cents(r.gross),
                     cents(r.employee_tax_total), cents(sum((t.amount for t in r.employer_taxes), ZERO)),
                     cents(deductions), cents(r.net),
                     json.dumps({"engine": obj, "labels": pay.labels,
                                 "ytd_delta": {k: str(v) for k, v in delta.items()}}), naive_now))
    bulk_insert("paychecks", PAYCHECK_COLUMNS, rows, ready=True)
    ids = dict(s.execute(sa.select(Paycheck.engagement_id, Paycheck.id).where(
        Paycheck.run_id == run.id, Paycheck.kind == "regular",
        id_in(Paycheck.engagement_id, [c[0].id for c in computed]))).all()) if computed else {}

    # lines
    line_rows = []
    ledger_input = []
    applied = []
    for eng, pay, obj, r, delta in computed:
        pid = ids[eng.id]
        lines = result_lines(r, obj, pay.labels, explain)
        line_rows.extend((pid,) + ln for ln in lines)
        ledger_input.append(("employee" if eng.type == "leased_employee" else "contractor", ctx.agency_id, r.gross,
                             r.net, [(ln[0], ln[1], ln[2], r_amount) for ln, r_amount in
                                     ((ln, _from_cents(ln[3])) for ln in lines)]))
        applied.extend((pid, adj_id) for adj_id in pay.adjustment_ids)
    bulk_insert("paycheck_lines", LINE_COLUMNS, line_rows, ready=True)

    # YTD, time and adjustments
    _write_ytd(running_ytd, ctx.ytd, year)
    sheet_ids = [tid for c in computed for tid in c[1].timesheet_ids]
    if sheet_ids:
        s.execute(sa.update(Timesheet).where(id_in(Timesheet.id, sheet_ids)).values(paid_run_id=run.id),
                  execution_options={"synchronize_session": False})
    for pid, adj_id in applied:
        s.execute(sa.update(PayrollAdjustment).where(PayrollAdjustment.id == adj_id)
                  .values(status="applied", paycheck_id=pid, run_id=run.id),
                  execution_options={"synchronize_session": False})

    # journal, done mark, progress
    post_entry("payroll", run.pay_date, f"Payroll run {run.id} chunk {index}", postings_for_paychecks(ledger_input),
               run_id=run.id, chunk_index=index)
    s.execute(sa.update(RunChunk).where(RunChunk.id == chunk.id).values(done_at=now))
    done = sa.select(sa.func.count()).select_from(RunChunk).where(RunChunk.run_id == run.id,
                                                                 RunChunk.done_at.is_not(None)).scalar_subquery()
    s.execute(sa.update(PayrollRun).where(PayrollRun.id == run.id).values(chunks_done=done),
              execution_options={"synchronize_session": False})
    if pause:       # test hook: hold the transaction open so a worker can be killed with the chunk half written
        import time

        time.sleep(pause)
    s.commit()
    return True


def _from_cents(units: int) -> Decimal:
    return D(units) / 100


def result_lines(r, obj: dict, labels: list[str], explain: bool) -> list[tuple]:
    """Storage rows (kind, code, state, amount cents, hours, rate, taxable wages cents, explanation) for one
    paycheck; zero-amount tax and deduction lines are left out."""
    out = []
    earnings = obj["earnings"]
    for i, line in enumerate(r.earnings):
        e = earnings[i]
        hours = e.get("hours") or e.get("units")
        out.append(("earning", labels[i], "", cents(line.amount), units4(D(hours)) if hours else None,
                    units4(D(e["rate"])) if "rate" in e else None, None,
                    json.dumps(list(line.explanation)) if explain else None))
    taxable = r.taxable_wages
    for kind, group in (("employee_tax", r.employee_taxes), ("employer_tax", r.employer_taxes)):
        for line in group:
            if not line.amount:
                continue
            base = taxable.get(line.code, taxable.get("state") if line.state else None)
            out.append((kind, line.code, line.state or "", cents(line.amount), None, None,
                        cents(base) if base is not None else None,
                        json.dumps(list(line.explanation)) if explain else None))
    for line in r.deductions:
        if not line.amount:
            continue
        kind = "pretax_deduction" if line.code in PRETAX_TREATMENT else "posttax_deduction"
        out.append((kind, line.code, "", cents(line.amount), None, None, None,
                    json.dumps(list(line.explanation)) if explain else None))
    return out


def _write_ytd(running: dict[int, dict], existing: dict, year: int) -> None:
    """Store the new year-to-date figures: UPDATE the rows read (locked) at the start, INSERT the new ones."""
    s = db.session
    new_rows = []
    updates = []
    for worker_id, vals in running.items():
        row = existing.get(worker_id)
        if row is None:
            new_rows.append((worker_id, year) + tuple(cents(vals[f]) for f in YTD_STORED))
        else:
            updates.append((row.id, vals))
    bulk_insert("payroll_ytd", ("worker_id", "tax_year") + YTD_STORED, new_rows)
    if not updates:
        return
    if is_postgres():
        s.execute(sa.text("CREATE TEMP TABLE IF NOT EXISTS tmp_ytd (LIKE payroll_ytd) ON COMMIT DELETE ROWS"))
        bulk_insert("tmp_ytd", ("id", "worker_id", "tax_year") + YTD_STORED,
                    [(rid, 0, year) + tuple(cents(v[f]) for f in YTD_STORED) for rid, v in updates])
        sets = ", ".join(f"{f} = t.{f}" for f in YTD_STORED)
        s.execute(sa.text(f"UPDATE payroll_ytd y SET {sets} FROM tmp_ytd t WHERE y.id = t.id"))
        s.execute(sa.text("DELETE FROM tmp_ytd"))
    else:
        sets = ", ".join(f"{f} = ?" for f in YTD_STORED)
        s.connection().exec_driver_sql(f"UPDATE payroll_ytd SET {sets} WHERE id = ?",
                                       [tuple(cents(v[f]) for f in YTD_STORED) + (rid,) for rid, v in updates])


def apply_ytd_delta(worker_id: int, year: int, delta: dict[str, Decimal], sign: int) -> None:
    """Add (sign=1) or subtract (sign=-1) one paycheck's year-to-date contribution (reversals, re-issues)."""
    s = db.session
    stmt = sa.select(YearToDate).where(YearToDate.worker_id == worker_id, YearToDate.tax_year == year)
    if is_postgres():
        stmt = stmt.with_for_update()
    row = s.execute(stmt).scalar_one_or_none()
    if row is None:
        row = YearToDate(worker_id=worker_id, tax_year=year, **{f: ZERO for f in YTD_STORED})
        s.add(row)
    for f, v in delta.items():
        setattr(row, f, getattr(row, f) + sign * D(v))
    s.flush()
