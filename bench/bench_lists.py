"""Server time of the list pages and API lists with a 100,000-worker agency and 1,000,000 paychecks.

Usage:
    python bench/bench_lists.py [--workers 100000] [--runs 10] [--database-url URL] [--repeat 20]
    ./scripts/with-postgres .venv/bin/python bench/bench_lists.py        (PostgreSQL, a throwaway cluster)

Seeds the demo agency (`seed-demo --workers N`) into a fresh database (SQLite file by default, or the PostgreSQL
URL given), then `--runs` paid regular runs with one paycheck per worker each (100,000 × 10 = 1,000,000 paychecks;
COPY on PostgreSQL, executemany on SQLite; no lines: no list shows them). Signs in as HR, as a client's approver
and as a worker, then times each request in-process through the WSGI app (the server's own time: routing,
session, access check, the count and page queries, template or JSON rendering) and prints min / median / p95 /
max in milliseconds, the SQL statements each request sent and the row count the page states.
Target (issues 2 and 18): under 150 ms each.
"""
from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

WORKER_PAGES = [
    ("admin workers list", "hr", "/admin/workers/"),
    ("admin workers, page 40", "hr", "/admin/workers/?page=40"),
    ("admin workers search", "hr", "/admin/workers/?search=smith"),
    ("admin workers filter state", "hr", "/admin/workers/?flt0_0=CA"),
    ("admin engagements list", "hr", "/admin/engagements/"),
    ("API workers list", "hr", "/api/v1/workers?per_page=50"),
    ("API workers page 1000", "hr", "/api/v1/workers?per_page=50&page=1000"),
    ("API workers search", "hr", "/api/v1/workers?q=smi"),
    ("API workers by state", "hr", "/api/v1/workers?state=CA"),
    ("API engagements by client", "hr", "/api/v1/engagements?client_id=3"),
]


def paycheck_pages(ids: dict) -> list[tuple[str, str, str]]:
    """The paycheck, run, timesheet and invoice lists; `ids` holds a run, a worker and the admin filter URLs."""
    return [
        ("admin paychecks list", "hr", "/admin/paycheck/"),
        ("admin paychecks, page 100", "hr", "/admin/paycheck/?page=100"),
        ("admin paychecks search smith", "hr", "/admin/paycheck/?search=smith"),
        ("admin paychecks by run", "hr", ids["by_run"]),
        ("admin paychecks by worker", "hr", ids["by_worker"]),
        ("admin paychecks by state", "hr", ids["by_state"]),
        ("admin paychecks by pay date", "hr", ids["by_pay_date"]),
        ("admin runs list", "hr", "/admin/payroll_run/"),
        ("admin timesheets list", "hr", "/admin/timesheet/"),
        ("admin timesheets, approver", "approver", "/admin/timesheet/"),
        ("admin invoices list", "finance", "/admin/invoice/"),
        ("admin invoices, approver", "approver", "/admin/invoice/"),
        ("API paychecks list", "hr", "/api/v1/paychecks?per_page=50"),
        ("API paychecks page 1000", "hr", "/api/v1/paychecks?per_page=50&page=1000"),
        ("API paychecks by run", "hr", f"/api/v1/paychecks?run_id={ids['run']}&per_page=50"),
        ("API paychecks by worker", "hr", f"/api/v1/paychecks?worker_id={ids['worker']}"),
        ("API paychecks, a worker's own", "worker", "/api/v1/paychecks"),
        ("API runs list", "hr", "/api/v1/payroll-runs"),
        ("portal paychecks (a worker)", "worker", "/portal/paychecks"),
    ]


