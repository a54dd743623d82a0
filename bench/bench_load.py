"""Benchmark: the web app under load — 200 workers on the portal and 20 staff in the admin at once, against
PostgreSQL on loopback, served the way `./scripts/run` serves it (gunicorn, 2 processes × 8 threads).

Run (a throwaway PostgreSQL; its schema is dropped and rebuilt):
    ./scripts/with-postgres .venv/bin/python bench/bench_load.py [--demo-workers 2000] [--portal 200] [--staff 20]
        [--seconds 120] [--spawn-rate 2] [--profile 20] [--profile-only] [--url URL --reuse]
        [--web-processes 2 --web-threads 8] [--http-client fast|requests] [--tree CHECKOUT]

Needs locust (`pip install -e .[bench]`). Seeds the demo agency (`backoffice seed-demo --workers N`: runs paid,
paychecks with paystubs), gives `--portal` workers who have paychecks a portal login (the demo worker's password),
times each request kind in process (app CPU, PostgreSQL CPU, SQL statements; `--profile N` requests each), starts
gunicorn, runs bench/locustfile.py headless for `--seconds` after the ramp (users spawned at `--spawn-rate` a
second: each signs in first, one argon2 check), and prints each request kind's count, failures and p50/p95/p99 in
milliseconds, then the whole's, the failures' messages, the load average, the CPU per request of the server,
PostgreSQL and locust itself (all three share the machine), and what that asks of the cores at the rate served.
`--tree` serves and seeds another checkout's app (e.g. a worktree of main) with this checkout's scenario, for a
side by side; `--http-client requests` drives it with locust's HttpUser as before session 14. Only 127.0.0.1 is
addressed; locust stops by itself. Timing stays out of the tests. docs/serving.md says what it found."""
from __future__ import annotations

import argparse
import csv
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
BIN = os.path.dirname(sys.executable)
KEY = "Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFyYmE="


def _port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def _env(url: str, tree: str = ROOT) -> dict:
    env = dict(os.environ, BACKOFFICE_DATABASE_URL=url, BACKOFFICE_SECRET_KEY="bench-load",
               BACKOFFICE_ENCRYPTION_KEY=KEY, BACKOFFICE_PAYSTUB_CACHE_DIR=tempfile.mkdtemp(prefix="load-stubs-"))
    env.pop("BACKOFFICE_DEV_SECRETS", None)
    # this checkout's code in the subprocesses too (the console scripts would import the installed one)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (tree, os.environ.get("PYTHONPATH", "")) if p)
    return env


def prepare(url: str, env: dict, demo_workers: int, portal: int, reuse: bool = False, tree: str = ROOT) -> list[str]:
    import sqlalchemy as sa

    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as conn:
        seeded = reuse and conn.execute(sa.text("SELECT to_regclass('public.workers')")).scalar() is not None
        if not seeded:
            conn.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()
    cli = [os.path.join(BIN, "backoffice")]
    t = time.perf_counter()
    subprocess.run(cli + ["db", "upgrade"], env=env, cwd=tree, check=True, capture_output=True)
    if not seeded:
        subprocess.run(cli + ["seed-demo", "--workers", str(demo_workers)], env=env, cwd=tree, check=True,
                       capture_output=True)
        print(f"seeded the demo agency with {demo_workers:,} workers in {time.perf_counter() - t:.1f} s (not timed)")
    os.environ.update({k: env[k] for k in ("BACKOFFICE_DATABASE_URL", "BACKOFFICE_SECRET_KEY",
                                           "BACKOFFICE_ENCRYPTION_KEY")})
    from backoffice.app import create_app
    from backoffice.extensions import db
    from backoffice.security.models import User
    from payroll.models import Paycheck

    app = create_app()
    with app.app_context():
        demo = db.session.execute(sa.select(User).where(User.email == "worker@tandem.example")).scalar_one()
        taken = set(db.session.execute(sa.select(User.worker_id).where(User.worker_id.is_not(None))).scalars())
        paid = db.session.execute(sa.select(Paycheck.worker_id).where(Paycheck.worker_type == "employee")
                                  .group_by(Paycheck.worker_id).order_by(Paycheck.worker_id)).scalars().all()
        emails = [demo.email]
        have = db.session.execute(sa.select(User.email).where(User.email.like("load-worker-%"))
                                  .order_by(User.id)).scalars().all()
        emails += have[:max(portal - 1, 0)]
        for wid in [w for w in paid if w not in taken][:max(portal - len(emails), 0)]:
            email = f"load-worker-{wid}@tandem.example"
            db.session.add(User(email=email, name=f"Load worker {wid}", role="worker", worker_id=wid,
                                password_hash=demo.password_hash))
            emails.append(email)
        db.session.commit()
    print(f"portal logins: {len(emails)} workers with paychecks")
    return emails


