"""Benchmark: the server's CPU to write a run's paychecks and leave entries and to mark its timesheets paid, with
migration 0128's partial indexes and statement-level paid_run_id check against the full indexes and the foreign key
they replaced, A/B in one PostgreSQL cluster.

Run (a throwaway cluster; the schema is dropped and rebuilt):
    ./scripts/with-postgres .venv/bin/python bench/bench_run_writes.py [--n 20000] [--rounds 3]

Seeds `--n` workers as bench_payroll_run does, calculates and approves their run, then, in transactions rolled back,
three times each: inserts the run's paychecks again (as re-issues: no reverses_id / reissue_of_id, as a regular
paycheck), its leave entries again (as adjustments: no request), and marks its timesheets paid again (set to NULL
first, untimed, then to the run as a chunk does). First with 0128, then with the old indexes and the foreign key put
back, for `--rounds` rounds (after one uncounted warm-up; the order alternates), a VACUUM after each set. Prints the backend's CPU time (/proc) per statement and the
median per table and variant."""
from __future__ import annotations

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import bench.bench_payroll_run as B  # noqa: E402
from bench import ab_writes  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=20_000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--url", default=B.DEFAULT_URL)
    ap.add_argument("--explain", action="store_true",
                    help="also print the plans of the queries that look rows up by the indexes 0128 made partial")
    args = ap.parse_args()
    m0128 = ab_writes.migration("0128_run19.py")
    app, rid, conn, cur = ab_writes.approved_run(args.url, args.n)

    cur.execute("SELECT array_agg(id) FROM timesheets WHERE paid_run_id = %s", (rid,))
    sheets = cur.fetchone()[0]
    tests = {"paychecks": (None, ab_writes.insert_again(cur, rid, "paychecks", "kind", "'reissue'")),
             "leave_entries": (None, ab_writes.insert_again(cur, rid, "leave_entries", "kind", "'adjustment'")),
             "timesheets": (f"UPDATE timesheets SET paid_run_id = NULL WHERE paid_run_id = {int(rid)}",
                            f"UPDATE timesheets SET paid_run_id = {int(rid)} WHERE id = ANY(%(ids)s)")}
    cpu = ab_writes.backend_cpu(cur)
    conn.commit()

    results: dict[tuple[str, str], list[float]] = {}

    def measure(label: str) -> None:
        ab_writes.measure(conn, cur, cpu, label, tests, results, "paychecks, leave_entries, timesheets",
                          {"ids": sheets})

    def old(on: bool) -> None:
        """on: the indexes and the foreign key as before 0128; off: back to 0128."""
        for name, table, cols, unique, where in m0128.PARTIAL:
            cur.execute(f"DROP INDEX {name}")
            cur.execute(f"CREATE {'UNIQUE ' if unique else ''}INDEX {name} ON {table} ({', '.join(cols)})"
                        + ("" if on else f" WHERE {where}"))
        if on:
            cur.execute("CREATE INDEX ix_leave_entries_kind ON leave_entries (kind)")
            cur.execute("ALTER TABLE timesheets DISABLE TRIGGER timesheets_check_paid_run_update")
            cur.execute("ALTER TABLE timesheets ADD CONSTRAINT timesheets_paid_run_id_fkey FOREIGN KEY "
                        "(paid_run_id) REFERENCES payroll_runs(id)")
        else:
            cur.execute("DROP INDEX ix_leave_entries_kind")
            cur.execute("ALTER TABLE timesheets ENABLE TRIGGER timesheets_check_paid_run_update")
            cur.execute("ALTER TABLE timesheets DROP CONSTRAINT timesheets_paid_run_id_fkey")
        conn.commit()

    measure("warm-up")           # not counted: the first statements fill the caches
    for r in range(args.rounds):  # the order alternates so that neither variant always goes first
        if r % 2:
            old(True)
            measure("before 0128")
            old(False)
            measure("0128")
        else:
            measure("0128")
            old(True)
            measure("before 0128")
            old(False)
    if args.explain:
        explain(cur, rid)
    for table in tests:
        a, b = sorted(results[("0128", table)]), sorted(results[("before 0128", table)])
        print(f"{table:14} median server CPU: 0128 {a[len(a) // 2]:.2f} s, before 0128 {b[len(b) // 2]:.2f} s")


# the lookups that use the indexes 0128 made partial (payroll/services/payments.py, corrections.py,
# backoffice/billing/services/facts.py and credit_notes.py, backoffice/leave/accrual_services.py, reports/dashboards.py,
# payroll/timesheets/portal.py), with values of the benchmark's run
QUERIES = (
    "SELECT id FROM paychecks WHERE reverses_id = {pc}",
    "SELECT p.id FROM paychecks p LEFT JOIN paychecks r ON r.reverses_id = p.id WHERE p.id IN ({pcs})",
    "SELECT id FROM paychecks WHERE reissue_of_id IN ({pcs})",
    "SELECT id FROM leave_entries WHERE kind = 'use' AND request_id = 1",
    "SELECT id FROM leave_entries WHERE kind = 'accrual' AND run_id = {rid}",
    "SELECT count(*) FROM timesheets WHERE status = 'submitted'",
    "SELECT id FROM timesheets WHERE engagement_id IN ({engs}) AND status IN ('rejected', 'disputed')",
)


def explain(cur, rid: int) -> None:
    cur.execute("ANALYZE paychecks, leave_entries, timesheets")
    cur.execute("SELECT string_agg(id::text, ',') FROM (SELECT id FROM paychecks WHERE run_id = %s LIMIT 20) x", (rid,))
    pcs = cur.fetchone()[0]
    cur.execute("SELECT string_agg(id::text, ',') FROM (SELECT id FROM engagements LIMIT 5) x")
    engs = cur.fetchone()[0]
    for q in QUERIES:
        sql = q.format(pc=pcs.split(",")[0], pcs=pcs, rid=int(rid), engs=engs)
        cur.execute("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) " + sql)
        print(sql[:100])
        for (line,) in cur.fetchall():
            print("    " + line)


if __name__ == "__main__":
    main()
