"""Admin: the task completions list (search, filters, CSV/XLSX export) and the import page (dry run,
all-or-nothing)."""
from __future__ import annotations

from flask import Response, flash, request
from flask_admin import BaseView, expose
from flask_login import current_user
from sqlalchemy.orm import joinedload

from backoffice.admin import ReadOnlyView, deny, domain_errors, staff_only
from backoffice.uploads import MAX_ROWS
from backoffice.workers.models import Engagement
from payroll.timesheets.admin import engagement_link, paid_run_link

from .importer import TEMPLATE_CSV, import_file, may_import
from .models import TaskCompletion


class TaskCompletionAdmin(ReadOnlyView):
    """Recorded through the API or an import; paid once by a run (paid_run_id)."""

    column_formatters = {"engagement_id": engagement_link, "paid_run_id": paid_run_link}
    column_formatters_export = {}
    column_list = ("id", "engagement_id", "task_ref", "work_date", "units", "rate", "amount", "minutes", "status",
                   "source", "paid_run_id", "completed_at")
    column_labels = {"engagement_id": "Engagement", "paid_run_id": "Paid in run", "task_ref": "Task",
                     "work_date": "Workday"}
    column_filters = ("status", "source", "work_date", "engagement_id", "paid_run_id", "task_ref")
    column_searchable_list = ("task_ref",)
    column_default_sort = ("id", True)

    def get_query(self):   # the engagement column reads "Ana Silva at Northwind, leased, TX": one query a page
        return super().get_query().options(joinedload(TaskCompletion.engagement).joinedload(Engagement.worker),
                                           joinedload(TaskCompletion.engagement).joinedload(Engagement.client))


class TaskImportView(BaseView):
    """Upload a CSV or XLSX of task completions; a dry run checks without saving."""

    def is_accessible(self):
        return staff_only() and may_import(current_user)

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
                with domain_errors():
                    result = import_file(upload.read(), filename, current_user, dry_run=dry_run)
                    if result.ok and dry_run:
                        flash(f"Dry run: {result.rows} rows are good. Nothing was saved.", "info")
                    elif result.ok:
                        flash(f"Imported {result.rows} task completions.", "success")
                    else:
                        flash(f"{len(result.issues)} problem(s) found; nothing was imported.", "error")
        return self.render("admin/tasks/import.html", result=result, filename=filename, max_rows=MAX_ROWS)

    @expose("/template.csv")
    def template(self):
        return Response(TEMPLATE_CSV, mimetype="text/csv",
                        headers={"Content-Disposition": "attachment; filename=task_completions_template.csv"})


def register(admin) -> None:
    admin.add_view(TaskCompletionAdmin(TaskCompletion, name="Task completions", endpoint="task_completion",
                                       category="Payroll"))
    admin.add_view(TaskImportView(name="Import task completions", endpoint="task_import",
                                  url="/admin/task-import", category="Payroll"))
