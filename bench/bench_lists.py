"""Server time of the workers/engagements list pages and API lists with a 100,000-worker agency.

Usage:
    python bench/bench_lists.py [--workers 100000] [--database-url URL] [--repeat 20]

Seeds the demo agency (`seed-demo --workers N`) into a fresh database (SQLite file by default, or the
PostgreSQL URL given), signs in as HR, then times each request in-process through the WSGI app (the server's
own time: routing, access check, queries, rendering) and prints min / median / max in milliseconds.
Target (issue 2): under 150 ms each for the workers list page and the API list.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

PAGES = [
    ("admin workers list", "/admin/workers/"),
    ("admin workers, page 40", "/admin/workers/?page=40"),
    ("admin workers search", "/admin/workers/?search=smith"),
    ("admin workers filter state", "/admin/workers/?flt0_0=CA"),
    ("admin engagements list", "/admin/engagements/"),
    ("API workers list", "/api/v1/workers?per_page=50"),
    ("API workers page 1000", "/api/v1/workers?per_page=50&page=1000"),
    ("API workers search", "/api/v1/workers?q=smi"),
    ("API workers by state", "/api/v1/workers?state=CA"),
    ("API engagements by client", "/api/v1/engagements?client_id=3"),
]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--workers", type=int, default=100_000)
    ap.add_argument("--database-url", default=os.environ.get("BACKOFFICE_BENCH_DATABASE_URL"))
    ap.add_argument("--repeat", type=int, default=20)
    args = ap.parse_args()

    from flask_migrate import upgrade
    import sqlalchemy as sa

    from backoffice.app import create_app
    from backoffice.workers.demo import DEMO_PASSWORD, seed_demo
    from backoffice.extensions import db
    from backoffice.security.models import User
    from backoffice.security.services import issue_api_token

    url = args.database_url or "sqlite:///" + os.path.join(tempfile.mkdtemp(), "bench.db")
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True, "WTF_CSRF_ENABLED": False})
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade()
        t0 = time.perf_counter()
        seed_demo(n_workers=args.workers, seed=7)
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(sa.text("ANALYZE"))
        seeded = time.perf_counter() - t0
        hr = db.session.execute(sa.select(User).where(User.email == "hr@tandem.example")).scalar_one()
        token = issue_api_token(hr, "bench")
        n_workers = db.session.execute(sa.text("select count(*) from workers")).scalar()
    print(f"database: {db.engine.dialect.name if False else url.split(':')[0]}, workers: {n_workers}, "
          f"seeded in {seeded:.1f} s")

    client = app.test_client()
    resp = client.post("/login", data={"email": "hr@tandem.example", "password": DEMO_PASSWORD})
    assert resp.status_code == 302, resp.status_code
    headers = {"Authorization": f"Bearer {token}"}
    print(f"{'request':<30} {'min ms':>8} {'median':>8} {'max':>8}  status")
    for label, path in PAGES:
        kw = {"headers": headers} if path.startswith("/api/") else {}
        client.get(path, **kw)  # warm caches (templates, statement cache)
        times = []
        for _ in range(args.repeat):
            t = time.perf_counter()
            r = client.get(path, **kw)
            times.append((time.perf_counter() - t) * 1000)
        print(f"{label:<30} {min(times):8.1f} {statistics.median(times):8.1f} {max(times):8.1f}  {r.status_code}")


if __name__ == "__main__":
    main()
