"""Billing in the admin: the invoices list (search, filters, CSV/XLSX), the invoice page with its lines traced to
the timesheet, task or paycheck they bill, issue / send / void / refresh a draft, and the invoicing form, which
starts a background invoicing run with a progress page. A client's approver sees their client's issued invoices
here (read only)."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Response, abort, flash, jsonify, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_admin.contrib.sqla import filters as sqla_filters
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy.orm import joinedload, selectinload

from backoffice.admin import ReadOnlyView, deny, domain_errors, staff_only
from backoffice.billing.models import INVOICE_STATUSES, OPEN_STATUSES, Invoice, InvoiceLine, InvoicingRun
from backoffice.billing.services import delivery, facts, invoicing, invoicing_runs
from backoffice.billing.tasks import RUN_INVOICING
from backoffice.billing.services.documents import UNIT_WORDS, invoice_filename, invoice_pdf
from backoffice.clock import clock
from backoffice.errors import NotFound
from backoffice.extensions import db
from backoffice.security.access import can, scoped
from backoffice.tasks import enqueue
from backoffice.workers.models import Client

CATEGORY = "Billing"


class OverdueFilter(sqla_filters.BaseSQLAFilter):
    """Open invoices (sent, partially paid) whose due date has passed (yes), or the others (no)."""

    def __init__(self):
        super().__init__(Invoice.due_date, "Overdue")

    def get_options(self, view):
        return [("1", "yes"), ("0", "no")]

    def apply(self, query, value, alias=None):
        late = sa.and_(Invoice.status.in_(OPEN_STATUSES), Invoice.due_date < clock().today())
        return query.filter(late if value == "1" else sa.not_(late))

    def operation(self):
        return "is"


class _ClientChoices:
    def __iter__(self):
        stmt = scoped(sa.select(Client.id, Client.name).order_by(Client.name), current_user, "client")
        return iter([(str(i), n) for i, n in db.session.execute(stmt)])


class ClientFilter(sqla_filters.BaseSQLAFilter):
    def __init__(self):
        super().__init__(Invoice.client_id, "Client")

    def get_options(self, view):
        return _ClientChoices()

    def apply(self, query, value, alias=None):
        try:
            return query.filter(Invoice.client_id == int(value))
        except (TypeError, ValueError):
            return query.filter(sa.false())

    def operation(self):
        return "is"


def _number(view, context, model, name):
    label = model.number or "draft"
    return Markup('<a href="{}">{}</a>').format(url_for("billing.invoice", invoice_id=model.id), label)


def _overdue(view, context, model, name):
    return "overdue" if model.is_overdue(clock().today()) else ""


class InvoiceAdmin(ReadOnlyView):
    permission_model = "invoice"
    column_list = ("number", "client", "kind", "status", "overdue", "period_start", "period_end", "issue_date",
                   "due_date", "po_number", "total", "balance", "sent_at")
    column_export_list = ("id", "number", "client", "kind", "status", "overdue", "period_start", "period_end",
                          "issue_date", "due_date", "po_number", "total", "balance", "sent_at", "sent_to")
    column_labels = {"po_number": "PO", "sent_at": "E-mailed", "period_start": "From", "period_end": "To"}
    column_searchable_list = ("number", "po_number", Client.name)
    column_filters = (ClientFilter(), "status", "kind", OverdueFilter(), "issue_date", "due_date", "period_start")
    column_sortable_list = ("number", "status", "issue_date", "due_date", "period_start", "total", "balance")
    column_default_sort = ("id", True)
    column_formatters = {"number": _number, "overdue": _overdue, "client": lambda v, c, m, n: m.client.name}
    column_formatters_export = {"overdue": _overdue, "client": lambda v, c, m, n: m.client.name,
                                "number": lambda v, c, m, n: m.number or ""}
    money_columns = ("total", "balance")
    column_choices = {"status": [(s, s.replace("_", " ")) for s in INVOICE_STATUSES]}

    def get_query(self):
        return super().get_query().options(joinedload(Invoice.client))

    @expose("/details/")
    def details_view(self):
        ident = request.args.get("id", "")
        if not ident.isdigit():
            abort(404)
        return redirect(url_for("billing.invoice", invoice_id=int(ident)))


def _invoice_or_404(invoice_id: int) -> Invoice:
    inv = db.session.execute(scoped(sa.select(Invoice).where(Invoice.id == invoice_id), current_user, "invoice")
                             .options(selectinload(Invoice.lines).joinedload(InvoiceLine.worker),
                                      joinedload(Invoice.client))).scalar_one_or_none()
    if inv is None:
        abort(404)
    return inv


def invoice_actions(inv: Invoice, user) -> set[str]:
    """What `user` may do to the invoice now (the services refuse the rest)."""
    acts = set()
    if can(user, "invoice", "write"):
        if inv.status == "draft":
            acts |= {"issue", "void", "refresh"}
        elif inv.status != "void":
            acts.add("send")
    return acts


def _line_source(ln: InvoiceLine, user) -> tuple[str, str | None]:
    """What the line bills, and a link to it when this user may open it."""
    if ln.timesheet_id:
        url = url_for("timesheet.details_view", id=ln.timesheet_id) if can(user, "timesheet", "read") else None
        week = ln.timesheet.week_start if ln.timesheet is not None else None
        return (f"timesheet, week of {week:%b} {week.day}" if week else "timesheet"), url
    if ln.paycheck_id:
        url = url_for("corrections.paycheck", paycheck_id=ln.paycheck_id) if can(user, "paycheck", "read") else None
        day = ln.paycheck.pay_date if ln.paycheck is not None else None
        return (f"paycheck, pay {day:%b} {day.day}" if day else "paycheck"), url
    if ln.task_completion_id:
        return "task", None
    if ln.credits_line_id:
        return "credit of an earlier line", None
    return "", None


class BillingView(BaseView):
    """Invoicing: run it through a date, then each invoice's page."""

    def is_accessible(self):
        return staff_only() and can(current_user, "invoice", "read")

    def inaccessible_callback(self, name, **kwargs):
        return deny()

    @expose("/")
    def index(self):
        today = clock().today()
        may_run = can(current_user, "invoice", "create")
        clients = db.session.execute(scoped(sa.select(Client).where(Client.active.is_(True)).order_by(Client.name),
                                            current_user, "client")).scalars().all() if may_run else []
        recent = db.session.execute(scoped(sa.select(Invoice).options(joinedload(Invoice.client))
                                           .order_by(Invoice.id.desc()).limit(20), current_user, "invoice")
                                    ).scalars().all()
        runs = db.session.execute(sa.select(InvoicingRun).order_by(InvoicingRun.id.desc()).limit(10)
                                  ).scalars().all() if may_run else []
        return self.render("admin/billing/index.html", today=today, clients=clients, recent=recent, may_run=may_run,
                           runs=runs, summary=invoicing_runs.summary)

    @expose("/run", methods=["POST"])
    def run(self):
        """Invoice through a date in the background (the `billing.run_invoicing` task), then follow its page."""
        if not can(current_user, "invoice", "create"):
            abort(403)
        form = request.form
        with domain_errors("Nothing invoiced: "):
            job = invoicing_runs.request_invoicing(form.get("through", ""), form.get("client_id") or None,
                                                   issue=not form.get("draft"), issue_date=clock().today(),
                                                   user=current_user)
            enqueue(RUN_INVOICING, job.id)        # after the commit; eager (done by now) on the embedded default
            job = invoicing_runs.get_run(job.id)
            if job.state in ("done", "failed"):         # done in this request: say so, as a synchronous run would
                for why in (job.skipped or [])[:20]:
                    flash(why, "warning")
                flash(invoicing_runs.summary(job), "success" if job.state == "done" else "error")
            else:
                flash(f"Invoicing through {job.through.isoformat()} started in the background; this page follows "
                      f"it.", "info")
            return redirect(url_for(".invoicing_run", run_id=job.id))
        return redirect(url_for(".index"))

    def _run_or_404(self, run_id: int):
        """An invoicing run, for those who may invoice: its figures are every client's (a client's approver, who
        reads invoices, gets 404 as for a record that is not theirs)."""
        if not can(current_user, "invoice", "create"):
            abort(404)
        try:
            return invoicing_runs.get_run(run_id)
        except NotFound:
            abort(404)

    @expose("/runs/<int:run_id>")
    def invoicing_run(self, run_id):
        job = self._run_or_404(run_id)
        made = db.session.execute(scoped(sa.select(Invoice).where(Invoice.invoicing_run_id == job.id)
                                         .options(joinedload(Invoice.client)).order_by(Invoice.id).limit(200),
                                         current_user, "invoice")).scalars().all()
        return self.render("admin/billing/invoicing_run.html", job=job, made=made,
                           status=invoicing_runs.summary(job),
                           may_rerun=job.state == "failed" and can(current_user, "invoice", "create"))

    @expose("/runs/<int:run_id>/progress.json")
    def invoicing_run_progress(self, run_id):
        job = self._run_or_404(run_id)
        return jsonify({"state": job.state, "clients_done": job.clients_done, "clients_total": job.clients_total,
                        "percent": job.percent, "invoice_count": job.invoice_count,
                        "invoiced_total": str(job.invoiced_total), "error": job.error,
                        "status": invoicing_runs.summary(job)})

    @expose("/runs/<int:run_id>/again", methods=["POST"])
    def invoicing_run_again(self, run_id):
        """A failed run sent again: it resumes (what is invoiced stays; nothing is billed twice)."""
        job = self._run_or_404(run_id)
        if job.state != "failed":
            flash(f"{job} is {job.state}: only a failed run is run again.", "error")
        else:
            enqueue(RUN_INVOICING, job.id)
        return redirect(url_for(".invoicing_run", run_id=run_id))

    @expose("/invoice/<int:invoice_id>")
    def invoice(self, invoice_id):
        inv = _invoice_or_404(invoice_id)
        lines = [(ln, *_line_source(ln, current_user)) for ln in inv.lines]
        credits = db.session.execute(scoped(sa.select(Invoice).where(Invoice.credits_invoice_id == inv.id),
                                            current_user, "invoice")).scalars().all()
        stale = facts.reversed_pay_lines(inv.id) if inv.status == "draft" else []
        return self.render("admin/billing/invoice.html", inv=inv, lines=lines, unit_words=UNIT_WORDS, credits=credits,
                           overdue=inv.is_overdue(clock().today()), actions=invoice_actions(inv, current_user),
                           stale=stale)

    @expose("/invoice/<int:invoice_id>/pdf")
    def pdf(self, invoice_id):
        inv = _invoice_or_404(invoice_id)
        return Response(invoice_pdf(inv), mimetype="application/pdf",
                        headers={"Content-Disposition": f'inline; filename="{invoice_filename(inv)}"'})

    @expose("/invoice/<int:invoice_id>/<string:verb>", methods=["POST"])
    def act(self, invoice_id, verb):
        inv = _invoice_or_404(invoice_id)
        if verb not in ("issue", "send", "void", "refresh"):
            abort(404)
        if verb not in invoice_actions(inv, current_user):
            abort(403)
        with domain_errors("Refused: "):
            if verb == "issue":
                inv = invoicing.issue_invoice(inv.id, clock().today(), current_user)
                flash(f"Issued as {inv.number}, due {inv.due_date}.", "success")
            elif verb == "send":
                inv = delivery.send_invoice(inv.id, clock().now(), current_user,
                                            to=(request.form.get("to") or "").strip() or None)
                flash(f"{inv.number} e-mailed to {inv.sent_to} with its PDF.", "success")
            elif verb == "refresh":
                made = invoicing.refresh_draft(inv.id, current_user).invoices
                flash(f"Draft voided and drafted again from the time and pay that stand now: {len(made)} draft"
                      f"{'s' if len(made) != 1 else ''}.", "success")
                if made:
                    return redirect(url_for(".invoice", invoice_id=made[0].id))
            else:
                invoicing.void_draft(inv.id, current_user, request.form.get("reason", ""))
                flash("Draft voided: its time is billed by the next invoicing run.", "success")
        return redirect(url_for(".invoice", invoice_id=invoice_id))


