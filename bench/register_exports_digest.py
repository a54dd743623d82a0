"""The payroll register of one run, as each way out gives it, in digests: its CSV, each part of its XLSX (the zip's
own timestamps left out), and `register_rows` (every cell's type and repr, rows in order). Run it in two checkouts
against the same database (each with its own code on PYTHONPATH): the lines must be equal.

    PYTHONPATH=$PWD .venv/bin/python bench/register_exports_digest.py --database URL [--run ID]

The run is the database's latest unless --run says which (e.g. the one bench_payroll_run.py left in a kept cluster).
"""
from __future__ import annotations

import argparse
import hashlib
import io
import os
import sys
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))


def digests(run_id: int | None) -> list[str]:
    import sqlalchemy as sa

    from backoffice.extensions import db
    from reports import exports
    from reports.queries import Selection

    if run_id is None:
        run_id = db.session.execute(sa.text("SELECT max(id) FROM payroll_runs")).scalar()
    sel = Selection(run_id=run_id)
    out = [f"run {run_id}"]
    csv = exports.export("register", sel, "csv").content
    out.append(f"csv {len(csv):,} bytes {hashlib.sha256(csv).hexdigest()}")
    with zipfile.ZipFile(io.BytesIO(exports.export("register", sel, "xlsx").content)) as z:
        for name in sorted(z.namelist()):
            out.append(f"xlsx {name} {hashlib.sha256(z.read(name)).hexdigest()}")
    columns, rows = exports.register_rows(sel)
    h, n = hashlib.sha256(repr(columns).encode()), 0
    for row in rows:
        values = tuple(row.values()) if isinstance(row, dict) else row      # a dict a row until session 20
        h.update(repr([(type(v).__name__, repr(v)) for v in values]).encode())
        n += 1
    out.append(f"register_rows {n:,} rows × {len(columns)} {h.hexdigest()}")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--database", default=os.environ.get("BACKOFFICE_BENCH_DATABASE_URL"))
    ap.add_argument("--run", type=int, default=None)
    args = ap.parse_args()
    from bench_payroll_run import make_app     # the payroll bench's app: the database its runs are in

    with make_app(args.database).app_context():
        print("\n".join(digests(args.run)))


if __name__ == "__main__":
    main()
