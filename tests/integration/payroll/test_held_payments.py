"""One worker closing their bank account after calculation holds their payment, not the whole run."""
from __future__ import annotations

from decimal import Decimal

import achkit
import pytest
import sqlalchemy as sa

from tests.integration.payroll.conftest import NOW, SETTLES, assert_ledger_balanced


def _calculated_then_closed(db, world, rates: tuple[str, ...]):
    """Contractors paid `rates` an hour for a 40-hour week, a regular run calculated for them, then the second
    worker's only bank account closed (after calculation: their payment is held at approval). Returns the run
    and the workers' engagements in `rates` order."""
    from backoffice.workers.profile import BankAccount
    from backoffice.workers.profile_services import remove_bank_account
    from payroll.services import runs

    workers = [world.worker(kind="contractor", rate=r) for r in rates]
    for e in workers:
        world.time(e)
    run = world.regular_run()
    runs.start_calculation(run.id, world.hr)
    (old,) = db.session.execute(sa.select(BankAccount).where(BankAccount.worker_id == workers[1].worker_id)).scalars()
    remove_bank_account(workers[1].worker_id, old.id)
    return run, workers


def test_an_account_closed_after_calculation_holds_that_payment_and_the_rest_of_the_run_pays(db, world):
    """Contractors (net = gross): 25.00 × 40 = 1,000.00, 30.00 × 40 = 1,200.00, 40.00 × 40 = 1,600.00.
    The 1,200.00 worker closes their account after calculation: approval goes through; 1,000.00 + 1,600.00 =
    2,600.00 go in the NACHA file and out of cash; 1,200.00 is held and stays owed (net pay payable 2400).
    Released to a new account, it goes in file B and cash out reaches 3,800.00; nothing is owed any more."""
    from backoffice.workers.profile_services import add_bank_account
    from payroll.models_ledger import Payment
    from payroll.services import payments, runs

    run, (a, b, c) = _calculated_then_closed(db, world, ("25.00", "30.00", "40.00"))

    runs.approve_run(run.id, world.hr2)
    pays = db.session.execute(sa.select(Payment).where(Payment.run_id == run.id).order_by(Payment.amount)).scalars()
    assert [(p.worker_id, p.amount, p.status, p.hold_reason, p.bank_account_id is None) for p in pays] == [
        (a.worker_id, Decimal("1000.00"), "pending", "", False),
        (b.worker_id, Decimal("1200.00"), "held", "no active bank account", True),
        (c.worker_id, Decimal("1600.00"), "pending", "", False)]
    assert {p.created_by_id for p in db.session.execute(sa.select(Payment)).scalars()} == {world.hr2.id}

    f = payments.generate_nacha(run.id, world.finance, now=NOW, effective_date=SETTLES)
    assert (f.entry_count, f.total_credit) == (2, Decimal("2600.00"))
    (batch,) = achkit.parse(f.content)["batches"]
    assert sorted(x["amount_cents"] for x in batch["entries"]) == [100000, 160000]
    runs.mark_paid(run.id, world.finance)
    tb = assert_ledger_balanced()
    assert (tb["accounts"]["1000"], tb["accounts"]["2400"]) == (Decimal("-2600.00"), Decimal("-1200.00"))

    (held,) = payments.held_payments(run.id)
    new_acct = add_bank_account(b.worker_id, {"routing_number": "021000021", "account_number": "5566778899",
                                              "account_type": "checking"})
    released = payments.reissue_payment(held.id, world.finance)
    assert (released.status, released.amount, released.bank_account_id, released.reissue_of_id) == (
        "pending", Decimal("1200.00"), new_acct.id, held.id)
    f2 = payments.generate_nacha(run.id, world.finance, now=NOW, effective_date=SETTLES)
    assert (f2.file_id_modifier, f2.entry_count, f2.total_credit) == ("B", 1, Decimal("1200.00"))
    tb = assert_ledger_balanced()
    assert (tb["accounts"]["1000"], tb["accounts"]["2400"]) == (Decimal("-3800.00"), Decimal("0.00"))
    assert payments.held_payments(run.id) == []


