"""Portable benefits admin: contribution rules per engagement (HR), accounts with balances, every entry (search,
filters, CSV/XLSX), payout requests with HR approval and finance's payment record."""
from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy.orm import joinedload

from backoffice.admin import ReadOnlyView, SecureModelView, domain_errors
from backoffice.clock import clock
from backoffice.extensions import db
from backoffice.security.access import can
from backoffice.workers.models import Engagement, Worker
from benefits.engine.portable import FUNDERS, METHODS

from . import services as svc
from .models import ENTRY_KINDS, PAYOUT_STATUSES, REPORTING_CATEGORIES, PortableAccount, PortableEntry, \
    PortablePayout, PortableRule


def _worker(view, context, model, name):
    label = model.worker.full_name if model.worker else model.worker_id
    return Markup('<a href="{}">{}</a>').format(url_for("workers.details_view", id=model.worker_id), label)


def _worker_export(view, context, model, name):
    return model.worker.full_name if model.worker else ""


def _percent(view, context, model, name):
    v = getattr(model, name)
    return "" if v is None else f"{(v * 100).normalize():f}%"


def _choices(values):
    return [(v, v.replace("_", " ")) for v in values]


class PortableRuleAdmin(SecureModelView):
    """What each engagement contributes to its worker's portable account: per hour worked or a percent of pay,
    funded by the client or the agency, effective-dated (one rule in force per engagement on any day)."""

    column_list = ("id", "engagement", "method", "amount_per_hour", "percent", "funded_by", "start_date",
                   "end_date", "note")
    column_labels = {"amount_per_hour": "Per hour worked", "percent": "Percent of pay", "funded_by": "Funded by"}
    column_searchable_list = (Engagement.title, "note")
    column_filters = ("method", "funded_by", "start_date", "end_date", "engagement_id")
    column_formatters = {"percent": _percent}
    column_default_sort = ("id", True)
    money_columns = ("amount_per_hour",)
    form_columns = ("engagement", "method", "amount_per_hour", "percent", "funded_by", "start_date", "end_date",
                    "note")
    form_choices = {"method": _choices(METHODS), "funded_by": _choices(FUNDERS)}
    form_args = {"percent": {"description": "A fraction of pay: 0.02 is 2%. Only for percent of pay."},
                 "amount_per_hour": {"description": "Dollars for each hour worked (regular, overtime, double "
                                                    "time). Only for per hour."}}
    form_ajax_refs = {"engagement": {"fields": ("title",), "page_size": 10}}
    service_fields = form_columns

    def get_query(self):
        return super().get_query().options(joinedload(PortableRule.engagement))

    def form_data(self, form):
        data = super().form_data(form)
        data["engagement_id"] = data.pop("engagement", None)
        return data

    def service_create(self, data):
        return svc.create_rule(data)

    def service_update(self, obj, data):
        return svc.update_rule(obj.id, data)


class PortableAccountAdmin(ReadOnlyView):
    """Every worker's portable account with its balance."""

    column_list = ("id", "worker", "balance", "use_for_premiums", "opened_on", "updated_at")
    column_labels = {"updated_at": "Last movement", "use_for_premiums": "Toward premiums"}
    column_searchable_list = (Worker.last_name, Worker.first_name, Worker.email)
    column_filters = ("balance", "use_for_premiums", "opened_on", "worker_id")
    column_sortable_list = ("id", "balance", "opened_on", "updated_at")
    column_default_sort = ("balance", True)
    column_formatters = {"worker": _worker}
    column_formatters_export = {"worker": _worker_export}
    money_columns = ("balance",)

    def get_query(self):
        return super().get_query().options(joinedload(PortableAccount.worker))


class PortableEntryAdmin(ReadOnlyView):
    """Every credit, use, payout and reversal, with its engagement, client, paycheck and reporting category (the
    1099-NEC box 1 amounts are the credits less reversals of category 1099_nec_box1 in a tax year)."""

    column_list = ("id", "entry_date", "worker", "kind", "amount", "balance_after", "client", "engagement_id",
                   "paycheck_id", "funded_by", "reporting_category", "tax_year", "memo")
    column_labels = {"engagement_id": "Engagement", "paycheck_id": "Paycheck", "balance_after": "Balance after"}
    column_searchable_list = (Worker.last_name, Worker.first_name, "memo")
    column_filters = ("kind", "reporting_category", "tax_year", "funded_by", "entry_date", "worker_id",
                      "client_id", "engagement_id", "paycheck_id")
    column_default_sort = ("id", True)
    column_formatters = {"worker": _worker}
    column_formatters_export = {"worker": _worker_export}
    column_choices = {"kind": _choices(ENTRY_KINDS), "reporting_category": _choices(REPORTING_CATEGORIES)}
    money_columns = ("amount", "balance_after")

    def get_query(self):
        return super().get_query().options(joinedload(PortableEntry.worker), joinedload(PortableEntry.client))


