"""Admin pages of receivables (Billing menu): payments received (list, record one, apply unapplied cash, import a
bank statement), write-offs (ask; a second person approves or rejects), the aging report (filters, CSV, XLSX),
client statements (page and PDF) and credit notes for corrected lines. Every write goes through the services."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import Response, abort, flash, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_admin.actions import action
from flask_login import current_user

from backoffice.admin import ReadOnlyView, deny, domain_errors, staff_only
from backoffice.billing import bank_import, credit_notes, receipts, writeoffs
from backoffice.billing.aging import aging_report
from backoffice.billing.buckets import BUCKETS, totals
from backoffice.billing.models import OPEN_STATUSES, Invoice
from backoffice.billing.receivables_models import PAYMENT_METHODS, ClientPayment, WriteOff
from backoffice.billing.statements import statement, statement_html, statement_pdf
from backoffice.clock import clock
from backoffice.dates import optional_date
from backoffice.errors import Issue, ValidationFailed
from backoffice.exports import csv_lines, xlsx_bytes
from backoffice.extensions import db
from backoffice.security.access import can, scoped
from backoffice.workers.models import Client

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CATEGORY = "Billing"


def _today() -> date:
    return clock().today()


def _invoice_or_404(invoice_id) -> Invoice:
    try:
        ident = int(invoice_id)
    except (TypeError, ValueError):
        abort(404)
    inv = db.session.execute(scoped(sa.select(Invoice).where(Invoice.id == ident), current_user, "invoice")
                             ).scalar_one_or_none()
    if inv is None or not can(current_user, "invoice", "read"):
        abort(404)
    return inv


def _as_of() -> date:
    try:
        return optional_date(request.args.get("as_of"), "as_of") or _today()
    except ValidationFailed as exc:
        flash(str(exc), "error")
        return _today()


def _client_arg() -> int | None:
    raw = request.args.get("client_id") or ""
    return int(raw) if raw.isdigit() else None


class ClientPaymentAdmin(ReadOnlyView):
    """Payments received: search by reference, payer or memo; filter by client, source, method, date and what is
    not applied yet; export CSV/XLSX."""

    column_list = ("received_on", "client", "amount", "unapplied", "reference", "payer", "method", "source",
                   "line_number", "match_note")
    column_labels = {"line_number": "Statement line", "match_note": "Why not matched", "unapplied": "Unapplied"}
    column_searchable_list = ("reference", "payer", "memo")
    column_filters = ("client_id", "received_on", "source", "method", "import_id", "unapplied")
    column_default_sort = ("received_on", True)
    money_columns = ("amount", "unapplied")
    list_template = "admin/billing/payment_list.html"
    column_formatters = {"client": lambda v, c, m, n: m.client.name if m.client else "(unknown payer)"}

    def may_record(self) -> bool:
        return can(current_user, "client_payment", "create")

    @expose("/record/", methods=("GET", "POST"))
    def record_view(self):
        """Record a payment received against one open invoice."""
        if not self.may_record():
            abort(403)
        inv = _invoice_or_404(request.values.get("invoice_id"))
        form = {"amount": request.form.get("amount", str(inv.balance)), "received_on":
                request.form.get("received_on", _today().isoformat()), "reference": request.form.get("reference", ""),
                "method": request.form.get("method", "ach")}
        errors: dict[str, list[str]] = {}
        status = 200
        if request.method == "POST":
            with domain_errors("Payment not recorded: ", form=True) as refused:
                _, inv = receipts.record_payment(inv.id, form, current_user, today=_today())
                flash(f"Payment of {form['amount']} recorded on {inv.number}: balance {inv.balance}, "
                      f"{inv.status.replace('_', ' ')}.", "success")
            if not refused:
                return redirect(url_for("billing_statement.index", client_id=inv.client_id))
            errors = refused.errors
            status = 422 if refused.issues else 200
        return self.render("admin/billing/record_payment.html", inv=inv, form=form, errors=errors,
                           methods=PAYMENT_METHODS), status

    @expose("/apply/<int:payment_id>/", methods=("GET", "POST"))
    def apply_view(self, payment_id: int):
        """Apply an unapplied receipt (a bank line that matched nothing) to one of its client's open invoices."""
        if not can(current_user, "client_payment", "write"):
            abort(403)
        payment = db.session.get(ClientPayment, payment_id)
        if payment is None:
            abort(404)
        stmt = sa.select(Invoice).where(Invoice.kind == "invoice", Invoice.status.in_(OPEN_STATUSES))
        if payment.client_id is not None:
            stmt = stmt.where(Invoice.client_id == payment.client_id)
        invoices = list(db.session.execute(stmt.order_by(Invoice.due_date, Invoice.number).limit(500)).scalars())
        form = {"invoice_id": request.form.get("invoice_id", ""),
                "amount": request.form.get("amount", str(payment.unapplied))}
        errors: dict[str, list[str]] = {}
        status = 200
        if request.method == "POST":
            with domain_errors("Not applied: ", form=True) as refused:
                if not form["invoice_id"].isdigit():
                    raise ValidationFailed([Issue("invoice_id", "choose an invoice", "required")])
                receipts.apply_unapplied(payment.id, int(form["invoice_id"]), form["amount"], current_user,
                                         today=_today())
                flash(f"{form['amount']} applied.", "success")
            if not refused:
                return redirect(url_for(".index_view"))
            errors = refused.errors
            status = 422 if refused.issues else 200
        return self.render("admin/billing/apply_payment.html", payment=payment, invoices=invoices, form=form,
                           errors=errors), status

    @expose("/import/", methods=("GET", "POST"))
    def import_view(self):
        """Upload a bank statement (CSV): matched receipts are applied, the rest listed to apply by hand."""
        if not self.may_record():
            abort(403)
        result = None
        issues = []
        if request.method == "POST":
            upload = request.files.get("statement")
            if upload is None or not upload.filename:
                flash("statement: choose the bank's CSV file", "error")
            else:
                with domain_errors("Statement not imported: ") as refused:
                    result = bank_import.import_statement(upload.read(), upload.filename, current_user,
                                                          today=_today())
                    flash(f"{upload.filename}: {result.rows} receipt(s), {result.matched} matched and applied, "
                          f"{result.unmatched} to apply by hand, {result.skipped} debit(s) skipped.", "success")
                if refused and refused.issues:
                    issues = refused.issues
        unapplied = bank_import.unapplied_payments()
        return self.render("admin/billing/statement_import.html", result=result, issues=issues,
                           unapplied=unapplied), (422 if issues else 200)


