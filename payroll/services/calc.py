"""Run calculation: plan a run into chunks, calculate one chunk and write its paychecks, lines, YTD and journal."""
from __future__ import annotations

import orjson
from decimal import Decimal
from operator import attrgetter

import sqlalchemy as sa

from backoffice.batching import gc_paused
from backoffice.db import utcnow
from backoffice.errors import DomainError
from backoffice.extensions import db
from backoffice.money import D, ZERO, from_cents
from backoffice.uow import transaction
from backoffice.workers.models import Engagement
from payroll.engine import calculate_paycheck, tables_for
from payroll.engine.model import PRETAX_TREATMENT
from payroll.models import Paycheck, PaycheckHold, PayrollAdjustment, PayrollRun, RunChunk, Timesheet, YearToDate
from payroll.piecework.services import mark_tasks_paid

from . import four_eyes, paid_periods, workers_comp
from .deductions import deductions_for, employer_contribution_lines, record_taken
from .common import bulk_insert, cents, id_in, is_postgres, plain_rows, reserve_ids, units4
from .id_list import IdList
from .ledger import post_entry, postings_for_paychecks
from .paycheck_inputs import (YTD_FIELDS, YTD_STORED, engine_input, input_from_json, load_context, paycheck_notes,
                              primary_engagement, run_figures, work_shares, work_sites, worker_pay)

EXPLAIN_LIMIT_DEFAULT = 2000      # runs up to this many paychecks store each line's explanation in words


# ------------------------------------------------------------------------------------------------ scope
def engagements_in_scope(run: PayrollRun) -> sa.Select:
    """Engagement ids a run pays, ordered so one worker's engagements are adjacent. A regular run pays the
    engagements of its schedule (not every engagement of its frequency: two schedules may share one)."""
    orig = db.session.get(PayrollRun, run.pays_holds_of_run_id) if run.pays_holds_of_run_id else None
    if orig is not None and orig.kind == "regular":     # the held workers' engagements of the held run
        held = sa.select(PaycheckHold.worker_id).where(PaycheckHold.released_run_id == run.id)
        return engagements_in_scope(orig).where(Engagement.worker_id.in_(held))
    if run.kind == "regular":
        stmt = sa.select(Engagement.id, Engagement.worker_id).where(
            Engagement.pay_schedule_id == run.pay_schedule_id,
            Engagement.start_date <= run.period_end,
            sa.or_(Engagement.end_date.is_(None), Engagement.end_date >= run.period_start),
            Engagement.status.in_(("active", "ended", "terminated")))
    else:
        stmt = sa.select(Engagement.id, Engagement.worker_id).where(
            Engagement.id.in_(sa.select(PayrollAdjustment.engagement_id).where(
                PayrollAdjustment.run_id == run.id, PayrollAdjustment.status == "pending")))
    return stmt.order_by(Engagement.worker_id, Engagement.id)


def in_scope(run: PayrollRun) -> sa.ColumnElement[bool]:
    """The condition on `engagements` that picks the run's engagements (engagements_in_scope's WHERE). A check
    filters the engagements it reads by it: joining the scope back to them as an ordered subquery made PostgreSQL
    read every engagement twice, once through the worker index and sorted, for each of the run's checks."""
    clause = engagements_in_scope(run).whereclause
    if clause is None:      # cannot happen: every kind of run names its engagements
        raise ValueError(f"run #{run.id} has no scope")
    return clause


def plan_chunks(run: PayrollRun, chunk_size: int) -> list[list[int]]:
    """Engagement ids split into chunks of about chunk_size, never splitting one worker's engagements."""
    chunks: list[list[int]] = []
    current: list[int] = []
    last_worker = None
    # read through the connection, unpacked as they come: the ORM's row loading and a named tuple a row cost this
    # process 0.06 s of a 100,000-worker run's plan for two integers a row
    for eng_id, worker_id in db.session.connection().execute(engagements_in_scope(run)).all():
        if len(current) >= chunk_size and worker_id != last_worker:
            chunks.append(current)
            current = []
        current.append(eng_id)
        last_worker = worker_id
    if current:
        chunks.append(current)
    return chunks



