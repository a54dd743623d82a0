"""Receivables aging as of a date, by client: open balances read from the database, bucketed by buckets.py.

An invoice's balance as of a date is its total less what was paid (applied_on), credited (credit notes issued)
and written off (approved) on or before that date, so the report for a past date is what the books said then;
a credit note's open credit counts from its issue date. Drafts and void invoices are never open. This is also
what the finance dashboard's AR aging chart reads (`aging_report`).
"""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from backoffice.billing.buckets import AgingRow, OpenItem, age
from backoffice.billing.models import Invoice
from backoffice.billing.receivables_models import PaymentApplication, WriteOff
from backoffice.extensions import db
from backoffice.money import from_cents
from backoffice.workers.models import Client

ISSUED = ("sent", "partially_paid", "paid", "written_off")


def _cents(column):
    return sa.func.coalesce(sa.func.sum(sa.cast(column, sa.BigInteger)), 0, type_=sa.BigInteger)


def open_items(as_of: date, *, client_id: int | None = None) -> list[OpenItem]:
    """Every invoice with something owing on `as_of`, and every credit note with open credit then."""
    paid = (sa.select(PaymentApplication.invoice_id.label("iid"), _cents(PaymentApplication.amount).label("c"))
            .where(PaymentApplication.applied_on <= as_of).group_by(PaymentApplication.invoice_id).subquery())
    written = (sa.select(WriteOff.invoice_id.label("iid"), _cents(WriteOff.amount).label("c"))
               .where(WriteOff.status == "approved", WriteOff.decided_on <= as_of)
               .group_by(WriteOff.invoice_id).subquery())
    cn = sa.orm.aliased(Invoice)
    # a credit note's part used against the invoice it credits: its total less the credit still open on it
    credited = (sa.select(cn.credits_invoice_id.label("iid"),
                          (_cents(cn.total) - _cents(cn.balance)).label("c"))
                .where(cn.kind == "credit_note", cn.status.in_(ISSUED), cn.issue_date <= as_of)
                .group_by(cn.credits_invoice_id).subquery())
    owed = (sa.cast(Invoice.total, sa.BigInteger) - sa.func.coalesce(paid.c.c, 0)
            - sa.func.coalesce(written.c.c, 0) - sa.func.coalesce(credited.c.c, 0))
    stmt = (sa.select(Invoice.id, Invoice.number, Invoice.client_id, Client.name, Invoice.due_date, owed)
            .join(Client, Client.id == Invoice.client_id)
            .outerjoin(paid, paid.c.iid == Invoice.id).outerjoin(written, written.c.iid == Invoice.id)
            .outerjoin(credited, credited.c.iid == Invoice.id)
            .where(Invoice.kind == "invoice", Invoice.status.in_(ISSUED), Invoice.issue_date <= as_of))
    credit = (sa.select(Invoice.id, Invoice.number, Invoice.client_id, Client.name, Invoice.issue_date,
                        sa.cast(Invoice.balance, sa.BigInteger))
              .join(Client, Client.id == Invoice.client_id)
              .where(Invoice.kind == "credit_note", Invoice.status.in_(ISSUED), Invoice.issue_date <= as_of,
                     Invoice.balance > 0))
    if client_id is not None:
        stmt = stmt.where(Invoice.client_id == client_id)
        credit = credit.where(Invoice.client_id == client_id)
    items = [OpenItem(cid, name, "invoice", from_cents(c), due, number or "", iid)
             for iid, number, cid, name, due, c in db.session.execute(stmt) if c > 0]
    items += [OpenItem(cid, name, "credit_note", from_cents(c), issued, number or "", iid)
              for iid, number, cid, name, issued, c in db.session.execute(credit)]
    return items


def aging_report(as_of: date, *, client_id: int | None = None) -> list[AgingRow]:
    """Open receivables by client and bucket (current, 1–30, 31–60, 61–90, 90+ days past due) on `as_of`: one
    AgingRow per client with fields current, days_1_30, days_31_60, days_61_90, days_90_plus, credits, total
    (Decimal) and `as_dict()`; clients owing nothing are left out."""
    return age(open_items(as_of, client_id=client_id), as_of)
