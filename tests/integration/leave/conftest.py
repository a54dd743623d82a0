"""Paid-leave fixtures: the payroll tests' small agency (weekly schedule from Monday 2 November 2026, pay five days
after the period) and a helper that takes a regular run from draft to paid through the payroll services."""
from __future__ import annotations

import pytest

from tests.integration.payroll.conftest import NOW, SETTLES, World


@pytest.fixture
def world(db, make_user):
    return World(db, make_user)


def pay_run(world, day):
    """A regular run of the week containing `day`: calculated (hr), approved (hr2: four eyes), put in a NACHA
    file and marked paid (finance); payroll's RUN_APPROVED hook accrues the leave at approval."""
    from payroll.services import payments, runs

    run = world.regular_run(day)
    runs.start_calculation(run.id, world.hr)
    runs.approve_run(run.id, world.hr2)
    payments.generate_nacha(run.id, world.finance, now=NOW, effective_date=SETTLES)
    return runs.mark_paid(run.id, world.finance)
