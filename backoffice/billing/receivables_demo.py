"""Demo receivables, on top of billing's demo invoices: a client on short terms (so one invoice is overdue on the
demo day), a partly paid invoice, one paid in full, a bank statement with a receipt that matched nothing (to apply
by hand), a credit note for a corrected line, and a write-off waiting for a second person."""
from __future__ import annotations

import random
from datetime import date, timedelta

import sqlalchemy as sa

from backoffice.billing import bank_import, credit_notes, receipts, writeoffs
from backoffice.billing.models import Invoice
from backoffice.billing.receivables_models import ClientPayment
from backoffice.extensions import db
from backoffice.money import D, round_cents
from backoffice.security.models import User
from backoffice.workers.models import Client
from payroll.models import Paycheck, PaycheckLine, PayrollRun

# days: due on receipt. The demo's paid week is invoiced the Monday a week before the demo day's week, 7 to 13
# days before it, so that invoice is past due on the demo day
SHORT_TERMS = 0


def short_terms(rng: random.Random, today: date) -> list[str]:
    """Before billing's demo issues its invoices: the first client paid in a paid run pays on receipt."""
    client_id = db.session.execute(
        sa.select(PaycheckLine.client_id).join(Paycheck, Paycheck.id == PaycheckLine.paycheck_id)
        .join(PayrollRun, PayrollRun.id == Paycheck.run_id)
        .where(PayrollRun.state == "paid", PaycheckLine.client_id.is_not(None))
        .order_by(PaycheckLine.client_id).limit(1)).scalar()
    if client_id is None:
        return []
    client = db.session.get(Client, client_id)
    client.payment_terms_days = SHORT_TERMS
    db.session.commit()
    return [f"receivables: {client.name} pays on receipt (terms {SHORT_TERMS} days)"]


def _user(email: str):
    return db.session.execute(sa.select(User).where(User.email == email)).scalar_one_or_none()


def seed(rng: random.Random, today: date) -> list[str]:
    if db.session.execute(sa.select(ClientPayment.id).limit(1)).first():
        return ["receivables demo already present"]
    finance = _user("finance@tandem.example")
    if finance is None:
        return []
    sent = list(db.session.execute(sa.select(Invoice).where(Invoice.kind == "invoice", Invoice.status == "sent",
                                                             Invoice.total > 0)
                                   .order_by(Invoice.issue_date, Invoice.id)).scalars())
    if not sent:
        return ["receivables: no sent invoice to pay"]
    overdue = [i for i in sent if i.due_date < today]
    current = [i for i in sent if i.due_date >= today]
    out = []
    ids = [i.id for i in current]
    if ids:                                       # partly paid: 40% by check three days after issue
        inv = db.session.get(Invoice, ids.pop(0))
        part = round_cents(inv.total * D("0.40"))
        receipts.record_payment(inv.id, {"amount": str(part), "received_on": min(today, inv.issue_date
                                                                                  + timedelta(days=3)).isoformat(),
                                         "reference": "check 20417", "method": "check"}, finance, today=today)
        out.append(f"receivables: {inv.number} partly paid ({part} of {inv.total})")
    if ids:                                       # a credit note for its last line (hours corrected)
        inv = db.session.get(Invoice, ids.pop(0))
        note = credit_notes.credit_invoice_lines(inv.id, [inv.lines[-1].id], "hours corrected after the invoice was "
                                                 "sent", finance, today=today)
        out.append(f"receivables: {note.number} credits {note.total} of {inv.number}")
    if ids:                                       # a bank statement: one receipt paying by number, one unknown
        inv = db.session.get(Invoice, ids.pop(0))
        day = min(today, inv.issue_date + timedelta(days=5)).isoformat()
        content = (f"date,amount,reference,payer\n{day},{inv.total},PAYMENT {inv.number},{inv.client.name}\n"
                   f"{day},{rng.randint(120, 480)}.00,ACH CREDIT 88213,NORTHSIDE HOLDINGS\n").encode()
        result = bank_import.import_statement(content, "demo-bank-statement.csv", finance, today=today)
        out.append(f"receivables: bank statement imported ({result.matched} matched, {result.unmatched} to apply "
                   "by hand)")
    for inv in overdue[:1]:                       # overdue, with a write-off of part of it waiting for approval
        w = writeoffs.request_write_off(inv.id, str(round_cents(min(inv.total, D("25.00")))),
                                        "disputed late fee", finance, today=today)
        out.append(f"receivables: {inv.number} overdue since {inv.due_date}; write-off #{w.id} of {w.amount} "
                   "waiting for a second approver")
    if not overdue:
        out.append("receivables: no invoice is past due on the demo day")
    return out


def register(app) -> None:
    """The short-terms step just before billing's demo step (whatever order init_app ran in); the rest after."""
    from backoffice.workers import add_demo_step

    steps = app.extensions.setdefault("demo_steps", [])
    if short_terms not in steps:
        at = next((i for i, s in enumerate(steps) if getattr(s, "__module__", "") == "backoffice.billing.demo"),
                  None)
        if at is None:
            steps.append(short_terms)
        else:
            steps.insert(at, short_terms)
    add_demo_step(app, seed)
