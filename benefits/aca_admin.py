"""ACA admin (staff): the monthly ACA records (status, hours, 1095-C lines 14/15/16 and why) and the per-worker ACA
enrollment windows; read-only lists with search by worker, filters and CSV/XLSX export. HR, finance and compliance
read them (the `aca_month` right); they are built by `backoffice benefits aca-months` and the monthly task."""
from __future__ import annotations

from markupsafe import Markup
from sqlalchemy.orm import joinedload

from backoffice.admin import ReadOnlyView
from backoffice.workers.models import Worker
from benefits.aca_models import AcaMonth, AcaWindow
from benefits.admin import _worker

STATUS_LABELS = {"full_time": "full time", "not_full_time": "not full time",
                 "in_initial_measurement": "in initial measurement", "non_employee": "not employed"}


def _explanation(view, context, model, name):
    return Markup("<br>").join(model.explanation or [])


def _worker_name(v, c, m, n):
    return m.worker.full_name if m.worker else ""


class AcaMonthAdmin(ReadOnlyView):
    """One row per worker and month: who is full time and why, and what the 1095-C will say."""

    permission_model = "aca_month"
    column_list = ("worker", "year", "month", "status", "basis", "hours", "average_monthly_hours",
                   "stability_start", "stability_end", "line14", "employee_share", "line16")
    column_labels = {"line14": "Line 14", "employee_share": "Line 15 (share)", "line16": "Line 16",
                     "average_monthly_hours": "Average a month"}
    column_searchable_list = (Worker.last_name, Worker.first_name, Worker.email)
    column_filters = ("year", "month", "status", "basis", "line14", "line16", "worker_id")
    column_choices = {"status": list(STATUS_LABELS.items())}
    column_default_sort = [("year", True), ("month", True)]
    column_formatters = {"worker": _worker, "explanation": _explanation}
    column_formatters_export = {"worker": _worker_name,
                                "explanation": lambda v, c, m, n: " ".join(m.explanation or [])}
    column_export_list = column_list + ("measurement_start", "measurement_end", "explanation")
    column_details_list = column_list + ("measurement_start", "measurement_end", "explanation", "computed_at")
    money_columns = ("employee_share",)

    def get_query(self):
        return super().get_query().options(joinedload(AcaMonth.worker))


class AcaWindowAdmin(ReadOnlyView):
    """The windows the look-back opened: whose, for which stability period, until when, e-mailed or not."""

    permission_model = "aca_month"
    column_list = ("worker", "stability_start", "stability_end", "opens_on", "closes_on", "status", "emailed_at",
                   "email_error", "ended_on")
    column_searchable_list = (Worker.last_name, Worker.first_name)
    column_filters = ("status", "stability_start", "worker_id")
    column_default_sort = ("opens_on", True)
    column_formatters = {"worker": _worker}
    column_formatters_export = {"worker": _worker_name}
    column_details_list = column_list + ("reason", "life_event_id")

    def get_query(self):
        return super().get_query().options(joinedload(AcaWindow.worker))


def register(admin) -> None:
    cat = "Benefits"
    admin.add_view(AcaMonthAdmin(AcaMonth, name="ACA months", endpoint="benefit_aca_month", category=cat))
    admin.add_view(AcaWindowAdmin(AcaWindow, name="ACA windows", endpoint="benefit_aca_window", category=cat))
