"""Benchmark: the Python of an approved run's leave accrual, chunk by chunk as payroll.approve_chunk runs it, by
section (CPU, process_time), in this process on PostgreSQL.

Run (a throwaway cluster; the schema is dropped and rebuilt):
    ./scripts/with-postgres .venv/bin/python bench/bench_leave_chunks.py [--n 20000] [--rounds 5]

Seeds `--n` workers as bench_payroll_run does, calculates and approves their run (its chunks accrue once), then for
each round deletes the run's accruals and balances in a transaction, runs `run_approved` for every chunk's workers
with the garbage collector paused (as approve_chunk does) and rolls back. Prints each round's CPU and its sections
(a section's figure includes the sections it calls: `_accrue_law` holds `engine.accrue` and `ctx.accrue`) and the
median of the rounds. Side by side: run it in each worktree, alternately."""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import sqlalchemy as sa  # noqa: E402

import bench.bench_payroll_run as B  # noqa: E402
from bench import ab_writes  # noqa: E402

SECTIONS = ("_days_worked", "_salaried_exempt", "_engagements", "_context", "_accrue_law", "_write", "use_run",
            "accrue_run")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=20_000)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--url", default=B.DEFAULT_URL)
    args = ap.parse_args()
    app, rid, _conn, _cur = ab_writes.approved_run(args.url, args.n)
    from backoffice.batching import gc_paused
    from backoffice.extensions import db
    from backoffice.leave import accrual_services as A
    from backoffice.workers.models import Engagement
    from payroll.models import PayrollRun, RunChunk
    from payroll.services.common import id_in

    chunks = db.session.execute(sa.select(RunChunk.engagement_ids).where(RunChunk.run_id == rid)
                                .order_by(RunChunk.index)).scalars().all()
    workers = [sorted(set(db.session.execute(sa.select(Engagement.worker_id).where(id_in(Engagement.id, c)))
                          .scalars())) for c in chunks]
    db.session.commit()
    spent: dict[str, float] = {}

    def timed(name, f):
        def section(*a, **k):
            t0 = time.process_time()
            try:
                return f(*a, **k)
            finally:
                spent[name] = spent.get(name, 0.0) + time.process_time() - t0
        return section

    for name in SECTIONS:
        if hasattr(A, name):
            setattr(A, name, timed(name, getattr(A, name)))
    A.engine.accrue = timed("engine.accrue", A.engine.accrue)
    A._RunContext.accrue = timed("ctx.accrue", A._RunContext.accrue)
    totals = []
    for i in range(args.rounds):
        db.session.execute(sa.text("DELETE FROM leave_entries WHERE run_id = :r"), {"r": rid})
        db.session.execute(sa.text("DELETE FROM leave_balances"))
        run = db.session.get(PayrollRun, rid)
        spent.clear()
        t0 = time.process_time()
        with gc_paused():
            for w in workers:
                A.run_approved(run, w)
        totals.append(time.process_time() - t0)
        db.session.rollback()
        print(f"round {i}: {totals[-1]:.3f} s  " + "  ".join(f"{k} {v:.3f}" for k, v in spent.items()), flush=True)
    print(f"median of {args.rounds} rounds: {statistics.median(totals):.3f} s of CPU for {len(workers)} chunks")


if __name__ == "__main__":
    main()
