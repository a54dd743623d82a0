"""The agency's size in a state (its state registration's employer_size) reaches the run: Paid Leave Oregon's
employer part is owed only by employers of 25 or more (ORS 657B.150)."""
from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa

from tests.integration.payroll.conftest import WEEK1


def _program_lines(db, run_id: int) -> dict[str, Decimal]:
    from payroll.models import Paycheck, PaycheckLine

    rows = db.session.execute(sa.select(PaycheckLine.code, PaycheckLine.amount)
                              .join(Paycheck, Paycheck.id == PaycheckLine.paycheck_id)
                              .where(Paycheck.run_id == run_id, PaycheckLine.code.like("state_pfml%"))).all()
    return {code: amount for code, amount in rows}


def _oregon_run(world, db, size):
    from backoffice.workers.models import StateRegistration
    from payroll.services import runs

    db.session.add(StateRegistration(agency_id=world.agency.id, state="OR", suta_rate=Decimal("0.024"),
                                     employer_size=size))
    e = world.worker(state="OR", rate="25.00")
    db.session.flush()
    world.time(e, week=WEEK1)
    run = world.regular_run(WEEK1)
    runs.start_calculation(run.id, world.hr)
    db.session.expire_all()
    return run


def test_a_small_oregon_employer_owes_no_employer_part(world, db, fixed_clock):
    """40 h x $25.00 = $1,000.00; the agency has 12 employees in Oregon: the worker's 0.6% = $6.00, the employer's
    part $0.00; the stored input says the size it was computed with."""
    from payroll.models import Paycheck

    run = _oregon_run(world, db, 12)
    assert _program_lines(db, run.id) == {"state_pfml": Decimal("6.00")}      # a zero line is not stored
    [inputs] = db.session.execute(sa.select(Paycheck.inputs).where(Paycheck.run_id == run.id)).scalars().all()
    assert inputs["engine"]["employer_size"] == {"OR": 12}


def test_a_size_not_recorded_pays_the_employer_part(world, db, fixed_clock):
    """The same week without a recorded size: the employer's 0.4% = $4.00, as for an employer of 25 or more."""
    run = _oregon_run(world, db, None)
    assert _program_lines(db, run.id) == {"state_pfml": Decimal("6.00"), "state_pfml_employer": Decimal("4.00")}


def test_the_database_refuses_a_negative_size(db):
    import pytest
    from sqlalchemy.exc import IntegrityError

    from backoffice.workers.models import StateRegistration
    from tests.factories import AgencyFactory

    agency = AgencyFactory()
    db.session.add(StateRegistration(agency_id=agency.id, state="WA", suta_rate=Decimal("0.01"), employer_size=-1))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
