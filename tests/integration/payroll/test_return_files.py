"""The bank's return/NOC file: an R01, an R03 and a C01 NOC → payments returned, account corrected, re-import idempotent."""
from __future__ import annotations

import json
from datetime import datetime, timezone
from decimal import Decimal

import achkit
import pytest
import sqlalchemy as sa

from backoffice.errors import PermissionDenied, ValidationFailed
from tests.integration.payroll.conftest import NOW, SETTLES, ROUTING_A, assert_ledger_balanced

CORRECTED = "7766554433"


def _paid_run(world):
    from payroll.services import payments, runs

    run = world.regular_run()
    runs.start_calculation(run.id, world.hr)
    runs.approve_run(run.id, world.hr2)
    payments.generate_nacha(run.id, world.finance, now=NOW, effective_date=SETTLES)
    runs.mark_paid(run.id, world.finance)
    return run


def return_file_for(payments_and_codes, *, created=NOW) -> str:
    """A bank return file (test helper on the product's writer) with one entry per (payment, code[, corrected])."""
    from backoffice.workers.profile import BankAccount
    from backoffice.extensions import db
    from payroll.payments.return_file import ReturnItem, corrected_data_field, write_return_file

    items = []
    for p, code, *rest in payments_and_codes:
        acct = db.session.get(BankAccount, p.bank_account_id)
        items.append(ReturnItem(
            code=code, original_trace=p.trace_number, individual_id=str(p.paycheck_id), name="WORKER",
            receiver_routing=p.routing_number, account=acct.account_number, account_type=p.account_type,
            amount=p.amount, corrected_data=corrected_data_field(code, account=rest[0]) if rest else ""))
    return write_return_file(items, odfi_routing=ROUTING_A, company_name="Tandem Staffing", company_id="1123456789",
                             created_at=created, settlement=created.date())


@pytest.fixture
def three_paid(db, world):
    from payroll.models_ledger import Payment

    es = [world.worker() for _ in range(3)]
    for e in es:
        world.time(e)
    run = _paid_run(world)
    pays = list(db.session.execute(sa.select(Payment).where(Payment.run_id == run.id).order_by(Payment.id)).scalars())
    assert [p.status for p in pays] == ["sent"] * 3
    return run, pays


def test_a_return_file_with_an_r01_an_r03_and_a_c01_returns_two_payments_and_corrects_one_account(
        db, world, three_paid):
    """Three sent payments. The bank's file returns the first (R01) and the second (R03) and sends a C01 NOC for
    the third with account number 7766554433. After the import: two payments returned (cash back, net pay owed
    again: 2400 is minus the two amounts), the third worker's account number corrected (last 4 "4433") with an
    audit entry, nothing else changed; the same file again changes nothing; the R01 sent again in another file is
    counted once."""
    from backoffice.audit import AuditLog
    from backoffice.workers.profile import BankAccount
    from payroll.models_money import BankFileEntry
    from payroll.services.bank_files import import_return_file

    run, (p1, p2, p3) = three_paid
    text = return_file_for([(p1, "R01"), (p2, "R03"), (p3, "C01", CORRECTED)])
    # An independent NACHA validator (achkit, PyPI) reads it: lengths, blocking, counts and entry hash agree.
    # achkit counts only transaction codes ending 2/3 as credits, while Nacha's Appendix Three puts return code
    # 21 among the credits, so its only findings are the two credit totals (file and PPD batch) we write as Nacha.
    check = achkit.validate(text)
    assert {e["code"] for e in check["errors"]} == {"BAD_BATCH_CREDIT", "BAD_FILE_CREDIT"}, check
    parsed = achkit.parse(text)
    assert [b["sec"] for b in parsed["batches"]] == ["PPD", "COR"]
    assert [a["type"] for b in parsed["batches"] for e in b["entries"] for a in e["addenda"]] == ["99", "99", "98"]

    before = assert_ledger_balanced()["accounts"]
    r = import_return_file(text, world.finance, on=NOW.date())
    assert (r.returns, r.nocs, r.matched, r.unmatched, r.already, r.already_imported) == (2, 1, 3, 0, 0, False)
    for p in (p1, p2, p3):
        db.session.refresh(p)
    assert [(p1.status, p1.return_code), (p2.status, p2.return_code), (p3.status, p3.return_code)] == [
        ("returned", "R01"), ("returned", "R03"), ("sent", "")]
    acct = db.session.get(BankAccount, p3.bank_account_id)
    assert (acct.account_number, acct.account_last4) == (CORRECTED, "4433")
    events = db.session.execute(sa.select(AuditLog).where(AuditLog.action == "noc_applied")).scalars().all()
    assert len(events) == 1 and json.loads(events[0].changes)["fields"] == ["account_number"]
    assert CORRECTED not in events[0].changes                    # masked in the audit log
    after = assert_ledger_balanced()["accounts"]
    assert after["2400"] - before.get("2400", 0) == -(p1.amount + p2.amount)
    assert after["1000"] - before["1000"] == p1.amount + p2.amount

    again = import_return_file(text, world.finance, on=NOW.date())
    assert again.already_imported and again.file_id == r.file_id
    assert assert_ledger_balanced()["accounts"] == after
    assert db.session.execute(sa.select(sa.func.count()).select_from(BankFileEntry)).scalar() == 3

    # The bank sends the R01 again in a new file (other bytes): matched, but counted once.
    resent = return_file_for([(p1, "R01")], created=datetime(2026, 12, 2, 9, 0, tzinfo=timezone.utc))
    third = import_return_file(resent, world.finance, on=NOW.date())
    assert (third.already_imported, third.matched, third.already) == (False, 0, 1)
    assert assert_ledger_balanced()["accounts"] == after