# ------------------------------------------------------------------------------------------------ chunk
PAYCHECK_COLUMNS = ("run_id", "engagement_id", "worker_id", "client_id", "agency_id", "kind", "worker_type",
                    "work_state", "period_start", "period_end", "pay_date", "tax_year", "gross", "employee_taxes",
                    "employer_taxes", "deductions", "net", "qualified_overtime_premium", "inputs", "created_at")
LINE_COLUMNS = ("paycheck_id", "kind", "code", "state", "amount", "hours", "rate", "taxable_wages", "explanation",
                "engagement_id", "client_id", "locality")


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


@gc_paused()
@transaction()
def calculate_chunk(run_id: int, index: int, *, explain_limit: int = EXPLAIN_LIMIT_DEFAULT, pause: float = 0) -> bool:
    """Calculate and post one chunk: paychecks, lines, YTD, timesheets/adjustments marked, one journal entry and
    the chunk's done mark — all in one transaction. Returns False (and changes nothing) when the chunk is already
    done or the run is no longer calculating."""
    s = db.session
    chunk = _lock_chunk(run_id, index)
    if chunk is None or chunk.done_at is not None:
        return False
    run = s.get_one(PayrollRun, run_id)
    s.refresh(run)
    if run.state != "calculating":
        return False
    if is_postgres():
        s.execute(sa.update(RunChunk).where(RunChunk.id == chunk.id).values(attempts=RunChunk.attempts + 1))
    ctx = load_context(run, list(chunk.engagement_ids))
    explain = run.chunks_total * run.chunk_size <= explain_limit
    now = utcnow()
    year = run.pay_date.year
    frags = _deduction_fragments(ctx, run)
    comp = workers_comp.ChunkAccrual.load(run.id, run.pay_date, ctx.agency_id, list(chunk.engagement_ids))
    # computed a slice of workers at a time, each slice turned into its rows at once and then let go: a whole
    # chunk's results (~50 MB) outgrow the caches, so reading them back for the rows and freeing them at the end
    # cost about a fifth of the chunk's Python more than doing it while they are fresh
    out = ChunkRows()
    for part in worker_slices(ctx):
        out.add(run, ctx, frags, part, explain, now.replace(tzinfo=None),    # stored as naive UTC (UTCDateTime)
                comp if comp.prices else None)
    _hold_refused(run, out.refused, now)
    rows = out.paychecks
    new_ids = reserve_ids("paychecks", len(rows))
    if new_ids is not None:
        bulk_insert("paychecks", ("id",) + PAYCHECK_COLUMNS, [(i,) + r for i, r in zip(new_ids, rows)], ready=True)
        pids = new_ids
    else:
        bulk_insert("paychecks", PAYCHECK_COLUMNS, rows, ready=True)
        by_key = {(w, t): i for w, t, i in plain_rows(s.execute(
            sa.select(Paycheck.worker_id, Paycheck.worker_type, Paycheck.id)
            .where(Paycheck.run_id == run.id, Paycheck.kind == "regular",
                   id_in(Paycheck.worker_id, sorted({k[0] for k in out.keys})))))} if out.keys else {}
        pids = [by_key[k] for k in out.keys]

    # lines (each names its paycheck by its place in the chunk until now)
    bulk_insert("paycheck_lines", LINE_COLUMNS, ((pids[ln[0]],) + ln[1:] for ln in out.lines), ready=True)
    if comp.prices:
        comp.write(pids)
    # what each deduction took (goals and remittance), once: the paychecks with deduction lines (most have none)
    for wtype in ("employee", "contractor"):
        record_taken({key[0]: pids[place] for place, key, _r in out.taking if key[1] == wtype},
                     {key[0]: r for _place, key, r in out.taking if key[1] == wtype})

    # the salary period, claimed once per engagement (the database refuses an overlap); who changed the inputs
    paid_periods.claim(run, [(eid, pids[place]) for eid, place in out.claims], run.period_start, run.period_end)
    sheet_ids = out.sheet_ids
    sheets = {ts.id: ts for rows in ctx.sheets.values() for ts in rows}     # who entered and approved each, as read
    four_eyes.record_chunk_inputs(run, out.engagement_ids,
                                  [(tid, sheets[tid].entered_by_id, sheets[tid].approved_by_id) for tid in sheet_ids],
                                  out.adjustment_ids, out.task_ids)

    # YTD, time and adjustments
    _write_ytd(out.ytd, ctx.ytd, year)
    if sheet_ids:
        s.execute(sa.update(Timesheet).where(id_in(Timesheet.id, sheet_ids)).values(paid_run_id=run.id),
                  execution_options={"synchronize_session": False})
    mark_tasks_paid(run.id, out.task_ids)
    for place, adj_id in out.applied:
        s.execute(sa.update(PayrollAdjustment).where(PayrollAdjustment.id == adj_id)
                  .values(status="applied", paycheck_id=pids[place], run_id=run.id),
                  execution_options={"synchronize_session": False})

    # journal, done mark, progress
    post_entry("payroll", run.pay_date, f"Payroll run {run.id} chunk {index}",
               postings_for_paychecks(out.ledger, out.summed_lines(ctx.agency_id)), run_id=run.id, chunk_index=index)
    s.execute(sa.update(RunChunk).where(RunChunk.id == chunk.id).values(done_at=now, **chunk_totals(rows)))
    done = sa.select(sa.func.count()).select_from(RunChunk).where(RunChunk.run_id == run.id,
                                                                 RunChunk.done_at.is_not(None)).scalar_subquery()
    s.execute(sa.update(PayrollRun).where(PayrollRun.id == run.id).values(chunks_done=done),
              execution_options={"synchronize_session": False})
    if pause:       # test hook: hold the transaction open so a worker can be killed with the chunk half written
        import time

        time.sleep(pause)
    return True


