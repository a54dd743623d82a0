"""Benchmark: the receivables aging report (backoffice.billing.aging.aging_report) over N issued invoices.

Run (a throwaway PostgreSQL cluster; the database's schema is dropped and rebuilt):
    ./scripts/with-postgres .venv/bin/python bench/bench_aging.py [--n 10000] [--clients 200]

Seed: N sent invoices of $1,000.00 to C clients, issued over 300 days of 2026 (net 30), and one $100.00 payment
applied to every second invoice; no ANALYZE after the bulk load (the planner's estimates are as a fresh load leaves
them). Timed: aging_report(2026-11-22), twice (the second is reported). Check: total = N × 1,000.00 − N/2 × 100.00.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import date, timedelta
from decimal import Decimal

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.bench_payroll_run import DEFAULT_URL, make_app, rebuild  # noqa: E402

AS_OF = date(2026, 11, 22)


def seed(app, n: int, n_clients: int) -> None:
    import sqlalchemy as sa

    from backoffice.billing.models import Invoice
    from backoffice.billing.receivables_models import ClientPayment, PaymentApplication
    from backoffice.db import utcnow
    from backoffice.extensions import db
    from backoffice.workers.models import Agency, Client

    with app.app_context():
        now = utcnow()
        agency = Agency(legal_name="Bench Staffing LLC", ein="841234567")
        clients = [Client(name=f"Bench client {i}") for i in range(n_clients)]
        db.session.add_all([agency, *clients])
        db.session.flush()
        rows = []
        for i in range(n):
            issue = date(2026, 1, 1) + timedelta(days=i % 300)
            rows.append(dict(agency_id=agency.id, client_id=clients[i % n_clients].id, kind="invoice",
                             number=f"INV-{i + 1:06d}", status="sent", period_start=issue, period_end=issue,
                             issue_date=issue, due_date=issue + timedelta(days=30), po_number="",
                             total=Decimal("1000.00"), balance=Decimal("1000.00"), sent_to="", memo="",
                             created_at=now, updated_at=now))
        db.session.execute(sa.insert(Invoice.__table__), rows)
        pay = ClientPayment(client_id=clients[0].id, amount=Decimal("1.00"), received_on=date(2026, 1, 1),
                            source="manual", unapplied=Decimal(0))
        db.session.add(pay)
        db.session.flush()
        ids = db.session.execute(sa.select(Invoice.id).order_by(Invoice.id)).scalars().all()
        db.session.execute(sa.insert(PaymentApplication.__table__),
                           [dict(payment_id=pay.id, invoice_id=i, amount=Decimal("100.00"),
                                 applied_on=date(2026, 3, 1), created_at=now) for i in ids[::2]])
        db.session.commit()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--clients", type=int, default=200)
    ap.add_argument("--url", default=DEFAULT_URL)
    args = ap.parse_args()
    app = make_app(args.url)
    rebuild(app)
    t = time.perf_counter()
    seed(app, args.n, args.clients)
    print(f"seed: {args.n:,} invoices, {args.clients} clients in {time.perf_counter() - t:.1f} s")
    from backoffice.billing.aging import aging_report
    from backoffice.billing.buckets import totals

    with app.app_context():
        for _ in range(2):
            t = time.perf_counter()
            rows = aging_report(AS_OF)
            took = time.perf_counter() - t
        total = totals(rows).total
    expected = Decimal("1000.00") * args.n - Decimal("100.00") * ((args.n + 1) // 2)
    print(f"aging_report({AS_OF}): {len(rows)} clients, total {total:,} (expected {expected:,}) in {took * 1000:.0f} ms")
    if total != expected:
        sys.exit("total does not match the hand figure")


if __name__ == "__main__":
    main()
