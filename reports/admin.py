"""Admin "Finance exports" page: register, tax liability and GL as CSV/XLSX for a run or a date range; a chart of
gross, taxes and net per run; large XLSX built in the background with a progress bar."""
from __future__ import annotations


import io

from flask import current_app, flash, redirect, request, send_file, url_for
from flask_admin import BaseView, expose
from flask_login import current_user

from backoffice.admin import chart_for, deny, domain_errors, staff_only
from backoffice.clock import clock
from backoffice.errors import Issue, NotFound, ValidationFailed
from backoffice.money import fmt_usd
from backoffice.security.access import can
from reports import agency_admin, dashboards, exports, queries

KIND_LABELS = {"register": "Payroll register", "tax-liability": "Tax liability", "gl": "GL journal"}


class FinanceExportsView(BaseView):
    """Pick a run or a date range and download the register, tax liability or GL as CSV or XLSX."""

    def is_accessible(self):
        return staff_only() and can(current_user, "report", "read")

    def inaccessible_callback(self, name, **kwargs):
        return deny()

    @expose("/")
    def index(self):
        runs = queries.recent_runs(limit=50)
        chart = chart_for(self.admin, "run_totals")      # the dashboard's chart (reports/dashboards.py run_totals)
        today = clock().today()
        values = {"run_id": request.args.get("run_id", ""), "start": request.args.get("start")
                  or today.replace(day=1).isoformat(), "end": request.args.get("end") or today.isoformat()}
        return self.render("admin/reports/finance_exports.html", runs=list(reversed(runs)), chart=chart,
                           values=values, kinds=KIND_LABELS, fmt_usd=fmt_usd)

    @expose("/download")
    def download(self):
        args = request.args
        kind, fmt = args.get("kind", ""), args.get("format", "csv")
        if ":" in args.get("export", ""):              # the page's buttons send export=<kind>:<format>
            kind, fmt = args["export"].split(":", 1)
        picked = {"run_id": args.get("run_id", "")} if args.get("scope") != "range" else {
            "start": args.get("start", ""), "end": args.get("end", "")}
        with domain_errors() as refused:
            exports.check_kind_format(kind, fmt)
            if picked.get("run_id", None) == "":
                raise ValidationFailed([Issue("run_id", "choose a payroll run, or pick a date range")])
            sel = exports.parse_selection(picked)
            if exports.needs_task(kind, sel, fmt):
                from reports.tasks import build_export

                job = exports.new_job(exports.jobs_dir(current_app), kind, sel, fmt, current_user.id)
                build_export.delay(job["id"])
                return redirect(url_for(".job", job_id=job["id"]))
            out = exports.export(kind, sel, fmt)
            return send_file(io.BytesIO(out.content), mimetype=out.mimetype, as_attachment=True,
                             download_name=out.filename)
        again = {k: v for k, v in args.items() if k in ("run_id", "start", "end")} if refused.issues else {}
        return redirect(url_for(".index", **again))  # a bad selection is shown again to be corrected

    def _job(self, job_id: str) -> dict:
        job = exports.load_job(exports.jobs_dir(current_app), job_id)
        if job.get("user_id") != current_user.id and not can(current_user, "export_jobs_all", "read"):
            raise NotFound("no such export job")
        return job

    @expose("/job/<job_id>")
    def job(self, job_id):
        try:
            job = self._job(job_id)
        except NotFound:
            flash("No such export job.", "error")
            return redirect(url_for(".index"))
        pct = 100 if job["state"] == "done" else int(100 * job["done"] / job["total"]) if job.get("total") else 0
        return self.render("admin/reports/export_job.html", job=job, pct=pct, kinds=KIND_LABELS)

    @expose("/job/<job_id>/file")
    def job_file(self, job_id):
        try:
            job = self._job(job_id)
        except NotFound:
            flash("No such export job.", "error")
            return redirect(url_for(".index"))
        if job["state"] != "done":
            return redirect(url_for(".job", job_id=job_id))
        path = exports.job_path(exports.jobs_dir(current_app), job_id, "." + job["format"])
        return send_file(path, mimetype=exports.MIMETYPES[job["format"]], as_attachment=True,
                         download_name=job["filename"])


def register(admin) -> None:
    admin.add_view(FinanceExportsView(name="Finance exports", endpoint="finance_exports",
                                      url="/admin/finance-exports", category="Reports"))
    dashboards.register(admin)          # each role's dashboard: cards, charts, drill-downs
    agency_admin.register(admin)        # the agency's reports and their schedules

