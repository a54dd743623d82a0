"""Benchmark: the on-demand paystub PDF through the WSGI app — the portal's, the admin's and the API's endpoint — on a
seeded demo database: p50/p95 of the first request for a paystub (rendered, then stored) and of later requests
(served from the store), with the CPU each took in this process.

Run from the repository root (a throwaway SQLite database and paystub store; `--database URL` for PostgreSQL):
    .venv/bin/python bench/bench_paystub_requests.py [--workers 200] [--requests 60]
The app is called in process through Flask's test client (the WSGI app, no network, no server), signed in through
the real login form; `backoffice seed-demo` seeds the data (not timed). Timing stays out of the tests.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
BIN = os.path.dirname(sys.executable)
KEY = "Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFyYmE="


def seed(env: dict, workers: int) -> None:
    cli = [os.path.join(BIN, "backoffice")]
    t = time.perf_counter()
    subprocess.run(cli + ["db", "upgrade"], env=env, cwd=ROOT, check=True, capture_output=True)
    subprocess.run(cli + ["seed-demo", "--workers", str(workers)], env=env, cwd=ROOT, check=True, capture_output=True)
    print(f"seeded the demo agency with {workers:,} workers in {time.perf_counter() - t:.1f} s (not timed)")


def sign_in(client, email: str, password: str) -> None:
    page = client.get("/login")
    token = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', page.data).group(1).decode()
    resp = client.post("/login", data={"email": email, "password": password, "csrf_token": token})
    if resp.status_code not in (302, 303):
        raise SystemExit(f"could not sign in as {email}: {resp.status_code}")


ERRORS: list[str] = []


def timed(client, url: str, headers: dict | None = None) -> tuple[float, float] | None:
    """(wall ms, CPU ms) of one GET that returned a PDF; None (and the error recorded) otherwise."""
    w, c = time.perf_counter(), time.process_time()
    resp = client.get(url, headers=headers or {})
    out = (time.perf_counter() - w) * 1000, (time.process_time() - c) * 1000
    if resp.status_code != 200 or resp.data[:5] != b"%PDF-":
        ERRORS.append(f"GET {url}: {resp.status_code} {resp.data[:300]!r}")
        return None
    return out


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[18] if len(values) > 1 else values[0]


def report(label: str, samples: list[tuple[float, float]]) -> None:
    if not samples:
        print(f"  {label:44s} no successful request")
        return
    wall = [w for w, _ in samples]
    cpu = [c for _, c in samples]
    print(f"  {label:44s} n={len(samples):3d}  p50 {statistics.median(wall):6.1f} ms  p95 {p95(wall):6.1f} ms  "
          f"max {max(wall):6.1f} ms   CPU p50 {statistics.median(cpu):5.1f} ms  p95 {p95(cpu):5.1f} ms", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workers", type=int, default=200, help="demo workers to seed")
    ap.add_argument("--requests", type=int, default=60, help="distinct paystubs per surface")
    ap.add_argument("--database", default="", help="a database URL (default: a throwaway SQLite file)")
    ap.add_argument("--keep", default="", help="a directory for the SQLite file, seeded once and reused")
    args = ap.parse_args()

    tmp = args.keep or tempfile.mkdtemp(prefix="bench-stubs-")
    os.makedirs(tmp, exist_ok=True)
    shutil.rmtree(os.path.join(tmp, "paystubs"), ignore_errors=True)      # every pass starts with an empty store
    url = args.database or f"sqlite:///{tmp}/bench.db"
    reuse = bool(args.keep) and not args.database and os.path.exists(os.path.join(tmp, "bench.db"))
    env = dict(os.environ, BACKOFFICE_DATABASE_URL=url, BACKOFFICE_SECRET_KEY="bench-stubs",
               BACKOFFICE_ENCRYPTION_KEY=KEY, BACKOFFICE_PAYSTUB_CACHE_DIR=os.path.join(tmp, "paystubs"))
    env.pop("BACKOFFICE_DEV_SECRETS", None)
    if args.database and not reuse:
        import sqlalchemy as sa

        engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
        with engine.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        engine.dispose()
    if not reuse:
        seed(env, args.workers)
    os.environ.update({k: env[k] for k in ("BACKOFFICE_DATABASE_URL", "BACKOFFICE_SECRET_KEY",
                                           "BACKOFFICE_ENCRYPTION_KEY", "BACKOFFICE_PAYSTUB_CACHE_DIR")})
    import sqlalchemy as sa

    from backoffice.app import create_app
    from backoffice.extensions import db
    from backoffice.security.models import User
    from backoffice.security.services import issue_api_token
    from backoffice.workers.demo import DEMO_PASSWORD
    from payroll.models import Paycheck, PayrollRun
    from reports.paystubs import FINAL_RUN_STATES

    app = create_app()
    with app.app_context():
        worker = db.session.execute(sa.select(User).where(User.email == "worker@tandem.example")).scalar_one()
        admin = db.session.execute(sa.select(User).where(User.email == "admin@tandem.example")).scalar_one()
        final = (sa.select(Paycheck.id).join(PayrollRun, PayrollRun.id == Paycheck.run_id)
                 .where(PayrollRun.state.in_(FINAL_RUN_STATES)).order_by(Paycheck.id.desc()))
        own = db.session.execute(final.where(Paycheck.worker_id == worker.worker_id)).scalars().all()
        others = db.session.execute(final.where(Paycheck.worker_id != worker.worker_id)
                                    .limit(2 * args.requests)).scalars().all()
        token = issue_api_token(admin, name="bench")
        db.session.commit()
    admin_ids, api_ids = others[:args.requests], others[args.requests:2 * args.requests]
    print(f"paystubs of approved/paid runs: {len(own)} of the demo worker (portal), {len(admin_ids)} (admin), "
          f"{len(api_ids)} (API); load average {os.getloadavg()[0]:.1f}")

    portal, staff, api = app.test_client(), app.test_client(), app.test_client()
    sign_in(portal, "worker@tandem.example", DEMO_PASSWORD)
    sign_in(staff, "admin@tandem.example", DEMO_PASSWORD)
    bearer = {"Authorization": f"Bearer {token}"}
    surfaces = [("portal /portal/paychecks/<id>.pdf", portal, "/portal/paychecks/{}.pdf", own, None),
                ("admin /admin/payroll-runs/paystub/<id>", staff, "/admin/payroll-runs/paystub/{}", admin_ids, None),
                ("API /api/v1/paychecks/<id>/paystub.pdf", api, "/api/v1/paychecks/{}/paystub.pdf", api_ids, bearer)]
    timed(staff, surfaces[1][2].format(others[-1]))       # warm-up: fonts, stylesheet, template (not counted)
    print("first request of each paystub (rendered, then stored):")
    everything = []
    for label, client, pattern, ids, headers in surfaces:
        if ids:
            samples = [t for t in (timed(client, pattern.format(i), headers) for i in ids) if t]
            everything += samples
            report(label, samples)
    print("later requests (served from the store):")
    for label, client, pattern, ids, headers in surfaces:
        if ids:
            samples = [t for t in (timed(client, pattern.format(i), headers) for i in ids for _ in range(2)) if t]
            everything += samples
            report(label, samples)
    report("all requests", everything)
    print(f"errors: {len(ERRORS)}" + "".join(f"\n  {e}" for e in sorted(set(ERRORS))[:5]))
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
