"""Benchmark: the server's CPU to insert a run's paychecks, payments and leave entries with migration 0124's
statement-level reference checks against the foreign keys they replaced, A/B in one PostgreSQL cluster.

Run (a throwaway cluster; the schema is dropped and rebuilt):
    ./scripts/with-postgres .venv/bin/python bench/bench_statement_keys.py [--n 20000] [--rounds 3]

Seeds `--n` workers as bench_payroll_run does, calculates and approves their run, then inserts the run's rows again
(as re-issue paychecks, voided payments, adjustment entries) in a transaction rolled back, three times per table,
first with the triggers, then with the foreign keys put back (the triggers disabled), for `--rounds` rounds, a VACUUM
after each table set. Prints the backend's CPU time (/proc) per statement and the median per table and kind."""
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
    args = ap.parse_args()
    m0124 = ab_writes.migration("0124_run18.py")
    app, rid, conn, cur = ab_writes.approved_run(args.url, args.n)

    tests = {"paychecks": (None, ab_writes.insert_again(cur, rid, "paychecks", "kind", "'reissue'")),
             "payments": (None, ab_writes.insert_again(cur, rid, "payments", "status", "'voided'")),
             "leave_entries": (None, ab_writes.insert_again(cur, rid, "leave_entries", "kind", "'adjustment'"))}
    cpu = ab_writes.backend_cpu(cur)
    conn.commit()

    results: dict[tuple[str, str], list[float]] = {}

    def measure(label: str) -> None:
        ab_writes.measure(conn, cur, cpu, label, tests, results, "paychecks, payments, leave_entries")

    def keys(on: bool) -> None:
        for table, refs in m0124.KEYS.items():
            cur.execute(f"ALTER TABLE {table} {'DISABLE' if on else 'ENABLE'} TRIGGER {table}_check_refs")
            for name, col, parent in refs:
                cur.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} FOREIGN KEY ({col}) REFERENCES "
                            f"{parent}(id)" if on else f"ALTER TABLE {table} DROP CONSTRAINT {name}")
        conn.commit()

    for _ in range(args.rounds):
        measure("triggers")
        keys(True)
        measure("foreign keys")
        keys(False)
    for table in tests:
        a, b = sorted(results[("triggers", table)]), sorted(results[("foreign keys", table)])
        print(f"{table:14} median server CPU: triggers {a[len(a) // 2]:.2f} s, foreign keys {b[len(b) // 2]:.2f} s")


if __name__ == "__main__":
    main()
