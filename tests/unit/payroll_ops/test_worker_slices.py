"""calc.worker_slices: a chunk's paychecks in parts of about SLICE, a worker's two (W-2 and 1099) never split."""
from __future__ import annotations

from types import SimpleNamespace

from payroll.services.calc import worker_slices


def _ctx(keys):
    return SimpleNamespace(by_worker=lambda: [(k, [f"engagement of {k}"]) for k in keys])


def test_slices_hold_about_size_paychecks_and_keep_a_workers_two_together():
    """Size 2 over workers 1 (W-2), 2 (W-2 and 1099), 3 (1099), 4 (W-2 and 1099), 5 (W-2): a slice closes once it
    holds 2 paychecks and the next belongs to another worker — [1, 2e] is full, but 2c is worker 2's and joins it;
    [3c, 4e] is full, 4c joins it; [5] is what is left."""
    keys = [(1, "employee"), (2, "employee"), (2, "contractor"), (3, "contractor"), (4, "employee"),
            (4, "contractor"), (5, "employee")]
    parts = worker_slices(_ctx(keys), 2)
    assert [[k for k, _ in p] for p in parts] == [[(1, "employee"), (2, "employee"), (2, "contractor")],
                                                  [(3, "contractor"), (4, "employee"), (4, "contractor")],
                                                  [(5, "employee")]]
    assert [k for p in parts for k, _ in p] == keys


def test_no_paychecks_make_no_slices():
    assert worker_slices(_ctx([]), 100) == []
