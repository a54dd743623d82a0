"""Benchmark: `backoffice filings build --year 2025` over a demo agency with a paid history year, timed per form.

Run (SQLite file by default; PostgreSQL when BACKOFFICE_BENCH_DATABASE_URL or --url names one — its schema is
dropped and rebuilt):
    .venv/bin/python bench/bench_filings.py [--n 10000] [--year 2025] [--url URL] [--reuse] [--payroll-only]

Phases: seed (`seed-demo --workers N --history YEAR` through the real services: the 2026 demo, then every run of
YEAR paid, deposits paid; timed but not part of the build), then `filings build` for the year twice: the first
creates every draft, the second finds them unchanged (what a compliance officer's re-run costs). Each form's share is
its gather + build + store time summed over its periods (quarters, states). `--reuse` skips the seed when the
database already holds the year (time the build again without paying the year again). `--payroll-only` seeds only
payroll's demo steps (no benefits, ACA, onboarding): quicker, but the 1095-C has nothing to read.
"""
from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import tempfile
import time
from collections import defaultdict
from datetime import date

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

DEFAULT_URL = os.environ.get("BACKOFFICE_BENCH_DATABASE_URL", "")
CONFIG = {"TESTING": True, "SECRET_KEY": "bench", "ENCRYPTION_KEYS": "Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFyYmE="}


def make_app(url: str):
    from backoffice.app import create_app

    return create_app(dict(CONFIG, SQLALCHEMY_DATABASE_URI=url, PAYROLL_CHUNK_SIZE=2500,
                           PAYSTUB_CACHE_DIR=tempfile.mkdtemp(prefix="bench-paystubs-")))


def rebuild(app) -> None:
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from backoffice.extensions import db

    with app.app_context():
        if db.engine.url.get_backend_name() == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade()


def seeded(app, year: int) -> bool:
    import sqlalchemy as sa

    from backoffice.extensions import db
    from payroll.models import PayrollRun

    with app.app_context():
        return db.session.execute(sa.select(PayrollRun.id).where(PayrollRun.pay_date.between(
            date(year, 1, 1), date(year, 12, 31))).limit(1)).first() is not None


def seed(app, n: int, year: int, payroll_only: bool) -> tuple[float, list[str]]:
    from backoffice.extensions import db
    from backoffice.workers.demo import seed_demo

    with app.app_context():
        if payroll_only:
            app.extensions["demo_steps"] = [s for s in app.extensions["demo_steps"]
                                            if s.__module__.startswith("payroll")]
        # the demo's own compliance step files the year as it seeds it: leave the build to the timed part
        app.extensions["demo_history"] = [s for s in app.extensions.get("demo_history", ())
                                          if not s.__module__.startswith("compliance")]
        t0 = time.perf_counter()
        lines = seed_demo(n_workers=n, seed=42, today=date(2026, 11, 22), history=year)
        db.session.commit()
        return time.perf_counter() - t0, [ln for ln in lines if ln.startswith("history")]


def build(app, year: int) -> tuple[float, dict[str, list], list]:
    """`filings build --year` as the CLI does it (compliance.services.build_year), one form's periods at a time so
    each form's share is measured; returns (total seconds, {form: [seconds, filings, actions]}, lines)."""
    from compliance import registry, services as svc

    per_form: dict[str, list] = defaultdict(lambda: [0.0, 0, defaultdict(int)])
    lines = []
    with app.app_context():
        t0 = time.perf_counter()
        for spec in registry.specs():
            if not spec.applies(year):
                continue
            for period in spec.periods(year):
                t = time.perf_counter()
                r = svc.build_one(spec, year, period)
                per_form[spec.code][0] += time.perf_counter() - t
                per_form[spec.code][1] += 1
                per_form[spec.code][2][r.action] += 1
                lines.append(r.line())
        return time.perf_counter() - t0, dict(per_form), lines


def counts(app, year: int) -> dict[str, int]:
    import sqlalchemy as sa

    from backoffice.extensions import db
    from payroll.models import Paycheck, PayrollRun
    from payroll.models_money import TaxDeposit

    with app.app_context():
        q = lambda stmt: db.session.execute(stmt).scalar()  # noqa: E731
        return {"runs": q(sa.select(sa.func.count()).select_from(PayrollRun).where(
                    PayrollRun.pay_date.between(date(year, 1, 1), date(year, 12, 31)))),
                "paychecks": q(sa.select(sa.func.count()).select_from(Paycheck).where(Paycheck.tax_year == year)),
                "workers paid": q(sa.select(sa.func.count(sa.distinct(Paycheck.worker_id))).where(
                    Paycheck.tax_year == year)),
                "deposits": q(sa.select(sa.func.count()).select_from(TaxDeposit).where(
                    TaxDeposit.period_start.between(date(year, 1, 1), date(year, 12, 31))))}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10_000, help="workers in the demo agency")
    ap.add_argument("--year", type=int, default=2025)
    ap.add_argument("--url", default=DEFAULT_URL, help="database URL (default: a new SQLite file in the temp dir)")
    ap.add_argument("--reuse", action="store_true", help="keep the database if it already holds the year")
    ap.add_argument("--payroll-only", action="store_true", help="seed payroll's demo steps only")
    args = ap.parse_args()
    url = args.url or "sqlite:///" + os.path.join(tempfile.gettempdir(), f"bench-filings-{args.n}.db")
    random.seed(0)
    app = make_app(url)
    print(f"database: {url}")
    if not (args.reuse and seeded(app, args.year)):
        if url.startswith("sqlite:///"):
            path = url[len("sqlite:///"):]
            if os.path.exists(path):
                os.remove(path)
            app = make_app(url)
        rebuild(app)
        c0 = time.process_time()
        secs, lines = seed(app, args.n, args.year, args.payroll_only)
        print(f"seed: {args.n} workers, demo + history {args.year}: {secs:.1f} s wall, "
              f"{time.process_time() - c0:.1f} s CPU")
        for ln in lines:
            print("  " + ln)
    else:
        print("seed: reused")
    for k, v in counts(app, args.year).items():
        print(f"  {k}: {v}")
    for attempt in ("first build (creates the drafts)", "second build (unchanged)"):
        c0 = time.process_time()
        total, per_form, lines = build(app, args.year)
        print(f"{attempt}: {total:.2f} s wall, {time.process_time() - c0:.2f} s CPU, {len(lines)} filings")
        for code, (secs, n, actions) in sorted(per_form.items(), key=lambda kv: -kv[1][0]):
            share = secs / total * 100 if total else 0
            print(f"  {code:<12} {secs:8.2f} s  {share:5.1f}%  {n} filing(s)  "
                  + ", ".join(f"{a} {c}" for a, c in sorted(actions.items())))
        if not per_form:
            print("  (no form is registered)")
    print(f"peak memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