def test_returned_payments_from_a_file_are_reissued_as_today(db, world, three_paid):
    """R01 may go to the same account again; R03 needs another account (returns.py policy)."""
    from backoffice.errors import DomainError
    from payroll.services import payments
    from payroll.services.bank_files import import_return_file

    run, (p1, p2, _) = three_paid
    import_return_file(return_file_for([(p1, "R01"), (p2, "R03")]), world.finance, on=NOW.date())
    again = payments.reissue_payment(p1.id, world.finance)
    assert (again.status, again.amount, again.bank_account_id) == ("pending", p1.amount, p1.bank_account_id)
    with pytest.raises(DomainError, match="R03"):
        payments.reissue_payment(p2.id, world.finance)


def test_unmatched_entries_are_counted_not_applied_and_a_broken_file_is_refused_whole(db, world, three_paid):
    from payroll.models_money import BankFile
    from payroll.services.bank_files import import_return_file

    run, (p1, _, _) = three_paid
    text = "\n".join(line[:6] + "091000010000099" + line[21:] if line.startswith("799") else line
                     for line in return_file_for([(p1, "R01")]).splitlines())    # another original trace
    r = import_return_file(text, world.finance, on=NOW.date())
    assert (r.matched, r.unmatched) == (0, 1)
    db.session.refresh(p1)
    assert p1.status == "sent"
    broken = return_file_for([(p1, "R01")]).splitlines()
    broken[2] = broken[2][:90]                                       # the entry detail record cut short
    with pytest.raises(ValidationFailed, match="row 3: record: record is 90 characters"):
        import_return_file("\n".join(broken), world.finance, on=NOW.date())
    assert db.session.execute(sa.select(sa.func.count()).select_from(BankFile)).scalar() == 1


def test_only_finance_may_import_return_files(db, world, three_paid):
    from payroll.services.bank_files import import_return_file

    _, (p1, _, _) = three_paid
    with pytest.raises(PermissionDenied):
        import_return_file(return_file_for([(p1, "R01")]), world.hr, on=NOW.date())


def test_cli_imports_a_return_file_and_prints_counts(app, db, world, three_paid, tmp_path):
    from payroll.models_ledger import Payment

    _, (p1, p2, p3) = three_paid
    path = tmp_path / "returns.ach"
    path.write_text(return_file_for([(p1, "R01"), (p2, "R03"), (p3, "C01", CORRECTED)]))
    runner = app.test_cli_runner()
    out = runner.invoke(args=["payroll", "returns", "import", str(path), "--user", world.finance.email,
                              "--on", "2026-12-01"])
    assert out.exit_code == 0, out.output
    assert "returns: 2  NOCs: 1  matched: 3  unmatched: 0  already imported: 0" in out.output
    out = runner.invoke(args=["payroll", "returns", "import", str(path), "--user", world.finance.email])
    assert out.exit_code == 0, out.output
    assert "matched: 0  unmatched: 0  already imported: 3" in out.output
    assert db.session.get(Payment, p1.id).status == "returned"
    assert Decimal(p1.amount) > 0


def test_noc_c02_and_c06_correct_routing_and_account_type_and_a_bad_routing_is_refused(db, world, three_paid):
    """C02 moves the first account to routing 121000358 (check digit valid); C06 gives the second account number
    5544332211 and transaction code 32 (savings); a C02 to 123456789 (check digit wrong) changes nothing and is
    reported as refused; C09 (individual id) is recorded only."""
    from backoffice.workers.profile import BankAccount
    from payroll.payments.return_file import ReturnItem, corrected_data_field, write_return_file
    from payroll.services.bank_files import import_return_file

    _, (p1, p2, p3) = three_paid
    items = []
    for p, code, data in ((p1, "C02", corrected_data_field("C02", routing="121000358")),
                          (p2, "C06", corrected_data_field("C06", account="5544332211", account_type="savings")),
                          (p3, "C02", corrected_data_field("C02", routing="123456789")),
                          (p3, "C09", "NEWID")):
        items.append(ReturnItem(code=code, original_trace=p.trace_number, individual_id=str(p.paycheck_id),
                                name="W", receiver_routing=p.routing_number, account="1", account_type="checking",
                                amount=p.amount, corrected_data=data))
    text = write_return_file(items, odfi_routing=ROUTING_A, company_name="Tandem", company_id="1123456789",
                             created_at=NOW, settlement=NOW.date())
    r = import_return_file(text, world.finance, on=NOW.date())
    assert [line["outcome"] for line in r.lines] == ["noc_applied", "noc_applied", "refused", "noc_recorded"]
    a1, a2, a3 = (db.session.get(BankAccount, p.bank_account_id) for p in (p1, p2, p3))
    assert a1.routing_number == "121000358"
    assert (a2.account_number, a2.account_last4, a2.account_type) == ("5544332211", "2211", "savings")
    assert a3.routing_number == ROUTING_A
    assert (r.matched, r.refused) == (3, 1)