def test_the_run_page_lists_held_payments_with_the_reason(db, world, client, login):
    """The page of an approved run shows the held payment (1,200.00) and why; the pre-run checks of a calculated
    run no longer call the closed account blocking."""
    from payroll.services import runs

    run, (a, b) = _calculated_then_closed(db, world, ("25.00", "30.00"))
    assert [i.code for i in runs.pre_run_checks(run.id)] == []
    runs.approve_run(run.id, world.hr2)
    login(client, world.hr)
    page = client.get(f"/admin/payroll-runs/{run.id}").get_data(as_text=True)
    assert 'id="held-payments"' in page
    assert "$1,200.00 held: no active bank account" in page


def test_a_held_payment_of_a_reversed_paycheck_is_not_released(db, world):
    """Held 1,200.00, then the paycheck is reversed (not owed any more): releasing the payment is refused and
    nothing is filed; net pay payable nets to zero (1,200.00 held − 1,200.00 reversed)."""
    from backoffice.errors import DomainError
    from backoffice.workers.profile_services import add_bank_account
    from payroll.services import corrections, payments, runs

    run, (a, b) = _calculated_then_closed(db, world, ("25.00", "30.00"))
    runs.approve_run(run.id, world.hr2)
    payments.generate_nacha(run.id, world.finance, now=NOW, effective_date=SETTLES)
    runs.mark_paid(run.id, world.finance)
    (held,) = payments.held_payments(run.id)
    corrections.request_reversal(world.hr2, "left before payday", paycheck_id=held.paycheck_id)  # two people
    corrections.reverse_paycheck(held.paycheck_id, world.hr, "left before payday", on=NOW.date())
    add_bank_account(b.worker_id, {"routing_number": "021000021", "account_number": "5566778899",
                                   "account_type": "checking"})
    with pytest.raises(DomainError, match="reversed") as exc:
        payments.reissue_payment(held.id, world.finance)
    assert exc.value.code == "paycheck_reversed"
    assert assert_ledger_balanced()["accounts"]["2400"] == Decimal("0.00")


def test_the_approvals_audit_record_counts_the_payments_totals_net_pay_and_names_the_holds(db, world):
    """Contractors (net = gross): 25.00 × 40 = 1,000.00, 30.00 × 40 = 1,200.00, 40.00 × 40 = 1,600.00. The first
    worker adds a savings account taking 30% (300.00; the remainder 700.00 stays on the first account), the second
    closes theirs. Approval (its one chunk) writes four payments — 700.00 + 300.00, 1,200.00 held, 1,600.00 — and
    one audit record for the lot: chunk 0, count 4, total 3,800.00 = 380,000 cents (the parts of a paycheck add up
    to its net pay), and the one hold with its paycheck and reason."""
    import json

    from backoffice.audit import AuditLog
    from backoffice.workers.profile import BankAccount
    from backoffice.workers.profile_services import add_bank_account, remove_bank_account
    from payroll.models import Paycheck
    from payroll.models_ledger import Payment
    from payroll.services import runs

    a, b, c = (world.worker(kind="contractor", rate=r) for r in ("25.00", "30.00", "40.00"))
    for e in (a, b, c):
        world.time(e)
    add_bank_account(a.worker_id, {"routing_number": "021000021", "account_number": "5566778899",
                                   "account_type": "savings", "split_kind": "percent", "split_percent": "30"})
    run = world.regular_run()
    runs.start_calculation(run.id, world.hr)
    (old,) = db.session.execute(sa.select(BankAccount).where(BankAccount.worker_id == b.worker_id)).scalars()
    remove_bank_account(b.worker_id, old.id)

    runs.approve_run(run.id, world.hr2)
    pays = db.session.execute(sa.select(Payment.worker_id, Payment.part, Payment.amount, Payment.account_type,
                                        Payment.status).where(Payment.run_id == run.id)
                              .order_by(Payment.worker_id, Payment.part)).all()
    assert pays == [(a.worker_id, 0, Decimal("300.00"), "savings", "pending"),
                    (a.worker_id, 1, Decimal("700.00"), "checking", "pending"),
                    (b.worker_id, 0, Decimal("1200.00"), "", "held"),
                    (c.worker_id, 0, Decimal("1600.00"), "checking", "pending")]
    held_check = db.session.execute(sa.select(Paycheck.id).where(Paycheck.run_id == run.id,
                                                                Paycheck.worker_id == b.worker_id)).scalar_one()
    (record,) = db.session.execute(sa.select(AuditLog).where(AuditLog.model == "payment", AuditLog.action == "create",
                                                             AuditLog.record_id == f"run {run.id}")).scalars()
    assert json.loads(record.changes) == {"chunk": 0, "count": 4, "total_cents": 380000, "held": [
        {"paycheck_id": held_check, "reason": "no active bank account"}]}


