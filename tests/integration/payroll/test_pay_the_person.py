"""Issue 10: a run pays the person, not the engagement — one paycheck per worker across clients, taxes on the
combined wages, W-2 and contractor pay apart, year to date from issued paychecks only."""
from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa

from tests.integration.payroll.conftest import assert_ledger_balanced


def _second_engagement(world, first, *, client_name: str, rate: str, kind: str = "leased_employee",
                       state: str | None = None):
    from tests.factories import ClientFactory, EngagementFactory

    client = ClientFactory(name=client_name, state="TX")
    return EngagementFactory(worker=first.worker, client=client, type=kind, work_state=state or first.work_state,
                             pay_rate=Decimal(rate), pay_unit="hour", pay_frequency="weekly", classification=kind)


def _run(world, db):
    from payroll.services import runs

    run = world.regular_run()
    runs.start_calculation(run.id, world.hr)
    db.session.expire_all()
    return run


def _checks(db, run_id):
    from payroll.models import Paycheck

    return db.session.execute(sa.select(Paycheck).where(Paycheck.run_id == run_id).order_by(Paycheck.id)
                              ).scalars().all()


def test_two_clients_in_one_week_make_one_paycheck_taxed_on_the_combined_wages(db, world):
    """20 h at $20.00 at client A (Acme) and 15 h at $30.00 at client B in one week (35 h: no overtime):
    one paycheck, gross 400.00 + 450.00 = 850.00; each earning line names its engagement and client; social
    security 6.2% × 850.00 = 52.70; Medicare 1.45% × 850.00 = 12.33 (12.325 half up); federal income tax equal to
    the paycheck quote (the engine's JSON face, `backoffice paycheck quote`) on the combined earnings — and more
    than twice the withholding of either engagement's pay quoted alone (the brackets see all of the wages)."""
    from payroll.engine.quote import quote
    from payroll.models import PaycheckLine

    a = world.worker(rate="20.00")
    b = _second_engagement(world, a, client_name="Beacon Health", rate="30.00")
    world.time(a, hours=(4, 4, 4, 4, 4, 0, 0))
    world.time(b, hours=(3, 3, 3, 3, 3, 0, 0))
    run = _run(world, db)
    [p] = _checks(db, run.id)
    assert (p.worker_id, p.worker_type, p.engagement_id, p.client_id) == (a.worker_id, "employee", None, None)
    assert p.gross == Decimal("850.00")
    lines = db.session.execute(sa.select(PaycheckLine).where(PaycheckLine.paycheck_id == p.id)
                               .order_by(PaycheckLine.id)).scalars().all()
    earned = {(ln.engagement_id, ln.client_id): ln.amount for ln in lines if ln.kind == "earning"}
    assert earned == {(a.id, a.client_id): Decimal("400.00"), (b.id, b.client_id): Decimal("450.00")}
    taxes = {ln.code: ln.amount for ln in lines if ln.kind == "employee_tax"}
    assert taxes["social_security"] == Decimal("52.70") and taxes["medicare"] == Decimal("12.33")
    base = {"pay_date": run.pay_date.isoformat(), "pay_frequency": "weekly", "worker_type": "employee",
            "work_state": "TX", "residence_state": "TX", "w4": {"version": 2020, "filing_status": "single"}}
    combined = quote(dict(base, earnings=[{"code": "regular", "hours": "20", "rate": "20.00"},
                                          {"code": "regular", "hours": "15", "rate": "30.00"}]))
    alone_a = quote(dict(base, earnings=[{"code": "regular", "hours": "20", "rate": "20.00"}]))
    alone_b = quote(dict(base, earnings=[{"code": "regular", "hours": "15", "rate": "30.00"}]))

    def fit(q):
        return Decimal(next(t["amount"] for t in q["employee_taxes"] if t["code"] == "federal_income_tax"))
    assert taxes["federal_income_tax"] == fit(combined)
    assert fit(combined) > fit(alone_a) + fit(alone_b)
    assert_ledger_balanced()