class WriteOffAdmin(ReadOnlyView):
    """Write-offs: asked for by one user, approved or rejected by another holding write_off_approval."""

    column_list = ("invoice", "amount", "reason", "status", "requested_by", "requested_on", "decided_by",
                   "decided_on", "decision_note")
    column_searchable_list = ("reason",)
    column_filters = ("status", "invoice_id", "requested_on", "decided_on")
    column_default_sort = ("id", True)
    money_columns = ("amount",)
    column_formatters = {"invoice": lambda v, c, m, n: m.invoice.number if m.invoice else m.invoice_id,
                         "requested_by": lambda v, c, m, n: m.requested_by.email if m.requested_by else "",
                         "decided_by": lambda v, c, m, n: m.decided_by.email if m.decided_by else ""}

    def is_action_allowed(self, name):
        return super().is_action_allowed(name) and can(current_user, "write_off_approval", "write")

    def _decide(self, ids, approve: bool):
        for i in ids:
            with domain_errors(f"Write-off #{i}: "):
                fn = writeoffs.approve_write_off if approve else writeoffs.reject_write_off
                w = fn(int(i), current_user, today=_today())
                flash(f"Write-off #{w.id} {w.status}.", "success")

    @action("approve", "Approve", "Write off the selected amounts as bad debt?")
    def action_approve(self, ids):
        self._decide(ids, True)

    @action("reject", "Reject", "Reject the selected write-off requests?")
    def action_reject(self, ids):
        self._decide(ids, False)

    @expose("/ask/", methods=("GET", "POST"))
    def ask_view(self):
        """Ask to write off (part of) an invoice's balance."""
        if not can(current_user, "write_off", "create"):
            abort(403)
        inv = _invoice_or_404(request.values.get("invoice_id"))
        form = {"amount": request.form.get("amount", str(inv.balance)), "reason": request.form.get("reason", "")}
        errors: dict[str, list[str]] = {}
        status = 200
        if request.method == "POST":
            with domain_errors("Not asked: ", form=True) as refused:
                w = writeoffs.request_write_off(inv.id, form["amount"], form["reason"], current_user, today=_today())
                flash(f"Write-off #{w.id} of {w.amount} asked for: another user approves it.", "success")
            if not refused:
                return redirect(url_for(".index_view"))
            errors = refused.errors
            status = 422 if refused.issues else 200
        return self.render("admin/billing/ask_write_off.html", inv=inv, form=form, errors=errors), status


AGING_HEADERS = ["Client id", "Client"] + [label for _f, label in BUCKETS] + ["Open credit", "Total", "Invoices",
                                                                             "Oldest (days past due)"]


def _aging_cells(row) -> list:
    d = row.as_dict()
    return [d["client_id"], d["client_name"], *(d[f] for f, _l in BUCKETS), d["credits"], d["total"], d["invoices"],
            d["oldest_days"]]


