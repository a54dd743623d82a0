"""seed-demo leaves a paid run and a calculated one; retro pay; off-cycle bonus; timesheet rules."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from backoffice.errors import DomainError, ValidationFailed
from tests.integration.payroll.conftest import WEEK1, assert_ledger_balanced


def test_seed_demo_leaves_one_paid_and_one_calculated_unapproved_run(db, monkeypatch):
    import importlib

    from backoffice.workers.demo import seed_demo
    from payroll.models import Paycheck, PayrollRun

    for pkg in ("benefits", "compliance", "backoffice.onboarding"):   # only the payroll part is tested here
        try:
            module = importlib.import_module(f"{pkg}.demo")
        except ModuleNotFoundError:
            continue
        if hasattr(module, "seed"):          # compliance's demo has only a history step (seed-demo --history)
            monkeypatch.setattr(module, "seed", lambda rng, today: [])

    lines = seed_demo(n_workers=60, today=date(2026, 11, 22))
    assert any(line.startswith("payroll: run #") for line in lines)
    states = db.session.execute(sa.select(PayrollRun.state, PayrollRun.approved_by_id, PayrollRun.paycheck_count)
                                .order_by(PayrollRun.id)).all()
    assert [(s, a is not None) for s, a, _n in states] == [("paid", True), ("calculated", False)]
    assert all(n > 0 for *_x, n in states)
    from payroll.models_ledger import NachaFile     # the paid run's file went to the bank in time: pay date

    nacha = db.session.execute(sa.select(NachaFile)).scalar_one()
    assert nacha.effective_date == db.session.get(PayrollRun, nacha.run_id).pay_date
    assert nacha.content.splitlines()[1][69:75] == nacha.effective_date.strftime("%y%m%d")
    assert db.session.execute(sa.select(sa.func.count()).select_from(Paycheck)).scalar() == sum(n for *_x, n in states)
    # the PA resident working in NJ with NJ-165 on file: PA tax withheld, no NJ income tax, NJ's worker contribution
    assert any(line.startswith("payroll: worker #") and "NJ-165" in line for line in lines)
    from payroll.models import PaycheckLine

    commuter = [p for p in db.session.execute(sa.select(Paycheck)).scalars()
                if (p.inputs["engine"].get("work_state"), p.inputs["engine"].get("residence_state")) == ("NJ", "PA")]
    assert commuter
    for p in commuter:
        taxes = {(ln.code, ln.state): ln.amount for ln in db.session.execute(
            sa.select(PaycheckLine).where(PaycheckLine.paycheck_id == p.id, PaycheckLine.kind == "employee_tax"))
            .scalars()}
        assert taxes[("state_income_tax", "PA")] > 0 and taxes.get(("state_income_tax", "NJ"), 0) == 0
        assert taxes[("state_unemployment_employee", "NJ")] > 0
    # the Columbus worker in school district 2502: state, city and school district lines on every paycheck
    assert any("school district 2502" in line for line in lines)
    columbus = [p for p in db.session.execute(sa.select(Paycheck)).scalars()
                if (p.inputs["engine"].get("residence_locality") or {}).get("school_district") == "2502"]
    assert columbus
    for p in columbus:
        local = {(ln.code, ln.state, ln.locality) for ln in db.session.execute(sa.select(PaycheckLine).where(
            PaycheckLine.paycheck_id == p.id, PaycheckLine.kind == "employee_tax", PaycheckLine.amount > 0)).scalars()}
        assert {("state_income_tax", "OH", ""), ("local_income_tax", "OH", "OH-COLUMBUS"),
                ("school_district_tax", "OH", "OH-SD-2502")} <= local
    # one correction of each kind waits for someone: a reversal request, a paper check, a retro to confirm
    from payroll.models import EngagementRate, ReversalRequest
    from payroll.models_ledger import Payment

    assert db.session.execute(sa.select(ReversalRequest.status)).scalars().all() == ["open"]
    assert db.session.execute(sa.select(Payment.check_number).where(Payment.method == "check")).scalars().all() == [
        "100001"]
    (change,) = db.session.execute(sa.select(EngagementRate)).scalars().all()
    assert change.retro_status == "pending" and change.retro_amount > 0
    assert_ledger_balanced()
    # the money loop: the quarter's deposits, one paid and the rest due; one return file with an R01 and a C01
    from payroll.models_ledger import Payment
    from payroll.models_money import BankFileEntry, TaxDeposit

    statuses = db.session.execute(sa.select(TaxDeposit.status).order_by(TaxDeposit.id)).scalars().all()
    assert statuses[0] == "paid" and "due" in statuses[1:]
    assert sorted(db.session.execute(sa.select(BankFileEntry.code, BankFileEntry.outcome)).all()) == [
        ("C01", "noc_applied"), ("R01", "returned")]
    assert db.session.execute(sa.select(sa.func.count()).select_from(Payment)
                              .where(Payment.status == "returned")).scalar() == 1


def test_retro_rate_change_adds_the_difference_to_the_next_run(db, world):
    """40 h paid at $25.00 in the week of 2 Nov; the rate becomes $26.50 from 2 Nov: 40 × 1.50 = 60.00 retro,
    paid with the next week's 40 h at the new rate (1,060.00) = 1,120.00 gross."""
    from payroll.models import Paycheck, PaycheckLine
    from payroll.services import corrections, runs

    e = world.worker(rate="25.00")
    world.time(e)
    first = world.regular_run()
    runs.start_calculation(first.id, world.hr)
    adj = corrections.record_rate_change(e.id, "26.50", WEEK1, world.hr, today=date(2026, 11, 12))
    assert (adj.code, adj.amount, adj.status) == ("retro", Decimal("60.00"), "pending")
    from datetime import timedelta

    world.time(e, week=WEEK1 + timedelta(days=7))
    second = world.regular_run(WEEK1 + timedelta(days=7))
    runs.start_calculation(second.id, world.hr)
    p = db.session.execute(sa.select(Paycheck).where(Paycheck.run_id == second.id)).scalar_one()
    earnings = dict(db.session.execute(sa.select(PaycheckLine.code, PaycheckLine.amount).where(
        PaycheckLine.paycheck_id == p.id, PaycheckLine.kind == "earning")).all())
    assert earnings == {"regular": Decimal("1060.00"), "retro": Decimal("60.00")}
    assert p.gross == Decimal("1120.00")
    db.session.refresh(adj)
    assert (adj.status, adj.paycheck_id) == ("applied", p.id)
    assert_ledger_balanced()


