"""Client statements: what a client owes on a date — every open invoice (aged), the payments received and credit
notes issued in the period before it, open credit and unapplied cash — as data, a page and a PDF."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa
from flask import render_template

from backoffice.billing.aging import open_items
from backoffice.billing.buckets import BUCKETS, AgingRow, age, days_past_due
from backoffice.billing.models import Invoice
from backoffice.billing.receivables_models import ClientPayment, PaymentApplication
from backoffice.errors import NotFound
from backoffice.extensions import db
from backoffice.money import ZERO
from backoffice.pdf import render_pdf
from backoffice.workers.models import Agency, Client

PERIOD_DAYS = 90          # the activity a statement shows: the 90 days up to its date


@dataclass
class Statement:
    client: Client
    agency: Agency | None
    as_of: date
    since: date
    open_invoices: list[dict] = field(default_factory=list)     # number, issue_date, due_date, total, balance, days
    payments: list[dict] = field(default_factory=list)          # received_on, reference, amount, applied_to
    credits: list[dict] = field(default_factory=list)           # number, issue_date, credits, total, open
    unapplied: Decimal = ZERO
    aging: AgingRow | None = None
    buckets = BUCKETS

    @property
    def owed(self) -> Decimal:
        """Open invoices less open credit (unapplied cash is shown apart: it is not applied yet)."""
        return self.aging.total if self.aging is not None else ZERO


def statement(client_id: int, as_of: date, *, since: date | None = None) -> Statement:
    client = db.session.get(Client, client_id)
    if client is None:
        raise NotFound(f"client {client_id} not found")
    since = since or as_of - timedelta(days=PERIOD_DAYS)
    items = open_items(as_of, client_id=client_id)
    rows = age(items, as_of)
    st = Statement(client, db.session.execute(sa.select(Agency).limit(1)).scalar(), as_of, since,
                   aging=rows[0] if rows else None)
    for it in sorted(items, key=lambda i: (i.due_date, i.number)):
        if it.kind != "invoice":
            continue
        inv = db.session.get(Invoice, it.invoice_id)
        st.open_invoices.append({"id": inv.id, "number": inv.number, "issue_date": inv.issue_date,
                                 "due_date": inv.due_date, "total": inv.total, "balance": it.balance,
                                 "days": max(0, days_past_due(inv.due_date, as_of)), "po_number": inv.po_number})
    for p, number, amount in db.session.execute(
            sa.select(ClientPayment, Invoice.number, PaymentApplication.amount)
            .outerjoin(PaymentApplication, PaymentApplication.payment_id == ClientPayment.id)
            .outerjoin(Invoice, Invoice.id == PaymentApplication.invoice_id)
            .where(ClientPayment.client_id == client_id, ClientPayment.received_on > since,
                   ClientPayment.received_on <= as_of)
            .order_by(ClientPayment.received_on, ClientPayment.id)):
        st.payments.append({"received_on": p.received_on, "reference": p.reference, "method": p.method,
                            "amount": amount if amount is not None else p.amount, "applied_to": number or "unapplied"})
    for note in db.session.execute(
            sa.select(Invoice).where(Invoice.client_id == client_id, Invoice.kind == "credit_note",
                                     Invoice.status != "draft", Invoice.issue_date > since,
                                     Invoice.issue_date <= as_of).order_by(Invoice.issue_date, Invoice.id)).scalars():
        st.credits.append({"number": note.number, "issue_date": note.issue_date, "total": note.total,
                           "credits": note.credits_invoice.number if note.credits_invoice else "",
                           "open": note.balance, "memo": note.memo})
    st.unapplied = sum((p.unapplied for p in db.session.execute(
        sa.select(ClientPayment).where(ClientPayment.client_id == client_id, ClientPayment.unapplied > 0,
                                       ClientPayment.received_on <= as_of)).scalars()), ZERO)
    return st


def statement_html(st: Statement) -> str:
    return render_template("pdf/statement.html", st=st)


def statement_pdf(st: Statement) -> bytes:
    return render_pdf(statement_html(st))
