"""Billing fixtures: payroll's small agency (tests/integration/payroll/conftest.py) with runs approved, so their
time and paychecks are billable."""
from __future__ import annotations

from datetime import date

import pytest

from tests.integration.payroll.conftest import WEEK1, World

ISSUED = date(2026, 11, 16)          # the Monday after WEEK1's pay date (Nov 13): invoices are issued then


class BillingWorld(World):
    def approved_run(self, day: date = WEEK1):
        """A regular run for the week holding `day`, calculated and approved (by someone who entered nothing)."""
        from backoffice.extensions import db
        from payroll.services import runs

        run = self.regular_run(day)
        runs.start_calculation(run.id, self.hr)
        runs.approve_run(run.id, self.hr2)
        db.session.expire_all()
        return run


@pytest.fixture
def world(db, make_user):
    return BillingWorld(db, make_user)
