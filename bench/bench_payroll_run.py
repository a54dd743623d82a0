"""Benchmark: a regular payroll run for 100,000 workers on PostgreSQL, end to end, timed per phase.

Run (PostgreSQL dev server; the database's schema is dropped and rebuilt):
    .venv/bin/python bench/bench_payroll_run.py [--n 100000] [--workers 2] [--paystubs 200]
        [--url postgresql+psycopg://tandem@127.0.0.1:55432/tandem_bench]

Phases: seed (not part of the run: workers, engagements, W-4/W-9, bank accounts, two approved weekly timesheets
per hourly engagement, bulk COPY), pre-run checks, calculation (the real chunk service, in `--workers` processes
each standing in for a Celery worker: paychecks, lines, YTD, journal persisted), finalize, approval (the run-level
step, the phase still named "approve (payments)"), the approval's chunks (each its workers' deposit payments split
and stored and their leave accrued: "approve chunks (leave)"), NACHA file, register rows, mark paid. Prints wall
time per phase, paychecks/s, peak memory (getrusage of this process and of the calculation processes), then bulk
paystub rendering throughput (reports.pdf.render_paystubs) over the first `--paystubs` paychecks.
"""
from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import resource
import sys
import time
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

DEFAULT_URL = os.environ.get("BACKOFFICE_BENCH_DATABASE_URL", "postgresql+psycopg://tandem@127.0.0.1:55432/tandem_bench")
STATES = (("TX", "0.027"), ("CA", "0.034"), ("NY", "0.041"), ("FL", "0.027"), ("WA", "0.0122"), ("CO", "0.0305"),
          ("IL", "0.0325"), ("PA", "0.03822"))
ROUTINGS = ("011000015", "021000021", "121000358", "322271627")
ANCHOR = date(2026, 10, 26)          # Monday; biweekly periods Oct 26 - Nov 8, Nov 9 - Nov 22, ...
CONFIG = {"TESTING": True, "SECRET_KEY": "bench", "ENCRYPTION_KEYS": "Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFyYmE="}


def make_app(url: str, chunk_size: int = 2500):
    import tempfile

    from backoffice.app import create_app

    return create_app(dict(CONFIG, SQLALCHEMY_DATABASE_URI=url, PAYROLL_CHUNK_SIZE=chunk_size,
                           PAYSTUB_CACHE_DIR=tempfile.mkdtemp(prefix="bench-paystubs-")))


def rebuild(app) -> None:
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from backoffice.extensions import db

    with app.app_context():
        with db.engine.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade()


