"""Recurring deductions, orders and employer contributions from the database to the engine and back: the loader,
what each paycheck took (idempotent, goals, remittance), reversals, the ledger, the constraints."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from backoffice.errors import ValidationFailed
from payroll.engine import calculate_paycheck, tables_for
from payroll.engine.quote_input import parse_input
from payroll.models import PaycheckLine
from payroll.models_deductions import DeductionTake, EmployerContribution, WorkerDeduction
from payroll.services import deductions as svc
from payroll.services.ledger import check_balanced, postings_for_paychecks
from tests.factories import EngagementFactory, PaycheckFactory, PayrollRunFactory, WorkerFactory

D = Decimal
PAY_DATE = date(2026, 6, 5)
ORDER = {"case_number": "FAM-2026-0042", "payee_name": "Texas State Disbursement Unit", "payee_fips": "48000"}


def _setup(db):
    w = WorkerFactory(payroll_ready=True)
    eng = EngagementFactory(worker=w)
    earlier = PaycheckFactory(run=PayrollRunFactory(pay_date=date(2026, 5, 29), frequency="weekly"), engagement=eng)
    mk = svc.create_deduction
    ids = {
        "401k": mk(w.id, {"code": "401k", "percent": "0.06", "start_date": "2026-01-01"}).id,
        "section125": mk(w.id, {"code": "section125", "amount": "35.00", "start_date": "2026-01-01",
                                "source": "benefits", "external_ref": "enrollment:1"}).id,
        "child_support": mk(w.id, {"code": "child_support", "amount": "150.00", "start_date": "2026-03-01",
                                   "received_date": "2026-03-01", "source": "court_order", **ORDER}).id,
        "garnishment": mk(w.id, {"code": "garnishment", "amount": "100.00", "start_date": "2026-02-01",
                                 "received_date": "2026-02-01", "source": "court_order", **ORDER,
                                 "case_number": "CV-2026-77", "payee_name": "Acme Collections"}).id,
        "loan": mk(w.id, {"code": "loan", "amount": "100.00", "goal": "250.00", "start_date": "2026-01-01"}).id,
        "ended": mk(w.id, {"code": "other", "amount": "5.00", "start_date": "2026-01-01",
                           "end_date": "2026-06-04"}).id,
    }
    db.session.add(DeductionTake(deduction_id=ids["loan"], paycheck_id=earlier.id, worker_id=w.id,
                                 pay_date=earlier.pay_date, amount=D("200.00")))
    svc.create_contribution(w.id, {"code": "401k_match", "match_up_to_1": "0.03", "match_rate_1": "1",
                                   "match_up_to_2": "0.02", "match_rate_2": "0.5", "start_date": "2026-01-01"})
    svc.create_contribution(w.id, {"code": "health_employer", "amount": "250.00",
                                   "start_date": "2026-01-01"})
    db.session.flush()
    return w, eng, ids


def test_the_loader_gives_each_worker_the_fragment_for_the_engine(db):
    w, _, ids = _setup(db)
    run = PayrollRunFactory(pay_date=PAY_DATE, frequency="weekly", state="calculating")
    frag = svc.deductions_for([w.id], run)[w.id]
    assert [(x["code"], x["ref"]) for x in frag["pretax_deductions"]] == [
        ("401k", f"wd:{ids['401k']}"), ("section125", f"wd:{ids['section125']}")]
    # orders in the order received (the creditor's came first); the loan carries what is left of its goal;
    # the deduction that ended the day before the pay date is not there
    assert [x["code"] for x in frag["posttax_deductions"]] == ["garnishment", "child_support", "loan"]
    loan = frag["posttax_deductions"][2]
    assert loan["goal_remaining"] == "50.00"
    assert frag["posttax_deductions"][1]["options"] == {"supports_other_family": True,
                                                        "arrears_over_12_weeks": False}
    assert frag["employer_contributions"][0]["match"] == [
        {"up_to_percent": "0.030000", "match_percent": "1.000000"},
        {"up_to_percent": "0.020000", "match_percent": "0.500000"}]
    from backoffice.audit import AuditLog
    audited = db.session.execute(sa.select(AuditLog.action).where(AuditLog.record_id == str(ids["loan"]),
                                                                  AuditLog.model.like("%deduction%"))).scalars().all()
    assert audited == ["create"]
    contractor = svc.deductions_for([w.id], run, "contractor")[w.id]
    assert contractor["pretax_deductions"] == [] and contractor["employer_contributions"] == []
    assert [x["code"] for x in contractor["posttax_deductions"]] == ["garnishment", "child_support", "loan"]


def test_a_paycheck_takes_the_orders_in_priority_and_records_what_it_took_once(db):
    """TX, weekly $1,000 salary, Single W-4 (no adjustments).
    Pre-tax: 401(k) 6% = 60.00; Section 125 35.00. Income-tax wages 905.00: annual 47,060 − 8,600 = 38,460;
    1,240 + 12% × (38,460 − 19,900) = 3,467.20 ÷ 52 = 66.68. FICA wages 965.00: SS 59.83, Medicare 13.99.
    Taxes 140.50; disposable earnings 1,000 − 140.50 = 859.50.
    Support first (even though the creditor's order was received earlier): 150.00 (limit 50% = 429.75).
    Creditor: lesser of 25% × 859.50 = 214.875 and 859.50 − 217.50 → 214.87 (a legal maximum is cut to the
    cent), less support 150.00 = 64.87.
    Loan: 100.00 asked, 50.00 left of its 250.00 goal → 50.00 and the loan is completed.
    Match: 3% of pay = 30.00 × 100% + next 2% = 20.00 × 50% = 40.00; employer premium 250.00.
    Net = 1,000 − 140.50 − 95.00 − 150.00 − 64.87 − 50.00 = 499.63."""
    w, eng, ids = _setup(db)
    run = PayrollRunFactory(pay_date=PAY_DATE, frequency="weekly", state="calculating")
    obj = {"pay_date": PAY_DATE.isoformat(), "pay_frequency": "weekly", "worker_type": "employee",
           "work_state": "TX", "residence_state": "TX", "earnings": [{"code": "salary", "amount": "1000.00"}],
           "w4": {"version": 2020, "filing_status": "single"}}
    obj.update(svc.deductions_for([w.id], run)[w.id])
    inp, issues = parse_input(obj)
    assert not issues
    r = calculate_paycheck(inp, tables_for(PAY_DATE))
    assert [(x.code, x.amount) for x in r.deductions] == [
        ("401k", D("60.00")), ("section125", D("35.00")), ("child_support", D("150.00")),
        ("garnishment", D("64.87")), ("loan", D("50.00"))]
    assert r.employee_tax_total == D("140.50") and r.net == D("499.63")
    assert [(x.code, x.amount) for x in r.employer_contributions] == [
        ("401k_match", D("40.00")), ("health_employer", D("250.00"))]

    p = PaycheckFactory(run=run, engagement=eng, gross=r.gross, employee_taxes=r.employee_tax_total,
                        deductions=r.deduction_total)
    assert svc.record_taken({w.id: p.id}, {w.id: r}) == 5
    assert svc.record_taken({w.id: p.id}, {w.id: r}) == 0          # a chunk calculated again records nothing twice
    takes = {t.deduction_id: t for t in db.session.execute(
        sa.select(DeductionTake).where(DeductionTake.paycheck_id == p.id)).scalars()}
    assert takes[ids["child_support"]].remittance_status == "due"
    assert takes[ids["garnishment"]].amount == D("64.87")
    assert takes[ids["401k"]].remittance_status == "none"
    assert db.session.get(WorkerDeduction, ids["loan"]).status == "completed"
    assert "loan" not in [x["code"] for x in svc.deductions_for([w.id], run)[w.id]["posttax_deductions"]]

    # the employer's lines are stored as their own kind, and the ledger books them (6300 expense, 2500 payable)
    rows = svc.employer_contribution_lines(r, explain=False)
    assert [(k, c, cents) for k, c, _, cents, *_ in rows] == [("employer_contribution", "401k_match", 4000),
                                                             ("employer_contribution", "health_employer",
                                                              25000)]
    db.session.add(PaycheckLine(paycheck_id=p.id, kind="employer_contribution", code="401k_match",
                                amount=D("40.00")))
    db.session.flush()
    lines = [(("pretax_deduction" if x.code in ("401k", "section125") else "posttax_deduction"), x.code, "", x.amount)
             for x in r.deductions] + [("employee_tax", x.code, "", x.amount) for x in r.employee_taxes]
    lines += [("employer_contribution", x.code, "", x.amount) for x in r.employer_contributions]
    postings = postings_for_paychecks([("employee", None, r.gross, r.net, lines)])
    check_balanced(postings)
    by = {(pp.account, pp.detail): (pp.debit, pp.credit) for pp in postings}
    assert by[("6300", "health_employer")] == (D("250.00"), D(0))
    assert by[("2500", "401k_match")] == (D(0), D("40.00"))

    # a reversal gives back what the paycheck took: the loan's goal re-opens
    rev = PaycheckFactory(run=PayrollRunFactory(pay_date=PAY_DATE, frequency="weekly", state="paid"),
                          engagement=eng, kind="reversal")
    assert svc.copy_takes(p.id, rev.id, -1) == 5
    assert db.session.get(WorkerDeduction, ids["loan"]).status == "active"
    assert svc.collected([ids["loan"]])[ids["loan"]] == D("200.00")


def test_the_database_refuses_what_the_service_would(db):
    w = WorkerFactory()
    bad = [dict(code="loan", amount=D(10), percent=D("0.1")),          # both
           dict(code="loan"),                                          # neither
           dict(code="401k", percent=D("1.5")),                        # above 100%
           dict(code="garnishment", amount=D(10)),                     # an order without its case and payee
           dict(code="loan", amount=D(10), end_date=date(2025, 1, 1)),  # ends before it starts
           dict(code="bonus", amount=D(10))]
    for fields in bad:
        with pytest.raises(IntegrityError):
            with db.session.begin_nested():
                db.session.add(WorkerDeduction(worker_id=w.id, start_date=date(2026, 1, 1), **fields))
                db.session.flush()
    with pytest.raises(IntegrityError):
        with db.session.begin_nested():
            db.session.add(EmployerContribution(worker_id=w.id, code="hsa_employer", amount=D(10),
                                                match_up_to_1=D("0.03"), match_rate_1=D(1),
                                                start_date=date(2026, 1, 1)))
            db.session.flush()


def test_one_take_per_paycheck_and_deduction_is_a_database_constraint(db):
    w, eng, ids = _setup(db)
    p = PaycheckFactory(run=PayrollRunFactory(pay_date=PAY_DATE), engagement=eng)
    db.session.add(DeductionTake(deduction_id=ids["loan"], paycheck_id=p.id, worker_id=w.id, pay_date=PAY_DATE,
                                 amount=D(1)))
    db.session.flush()
    with pytest.raises(IntegrityError):
        with db.session.begin_nested():
            db.session.add(DeductionTake(deduction_id=ids["loan"], paycheck_id=p.id, worker_id=w.id,
                                         pay_date=PAY_DATE, amount=D(1)))
            db.session.flush()


def test_bad_fields_are_named(db):
    w = WorkerFactory()
    with pytest.raises(ValidationFailed) as exc:
        svc.create_deduction(w.id, {"code": "garnishment", "amount": "10", "percent": "0.1",
                                    "start_date": "2026-01-01", "colour": "red"})
    fields = {i.field for i in exc.value.issues}
    assert {"colour", "amount"} <= fields
    with pytest.raises(ValidationFailed) as exc:
        svc.create_deduction(w.id, {"code": "garnishment", "amount": "10", "start_date": "2026-01-01"})
    assert {i.field for i in exc.value.issues} == {"case_number", "received_date", "payee_name"}
    with pytest.raises(ValidationFailed) as exc:
        svc.create_deduction(w.id, {"code": "401k", "percent": "6", "start_date": "2026-01-01"})
    assert [(i.field, i.message) for i in exc.value.issues] == [
        ("percent", "is a fraction: at most 1 (100%); 0.06 is 6%")]
    with pytest.raises(ValidationFailed) as exc:
        svc.create_contribution(w.id, {"code": "hsa_employer", "match_up_to_1": "0.03", "match_rate_1": "1",
                                       "start_date": "2026-01-01"})
    assert [i.field for i in exc.value.issues] == ["match_up_to_1"]
    svc.create_deduction(w.id, {"code": "fsa", "amount": "20", "start_date": "2026-01-01", "external_ref": "e:1"})
    with pytest.raises(ValidationFailed) as exc:      # an enrollment written twice is named, not a 500
        svc.create_deduction(w.id, {"code": "fsa", "amount": "20", "start_date": "2026-01-01", "external_ref": "e:1"})
    assert [(i.field, i.code) for i in exc.value.issues] == [("external_ref", "duplicate")]


def test_remittance_marks_only_withholdings_that_are_due(db):
    w, eng, ids = _setup(db)
    p = PaycheckFactory(run=PayrollRunFactory(pay_date=PAY_DATE), engagement=eng)
    due = DeductionTake(deduction_id=ids["child_support"], paycheck_id=p.id, worker_id=w.id, pay_date=PAY_DATE,
                        amount=D("150.00"), remittance_status="due")
    db.session.add(due)
    db.session.flush()
    assert svc.mark_remitted([due.id], date(2026, 6, 8), "EFT 000123") == 1
    assert (due.remittance_status, due.remittance_ref) == ("remitted", "EFT 000123")
    from backoffice.errors import DomainError
    with pytest.raises(DomainError):
        svc.mark_remitted([due.id], date(2026, 6, 8), "EFT 000124")


def test_year_to_date_counts_only_released_runs(db):
    """Two paychecks with a 401(k) line of 60.00 in paid runs and one in a calculated run: YTD 120.00."""
    w = WorkerFactory()
    eng = EngagementFactory(worker=w)
    for state, day in (("paid", date(2026, 5, 1)), ("approved", date(2026, 5, 8)), ("calculated", date(2026, 5, 15))):
        p = PaycheckFactory(run=PayrollRunFactory(pay_date=day, state=state), engagement=eng)
        db.session.add(PaycheckLine(paycheck_id=p.id, kind="pretax_deduction", code="401k", amount=D("60.00")))
    db.session.flush()
    assert svc.year_to_date_by_code(w.id, 2026) == {("pretax_deduction", "401k"): D("120.00")}


def test_the_demo_has_elections_orders_and_a_loan(runner, db):
    from backoffice.cli import main

    result = runner.invoke(main, args=["seed-demo", "--workers", "40", "--seed", "5"])
    assert result.exit_code == 0, result.output
    # the payroll demo's own rows (the benefits demo's enrollments add theirs: docs/benefits.md)
    not_enrolled = lambda m: sa.or_(m.external_ref.is_(None), ~m.external_ref.like("benefit_enrollment:%"))  # noqa: E731
    codes = sorted(db.session.execute(sa.select(WorkerDeduction.code).where(not_enrolled(WorkerDeduction))).scalars())
    assert codes == ["401k", "401k", "child_support", "garnishment", "hsa", "loan", "roth_401k", "section125"]
    contributions = sorted(db.session.execute(sa.select(EmployerContribution.code)
                                              .where(not_enrolled(EmployerContribution))).scalars())
    assert contributions == ["401k_match", "401k_match", "health_employer", "hsa_employer"]
    # the demo's runs withhold them: the order's and the match's lines are on the demo paychecks
    codes = set(db.session.execute(sa.select(PaycheckLine.code).where(PaycheckLine.kind.in_(
        ("posttax_deduction", "employer_contribution")))).scalars())
    assert {"child_support", "garnishment", "loan", "401k_match"} <= codes


def test_reversing_and_reissuing_a_paycheck_moves_what_it_took(db, world):
    """A calculated run's paycheck took 40.00 of a 100.00 loan (60.00 left). Reversing the paycheck gives the 40.00
    back (collected 0.00); re-issuing it takes it again (collected 40.00)."""
    from payroll.models import Paycheck
    from payroll.services import corrections, runs
    from tests.integration.payroll.conftest import NOW

    emp = world.worker()
    world.time(emp)
    run = world.regular_run()
    runs.start_calculation(run.id, world.hr)
    p = db.session.execute(sa.select(Paycheck).where(Paycheck.run_id == run.id)).scalar_one()
    loan = svc.create_deduction(emp.worker_id, {"code": "loan", "amount": "40.00", "goal": "100.00",
                                                "start_date": "2026-01-01"})
    db.session.add(DeductionTake(deduction_id=loan.id, paycheck_id=p.id, worker_id=emp.worker_id,
                                 pay_date=p.pay_date, amount=D("40.00")))
    db.session.flush()
    rev = corrections.reverse_paycheck(p.id, world.hr, "wrong hours", on=NOW.date())
    assert svc.collected([loan.id]) == {loan.id: D("0.00")}
    assert db.session.execute(sa.select(DeductionTake.amount).where(DeductionTake.paycheck_id == rev.id)
                              ).scalar_one() == D("-40.00")
    corrections.reissue_paycheck(p.id, world.hr)
    assert svc.collected([loan.id]) == {loan.id: D("40.00")}


def test_a_run_withholds_support_before_the_creditor_within_the_ccpa_and_books_the_match(db, world):
    """Through a real run: TX, 40 h × $25.00 = $1,000.00 weekly, W-4 single: FIT 78.08, SS 62.00, Medicare 14.50
    (as test_paycheck); disposable earnings 845.42. Child support 150.00 first; the creditor order (received
    earlier) gets 25% × 845.42 = 211.355 → 211.35 less 150.00 = 61.35. Net = 1,000 − 154.58 − 150 − 61.35 =
    634.07. A $50 premium share from the employer is stored as an employer_contribution line and booked to
    6300/2500; the run's takes are recorded once (calculated twice: no second row)."""
    from payroll.models import Paycheck
    from payroll.services import runs
    from payroll.services.calc import calculate_chunk
    from payroll.services.ledger import trial_balance

    emp = world.worker()
    world.time(emp)
    order = dict(ORDER, source="court_order")
    cs = svc.create_deduction(emp.worker_id, dict(order, code="child_support", amount="150.00",
                                                  start_date="2026-01-01", received_date="2026-03-01"))
    cr = svc.create_deduction(emp.worker_id, dict(order, code="garnishment", amount="100.00",
                                                  start_date="2026-01-01", received_date="2026-02-01",
                                                  case_number="CV-9", payee_name="Acme Collections"))
    svc.create_contribution(emp.worker_id, {"code": "health_employer", "amount": "50.00",
                                            "start_date": "2026-01-01"})
    run = world.regular_run()
    runs.start_calculation(run.id, world.hr)
    p = db.session.execute(sa.select(Paycheck).where(Paycheck.run_id == run.id)).scalar_one()
    lines = {(ln.kind, ln.code): ln.amount for ln in db.session.execute(
        sa.select(PaycheckLine).where(PaycheckLine.paycheck_id == p.id)).scalars()}
    assert lines[("posttax_deduction", "child_support")] == D("150.00")
    assert lines[("posttax_deduction", "garnishment")] == D("61.35")
    assert lines[("employer_contribution", "health_employer")] == D("50.00")
    assert (p.gross, p.net) == (D("1000.00"), D("634.07"))
    takes = dict(db.session.execute(sa.select(DeductionTake.deduction_id, DeductionTake.amount)
                                    .where(DeductionTake.paycheck_id == p.id)).all())
    assert takes == {cs.id: D("150.00"), cr.id: D("61.35")}
    assert calculate_chunk(run.id, 0) is False                    # a done chunk is not calculated again
    tb = trial_balance(run.id)
    assert tb["balanced"] and tb["accounts"]["6300"] == D("50.00") and tb["accounts"]["2500"] == D("-50.00")
