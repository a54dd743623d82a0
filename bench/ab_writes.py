"""Shared by the A/B benchmarks of a migration's write cost (bench_statement_keys.py, bench_run_writes.py): a
migration module by file, an approved run seeded as bench_payroll_run does, the SQL that inserts a run's rows again,
and the server backend's CPU time read from /proc."""
from __future__ import annotations

import importlib.util
import os
import random
from datetime import date
from types import ModuleType
from typing import Callable

import bench.bench_payroll_run as B

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def migration(filename: str) -> ModuleType:
    """migrations/versions/<filename> as a module (its KEYS, INDEXES … constants)."""
    spec = importlib.util.spec_from_file_location(filename.removesuffix(".py"),
                                                  os.path.join(ROOT, "migrations", "versions", filename))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def approved_run(url: str, n: int):
    """Rebuild the schema at `url`, seed `n` workers, calculate and approve their run in this process. Returns the
    app (its context is pushed and left open for the caller), the run's id, and a raw connection with its cursor."""
    app = B._APP = B.make_app(url)
    B.rebuild(app)
    ids = B.seed(app, n, random.Random(2026))
    from backoffice.extensions import db
    from backoffice.security.models import User
    from payroll.services import runs
    from payroll.services.calc import calculate_chunk

    app.app_context().push()
    hr, hr2 = (db.session.get(User, ids[k]) for k in ("hr", "hr2"))
    rid = runs.create_regular_run(ids["schedule"], date(2026, 11, 16), hr).id
    runs.pre_run_checks(rid)
    runs.start_calculation(rid, hr, enqueue=False)
    db.session.commit()
    for i in runs.pending_chunks(rid):
        calculate_chunk(rid, i)
    runs.finalize_run(rid)
    runs.approve_run(rid, hr2, enqueue=False)
    for i in runs.pending_approval_chunks(rid):     # the chunks' share of the approval, here (no Celery worker)
        runs.approve_chunk(rid, i)
    db.session.commit()                             # no transaction left open: the A/B's ALTER TABLEs need the locks
    conn = db.engine.raw_connection()
    return app, rid, conn, conn.cursor()


def insert_again(cur, rid: int, table: str, column: str, value: str) -> str:
    """INSERT … SELECT of the run's rows of `table` with `column` set to the SQL literal `value`."""
    cur.execute("SELECT string_agg(quote_ident(column_name), ', ' ORDER BY ordinal_position) "
                "FROM information_schema.columns WHERE table_name = %s AND column_name <> 'id' "
                "AND is_generated = 'NEVER'", (table,))     # a generated column (payments.attention) is not written
    cols = cur.fetchone()[0]
    # the table names and column lists are the benchmarks' constants and the catalog's
    return (f"INSERT INTO {table} ({cols}) SELECT {cols.replace(column, value + ' AS ' + column, 1)} "  # nosec B608
            f"FROM {table} WHERE run_id = {int(rid)}")


def backend_cpu(cur) -> Callable[[], float]:
    """A clock of the connection's server backend: its user + system CPU seconds (/proc/<pid>/stat)."""
    cur.execute("SELECT pg_backend_pid()")
    backend = cur.fetchone()[0]
    tick = os.sysconf("SC_CLK_TCK")

    def cpu() -> float:
        with open(f"/proc/{backend}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / tick
    return cpu


def measure(conn, cur, cpu: Callable[[], float], label: str, statements: dict, results: dict, vacuum: str,
            params: dict | None = None) -> None:
    """Each statement (table → (SQL run first or None, the SQL measured)) three times, each in a transaction rolled
    back; the server backend's CPU of each run appended to results[(label, table)] and printed; then VACUUM of
    `vacuum` (the benchmarks' own table list) so the next label starts from the same tables."""
    for table, (before, sql) in statements.items():
        for _ in range(3):
            cur.execute("BEGIN")
            if before:
                cur.execute(before)
            c0 = cpu()
            cur.execute(sql, params)
            n = cur.rowcount
            results.setdefault((label, table), []).append(cpu() - c0)
            cur.execute("ROLLBACK")
        print(f"  {label:12} {table:14} {n:7,} rows  server CPU "
              f"{', '.join(f'{c:.2f}' for c in results[(label, table)][-3:])} s  "
              f"(load {os.getloadavg()[0]:.1f})", flush=True)
    conn.commit()
    conn.driver_connection.autocommit = True
    cur.execute(f"VACUUM {vacuum}")
    conn.driver_connection.autocommit = False
