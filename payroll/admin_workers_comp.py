"""Workers' comp admin: the class codes and rates (dated, with history; edits through the service, which keeps a
rate that priced pay), the premium each paycheck accrued, and the premium report by state, class and period."""
from __future__ import annotations

from datetime import date

from flask import Response, abort, request, url_for
from flask_admin import BaseView, expose
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy.orm import joinedload

from backoffice.admin import ReadOnlyView, SecureModelView, deny, domain_errors, list_url, staff_only
from backoffice.clock import clock
from backoffice.dates import parse_date
from backoffice.exports import csv_lines, xlsx_bytes
from backoffice.geo import STATES
from backoffice.security.access import can
from payroll.engine import workers_comp as wc_engine
from payroll.models_workers_comp import WorkersCompClass, WorkersCompPremium
from payroll.services import workers_comp as svc

CATEGORY = "Workers' comp"
STATE_CHOICES = [(s, s) for s in sorted(STATES)]


def _history(view, context, model, name):
    url = list_url("workers_comp_class", state=model.state, class_code=model.class_code)
    return Markup('<a href="{}">History</a>').format(url) if url else ""


def _in_force(view, context, model, name):
    return "in force" if model.covers(clock().today()) else ""


class WorkersCompClassAdmin(SecureModelView):
    """The agency's class codes and rates per state: one row per rate and period. A new rate closes the one in
    force the day before; a rate that priced pay keeps its figure (docs/workers-comp.md)."""

    permission_model = "workers_comp_class"
    column_list = ("state", "class_code", "description", "basis", "rate_per_100", "rate_per_hour", "effective_from",
                   "effective_to", "in_force", "source", "related")
    column_labels = {"rate_per_100": "Rate per $100", "rate_per_hour": "Rate per hour (WA)", "related": "See also",
                     "in_force": "Today", "effective_to": "Effective to (inclusive)"}
    column_descriptions = {"source": "Where the figure comes from: the carrier's policy, the state fund's table, or "
                                     "'illustrative demo data'."}
    column_searchable_list = ("class_code", "description", "source")
    column_filters = ("state", "class_code", "basis", "effective_from", "effective_to")
    column_sortable_list = ("state", "class_code", "effective_from", "effective_to", "rate_per_100")
    column_default_sort = [("state", False), ("class_code", False), ("effective_from", True)]
    column_formatters = {"related": _history, "in_force": _in_force}
    column_export_exclude_list = ("related", "in_force")
    form_columns = ("state", "class_code", "description", "rate_per_100", "rate_per_hour", "effective_from",
                    "effective_to", "source")
    form_choices = {"state": STATE_CHOICES}
    form_args = {
        "rate_per_100": {"description": "Dollars per $100 of payroll (every state but WA)."},
        "rate_per_hour": {"description": "Dollars per hour worked: Washington only (L&I rates are hourly)."},
        "effective_from": {"description": "A new rate closes the rate in force the day before. A rate that priced "
                                          "pay keeps its figure: add a new one from a later date instead."},
        "source": {"description": "The carrier's policy or the state fund's table (with its date), or say it is "
                                  "illustrative."}}
    service_fields = form_columns
    can_view_details = True
    column_details_list = column_list[:-2] + ("created_by", "created_at", "updated_at")

    def service_create(self, data):
        return svc.add_rate(data, current_user)

    def service_update(self, obj, data):
        return svc.update_rate(obj.id, data, current_user)

    def delete_model(self, model):
        with domain_errors("Not deleted: "):
            svc.delete_rate(model.id, current_user)
            return True
        return False


def _paycheck(view, context, model, name):
    return Markup('<a href="{}">#{}</a>').format(url_for("corrections.paycheck", paycheck_id=model.paycheck_id),
                                                 model.paycheck_id)


def _worker(view, context, model, name):
    return model.worker.full_name if model.worker is not None else model.worker_id


