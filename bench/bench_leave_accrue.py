"""Benchmark: the pure sick-leave engine's `accrue`, 20,000 inputs of 10 days in 12 jurisdictions, CPU time (best of
three; process_time, so other processes on the machine do not count). Run from a worktree:
    PYTHONPATH=$PWD .venv/bin/python bench/bench_leave_accrue.py LABEL
Prints the CPU seconds and the sum accrued (identical before and after a change to the engine's speed)."""
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from backoffice.leave.engine import AccrualInput, accrue, load_laws
codes = ["CA", "NY", "CO", "WA", "IL", "CHICAGO", "NYC", "SEATTLE", "SF", "NE", "CT", "PHILADELPHIA"]
load_laws()
inputs = [AccrualInput(jurisdiction=codes[i % len(codes)], employer_size=150, hire_date=date(2025, 3, 2),
                       policy_year_start=date(2026, 1, 1), balance_before=Decimal("12"),
                       accrued_this_year_before=Decimal("6"), used_this_year_before=Decimal("0"),
                       hours=tuple((date(2026, 11, 2) + timedelta(days=d), Decimal("8")) for d in range(10)))
          for i in range(20000)]
best = None
for _ in range(3):
    t = time.process_time()
    out = [accrue(x) for x in inputs]
    dt = time.process_time() - t
    best = dt if best is None else min(best, dt)
print(f"{sys.argv[1]}: 20,000 accrue calls (10 days each, 12 jurisdictions): best of 3 CPU {best:.2f} s; "
      f"sum accrued {sum(o.accrued for o in out)}")
