"""Notifications in the admin (HR, read only): what was sent to whom, whether it was read and e-mailed, and why
an e-mail failed; searchable, filtered, exported as CSV or XLSX."""
from __future__ import annotations

from backoffice.admin import ReadOnlyView
from backoffice.notifications.models import Notification


class NotificationAdmin(ReadOnlyView):
    permission_model = "notification"
    column_list = ("id", "worker", "kind", "title", "created_at", "read_at", "emailed_at", "email_attempts",
                   "email_error")
    column_labels = {"created_at": "Created", "read_at": "Read", "emailed_at": "E-mailed",
                     "email_attempts": "Failed e-mails", "email_error": "E-mail error"}
    column_filters = ("kind", "worker_id", "created_at", "read_at", "emailed_at")
    column_searchable_list = ("title", "key", "email_error")
    column_default_sort = ("id", True)
    column_formatters = {"worker": lambda v, c, m, n: m.worker.full_name if m.worker else m.worker_id}
    column_formatters_export = column_formatters


def register(admin) -> None:
    admin.add_view(NotificationAdmin(Notification, name="Notifications", endpoint="notifications",
                                     category="Workers"))
