"""Admin "Agency reports": each catalog report as a page with its filters, a table, totals, CSV and XLSX downloads
(large ones built in the background with a progress bar), and "Scheduled reports" to e-mail them on a cadence."""
from __future__ import annotations

import io

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, request, send_file, url_for
from flask_admin import BaseView, expose
from flask_admin.actions import action
from flask_login import current_user
from wtforms import SelectField, StringField

from backoffice.admin import SecureModelView, deny, domain_errors, staff_only
from backoffice.clock import clock
from backoffice.errors import NotFound
from backoffice.extensions import db
from backoffice.money import fmt_usd, from_cents
from backoffice.security.access import can
from backoffice.security.models import User
from backoffice.workers.models import Client
from reports import agency_frames, catalog, exports, schedule_services, slots
from reports.models import SCHEDULE_FORMATS, ScheduledReport

GROUP_WORDS = {"client": "Client", "worker": "Worker", "state": "State", "period": "Period only"}


def _money(cents) -> str:
    return fmt_usd(from_cents(int(cents)))


class AgencyReportsView(BaseView):
    """The reports this user may see; each with filters, table, totals and downloads."""

    def is_accessible(self):
        return staff_only() and bool(catalog.visible(current_user))

    def inaccessible_callback(self, name, **kwargs):
        return deny()

    def _report(self, name: str) -> catalog.Report:
        try:
            return catalog.report_for(current_user, name)
        except NotFound:
            abort(404)

    @expose("/")
    def index(self):
        return self.render("admin/reports/agency_index.html", reports=catalog.visible(current_user),
                           may_schedule=can(current_user, "scheduled_report", "read"))

    def _values(self, report: catalog.Report) -> dict:
        values = catalog.default_filters(report, clock().today())
        values.update({k: v for k, v in request.args.items() if k in catalog.FILTER_NAMES})
        return values

    @expose("/<report_name>")
    def report(self, report_name):
        report = self._report(report_name)
        values = self._values(report)
        sheets, filters, large, errors = [], None, False, {}
        with domain_errors(form=True) as refused:
            filters = catalog.parse_filters(report, values)
            large = report.estimate is not None and report.estimate(filters) > catalog.INLINE_LIMIT
            if not large:
                sheets = catalog.sheets(report, filters)
        if refused:
            errors = {i.field: i.message for i in refused.issues} or {"": refused.error.message}
        clients = db.session.execute(sa.select(Client.id, Client.name).order_by(Client.name)).all() \
            if "client_id" in report.filters else []
        status = 422 if refused else 200
        schedule_url = None
        if can(current_user, "scheduled_report", "create") and not refused:
            schedule_url = url_for("scheduled_reports.create_view", report=report.name, **{
                k: v for k, v in filters.as_args().items() if k in ScheduledReportAdmin.FILTER_FIELDS})
        return self.render("admin/reports/agency_report.html", report=report, values=values, errors=errors,
                           schedule_url=schedule_url,
                           sheets=sheets, large=large, limit=catalog.PAGE_ROWS, totals=catalog.totals,
                           money=_money, clients=clients, grains=agency_frames.GRAINS, group_words=GROUP_WORDS,
                           inline_limit=catalog.INLINE_LIMIT), status

    @expose("/<report_name>/download")
    def download(self, report_name):
        report = self._report(report_name)
        fmt = request.args.get("format", "csv")
        values = self._values(report)
        with domain_errors("Not downloaded: "):
            if fmt not in ("csv", "xlsx"):
                abort(404)
            filters = catalog.parse_filters(report, values)
            if catalog.needs_task(report, filters, fmt):
                from reports.tasks import build_export

                job = catalog.new_job(exports.jobs_dir(current_app), report, filters, fmt, current_user.id)
                build_export.delay(job["id"])
                return redirect(url_for(".job", job_id=job["id"]))
            out = catalog.render(report, filters, fmt)
            return send_file(io.BytesIO(out.content), mimetype=out.mimetype, as_attachment=True,
                             download_name=out.filename)
        return redirect(url_for(".report", report_name=report_name, **values))   # refused: the page says why

    def _job(self, job_id: str) -> dict:
        job = exports.load_job(exports.jobs_dir(current_app), job_id)
        kind = job.get("kind", "")
        if not kind.startswith("report:") or (job.get("user_id") != current_user.id
                                               and not can(current_user, "export_jobs_all", "read")):
            raise NotFound("no such export job")
        catalog.report_for(current_user, kind.split(":", 1)[1])
        return job

    @expose("/job/<job_id>")
    def job(self, job_id):
        try:
            job = self._job(job_id)
        except NotFound:
            abort(404)
        pct = 100 if job["state"] == "done" else int(100 * job["done"] / job["total"]) if job.get("total") else 0
        kinds = {f"report:{r.name}": r.title for r in catalog.REPORTS.values()}
        return self.render("admin/reports/export_job.html", job=job, pct=pct, kinds=kinds)

    @expose("/job/<job_id>/file")
    def job_file(self, job_id):
        try:
            job = self._job(job_id)
        except NotFound:
            abort(404)
        if job["state"] != "done":
            return redirect(url_for(".job", job_id=job_id))
        path = exports.job_path(exports.jobs_dir(current_app), job_id, "." + job["format"])
        return send_file(path, mimetype=exports.MIMETYPES[job["format"]], as_attachment=True,
                         download_name=job["filename"])


# ------------------------------------------------------------------------------------------------ schedules
def _cadence(view, context, model, name):
    return schedule_services.cadence_of(model).words()


def _recipients(view, context, model, name):
    return ", ".join(u.email for u in model.recipients)


