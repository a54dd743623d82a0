"""Admin page to import timesheets from CSV/XLSX: dry run, all-or-nothing, every bad row in a table."""
from __future__ import annotations

from flask import Response, flash, request
from flask_admin import BaseView, expose
from flask_login import current_user

from backoffice.admin import deny, domain_errors, staff_only
from backoffice.security.access import can
from payroll.models import DAYS
from payroll.timesheets.importer import MAX_ROWS, import_file

TEMPLATE_CSV = ("engagement_id,worker_email,client,week_start," + ",".join(DAYS) + ",units,notes\n"
                "1,,,2026-01-05,8,8,8,8,8,0,0,,\n"
                ",ann.ames@example.com,Acme Logistics,2026-01-05,8,8,7.5,8,6,0,0,,left early Friday\n")


class TimesheetImportView(BaseView):
    """Upload a CSV or XLSX of weekly timesheets; a dry run checks without saving."""

    def is_accessible(self):
        return (staff_only() and can(current_user, "timesheet", "create")
                and can(current_user, "timesheet_import", "create"))

    def inaccessible_callback(self, name, **kwargs):
        return deny()

    @expose("/", methods=("GET", "POST"))
    def index(self):
        result = None
        filename = ""
        if request.method == "POST":
            upload = request.files.get("file")
            dry_run = request.form.get("dry_run") == "1"
            if upload is None or not upload.filename:
                flash("Choose a CSV or XLSX file to import.", "error")
            else:
                filename = upload.filename
                with domain_errors():       # bad rows are in the result; a refusal (not allowed) is flashed
                    result = import_file(upload.read(), filename, current_user, dry_run=dry_run)
                    if result.ok and dry_run:
                        flash(f"Dry run: {result.rows} rows are good ({result.created} new, {result.replaced} "
                              "replacing earlier drafts). Nothing was saved.", "info")
                    elif result.ok:
                        flash(f"Imported {result.rows} timesheets ({result.created} new, {result.replaced} "
                              "replaced) as submitted time awaiting approval.", "success")
                    else:
                        flash(f"{len(result.issues)} problem(s) found; nothing was imported.", "error")
        return self.render("admin/timesheets/import.html", result=result, filename=filename, days=DAYS,
                           max_rows=MAX_ROWS)

    @expose("/template.csv")
    def template(self):
        return Response(TEMPLATE_CSV, mimetype="text/csv",
                        headers={"Content-Disposition": "attachment; filename=timesheets_template.csv"})


def register(admin) -> None:
    admin.add_view(TimesheetImportView(name="Import timesheets", endpoint="timesheet_import",
                                       url="/admin/timesheet-import", category="Payroll"))