def test_payments_are_written_in_paycheck_and_part_order_whoever_makes_them(db, world):
    """Contractors (net = gross): 25.00 × 40 = 1,000.00, 30.00 × 40 = 1,200.00, 40.00 × 40 = 1,600.00. The first
    and the third split (30% to savings: 300.00 + 700.00; 480.00 + 1,120.00), the second pays all to one account.
    The database pays the second whole and this process makes the splits, in one INSERT: the payment ids still
    follow the paychecks' ids, then the parts — 300.00, 700.00, 1,200.00, 480.00, 1,120.00 — so the NACHA file's
    traces 1–5 are in that order."""
    from backoffice.workers.profile_services import add_bank_account
    from payroll.models import Paycheck
    from payroll.models_ledger import Payment
    from payroll.services import payments, runs

    a, b, c = (world.worker(kind="contractor", rate=r) for r in ("25.00", "30.00", "40.00"))
    for e in (a, b, c):
        world.time(e)
    for e in (a, c):
        add_bank_account(e.worker_id, {"routing_number": "021000021", "account_number": "5566778899",
                                       "account_type": "savings", "split_kind": "percent", "split_percent": "30"})
    run = world.regular_run()
    runs.start_calculation(run.id, world.hr)
    runs.approve_run(run.id, world.hr2)
    payments.generate_nacha(run.id, world.finance, now=NOW, effective_date=SETTLES)

    pays = db.session.execute(sa.select(Paycheck.id, Payment.part, Payment.amount, Payment.trace_number)
                              .join(Paycheck, Paycheck.id == Payment.paycheck_id)
                              .where(Payment.run_id == run.id).order_by(Payment.id)).all()
    assert [p[0] for p in pays] == sorted(p[0] for p in pays)
    assert [(p.part, p.amount, p.trace_number[-1]) for p in pays] == [
        (0, Decimal("300.00"), "1"), (1, Decimal("700.00"), "2"), (0, Decimal("1200.00"), "3"),
        (0, Decimal("480.00"), "4"), (1, Decimal("1120.00"), "5")]