def _decide_link(view, context, model, name):
    if model.status == "requested":
        return Markup('<a href="{}">Approve or refuse</a>').format(url_for(".decide_view", id=model.id))
    if model.status == "approved" and model.method == "off_cycle_ach":
        return Markup('<a href="{}">Record payment</a>').format(url_for(".paid_view", id=model.id))
    return ""


class PortablePayoutAdmin(ReadOnlyView):
    """Payout requests: HR approves or refuses (approval takes the amount out of the account); finance pays it by
    off-cycle ACH and records the date and trace number."""

    column_list = ("id", "worker", "amount", "status", "method", "requested_on", "reason", "decision_note",
                   "paid_on", "payment_ref", "next")
    column_labels = {"next": "", "payment_ref": "Trace / check number"}
    column_searchable_list = (Worker.last_name, Worker.first_name, "reason", "payment_ref")
    column_filters = ("status", "method", "requested_on", "paid_on", "worker_id")
    column_default_sort = ("id", True)
    column_formatters = {"worker": _worker, "next": _decide_link}
    column_formatters_export = {"worker": _worker_export}
    column_export_exclude_list = ("next",)
    column_choices = {"status": _choices(PAYOUT_STATUSES)}
    money_columns = ("amount",)

    def get_query(self):
        return super().get_query().options(joinedload(PortablePayout.worker))

    def _payout_or_404(self, ident):
        obj = self.get_one(str(ident))
        if obj is None:
            abort(404)
        return obj

    def _balance(self, worker_id):
        acct = db.session.query(PortableAccount).filter_by(worker_id=worker_id).one_or_none()
        return acct.balance if acct else 0

    @expose("/decide/<int:id>", methods=("GET", "POST"))
    def decide_view(self, id):
        if not can(current_user, "portable_payout", "write"):
            abort(403)
        payout = self._payout_or_404(id)
        if request.method == "POST":
            with domain_errors("Not recorded: "):
                note = request.form.get("note") or ""
                if request.form.get("decision") == "approve":
                    svc.approve_payout(payout.id, current_user, today=clock().today(), note=note)
                    flash(f"Payout #{payout.id} approved: finance pays it by off-cycle ACH.", "success")
                else:
                    svc.reject_payout(payout.id, current_user, note=note)
                    flash(f"Payout #{payout.id} refused.", "success")
                return redirect(url_for(".index_view"))
        return self.render("admin/benefits/portable_payout_decide.html", payout=payout, step="decide",
                           title="Decide a payout request", balance=self._balance(payout.worker_id),
                           today=clock().today().isoformat())

    @expose("/paid/<int:id>", methods=("GET", "POST"))
    def paid_view(self, id):
        if not can(current_user, "payment", "create"):
            abort(403)
        payout = self._payout_or_404(id)
        if request.method == "POST":
            with domain_errors("Not recorded: "):
                svc.mark_payout_paid(payout.id, current_user, paid_on=request.form.get("paid_on"),
                                     payment_ref=request.form.get("payment_ref") or "")
                flash(f"Payout #{payout.id} recorded as paid.", "success")
                return redirect(url_for(".index_view"))
        return self.render("admin/benefits/portable_payout_decide.html", payout=payout, step="paid",
                           title="Record the payout's payment", balance=self._balance(payout.worker_id),
                           today=clock().today().isoformat())


def register(admin) -> None:
    admin.add_view(PortableRuleAdmin(PortableRule, name="Portable benefit rules", endpoint="portable_rule",
                                     category="Benefits"))
    admin.add_view(PortableAccountAdmin(PortableAccount, name="Portable accounts", endpoint="portable_account",
                                        category="Benefits"))
    admin.add_view(PortableEntryAdmin(PortableEntry, name="Portable ledger", endpoint="portable_entry",
                                      category="Benefits"))
    admin.add_view(PortablePayoutAdmin(PortablePayout, name="Portable payouts", endpoint="portable_payout",
                                       category="Benefits"))