def _last_run(view, context, model, name):
    run = model.runs[0] if model.runs else None
    if run is None:
        return "not yet"
    what = f"{run.slot:%Y-%m-%d %H:%M} UTC: {run.status}"
    return what + (f" ({run.error})" if run.error else f" to {run.sent_to}" if run.sent_to else "")


def _report_title(view, context, model, name):
    report = catalog.REPORTS.get(model.report)
    return report.title if report else model.report


class ScheduledReportAdmin(SecureModelView):
    """Schedules of the reports this user may see; recipients who may not see the report are refused by name."""

    permission_model = "scheduled_report"
    column_list = ("title", "report", "cadence", "range_kind", "format", "recipients", "active", "last_run")
    column_details_list = ("id", "title", "report", "cadence", "range_kind", "filters", "format", "recipients",
                           "active", "created_by", "created_at", "last_run")
    column_labels = {"range_kind": "Covers", "last_run": "Last sent", "cadence": "When"}
    column_searchable_list = ("title", "report")
    column_filters = ("report", "frequency", "format", "active")
    column_formatters = {"cadence": _cadence, "recipients": _recipients, "last_run": _last_run,
                         "report": _report_title,
                         "range_kind": lambda v, c, m, n: slots.RANGE_WORDS.get(m.range_kind, m.range_kind)}
    column_formatters_export = column_formatters
    form_columns = ("title", "report", "frequency", "weekday", "day_of_month", "hour", "range_kind", "format",
                    "group", "grain", "state", "client_id", "recipients", "active")
    form_choices = {"report": [(r.name, r.title) for r in catalog.REPORTS.values()],
                    "frequency": [(f, f) for f in slots.FREQUENCIES],
                    "range_kind": [(k, w) for k, w in slots.RANGE_WORDS.items()],
                    "format": [(f, f.upper()) for f in SCHEDULE_FORMATS]}
    form_args = {"weekday": {"description": "Weekly: 0 Monday … 6 Sunday"},
                 "day_of_month": {"description": "Monthly: 1 to 31 (31: the month's last day)"},
                 "hour": {"description": "Hour of the day, UTC (0–23)"},
                 "recipients": {"description": "Only users who may see the report can receive it.",
                                "query_factory": lambda: db.session.execute(
                                    sa.select(User).where(User.active.is_(True),
                                                          User.role.notin_(("worker", "client_approver")))
                                    .order_by(User.email)).scalars().all()}}
    form_extra_fields = {
        "group": SelectField("Break down by", choices=[("", "(the report's default)")] +
                             [(k, w) for k, w in GROUP_WORDS.items()], validate_choice=False),
        "grain": SelectField("Period", choices=[(g, g) for g in agency_frames.GRAINS], default="month"),
        "state": StringField("State (two letters, optional)"),
        "client_id": StringField("Client id (optional)")}
    service_fields = form_columns
    FILTER_FIELDS = ("group", "grain", "state", "client_id")

    def get_query(self):
        return self._visible(super().get_query())

    def get_count_query(self):
        return self._visible(super().get_count_query())

    def _visible(self, query):
        return query.filter(ScheduledReport.report.in_([r.name for r in catalog.visible(current_user)]))

    def get_one(self, id):
        try:
            return schedule_services.visible_schedule(current_user, int(id))
        except (NotFound, ValueError):
            return None

    def create_form(self, obj=None):
        """A new schedule opened from a report's page ("Schedule this report") starts with its report and
        filters."""
        form = super().create_form(obj)
        if request.method == "GET":
            for key in ("report",) + self.FILTER_FIELDS:
                if request.args.get(key) and key in form._fields:
                    form._fields[key].data = request.args[key]
        return form

    def on_form_prefill(self, form, id):
        row = self.get_one(id)
        if row is not None:
            for key in self.FILTER_FIELDS:
                form._fields[key].data = str(row.filters.get(key, "") or "")

    def form_data(self, form) -> dict:
        data = {name: form._fields[name].data for name in self.form_columns
                if name in form._fields and name not in self.FILTER_FIELDS}
        data["recipient_ids"] = [u.id for u in (data.pop("recipients", None) or [])]
        data["filters"] = {k: form._fields[k].data for k in self.FILTER_FIELDS if k in form._fields}
        return data

    def create_model(self, form):
        with domain_errors(form=True) as refused:
            return schedule_services.create_schedule(self.form_data(form), current_user)
        self._apply_issues(form, refused.issues)
        return False

    def update_model(self, form, model):
        with domain_errors(form=True) as refused:
            schedule_services.update_schedule(model.id, self.form_data(form), current_user)
            return True
        self._apply_issues(form, refused.issues)
        return False

    def is_action_allowed(self, name):
        return self._can("write") and super().is_action_allowed(name)

    @action("send_now", "Send now", "E-mail the selected reports to their recipients now?")
    def action_send_now(self, ids):
        if not self._can("write"):
            abort(403)
        for i in ids:
            with domain_errors("Not sent: "):
                run = schedule_services.send_now(int(i), current_user)
                if run.status == "sent":
                    flash(f"{run.schedule.title}: sent to {run.sent_to or 'nobody'}.", "success")
                else:
                    flash(f"{run.schedule.title}: not sent ({run.error}).", "error")


def register(admin) -> None:
    admin.add_view(AgencyReportsView(name="Agency reports", endpoint="agency_reports", url="/admin/agency-reports",
                                     category="Reports"))
    admin.add_view(ScheduledReportAdmin(ScheduledReport, name="Scheduled reports",
                                        endpoint="scheduled_reports", category="Reports"))