class AgingView(BaseView):
    """Receivables aging by client as of a date (filter by client, only past due), with CSV and XLSX."""

    def is_accessible(self):
        return staff_only() and can(current_user, "client_payment", "read")

    def inaccessible_callback(self, name, **kwargs):
        return deny()

    def _rows(self):
        as_of, client_id = _as_of(), _client_arg()
        rows = aging_report(as_of, client_id=client_id)
        if request.args.get("past_due") == "1":
            rows = [r for r in rows if r.past_due > 0]
        return as_of, client_id, rows

    @expose("/")
    def index(self):
        as_of, client_id, rows = self._rows()
        clients = list(db.session.execute(sa.select(Client.id, Client.name).order_by(Client.name)).all())
        return self.render("admin/billing/aging.html", rows=rows, total=totals(rows), as_of=as_of,
                           client_id=client_id, clients=clients, buckets=BUCKETS,
                           past_due=request.args.get("past_due") == "1")

    @expose("/export.<kind>")
    def export(self, kind: str):
        as_of, _client_id, rows = self._rows()
        data = [_aging_cells(r) for r in rows] + [_aging_cells(totals(rows))]
        name = f"ar-aging-{as_of.isoformat()}"
        if kind == "csv":
            return Response(csv_lines(AGING_HEADERS, data), mimetype="text/csv",
                            headers={"Content-Disposition": f"attachment;filename={name}.csv"})
        if kind == "xlsx":
            return Response(xlsx_bytes(AGING_HEADERS, data), mimetype=XLSX,
                            headers={"Content-Disposition": f"attachment;filename={name}.xlsx"})
        abort(404)


class StatementView(BaseView):
    """A client's statement as of a date: open invoices with their actions, payments, credits; PDF."""

    def is_accessible(self):
        return staff_only() and can(current_user, "client_payment", "read") and can(current_user, "invoice", "read")

    def inaccessible_callback(self, name, **kwargs):
        return deny()

    def _statement(self):
        client_id = _client_arg()
        if client_id is None:
            return None
        with domain_errors(not_found_404=True):
            return statement(client_id, _as_of())
        abort(404)

    @expose("/")
    def index(self):
        st = self._statement()
        clients = list(db.session.execute(sa.select(Client.id, Client.name).order_by(Client.name)).all())
        return self.render("admin/billing/statement.html", st=st, clients=clients, as_of=_as_of(),
                           statement_body=statement_html(st) if st else "",
                           may_pay=can(current_user, "client_payment", "create"),
                           may_write_off=can(current_user, "write_off", "create"),
                           may_credit=can(current_user, "invoice", "create"))

    @expose("/pdf")
    def pdf(self):
        st = self._statement()
        if st is None:
            abort(404)
        name = f"statement-{st.client.id}-{st.as_of.isoformat()}.pdf"
        return Response(statement_pdf(st), mimetype="application/pdf",
                        headers={"Content-Disposition": f"inline;filename={name}"})

    @expose("/credit/", methods=("GET", "POST"))
    def credit(self):
        """Credit chosen lines of an issued invoice (time corrected after it was invoiced): a credit note."""
        if not can(current_user, "invoice", "create"):
            abort(403)
        inv = _invoice_or_404(request.values.get("invoice_id"))
        credited = credit_notes.credited_line_ids(ln.id for ln in inv.lines)
        errors: dict[str, list[str]] = {}
        status = 200
        if request.method == "POST":
            ids = [int(x) for x in request.form.getlist("line_ids") if x.isdigit()]
            with domain_errors("No credit note: ", form=True) as refused:
                note = credit_notes.credit_invoice_lines(inv.id, ids, request.form.get("reason", ""), current_user,
                                                         today=_today())
                flash(f"{note.number} credits {note.total} of {inv.number}.", "success")
            if not refused:
                return redirect(url_for(".index", client_id=inv.client_id))
            errors = refused.errors
            status = 422 if refused.issues else 200
        return self.render("admin/billing/credit_lines.html", inv=inv, credited=credited, errors=errors,
                           reason=request.form.get("reason", "")), status


def register(admin) -> None:
    admin.add_view(ClientPaymentAdmin(ClientPayment, name="Payments received",
                                      endpoint="billing_payment", category=CATEGORY))
    admin.add_view(WriteOffAdmin(WriteOff, name="Write-offs", endpoint="billing_write_off",
                                 category=CATEGORY))
    admin.add_view(AgingView(name="Receivables aging", endpoint="billing_aging", category=CATEGORY))
    admin.add_view(StatementView(name="Client statements", endpoint="billing_statement", category=CATEGORY))

