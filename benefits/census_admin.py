"""Admin "Benefits census" page (HR, finance, compliance: the `report` right): every election in force on a day,
as a table and CSV/XLSX, with participation and cost by plan and by client as charts."""
from __future__ import annotations

from flask import Response, request
from flask_admin import BaseView, expose
from flask_login import current_user

from backoffice.admin import deny, staff_only
from backoffice.clock import clock
from backoffice.dates import parse_date
from backoffice.exports import csv_lines, xlsx_bytes
from backoffice.security.access import can

from . import census


class BenefitsCensusView(BaseView):
    def is_accessible(self):
        return staff_only() and can(current_user, "report", "read")

    def inaccessible_callback(self, name, **kwargs):
        return deny()

    def _on(self):
        try:
            return parse_date(request.args.get("on") or "") if request.args.get("on") else clock().today()
        except ValueError:
            return clock().today()

    @expose("/")
    def index(self):
        on = self._on()
        rows = census.census_rows(on)
        return self.render("admin/benefits/census.html", rows=rows, on=on, charts=census.charts(rows),
                           summary=census.summary(rows), columns=census.COLUMNS)

    @expose("/export/<kind>")
    def export(self, kind: str):
        on = self._on()
        rows = census.census_rows(on)
        headers = [label for _key, label in census.COLUMNS]
        values = ([r[key] for key, _label in census.COLUMNS] for r in rows)
        name = f"benefits-census-{on.isoformat()}"
        if kind == "csv":
            return Response(csv_lines(headers, values), mimetype="text/csv",
                            headers={"Content-Disposition": f"attachment;filename={name}.csv"})
        if kind == "xlsx":
            return Response(xlsx_bytes(headers, values), headers={
                "Content-Disposition": f"attachment;filename={name}.xlsx"},
                mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        return deny()


def register(admin) -> None:
    admin.add_view(BenefitsCensusView(name="Benefits census", endpoint="benefits_census", category="Benefits"))