# The engine's refusals by name that depend on one worker's figures (Arkansas 2025 above the formula's rows read,
# Massachusetts supplemental wages near the surtax threshold, a locality's missing certificate field): that worker
# is held out of the run with the engine's message, as the pre-run checks hold a whole state; the chunk goes on.
REFUSALS_HELD = frozenset({"unsupported_state", "unsupported_locality"})


_STORED_OF = attrgetter(*YTD_STORED)            # a year-to-date row's figures, in YTD_STORED order
_ENGINE_YTD_OF = attrgetter(*YTD_FIELDS)        # the engine's year to date after a paycheck, in YTD_FIELDS order


def compute_chunk(run: PayrollRun, ctx, frags: dict, workers: list | None = None
                  ) -> tuple[dict, list, dict[int, tuple[str, str]]]:
    """The chunk's paychecks (or those of `workers`, a part of ctx.by_worker() holding each worker's whole),
    calculated (no database access): the running year to date by (worker_id, worker_type); per paycheck (key,
    engagements, pay, engine input, result, YTD delta, notes); and the workers the engine refused by name
    (REFUSALS_HELD), worker id → (code, message): none of their paychecks is kept."""
    tables = tables_for(run.pay_date)
    figures = run_figures(run)
    running_ytd: dict[tuple[int, str], dict] = {}
    computed: list = []
    refused: dict[int, tuple[str, str]] = {}
    for key, engs in (ctx.by_worker() if workers is None else workers):
        worker_id, wtype = key
        if worker_id in ctx.held or worker_id in refused:
            continue
        pay = worker_pay(engs, figures, ctx)
        if not pay.earnings:
            continue
        if key not in running_ytd:
            row = ctx.ytd.get(key)
            running_ytd[key] = dict(zip(YTD_STORED, _STORED_OF(row))) if row else dict.fromkeys(YTD_STORED, ZERO)
        before = running_ytd[key]
        primary = primary_engagement(engs, pay)
        worker, profile, w9 = ctx.workers[worker_id], ctx.profiles.get(worker_id), ctx.w9s.get(worker_id)
        obj = engine_input(figures, primary, worker, profile if wtype == "employee" else None, w9, pay,
                           {f: before[f] for f in YTD_FIELDS},
                           ctx.suta.get(primary.work_state) if wtype == "employee" else None,
                           deductions=frags[wtype].get(worker_id), prior_year_fica_wages=ctx.prior_fica.get(worker_id),
                           local_ytd=ctx.local_ytd.get(worker_id), local_mtd=ctx.local_mtd.get(worker_id))
        if wtype == "employee" and len(engs) > 1:
            shares, sites = work_shares(engs, pay), work_sites(engs, pay)
            if shares:
                obj["work_shares"] = shares
            if sites:
                obj["work_sites"] = sites
        if wtype == "employee" and ctx.employer_size:
            # the agency's size in the states whose programs this paycheck pays (work, shares, office state)
            states = {obj.get("work_state"), obj.get("office_state")} | {s["state"] for s in obj.get("work_shares", ())}
            sizes = {s: ctx.employer_size[s] for s in sorted(x for x in states if x) if s in ctx.employer_size}
            if sizes:
                obj["employer_size"] = sizes
        try:
            result = calculate_paycheck(input_from_json(obj), tables)
        except DomainError as exc:
            if exc.code not in REFUSALS_HELD:
                raise
            refused[worker_id] = (exc.code, str(exc))
            computed = [c for c in computed if c[0][0] != worker_id]     # the worker's other type, if computed
            running_ytd = {k: v for k, v in running_ytd.items() if k[0] != worker_id}
            continue
        after = dict(zip(YTD_FIELDS, _ENGINE_YTD_OF(result.ytd)))
        after["net"] = before["net"] + result.net
        delta = {f: after[f] - before[f] for f in YTD_STORED if after[f] != before[f]}
        running_ytd[key] = after
        notes = paycheck_notes(engs, primary, pay, profile, worker, w9, result)
        computed.append((key, engs, pay, obj, result, delta, notes))
    return running_ytd, computed, refused


