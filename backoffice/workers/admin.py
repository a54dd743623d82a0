"""Admin views for the agency, clients, workers and engagements."""
from __future__ import annotations

from flask import url_for
from flask_admin.contrib.sqla import ModelView
from flask_admin.contrib.sqla.filters import FilterEqual
from markupsafe import Markup
from sqlalchemy.orm import defer, joinedload
from flask import current_app
from wtforms import SelectField, StringField
from wtforms.validators import NumberRange, Optional

from backoffice.admin import SecureModelView, filtered_list_url
from backoffice.geo import STATES
from backoffice.workers import pay_schedule_choices, services
from backoffice.workers.models import (
    ENGAGEMENT_STATUSES,
    ENGAGEMENT_TYPES,
    PAY_FREQUENCIES,
    PAY_UNITS,
    Agency,
    Client,
    Engagement,
    StateRegistration,
    Worker,
)

STATE_CHOICES = [(c, f"{c} — {n}") for c, n in STATES.items()]


class AgencyAdmin(SecureModelView):
    permission_model = "agency"
    column_list = ("legal_name", "ein", "city", "state")
    form_columns = ("legal_name", "ein", "address_line1", "city", "state", "postal_code", "phone")
    inline_models = ((StateRegistration, {
        "form_columns": ("id", "state", "withholding_account", "suta_account", "suta_rate", "employer_size"),
        "column_labels": {"employer_size": "Employees in the state (paid-leave size tests)"},
        "column_descriptions": {"employer_size": "As the state counts them for its paid-leave programs (Oregon, "
                                                 "Washington, Colorado, Massachusetts, Maine, Delaware: no or a "
                                                 "smaller employer part below their thresholds). Blank: the largest "
                                                 "employer's rates apply."},
        "form_args": {"employer_size": {"validators": [Optional(),
                                                       NumberRange(min=0, message="must be 0 or more")]}}}),)

    # The agency record is configuration edited by admins; writes are audited by the session hook.
    def create_model(self, form):
        return ModelView.create_model(self, form)

    def update_model(self, form, model):
        return ModelView.update_model(self, form, model)


class ClientAdmin(SecureModelView):
    permission_model = "client"
    column_list = ("id", "name", "billing_contact_name", "billing_email", "state", "payment_terms_days",
                   "billing_method", "active")
    column_searchable_list = ("name", "legal_name", "billing_email")
    column_filters = ("state", "active", "billing_method", "invoice_frequency")
    column_sortable_list = ("id", "name", "state", "payment_terms_days")
    column_labels = {"payment_terms_days": "Payment terms (days)", "markup_rate": "Markup (0.2500 = 25%)",
                     "po_number": "PO number", "invoice_grouping": "Invoices"}
    column_descriptions = {"invoice_frequency": "How often invoices go out: each period is invoiced once it has "
                                                "ended (backoffice billing invoice --through).",
                           "invoice_grouping": "One invoice for all of the client's workers, or one per worker.",
                           "markup_rate": "Cost-plus clients: the markup on wages, employer taxes, benefits and "
                                          "workers' comp."}
    form_columns = services.CLIENT_FIELDS
    form_choices = {"state": STATE_CHOICES, "billing_method": [("bill_rate", "Bill rate"), ("cost_plus", "Cost plus")],
                    "invoice_frequency": [(f, f) for f in services.INVOICE_FREQUENCIES],
                    "invoice_grouping": [("consolidated", "one per period (consolidated)"),
                                         ("per_worker", "one per worker and period")]}
    service_fields = services.CLIENT_FIELDS

    def service_create(self, data):
        return services.create_client(data)

    def service_update(self, obj, data):
        return services.update_client(obj.id, data)


def _related(links) -> Markup:
    """Links to the lists of a record's related rows (only the lists this user may open)."""
    parts = [Markup('<a href="{}">{}</a>').format(url, label) for label, url in links if url]
    return Markup(" · ").join(parts)


def _worker_related(view, context, model, name):
    return _related((("Engagements", filtered_list_url("engagements", "worker_id", model.id)),
                     ("Paychecks", filtered_list_url("paycheck", "worker_id", model.id)),
                     ("Classification", filtered_list_url("classification_assessments", "worker_id", model.id))))


def _engagement_related(view, context, model, name):
    return _related((("Paychecks", filtered_list_url("paycheck", "engagement_id", model.id)),
                     ("Timesheets", filtered_list_url("timesheet", "engagement_id", model.id)),
                     ("Classification", filtered_list_url("classification_assessments", "engagement_id",
                                                          model.id)),
                     ("Pay rate history", _view_link("corrections", "rate_change", engagement_id=model.id))))


def _view_link(endpoint: str, page: str, **args) -> str | None:
    """A page of another domain's admin view (by endpoint name: workers imports no domain above it), or None when
    this user cannot open that view."""
    view = next((x for x in getattr(current_app.extensions.get("tandem_admin"), "_views", ())
                 if getattr(x, "endpoint", None) == endpoint), None)
    return url_for(f"{endpoint}.{page}", **args) if view is not None and view.is_accessible() else None