def seed_agency(n_workers: int) -> None:
    """`seed-demo`'s agency (clients, `n_workers` workers with encrypted SSNs and engagements, the demo logins)
    without the domains' demo steps: at 100,000 workers those classify, pay and enrol person by person (they ran
    for more than 20 minutes here); the lists' rows come from seed_paychecks and seed_timesheets instead."""
    from flask import current_app

    from backoffice.extensions import db
    from backoffice.workers.demo import seed_demo
    from payroll.models import PaySchedule

    steps = current_app.extensions.get("demo_steps", [])
    current_app.extensions["demo_steps"] = []
    try:
        seed_demo(n_workers=n_workers, seed=7)
    finally:
        current_app.extensions["demo_steps"] = steps
    if db.session.query(PaySchedule.id).first() is None:
        db.session.add(PaySchedule(name="Biweekly", frequency="biweekly", anchor_start=date(2026, 1, 5),
                                   pay_lag_days=6))
        db.session.commit()


def _bulk(table: str, columns: tuple[str, ...], rows) -> int:
    """Write `rows` into `table`: COPY on PostgreSQL, executemany in batches on SQLite. Returns the count."""
    import sqlalchemy as sa

    from backoffice.extensions import db

    n = 0
    if db.engine.dialect.name == "postgresql":
        raw = db.engine.raw_connection()
        try:
            with raw.cursor() as cur, cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    n += 1
            raw.commit()
        finally:
            raw.close()
        return n
    insert = sa.text(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(':' + c for c in columns)})")
    batch = []
    with db.engine.begin() as conn:
        for row in rows:
            batch.append(dict(zip(columns, row)))
            if len(batch) == 20_000:
                conn.execute(insert, batch)
                n, batch = n + len(batch), []
        if batch:
            conn.execute(insert, batch)
            n += len(batch)
    return n


def seed_timesheets(weeks: int) -> int:
    """`weeks` approved weeks of 8 hours Monday to Friday for every engagement (COPY / executemany)."""
    import sqlalchemy as sa

    from backoffice.extensions import db
    from backoffice.workers.models import Engagement

    now = datetime.now(timezone.utc)
    engagements = db.session.execute(sa.select(Engagement.id).order_by(Engagement.id)).scalars().all()
    columns = ("engagement_id", "week_start", "hours_mon", "hours_tue", "hours_wed", "hours_thu", "hours_fri",
               "hours_sat", "hours_sun", "units", "note", "status", "source", "submitted_at", "approved_at",
               "rejected_reason", "created_at", "updated_at")
    first = date(2026, 10, 12)                       # a Monday
    rows = ((eid, first + timedelta(days=7 * k), 800, 800, 800, 800, 800, 0, 0, 0, "", "approved", "hr", now, now,
             "", now, now) for k in range(weeks) for eid in engagements)
    return _bulk("timesheets", columns, rows)