# paychecks computed and turned into rows together (calculate_chunk says why): 25 paychecks' objects (~20 kB each)
# fit a core's 1 MB L2 cache; at 20,000 workers (docs/benchmarks.md, session 21) slices of 10, 25 and 50 took 16–21%
# less CPU than the whole chunk of 2,500 at once, slices of 100 about the same
SLICE = 25


def worker_slices(ctx, size: int = 0) -> list[list]:
    """ctx.by_worker() in parts of about `size` (else SLICE) paychecks, never splitting a worker's two (a W-2 and a
    1099 paycheck: compute_chunk drops both when the engine refuses the worker; by_worker gives them one after the
    other, the engagements being read in worker order)."""
    size = size or SLICE
    parts: list[list] = []
    part: list = []
    for item in ctx.by_worker():
        if len(part) >= size and item[0][0] != part[-1][0][0]:
            parts.append(part)
            part = []
        part.append(item)
    if part:
        parts.append(part)
    return parts


class ChunkRows:
    """What a chunk writes, gathered a slice of workers at a time (calculate_chunk): the paychecks' rows and their
    keys, the lines' rows, the journal's input, the year-to-date rows (cents) and what the services after the
    COPY need. A paycheck is named by its place in the chunk (its index in `keys`) until its id is known."""

    def __init__(self) -> None:
        self.keys: list[tuple[int, str]] = []       # (worker_id, worker_type) per paycheck, in order
        self.paychecks: list[tuple] = []            # PAYCHECK_COLUMNS, parallel to keys
        self.lines: list[tuple] = []                # LINE_COLUMNS, the paycheck's place where its id goes
        self.ledger: list[tuple] = []               # postings_for_paychecks' input, parallel to keys
        self.line_cents: dict[tuple, int] = {}      # (kind, code, state) -> the chunk's lines after the earnings
        self.applied: list[tuple[int, int]] = []    # (place, adjustment id)
        self.claims: list[tuple[int, int]] = []     # (engagement id, place): the salary periods paid
        self.ytd: dict[tuple[int, str], tuple] = {}     # key -> the new year to date as stored (_stored_cents)
        self.taking: list[tuple] = []               # (place, key, result) of the paychecks with deduction lines
        self.refused: dict[int, tuple[str, str]] = {}
        self.engagement_ids: list[int] = []
        self.sheet_ids: list[int] = []
        self.adjustment_ids: list[int] = []
        self.task_ids: list[int] = []

    def add(self, run: PayrollRun, ctx, frags: dict, workers: list, explain: bool, naive_now, comp) -> None:
        """Calculate `workers` (a worker_slices part) and keep their rows; `comp` prices the employee paychecks
        for workers' compensation (None: no engagement of the chunk has a class code)."""
        running_ytd, computed, refused = compute_chunk(run, ctx, frags, workers)
        self.refused.update(refused)
        first = len(self.keys)
        places = {c[0]: first + i for i, c in enumerate(computed)}
        self.paychecks += paycheck_rows(run, ctx, computed, naive_now)
        line_rows, ledger_input, applied, claims = chunk_lines(computed, places, ctx.agency_id, explain,
                                                               self.line_cents)
        if comp is not None:
            comp.accrue(computed, places, ledger_input)
        self.lines += line_rows
        self.ledger += ledger_input
        self.applied += applied
        self.claims += claims
        for key, vals in running_ytd.items():
            self.ytd[key] = _stored_cents(vals)
        for c in computed:
            key, engs, pay, result = c[0], c[1], c[2], c[4]
            self.keys.append(key)
            if result.deductions:
                self.taking.append((places[key], key, result))
            self.engagement_ids += [e.id for e in engs]
            self.sheet_ids += pay.timesheet_ids
            self.adjustment_ids += pay.adjustment_ids
            self.task_ids += pay.task_ids


    def summed_lines(self, agency_id) -> list[tuple]:
        """The chunk's lines after the earnings in total (postings_for_paychecks' `summed`), back in dollars."""
        return [(kind, code, state, agency_id, from_cents(total))
                for (kind, code, state), total in self.line_cents.items()]