def _run_link(view, context, model, name):
    return Markup('<a href="{}">#{}</a>').format(url_for("billing.invoicing_run", run_id=model.id), model.id)


class InvoicingRunAdmin(ReadOnlyView):
    """Every invoicing run (Billing → Invoicing starts them): where each stands, what it made; search, filters,
    CSV/XLSX. Runs are every client's figures: for those who may invoice (a client's approver, who reads
    invoices, is refused)."""

    permission_model = "invoice"
    column_list = ("id", "through", "client", "issue", "state", "clients_done", "clients_total", "invoice_count",
                   "invoiced_total", "error", "requested_by", "started_at", "finished_at")
    column_export_list = column_list
    column_labels = {"id": "Run", "issue": "Issued (not drafts)", "clients_done": "Clients done",
                     "clients_total": "Clients", "invoice_count": "Invoices", "invoiced_total": "Total",
                     "requested_by": "Started by"}
    column_searchable_list = ("error", Client.name)
    column_filters = ("state", "through", "issue", "started_at", "finished_at")
    column_sortable_list = ("id", "through", "state", "started_at", "invoice_count", "invoiced_total")
    column_default_sort = ("id", True)
    column_formatters = {"id": _run_link, "client": lambda v, c, m, n: m.client.name if m.client else "every client",
                         "requested_by": lambda v, c, m, n: m.requested_by.email if m.requested_by else ""}
    column_formatters_export = {"client": lambda v, c, m, n: m.client.name if m.client else "every client",
                                "requested_by": lambda v, c, m, n: m.requested_by.email if m.requested_by else ""}
    money_columns = ("invoiced_total",)
    can_view_details = False

    def is_accessible(self):
        return super().is_accessible() and can(current_user, "invoice", "create")

    def get_query(self):
        return super().get_query().options(joinedload(InvoicingRun.client), joinedload(InvoicingRun.requested_by))


def register(admin) -> None:
    admin.add_view(BillingView(name="Invoicing", endpoint="billing", url="/admin/billing", category=CATEGORY))
    admin.add_view(InvoiceAdmin(Invoice, name="Invoices", endpoint="invoice", category=CATEGORY))
    admin.add_view(InvoicingRunAdmin(InvoicingRun, name="Invoicing runs", endpoint="invoicing_run",
                                     category=CATEGORY))