def test_contractor_pay_the_same_week_is_a_separate_payment_outside_w2_year_to_date(db, world):
    """The same person: a leased employee at Acme (40 h at $25.00 = 1,000.00) and a contractor at Beacon Health
    (10 h at $50.00 = 500.00, TIN on file, no backup withholding). Two documents: a paycheck (employee) and a
    contractor payment with no FICA and nothing withheld; the W-2 year to date holds 1,000.00 of wages (social
    security wages 1,000.00), the contractor row 500.00 of gross and no wage base."""
    from payroll.models import PaycheckLine, YearToDate
    from tests.factories import W9FormFactory

    emp = world.worker(rate="25.00")
    con = _second_engagement(world, emp, client_name="Beacon Health", rate="50.00", kind="contractor")
    W9FormFactory(worker=emp.worker)
    world.time(emp)
    world.time(con, hours=(2, 2, 2, 2, 2, 0, 0))
    run = _run(world, db)
    checks = {p.worker_type: p for p in _checks(db, run.id)}
    assert set(checks) == {"employee", "contractor"}
    assert checks["employee"].gross == Decimal("1000.00") and checks["contractor"].gross == Decimal("500.00")
    contractor_taxes = db.session.execute(sa.select(PaycheckLine.code).where(
        PaycheckLine.paycheck_id == checks["contractor"].id, PaycheckLine.kind.in_(("employee_tax", "employer_tax")))
    ).scalars().all()
    assert contractor_taxes == [] and checks["contractor"].net == Decimal("500.00")
    ytd = {y.worker_type: y for y in db.session.execute(sa.select(YearToDate).where(
        YearToDate.worker_id == emp.worker_id)).scalars()}
    assert ytd["employee"].gross == ytd["employee"].social_security_wages == Decimal("1000.00")
    assert ytd["contractor"].gross == Decimal("500.00") and ytd["contractor"].social_security_wages == 0


def test_paystub_year_to_date_counts_issued_runs_only(db, world):
    """Week 1 (2–8 Nov) is calculated, approved and its paystub shows YTD gross 1,000.00. Week 2 (9–15 Nov) is
    calculated but not approved: its own paystub (HR's preview) shows YTD 2,000.00, while week 1's paystub stays
    at 1,000.00 and a register of the date range counts only week 1's 1,000.00 of gross."""
    from datetime import date

    from payroll.services import runs
    from payroll.services.paystubs import paystub_data
    from reports.queries import Selection, paychecks

    emp = world.worker(rate="25.00")
    world.time(emp)
    world.time(emp, week=date(2026, 11, 9))
    first = _run(world, db)
    runs.approve_run(first.id, world.hr2)
    second = world.regular_run(date(2026, 11, 9))
    runs.start_calculation(second.id, world.hr)
    db.session.expire_all()
    [p1] = _checks(db, first.id)
    [p2] = _checks(db, second.id)
    assert paystub_data(p1.id)["gross"]["ytd"] == Decimal("1000.00")
    assert paystub_data(p2.id)["gross"]["ytd"] == Decimal("2000.00")
    frame = paychecks(Selection(start=date(2026, 11, 1), end=date(2026, 11, 30)))
    assert list(frame["paycheck_id"]) == [p1.id]


def _bulk_workers(world, n: int, first_id: int = 50001) -> list[int]:
    """n leased employees in TX at $20.00/h on the weekly schedule, each with a W-4, a bank account and 40 approved
    hours in the week of 2 November, inserted in bulk (the factories take ~20 ms a worker)."""
    from datetime import date

    from backoffice.crypto import encrypt
    from backoffice.db import utcnow
    from payroll.services.common import bulk_insert

    now = utcnow().replace(tzinfo=None)
    ids = list(range(first_id, first_id + n))
    acct = encrypt("000123456789")
    bulk_insert("workers", ("id", "first_name", "middle_name", "last_name", "tin_type", "tin_last4", "tin_flagged",
                            "birth_date", "email", "phone", "address_line1", "address_line2", "city", "state",
                            "postal_code", "status", "created_at", "updated_at"),
                [(i, f"First{i}", "", f"Last{i}", "ssn", f"{i % 10000:04d}", False, date(1985, 5, 5),
                  f"w{i}@bulk.example", "", "1 Main St", "", "Austin", "TX", "78701", "active", now, now)
                 for i in ids])
    bulk_insert("engagements", ("id", "worker_id", "client_id", "type", "title", "work_state", "pay_rate", "pay_unit",
                                "bill_rate", "pay_frequency", "start_date", "status", "classification",
                                "overtime_exempt", "created_at", "updated_at", "pay_schedule_id"),
                [(i, i, world.client.id, "leased_employee", "", "TX", 200000, "hour", 0, "weekly", date(2026, 1, 1),
                  "active", "leased_employee", False, now, now, world.schedule.id) for i in ids])
    bulk_insert("tax_profiles", ("worker_id", "effective_date", "w4_version", "filing_status", "step2_checkbox",
                                 "step3_credits", "step4a_other_income", "step4b_deductions", "step4c_extra", "exempt",
                                 "allowances", "additional", "state_certificate", "signed_name", "created_at",
                                 "updated_at"),
                [(i, date(2026, 1, 1), 2020, "single", False, 0, 0, 0, 0, False, 0, 0, "{}", "", now, now)
                 for i in ids])
    bulk_insert("bank_accounts", ("worker_id", "bank_name", "routing_number", "account_number", "account_last4",
                                  "account_type", "split_kind", "priority", "source", "status", "created_at",
                                  "updated_at"),
                [(i, "Bulk Bank", "011000015", acct, "6789", "checking", "remainder", 0, "manual", "active", now, now)
                 for i in ids])
    bulk_insert("timesheets", ("engagement_id", "week_start", "hours_mon", "hours_tue", "hours_wed", "hours_thu",
                               "hours_fri", "hours_sat", "hours_sun", "units", "note", "rejected_reason", "status",
                               "source", "approved_by_id", "created_at", "updated_at"),
                [(i, date(2026, 11, 2), 800, 800, 800, 800, 800, 0, 0, 0, "", "", "approved", "import",
                  world.timekeeper.id, now, now) for i in ids])
    return ids