def _hold_refused(run: PayrollRun, refused: dict[int, tuple[str, str]], now) -> None:
    """Hold each refused worker out of the run in the chunk's own transaction (a retried chunk holds them once;
    the run's page lists them with the open holds, and an off-cycle run pays them once the data is there)."""
    if refused:
        db.session.execute(sa.insert(PaycheckHold), [
            {"run_id": run.id, "worker_id": wid, "code": code, "reason": f"{message}: held"[:500], "created_at": now}
            for wid, (code, message) in sorted(refused.items())])


def paycheck_rows(run: PayrollRun, ctx, computed: list, naive_now) -> list[tuple]:
    """The paychecks' rows for COPY (PAYCHECK_COLUMNS): one per worker and worker type."""
    # the run's fields read once: each read of an ORM attribute is a Python call (RunFigures says why)
    run_id, agency_id, start, end, pay_date = run.id, ctx.agency_id, run.period_start, run.period_end, run.pay_date
    year = pay_date.year
    rows = []
    for (worker_id, wtype), engs, pay, obj, r, delta, notes in computed:
        if len(engs) == 1:          # most paychecks: every earning is the one engagement's
            single = engs[0]
        else:
            paid = sorted({eid for eid, _ in pay.sources})
            single = next(e for e in engs if e.id == paid[0]) if len(paid) == 1 else None
        stored = {"engine": obj, "labels": pay.labels, "sources": pay.sources,     # tuples: JSON arrays
                  "ytd_delta": {k: str(v) for k, v in delta.items()}}
        if notes:
            stored["notes"] = notes
        rows.append((run_id, single.id if single else None, worker_id, single.client_id if single else None,
                     agency_id, "regular", wtype, obj.get("work_state", ""), start, end, pay_date, year, cents(r.gross),
                     cents(r.employee_tax_total), cents(sum((t.amount for t in r.employer_taxes), ZERO)),
                     cents(r.deduction_total), cents(r.net), cents(r.qualified_overtime_premium),
                     _json(stored), naive_now))
    return rows


_TOTALLED = ("gross", "employee_taxes", "employer_taxes", "deductions", "net")
_TOTALLED_AT = tuple(PAYCHECK_COLUMNS.index(c) for c in _TOTALLED)