# The request kinds of bench/locustfile.py, one at a time in process: (name, who, method, path or a function of the
# ids found, JSON body). "who" is the portal worker or the HR staff member.
PORTAL_PW = "tandem-demo-2026"


def _kinds(paycheck_id: int, run_id: int) -> list[tuple]:
    w4 = {"filing_status": "single", "step3_credits": "2000", "step4a_other_income": "0", "step4b_deductions": "0",
          "step4c_extra": "0", "step2_checkbox": False, "exempt": False, "gross": "1250.00"}
    return [
        ("sign-in page", None, "GET", "/login", None),
        ("portal home", "worker", "GET", "/portal/", None),
        ("portal paychecks", "worker", "GET", "/portal/paychecks", None),
        ("portal paycheck explained", "worker", "GET", f"/portal/paychecks/{paycheck_id}", None),
        ("portal paystub PDF", "worker", "GET", f"/portal/paychecks/{paycheck_id}.pdf", None),
        ("portal W-4 what-if", "worker", "POST", "/portal/api/w4-preview", w4),
        ("admin runs list", "staff", "GET", "/admin/payroll_run/", None),
        ("admin workers search", "staff", "GET", "/admin/workers/?search=smith", None),
        ("admin paychecks search", "staff", "GET", "/admin/paycheck/?search=smith", None),
        ("admin run page", "staff", "GET", f"/admin/payroll-runs/{run_id}", None),
        ("admin workers CSV export", "staff", "GET", "/admin/workers/export/csv/", None),
    ]


def cpu_per_request(url: str, env: dict, worker_email: str, repeat: int) -> None:
    """Each request kind `repeat` times, one at a time, in this process through the WSGI app: the app's CPU
    (time.process_time), the database server's CPU (its processes in /proc, when it runs here), the SQL statements
    sent, and the median wall time. CPU time is what compares on a shared machine; sign-in is timed apart (its
    argon2 check is the point of it)."""
    import statistics

    import sqlalchemy as sa

    sys.path.insert(0, os.path.join(ROOT, "bench"))
    from bench_payroll_run import _server_cpu_reader

    from backoffice.app import create_app
    from backoffice.extensions import db
    from payroll.models import Paycheck, PayrollRun, released_runs
    from backoffice.security.models import User

    os.environ.update({k: env[k] for k in ("BACKOFFICE_DATABASE_URL", "BACKOFFICE_SECRET_KEY",
                                           "BACKOFFICE_ENCRYPTION_KEY", "BACKOFFICE_PAYSTUB_CACHE_DIR")})
    app = create_app({"WTF_CSRF_ENABLED": False})
    server_cpu = _server_cpu_reader(app)
    statements = [0]
    with app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute", lambda *a: statements.__setitem__(0, statements[0] + 1))
        worker_id = db.session.execute(sa.select(User.worker_id).where(User.email == worker_email)).scalar_one()
        paycheck_id = db.session.execute(sa.select(sa.func.max(Paycheck.id)).where(
            Paycheck.worker_id == worker_id, Paycheck.run_id.in_(released_runs()))).scalar_one()
        run_id = db.session.execute(sa.select(sa.func.max(PayrollRun.id))).scalar_one()
    clients = {}
    for who, email in (("worker", worker_email), ("staff", "hr@tandem.example")):
        c = app.test_client()
        t0 = time.process_time()
        r = c.post("/login", data={"email": email, "password": PORTAL_PW})
        sign_in_cpu = (time.process_time() - t0) * 1000
        assert r.status_code == 302, (email, r.status_code)
        clients[who] = c
    clients[None] = app.test_client()
    print(f"in process, one request at a time, {repeat} each (after one warm-up); sign in: {sign_in_cpu:.0f} ms CPU "
          "(the argon2 password check)")
    print(f"{'request':<28} {'app CPU ms':>10} {'db CPU ms':>9} {'SQL':>5} {'median ms':>9}  status")
    for name, who, method, path, body in _kinds(paycheck_id, run_id):
        c = clients[who]
        send = (lambda: c.post(path, json=body)) if method == "POST" else (lambda: c.get(path))
        first = send()
        walls = []
        statements[0] = 0
        db0, cpu0 = server_cpu(), time.process_time()
        for _ in range(repeat):
            t = time.perf_counter()
            r = send()
            r.get_data()
            walls.append((time.perf_counter() - t) * 1000)
        cpu = (time.process_time() - cpu0) * 1000 / repeat
        db1 = server_cpu()
        dbms = f"{(db1 - db0) * 1000 / repeat:9.1f}" if db0 is not None and db1 is not None else f"{'-':>9}"
        print(f"{name:<28} {cpu:10.1f} {dbms} {statements[0] / repeat:5.0f} {statistics.median(walls):9.1f}  "
              f"{first.status_code}")