def seed(app, n: int, rng: random.Random) -> dict:
    """Bulk seed through COPY; returns ids the run needs."""
    import sqlalchemy as sa

    from backoffice.crypto import encrypt
    from backoffice.db import utcnow
    from backoffice.extensions import db
    from backoffice.security.access import sync_permissions
    from backoffice.security.services import create_user
    from backoffice.workers.models import Agency, Client, StateRegistration
    from payroll.services.common import bulk_insert
    from payroll.services.schedules import create_schedule

    with app.app_context():
        sync_permissions()
        agency = Agency(legal_name="Tandem Staffing Partners LLC", ein="841234567", address_line1="500 Market St",
                        city="Denver", state="CO", postal_code="80202")
        for st, rate in STATES:
            agency.registrations.append(StateRegistration(state=st, suta_rate=Decimal(rate)))
        client = Client(name="Bench Client", state="TX")
        db.session.add_all([agency, client])
        db.session.commit()
        hr = create_user("hr@bench.example", "hr", "bench-password-1")
        hr2 = create_user("hr2@bench.example", "hr", "bench-password-1")
        fin = create_user("finance@bench.example", "finance", "bench-password-1")
        sched = create_schedule({"name": "Biweekly", "frequency": "biweekly", "anchor_start": ANCHOR,
                                 "pay_lag_days": 5})
        now = utcnow()
        enc_account = {r: encrypt(f"{r[:4]}00012345") for r in ROUTINGS}   # four distinct ciphertexts reused
        workers, engs, profiles, w9s, banks, sheets = [], [], [], [], [], []
        for i in range(1, n + 1):
            st = STATES[i % len(STATES)][0]
            contractor = i % 4 == 0
            # Pennsylvania homes and work sites carry their PSD code (Pittsburgh), as HR records them: without it
            # a PA employee's local earned income tax cannot be computed and the run holds the paycheck
            city, psd = ("Pittsburgh", "700102") if st == "PA" else ("Austin", "")
            workers.append((i, f"First{i}", "", f"Last{i}", "ssn", f"{i % 10000:04d}", False, date(1980, 1, 1) +
                            timedelta(days=i % 9000), f"w{i}@bench.example", "", f"{i} Main St", "", city, st,
                            "78701", "active", now, now, psd))
            unit = "year" if (not contractor and i % 10 == 1) else "hour"
            rate = Decimal(52000 + (i % 50) * 1000) if unit == "year" else Decimal(1800 + i % 4000) / 100
            engs.append((i, i, client.id, "contractor" if contractor else "leased_employee", "", st, rate * 10000,
                         unit, 0, "biweekly", date(2026, 1, 1), "active",
                         "contractor" if contractor else "leased_employee", False, now, now, city if psd else "",
                         psd))
            if contractor:
                w9s.append((i, f"First{i} Last{i}", "", "individual", "", "ssn", f"{i % 10000:04d}", True, False, "",
                            now, now))
            else:
                profiles.append((i, date(2026, 1, 1), 2020, rng.choice(("single", "married_jointly")), False, 0, 0,
                                 0, 0, False, 0, 0, "{}", "", now, now))
            r = ROUTINGS[i % len(ROUTINGS)]
            banks.append((i, "Bench Bank", r, enc_account[r], "2345", "checking", "remainder", 0, "manual", "active",
                          now, now))
            if unit == "hour":
                for week in (date(2026, 11, 9), date(2026, 11, 16)):
                    extra = Decimal(i % 7)
                    sheets.append((i, week, 800, 800, 800, 800, int((8 + extra) * 100), 0, 0, 0, "", "", "approved",
                                   "import", now, now))
        bulk_insert("workers", ("id", "first_name", "middle_name", "last_name", "tin_type", "tin_last4",
                                "tin_flagged", "birth_date", "email", "phone", "address_line1", "address_line2",
                                "city", "state", "postal_code", "status", "created_at", "updated_at", "psd_code"),
                    workers)
        bulk_insert("engagements", ("id", "worker_id", "client_id", "type", "title", "work_state", "pay_rate",
                                    "pay_unit", "bill_rate", "pay_frequency", "start_date", "status",
                                    "classification", "overtime_exempt", "created_at", "updated_at", "work_city",
                                    "work_psd_code", "pay_schedule_id"),  # a regular run pays its schedule's
                    [e[:6] + (int(e[6]),) + e[7:] + (sched.id,) for e in engs])
        bulk_insert("tax_profiles", ("worker_id", "effective_date", "w4_version", "filing_status", "step2_checkbox",
                                     "step3_credits", "step4a_other_income", "step4b_deductions", "step4c_extra",
                                     "exempt", "allowances", "additional", "state_certificate", "signed_name",
                                     "created_at", "updated_at"), profiles)
        bulk_insert("w9_forms", ("worker_id", "legal_name", "business_name", "entity_type", "exempt_payee_code",
                                 "tin_type", "tin_last4", "certified", "backup_withholding", "signed_name",
                                 "created_at", "updated_at"), w9s)
        bulk_insert("bank_accounts", ("worker_id", "bank_name", "routing_number", "account_number", "account_last4",
                                      "account_type", "split_kind", "priority", "source", "status", "created_at",
                                      "updated_at"), banks)
        bulk_insert("timesheets", ("engagement_id", "week_start", "hours_mon", "hours_tue", "hours_wed",
                                   "hours_thu", "hours_fri", "hours_sat", "hours_sun", "units", "note", "rejected_reason", "status",
                                   "source", "created_at", "updated_at"), sheets)
        for table in ("workers", "engagements"):
            db.session.execute(sa.text(f"SELECT setval('{table}_id_seq', (SELECT max(id) FROM {table}))"))
        db.session.commit()
        db.session.execute(sa.text("ANALYZE"))
        db.session.commit()
        return {"schedule": sched.id, "hr": hr.id, "hr2": hr2.id, "finance": fin.id, "timesheets": len(sheets)}


_APP = None     # the app, inherited by the forked calculation processes (create_app runs once per process)


