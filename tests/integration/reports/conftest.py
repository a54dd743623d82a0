"""Finance-export fixtures: a calculated run built through the payroll services (figures in the docstring)."""
from __future__ import annotations

import pytest

from tests.integration.payroll.conftest import World


@pytest.fixture
def world(db, make_user):
    return World(db, make_user)


@pytest.fixture
def calculated_run(db, world):
    """Week of 2 Nov 2026 (weekly schedule, pay date Fri 13 Nov), TX, agency SUTA rate 2.7%:
    Ann: 45 h at $25.00 -> straight time 45 × 25 = 1,125.00 + overtime premium 5 × 12.50 = 62.50 = gross 1,187.50;
         Social Security 6.2% = 73.63 (73.625), Medicare 1.45% = 17.22 (17.21875), both also owed by the employer;
         FUTA 0.6% = 7.13 (7.125); TX SUTA 2.7% = 32.06 (32.0625).
    Bo:  40 h at $20.00 -> regular 800.00; Social Security 49.60, Medicare 11.60 (each side); FUTA 4.80;
         TX SUTA 21.60.
    Cy (contractor, TIN on file): 30 h at $40.00 -> 1,200.00, nothing withheld.
    Totals: gross 3,187.50; Social Security 73.63 + 49.60 = 123.23 a side; Medicare 17.22 + 11.60 = 28.82 a side;
    FUTA 11.93; TX SUTA 53.66."""
    from payroll.services import runs

    ann = world.worker(state="TX", rate="25.00")
    bo = world.worker(state="TX", rate="20.00")
    cy = world.worker(kind="contractor", state="TX", rate="40.00")
    world.time(ann, hours=(9, 9, 9, 9, 9, 0, 0))
    world.time(bo, hours=(8, 8, 8, 8, 8, 0, 0))
    world.time(cy, hours=(6, 6, 6, 6, 6, 0, 0))
    run = world.regular_run()
    runs.start_calculation(run.id, world.hr)
    db.session.expire_all()
    assert run.state == "calculated"
    return {"run": run, "ann": ann, "bo": bo, "cy": cy, "world": world}


from tests.integration.payroll.conftest import celery_worker_factory, wait_for  # noqa: E402,F401 (shared fixture)
