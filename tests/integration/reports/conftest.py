"""Report fixtures: a calculated run built through the payroll services, and a billed week (figures in the
docstrings)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tests.integration.billing.conftest import ISSUED, BillingWorld
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


@pytest.fixture
def billed(db, make_user):
    """Week of 2 Nov 2026 (pay date Fri 13 Nov), TX (SUTA 2.7%), workers' comp class 7219 at $6.50 per $100:
    Ann, leased, 45 h at $25.00, bill rate $40.00 → gross 1,125.00 + overtime premium 62.50 = 1,187.50;
         employer Social Security 6.2% 73.63, Medicare 1.45% 17.22, FUTA 0.6% 7.13, SUTA 32.06 = 130.04;
         workers' comp on straight time 1,125.00 × 6.50 / 100 = 73.13 (the overtime premium is excluded);
         billed 40 h × 40.00 = 1,600.00 + 5 overtime h × 60.00 (1.5 × 40) = 300.00 = 1,900.00.
    Cy, contractor, 30 h at $40.00, bill rate $60.00 → contractor pay 1,200.00; billed 30 × 60 = 1,800.00.
    The invoice (INV-000001) is issued Mon 16 Nov: revenue 3,700.00.
    Cost 1,187.50 + 1,200.00 + 130.04 + 0 benefits + 73.13 = 2,590.67; margin 3,700.00 − 2,590.67 = 1,109.33,
    30.0% of revenue (29.98)."""
    from backoffice.billing.services.invoicing import create_invoices
    from payroll.services import workers_comp

    world = BillingWorld(db, make_user)
    workers_comp.add_rate({"state": "TX", "class_code": "7219", "description": "Trucking NOC",
                           "rate_per_100": "6.50", "effective_from": "2026-01-01", "source": "illustrative"},
                          world.hr)
    ann = world.worker(state="TX", rate="25.00")
    ann.bill_rate, ann.wc_class_code = Decimal("40.00"), "7219"
    cy = world.worker(kind="contractor", state="TX", rate="40.00")
    cy.bill_rate = Decimal("60.00")
    db.session.commit()
    world.time(ann, hours=(9, 9, 9, 9, 9, 0, 0))
    world.time(cy, hours=(6, 6, 6, 6, 6, 0, 0))
    world.approved_run()
    [invoice] = create_invoices(date(2026, 11, 8), None, issue_date=ISSUED, issue=True).invoices
    return {"world": world, "ann": ann, "cy": cy, "invoice": invoice}


from tests.integration.payroll.conftest import celery_worker_factory, wait_for  # noqa: E402,F401 (shared fixture)
