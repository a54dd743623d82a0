"""CPU time of 3,000 paycheck quotes (TX, UT, CO) in this tree: what period dating and head taxes cost the engine.

    PYTHONPATH=$PWD .venv/bin/python bench/bench_quote_period_dating.py <label>
"""
import sys, time
from payroll.engine.quote import quote
base = {"pay_date": "2026-11-13", "pay_frequency": "weekly", "worker_type": "employee",
        "earnings": [{"code": "regular", "hours": "40", "rate": "25.00"}], "w4": {"version": 2020, "filing_status": "single"}}
reqs = []
for i in range(1000):
    reqs.append({**base, "work_state": "TX", "residence_state": "TX"})
    reqs.append({**base, "work_state": "UT", "residence_state": "UT"})
    reqs.append({**base, "work_state": "CO", "residence_state": "CO"})
quote(reqs[:30], explain=False)
t = time.process_time()
for _ in range(3):
    quote(reqs, explain=False)
print(f"{sys.argv[1]}: 3 x 3,000 quotes, CPU {time.process_time() - t:.2f} s")