def _rate(view, context, model, name):
    """$28.75, or $0.1250 when a piece rate needs the extra places; exports keep the stored number."""
    value = getattr(model, name)
    if value is None:
        return ""
    places = max(2, min(4, -value.normalize().as_tuple().exponent))
    return f"${value:,.{places}f}"


def _engagement_worker(view, context, model, name):
    if not model.worker:
        return ""
    return Markup('<a href="{}">{}</a>').format(url_for("workers.details_view", id=model.worker_id),
                                                 model.worker.full_name)


class WorkerAdmin(SecureModelView):
    permission_model = "worker"
    column_list = ("id", "last_name", "first_name", "email", "tin_masked", "state", "status", "related")
    column_labels = {"tin_masked": "SSN/TIN", "tin_type": "TIN type", "tin_flagged": "TIN flagged",
                     "related": "See also", "address_line1": "Address", "address_line2": "Address (line 2)",
                     "municipality": "Taxing municipality (if not the city)", "psd_code": "PA PSD code",
                     "school_district": "Ohio school district no."}
    column_details_list = ("id", "first_name", "middle_name", "last_name", "tin_type", "tin_masked", "tin_flagged",
                           "birth_date", "email", "phone", "address_line1", "address_line2", "city", "state",
                           "postal_code", "municipality", "county", "psd_code", "school_district",
                           "local_certificate", "status", "created_at", "updated_at", "related")
    column_export_list = ("id", "last_name", "first_name", "email", "tin_masked", "city", "state", "status")
    column_searchable_list = ("last_name", "first_name", "email")
    column_filters = ("state", "status", "tin_type", FilterEqual(Worker.tin_last4, "SSN last 4"))
    column_sortable_list = ("id", "last_name", "first_name", "email", "state", "status")
    column_default_sort = ("id", True)
    form_columns = ("first_name", "middle_name", "last_name", "tin_type", "tin", "birth_date", "email", "phone",
                    "address_line1", "address_line2", "city", "state", "postal_code", "status",
                    "municipality", "county", "psd_code", "school_district")
    form_extra_fields = {"tin": StringField("SSN / TIN", description="Nine digits, e.g. 123-45-6789. When editing, "
                                                                     "leave blank to keep the number on file.")}
    form_choices = {"state": STATE_CHOICES, "tin_type": [("ssn", "SSN"), ("ein", "EIN")],
                    "status": [(s, s) for s in ("onboarding", "active", "inactive", "terminated")]}
    service_fields = services.WORKER_FIELDS
    column_formatters = {"tin_masked": lambda v, c, m, n: Markup('<span class="text-nowrap">{}</span>')
                         .format(m.tin_masked or ""), "related": _worker_related}
    column_formatters_export = {"tin_masked": lambda v, c, m, n: m.tin_masked}

    def get_query(self):
        # the list and its CSV/XLSX export never show the full TIN (tin_masked reads tin_last4): leave the
        # encrypted column unread, so no row is decrypted (at 2,000 workers the export spent most of its CPU
        # there; issue 18 point 5). Anything that does read worker.tin still gets it, loaded on access.
        return super().get_query().options(defer(Worker.tin))

    def form_data(self, form):
        data = super().form_data(form)
        if not data.get("tin"):
            data.pop("tin", None)
        return data

    def on_form_prefill(self, form, id):
        form.tin.data = ""

    def service_create(self, data):
        return services.create_worker(data)

    def service_update(self, obj, data):
        return services.update_worker(obj.id, data)