def _calc_worker(run_id: int, todo, out, task: str = "calculate") -> None:
    """One calculation (or, with task "approve", chunk approval) process (stands in for one Celery worker): takes
    the next chunk index from the queue `todo` (`_chunk_queue`) until it gets None."""
    from backoffice.extensions import db
    from payroll.services.calc import calculate_chunk
    from payroll.services.runs import approve_chunk

    work = approve_chunk if task == "approve" else calculate_chunk
    try:
        chunks = []                             # (CPU s, wall s, end on the monotonic clock) of each chunk
        with _APP.app_context():
            db.engine.dispose(close=False)      # never share the parent's connections
            for i in iter(todo.get, None):
                c0, t0 = time.process_time(), time.perf_counter()
                work(run_id, i)
                t1 = time.perf_counter()
                chunks.append((time.process_time() - c0, t1 - t0, t1))
        ru = resource.getrusage(resource.RUSAGE_SELF)
        out.put((ru.ru_maxrss, ru.ru_utime + ru.ru_stime, chunks, time.perf_counter()))   # (monotonic: comparable
        # across the forked processes, for when each ran out of chunks)
    except BaseException as exc:       # report instead of leaving the parent waiting
        out.put(exc)
        raise


def _chunk_queue(ctx, indexes: list[int], workers: int):
    """The chunk indexes in order in a queue the `workers` processes take from one at a time, then a None for each
    to stop: as Celery's workers take the chunk tasks (acks_late with a prefetch of one, backoffice/extensions.py),
    a process that finishes a chunk early takes the next one (dealt round-robin instead, one process could be left
    with a chunk to do while the other had nothing)."""
    q = ctx.Queue()
    for i in indexes:
        q.put(i)
    for _ in range(workers):
        q.put(None)
    return q


def _fan_out(run_id: int, indexes: list[int], workers: int, task: str) -> list:
    """The chunks taken by `workers` forked processes running `_calc_worker` (as Celery's workers take the chunk
    tasks); each process's (max RSS, CPU s, per-chunk figures), after every process ended cleanly."""
    from backoffice.extensions import db

    ctx = multiprocessing.get_context("fork")
    q = ctx.Queue()
    todo = _chunk_queue(ctx, indexes, workers)
    procs = [ctx.Process(target=_calc_worker, args=(run_id, todo, q, task)) for _ in range(workers)]
    db.engine.dispose()
    for p in procs:
        p.start()
    got = [q.get() for _ in procs]
    for r in got:
        if isinstance(r, BaseException):
            raise r
    for p in procs:
        p.join()
        assert p.exitcode == 0
    return [r[:3] for r in got]


def _register_worker(run_id: int, out) -> None:
    """The register rows read in their own process (a finance user's export while the NACHA file is made)."""
    from backoffice.extensions import db
    from reports.exports import register_rows
    from reports.queries import Selection

    try:
        with _APP.app_context():
            db.engine.dispose(close=False)
            c0, t0 = time.process_time(), time.perf_counter()
            cols, rows = register_rows(Selection(run_id=run_id))
            n = sum(1 for _ in rows)
            out.put((len(cols), n, time.perf_counter() - t0, time.process_time() - c0))
    except BaseException as exc:
        out.put(exc)
        raise


def _server_cpu_reader(app):
    """A function returning the CPU seconds the PostgreSQL server has used so far (the postmaster, its live
    backends and those that have exited), when the server runs on this machine and /proc can be read; else
    returning None. The machine is shared: a phase's CPU time (this process's, the calculation processes', the
    server's) is what compares between runs, not its wall time."""
    import sqlalchemy as sa

    from backoffice.extensions import db

    tick = os.sysconf("SC_CLK_TCK")

    def stat(pid: int) -> list[str] | None:
        try:
            with open(f"/proc/{pid}/stat") as f:
                return f.read().rsplit(")", 1)[1].split()
        except OSError:
            return None

    with app.app_context():
        backend = db.session.execute(sa.text("SELECT pg_backend_pid()")).scalar()
        db.session.rollback()
    fields = stat(backend)
    if fields is None:
        return lambda: None
    postmaster = int(fields[1])

    def server_cpu() -> float | None:
        own = stat(postmaster)
        if own is None:
            return None
        total = sum(int(x) for x in own[11:15])        # utime, stime, cutime, cstime (exited backends)
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                f = stat(int(entry))
                if f is not None and int(f[1]) == postmaster:
                    total += int(f[11]) + int(f[12])
        return total / tick

    return server_cpu


PROFILED_PHASES = {"plan chunks": "plan", "approve (payments)": "approve", "approve chunks (leave)": "approve_chunks", "NACHA file": "nacha", "register rows": "register",
                   "mark paid": "mark_paid"}


