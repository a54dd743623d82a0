"""Compliance admin views (staff): the filings list (search, filters, CSV/XLSX) with the lifecycle as actions;
compliance and admin move filings on, HR and finance read."""
from __future__ import annotations

from flask import flash
from flask_admin.actions import action
from flask_login import current_user

from backoffice.admin import ReadOnlyView, domain_errors
from backoffice.security.access import can
from compliance import services as svc
from compliance.models import Filing

RIGHT = "filing"


class FilingAdmin(ReadOnlyView):
    """Every return and report by form, year, quarter and state, with where it stands in its lifecycle
    (draft → reviewed → final → filed → amended), its due date and key totals."""

    permission_model = RIGHT
    column_list = ("form", "title", "tax_year", "quarter", "state", "revision", "status", "due_date", "summary",
                   "confirmation", "filed_on")
    column_labels = {"tax_year": "Year", "revision": "Correction", "summary": "Totals"}
    column_searchable_list = ("form", "title", "summary", "confirmation", "state")
    column_filters = ("form", "tax_year", "quarter", "state", "status", "due_date", "filed_on")
    column_sortable_list = ("form", "tax_year", "quarter", "state", "status", "due_date", "filed_on")
    column_default_sort = [("tax_year", True), ("form", False), ("quarter", False)]
    column_choices = {"status": [(s, s) for s in ("draft", "reviewed", "final", "filed", "amended")]}
    column_details_list = column_list + ("content_hash", "built_at", "reviewed_at", "finalized_at", "filed_at",
                                         "amends_id")

    def is_action_allowed(self, name):
        return super().is_action_allowed(name) and can(current_user, RIGHT, "write")

    def _each(self, ids, fn, words):
        done = 0
        for i in ids:
            with domain_errors(f"Filing {i} not {words}: "):
                fn(int(i))
                done += 1
        if done:
            flash(f"{done} filing(s) {words}.", "success")

    @action("review", "Mark reviewed", "Mark the selected draft filings reviewed?")
    def action_review(self, ids):
        self._each(ids, lambda i: svc.review(i, current_user.id), "reviewed")

    @action("finalize", "Make final", "Lock the selected reviewed filings (their content can no longer change)?")
    def action_finalize(self, ids):
        self._each(ids, lambda i: svc.finalize(i, current_user.id), "made final")


def register(admin) -> None:
    """Add this domain's views to the admin."""
    admin.add_view(FilingAdmin(Filing, name="Filings", endpoint="filing", category="Compliance"))
