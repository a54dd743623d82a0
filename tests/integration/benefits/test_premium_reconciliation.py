"""A carrier's bill imported all-or-nothing, reconciled member by member against the enrollments, explained with a
note, split to clients to the cent, and the month's funding; the `reconcile` command's exit codes."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from backoffice.audit import AuditLog
from backoffice.errors import ValidationFailed
from benefits import plan_services as plans_svc, recon_services as recon, services as svc
from benefits.recon_models import CarrierBill, CarrierBillLine, PremiumVariance
from payroll.models_deductions import DeductionTake, WorkerDeduction
from tests.factories import ClientFactory, EngagementFactory, PaycheckFactory, PayrollRunFactory, WorkerFactory
from tests.integration.benefits.plans import add_rule, make_plans

D = Decimal
DEC = date(2026, 12, 1)
HEAD = "member_id,last_name,first_name,plan,coverage_tier,coverage_month,premium,adjustment_type\n"


@pytest.fixture
def pool(db, fixed_clock):
    """Carrier EXH places the Pooled PPO (employee 600.00, employee_spouse 1,250.00). From 2026-12-01: W1 (client
    A) employee, W2 (client A) employee_spouse with a spouse, W3 (client B) employee, W4 (client C) employee. W5 (client C)
    is a leased employee with no election. The dental plan has no carrier."""
    plans = make_plans()
    carrier = plans_svc.save_carrier({"code": "EXH", "name": "Example Health", "receiver_id": "EXAMPLEHLTH"})
    plans["ppo"].carrier_id = carrier.id
    clients = [ClientFactory(name=n) for n in ("Acme", "Brio", "Cato")]
    workers, engagements = {}, {}
    for key, client in (("w1", 0), ("w2", 0), ("w3", 1), ("w4", 2), ("w5", 2)):
        w = WorkerFactory(payroll_ready=True, last_name=key.upper())
        engagements[key] = EngagementFactory(worker=w, client=clients[client], start_date=date(2026, 11, 16),
                                             pay_frequency="biweekly", pay_rate=D("25.00"))
        workers[key] = w
    spouse = svc.add_dependent(workers["w2"].id, {"first_name": "Ana", "last_name": "W2", "relationship": "spouse",
                                                  "birth_date": "1986-02-03"})
    enrollments = {}
    for key, tier, deps in (("w1", "employee", []), ("w2", "employee_spouse", [spouse.id]), ("w3", "employee", []),
                            ("w4", "employee", [])):
        enrollments[key] = svc.enroll({"worker_id": workers[key].id, "plan_id": plans["ppo"].id, "event": "new_hire",
                                       "effective_date": "2026-12-01", "coverage_tier": tier, "dependent_ids": deps})
    return dict(plans=plans, carrier=carrier, clients=clients, workers=workers, spouse=spouse,
                enrollments=enrollments, engagements=engagements)


def ids(pool):
    w = pool["workers"]
    return {k: f"W{v.id}" for k, v in w.items()} | {"spouse": f"W{w['w2'].id}D{pool['spouse'].id}"}


def three_variance_bill(pool) -> bytes:
    """W4 left off, W5 billed (not enrolled), W2 billed 1,300.00 for employee_spouse (1,250.00); W1, W3 and the
    spouse right. Billed 600 + 1,300 + 0 + 600 + 600 = 3,100.00."""
    m = ids(pool)
    return (HEAD + f"{m['w1']},W1,A,Pooled PPO,employee,2026-12,600.00,current\n"
                   f"{m['w2']},W2,B,Pooled PPO,employee_spouse,2026-12,1300.00,current\n"
                   f"{m['spouse']},W2,Ana,Pooled PPO,employee_spouse,2026-12,0.00,current\n"
                   f"{m['w3']},W3,C,Pooled PPO,employee,2026-12,600.00,current\n"
                   f"{m['w5']},W5,E,Pooled PPO,employee,2026-12,600.00,current\n").encode()


def test_a_bill_with_a_missing_member_an_extra_member_and_a_rate_difference_finds_exactly_those_three(pool):
    """Expected in December: W1 600 + W2 1,250 + W3 600 + W4 600 = 3,050.00; billed 3,100.00. The variances:
    W2 +50.00 (rate), W4 -600.00 (enrolled, not billed), W5 +600.00 (billed, not enrolled): 50 - 600 + 600 = 50.00
    = 3,100 - 3,050. Nothing else (the spouse is on the bill)."""
    m = ids(pool)
    bill = recon.import_bill("EXH", "2026-12", three_variance_bill(pool), filename="exh.csv")
    assert (bill.month, bill.total, bill.line_count) == (DEC, D("3100.00"), 5)
    result = recon.reconcile(bill.id)
    assert result.expected_total == D("3050.00")
    rows = recon.variances(bill.id)
    assert sorted((v.kind, v.member_id, v.amount, v.explained) for v in rows) == sorted([
        ("rate_difference", m["w2"], D("50.00"), False), ("enrolled_not_billed", m["w4"], D("-600.00"), False),
        ("billed_not_enrolled", m["w5"], D("600.00"), False)])
    assert bill.unexplained == 3 and bill.expected_total == D("3050.00")


def test_a_bad_row_saves_nothing_and_names_the_row_and_column(pool, db):
    """Row 3's tier is "gold" and row 4 names a plan the carrier does not place: nothing is stored."""
    m = ids(pool)
    text = (HEAD + f"{m['w1']},W1,A,Pooled PPO,employee,2026-12,600.00,current\n"
                   f"{m['w2']},W2,B,Pooled PPO,gold,2026-12,1250.00,current\n"
                   f"{m['w3']},W3,C,Dental PPO,employee,2026-12,32.00,current\n")
    with pytest.raises(ValidationFailed) as exc:
        recon.import_bill("EXH", "2026-12", text.encode())
    assert [(i.row, i.field) for i in exc.value.issues] == [(3, "coverage_tier")]
    text = text.replace("gold", "employee_spouse")
    with pytest.raises(ValidationFailed) as exc:
        recon.import_bill("EXH", "2026-12", text.encode())
    assert [(i.row, i.field, i.code) for i in exc.value.issues] == [(4, "plan", "not_found")]
    for model in (CarrierBill, CarrierBillLine, PremiumVariance):
        assert db.session.execute(sa.select(sa.func.count()).select_from(model)).scalar() == 0


