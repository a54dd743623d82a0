"""Benchmark: the margin frames (reports/agency_frames.py) on 100,000 synthetic paychecks, one in ten paying two
engagements, and 100,000 invoice lines: the cost split exact to the cent, then margin by client/month and by
worker/quarter. Pure pandas, no database: the queries are a fixed number of set-based reads.

Run: PYTHONPATH=. .venv/bin/python bench/bench_margins.py"""
import time
import numpy as np, pandas as pd
from reports import agency_frames as af
n = 100_000
rng = np.random.default_rng(1)
days = pd.date_range("2026-01-02", periods=52, freq="7D").strftime("%Y-%m-%d").to_numpy()
pc = pd.DataFrame({"paycheck_id": np.arange(n), "pay_date": days[rng.integers(0, 52, n)],
                   "worker_id": rng.integers(0, 10_000, n), "worker": "W", "worker_type": np.where(rng.random(n) < .8, "employee", "contractor"),
                   "engagement_id": pd.array(np.arange(n) % 12_000, dtype="Int64"), "client_id": pd.array(np.arange(n) % 200, dtype="Int64"),
                   "client": "C", "work_state": "TX", "gross": rng.integers(20_000, 300_000, n), "employer_taxes": rng.integers(0, 30_000, n),
                   "benefits": rng.integers(0, 20_000, n)})
multi = n // 10          # one paycheck in ten pays two engagements
ea = pd.DataFrame({"paycheck_id": np.concatenate([np.arange(n), np.arange(multi)]),
                   "engagement_id": pd.array(np.concatenate([np.arange(n) % 12_000, 50_000 + np.arange(multi)]), dtype="Int64"),
                   "client_id": pd.array(np.concatenate([np.arange(n) % 200, (np.arange(multi) + 7) % 200]), dtype="Int64"),
                   "client": "C", "state": "TX", "amount": rng.integers(1_000, 100_000, n + multi)})
rev = pd.DataFrame({"issue_date": days[rng.integers(0, 52, n)], "invoice_id": np.arange(n), "client_id": np.arange(n) % 200, "client": "C",
                    "worker_id": rng.integers(0, 10_000, n), "worker": "W", "state": "TX", "revenue": rng.integers(30_000, 400_000, n)})
t = time.perf_counter(); rows = af.cost_rows(pc, ea); t1 = time.perf_counter()
m = af.gross_margin(rows, rev, group="client", grain="month"); t2 = time.perf_counter()
w = af.gross_margin(rows, rev, group="worker", grain="quarter"); t3 = time.perf_counter()
assert rows["wages"].sum() + rows["contractor_pay"].sum() == pc["gross"].sum()
print(f"cost_rows {n:,} paychecks ({len(rows):,} rows): {t1-t:.2f} s; margin by client/month ({len(m):,} rows): {t2-t1:.2f} s; by worker/quarter ({len(w):,} rows): {t3-t2:.2f} s")
