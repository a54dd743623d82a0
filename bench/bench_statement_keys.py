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
import importlib.util
import os
import random
import sys
from datetime import date

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import bench.bench_payroll_run as B  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=20_000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--url", default=B.DEFAULT_URL)
    args = ap.parse_args()
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    spec = importlib.util.spec_from_file_location("m0124", os.path.join(root, "migrations/versions/0124_run18.py"))
    m0124 = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(m0124)

    app = B._APP = B.make_app(args.url)
    B.rebuild(app)
    ids = B.seed(app, args.n, random.Random(2026))
    from backoffice.extensions import db
    from backoffice.security.models import User
    from payroll.services import runs
    from payroll.services.calc import calculate_chunk

    with app.app_context():
        hr, hr2 = (db.session.get(User, ids[k]) for k in ("hr", "hr2"))
        rid = runs.create_regular_run(ids["schedule"], date(2026, 11, 16), hr).id
        runs.pre_run_checks(rid)
        runs.start_calculation(rid, hr, enqueue=False)
        db.session.commit()
        for i in runs.pending_chunks(rid):
            calculate_chunk(rid, i)
        runs.finalize_run(rid)
        runs.approve_run(rid, hr2)
        conn = db.engine.raw_connection()
        cur = conn.cursor()

        def columns(table: str) -> str:
            cur.execute("SELECT string_agg(quote_ident(column_name), ', ' ORDER BY ordinal_position) "
                        "FROM information_schema.columns WHERE table_name = %s AND column_name <> 'id'", (table,))
            return cur.fetchone()[0]

        def again(table: str, column: str, value: str) -> str:
            cols = columns(table)
            # the table names and column lists are this script's constants and the catalog's
            return (f"INSERT INTO {table} ({cols}) SELECT {cols.replace(column, value + ' AS ' + column, 1)} "  # nosec B608
                    f"FROM {table} WHERE run_id = {int(rid)}")

        tests = {"paychecks": again("paychecks", "kind", "'reissue'"),
                 "payments": again("payments", "status", "'voided'"),
                 "leave_entries": again("leave_entries", "kind", "'adjustment'")}
        cur.execute("SELECT pg_backend_pid()")
        backend = cur.fetchone()[0]
        conn.commit()
        tick = os.sysconf("SC_CLK_TCK")

        def cpu() -> float:
            with open(f"/proc/{backend}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / tick

        results: dict[tuple[str, str], list[float]] = {}

        def measure(label: str) -> None:
            for table, sql in tests.items():
                for _ in range(3):
                    cur.execute("BEGIN")
                    c0 = cpu()
                    cur.execute(sql)
                    n = cur.rowcount
                    results.setdefault((label, table), []).append(cpu() - c0)
                    cur.execute("ROLLBACK")
                print(f"  {label:12} {table:14} {n:7,} rows  server CPU "
                      f"{', '.join(f'{c:.2f}' for c in results[(label, table)][-3:])} s  "
                      f"(load {os.getloadavg()[0]:.1f})", flush=True)
            conn.commit()
            conn.driver_connection.autocommit = True
            cur.execute("VACUUM paychecks, payments, leave_entries")
            conn.driver_connection.autocommit = False

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
