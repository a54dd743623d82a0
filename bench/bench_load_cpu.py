"""Benchmark: bench_load's in-process CPU per request kind (`cpu_per_request`: app CPU, PostgreSQL CPU, SQL
statements) for this checkout, with the garbage collector's full passes out of the timing — the app is collected
and frozen once built (gc.collect(); gc.freeze()), as a server process does after start-up — so a kind is not
charged the first full collection of the freshly built app (in bench_load's own run that lands on the portal home).

Run against a database bench_load seeded (`bench_load.py --url URL --profile 20 --profile-only` once), from the
checkout to measure (another worktree for a side by side):
    .venv/bin/python bench/bench_load_cpu.py URL PORTAL_EMAIL [N]
Timing stays out of the tests. docs/benchmarks.md, "Session 14 (issue 18): point 5 — CPU per request"."""
import gc
import os
import sys

sys.path.insert(0, os.getcwd())                     # the checkout to measure is the current directory
sys.path.insert(0, os.path.join(os.getcwd(), "bench"))
import bench_load  # noqa: E402
import backoffice.app as app_module  # noqa: E402

url, email = sys.argv[1], sys.argv[2]
repeat = int(sys.argv[3]) if len(sys.argv) > 3 else 40
_create_app = app_module.create_app


def _created_then_frozen(*args, **kwargs):
    app = _create_app(*args, **kwargs)
    gc.collect()
    gc.freeze()
    return app


app_module.create_app = _created_then_frozen
bench_load.cpu_per_request(url, bench_load._env(url), email, repeat)
