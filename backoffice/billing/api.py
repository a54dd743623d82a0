"""Billing API: invoices (a client's approver reads their client's issued invoices; another client's id is 404),
one invoice with its lines, its PDF. Receivables adds POST /invoices/{id}/payments to this blueprint."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Response
from flask_smorest import Blueprint

from backoffice.api import current_api_user, page_of
from backoffice.billing.models import OPEN_STATUSES, Invoice
from backoffice.billing.schemas import InvoiceArgs, InvoiceDetail, InvoicePage
from backoffice.billing.services.documents import invoice_filename, invoice_pdf
from backoffice.clock import clock
from backoffice.errors import NotFound
from backoffice.extensions import db
from backoffice.security.access import require, scoped

blp = Blueprint("billing_api", __name__, url_prefix="/api/v1", description="Client invoices")

LINE_FIELDS = ("id", "worker_id", "engagement_id", "timesheet_id", "paycheck_id", "task_completion_id",
               "description", "quantity", "unit", "rate", "amount", "breakdown")


def overdue_filter(today):
    return sa.and_(Invoice.status.in_(OPEN_STATUSES), Invoice.due_date < today)


def invoice_for(ident: int) -> Invoice:
    """The invoice if the caller may read it (their client's, for an approver), else 404."""
    user = current_api_user()
    require(user, "invoice", "read")
    inv = db.session.execute(scoped(sa.select(Invoice).where(Invoice.id == ident), user, "invoice")
                             ).scalar_one_or_none()
    if inv is None:
        raise NotFound(f"invoice {ident} not found")
    return inv


def invoice_json(inv: Invoice, today, *, lines: bool = False) -> dict:
    out = {name: getattr(inv, name) for name in ("id", "number", "kind", "client_id", "worker_id", "status",
                                                 "period", "period_start", "period_end", "issue_date", "due_date",
                                                 "po_number", "total", "balance", "credits_invoice_id", "sent_at",
                                                 "sent_to")}
    out["overdue"] = inv.is_overdue(today)
    if lines:
        out["lines"] = [{f: getattr(ln, f) for f in LINE_FIELDS} for ln in inv.lines]
    return out


@blp.route("/invoices")
@blp.arguments(InvoiceArgs, location="query")
@blp.response(200, InvoicePage)
def list_invoices(args):
    """Invoices and credit notes, newest first (`status=overdue`: open with the due date passed)."""
    today = clock().today()
    f = []
    if args["client_id"]:
        f.append(Invoice.client_id == args["client_id"])
    if args["kind"]:
        f.append(Invoice.kind == args["kind"])
    if args["status"] == "overdue":
        f.append(overdue_filter(today))
    elif args["status"]:
        f.append(Invoice.status == args["status"])
    page = page_of(Invoice, "invoice", args, f, Invoice.id.desc())
    page["items"] = [invoice_json(inv, today) for inv in page["items"]]
    return page


@blp.route("/invoices/<int:ident>")
@blp.response(200, InvoiceDetail)
def get_invoice(ident):
    """One invoice with its lines: each names the worker, engagement and what it bills (timesheet, task or
    paycheck), its quantity, unit, rate and amount; `total` is the sum of the lines, `balance` what is owed."""
    return invoice_json(invoice_for(ident), clock().today(), lines=True)


@blp.route("/invoices/<int:ident>/pdf")
@blp.response(200, {"type": "string", "format": "binary"}, content_type="application/pdf")
def invoice_pdf_view(ident):
    """The invoice as PDF (what the client's billing contact receives)."""
    inv = invoice_for(ident)
    return Response(invoice_pdf(inv), mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{invoice_filename(inv)}"'})


# Receivables (payments received against an invoice) attach their routes to `blp` below this line.
