"""Benchmark: the CPU a payroll run's calculation costs per worker, without the database writes.

Run (PostgreSQL dev server; the database's schema is dropped and rebuilt, then seeded as bench_payroll_run.py does):
    .venv/bin/python bench/bench_run_calc.py [--n 20000] [--repeat 3] [--explain] [--profile FILE]
        [--url postgresql+psycopg://tandem@127.0.0.1:55432/tandem_bench]

Creates the regular run and plans its chunks (chunks of 2,500) with the real services, loads every chunk's rows once
(`load_context`, the deductions; not timed), then times, in this one process with `time.process_time` (CPU, not
wall: the machine is shared), what `calculate_chunk` does between loading and writing, for every chunk, `--repeat`
times: a slice of `--slice` workers at a time (`ChunkRows.add`: earnings through the workweek engine, the engine
input, the paycheck engine, YTD, the paychecks' rows with the stored input as JSON, the line rows and the ledger's
input, the YTD rows in cents), then freeing all of it; `--slice 0` computes the whole chunk first and then its rows,
each part timed (`compute_chunk`, `paycheck_rows`, `chunk_lines` and the YTD rows), as calculate_chunk did before
session 21. Prints the best pass's CPU ms a worker and each part's. `--explain` builds the lines' explanations as a
run of at most 2,000 paychecks does; `--profile FILE` writes a cProfile of one more pass.
"""
from __future__ import annotations