def _tree_cpu(root: int) -> float:
    """CPU seconds (user + system) of process `root` and its live descendants, plus what its exited children
    used, from /proc: the server's share of the machine while the load ran."""
    tick = os.sysconf("SC_CLK_TCK")
    parents, stats = {}, {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents[int(entry)], stats[int(entry)] = int(fields[1]), fields
    tree, todo = set(), [root]
    while todo:
        pid = todo.pop()
        tree.add(pid)
        todo += [child for child, parent in parents.items() if parent == pid and child not in tree]
    total = sum(int(stats[pid][11]) + int(stats[pid][12]) for pid in tree if pid in stats)
    if root in stats:
        total += int(stats[root][13]) + int(stats[root][14])
    return total / tick


def _children_cpu() -> float:
    """CPU seconds (user + system) of this process's exited, waited-for children: locust's, once it has run."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _connections_opened(url: str) -> int | None:
    """How many sessions (connections) PostgreSQL has opened to this database so far (pg_stat_database, 14+)."""
    import sqlalchemy as sa

    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://"), poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text("SELECT sessions FROM pg_stat_database WHERE datname = current_database()"))\
                .scalar()
    except sa.exc.DBAPIError:
        return None
    finally:
        engine.dispose()


def _postmaster(url: str) -> int | None:
    """The PostgreSQL server's process id when it runs on this machine (None elsewhere)."""
    import sqlalchemy as sa

    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as conn:
        backend = conn.execute(sa.text("SELECT pg_backend_pid()")).scalar()
        try:
            with open(f"/proc/{backend}/stat") as f:
                parent = int(f.read().rsplit(")", 1)[1].split()[1])
        except OSError:
            parent = None
    engine.dispose()
    return parent


def serve(env: dict, port: int, processes: int, threads: int, tree: str = ROOT,
          worker_class: str = "gthread") -> subprocess.Popen:
    server = subprocess.Popen([os.path.join(BIN, "gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers",
                               str(processes), "--threads", str(threads), "--worker-class", worker_class,
                               "--timeout", "300", "--keep-alive", "30", "--no-control-socket", "backoffice.wsgi:app"],
                              env=env, cwd=tree, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(600):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=5) as r:
                if r.status == 200:
                    return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("the server did not start")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--demo-workers", type=int, default=2000)
    ap.add_argument("--portal", type=int, default=200)
    ap.add_argument("--staff", type=int, default=20)
    ap.add_argument("--seconds", type=int, default=120)
    # 2 users a second: each signs in first (one argon2 check: about 18 ms of CPU, 143 ms before session 14)
    ap.add_argument("--spawn-rate", type=float, default=2)
    ap.add_argument("--web-processes", type=int, default=2)
    ap.add_argument("--web-threads", type=int, default=8)
    ap.add_argument("--worker-class", default="gthread", help="gunicorn's worker class (gthread as ./scripts/run)")
    ap.add_argument("--profile", type=int, default=20, metavar="N",
                    help="first time each request kind N times in process (app and database CPU, SQL); 0: skip")
    ap.add_argument("--profile-only", action="store_true", help="stop after the in-process figures")
    ap.add_argument("--reuse", action="store_true",
                    help="keep a database this bench seeded before (with --url) instead of seeding anew")
    ap.add_argument("--url", default=os.environ.get("BACKOFFICE_BENCH_DATABASE_URL"))
    ap.add_argument("--http-client", choices=("fast", "requests"), default="fast",
                    help="locust's FastHttpUser (geventhttpclient) or HttpUser (python-requests, before session 14)")
    ap.add_argument("--tree", default=ROOT, help="the checkout whose app is seeded and served (default: this one); "
                    "the scenario and the in-process figures stay this checkout's")
    args = ap.parse_args()
    if not args.url:
        raise SystemExit("no PostgreSQL: run under ./scripts/with-postgres or give --url")
    if not shutil.which("locust", path=BIN):
        raise SystemExit("locust is not installed: pip install -e .[bench]")
    tree = os.path.abspath(args.tree)
    env = _env(args.url, tree)
    emails = prepare(args.url, env, args.demo_workers, args.portal, args.reuse, tree)
    if args.profile:
        cpu_per_request(args.url, env, emails[-1], args.profile)
        if args.profile_only:
            return
    port = _port()
    server = serve(env, port, args.web_processes, args.web_threads, tree, args.worker_class)
    out = tempfile.mkdtemp(prefix="load-")
    users = args.portal + args.staff
    ramp = users / args.spawn_rate
    try:
        load_env = dict(env, LOAD_WORKER_EMAILS=",".join(emails), LOAD_PORTAL_USERS=str(args.portal),
                        LOAD_STAFF_USERS=str(args.staff), LOAD_HTTP_CLIENT=args.http_client)
        print(f"{args.portal} portal users and {args.staff} staff, {args.spawn_rate}/s spawned (about {ramp:.0f} s), "
              f"then {args.seconds} s; gunicorn {args.web_processes}×{args.web_threads} {args.worker_class} on "
              f"PostgreSQL; "
              f"app from {tree}; locust {'FastHttpUser' if args.http_client == 'fast' else 'HttpUser'}")
        before = os.getloadavg()
        postmaster = _postmaster(args.url)
        cpu0 = (_tree_cpu(server.pid), _tree_cpu(postmaster) if postmaster else None)
        locust0, wall0, opened0 = _children_cpu(), time.perf_counter(), _connections_opened(args.url)
        subprocess.run([os.path.join(BIN, "locust"), "-f", os.path.join(ROOT, "bench", "locustfile.py"),
                        "--headless", "-u", str(users), "-r", str(args.spawn_rate), "-t",
                        f"{int(args.seconds + ramp)}s", "--host", f"http://127.0.0.1:{port}", "--csv",
                        os.path.join(out, "load"), "--only-summary", "--loglevel", "WARNING",
                        "--stop-timeout", "30"],
                       env=load_env, cwd=ROOT, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        after = os.getloadavg()
        cpu1 = (_tree_cpu(server.pid), _tree_cpu(postmaster) if postmaster else None)
        # locust has exited and been waited for; the server, still running, is not in this process's children yet
        locust_cpu, wall = _children_cpu() - locust0, time.perf_counter() - wall0
        opened1 = _connections_opened(args.url)
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"load average before {before[0]:.2f}, after {after[0]:.2f}")
    with open(os.path.join(out, "load_stats.csv"), newline="") as f:
        total = next((int(r["Request Count"]) for r in csv.DictReader(f) if r["Name"] == "Aggregated"), 0)
    if total:
        app_ms = (cpu1[0] - cpu0[0]) * 1000 / total
        db_ms = f"{(cpu1[1] - cpu0[1]) * 1000 / total:.1f} ms" if cpu1[1] is not None else "not measured"
        locust_ms = locust_cpu * 1000 / total
        print(f"CPU per request over the whole load ({total:,} requests): gunicorn {app_ms:.1f} ms, "
              f"PostgreSQL {db_ms}, locust {locust_ms:.1f} ms")
        db_s = cpu1[1] - cpu0[1] if cpu1[1] is not None else 0.0
        print(f"the CPU budget: {total / wall:.1f} requests/s over {wall:.0f} s × "
              f"{app_ms + locust_ms + db_s * 1000 / total:.1f} ms of CPU each (gunicorn + PostgreSQL + locust) = "
              f"{(cpu1[0] - cpu0[0] + db_s + locust_cpu) / wall:.2f} cores busy of {os.cpu_count()}")
        if opened0 is not None and opened1 is not None:
            print(f"PostgreSQL connections opened during the load: {opened1 - opened0 - 1:,}")
    print(f"{'request':<32} {'count':>7} {'failed':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}")
    with open(os.path.join(out, "load_stats.csv"), newline="") as f:
        for row in csv.DictReader(f):
            name = row["Name"] if row["Name"] != "Aggregated" else "ALL"
            print(f"{name:<32} {row['Request Count']:>7} {row['Failure Count']:>7} {row['50%']:>7} "
                  f"{row['95%']:>7} {row['99%']:>7}")
    failures = os.path.join(out, "load_failures.csv")
    if os.path.exists(failures):
        with open(failures, newline="") as f:
            for row in list(csv.DictReader(f))[:10]:
                print(f"failure: {row.get('Name')} ×{row.get('Occurrences')}: {row.get('Error', '')[:160]}")


if __name__ == "__main__":
    main()
