"""Benchmark: invoicing 10,000 workers' weeks of approved time and paid pay, bill-rate and cost-plus, on PostgreSQL.

Run (a throwaway PostgreSQL cluster; the database's schema is dropped and rebuilt):
    ./scripts/with-postgres .venv/bin/python bench/bench_invoicing.py [--n 10000]

Phases: seed (bench/bench_payroll_run.py's bulk seed: N workers, two approved weekly timesheets per hourly
engagement of a biweekly period, workers' comp class codes on the leased engagements; then every second engagement moved to a cost-plus client at 25% markup and bill
rates set at 1.4 times pay), the payroll run calculated in this process and approved (not part of the invoicing),
then `create_invoices(through=the period's last Sunday)` timed: facts read, lines computed (hours split from the
paychecks, cost-plus with taxes, benefits, workers' comp), invoices written and issued (gapless numbers, one
journal entry each). Then the same call again, which must bill nothing (the idempotent re-run's cost).

--task: the same invoicing done as the admin starts it, a background invoicing run (billing.run_invoicing, in
this process), client by client with its progress recorded; then the task sent again for the same run after
marking it as a crashed worker would leave it (running), which must bill nothing.
"""
from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import time
from datetime import date
from decimal import Decimal

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.bench_payroll_run import DEFAULT_URL, make_app, rebuild, seed  # noqa: E402
from bench.bench_workers_comp import classify as _classify  # noqa: E402  (the merge moved it here)

THROUGH = date(2026, 11, 22)          # the Sunday ending the seeded biweekly period (Nov 9 - Nov 22)


def split_clients(app) -> None:
    """Half the engagements to a cost-plus client (25% markup); bill rates at 1.4 × pay for everyone."""
    import sqlalchemy as sa

    from backoffice.extensions import db
    from backoffice.workers.models import Client, Engagement

    with app.app_context():
        cost_plus = Client(name="Bench Cost-Plus Client", state="TX", billing_method="cost_plus",
                           markup_rate=Decimal("0.2500"), billing_email="ap@costplus.example")
        db.session.add(cost_plus)
        db.session.flush()
        # raw storage units (Scaled(4)): a literal here would be scaled as a rate too
        db.session.execute(sa.text("UPDATE engagements SET bill_rate = pay_rate * 14 / 10"))
        db.session.execute(sa.update(Engagement).where(Engagement.id % 2 == 0).values(client_id=cost_plus.id))
        db.session.commit()


def pay(app, ids: dict) -> int:
    from backoffice.extensions import db
    from backoffice.security.models import User
    from payroll.services import runs
    from payroll.services.calc import calculate_chunk

    with app.app_context():
        hr, hr2 = db.session.get(User, ids["hr"]), db.session.get(User, ids["hr2"])
        run = runs.create_regular_run(ids["schedule"], date(2026, 11, 16), hr)
        runs.start_calculation(run.id, hr, enqueue=False)
        db.session.commit()
        for i in runs.pending_chunks(run.id):
            calculate_chunk(run.id, i)
        runs.finalize_run(run.id)
        runs.approve_run(run.id, hr2)
        return run.paycheck_count


def _now():
    from datetime import datetime, timezone

    return datetime.now(timezone.utc)


