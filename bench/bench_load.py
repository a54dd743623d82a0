"""Benchmark: the web app under load — 200 workers on the portal and 20 staff in the admin at once, against
PostgreSQL on loopback, served the way `./scripts/run` serves it (gunicorn, 2 processes × 8 threads).

Run (a throwaway PostgreSQL; its schema is dropped and rebuilt):
    ./scripts/with-postgres .venv/bin/python bench/bench_load.py [--demo-workers 2000] [--portal 200] [--staff 20]
        [--seconds 120] [--spawn-rate 10]

Needs locust (`pip install -e .[bench]`). Seeds the demo agency (`backoffice seed-demo --workers N`: runs paid,
paychecks with paystubs), gives `--portal` workers who have paychecks a portal login (the demo worker's password),
starts gunicorn, runs bench/locustfile.py headless for `--seconds` after every user has signed in, and prints each
request kind's count, failures and p50/p95/p99 in milliseconds, then the whole's. Timing stays out of the tests."""
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


def _env(url: str) -> dict:
    env = dict(os.environ, BACKOFFICE_DATABASE_URL=url, BACKOFFICE_SECRET_KEY="bench-load",
               BACKOFFICE_ENCRYPTION_KEY=KEY, BACKOFFICE_PAYSTUB_CACHE_DIR=tempfile.mkdtemp(prefix="load-stubs-"))
    env.pop("BACKOFFICE_DEV_SECRETS", None)
    return env


def prepare(url: str, env: dict, demo_workers: int, portal: int) -> list[str]:
    import sqlalchemy as sa

    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()
    cli = [os.path.join(BIN, "backoffice")]
    t = time.perf_counter()
    subprocess.run(cli + ["db", "upgrade"], env=env, cwd=ROOT, check=True, capture_output=True)
    subprocess.run(cli + ["seed-demo", "--workers", str(demo_workers)], env=env, cwd=ROOT, check=True,
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
        for wid in [w for w in paid if w not in taken][:max(portal - 1, 0)]:
            email = f"load-worker-{wid}@tandem.example"
            db.session.add(User(email=email, name=f"Load worker {wid}", role="worker", worker_id=wid,
                                password_hash=demo.password_hash))
            emails.append(email)
        db.session.commit()
    print(f"portal logins: {len(emails)} workers with paychecks")
    return emails


def serve(env: dict, port: int, processes: int, threads: int) -> subprocess.Popen:
    server = subprocess.Popen([os.path.join(BIN, "gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers",
                               str(processes), "--threads", str(threads), "--worker-class", "gthread",
                               "--timeout", "300", "--no-control-socket", "backoffice.wsgi:app"],
                              env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
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
    ap.add_argument("--spawn-rate", type=float, default=10)
    ap.add_argument("--web-processes", type=int, default=2)
    ap.add_argument("--web-threads", type=int, default=8)
    ap.add_argument("--url", default=os.environ.get("BACKOFFICE_BENCH_DATABASE_URL"))
    args = ap.parse_args()
    if not args.url:
        raise SystemExit("no PostgreSQL: run under ./scripts/with-postgres or give --url")
    if not shutil.which("locust", path=BIN):
        raise SystemExit("locust is not installed: pip install -e .[bench]")
    env = _env(args.url)
    emails = prepare(args.url, env, args.demo_workers, args.portal)
    port = _port()
    server = serve(env, port, args.web_processes, args.web_threads)
    out = tempfile.mkdtemp(prefix="load-")
    users = args.portal + args.staff
    ramp = users / args.spawn_rate
    try:
        load_env = dict(env, LOAD_WORKER_EMAILS=",".join(emails), LOAD_PORTAL_USERS=str(args.portal),
                        LOAD_STAFF_USERS=str(args.staff))
        print(f"{args.portal} portal users and {args.staff} staff, {args.spawn_rate}/s spawned (about {ramp:.0f} s), "
              f"then {args.seconds} s; gunicorn {args.web_processes}×{args.web_threads} on PostgreSQL")
        before = os.getloadavg()
        subprocess.run([os.path.join(BIN, "locust"), "-f", os.path.join(ROOT, "bench", "locustfile.py"),
                        "--headless", "-u", str(users), "-r", str(args.spawn_rate), "-t",
                        f"{int(args.seconds + ramp)}s", "--host", f"http://127.0.0.1:{port}", "--csv",
                        os.path.join(out, "load"), "--only-summary", "--loglevel", "WARNING",
                        "--stop-timeout", "30"],
                       env=load_env, cwd=ROOT, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        after = os.getloadavg()
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"load average before {before[0]:.2f}, after {after[0]:.2f}")
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
