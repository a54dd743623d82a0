"""Admin views for the agency, clients, workers and engagements."""
from __future__ import annotations

from flask_admin.contrib.sqla import ModelView
from flask_admin.contrib.sqla.filters import FilterEqual
from markupsafe import Markup
from wtforms import StringField

from backoffice.admin import SecureModelView
from backoffice.geo import STATES
from backoffice.workers import services
from backoffice.workers.models import (ENGAGEMENT_STATUSES, ENGAGEMENT_TYPES, PAY_FREQUENCIES, PAY_UNITS, Agency,
                                       Client, Engagement, StateRegistration, Worker)

STATE_CHOICES = [(c, f"{c} — {n}") for c, n in STATES.items()]


class AgencyAdmin(SecureModelView):
    permission_model = "agency"
    column_list = ("legal_name", "ein", "city", "state")
    form_columns = ("legal_name", "ein", "address_line1", "city", "state", "postal_code", "phone")
    inline_models = ((StateRegistration, {"form_columns": ("id", "state", "withholding_account", "suta_account",
                                                           "suta_rate")}),)

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
    column_filters = ("state", "active", "billing_method")
    column_sortable_list = ("id", "name", "state", "payment_terms_days")
    form_columns = services.CLIENT_FIELDS
    form_choices = {"state": STATE_CHOICES, "billing_method": [("bill_rate", "Bill rate"), ("cost_plus", "Cost plus")]}
    service_fields = services.CLIENT_FIELDS

    def service_create(self, data):
        return services.create_client(data)

    def service_update(self, obj, data):
        return services.update_client(obj.id, data)


class WorkerAdmin(SecureModelView):
    permission_model = "worker"
    column_list = ("id", "last_name", "first_name", "email", "tin_masked", "state", "status")
    column_labels = {"tin_masked": "SSN/TIN"}
    column_details_list = ("id", "first_name", "middle_name", "last_name", "tin_type", "tin_masked", "tin_flagged",
                           "birth_date", "email", "phone", "address_line1", "address_line2", "city", "state",
                           "postal_code", "status", "created_at", "updated_at")
    column_export_list = ("id", "last_name", "first_name", "email", "tin_masked", "city", "state", "status")
    column_searchable_list = ("last_name", "first_name", "email")
    column_filters = ("state", "status", "tin_type", FilterEqual(Worker.tin_last4, "SSN last 4"))
    column_sortable_list = ("id", "last_name", "first_name", "email", "state", "status")
    column_default_sort = ("id", True)
    form_columns = ("first_name", "middle_name", "last_name", "tin_type", "tin", "birth_date", "email", "phone",
                    "address_line1", "address_line2", "city", "state", "postal_code", "status")
    form_extra_fields = {"tin": StringField("SSN / TIN (leave blank to keep)")}
    form_choices = {"state": STATE_CHOICES, "tin_type": [("ssn", "SSN"), ("ein", "EIN")],
                    "status": [(s, s) for s in ("onboarding", "active", "inactive", "terminated")]}
    service_fields = services.WORKER_FIELDS
    column_formatters = {"tin_masked": lambda v, c, m, n: m.tin_masked}

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
                   "pay_frequency", "start_date", "end_date", "status", "classification")
    column_searchable_list = ("title", "work_state", Worker.last_name, Client.name)
    column_filters = ("type", "work_state", "status", "pay_frequency", "classification", "start_date",
                      Client.name)
    column_sortable_list = ("id", "type", "work_state", "pay_rate", "start_date", "status")
    column_default_sort = ("id", True)
    form_columns = ("worker", "client", "type", "title", "work_state", "pay_rate", "pay_unit", "bill_rate",
                    "pay_frequency", "start_date", "end_date", "status", "overtime_exempt")
    form_ajax_refs = {"worker": {"fields": ("last_name", "first_name", "email"), "page_size": 10},
                      "client": {"fields": ("name",), "page_size": 10}}
    form_choices = {"type": [(t, t.replace("_", " ")) for t in ENGAGEMENT_TYPES],
                    "work_state": STATE_CHOICES, "pay_unit": [(u, u) for u in PAY_UNITS],
                    "pay_frequency": [(f, f) for f in PAY_FREQUENCIES],
                    "status": [(s, s) for s in ENGAGEMENT_STATUSES]}
    service_fields = ("worker", "client", "type", "title", "work_state", "pay_rate", "pay_unit", "bill_rate",
                      "pay_frequency", "start_date", "end_date", "status", "overtime_exempt")
    column_formatters = {"worker": lambda v, c, m, n: Markup.escape(m.worker.full_name) if m.worker else "",
                         "type": lambda v, c, m, n: m.type.replace("_", " ")}

    def get_query(self):
        from sqlalchemy.orm import joinedload

        return super().get_query().options(joinedload(Engagement.worker), joinedload(Engagement.client))

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
    from backoffice.workers.classification_admin import register as register_classification

    register_classification(admin)