class WorkersCompPremiumAdmin(ReadOnlyView):
    """What each paycheck accrued per engagement (reversals negated): the detail behind the report."""

    permission_model = "workers_comp_premium"
    column_list = ("paycheck_id", "pay_date", "worker", "engagement_id", "client", "state", "class_code", "wages",
                   "overtime_excluded", "hours", "rate_per_100", "rate_per_hour", "premium")
    column_labels = {"paycheck_id": "Paycheck", "engagement_id": "Engagement", "wages": "Payroll subject",
                     "overtime_excluded": "Overtime premium excluded", "rate_per_100": "Rate per $100",
                     "rate_per_hour": "Rate per hour"}
    column_filters = ("state", "class_code", "pay_date", "run_id", "worker_id", "client_id", "engagement_id",
                      "paycheck_id")
    column_searchable_list = ("class_code",)
    column_default_sort = ("id", True)
    column_formatters = {"paycheck_id": _paycheck, "worker": _worker}
    column_formatters_export = {"worker": _worker}
    money_columns = ("wages", "overtime_excluded", "premium")

    def get_query(self):
        return super().get_query().options(joinedload(WorkersCompPremium.worker),
                                           joinedload(WorkersCompPremium.client))


class WorkersCompReportView(BaseView):
    """Premium by period, state and class code between two pay dates, with CSV and XLSX: the carrier's audit."""

    def is_accessible(self):
        return staff_only() and can(current_user, "workers_comp_premium", "read")

    def inaccessible_callback(self, name, **kwargs):
        return deny()

    @expose("/")
    def index(self):
        today = clock().today()
        args = request.args
        issues = {}
        start = _day(args.get("from"), date(today.year, 1, 1), "from", issues)
        end = _day(args.get("to"), today, "to", issues)
        state = (args.get("state") or "").strip().upper() or None
        if state and state not in STATES:
            issues["state"] = f"{state!r} is not a state code"
            state = None
        code = (args.get("class_code") or "").strip().upper() or None
        period = args.get("period") or "month"
        if period not in svc.PERIODS:
            issues["period"] = f"must be one of {', '.join(svc.PERIODS)}"
            period = "month"
        rows = svc.premium_summary(start, end, state=state, class_code=code, period=period) if not issues else []
        fmt = args.get("format")
        if fmt in ("csv", "xlsx") and not issues:
            return _download(rows, fmt, start, end)
        if fmt not in (None, "", "csv", "xlsx"):
            abort(404)
        totals = {k: sum((r[k] for r in rows), 0) for k in ("wages", "overtime_excluded", "premium")}
        return self.render("admin/payroll/workers_comp_report.html", rows=rows, totals=totals, issues=issues,
                           start=start, end=end, state=state or "", class_code=code or "", period=period,
                           periods=svc.PERIODS, states=sorted(STATES), monopolistic=wc_engine.monopolistic_states())


def _day(value, default: date, field: str, issues: dict) -> date:
    if not value:
        return default
    try:
        return parse_date(value)
    except ValueError as exc:
        issues[field] = str(exc)
        return default


def _download(rows: list[dict], fmt: str, start: date, end: date) -> Response:
    headers = list(svc.SUMMARY_COLUMNS)
    data = ([r[c] if r[c] is not None else "" for c in headers] for r in rows)
    name = f"workers-comp-premium-{start.isoformat()}-{end.isoformat()}.{fmt}"
    disposition = {"Content-Disposition": f"attachment;filename={name}"}
    if fmt == "csv":
        return Response(csv_lines(headers, data), headers=disposition, mimetype="text/csv")
    return Response(xlsx_bytes(headers, data), headers=disposition,
                    mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def register(admin) -> None:
    admin.add_view(WorkersCompClassAdmin(WorkersCompClass, name="Class codes & rates", endpoint="workers_comp_class",
                                         category=CATEGORY))
    admin.add_view(WorkersCompPremiumAdmin(WorkersCompPremium, name="Premiums by paycheck",
                                           endpoint="workers_comp_premium", category=CATEGORY))
    admin.add_view(WorkersCompReportView(name="Premium report", endpoint="workers_comp_report",
                                         url="/admin/workers-comp-report", category=CATEGORY))