def test_the_same_file_is_imported_once_and_the_database_says_so_too(pool, db):
    content = three_variance_bill(pool)
    first = recon.import_bill("EXH", "2026-12", content)
    again = recon.import_bill("exh", date(2026, 12, 1), content)
    assert again.id == first.id
    assert db.session.execute(sa.select(sa.func.count()).select_from(CarrierBill)).scalar() == 1
    with pytest.raises(sa.exc.IntegrityError):
        with db.session.begin_nested():
            db.session.add(CarrierBill(carrier_id=first.carrier_id, month=first.month, total=D("1.00"), line_count=1,
                                       sha256=first.sha256, imported_at=first.imported_at))
            db.session.flush()


def test_a_variance_marked_explained_keeps_its_note_when_the_bill_is_reconciled_again(pool, db):
    bill = recon.import_bill("EXH", "2026-12", three_variance_bill(pool))
    recon.reconcile(bill.id)
    missing = next(v for v in recon.variances(bill.id) if v.kind == "enrolled_not_billed")
    with pytest.raises(ValidationFailed) as exc:
        recon.explain_variance(missing.id, "  ")
    assert exc.value.issues[0].field == "note"
    recon.explain_variance(missing.id, "carrier added W4 late; on January's bill")
    assert bill.unexplained == 2
    recon.reconcile(bill.id)
    again = db.session.get(PremiumVariance, missing.id)
    assert (again.explained, again.note) == (True, "carrier added W4 late; on January's bill")
    assert bill.unexplained == 2
    logged = db.session.execute(sa.select(AuditLog.action).where(AuditLog.model == "premium_bill")).scalars().all()
    assert "explained" in logged


