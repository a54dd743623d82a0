"""Benchmark: bulk paystub PDF rendering throughput (PDFs per second) with 1 and 2 processes.

Run from the repository root:
    .venv/bin/python bench/bench_paystubs.py --count 200 --processes 1 2 --repeat 3
"""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from backoffice.money import round_cents  # noqa: E402
from reports.paystub.records import PaystubView
from reports.paystub.builder import paystub_from_dict

FIRST = ["Maria", "James", "Aisha", "Wei", "Olga", "Carlos", "Priya", "Tom", "Fatima", "Kenji"]
LAST = ["Gonzalez", "Smith", "Okafor", "Zhang", "Petrova", "Rivera", "Shah", "Brown", "Haddad", "Sato"]
STATES = [("CO", "Colorado"), ("CA", "California"), ("NY", "New York"), ("IL", "Illinois"), ("GA", "Georgia")]


def synthetic_paystub(i: int) -> PaystubView:
    """A realistic biweekly W-2 stub whose figures add up (varied per i so no two PDFs are the same)."""
    rate = Decimal("18.00") + Decimal(i % 40) * Decimal("0.75")
    hours = Decimal(72 + i % 9)
    ot_hours = Decimal(i % 6)
    periods_before = 20 + i % 4
    earnings = [("Regular", hours, rate), ("Overtime", ot_hours, rate * Decimal("1.5"))]
    if i % 3 == 0:
        earnings.append(("Holiday", Decimal(8), rate))
    lines = [(d, h, r, round_cents(h * r)) for d, h, r in earnings]
    gross = sum((a for *_, a in lines), Decimal("0.00"))
    k401 = round_cents(gross * Decimal("0.05"))
    medical = Decimal("62.50")
    taxable = gross - k401 - medical
    state_code, state_name = STATES[i % len(STATES)]
    taxes = [("Federal income tax", round_cents(taxable * Decimal("0.09"))),
             ("Social Security", round_cents((gross - medical) * Decimal("0.062"))),
             ("Medicare", round_cents((gross - medical) * Decimal("0.0145"))),
             (f"{state_name} income tax", round_cents(taxable * Decimal("0.04")))]
    if state_code == "CA":
        taxes.append(("California SDI", round_cents(gross * Decimal("0.012"))))
    roth = Decimal("20.00")
    pre = [("401(k)", k401), ("Medical (pooled plan)", medical)]
    post = [("Roth 401(k)", roth)]
    net = gross - sum(a for _, a in taxes) - k401 - medical - roth
    n = periods_before + 1

    def amount_lines(items):
        return [{"description": d, "current": a, "ytd": a * n} for d, a in items]

    primary = round_cents(net * Decimal("0.8"))
    data = {
        "paycheck_id": 100000 + i, "check_number": f"{200000 + i}",
        "agency": {"legal_name": "Tandem Staffing Partners LLC", "ein": "84-1234567",
                   "address": {"line1": "200 Market Street", "line2": "Suite 400", "city": "Denver",
                               "state": "CO", "postal_code": "80202"}},
        "worker": {"name": f"{FIRST[i % 10]} {LAST[(i // 10) % 10]}", "worker_id": f"W-{i:06d}",
                   "ssn": f"{i % 1000:03d}-55-{1000 + i % 9000:04d}",
                   "address": {"line1": f"{100 + i} Elm Street", "city": "Springfield", "state": state_code,
                               "postal_code": f"{10000 + i % 89999:05d}"}},
        "client_name": f"Client Company {i % 37}", "worker_type": "w2",
        "period_start": "2026-11-02", "period_end": "2026-11-15", "pay_date": "2026-11-20",
        "earnings": [{"description": d, "hours": h, "rate": r, "current": a, "ytd": a * n} for d, h, r, a in lines],
        "employee_taxes": amount_lines(taxes),
        "pre_tax_deductions": amount_lines(pre),
        "post_tax_deductions": amount_lines(post),
        "employer_contributions": amount_lines([("Social Security", taxes[1][1]), ("Medicare", taxes[2][1]),
                                                ("FUTA", round_cents(gross * Decimal("0.006"))),
                                                ("401(k) match", round_cents(k401 / 2))]),
        "gross": {"current": gross, "ytd": gross * n},
        "net": {"current": net, "ytd": net * n},
        "deposits": [{"bank_name": "First National Bank", "account_type": "Checking",
                      "account_number": f"00{i:08d}", "amount": primary},
                     {"bank_name": "Credit Union", "account_type": "Savings",
                      "account_number": f"77{i:06d}", "amount": net - primary}],
    }
    return paystub_from_dict(data)


def _cpu_seconds() -> float:
    """CPU time of this process and its finished children (pool workers are reaped when the pool closes)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _run_once(render_paystubs, views, processes: int) -> tuple[float, float, int]:
    """One timed pass: (wall seconds, CPU seconds, total PDF bytes)."""
    cpu_before = _cpu_seconds()
    start = time.perf_counter()
    total_bytes = 0
    keys = []
    for key, pdf in render_paystubs(views, processes=processes):
        total_bytes += len(pdf)
        keys.append(key)
    elapsed = time.perf_counter() - start
    assert keys == [v.key for v in views], "bulk rendering must keep the input order"
    return elapsed, _cpu_seconds() - cpu_before, total_bytes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--repeat", type=int, default=1, help="timed passes per process count (best is kept)")
    parser.add_argument("--target", type=float, default=40.0, help="PDFs per second to beat (issue 18: 40 on 2 cores)")
    args = parser.parse_args(argv)

    from reports.pdf import render_paystubs  # imported here so the import time is not counted below

    views = [synthetic_paystub(i) for i in range(args.count)]
    print(f"{args.count} one-page paystubs (synthetic biweekly W-2 stubs, 2-3 earnings, 4-5 taxes); "
          f"{os.cpu_count()} CPUs")
    cpu_per_pdf = []
    for processes in args.processes:
        rates = []
        for _ in range(args.repeat):
            load = os.getloadavg()[0]
            elapsed, cpu, total_bytes = _run_once(render_paystubs, views, processes)
            rates.append(args.count / elapsed)
            cpu_per_pdf.append(cpu / args.count)
            print(f"  processes={processes}: {args.count} PDFs in {elapsed:.2f} s = {rates[-1]:.1f} PDFs/s; "
                  f"{cpu / args.count * 1000:.0f} ms CPU per PDF; avg {total_bytes / args.count / 1024:.1f} KiB "
                  f"per PDF (1-min load average before the pass: {load:.2f})", flush=True)
        best = max(rates)
        verdict = "meets" if best >= args.target else "below"
        print(f"processes={processes}: best {best:.1f} PDFs/s, median {statistics.median(rates):.1f} "
              f"({verdict} the {args.target:g}/s target)", flush=True)
    cores = min(os.cpu_count() or 1, max(args.processes))
    best_cpu = min(cpu_per_pdf)
    print(f"capacity by CPU time: {cores} cores / {best_cpu * 1000:.0f} ms per PDF (best pass) = "
          f"{cores / best_cpu:.1f} PDFs/s ({'meets' if cores / best_cpu >= args.target else 'below'} the "
          f"{args.target:g}/s target; wall-clock rates above depend on how much of the cores is free)")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    peak_children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak RSS: parent {peak:.0f} MiB, largest child {peak_children:.0f} MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
