"""Admin pages of the premium reconciliation: carriers' bills (import a CSV, reconcile again), the variance report
(search, filters, CSV/XLSX; mark explained with a note) and the premium pool (each month's invoice against what
funded it, as a chart and a table, and the month's split to clients). HR and finance import and explain,
compliance reads (the `premium_bill` right); every write goes through benefits.recon_services."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import Response, abort, flash, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_admin.actions import action
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy.orm import joinedload

from backoffice.admin import ReadOnlyView, deny, domain_errors, filtered_list_url, selected_ids, staff_only
from backoffice.charts import Bar, Chart
from backoffice.exports import csv_lines, xlsx_bytes
from backoffice.extensions import db
from backoffice.security.access import can
from backoffice.workers.models import Client
from benefits import recon_services as recon
from benefits.engine.reconcile import KINDS, month_of
from benefits.models import Carrier
from benefits.recon_models import CarrierBill, PremiumVariance

RIGHT = "premium_bill"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _month(view, context, model, name):
    value = getattr(model, name)
    return f"{value:%Y-%m}" if value else ""


def _variances_link(view, context, model, name):
    link = filtered_list_url("benefit_premium_variance", "bill_id", model.id)
    text = f"{model.unexplained} unexplained" if model.reconciled_at else "not reconciled"
    return Markup('<a href="{}">{}</a>').format(link, text) if link else text


class CarrierBillAdmin(ReadOnlyView):
    """Carriers' monthly bills as imported: total, lines, the enrollments' total and how many variances are still
    unexplained (linked to the variance report)."""

    permission_model = RIGHT
    column_list = ("id", "carrier.code", "month", "total", "expected_total", "line_count", "unexplained_link",
                   "filename", "imported_at", "reconciled_at")
    column_labels = {"carrier.code": "Carrier", "unexplained_link": "Variances", "expected_total": "Enrollments"}
    column_sortable_list = ("id", "month", "total", "imported_at")
    column_filters = ("month", "carrier_id", Carrier.code)
    column_searchable_list = ("filename", Carrier.code)
    column_default_sort = ("id", True)
    column_formatters = {"month": _month, "unexplained_link": _variances_link}
    column_formatters_export = {"month": _month, "unexplained_link": lambda v, c, m, n: m.unexplained}
    money_columns = ("total", "expected_total")
    list_template = "admin/benefits/bill_list.html"

    def get_query(self):
        return super().get_query().options(joinedload(CarrierBill.carrier))

    def is_action_allowed(self, name):
        return super().is_action_allowed(name) and can(current_user, RIGHT, "write")

    def may_import(self) -> bool:
        return can(current_user, RIGHT, "create")

    @action("reconcile", "Reconcile again", "Match the selected bills with the enrollments as they are now?")
    def action_reconcile(self, ids):
        for i in ids:
            with domain_errors(f"Bill {i} not reconciled: "):
                result = recon.reconcile(int(i))
                flash(f"Bill {i}: {len(result.variances)} variance(s), {len(result.unexplained)} unexplained by "
                      "the enrollments.", "success")

    @expose("/import/", methods=("GET", "POST"))
    def import_view(self):
        """Upload a carrier's bill (CSV) for a month: imported all-or-nothing, then reconciled."""
        if not self.may_import():
            abort(403)
        carriers = list(db.session.execute(sa.select(Carrier).order_by(Carrier.code)).scalars())
        form = {"carrier": request.form.get("carrier", ""), "month": request.form.get("month", "")}
        if request.method == "POST":
            upload = request.files.get("bill")
            if upload is None or not upload.filename:
                flash("bill: choose the carrier's CSV file", "error")
            else:
                with domain_errors("Bill not imported: ") as refused:
                    bill = recon.import_bill(form["carrier"], form["month"], upload.read(),
                                             filename=upload.filename, user_id=current_user.id)
                    result = recon.reconcile(bill.id)
                    flash(f"{bill}: {bill.line_count} line(s), {len(result.variances)} variance(s), "
                          f"{len(result.unexplained)} unexplained.", "success")
                if not refused:
                    return redirect(filtered_list_url("benefit_premium_variance", "bill_id", bill.id)
                                    or url_for(".index_view"))
        return self.render("admin/benefits/bill_import.html", carriers=carriers, form=form)


def _amount(view, context, model, name):
    value = getattr(model, name)
    return "" if value is None else f"{value:,.2f}"


