"""Billing API: request and response schemas (invoices and their lines)."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from backoffice.api.fields import Id, Page, PerPage
from backoffice.billing.models import INVOICE_KINDS, INVOICE_STATUSES

# `overdue` is not a stored status: open (sent, partially paid) with the due date passed
STATUS_FILTERS = INVOICE_STATUSES + ("overdue",)


class InvoiceArgs(Schema):
    page = Page()
    per_page = PerPage()
    client_id = Id(load_default=None)
    status = fields.String(load_default=None, validate=validate.OneOf(STATUS_FILTERS),
                           metadata={"description": "a status, or overdue"})
    kind = fields.String(load_default=None, validate=validate.OneOf(INVOICE_KINDS))


class InvoiceLineOut(Schema):
    id = fields.Integer()
    worker_id = fields.Integer(allow_none=True)
    engagement_id = fields.Integer(allow_none=True)
    timesheet_id = fields.Integer(allow_none=True)
    paycheck_id = fields.Integer(allow_none=True)
    task_completion_id = fields.Integer(allow_none=True)
    description = fields.String()
    quantity = fields.Decimal(as_string=True)
    unit = fields.String()
    rate = fields.Decimal(as_string=True)
    amount = fields.Decimal(as_string=True)
    breakdown = fields.Dict(allow_none=True, metadata={
        "description": "cost-plus lines: wages, employer_taxes, benefits, workers_comp, cost, markup_rate, markup "
                       "(decimal strings) and, for a paycheck shared between clients, how it was allocated"})


class InvoiceOut(Schema):
    id = fields.Integer()
    number = fields.String(allow_none=True, metadata={"description": "INV-000001 / CN-000001; null while draft"})
    kind = fields.String()
    client_id = fields.Integer()
    worker_id = fields.Integer(allow_none=True, metadata={"description": "per-worker invoices: the worker"})
    status = fields.String()
    overdue = fields.Boolean()
    period = fields.String(metadata={"description": "the service period, start/end (ISO dates)"})
    period_start = fields.Date()
    period_end = fields.Date()
    issue_date = fields.Date(allow_none=True)
    due_date = fields.Date(allow_none=True)
    po_number = fields.String()
    total = fields.Decimal(as_string=True)
    balance = fields.Decimal(as_string=True)
    credits_invoice_id = fields.Integer(allow_none=True)
    sent_at = fields.DateTime(allow_none=True)
    sent_to = fields.String()


class InvoiceDetail(InvoiceOut):
    lines = fields.List(fields.Nested(InvoiceLineOut))


class InvoicePage(Schema):
    items = fields.List(fields.Nested(InvoiceOut))
    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()