def chunk_totals(rows: list[tuple]) -> dict:
    """The chunk's paychecks in total (RunChunk's columns, which finalize_run adds up for the run), from their COPY
    rows (paycheck_rows: integer cents, as stored) — the figures written, not figures computed again."""
    totals: dict = {"paycheck_count": len(rows)}
    for name, at in zip(_TOTALLED, _TOTALLED_AT):
        totals[f"total_{name}"] = from_cents(sum(r[at] for r in rows))
    return totals


def chunk_lines(computed: list, ids: dict, agency_id, explain: bool, line_cents: dict | None = None
                ) -> tuple[list, list, list, list]:
    """The paychecks' line rows for COPY (LINE_COLUMNS), the ledger's input, the adjustments applied and the salary
    periods claimed, for paycheck ids `ids` by (worker_id, worker_type) (calculate_chunk: their places in the
    chunk, given their ids when written). With `line_cents`, the lines the journal books (those after the
    earnings) are added up there in cents by (kind, code, state) instead of being listed in each paycheck's entry of
    the ledger's input."""
    line_rows = []
    ledger_input = []
    applied: list = []
    salary_claims: list = []
    for key, engs, pay, obj, r, delta, notes in computed:
        pid = ids[key]
        rows = result_lines(r, obj, pay.labels, explain, pay.sources, pid)
        contributions = employer_contribution_lines(r, explain)
        if contributions:
            rows += [(pid,) + ln for ln in contributions]
        line_rows += rows
        # the journal books the earnings as the gross: the lines after them, as stored (cents); summed in cents
        # where the caller gathers a chunk's sums (7 Decimals a paycheck made and added up otherwise: a run's ~1.2
        # million lines against a few dozen sums a chunk)
        if line_cents is None:
            ledger_input.append((key[1], agency_id, r.gross, r.net,
                                 [(ln[1], ln[2], ln[3], from_cents(ln[4])) for ln in rows[len(r.earnings):]]))
        else:
            ledger_input.append((key[1], agency_id, r.gross, r.net, []))
            for ln in rows[len(r.earnings):]:
                sum_key = (ln[1], ln[2], ln[3])
                line_cents[sum_key] = line_cents.get(sum_key, 0) + ln[4]
        applied.extend((pid, adj_id) for adj_id in pay.adjustment_ids)
        salary_claims.extend((eid, pid) for eid in pay.salary_engagement_ids)
    return line_rows, ledger_input, applied, salary_claims


def _deduction_fragments(ctx, run: PayrollRun) -> dict[str, dict]:
    """The deductions to merge into each paycheck's engine input, by worker type then worker: a worker paid both
    ways carries them on the W-2 paycheck only; a held worker's are not taken."""
    keys = [k for k, _ in ctx.by_worker() if k[0] not in ctx.held]
    employees = IdList(sorted({w for w, t in keys if t == "employee"}))     # each named by two or three reads
    contractors = IdList(sorted({w for w, t in keys if t == "contractor"} - set(employees)))
    return {"employee": deductions_for(employees, run), "contractor": deductions_for(contractors, run, "contractor")}


def _json(value) -> str:
    """JSON text for a stored column (orjson: the stored input is strings, numbers and lists; several times faster
    than the standard library on a run's 100,000 inputs)."""
    return orjson.dumps(value).decode()