def test_off_cycle_bonus_run_pays_only_its_items_at_the_supplemental_rate(db, world):
    """A $1,000 bonus alone is supplemental wages: 22% federal withholding (Pub 15 section 7) = 220.00."""
    from payroll.models import Paycheck, PaycheckLine
    from payroll.services import runs

    e = world.worker()
    other = world.worker()
    world.time(other)
    with pytest.raises(ValidationFailed) as exc:
        runs.create_off_cycle_run("bonus", date(2026, 11, 20), [{"engagement_id": 999999, "code": "gift",
                                                                 "amount": "-5"}], world.hr)
    assert {i.field for i in exc.value.issues} == {"items[0].engagement_id", "items[0].code", "items[0].amount"}
    run = runs.create_off_cycle_run("bonus", date(2026, 11, 20),
                                    [{"engagement_id": e.id, "code": "bonus", "amount": "1000.00"}], world.hr)
    runs.start_calculation(run.id, world.hr)
    (p,) = db.session.execute(sa.select(Paycheck).where(Paycheck.run_id == run.id)).scalars().all()
    assert p.engagement_id == e.id and p.gross == Decimal("1000.00")
    fit = db.session.execute(sa.select(PaycheckLine.amount).where(
        PaycheckLine.paycheck_id == p.id, PaycheckLine.code == "federal_income_tax")).scalar_one()
    assert fit == Decimal("220.00")


def test_timesheet_rules_locked_after_approval_and_approver_scope(db, world, make_user):
    from payroll.timesheets.services import approve_timesheet, import_timesheets, save_timesheet

    e = world.worker()
    ts = world.time(e)
    with pytest.raises(DomainError, match="locked"):
        save_timesheet({"engagement_id": e.id, "week_start": WEEK1.isoformat(), "mon": "1"}, world.hr)
    with pytest.raises(DomainError, match="already approved"):
        approve_timesheet(ts.id, world.hr)
    from backoffice.workers.models import Client

    other_client = Client(name="Elsewhere")
    db.session.add(other_client)
    db.session.commit()
    stranger = make_user("client_approver", client_id=other_client.id)
    ts2 = world.time(world.worker(), approve=False)
    from backoffice.errors import NotFound

    with pytest.raises(NotFound):
        approve_timesheet(ts2.id, stranger)
    with pytest.raises(ValidationFailed) as exc:
        import_timesheets([{"line": 2, "engagement_id": e.id, "week_start": "2026-11-03", "mon": "25"},
                           {"line": 3, "engagement_id": "x", "week_start": "2026-11-09", "tue": "abc"}], world.hr)
    found = {(i.row, i.field) for i in exc.value.issues}
    assert found == {(2, "week_start"), (2, "mon"), (3, "engagement_id"), (3, "tue")}


def test_final_pay_run_pays_unpaid_approved_time_and_the_final_amount(db, world):
    """Termination: the approved, unpaid week (40 h × $25.00 = 1,000.00) plus $500.00 final pay (accrued PTO)
    = 1,500.00 gross in one off-cycle run; the week is then marked paid by that run."""
    from payroll.models import Paycheck, PaycheckLine, Timesheet
    from payroll.services import runs

    e = world.worker()
    ts = world.time(e)
    run = runs.create_off_cycle_run("final", date(2026, 11, 12), [
        {"engagement_id": e.id, "code": "final_pay", "amount": "500.00", "note": "accrued PTO"}], world.hr,
        frequency="weekly")
    runs.start_calculation(run.id, world.hr)
    p = db.session.execute(sa.select(Paycheck).where(Paycheck.run_id == run.id)).scalar_one()
    earnings = dict(db.session.execute(sa.select(PaycheckLine.code, PaycheckLine.amount).where(
        PaycheckLine.paycheck_id == p.id, PaycheckLine.kind == "earning")).all())
    assert earnings == {"regular": Decimal("1000.00"), "final_pay": Decimal("500.00")}
    assert p.gross == Decimal("1500.00")
    assert db.session.get(Timesheet, ts.id).paid_run_id == run.id
    regular = world.regular_run()
    assert runs.pre_run_checks(regular.id) == []
    runs.start_calculation(regular.id, world.hr)
    db.session.refresh(regular)
    assert regular.paycheck_count == 0            # the week is not paid twice
