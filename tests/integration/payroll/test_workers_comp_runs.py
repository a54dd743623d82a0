"""Workers' compensation in payroll runs: the premium each paycheck accrues per engagement, its ledger lines, the
rate in force by pay date, reversals and the rate table's history. Figures by hand in each docstring."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from backoffice.errors import DomainError, ValidationFailed
from tests.integration.payroll.conftest import WEEK1, assert_ledger_balanced

SOURCE = "illustrative test rate"


def _rate(world, state="TX", code="7219", rate="6.50", start="2026-01-01"):
    from payroll.services import workers_comp

    return workers_comp.add_rate({"state": state, "class_code": code, "description": "Trucking NOC",
                                  "rate_per_100": rate, "effective_from": start, "source": SOURCE}, world.hr)


def _classed(db, engagement, code="7219"):
    engagement.wc_class_code = code
    db.session.commit()
    return engagement


def _paycheck(db, run_id, engagement_id):
    from payroll.models import Paycheck

    return db.session.execute(sa.select(Paycheck).where(Paycheck.run_id == run_id,
                                                        Paycheck.engagement_id == engagement_id)).scalar_one()


def _calculated(db, world, day=WEEK1):
    from payroll.services import runs

    run = world.regular_run(day)
    runs.start_calculation(run.id, world.hr)
    db.session.expire_all()
    assert run.state == "calculated"
    return run


def test_a_paycheck_with_overtime_accrues_premium_on_straight_time_and_posts_6400_and_2600(db, world):
    """TX driver, 45 h at $25.00: straight time 45 × 25 = 1,125.00 plus the overtime premium 5 × 12.50 = 62.50
    (gross 1,187.50). Texas follows the NCCI rule: the 62.50 is excluded; premium = 1,125.00 × 6.50 ÷ 100
    = 73.125 → 73.13. The payroll entry debits 6400 and credits 2600 by 73.13 and still balances."""
    from payroll.models_workers_comp import WorkersCompPremium
    from payroll.services.workers_comp import premiums_for

    _rate(world)
    emp = _classed(db, world.worker(state="TX", rate="25.00"))
    world.time(emp, hours=(9, 9, 9, 9, 9, 0, 0))
    run = _calculated(db, world)
    p = _paycheck(db, run.id, emp.id)
    assert p.gross == Decimal("1187.50")
    assert premiums_for([p.id]) == {(p.id, emp.id): Decimal("73.13")}
    row = db.session.execute(sa.select(WorkersCompPremium)).scalar_one()
    assert (row.state, row.class_code, row.wages, row.overtime_excluded, row.rate_per_100, row.pay_date) == (
        "TX", "7219", Decimal("1125.00"), Decimal("62.50"), Decimal("6.5000"), date(2026, 11, 13))
    tb = assert_ledger_balanced()
    assert tb["accounts"]["6400"] == Decimal("73.13")
    assert tb["accounts"]["2600"] == Decimal("-73.13")
    assert tb["accounts"]["6100"] == Decimal("1187.50")       # wages unchanged by the premium


def test_a_rate_change_mid_year_prices_each_run_by_its_pay_date(db, world):
    """6.50 from 1 Jan 2026; 7.00 from 16 Nov 2026 (the old rate is closed on the 15th). 40 h × $25 = 1,000.00 a
    week: the run paid 13 Nov accrues 1,000 × 6.50 ÷ 100 = 65.00; the run paid 20 Nov 1,000 × 7.00 ÷ 100 = 70.00."""
    from payroll.services import workers_comp

    first = _rate(world)
    second = _rate(world, rate="7.00", start="2026-11-16")
    db.session.expire_all()
    assert first.effective_to == date(2026, 11, 15) and second.effective_to is None
    emp = _classed(db, world.worker(state="TX", rate="25.00"))
    world.time(emp)
    world.time(emp, week=WEEK1 + timedelta(days=7))
    run1 = _calculated(db, world)
    run2 = _calculated(db, world, WEEK1 + timedelta(days=7))
    assert run2.pay_date == date(2026, 11, 20)
    p1, p2 = _paycheck(db, run1.id, emp.id), _paycheck(db, run2.id, emp.id)
    assert workers_comp.premiums_for([p1.id, p2.id]) == {(p1.id, emp.id): Decimal("65.00"),
                                                         (p2.id, emp.id): Decimal("70.00")}
    assert [r.rate_per_100 for r in workers_comp.class_history("TX", "7219")] == [Decimal("6.50"), Decimal("7.00")]


def test_a_rate_that_priced_pay_is_never_overwritten(db, world):
    """Once the 6.50 rate priced the run paid 13 Nov, its figure and start are history: editing them is refused,
    and so is a new rate starting on or before that pay date; a new rate from 14 Nov closes it on the 13th."""
    from payroll.services import workers_comp

    rate = _rate(world)
    emp = _classed(db, world.worker(state="TX", rate="25.00"))
    world.time(emp)
    _calculated(db, world)
    with pytest.raises(ValidationFailed) as refused:
        workers_comp.update_rate(rate.id, {"rate_per_100": "5.00"}, world.hr)
    assert [i.field for i in refused.value.issues] == ["rate_per_100"]
    with pytest.raises(DomainError, match="priced pay dated 2026-11-13"):
        _rate(world, rate="5.00", start="2026-11-13")
    db.session.rollback()
    with pytest.raises(DomainError):
        workers_comp.delete_rate(rate.id, world.hr)
    _rate(world, rate="5.00", start="2026-11-14")
    db.session.expire_all()
    assert workers_comp.class_history("TX", "7219")[0].effective_to == date(2026, 11, 13)


def test_a_reversal_writes_the_negated_premium_and_the_ledger_nets_to_zero(db, world):
    """40 h × $25 = 1,000.00 at 6.50: 65.00. Reversing the run writes -65.00 on the reversal paycheck, dated the
    reversal; 6400 nets to 0.00 and the ledger stays balanced."""
    from payroll.services import corrections
    from payroll.services.workers_comp import premiums_for

    _rate(world)
    emp = _classed(db, world.worker(state="TX", rate="25.00"))
    world.time(emp)
    run = _calculated(db, world)
    orig = _paycheck(db, run.id, emp.id)
    rev_run = corrections.reverse_run(run.id, world.hr, "wrong hours", on=date(2026, 11, 20))
    rev = _paycheck(db, rev_run.id, emp.id)
    assert rev.reverses_id == orig.id
    assert premiums_for([orig.id, rev.id]) == {(orig.id, emp.id): Decimal("65.00"),
                                               (rev.id, emp.id): Decimal("-65.00")}
    tb = assert_ledger_balanced()
    assert tb["accounts"]["6400"] == Decimal("0.00") and tb["accounts"]["2600"] == Decimal("0.00")


def test_contractors_accrue_no_premium_and_an_engagement_without_a_class_code_is_a_warning(db, world):
    """A 1099 contractor with a class code accrues nothing (workers' comp covers employees); an employee without
    a class code is paid in full, accrues nothing, and the run notes it (a warning, not a hold)."""
    from payroll.models_workers_comp import WorkersCompPremium
    from payroll.services import runs

    _rate(world)
    con = _classed(db, world.worker(kind="contractor", state="TX", rate="40.00"))
    bare = world.worker(state="TX", rate="25.00")
    world.time(con)
    world.time(bare)
    run = world.regular_run()
    notes = {(e.engagement_id, e.code): (e.action, e.held, e.message) for e in runs.paycheck_exceptions(run.id)}
    assert notes[(bare.id, "no_wc_class")][:2] == ("note", False)
    assert "engagement without a workers' comp class code" in notes[(bare.id, "no_wc_class")][2]
    assert (con.id, "no_wc_class") not in notes
    runs.start_calculation(run.id, world.hr)
    db.session.expire_all()
    assert run.state == "calculated"
    assert _paycheck(db, run.id, bare.id).gross == Decimal("1000.00")
    assert db.session.execute(sa.select(sa.func.count()).select_from(WorkersCompPremium)).scalar() == 0
    assert "6400" not in assert_ledger_balanced()["accounts"]


def test_a_class_code_without_a_rate_on_the_pay_date_is_noted(db, world):
    """Class 8810 has no TX rate: the run says so (note) and nothing accrues for it."""
    from payroll.services import runs

    _rate(world)
    emp = _classed(db, world.worker(state="TX"), "8810")
    world.time(emp)
    run = world.regular_run()
    codes = {(e.engagement_id, e.code) for e in runs.paycheck_exceptions(run.id)}
    assert (emp.id, "no_wc_rate") in codes


def test_the_rate_table_refuses_overlaps_wrong_bases_and_a_missing_source(db, world):
    """Every wrong field at once; WA takes a rate per hour (its premium basis), not per $100."""
    from payroll.services import workers_comp

    with pytest.raises(ValidationFailed) as refused:
        workers_comp.add_rate({"state": "WA", "class_code": "x", "rate_per_100": "1.00", "effective_from": "2026-01-01",
                               "source": ""}, world.hr)
    assert {i.field for i in refused.value.issues} == {"class_code", "source", "rate_per_100", "rate_per_hour"}
    _rate(world, start="2026-01-01")
    with pytest.raises(ValidationFailed) as refused:
        workers_comp.add_rate({"state": "TX", "class_code": "7219", "rate_per_100": "6.00",
                               "effective_from": "2026-03-01", "effective_to": "2026-04-30", "source": SOURCE},
                              world.hr)
    assert refused.value.issues[0].code == "overlap"


def test_the_seed_file_loads_once_and_names_a_source_for_every_row(db, world):
    from payroll.models_workers_comp import WorkersCompClass
    from payroll.services import workers_comp

    n = workers_comp.seed_rates()
    assert n == len(workers_comp.read_seed()) > 400
    assert workers_comp.seed_rates() == 0
    assert db.session.execute(sa.select(sa.func.count()).select_from(WorkersCompClass)
                              .where(WorkersCompClass.source == "")).scalar() == 0
    in_force = workers_comp.rates_in_force(date(2026, 11, 13), "WA")
    assert in_force and all(r.basis == "hours" and r.rate_per_hour is not None for r in in_force)
