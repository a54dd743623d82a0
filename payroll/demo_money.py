"""Demo money loop (after the payroll demo): the quarter's tax deposits planned, the first one paid, and one bank
return file imported with a return (R01) and a notification of change (C01)."""
from __future__ import annotations

import random
from datetime import date

import sqlalchemy as sa

from backoffice.clock import FixedClock
from backoffice.extensions import db
from backoffice.security.models import User
from backoffice.workers.profile import BankAccount
from payroll.engine.deposits import quarter_bounds
from payroll.models import PayrollRun
from payroll.models_ledger import Payment
from payroll.models_money import BankFile, TaxDeposit
from payroll.payments.return_file import ReturnItem, corrected_data_field, write_return_file
from payroll.services.bank_files import import_return_file
from payroll.services.deposits import pay_deposit, plan_deposits
from payroll.services.payments import originator


def seed(rng: random.Random, today: date) -> list[str]:
    if db.session.execute(sa.select(TaxDeposit.id).limit(1)).first() or \
            db.session.execute(sa.select(BankFile.id).limit(1)).first():
        return ["money-loop demo already present"]
    finance = db.session.execute(sa.select(User).where(User.email == "finance@tandem.example")).scalar_one_or_none()
    paid = db.session.execute(sa.select(PayrollRun).where(PayrollRun.state == "paid", PayrollRun.kind == "regular")
                              .order_by(PayrollRun.id.desc())).scalars().first()
    if finance is None or paid is None:
        return ["money-loop demo: no paid run or finance user; skipped"]
    start = quarter_bounds(paid.pay_date)[0]
    made = plan_deposits(start, max(today, paid.pay_date), finance)
    if made:
        pay_deposit(made[0].id, finance, paid_on=today, confirmation=f"EFT{rng.randint(10**8, 10**9 - 1)}")
    sent = db.session.execute(sa.select(Payment).where(Payment.run_id == paid.id, Payment.status == "sent")
                              .order_by(Payment.id).limit(2)).scalars().all()
    lines = [f"money loop: {len(made)} tax deposit(s) planned for the quarter, {1 if made else 0} paid"]
    if len(sent) == 2:
        items = []
        for p, code in zip(sent, ("R01", "C01")):
            acct = db.session.get(BankAccount, p.bank_account_id)
            fixed = f"{rng.randint(10**7, 10**9)}"
            items.append(ReturnItem(code=code, original_trace=p.trace_number, individual_id=str(p.paycheck_id),
                                    name="DEMO WORKER", receiver_routing=p.routing_number,
                                    account=acct.account_number, account_type=p.account_type, amount=p.amount,
                                    corrected_data=corrected_data_field(code, account=fixed) if code == "C01" else ""))
        info = originator()
        text = write_return_file(items, odfi_routing=info.odfi_id, company_name=info.company_name,
                                 company_id=info.effective_company_id, created_at=FixedClock(today).now(),
                                 settlement=today)
        r = import_return_file(text, finance, on=today, filename="demo-returns.ach")
        lines.append(f"money loop: bank return file #{r.file_id} imported ({r.summary()})")
    return lines