def _statements_reader(app, k: int):
    """With k > 0 and pg_stat_statements loaded: a function that resets the statistics (name None) or prints the
    k statements with the most execution time since the last reset, under the phase's name."""
    import sqlalchemy as sa

    from backoffice.extensions import db

    if not k:
        return lambda name: None
    with app.app_context():
        try:
            db.session.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_stat_statements"))
            db.session.execute(sa.text("SELECT pg_stat_statements_reset()"))
            db.session.commit()
        except Exception as exc:        # the library is not loaded: say so once and measure without it
            db.session.rollback()
            print(f"  (no pg_stat_statements: {str(exc).splitlines()[0]})")
            return lambda name: None

    def statements(name):
        with db.engine.connect() as conn:
            if name is None:
                conn.execute(sa.text("SELECT pg_stat_statements_reset()"))
                conn.commit()
                return
            for total, calls, rows, query in conn.execute(sa.text(
                    "SELECT total_exec_time, calls, rows, query FROM pg_stat_statements "
                    "WHERE query NOT LIKE '%pg_stat_statements%' ORDER BY total_exec_time DESC LIMIT :k"), {"k": k}):
                print(f"      {total / 1000:7.3f} s {calls:7,} calls {rows:9,} rows  {' '.join(query.split())[:110]}")

    return statements


def _tables_reader(app, on: bool):
    """With on: a function that snapshots (name None) or prints, under the phase's name, what the phase wrote per
    table: rows inserted, updated (of them HOT: no new index entries), deleted, and the growth in MiB of the table
    (heap and TOAST) and of its indexes. The counters are the server's cumulative statistics, flushed by each
    backend at most once a second: the bench waits for them."""
    import sqlalchemy as sa

    from backoffice.extensions import db

    if not on:
        return lambda name: None
    query = sa.text(
        "SELECT relname, n_tup_ins, n_tup_upd, n_tup_hot_upd, n_tup_del, "
        "pg_table_size(relid) / 1048576.0, pg_indexes_size(relid) / 1048576.0 FROM pg_stat_user_tables")
    last: dict = {}

    def tables(name):
        time.sleep(1.1)                 # (not timed) every backend's statistics flushed
        with db.engine.connect() as conn:
            conn.execute(sa.text("SELECT pg_stat_clear_snapshot()"))
            now = {r[0]: r[1:] for r in conn.execute(query)}
        if name is not None:
            rows = []
            for rel, vals in now.items():
                d = [a - b for a, b in zip(vals, last.get(rel, (0,) * 6))]
                if any(d[:4]):
                    rows.append((rel, d))
            for rel, (ins, upd, hot, dele, heap, idx) in sorted(rows, key=lambda x: -(x[1][4] + x[1][5])):
                print(f"      {rel:<32} ins {ins:9,} upd {upd:9,} (HOT {hot:9,}) del {dele:8,}  "
                      f"table +{heap:7.1f} MiB, indexes +{idx:7.1f} MiB")
        last.clear()
        last.update(now)

    return tables


def _register_digest(run_id: int) -> str:
    """A SHA-256 of the run's register rows: every row's values (with their types' repr: Decimal places, int, date)
    in column order, but for the paycheck's id, and the rows sorted. (Until session 17 it hashed `tuple(row)` of each
    row's dict, its column names only: reg24. Until session 18 it hashed the paycheck ids and the rows in their
    order, which follow the order in which the parallel chunks take ids — as the rest of the dump says — so two
    runs of the same code could differ: tail25.)"""
    import hashlib

    from reports.exports import register_rows
    from reports.queries import Selection

    h = hashlib.sha256()
    cols, rows = register_rows(Selection(run_id=run_id))
    kept = [i for i, c in enumerate(cols) if c != "paycheck_id"]
    h.update(repr([cols[i] for i in kept]).encode())
    for text in sorted(repr(tuple(row[i] for i in kept)) for row in rows):
        h.update(text.encode())
    return h.hexdigest()