def test_an_account_closed_while_the_payments_are_made_refuses_the_chunks_approval_and_writes_nothing(
        db, world, monkeypatch):
    """Contractors 25.00 × 40 = 1,000.00 and 30.00 × 40 = 1,200.00, one account each. The splits are read (none),
    then — before the INSERT pays the rest whole — the second worker's account is closed (standing in for another
    session): that paycheck would get no payment, so the approval of the run's chunk is refused (accounts_changed,
    "resume its approval (chunk 0)") and no payment is written, not even the first worker's 1,000.00; the run is
    approved with its chunk pending. Resumed (the closing, made here inside the refused transaction, rolled back
    with it), the chunk pays both: 1,000.00 and 1,200.00."""
    from backoffice.errors import DomainError
    from backoffice.workers.profile import BankAccount
    from payroll.models import PayrollRun
    from payroll.models_ledger import Payment
    from payroll.services import payments, runs

    a, b = (world.worker(kind="contractor", rate=r) for r in ("25.00", "30.00"))
    for e in (a, b):
        world.time(e)
    run = world.regular_run()
    runs.start_calculation(run.id, world.hr)
    (acct,) = db.session.execute(sa.select(BankAccount.id).where(BankAccount.worker_id == b.worker_id)).scalars()
    split_parts = payments._split_parts

    def and_then_closed(checks):
        out = split_parts(checks)
        assert out == ([], [])
        db.session.execute(sa.update(BankAccount).where(BankAccount.id == acct).values(status="closed"))
        return out

    monkeypatch.setattr(payments, "_split_parts", and_then_closed)
    with pytest.raises(DomainError) as refused:
        runs.approve_run(run.id, world.hr2)
    assert refused.value.code == "accounts_changed"
    assert "resume its approval (chunk 0)" in refused.value.message
    assert db.session.execute(sa.select(sa.func.count()).select_from(Payment)).scalar() == 0
    assert db.session.get(PayrollRun, run.id).state == "approved"
    assert runs.pending_approval_chunks(run.id) == [0]
    monkeypatch.undo()
    assert runs.resume_approval(run.id, world.hr) == [0]
    assert runs.pending_approval_chunks(run.id) == []
    assert db.session.execute(sa.select(Payment.worker_id, Payment.amount, Payment.status)
                              .order_by(Payment.worker_id)).all() == [(a.worker_id, Decimal("1000.00"), "pending"),
                                                                      (b.worker_id, Decimal("1200.00"), "pending")]


def test_a_held_payment_released_before_the_run_is_paid_must_be_filed_then_goes_out_with_the_rest(db, world):
    """Contractors (net = gross) 1,000.00, 1,200.00 (held: no account) and 1,600.00; file A carries 2,600.00. The
    held payment is released to a new account before the run is marked paid: its 1,200.00 is pending and in no
    file, so marking paid is refused (the one pass over the payments counts it; the held one it replaced is not
    counted). Filed in B, the run is marked paid: one cash-out entry of 1,000.00 + 1,200.00 + 1,600.00 =
    3,800.00, nothing left owed."""
    from backoffice.errors import DomainError
    from backoffice.workers.profile_services import add_bank_account
    from payroll.models_ledger import JournalEntry
    from payroll.services import payments, runs

    run, (a, b, c) = _calculated_then_closed(db, world, ("25.00", "30.00", "40.00"))
    runs.approve_run(run.id, world.hr2)
    f = payments.generate_nacha(run.id, world.finance, now=NOW, effective_date=SETTLES)
    assert (f.entry_count, f.total_credit) == (2, Decimal("2600.00"))

    (held,) = payments.held_payments(run.id)
    add_bank_account(b.worker_id, {"routing_number": "021000021", "account_number": "5566778899",
                                   "account_type": "checking"})
    released = payments.reissue_payment(held.id, world.finance)
    assert (released.status, released.amount, released.nacha_file_id) == ("pending", Decimal("1200.00"), None)
    assert payments.cash_out(run.id)[1] == 1
    with pytest.raises(DomainError, match="generate the NACHA file"):
        runs.mark_paid(run.id, world.finance)

    f2 = payments.generate_nacha(run.id, world.finance, now=NOW, effective_date=SETTLES)
    assert (f2.file_id_modifier, f2.entry_count, f2.total_credit) == ("B", 1, Decimal("1200.00"))
    assert payments.cash_out(run.id)[1] == 0
    runs.mark_paid(run.id, world.finance)
    assert db.session.execute(sa.select(sa.func.count()).select_from(JournalEntry).where(
        JournalEntry.run_id == run.id, JournalEntry.kind == "payment")).scalar() == 1
    tb = assert_ledger_balanced()
    assert (tb["accounts"]["1000"], tb["accounts"]["2400"]) == (Decimal("-3800.00"), Decimal("0.00"))