def test_the_pool_split_and_the_months_funding_add_up_to_the_bill_to_the_cent(pool, db):
    """December's bill: W1 600, W2 1,250, W3 600, W4 600, and a retro term credit of -2,050.00 for W5 in November
    (not covered then: explained) — total 3,050 - 2,050 = 1,000.00. Weights (the clients' workers' premiums):
    Acme W1 + W2 = 1,850, Brio 600, Cato 600 (total 3,050). Exact shares in cents 60,655.74, 19,672.13, 19,672.13:
    floors 606.55, 196.72, 196.72 (999.99), one cent left, to the largest remainder (Acme's .74): Acme 606.56,
    Brio 196.72, Cato 196.72 = 1,000.00.

    Funding: an employer rule of 50% of the employee-only premium gives each election 300.00 a month (1,200.00);
    one paid paycheck on 2026-12-04 took 138.46 of W1's section 125 deduction (a calculated, unpaid run's take is
    not counted); client charges = 1,000.00 - 138.46 - 1,200.00 = -338.46."""
    m = ids(pool)
    content = (HEAD + f"{m['w1']},W1,A,Pooled PPO,employee,2026-12,600.00,current\n"
                      f"{m['w2']},W2,B,Pooled PPO,employee_spouse,2026-12,1250.00,current\n"
                      f"{m['spouse']},W2,Ana,Pooled PPO,employee_spouse,2026-12,0.00,current\n"
                      f"{m['w3']},W3,C,Pooled PPO,employee,2026-12,600.00,current\n"
                      f"{m['w4']},W4,D,Pooled PPO,employee,2026-12,600.00,current\n"
                      f"{m['w5']},W5,E,Pooled PPO,employee,2026-11,-2050.00,retro_term\n").encode()
    bill = recon.import_bill("EXH", "2026-12", content)
    assert bill.total == D("1000.00")
    result = recon.reconcile(bill.id)
    assert [(v.kind, v.explained) for v in result.variances] == [("retro_term", True)]
    acme, brio, cato = pool["clients"]
    assert recon.pool_allocation(pool["carrier"].id, "2026-12") == [
        {"client_id": acme.id, "amount": D("606.56")}, {"client_id": brio.id, "amount": D("196.72")},
        {"client_id": cato.id, "amount": D("196.72")}]
    assert recon.pool_allocation(None, DEC) == recon.pool_allocation(pool["carrier"].id, DEC)
    assert recon.pool_allocation(pool["carrier"].id, "2026-11") == []

    # the month's funding: no paycheck yet, no employer rule
    [row] = recon.monthly_funding(pool["carrier"].id, "2026-12")
    assert (row["carrier_invoice"], row["employee_deductions"], row["employer_contributions"],
            row["client_charges"]) == (D("1000.00"), D("0.00"), D("0.00"), D("1000.00"))
    # with an employer share (elections priced again under the rule) and a deduction a paid paycheck took
    add_rule(pool["plans"]["ppo"], "percent_employee_only", "0.5")
    for e in pool["enrollments"].values():
        e.employer_monthly = D("300.00")
    w1 = pool["enrollments"]["w1"]
    ded = db.session.execute(sa.select(WorkerDeduction).where(
        WorkerDeduction.external_ref == f"benefit_enrollment:{w1.id}")).scalar_one()
    check = PaycheckFactory(run=PayrollRunFactory(pay_date=date(2026, 12, 4)),
                            engagement=pool["engagements"]["w1"])
    db.session.add(DeductionTake(deduction_id=ded.id, paycheck_id=check.id, worker_id=w1.worker_id,
                                 pay_date=date(2026, 12, 4), amount=D("138.46")))
    draft = PaycheckFactory(run=PayrollRunFactory(pay_date=date(2026, 12, 18), state="calculated"),
                            engagement=pool["engagements"]["w1"])
    db.session.add(DeductionTake(deduction_id=ded.id, paycheck_id=draft.id, worker_id=w1.worker_id,
                                 pay_date=date(2026, 12, 18), amount=D("138.46")))      # not paid: not counted
    db.session.flush()
    [row] = recon.monthly_funding(None, "2026-12")
    assert (row["carrier_invoice"], row["employee_deductions"], row["employer_contributions"],
            row["client_charges"]) == (D("1000.00"), D("138.46"), D("1200.00"), D("-338.46"))
    assert row["employee_deductions"] + row["employer_contributions"] + row["client_charges"] == row["carrier_invoice"]