def test_a_run_of_1000_paychecks_with_3_held_completes_and_an_off_cycle_run_pays_the_3_once(db, world):
    """1,000 workers at 40 h × $20.00 = 800.00 gross each. HR holds 3 (reasons given); the run calculates 997
    paychecks, is approved and its NACHA file credits the 997 nets; an off-cycle run made from the holds pays the 3
    (same gross 800.00 each, same week's time); its NACHA file credits their 3 nets. Nothing is paid twice: every
    worker has exactly one paycheck, every timesheet is marked paid by exactly one run, the two files' credits add
    up to the 1,000 nets, the ledger balances and net pay payable (2400) is zero once both runs are paid."""
    import achkit

    from payroll.models import Paycheck, Timesheet
    from payroll.models_ledger import NachaFile
    from payroll.services import holds, payments, runs
    from payroll.services.ledger import trial_balance
    from tests.integration.payroll.conftest import NOW, SETTLES

    ids = _bulk_workers(world, 1000)
    run = world.regular_run()
    for wid in ids[:3]:
        holds.hold_paycheck(run.id, wid, f"worker {wid}: bank details being checked", world.hr)
    runs.start_calculation(run.id, world.hr)
    runs.approve_run(run.id, world.hr2)
    first = payments.generate_nacha(run.id, world.finance, now=NOW, effective_date=SETTLES)
    runs.mark_paid(run.id, world.hr2)
    db.session.expire_all()
    assert run.paycheck_count == 997 and first.entry_count == 997
    off = holds.pay_holds(run.id, run.pay_date, world.hr)
    runs.start_calculation(off.id, world.hr)
    runs.approve_run(off.id, world.hr2)
    second = payments.generate_nacha(off.id, world.finance, now=NOW, effective_date=SETTLES)
    runs.mark_paid(off.id, world.hr2)
    assert second.entry_count == 3
    db.session.expire_all()
    checks = db.session.execute(sa.select(Paycheck.worker_id, Paycheck.run_id, Paycheck.gross, Paycheck.net)
                                .where(Paycheck.worker_id.in_(ids))).all()
    assert len(checks) == 1000 and len({c.worker_id for c in checks}) == 1000
    assert {c.gross for c in checks} == {Decimal("800.00")}
    assert sorted(c.worker_id for c in checks if c.run_id == off.id) == ids[:3]
    paid_by = db.session.execute(sa.select(Timesheet.paid_run_id, sa.func.count()).where(
        Timesheet.engagement_id.in_(ids)).group_by(Timesheet.paid_run_id)).all()
    assert dict(paid_by) == {run.id: 997, off.id: 3}
    nets = sum((c.net for c in checks), Decimal(0))
    files = db.session.execute(sa.select(NachaFile).where(NachaFile.run_id.in_((run.id, off.id)))).scalars().all()
    assert sum((f.total_credit for f in files), Decimal(0)) == nets
    for f in files:
        assert achkit.validate(f.content)["ok"]
        assert achkit.parse(f.content)["control"]["total_credit"] == int(f.total_credit * 100)   # cents
    tb = trial_balance()
    assert tb["balanced"] and tb["accounts"].get("2400", Decimal(0)) == 0
