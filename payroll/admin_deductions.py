"""Deductions admin: recurring deductions, garnishment orders with their withholdings and remittance, employer
contributions — lists with search, filters and CSV/XLSX export; writes through payroll.services.deductions."""
from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_admin.actions import action
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy.orm import joinedload

from backoffice.admin import ReadOnlyView, SecureModelView, domain_errors, filtered_list_url, selected_ids
from backoffice.clock import clock
from backoffice.dates import parse_date
from backoffice.security.access import can
from backoffice.workers.models import Worker
from payroll.models_deductions import (COMMUTER_KINDS, CONTRIBUTION_CODES, CONTRIBUTION_SOURCES, CONTRIBUTION_STATUSES,
                                       DEDUCTION_CODES, DEDUCTION_SOURCES, DEDUCTION_STATUSES, HSA_COVERAGES,
                                       ORDER_CODES, ORDER_LABELS, DeductionTake, EmployerContribution,
                                       WorkerDeduction)
from payroll.services import deductions as svc

_PCT = "A fraction: 0.06 is 6%."


def _worker(view, context, model, name):
    label = model.worker.full_name if model.worker else model.worker_id
    return Markup('<a href="{}">{}</a>').format(url_for("workers.details_view", id=model.worker_id), label)


def _worker_export(view, context, model, name):
    return model.worker.full_name if model.worker else ""


def _percent(view, context, model, name):
    v = getattr(model, name)
    return "" if v is None else f"{(v * 100).normalize():f}%"


def _withholdings(view, context, model, name):
    return Markup('<a href="{}">Withholdings and remittance</a>').format(
        filtered_list_url("deduction_take", "deduction_id", model.id))


def _choices(values, labels=None):
    return [(v, (labels or {}).get(v, v.replace("_", " "))) for v in values]


class _WorkerForm(SecureModelView):
    """Shared: the worker picked by name, the data handed to the service with `worker_id`."""

    form_ajax_refs = {"worker": {"fields": ("last_name", "first_name", "email"), "page_size": 10}}
    column_formatters_export = {"worker": _worker_export}

    def form_data(self, form):
        data = super().form_data(form)
        data["worker_id"] = data.pop("worker", None)      # on edit the worker is not on the form (edit rules)
        return data

    def edit_form(self, obj=None):
        form = super().edit_form(obj)
        del form.worker                                   # a deduction stays with its worker
        return form


class WorkerDeductionAdmin(_WorkerForm):
    """Every recurring deduction: 401(k), Roth, Section 125, HSA, FSA, loans, other — and orders."""

    permission_model = "worker_deduction"
    column_list = ("id", "worker", "code", "amount", "percent", "goal", "start_date", "end_date", "status",
                   "source", "external_ref")
    column_labels = {"external_ref": "Source reference", "percent": "Percent", "goal": "Goal (total)"}
    column_searchable_list = (Worker.last_name, Worker.first_name, "note", "case_number", "external_ref")
    column_filters = ("code", "status", "source", "start_date", "end_date", "worker_id")
    column_default_sort = ("id", True)
    column_formatters = {"worker": _worker, "percent": _percent, "related": _withholdings}
    money_columns = ("amount", "goal")
    form_columns = ("worker", "code", "amount", "percent", "goal", "start_date", "end_date", "status", "source",
                    "hsa_coverage", "commuter_kind", "external_ref", "note")
    form_choices = {"code": _choices(DEDUCTION_CODES, ORDER_LABELS), "status": _choices(DEDUCTION_STATUSES),
                    "source": _choices(DEDUCTION_SOURCES), "hsa_coverage": [("", "")] + _choices(HSA_COVERAGES),
                    "commuter_kind": [("", "")] + _choices(COMMUTER_KINDS)}
    form_args = {"percent": {"description": _PCT + " Of gross wages (of disposable earnings for an order)."},
                 "amount": {"description": "Per paycheck. Give an amount or a percent, not both."},
                 "goal": {"description": "The total to collect (a loan): deductions stop when it is reached."}}
    service_fields = form_columns
    can_view_details = True
    column_details_list = column_list + ("hsa_coverage", "commuter_kind", "note", "case_number", "issuing_state",
                                         "issuing_agency", "received_date", "payee_name", "related")

    def get_query(self):
        return super().get_query().options(joinedload(WorkerDeduction.worker))

    def service_create(self, data):
        return svc.create_deduction(data.pop("worker_id"), data)

    def service_update(self, obj, data):
        data.pop("worker_id", None)
        return svc.update_deduction(obj.id, data)


