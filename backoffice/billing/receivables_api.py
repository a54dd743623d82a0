"""Receivables API: a payment received on an invoice (POST /api/v1/invoices/{id}/payments) and the aging report.

A client's approver may read their own client's invoices but never record a payment (403); another client's
invoice is 404 to them, as it is in billing's invoice endpoints; workers hold no invoice right (403)."""
from __future__ import annotations

import sqlalchemy as sa
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from backoffice.api import current_api_user, json_object
from backoffice.api.fields import Day, Number
from backoffice.billing import receipts
from backoffice.billing.aging import aging_report
from backoffice.billing.buckets import totals
from backoffice.billing.models import Invoice
from backoffice.clock import clock
from backoffice.dates import optional_date
from backoffice.errors import NotFound
from backoffice.extensions import db
from backoffice.security.access import require, scoped

blp = Blueprint("receivables", __name__, url_prefix="/api/v1", description="Receivables: payments and aging")


class ClientPaymentIn(Schema):
    amount = Number(required=True, metadata={"description": "more than 0 and at most the invoice's balance "
                                                            "(an overpayment is refused: 422 on amount)"})
    received_on = Day(required=True, metadata={"description": "the day the money arrived (not in the future, not "
                                                              "before the invoice's issue date)"})
    reference = fields.String(metadata={"description": "check number, wire or ACH reference (at most 200)"})
    method = fields.String(metadata={"description": "ach (default), check, wire, card or other"})


class ClientPaymentOut(Schema):
    id = fields.Integer()
    client_id = fields.Integer()
    amount = fields.String()
    received_on = fields.String()
    reference = fields.String()
    method = fields.String()
    source = fields.String()
    unapplied = fields.String()


class PaidInvoiceOut(Schema):
    id = fields.Integer()
    number = fields.String()
    total = fields.String()
    balance = fields.String()
    status = fields.String()


class ClientPaymentResultOut(Schema):
    payment = fields.Nested(ClientPaymentOut)
    invoice = fields.Nested(PaidInvoiceOut)
    balance = fields.String(metadata={"description": "the invoice's balance after the payment"})
    status = fields.String(metadata={"description": "the invoice's status after it: partially_paid or paid"})


class ReceivablesAgingArgs(Schema):
    as_of = fields.String(metadata={"description": "YYYY-MM-DD (default today)"})
    client_id = fields.Integer()


class ReceivablesAgingRowOut(Schema):
    client_id = fields.Integer(allow_none=True)
    client_name = fields.String()
    current = fields.String()
    days_1_30 = fields.String()
    days_31_60 = fields.String()
    days_61_90 = fields.String()
    days_90_plus = fields.String()
    credits = fields.String()
    total = fields.String()
    invoices = fields.Integer()
    oldest_days = fields.Integer()


class ReceivablesAgingOut(Schema):
    as_of = fields.String()
    rows = fields.List(fields.Nested(ReceivablesAgingRowOut))
    total = fields.Nested(ReceivablesAgingRowOut)


def _invoice_seen(ident: int) -> Invoice:
    user = current_api_user()
    require(user, "invoice", "read")
    inv = db.session.execute(scoped(sa.select(Invoice).where(Invoice.id == ident), user, "invoice")
                             ).scalar_one_or_none()
    if inv is None:
        raise NotFound(f"invoice {ident} not found")
    return inv


def _money(row: dict) -> dict:
    return {k: (str(v) if hasattr(v, "quantize") else v) for k, v in row.items()}


@blp.route("/invoices/<int:ident>/payments", methods=["POST"])
@blp.doc(requestBody={"required": True, "content": {"application/json": {"schema": ClientPaymentIn}}})
@blp.response(201, ClientPaymentResultOut)
def post_payment(ident):
    """Record a payment received on an invoice: 201 with the payment and the invoice's new balance and status;
    422 naming each bad field (amount above the balance included); 409 when the invoice is not open."""
    user = current_api_user()
    _invoice_seen(ident)
    payment, inv = receipts.record_payment(ident, json_object(), user, today=clock().today(), source="api")
    return {"payment": receipts.payment_dict(payment),
            "invoice": {"id": inv.id, "number": inv.number, "total": str(inv.total), "balance": str(inv.balance),
                        "status": inv.status},
            "balance": str(inv.balance), "status": inv.status}


@blp.route("/receivables/aging")
@blp.arguments(ReceivablesAgingArgs, location="query")
@blp.response(200, ReceivablesAgingOut)
def get_aging(args):
    """Open receivables by client: current, 1–30, 31–60, 61–90 and 90+ days past due on `as_of`."""
    user = current_api_user()
    require(user, "client_payment", "read")
    as_of = optional_date(args.get("as_of"), "as_of") or clock().today()
    rows = aging_report(as_of, client_id=args.get("client_id"))
    return {"as_of": as_of.isoformat(), "rows": [_money(r.as_dict()) for r in rows],
            "total": _money(totals(rows).as_dict())}
