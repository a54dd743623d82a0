"""Billing API: invoices (a client's approver reads their client's issued invoices; another client's id is 404),
one invoice with its lines, its PDF; invoicing through a date as a background run, and its progress. Receivables
adds POST /invoices/{id}/payments to this blueprint."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Response
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from backoffice.api import current_api_user, json_object, page_of
from backoffice.billing.models import OPEN_STATUSES, Invoice
from backoffice.billing.schemas import InvoiceArgs, InvoiceDetail, InvoicePage
from backoffice.billing.services.documents import invoice_filename, invoice_pdf
from backoffice.clock import clock
from backoffice.errors import Issue, NotFound, ValidationFailed
from backoffice.extensions import db
from backoffice.security.access import can, require, scoped

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



# ------------------------------------------------------------------------------------------------ invoicing runs
class InvoicingRunIn(Schema):
    through = fields.String(required=True, metadata={"description": "YYYY-MM-DD: every invoice period ended by "
                                                                    "this date"})
    client_id = fields.Integer(allow_none=True, metadata={"description": "only this client (default: every "
                                                                         "active client)"})
    draft = fields.Boolean(metadata={"description": "leave the invoices as drafts (default false: issued today)"})


class InvoicingRunOut(Schema):
    id = fields.Integer()
    through = fields.String()
    client_id = fields.Integer(allow_none=True)
    issue = fields.Boolean()
    issue_date = fields.String()
    state = fields.String(metadata={"description": "queued, running, done or failed"})
    clients_done = fields.Integer()
    clients_total = fields.Integer()
    percent = fields.Integer()
    invoice_count = fields.Integer()
    invoiced_total = fields.String()
    invoice_ids = fields.List(fields.Integer())
    skipped = fields.List(fields.String(), metadata={"description": "what was not billed, and why"})
    error = fields.String()
    status = fields.String(metadata={"description": "where it stands, in words"})


def _may_invoice() -> object:
    """Invoicing runs are every client's figures: for those who may invoice; anyone else gets 404."""
    user = current_api_user()
    if not can(user, "invoice", "create"):
        raise NotFound("invoicing runs are not available to you")
    return user


def run_json(run) -> dict:
    from backoffice.billing.services.invoicing_runs import run_invoices, summary

    return {"id": run.id, "through": run.through.isoformat(), "client_id": run.client_id, "issue": run.issue,
            "issue_date": run.issue_date.isoformat(), "state": run.state, "clients_done": run.clients_done,
            "clients_total": run.clients_total, "percent": run.percent, "invoice_count": run.invoice_count,
            "invoiced_total": str(run.invoiced_total), "invoice_ids": [i.id for i in run_invoices(run.id)],
            "skipped": list(run.skipped or []), "error": run.error, "status": summary(run)}


@blp.route("/invoicing-runs", methods=["POST"])
@blp.doc(requestBody={"required": True, "content": {"application/json": {"schema": InvoicingRunIn}}})
@blp.response(202, InvoicingRunOut)
def post_invoicing_run():
    """Invoice through a date in the background (the `billing.run_invoicing` task): 202 with the run; follow it
    with GET /invoicing-runs/{id}. 422 naming each bad field. Safe to repeat: nothing is billed twice."""
    from backoffice.billing.services.invoicing_runs import get_run, request_invoicing
    from backoffice.billing.tasks import RUN_INVOICING
    from backoffice.tasks import enqueue

    user = _may_invoice()
    data = json_object()
    draft = data.get("draft", False)
    if not isinstance(draft, bool):
        raise ValidationFailed([Issue("draft", "must be true or false", "invalid")])
    run = request_invoicing(data.get("through"), data.get("client_id"), issue=not draft,
                            issue_date=clock().today(), user=user)
    enqueue(RUN_INVOICING, run.id)          # after the commit; eager (done by now) without a broker
    return run_json(get_run(run.id))


@blp.route("/invoicing-runs/<int:ident>")
@blp.response(200, InvoicingRunOut)
def get_invoicing_run(ident):
    """One invoicing run: its state and progress (clients done of clients total), the invoices it made, what it
    did not bill and why, its error."""
    from backoffice.billing.services.invoicing_runs import get_run

    _may_invoice()
    return run_json(get_run(ident))


# Receivables (payments received against an invoice) attach their routes to `blp` below this line.