@pytest.mark.parametrize("case", ["clean", "variances", "bad"])
def test_the_reconcile_command_exits_0_when_all_is_explained_1_when_not_and_2_on_a_bad_file(pool, runner, tmp_path,
                                                                                            case):
    m = ids(pool)
    good = (HEAD + f"{m['w1']},W1,A,Pooled PPO,employee,2026-12,600.00,current\n"
                   f"{m['w2']},W2,B,Pooled PPO,employee_spouse,2026-12,1250.00,current\n"
                   f"{m['spouse']},W2,Ana,Pooled PPO,employee_spouse,2026-12,0.00,current\n"
                   f"{m['w3']},W3,C,Pooled PPO,employee,2026-12,600.00,current\n"
                   f"{m['w4']},W4,D,Pooled PPO,employee,2026-12,600.00,current\n")
    content = {"clean": good.encode(), "variances": three_variance_bill(pool),
               "bad": good.replace("600.00,current\n", "6OO.00,current\n", 1).encode()}[case]
    path = tmp_path / "bill.csv"
    path.write_bytes(content)
    out = runner.invoke(args=["benefits", "reconcile", "--carrier", "EXH", "--month", "2026-12", "--bill", str(path)])
    assert out.exit_code == {"clean": 0, "variances": 1, "bad": 2}[case], out.output
    if case == "variances":
        lines = [ln.split("\t") for ln in out.stdout.splitlines()]
        assert sorted((ln[0], ln[1], ln[4], ln[5]) for ln in lines) == sorted([
            ("rate_difference", m["w2"], "50.00", "UNEXPLAINED"),
            ("enrolled_not_billed", m["w4"], "-600.00", "UNEXPLAINED"),
            ("billed_not_enrolled", m["w5"], "600.00", "UNEXPLAINED")])
    if case == "bad":
        assert '"row": 2' in out.output and '"field": "premium"' in out.output


def test_seed_demo_leaves_a_summit_bill_with_exactly_three_unexplained_variances(runner, db, app, tmp_path,
                                                                                  monkeypatch):
    """The demo's SUMMIT bill for November 2026 leaves one member off, bills one who is not enrolled and one
    subscriber $25.00 over the tier: reconciled, exactly those three, and the file is where the output says."""
    from pathlib import Path

    from backoffice.cli import main

    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    result = runner.invoke(main, args=["seed-demo", "--workers", "120", "--seed", "5"])
    assert result.exit_code == 0, result.output
    line = next(ln for ln in result.output.splitlines() if ln.startswith("premium reconciliation:"))
    bill = db.session.execute(sa.select(CarrierBill)).scalar_one()
    assert (bill.carrier.code, bill.month, bill.unexplained) == ("SUMMIT", date(2026, 11, 1), 3)
    rows = recon.variances(bill.id)
    assert sorted(v.kind for v in rows) == ["billed_not_enrolled", "enrolled_not_billed", "rate_difference"]
    assert next(v.amount for v in rows if v.kind == "rate_difference") == D("25.00")
    path = Path(app.instance_path) / "demo" / "SUMMIT-2026-11-bill.csv"
    assert str(path) in line and path.read_bytes().startswith(b"member_id,last_name")
    assert sum(a["amount"] for a in recon.pool_allocation(None, "2026-11")) == bill.total