def _by_task(app):
    """Invoice as the admin does: queue a run, send the task (eager: this process), read the run back."""
    from flask import current_app

    from backoffice.billing.services.invoicing import InvoicingResult
    from backoffice.billing.services.invoicing_runs import get_run, request_invoicing, run_invoices
    from backoffice.billing.tasks import RUN_INVOICING

    job = request_invoicing(THROUGH, None, issue=True, issue_date=date(2026, 11, 23), user=None)
    current_app.extensions["celery"].tasks[RUN_INVOICING].delay(job.id)
    job = get_run(job.id)
    return InvoicingResult(invoices=run_invoices(job.id), skipped=list(job.skipped)), job


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    ap.add_argument("--task", action="store_true", help="invoice through the background task (with progress)")
    args = ap.parse_args()

    app = make_app(args.url)
    rebuild(app)
    t = time.perf_counter()
    ids = seed(app, args.n, random.Random(2026))
    _classify(app)          # workers' comp: the seed rates and a class code on every leased engagement
    split_clients(app)
    print(f"seed: {args.n:,} workers, {ids['timesheets']:,} approved timesheets in {time.perf_counter() - t:.1f} s")
    t = time.perf_counter()
    checks = pay(app, ids)
    print(f"payroll run calculated and approved: {checks:,} paychecks in {time.perf_counter() - t:.1f} s "
          f"(not part of the invoicing)")

    import sqlalchemy as sa

    from backoffice.billing.models import Invoice, InvoiceLine
    from backoffice.billing.services.invoicing import create_invoices
    from backoffice.extensions import db
    from payroll.services.ledger import trial_balance

    with app.app_context():
        from backoffice.billing.services.invoicing import client_lines
        from backoffice.workers.models import Client

        t0 = time.perf_counter()          # the read side alone (facts + engine), nothing written
        counted = sum(len(client_lines(c, THROUGH)[0]) for c in db.session.execute(sa.select(Client)).scalars())
        db.session.rollback()
        print(f"read side alone (facts + lines, nothing written): {counted:,} lines in "
              f"{time.perf_counter() - t0:.1f} s")
        t0, c0 = time.perf_counter(), time.process_time()
        if args.task:
            result, job = _by_task(app)
        else:
            result = create_invoices(THROUGH, issue_date=date(2026, 11, 23))
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        lines = db.session.execute(sa.select(InvoiceLine.unit, sa.func.count()).group_by(InvoiceLine.unit)).all()
        nlines = sum(n for _u, n in lines)
        total = sum((i.total for i in result.invoices), Decimal(0))
        print(f"invoicing through {THROUGH}: {len(result.invoices)} invoices, {nlines:,} lines "
              f"({', '.join(f'{n:,} {u}' for u, n in sorted(lines))}), total {total:,.2f}, in {wall:.1f} s "
              f"({nlines / wall:,.0f} lines/s; this process's CPU {cpu:.1f} s; the rest is the database)")
        print("  " + "; ".join(f"{i.number} {i.client.name} {i.period_start}–{i.period_end} {i.total:,.2f}"
                               for i in result.invoices))
        t0 = time.perf_counter()
        if args.task:
            from backoffice.billing.models import InvoicingRun
            from backoffice.billing.services.invoicing_runs import run_invoicing

            print(f"  run #{job.id}: {job.state}, {job.clients_done}/{job.clients_total} clients, "
                  f"{job.invoice_count} invoices, {job.invoiced_total:,.2f}")
            db.session.execute(sa.update(InvoicingRun).where(InvoicingRun.id == job.id).values(state="running"))
            db.session.commit()                  # as a worker that died before marking it done leaves it
            again = run_invoicing(job.id, now=_now)
            made = again.invoice_count - job.invoice_count
            print(f"the task again for the same run (resumed after a 'crash'): {made} new invoices in "
                  f"{time.perf_counter() - t0:.1f} s (nothing billed twice)")
        else:
            again = create_invoices(THROUGH, issue_date=date(2026, 11, 23))
            print(f"re-run for the same date: {len(again.invoices)} invoices in {time.perf_counter() - t0:.1f} s "
                  f"(nothing billed twice)")
        tb = trial_balance()
        ar = tb["accounts"].get("1100", Decimal(0))
        print(f"ledger balanced: {tb['balanced']}; accounts receivable {ar:,.2f} = invoices "
              f"{db.session.execute(sa.select(sa.func.count()).select_from(Invoice)).scalar()} issued")
        print(f"peak memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MiB")


if __name__ == "__main__":
    main()