class GarnishmentOrderAdmin(WorkerDeductionAdmin):
    """Orders only: child support, creditor garnishments, student-loan/federal-debt AWG, tax levies — withheld
    support first, then in the order received, within the CCPA limits (docs/deductions.md)."""

    column_list = ("id", "worker", "code", "case_number", "issuing_state", "received_date", "amount", "percent",
                   "goal", "status", "payee_name", "related")
    column_labels = {"code": "Order type", "related": "Remittance", "payee_fips": "Payee FIPS (SDU)",
                     "supports_other_family": "Supports another spouse or child",
                     "arrears_over_12_weeks": "Over 12 weeks in arrears"}
    column_filters = ("code", "status", "issuing_state", "received_date", "worker_id")
    column_default_sort = ("received_date", False)
    column_export_exclude_list = ("related",)
    form_columns = ("worker", "code", "case_number", "issuing_state", "issuing_agency", "received_date", "amount",
                    "percent", "goal", "start_date", "end_date", "status", "supports_other_family",
                    "arrears_over_12_weeks", "payee_name", "payee_address", "payee_fips", "note")
    form_choices = {**WorkerDeductionAdmin.form_choices, "code": _choices(ORDER_CODES, ORDER_LABELS),
                    "source": _choices(("court_order",))}
    service_fields = form_columns
    column_details_list = form_columns + ("related",)

    def get_query(self):
        return super().get_query().filter(WorkerDeduction.code.in_(ORDER_CODES))

    def get_count_query(self):
        return super().get_count_query().filter(WorkerDeduction.code.in_(ORDER_CODES))

    def form_data(self, form):
        return {**super().form_data(form), "source": "court_order"}


class DeductionTakeAdmin(ReadOnlyView):
    """What each paycheck took of each deduction; an order's rows are remitted to its payee from here."""

    permission_model = "worker_deduction"
    column_list = ("id", "deduction_id", "paycheck_id", "worker_id", "pay_date", "amount", "remittance_status",
                   "remitted_on", "remittance_ref")
    column_labels = {"deduction_id": "Deduction", "paycheck_id": "Paycheck", "worker_id": "Worker",
                     "remittance_ref": "Check / trace number"}
    column_filters = ("deduction_id", "worker_id", "paycheck_id", "remittance_status", "pay_date")
    column_searchable_list = ("remittance_ref",)
    column_default_sort = ("id", True)
    money_columns = ("amount",)

    def is_action_allowed(self, name):
        return super().is_action_allowed(name) and can(current_user, "worker_deduction", "write")

    @action("remit", "Mark remitted", "Record the selected withholdings as sent to their payees?")
    def action_remit(self, ids):
        return redirect(url_for(".remit_view", ids=",".join(str(i) for i in ids)))

    @expose("/remit/", methods=("GET", "POST"))
    def remit_view(self):
        if not can(current_user, "worker_deduction", "write"):
            abort(403)
        ids = selected_ids()
        if request.method == "POST":
            with domain_errors("Not recorded: "):
                try:
                    on = parse_date(request.form.get("remitted_on") or "")
                except ValueError:
                    on = None
                if on is None:
                    flash("remitted on: give the date the payment was sent (YYYY-MM-DD)", "error")
                else:
                    n = svc.mark_remitted(ids, on, request.form.get("reference") or "")
                    flash(f"{n} withholding(s) recorded as remitted.", "success")
                    return redirect(url_for(".index_view"))
        return self.render("admin/payroll/remit.html", ids=",".join(map(str, ids)), count=len(ids),
                           today=clock().today().isoformat())


class EmployerContributionAdmin(_WorkerForm):
    permission_model = "employer_contribution"
    column_list = ("id", "worker", "code", "amount", "percent", "match_up_to_1", "match_rate_1", "match_up_to_2",
                   "match_rate_2", "start_date", "end_date", "status", "source")
    column_labels = {"match_up_to_1": "Match: first % of pay", "match_rate_1": "matched at",
                     "match_up_to_2": "then next % of pay", "match_rate_2": "matched at"}
    column_searchable_list = (Worker.last_name, Worker.first_name, "note", "external_ref")
    column_filters = ("code", "status", "source", "start_date", "worker_id")
    column_default_sort = ("id", True)
    column_formatters = {"worker": _worker, **{k: _percent for k in ("percent", "match_up_to_1", "match_rate_1",
                                                                       "match_up_to_2", "match_rate_2")}}
    money_columns = ("amount",)
    form_columns = ("worker", "code", "amount", "percent", "match_up_to_1", "match_rate_1", "match_up_to_2",
                    "match_rate_2", "hsa_coverage", "start_date", "end_date", "status", "source", "external_ref",
                    "note")
    form_choices = {"code": _choices(CONTRIBUTION_CODES), "status": _choices(CONTRIBUTION_STATUSES),
                    "source": _choices(CONTRIBUTION_SOURCES), "hsa_coverage": [("", "")] + _choices(HSA_COVERAGES)}
    form_args = {"match_up_to_1": {"description": _PCT + " Safe harbor: 0.03 at 1, then 0.02 at 0.5."},
                 "percent": {"description": _PCT + " Of gross wages."}}
    service_fields = form_columns

    def get_query(self):
        return super().get_query().options(joinedload(EmployerContribution.worker))

    def service_create(self, data):
        return svc.create_contribution(data.pop("worker_id"), data)

    def service_update(self, obj, data):
        data.pop("worker_id", None)
        return svc.update_contribution(obj.id, data)


def register(admin) -> None:
    admin.add_view(WorkerDeductionAdmin(WorkerDeduction, name="Deductions", endpoint="worker_deduction",
                                        category="Payroll"))
    admin.add_view(GarnishmentOrderAdmin(WorkerDeduction, name="Garnishment orders", endpoint="garnishment_order",
                                         category="Payroll"))
    admin.add_view(DeductionTakeAdmin(DeductionTake, name="Withholdings & remittance", endpoint="deduction_take",
                                      category="Payroll"))
    admin.add_view(EmployerContributionAdmin(EmployerContribution, name="Employer contributions",
                                             endpoint="employer_contribution", category="Payroll"))