import argparse
import os
import random
import sys
import time
from collections import defaultdict
from datetime import date

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from bench_payroll_run import DEFAULT_URL, make_app, rebuild, seed  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=20_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--explain", action="store_true", help="build the explanations (runs of at most 2,000)")
    ap.add_argument("--profile", metavar="FILE", help="write a cProfile of one more pass to FILE")
    ap.add_argument("--url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    ap.add_argument("--gc-on", action="store_true", help="keep the garbage collector on (calculate_chunk pauses it)")
    ap.add_argument("--slice", type=int, default=None,
                    help="workers computed and turned into rows together (default calc.SLICE; 0: the whole chunk)")
    ap.add_argument("--save", metavar="FILE", help="also pickle the loaded rows to FILE")
    ap.add_argument("--load", metavar="FILE", help="time the rows pickled by --save (no database, no seed)")
    args = ap.parse_args()

    import pickle

    from contextlib import nullcontext

    from payroll.services.calc import (SLICE, ChunkRows, _stored_cents, chunk_lines, compute_chunk, paycheck_rows,
                                       worker_slices)
    from backoffice.batching import gc_paused

    if args.load:
        with open(args.load, "rb") as f:
            run, loaded = pickle.load(f)
    else:
        run, loaded = load_rows(args)
        if args.save:
            _picklable_rows(loaded)
            with open(args.save, "wb") as f:
                pickle.dump((run, loaded), f)
    workers = sum(len({e.worker_id for e in ctx.engagements}) for ctx, _ in loaded)
    if args.slice is None:
        args.slice = SLICE
    now = datetime_now()

    def one_chunk(ctx, frags, spent) -> None:
        c0 = time.process_time()
        if args.slice:          # as calculate_chunk does: a slice computed and turned into rows, then the next
            out = ChunkRows()
            for part in worker_slices(ctx, args.slice):
                out.add(run, ctx, frags, part, args.explain, now, None)
            c3 = time.process_time()
            del out
        else:                   # the whole chunk computed, then its rows (calculate_chunk before session 21)
            ytd, computed, _refused = compute_chunk(run, ctx, frags)
            c1 = time.process_time()
            rows = paycheck_rows(run, ctx, computed, now)
            c2 = time.process_time()
            lines = chunk_lines(computed, {c[0]: i for i, c in enumerate(computed)}, ctx.agency_id, args.explain)
            ytd_rows = [_stored_cents(v) for v in ytd.values()]
            c3 = time.process_time()
            spent["compute_chunk"] += c1 - c0
            spent["paycheck_rows"] += c2 - c1
            spent["chunk_lines+ytd"] += c3 - c2
            del ytd, computed, rows, lines, ytd_rows
        c4 = time.process_time()
        spent["rows built"] += c3 - c0
        spent["freed"] += c4 - c3

    def one_pass() -> dict[str, float]:
        spent: dict[str, float] = defaultdict(float)
        for ctx, frags in loaded:
            with (nullcontext() if args.gc_on else gc_paused()):     # as calculate_chunk does
                one_chunk(ctx, frags, spent)
        return spent

    passes = [one_pass() for _ in range(args.repeat)]
    def total(p: dict) -> float:
        return p["rows built"] + p["freed"]

    best = min(passes, key=total)
    print(f"{workers:,} workers, {len(loaded)} chunks, explain={args.explain}, gc on={args.gc_on}, load average "
          f"{os.getloadavg()[0]:.1f}, slice {args.slice or 'none (whole chunk)'}; passes (CPU s): "
          f"{', '.join(f'{total(p):.2f}' for p in passes)}")
    for name, sec in best.items():
        print(f"  {name:<16} {1000 * sec / workers:6.3f} ms a worker")
    print(f"  {'total':<16} {1000 * total(best) / workers:6.3f} ms a worker "
          f"(= {total(best) * 100_000 / workers:.1f} s of CPU for 100,000 workers)")
    if args.profile:
        import cProfile

        prof = cProfile.Profile()
        prof.enable()
        one_pass()
        prof.disable()
        prof.dump_stats(args.profile)
        print(f"profile: {args.profile}")


_ROW_CLASSES: dict[tuple, type] = {}


def _row(fields: tuple, values: tuple):
    """A chunk row again (plain_rows makes one NamedTuple class per select; pickle cannot name it)."""
    cls = _ROW_CLASSES.get(fields)
    if cls is None:
        from collections import namedtuple

        cls = _ROW_CLASSES[fields] = namedtuple("Row", fields)
    return cls._make(values)


def _picklable_rows(loaded) -> None:
    import copyreg

    def visit(value):
        if isinstance(value, tuple) and hasattr(value, "_fields"):
            copyreg.pickle(type(value), lambda r: (_row, (r._fields, tuple(r))))
        elif isinstance(value, dict):
            for v in value.values():
                visit(v)
        elif isinstance(value, list):
            for v in value[:1]:
                visit(v)

    for ctx, _frags in loaded:
        for name in ("engagements", "workers", "profiles", "w9s", "sheets", "ytd"):
            value = getattr(ctx, name)
            visit(next(iter(value.values()), None) if isinstance(value, dict) else value)


RUN_FIELDS = ("id", "kind", "frequency", "period_start", "period_end", "pay_date", "pays_holds_of_run_id",
              "chunks_total", "chunk_size")


def load_rows(args):
    """Seed, create the run, plan its chunks and load every chunk's rows: (the run's fields, [(ctx, deductions)])."""
    from types import SimpleNamespace

    app = make_app(args.url)
    rebuild(app)
    ids = seed(app, args.n, random.Random(2026))

    from backoffice.extensions import db
    from backoffice.security.models import User
    from payroll.models import PayrollRun, RunChunk
    from payroll.services import runs
    from payroll.services.calc import _deduction_fragments
    from payroll.services.paycheck_inputs import load_context

    with app.app_context():
        hr = db.session.get(User, ids["hr"])
        run = runs.create_regular_run(ids["schedule"], date(2026, 11, 16), hr)
        runs.start_calculation(run.id, hr, enqueue=False)
        db.session.commit()
        run = db.session.get(PayrollRun, run.id)
        loaded = []
        for chunk in db.session.query(RunChunk).filter_by(run_id=run.id).order_by(RunChunk.index):
            ctx = load_context(run, list(chunk.engagement_ids))
            loaded.append((ctx, _deduction_fragments(ctx, run)))
        # the run's fields as plain attributes: what the calculation reads, without the ORM's attribute machinery
        return SimpleNamespace(**{f: getattr(run, f) for f in RUN_FIELDS}), loaded


def datetime_now():
    from datetime import datetime

    return datetime(2026, 11, 20, 12, 0)


if __name__ == "__main__":
    main()
