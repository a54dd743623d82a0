"""The admin's read-only page of state coverage: every jurisdiction, what the engine computes for it and from what,
and the local taxes (city, county, school district, PA EIT/LST, transit) below it."""
from __future__ import annotations

from flask import Response, abort, request
from flask_admin import BaseView, expose
from flask_login import current_user

from backoffice.admin import deny, staff_only
from backoffice.clock import clock
from backoffice.errors import DomainError
from backoffice.security.access import can
from payroll.engine.locals.report import NOT_IN_DATA, REFUSED_BY_RULE, local_coverage_csv, local_rows
from payroll.engine.states.coverage import coverage, coverage_csv


class StateCoverageView(BaseView):
    """Payroll → State coverage: the `backoffice paycheck states` list for a year, then its `--locals` list, each
    with a CSV copy."""

    def is_accessible(self):
        return staff_only() and can(current_user, "payroll_run", "read")

    def inaccessible_callback(self, name, **kwargs):
        return deny()

    @expose("/")
    def index(self):
        try:
            year = int(request.args.get("year", clock().today().year))
            rows = coverage(year)
        except (ValueError, DomainError):
            abort(404)
        if request.args.get("export") == "csv":
            return Response(coverage_csv(rows), mimetype="text/csv", headers={
                "Content-Disposition": f"attachment; filename=state-coverage-{year}.csv"})
        local = local_rows(year)
        if request.args.get("export") == "locals-csv":
            return Response(local_coverage_csv(local), mimetype="text/csv", headers={
                "Content-Disposition": f"attachment; filename=local-tax-coverage-{year}.csv"})
        counts = {s: sum(1 for r in rows if r.status == s) for s in ("supported", "partial", "unsupported")}
        return self.render("admin/payroll/state_coverage.html", rows=rows, year=year, counts=counts,
                           local=local, refused_by_rule=REFUSED_BY_RULE, not_in_data=NOT_IN_DATA)


def register(admin) -> None:
    admin.add_view(StateCoverageView(name="State coverage", endpoint="state_coverage", url="/admin/state-coverage",
                                     category="Payroll"))
