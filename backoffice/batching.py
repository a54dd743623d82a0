"""Running one large bounded batch (a payroll run's chunk, approval, a list of quotes) without the cyclic garbage
collector's repeated walks over everything the process holds."""
from __future__ import annotations

import gc
from contextlib import contextmanager


@contextmanager
def gc_paused():
    """The cyclic garbage collector off for one bounded batch: reference counting still frees every object that is
    not in a cycle, and the collector runs again at the end (also when the batch fails).

    Why: a batch allocates millions of small tuples, dicts and records that all die young, and every 700 of them
    start a collection that walks the young objects, and now and then every object the process holds (the app,
    the chunk's rows, the results kept for the COPY). Measured on 20,000 workers (bench/bench_run_calc.py, CPU):
    0.36 ms a worker with the collector on, 0.22 ms with it off, the same results; approving 20,000 paychecks took
    0.45 s of CPU in the approving process with it on, 0.14 s with it off (docs/benchmarks.md, "Session 10").
    Cycles made inside the batch (few: the ORM's, an exception's traceback) wait for the next collection after it,
    so memory stays bounded by one batch: do not wrap an unbounded stream.

    The switch is process-wide: with two batches at once in two threads, the one that turned the collector off
    turns it back on when it ends (the other then runs with it on: slower, never wrong); it is never left off."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
