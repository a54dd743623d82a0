"""Benchmark: the payroll run of bench_payroll_run.py with workers' compensation on — the seed rates loaded and every
leased engagement given one of five class codes, so each employee paycheck accrues a premium row (docs/workers-comp.md).

Run (the same options as bench_payroll_run.py; compare with it for the run without premiums):
    ./scripts/with-postgres .venv/bin/python bench/bench_workers_comp.py --n 30000 --workers 2 --paystubs 0
"""
from __future__ import annotations

import os
import sys
from decimal import Decimal

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import bench_payroll_run as base  # noqa: E402

CODES = ("8810", "7219", "8292", "8017", "9015")


def classify(app) -> None:
    """The seed rates (payroll/data/workers_comp_rates.csv) and a class code on every leased engagement, in turn."""
    import sqlalchemy as sa

    from backoffice.extensions import db
    from payroll.services.workers_comp import seed_rates

    with app.app_context():
        seed_rates()
        cases = " ".join(f"WHEN {i} THEN '{c}'" for i, c in enumerate(CODES))       # constants, no input
        db.session.execute(sa.text(f"UPDATE engagements SET wc_class_code = CASE id % {len(CODES)} {cases} END "
                                   "WHERE type = 'leased_employee'"))
        db.session.commit()


def report(app) -> None:
    import sqlalchemy as sa

    from backoffice.extensions import db
    from payroll.models_workers_comp import WorkersCompPremium
    from payroll.services.ledger import trial_balance

    with app.app_context():
        rows, total = db.session.execute(sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(
            sa.cast(WorkersCompPremium.premium, sa.BigInteger)), 0))).one()
        tb = trial_balance()
        print(f"workers' comp: {rows:,} premium rows, {Decimal(int(total)).scaleb(-2):,} accrued; ledger 6400 "
              f"{tb['accounts'].get('6400', 0):,}, 2600 {tb['accounts'].get('2600', 0):,}, balanced: {tb['balanced']}")


def main() -> None:
    seed = base.seed

    def seed_with_classes(app, n, rng):
        ids = seed(app, n, rng)
        classify(app)
        return ids

    base.seed = seed_with_classes
    base.main()
    report(base._APP)


if __name__ == "__main__":
    main()