def _dump(run_id: int, path: str, nacha, register_digest: str) -> None:
    """Everything a run produced that a calculation change must leave as it is, in a stable order and without ids
    or timestamps: each paycheck (figures and stored input) with its lines, each payment, the ledger's totals per
    account, detail and state, the NACHA file's entries, the register's digest, the notices marking it paid wrote
    and the paid leave the approval accrued (balances and entries). Two runs of the same seed and
    code give the same file whatever the number of calculation processes."""
    import hashlib

    import orjson
    import sqlalchemy as sa

    from backoffice.extensions import db
    from payroll.models import Paycheck, PaycheckLine
    from payroll.models_ledger import JournalEntry, JournalLine, Payment

    s = db.session
    with open(path, "w") as f:
        checks = s.execute(sa.select(Paycheck.id, Paycheck.worker_id, Paycheck.worker_type, Paycheck.engagement_id,
                                     Paycheck.client_id, Paycheck.work_state, Paycheck.gross, Paycheck.employee_taxes,
                                     Paycheck.employer_taxes, Paycheck.deductions, Paycheck.net,
                                     Paycheck.qualified_overtime_premium, Paycheck.inputs)
                           .where(Paycheck.run_id == run_id).order_by(Paycheck.worker_id, Paycheck.worker_type)).all()
        lines: dict[int, list] = {}
        for ln in s.execute(sa.select(PaycheckLine.paycheck_id, PaycheckLine.kind, PaycheckLine.code,
                                      PaycheckLine.state, PaycheckLine.locality, PaycheckLine.amount,
                                      PaycheckLine.hours, PaycheckLine.rate, PaycheckLine.taxable_wages,
                                      PaycheckLine.engagement_id, PaycheckLine.client_id, PaycheckLine.explanation)
                            .join(Paycheck, Paycheck.id == PaycheckLine.paycheck_id)
                            .where(Paycheck.run_id == run_id).order_by(PaycheckLine.id)):
            lines.setdefault(ln[0], []).append(ln[1:])
        for c in checks:
            f.write(f"paycheck {tuple(c[1:12])} {orjson.dumps(c[12], option=orjson.OPT_SORT_KEYS).decode()}\n")
            for ln in lines.get(c[0], []):
                f.write(f"  line {tuple(ln)}\n")
        # ids (and so the trace numbers, given in payment id order) follow the order in which parallel chunks
        # finish: payments are listed by worker, and the file's entries without paycheck id and trace number
        worker_of = {c[0]: (c[1], c[2]) for c in checks}
        payments = [(worker_of.get(p[0]),) + tuple(p[1:]) for p in s.execute(
            sa.select(Payment.paycheck_id, Payment.part, Payment.routing_number, Payment.account_last4,
                      Payment.account_type, Payment.amount, Payment.status, Payment.trace_number != "")
            .where(Payment.run_id == run_id))]
        for p in sorted(payments):
            f.write(f"payment {p[0]} {tuple(p[1:])}\n")
        for row in s.execute(sa.select(JournalLine.account, JournalLine.detail, JournalLine.state,
                                       sa.func.sum(JournalLine.debit), sa.func.sum(JournalLine.credit))
                             .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
                             .where(JournalEntry.run_id == run_id)
                             .group_by(JournalLine.account, JournalLine.detail, JournalLine.state)
                             .order_by(JournalLine.account, JournalLine.detail, JournalLine.state)):
            f.write(f"ledger {tuple(row)}\n")
        entries = sorted(ln[:39] + ln[54:79] for ln in nacha.content.splitlines() if ln.startswith("6"))
        f.write(f"nacha {nacha.entry_count} {nacha.total_credit} entries "
                f"{hashlib.sha256(chr(10).join(entries).encode()).hexdigest()}\n")
        f.write(f"register {register_digest}\n")
        # the paid run's notices: one per paycheck, by the paycheck's worker (ids left out, as above)
        from backoffice.notifications.models import Notification

        notices = s.execute(sa.select(Paycheck.worker_id, Paycheck.worker_type, Notification.worker_id,
                                      Notification.kind, Notification.key == "paycheck_ready:" + sa.cast(
                                          Paycheck.id, sa.String), Notification.title, Notification.body,
                                      Notification.read_at, Notification.emailed_at, Notification.email_attempts,
                                      Notification.email_error)
                            .join(Paycheck, Paycheck.id == Notification.ref_id)
                            .where(Paycheck.run_id == run_id, Notification.kind == "paycheck_ready")).all()
        total = s.execute(sa.select(sa.func.count()).select_from(Notification)).scalar()
        f.write(f"notices {len(notices)} of {total} in all\n")
        for n in sorted(notices):
            f.write(f"notice {tuple(n)}\n")
        # the paid leave the run's approval accrued: every balance and ledger entry, by worker and policy code
        from backoffice.leave.models import LeaveBalance, LeaveEntry, LeavePolicy

        for row in s.execute(sa.select(LeaveBalance.worker_id, LeavePolicy.code, LeaveBalance.balance,
                                       LeaveBalance.policy_year_start, LeaveBalance.accrued_this_year,
                                       LeaveBalance.used_this_year, LeaveBalance.usable_from)
                             .join(LeavePolicy, LeavePolicy.id == LeaveBalance.policy_id)
                             .order_by(LeaveBalance.worker_id, LeavePolicy.code)):
            f.write(f"leave balance {tuple(row)}\n")
        for row in s.execute(sa.select(LeaveEntry.worker_id, LeavePolicy.code, LeaveEntry.kind, LeaveEntry.on,
                                       LeaveEntry.hours, LeaveEntry.balance_after, LeaveEntry.hours_worked,
                                       LeaveEntry.capped, LeaveEntry.paycheck_id.is_not(None), LeaveEntry.explanation)
                             .join(LeavePolicy, LeavePolicy.id == LeaveEntry.policy_id)
                             .where(LeaveEntry.run_id == run_id)
                             .order_by(LeaveEntry.worker_id, LeavePolicy.code, LeaveEntry.kind)):
            f.write(f"leave entry {tuple(row[:-1])} {orjson.dumps(row[-1]).decode()}\n")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--paystubs", type=int, default=200)
    ap.add_argument("--url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    ap.add_argument("--profile", action="store_true", help="calculate in this process under cProfile (top 30)")
    ap.add_argument("--chunk-size", type=int, default=2500,
                    help="paychecks per chunk (a run of at most 2,000 paychecks stores its explanations)")
    ap.add_argument("--profile-phases", metavar="DIR",
                    help="run approval, the NACHA file, the register rows and marking paid under cProfile, one "
                    "pstats file per phase in DIR (the calculation runs as usual)")
    ap.add_argument("--statements", type=int, default=0, metavar="K",
                    help="after each phase, the K statements the server spent most time in during it "
                    "(pg_stat_statements: start the server with PG_EXTRA_OPTS=\"-c "
                    "shared_preload_libraries=pg_stat_statements\")")
    ap.add_argument("--tables", action="store_true",
                    help="after each phase, what it wrote per table (rows inserted, updated, HOT, deleted; table "
                    "and index growth) and its write-ahead log range (for pg_waldump --stats)")
    ap.add_argument("--overlap", action="store_true",
                    help="after the run-level approval, run its chunks (the payments and leave accrual, in the "
                    "--workers processes), then the NACHA file (this process; it waits for the chunks' payments) and "
                    "the register rows (one more process: a finance user's export) at the same time, as the Celery "
                    "workers and two users' requests would; then mark paid. Without it the phases run one after "
                    "another")
    ap.add_argument("--dump", metavar="FILE", help="write every paycheck, line, payment and ledger total of the run "
                    "to FILE (text, ordered): two runs of the same seed compare with diff or cmp")
    args = ap.parse_args()

    global _APP
    app = _APP = make_app(args.url, args.chunk_size)
    rebuild(app)
    rng = random.Random(2026)
    t = time.perf_counter()
    ids = seed(app, args.n, rng)
    print(f"seed: {args.n:,} workers/engagements, {ids['timesheets']:,} approved timesheets in "
          f"{time.perf_counter() - t:.1f} s (not part of the run); peak memory after seeding "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MiB")

    import sqlalchemy as sa

    from backoffice.extensions import db
    from backoffice.security.models import User
    from payroll.models import Paycheck
    from payroll.services import payments, runs
    from payroll.services.ledger import trial_balance
    from reports.exports import register_rows
    from reports.queries import Selection

    phases = []

    server = _server_cpu_reader(app)

    statements = _statements_reader(app, args.statements)
    tables = _tables_reader(app, args.tables)

    def wal() -> str:
        """The server's write-ahead log position: the bytes a phase wrote to it are what a disk (and a replica)
        must take, the I/O bound of a phase on a machine with fsync on."""
        with db.engine.connect() as conn:
            return conn.execute(sa.text("SELECT pg_current_wal_lsn()::text")).scalar()

    def wal_mib(start: str, end: str) -> float:
        with db.engine.connect() as conn:
            return conn.execute(sa.text("SELECT pg_wal_lsn_diff(CAST(:b AS pg_lsn), CAST(:a AS pg_lsn))"),
                                {"a": start, "b": end}).scalar() / 2 ** 20

    def phase(name, fn):
        statements(None)
        tables(None)
        w0 = wal()
        t0, c0, s0 = time.perf_counter(), time.process_time(), server()
        if args.profile_phases and name in PROFILED_PHASES:
            import cProfile

            prof = cProfile.Profile()
            result = prof.runcall(fn)
            os.makedirs(args.profile_phases, exist_ok=True)
            prof.dump_stats(os.path.join(args.profile_phases, PROFILED_PHASES[name] + ".prof"))
        else:
            result = fn()
        phases.append((name, time.perf_counter() - t0))
        time.sleep(0.5)             # (not timed) the postmaster reaps the backends of the processes that ended
        s1 = server()
        cpu_server = f", the server's CPU {s1 - s0:6.2f} s" if s0 is not None and s1 is not None else ""
        print(f"  {name:<28} {phases[-1][1]:7.2f} s   (this process's CPU {time.process_time() - c0:6.2f} s"
              f"{cpu_server}; WAL {wal_mib(w0, wal()):,.1f} MiB)")
        if args.tables:
            print(f"      WAL {w0} .. {wal()}")
        statements(name)
        tables(name)
        return result

    with app.app_context():
        hr, hr2, fin = (db.session.get(User, ids[k]) for k in ("hr", "hr2", "finance"))
        print(f"run for {args.n:,} workers on {args.workers} processes:")
        run = phase("create run", lambda: runs.create_regular_run(ids["schedule"], date(2026, 11, 16), hr))
        run_id = run.id
        issues = phase("pre-run checks", lambda: runs.pre_run_checks(run_id))
        assert not issues, issues[:5]
        phase("plan chunks", lambda: runs.start_calculation(run_id, hr, enqueue=False))
        db.session.commit()
        chunks = runs.pending_chunks(run_id)

        def calculate():
            if args.profile:
                import cProfile
                import pstats

                from payroll.services.calc import calculate_chunk

                prof = cProfile.Profile()
                prof.enable()
                for i in chunks:
                    calculate_chunk(run_id, i)
                prof.disable()
                prof.dump_stats(os.environ.get("BENCH_PROFILE_OUT", "/tmp/bench_calc.prof"))
                pstats.Stats(prof).sort_stats("tottime").print_stats(30)
                return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            got = _fan_out(run_id, chunks, args.workers, "calculate")
            cpu = sum(c for _r, c, _k in got)
            print(f"  calculation CPU time: {cpu:.1f} s in {args.workers} processes "
                  f"({1000 * cpu / args.n:.2f} ms a worker)")
            per = sorted(k for _r, _c, ks in got for k in ks)
            walls = sorted(k[1] for k in per)
            if per:
                print(f"  per chunk ({len(per)} chunks of up to {args.chunk_size:,}): calculation CPU "
                      f"min {per[0][0]:.2f} / median {per[len(per) // 2][0]:.2f} / max {per[-1][0]:.2f} s, "
                      f"wall min {walls[0]:.2f} / median {walls[len(walls) // 2]:.2f} / max {walls[-1]:.2f} s")
                # the phase's tail: how long the process that finished first waited for the last one (one core idle
                # but for the server's share of the last chunk)
                ends = sorted(max(k[2] for k in ks) for _r, _c, ks in got if ks)
                print(f"  the processes' last chunks ended {ends[-1] - ends[0]:.2f} s apart")
            return max(r for r, _c, _k in got)

        child_rss = phase("calculate + persist", calculate)
        phase("finalize", lambda: runs.finalize_run(run_id))
        phase("approve (payments)", lambda: runs.approve_run(run_id, hr2, enqueue=False))

        def approve_chunks():
            """The chunks' share of the approval (payments, leave), fanned out as the approve_chunk tasks are."""
            todo = runs.pending_approval_chunks(run_id)
            db.session.commit()
            if args.profile_phases or args.workers < 2:
                for i in todo:
                    runs.approve_chunk(run_id, i)
                return
            got = _fan_out(run_id, todo, args.workers, "approve")
            in_chunks = sum(k[0] for _r, _c, ks in got for k in ks)
            print(f"  chunk approval CPU time: {sum(c for _r, c, _k in got):.2f} s in {args.workers} processes, "
                  f"{in_chunks:.2f} s of it in the chunks' approve_chunk")

        # made three days before the pay date, in time for the ODFI's cut-off (a file made after it must name a
        # later settlement date)
        made = datetime.combine(run.pay_date - timedelta(days=3), datetime.min.time(), timezone.utc) + timedelta(hours=14)

        def reg():
            cols, rows = register_rows(Selection(run_id=run_id))
            return len(cols), sum(1 for _ in rows)

        if args.overlap:
            def overlapped():
                ctx = multiprocessing.get_context("fork")
                q, rq = ctx.Queue(), ctx.Queue()
                todo = runs.pending_approval_chunks(run_id)
                db.session.commit()
                queue = _chunk_queue(ctx, todo, args.workers)
                procs = [ctx.Process(target=_calc_worker, args=(run_id, queue, q, "approve"))
                         for _ in range(args.workers)]
                db.engine.dispose()
                for p in procs:
                    p.start()
                got = [q.get() for _ in procs]
                for r in got:
                    if isinstance(r, BaseException):
                        raise r
                ended = sorted(r[3] for r in got)
                per = sorted(k for r in got for k in r[2])
                walls = sorted(k[1] for k in per)
                print(f"  approval chunks: CPU min {per[0][0]:.3f} / median {per[len(per) // 2][0]:.3f} / max "
                      f"{per[-1][0]:.3f} s, wall min {walls[0]:.3f} / median {walls[len(walls) // 2]:.3f} / max "
                      f"{walls[-1]:.3f} s; the first process ran out of chunks {ended[-1] - ended[0]:.3f} s before "
                      f"the last")
                # the chunks take both cores; then the file (this process, then its server backend) and the register
                # (a finance user's export: another process and backend) share them. The file waits for the chunks'
                # payments (approval_in_progress); the register needs only the calculated run.
                procs.append(ctx.Process(target=_register_worker, args=(run_id, rq)))
                db.engine.dispose()
                procs[-1].start()
                t0 = time.perf_counter()
                f = payments.generate_nacha(run_id, fin, now=made)
                t_nacha = time.perf_counter() - t0
                shape = rq.get()
                if isinstance(shape, BaseException):
                    raise shape
                for p in procs:
                    p.join()
                    assert p.exitcode == 0
                print(f"  overlapped: NACHA file {t_nacha:.2f} s here; register rows {shape[2]:.2f} s "
                      f"({shape[3]:.2f} s CPU) in its process; chunk approval CPU "
                      f"{sum(r[1] for r in got):.1f} s in {args.workers} processes")
                return f, shape[:2]

            nacha, (ncols, nrows) = phase("chunks, then NACHA ∥ register", overlapped)
        else:
            phase("approve chunks (leave)", approve_chunks)
            nacha = phase("NACHA file", lambda: payments.generate_nacha(run_id, fin, now=made))
            ncols, nrows = phase("register rows", reg)
        assert not runs.pending_approval_chunks(run_id)
        if args.dump:
            register_digest = _register_digest(run_id)
        phase("mark paid", lambda: runs.mark_paid(run_id, fin))
        total = sum(s for _n, s in phases)
        count = db.session.execute(sa.select(sa.func.count()).select_from(Paycheck)
                                   .where(Paycheck.run_id == run_id)).scalar()
        calc_s = dict(phases)["calculate + persist"]
        tb = trial_balance(run_id)
        print(f"total run time {total:.1f} s for {count:,} paychecks: {count / total:,.0f} paychecks/s overall, "
              f"{count / calc_s:,.0f} paychecks/s in calculation")
        print(f"register {nrows:,} rows × {ncols} columns; NACHA {nacha.entry_count:,} entries, "
              f"{len(nacha.content):,} bytes; ledger balanced: {tb['balanced']} ({tb['debit']:,} each side)")
        if args.dump:
            _dump(run_id, args.dump, nacha, register_digest)
            print(f"dump: {args.dump}")
        me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(f"peak memory: main process {me / 1024:,.0f} MiB, largest calculation process "
              f"{child_rss / 1024:,.0f} MiB")

        if args.paystubs:
            from reports.paystubs import paystub_view, render_run
            from reports.pdf import render_paystubs

            ids = db.session.execute(sa.select(Paycheck.id).where(Paycheck.run_id == run_id).order_by(Paycheck.id)
                                     .limit(args.paystubs)).scalars().all()
            load = os.getloadavg()[0]
            t0 = time.perf_counter()
            views = [paystub_view(pid) for pid in ids]
            t1 = time.perf_counter()
            db.engine.dispose()
            cpu0 = resource.getrusage(resource.RUSAGE_CHILDREN)
            n = sum(1 for _ in render_paystubs(views, processes=args.workers))
            t2 = time.perf_counter()
            cpu1 = resource.getrusage(resource.RUSAGE_CHILDREN)
            child_cpu = (cpu1.ru_utime + cpu1.ru_stime) - (cpu0.ru_utime + cpu0.ru_stime)
            print(f"paystubs (1-min load average before: {load:.1f}): {len(views)} views from the database in "
                  f"{t1 - t0:.2f} s ({len(views) / (t1 - t0):,.0f}/s); {n} PDFs rendered in {t2 - t1:.1f} s = "
                  f"{n / (t2 - t1):.1f} PDFs/s on {args.workers} processes, {1000 * child_cpu / n:.0f} ms CPU per PDF")
            t0 = time.perf_counter()
            n = render_run(run_id, processes=args.workers, limit=args.paystubs)
            dt = time.perf_counter() - t0
            print(f"  render_run (views + PDFs + cache files, as the Celery task does): {n} in {dt:.1f} s = "
                  f"{n / dt:.1f} PDFs/s")


if __name__ == "__main__":
    main()