class PremiumVarianceAdmin(ReadOnlyView):
    """The variance report: every difference between a bill and the enrollments, member by member; search by
    member, name, plan or note; filter by bill, kind, month, explained; export CSV/XLSX; mark explained."""

    permission_model = RIGHT
    column_list = ("bill", "kind", "member_id", "name", "plan_name", "coverage_month", "billed_tier",
                   "expected_tier", "billed_premium", "expected_premium", "amount", "explained", "reason", "note")
    column_labels = {"member_id": "Member", "plan_name": "Plan", "amount": "Amount (billed − expected)"}
    column_searchable_list = ("member_id", "name", "plan_name", "note", "reason")
    column_filters = ("bill_id", "kind", "explained", "coverage_month", "plan_name", "member_id")
    column_default_sort = [("bill_id", True), ("id", False)]
    column_formatters = {"coverage_month": _month, "billed_premium": _amount, "expected_premium": _amount,
                         "amount": _amount}
    column_formatters_export = {"bill": lambda v, c, m, n: str(m.bill), "coverage_month": _month}
    column_details_list = column_list + ("row", "explained_by_id", "explained_at", "created_at")
    column_choices = {"kind": [(k, k.replace("_", " ")) for k in KINDS]}

    def is_action_allowed(self, name):
        return super().is_action_allowed(name) and can(current_user, RIGHT, "write")

    @action("explain", "Mark explained", "Mark the selected variances explained (you give the note next)?")
    def action_explain(self, ids):
        return redirect(url_for(".explain_view", ids=",".join(str(i) for i in ids)))

    @expose("/explain/", methods=("GET", "POST"))
    def explain_view(self):
        if not can(current_user, RIGHT, "write"):
            abort(403)
        ids = selected_ids()
        if request.method == "POST":
            note = (request.form.get("note") or "").strip()
            if not note:
                flash("note: say why the variance is explained (the note is kept with it)", "error")
            else:
                for i in ids:
                    with domain_errors(f"Variance {i} not marked explained: "):
                        recon.explain_variance(i, note, user_id=current_user.id)
                        flash(f"Variance {i} explained.", "success")
                return redirect(url_for(".index_view"))
        return self.render("admin/benefits/explain.html", ids=",".join(map(str, ids)), count=len(ids))


FUNDING = (("month", "Month"), ("carrier_invoice", "Carrier invoice"), ("employee_deductions", "Employee deductions"),
           ("employer_contributions", "Employer contributions"), ("client_charges", "Client charges"))


def funding_chart(rows: list[dict]) -> Chart:
    return Chart("premium_funding", "Who paid each month's carrier invoice",
                 tuple(Bar(f"{r['month']:%Y-%m}", (r["employee_deductions"], r["employer_contributions"],
                                                    r["client_charges"])) for r in rows),
                 series=("Employee deductions", "Employer contributions", "Client charges"), unit="usd",
                 category="Month", empty="No carrier bill imported yet.",
                 note="employee deductions + employer contributions + client charges = the carrier invoice")


class PremiumPoolView(BaseView):
    """The premium pool: a year of carrier invoices against what funded them, and one month's split to clients."""

    def is_accessible(self):
        return staff_only() and can(current_user, RIGHT, "read")

    def inaccessible_callback(self, name, **kwargs):
        return deny()

    def _args(self) -> tuple[int | None, date]:
        raw = request.args.get("carrier_id") or ""
        carrier_id = int(raw) if raw.isdigit() else None
        try:
            month = month_of(request.args.get("month") or "")
        except ValueError:
            latest = db.session.execute(sa.select(sa.func.max(CarrierBill.month))).scalar()
            month = latest or recon.today_month()
        return carrier_id, month

    def _allocation(self, carrier_id, month) -> list[dict]:
        rows = recon.pool_allocation(carrier_id, month)
        names = dict(db.session.execute(sa.select(Client.id, Client.name).where(
            Client.id.in_([r["client_id"] for r in rows if r["client_id"] is not None] or [-1]))).all())
        return [{**r, "client": names.get(r["client_id"], "") if r["client_id"] is not None
                 else "Agency (COBRA, no client, no member)"} for r in rows]

    @expose("/")
    def index(self):
        carrier_id, month = self._args()
        funding = recon.monthly_funding(carrier_id, month)
        allocation = self._allocation(carrier_id, month)
        carriers = list(db.session.execute(sa.select(Carrier).order_by(Carrier.code)).scalars())
        return self.render("admin/benefits/premium_pool.html", funding=funding, chart=funding_chart(funding),
                           allocation=allocation, month=month, carrier_id=carrier_id, carriers=carriers,
                           columns=FUNDING, total=sum((r["amount"] for r in allocation), recon.ZERO))

    @expose("/export/<what>.<kind>")
    def export(self, what: str, kind: str):
        carrier_id, month = self._args()
        if what == "funding":
            headers = [label for _k, label in FUNDING]
            rows = [[f"{r['month']:%Y-%m}", *(r[k] for k, _l in FUNDING[1:])]
                    for r in recon.monthly_funding(carrier_id, month)]
        elif what == "allocation":
            headers = ["Client id", "Client", "Amount"]
            rows = [[r["client_id"], r["client"], r["amount"]] for r in self._allocation(carrier_id, month)]
        else:
            abort(404)
        name = f"premium-{what}-{month:%Y-%m}"
        if kind == "csv":
            return Response(csv_lines(headers, rows), mimetype="text/csv",
                            headers={"Content-Disposition": f"attachment;filename={name}.csv"})
        if kind == "xlsx":
            return Response(xlsx_bytes(headers, rows), mimetype=XLSX,
                            headers={"Content-Disposition": f"attachment;filename={name}.xlsx"})
        abort(404)


def register(admin) -> None:
    cat = "Benefits"
    admin.add_view(CarrierBillAdmin(CarrierBill, name="Carrier bills", endpoint="benefit_carrier_bill",
                                    category=cat))
    admin.add_view(PremiumVarianceAdmin(PremiumVariance, name="Premium variances",
                                        endpoint="benefit_premium_variance", category=cat))
    admin.add_view(PremiumPoolView(name="Premium pool", endpoint="premium_pool", category=cat))