class EngagementAdmin(SecureModelView):
    permission_model = "engagement"
    column_list = ("id", "worker", "client", "type", "work_state", "pay_rate", "pay_unit", "bill_rate",
                   "pay_frequency", "start_date", "end_date", "status", "classification", "related")
    column_labels = {"related": "See also", "overtime_exempt": "Exempt from overtime", "worker_id": "Worker id",
                     "pay_schedule_id": "Pay schedule", "office_state": "Office state (remote worker)",
                     "remote_for_convenience": "Remote for their own convenience",
                     "work_city": "Work site city (taxing municipality)",
                     "work_county": "Work site county", "work_psd_code": "Work site PA PSD code",
                     "work_transit_district": "Work site transit district (OR)",
                     "ot_bill_rate": "Overtime bill rate", "dt_bill_rate": "Double-time bill rate",
                     "wc_class_code": "Workers' comp class code",
                     "normal_day_hours": "Normal workday (hours)"}
    column_descriptions = {
        "bill_rate": "What the client pays, in the pay rate's unit: per hour, per unit (piece and project pay), or "
                     "per week or year (salary: each paycheck's salary is billed at bill rate ÷ pay rate).",
        "ot_bill_rate": "Blank: 1.5 times the bill rate.", "dt_bill_rate": "Blank: 2 times the bill rate.",
        "office_state": "The employer location a remote worker is assigned to, when in another state than the work "
                        "state. Blank: works on site in the work state.",
        "remote_for_convenience": "Works away from the office state by choice, not because the employer requires "
                                  "it: NY, DE, NE and PA (CT and NJ for residents of such states) then tax the work "
                                  "as done at the office (convenience of the employer).",
        "wc_class_code": "The class the work is rated under in the work state (e.g. 8810 clerical, 7219 trucking); "
                         "its rate comes from the workers' comp class table. Blank: no premium accrues and runs "
                         "warn.",
        "normal_day_hours": "The worker's usual day here, where a sick-leave cap reads \"N hours or M days\" "
                            "(California: 40 hours or five days of use, 80 hours or 10 days held): a 10-hour day "
                            "makes the use limit 50 hours. Blank: the hours figures apply."}
    column_details_list = ("id", "worker", "client", "type", "title", "work_state", "work_city", "work_county",
                           "work_psd_code", "work_transit_district", "pay_rate", "pay_unit",
                           "bill_rate", "ot_bill_rate", "dt_bill_rate", "pay_frequency", "pay_schedule_id",
                           "start_date", "end_date", "status",
                           "classification", "overtime_exempt", "office_state", "remote_for_convenience",
                           "wc_class_code", "normal_day_hours", "related")
    column_searchable_list = ("title", "work_state", Worker.last_name, Client.name)
    column_filters = ("type", "work_state", "status", "pay_frequency", "classification", "start_date",
                      Client.name, "worker_id", "wc_class_code")
    column_sortable_list = ("id", "type", "work_state", "pay_rate", "start_date", "status")
    column_default_sort = ("id", True)
    form_columns = ("worker", "client", "type", "title", "work_state", "work_city", "work_county", "work_psd_code",
                    "work_transit_district", "pay_rate", "pay_unit", "bill_rate", "ot_bill_rate", "dt_bill_rate",
                    "pay_frequency", "pay_schedule_id", "start_date", "end_date", "status", "overtime_exempt",
                    "office_state", "remote_for_convenience", "wc_class_code", "normal_day_hours")
    # the schedule whose runs pay the engagement; blank = the first active schedule of the pay frequency
    form_extra_fields = {"pay_schedule_id": SelectField("Pay schedule", choices=[], validate_choice=False,
                                                        description="Blank: the first active schedule of the pay "
                                                                    "frequency. A schedule sets the frequency.")}
    form_ajax_refs = {"worker": {"fields": ("last_name", "first_name", "email"), "page_size": 10},
                      "client": {"fields": ("name",), "page_size": 10}}
    form_choices = {"type": [(t, t.replace("_", " ")) for t in ENGAGEMENT_TYPES],
                    "work_state": STATE_CHOICES, "office_state": STATE_CHOICES,
                    "pay_unit": [(u, u) for u in PAY_UNITS],
                    "pay_frequency": [(f, f) for f in PAY_FREQUENCIES],
                    "status": [(s, s) for s in ENGAGEMENT_STATUSES]}
    service_fields = ("worker", "client", "type", "title", "work_state", "work_city", "work_county", "work_psd_code",
                      "work_transit_district", "pay_rate", "pay_unit", "bill_rate", "ot_bill_rate", "dt_bill_rate",
                      "pay_frequency", "pay_schedule_id", "start_date", "end_date", "status", "overtime_exempt",
                      "office_state", "remote_for_convenience", "wc_class_code", "normal_day_hours")
    column_formatters = {"worker": _engagement_worker, "type": lambda v, c, m, n: m.type.replace("_", " "),
                         "related": _engagement_related, "pay_rate": _rate, "bill_rate": _rate,
                         "ot_bill_rate": _rate, "dt_bill_rate": _rate,
                         "classification": lambda v, c, m, n: m.classification_words}
    column_formatters_export = {"worker": lambda v, c, m, n: m.worker.full_name if m.worker else "",
                                "type": lambda v, c, m, n: m.type.replace("_", " "),
                                "classification": lambda v, c, m, n: m.classification_words}
    column_export_exclude_list = ("related",)

    def get_query(self):
        return super().get_query().options(joinedload(Engagement.worker), joinedload(Engagement.client))

    def _with_schedules(self, form):
        form.pay_schedule_id.choices = [("", "(default for the frequency)")] + [
            (str(i), label) for i, label in pay_schedule_choices(current_app)]
        if form.pay_schedule_id.data not in (None, ""):
            form.pay_schedule_id.data = str(form.pay_schedule_id.data)
        return form

    def create_form(self, obj=None):
        return self._with_schedules(super().create_form(obj))

    def edit_form(self, obj=None):
        return self._with_schedules(super().edit_form(obj))

    def form_data(self, form):
        data = super().form_data(form)
        data["worker_id"] = data.pop("worker", None)
        data["client_id"] = data.pop("client", None)
        return data

    def service_create(self, data):
        return services.create_engagement(data)

    def service_update(self, obj, data):
        return services.update_engagement(obj.id, data)


def register(admin) -> None:
    admin.add_view(WorkerAdmin(Worker, name="Workers", category="People", endpoint="workers"))
    admin.add_view(EngagementAdmin(Engagement, name="Engagements", category="People", endpoint="engagements"))
    admin.add_view(ClientAdmin(Client, name="Clients", category="People", endpoint="clients"))
    admin.add_view(AgencyAdmin(Agency, name="Agency", category="Settings", endpoint="agency"))