def seed_paychecks(n_runs: int, seed: int = 7) -> tuple[int, int]:
    """`n_runs` paid biweekly runs, each with one paycheck per worker's first engagement: COPY on PostgreSQL,
    executemany on SQLite. Figures are made up but balance (gross − taxes − deductions = net, in cents)."""
    import sqlalchemy as sa

    from backoffice.extensions import db
    from backoffice.workers.models import Engagement
    from payroll.models import PayrollRun, PaySchedule

    rng = random.Random(seed)
    schedule = db.session.execute(sa.select(PaySchedule).order_by(PaySchedule.id)).scalars().first()
    engagements = db.session.execute(
        sa.select(Engagement.worker_id, sa.func.min(Engagement.id)).group_by(Engagement.worker_id)).all()
    first = {eid: wid for wid, eid in engagements}
    rows = db.session.execute(sa.select(Engagement.id, Engagement.client_id, Engagement.work_state,
                                        Engagement.type).order_by(Engagement.id)).all()
    engs = [(eid, first[eid], client, state or "TX", "contractor" if etype == "contractor" else "employee")
            for eid, client, state, etype in rows if eid in first]
    now = datetime.now(timezone.utc)
    end = date(2026, 10, 24)
    runs = []
    for k in range(n_runs):
        p_end = end - timedelta(days=14 * (n_runs - 1 - k))
        run = PayrollRun(kind="regular", state="paid", pay_schedule_id=schedule.id if schedule else None,
                         frequency="biweekly", period_start=p_end - timedelta(days=13), period_end=p_end,
                         pay_date=p_end + timedelta(days=6), description=f"bench run {k + 1}",
                         calculated_at=now, approved_at=now, paid_at=now, paycheck_count=len(engs))
        db.session.add(run)
        runs.append(run)
    db.session.commit()
    columns = ("run_id", "engagement_id", "worker_id", "client_id", "kind", "worker_type", "work_state",
               "period_start", "period_end", "pay_date", "tax_year", "gross", "employee_taxes", "employer_taxes",
               "deductions", "net", "qualified_overtime_premium", "inputs", "created_at")

    # plain values first: on SQLite a lazy load during the bulk write would wait for the writer's lock
    plain = [(run.id, run.period_start, run.period_end, run.pay_date) for run in runs]
    db.session.commit()

    def generate():
        for run_id, start, end, pay_date in plain:
            for eid, wid, client, state, wtype in engs:
                gross = rng.randrange(40_000, 400_000)                      # cents
                taxes = 0 if wtype == "contractor" else gross * 18 // 100
                deductions = 0 if wtype == "contractor" else gross * 3 // 100
                yield (run_id, eid, wid, client, "regular", wtype, state, start, end, pay_date, pay_date.year,
                       gross, taxes, gross * 8 // 100 if taxes else 0, deductions, gross - taxes - deductions, 0,
                       "{}", now)

    n = _bulk("paychecks", columns, generate())
    return n, plain[-1][0]


def _filter_url(app, endpoint: str, column: str, value) -> str:
    """The admin list `endpoint` filtered on `column` equal to `value` (flask-admin numbers its filters)."""
    from flask_admin.contrib.sqla import filters as sqla_filters

    view = next(v for v in app.extensions["tandem_admin"]._views if getattr(v, "endpoint", None) == endpoint)
    for i, flt in enumerate(view._filters):
        key = getattr(getattr(flt, "column", None), "key", None)
        if key == column and isinstance(flt, sqla_filters.FilterEqual):
            return f"/admin/{endpoint}/?flt0_{i}={value}"
    raise SystemExit(f"{endpoint} has no equal filter on {column}")