def result_lines(r, obj: dict, labels: list[str], explain: bool, sources: list | None = None,
                 paycheck_id: int | None = None) -> list[tuple]:
    """Storage rows of one paycheck's lines for COPY (LINE_COLUMNS: paycheck_id, kind, code, state, amount cents,
    hours, rate, taxable wages cents, explanation, engagement_id, client_id, locality), earnings first; earning
    lines name the engagement and client of `sources` (parallel to the earnings); zero-amount tax and deduction
    lines are left out. One tuple a line: a run writes 1.2 million of them at 100,000 workers."""
    out: list = []
    append = out.append
    earnings = obj["earnings"]
    for i, line in enumerate(r.earnings):
        e = earnings[i]
        hours = e.get("hours") or e.get("units")
        eng_id, client_id = sources[i] if sources else (None, None)
        append((paycheck_id, "earning", labels[i], "", cents(line.amount), units4(Decimal(hours)) if hours else None,
                units4(Decimal(e["rate"])) if "rate" in e else None, None,
                _json(list(line.explanation)) if explain else None, eng_id, client_id, ""))
    taxable = r.taxable_wages
    state_wages = r.state_wages
    local_wages = r.local_wages
    for kind, group in (("employee_tax", r.employee_taxes), ("employer_tax", r.employer_taxes)):
        for line in group:
            amount = line.amount
            if not amount:
                continue
            locality = line.locality
            state = line.state
            if locality:
                base = local_wages.get((line.code, locality))
            else:
                base = state_wages.get((line.code, state)) if state else None
                if base is None:
                    base = taxable.get(line.code)
            append((paycheck_id, kind, line.code, state or "", cents(amount), None, None,
                    None if base is None else cents(base), _json(list(line.explanation)) if explain else None, None,
                    None, locality or ""))
    for line in r.deductions:
        if not line.amount:
            continue
        kind = "pretax_deduction" if line.code in PRETAX_TREATMENT else "posttax_deduction"
        append((paycheck_id, kind, line.code, "", cents(line.amount), None, None, None,
                _json(list(line.explanation)) if explain else None, None, None, ""))
    return out


def _stored_cents(figures: dict) -> tuple:
    """A year-to-date's figures as stored (cents), in YTD_STORED order."""
    return tuple([cents(figures[f]) for f in YTD_STORED])     # a direct call of cents a figure (compiled)


def _write_ytd(running: dict[tuple[int, str], tuple], existing: dict, year: int) -> None:
    """Store the new year-to-date figures (as stored: _stored_cents): UPDATE the rows read (locked) at the start,
    INSERT the new ones."""
    s = db.session
    new_rows = []
    updates = []
    for (worker_id, wtype), vals in running.items():
        row = existing.get((worker_id, wtype))
        if row is None:
            new_rows.append((worker_id, year, wtype) + vals)
        else:
            updates.append((row.id, vals))
    if new_rows:
        bulk_insert("payroll_ytd", ("worker_id", "tax_year", "worker_type") + YTD_STORED, new_rows, ready=True)
    if not updates:
        return
    if is_postgres():
        s.execute(sa.text("CREATE TEMP TABLE IF NOT EXISTS tmp_ytd (LIKE payroll_ytd) ON COMMIT DELETE ROWS"))
        bulk_insert("tmp_ytd", ("id", "worker_id", "tax_year", "worker_type") + YTD_STORED,
                    [(rid, 0, year, "employee") + v for rid, v in updates], ready=True)
        sets = ", ".join(f"{f} = t.{f}" for f in YTD_STORED)
        # the column names come from YTD_STORED, a constant; values are bound
        s.execute(sa.text(f"UPDATE payroll_ytd y SET {sets} FROM tmp_ytd t WHERE y.id = t.id"))  # nosec B608
        s.execute(sa.text("DELETE FROM tmp_ytd"))
    else:
        sets = ", ".join(f"{f} = ?" for f in YTD_STORED)
        s.connection().exec_driver_sql(f"UPDATE payroll_ytd SET {sets} WHERE id = ?",  # nosec B608
                                       [v + (rid,) for rid, v in updates])


def apply_ytd_delta(worker_id: int, year: int, delta: dict[str, Decimal], sign: int,
                    worker_type: str = "employee") -> None:
    """Add (sign=1) or subtract (sign=-1) one paycheck's year-to-date contribution (reversals, re-issues)."""
    s = db.session
    stmt = sa.select(YearToDate).where(YearToDate.worker_id == worker_id, YearToDate.tax_year == year,
                                       YearToDate.worker_type == worker_type)
    if is_postgres():
        stmt = stmt.with_for_update()
    row = s.execute(stmt).scalar_one_or_none()
    if row is None:
        row = YearToDate(worker_id=worker_id, tax_year=year, worker_type=worker_type,
                         **{f: ZERO for f in YTD_STORED})
        s.add(row)
    for f, v in delta.items():
        setattr(row, f, getattr(row, f) + sign * D(v))
    s.flush()