_STATED = re.compile(r"List \(([^)]*)\)")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--workers", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=10, help="paid runs of one paycheck per worker (0: none)")
    ap.add_argument("--database-url", default=os.environ.get("BACKOFFICE_BENCH_DATABASE_URL"))
    ap.add_argument("--timesheet-weeks", type=int, default=2, help="approved weeks per engagement (0: none)")
    ap.add_argument("--demo-steps", action="store_true",
                    help="the whole seed-demo (every domain's step; slow at 100,000 workers) instead of the agency")
    ap.add_argument("--reuse", action="store_true",
                    help="time the lists of a database this bench seeded before (with --database-url; no new schema)")
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--only", default="", help="time only the requests whose label contains this text")
    args = ap.parse_args()

    from flask_migrate import upgrade
    import sqlalchemy as sa

    from backoffice.app import create_app
    from backoffice.workers.demo import DEMO_PASSWORD, seed_demo
    from backoffice.extensions import db
    from backoffice.security.models import User
    from backoffice.security.services import issue_api_token

    url = args.database_url or "sqlite:///" + os.path.join(tempfile.mkdtemp(), "bench.db")
    # fixed keys: a database seeded by one run is read by the next (--reuse), SSNs and all
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True, "WTF_CSRF_ENABLED": False,
                      "SECRET_KEY": "bench-lists", "ENCRYPTION_KEYS": "Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFyYmE="})
    statements = [0]
    with app.app_context():
        reuse = args.reuse and sa.inspect(db.engine).has_table("paychecks")
        seeded = copied = 0.0
        n_paychecks = n_timesheets = 0
        last_run = None
        if not reuse:
            if db.engine.dialect.name == "postgresql":
                with db.engine.begin() as conn:
                    conn.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            upgrade()
            t0 = time.perf_counter()
            seed_demo(n_workers=args.workers, seed=7) if args.demo_steps else seed_agency(args.workers)
            seeded = time.perf_counter() - t0
            t0 = time.perf_counter()
            n_paychecks, last_run = seed_paychecks(args.runs) if args.runs else (0, None)
            n_timesheets = seed_timesheets(args.timesheet_weeks) if args.timesheet_weeks else 0
            copied = time.perf_counter() - t0
        with db.engine.begin() as conn:
            conn.execute(sa.text("ANALYZE"))
        tokens = {}
        for who, email in (("hr", "hr@tandem.example"), ("worker", "worker@tandem.example")):
            user = db.session.execute(sa.select(User).where(User.email == email)).scalar_one()
            tokens[who] = issue_api_token(user, "bench")
        demo_worker = db.session.execute(sa.select(User.worker_id).where(
            User.email == "worker@tandem.example")).scalar_one()
        n_workers = db.session.execute(sa.text("select count(*) from workers")).scalar()
        total_paychecks = db.session.execute(sa.text("select count(*) from paychecks")).scalar()
        if last_run is None:
            last_run = db.session.execute(sa.text("select max(id) from payroll_runs")).scalar() or 0
        ids = {"run": last_run, "worker": demo_worker,
               "by_run": _filter_url(app, "paycheck", "run_id", last_run),
               "by_worker": _filter_url(app, "paycheck", "worker_id", demo_worker),
               "by_state": _filter_url(app, "paycheck", "work_state", "CA"),
               "by_pay_date": _filter_url(app, "paycheck", "pay_date", "2026-10-30")}
        sa.event.listen(db.engine, "before_cursor_execute", lambda *a: statements.__setitem__(0, statements[0] + 1))
    print(f"database: {url.split(':')[0]}, workers: {n_workers:,}, seeded in {seeded:.1f} s; paychecks: "
          f"{total_paychecks:,}, timesheets: {n_timesheets:,} ({n_paychecks + n_timesheets:,} rows written in "
          f"{copied:.1f} s)")

    clients = {}
    for who, email in (("hr", "hr@tandem.example"), ("finance", "finance@tandem.example"),
                       ("approver", "approver@tandem.example"), ("worker", "worker@tandem.example")):
        clients[who] = app.test_client()
        resp = clients[who].post("/login", data={"email": email, "password": DEMO_PASSWORD})
        assert resp.status_code == 302, (email, resp.status_code)
    print("wall ms (min, median, p95, max) and this process's CPU ms a request (the app; on SQLite the database too)")
    print(f"{'request':<32} {'min ms':>7} {'median':>7} {'p95':>7} {'max':>7} {'CPU':>6} {'SQL':>4}  status  "
          "rows stated")
    for label, who, path in WORKER_PAGES + paycheck_pages(ids):
        if args.only and args.only not in label:
            continue
        client = clients[who]
        kw = {"headers": {"Authorization": f"Bearer {tokens[who]}"}} if path.startswith("/api/") else {}
        client.get(path, **kw)  # warm caches (templates, statement cache)
        times = []
        statements[0] = 0
        cpu0 = time.process_time()
        for _ in range(args.repeat):
            t = time.perf_counter()
            r = client.get(path, **kw)
            times.append((time.perf_counter() - t) * 1000)
        cpu = (time.process_time() - cpu0) * 1000 / args.repeat
        times.sort()
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        stated = ""
        if path.startswith("/api/"):
            stated = str((r.get_json() or {}).get("total", "")) if r.is_json else ""
        else:
            found = _STATED.search(r.get_data(as_text=True))
            stated = found.group(1) if found else ""
        print(f"{label:<32} {times[0]:7.1f} {statistics.median(times):7.1f} {p95:7.1f} {times[-1]:7.1f} {cpu:6.1f} "
              f"{statements[0] / args.repeat:4.0f}  {r.status_code:>6}  {stated}")


if __name__ == "__main__":
    main()
