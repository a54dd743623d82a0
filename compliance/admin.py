"""Compliance admin views (staff): the filings list (search, filters, CSV/XLSX) with the lifecycle as actions; the
filing page (its content as a table, the lifecycle buttons, a download per export format); the compliance
dashboard (what is due, what is wrong, what was filed, with charts). Compliance and admin move filings on and
download exports with full TINs; HR and finance read (JSON/PDF exports without full TINs)."""
from __future__ import annotations

from flask import Response, abort, flash, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_admin.actions import action
from flask_login import current_user
from markupsafe import Markup

from backoffice.admin import ReadOnlyView, deny, domain_errors, staff_only
from backoffice.clock import clock
from backoffice.dates import parse_date
from backoffice.errors import Issue, ValidationFailed
from backoffice.extensions import db
from backoffice.security.access import can
from compliance import registry, services as svc
from compliance.copy_services import flat_rows
from compliance.models import Filing, FilingCopy

RIGHT = "filing"
MAX_ROWS = 50           # rows of a per-worker list shown on the filing page (the exports carry them all)
MIME = {"json": "application/json", "pdf": "application/pdf", "csv": "text/csv", "efw2": "text/plain",
        "fire": "text/plain", "iris-csv": "text/csv"}


def may_write() -> bool:
    return can(current_user, RIGHT, "write")


def may_export(spec: registry.FormSpec, fmt: str) -> bool:
    """Read right for exports without full TINs; write right (compliance, admin) for those with them."""
    return can(current_user, RIGHT, "read") and (not registry.prints_full_tins(spec, fmt) or may_write())


def _filing_link(view, context, model, name):
    return Markup('<a href="{}">{}</a>').format(url_for("filing.show", filing_id=model.id), model.form)


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
    column_formatters = {"form": _filing_link}
    column_formatters_export = {"form": lambda v, c, m, n: m.form}

    def is_action_allowed(self, name):
        return super().is_action_allowed(name) and may_write()

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

    # -- the filing page ---------------------------------------------------------------------------------------

    def _filing(self, filing_id: int) -> Filing:
        f = db.session.get(Filing, filing_id)
        if f is None:
            abort(404)
        return f

    @expose("/show/<int:filing_id>")
    def show(self, filing_id: int):
        f = self._filing(filing_id)
        spec = registry.spec(f.form)
        scalars, tables = content_tables(f.content or {})
        exports = [(fmt, may_export(spec, fmt), registry.prints_full_tins(spec, fmt))
                   for fmt in sorted(spec.exports)] if spec else []
        corrections = svc._corrections(f) if f.revision == 0 else []
        return self.render("admin/compliance/filing.html", f=f, spec=spec, scalars=scalars, tables=tables,
                           exports=exports, may_write=may_write(), corrections=corrections,
                           can_correct=bool(spec and spec.correct), max_rows=MAX_ROWS, today=clock().today())

    @expose("/show/<int:filing_id>/move/<move>", methods=("POST",))
    def move(self, filing_id: int, move: str):
        if not may_write():
            abort(403)
        self._filing(filing_id)
        target = filing_id
        with domain_errors(f"Filing #{filing_id}: ") as refused:
            if move == "review":
                svc.review(filing_id, current_user.id)
            elif move == "reopen":
                svc.reopen(filing_id)
            elif move == "finalize":
                svc.finalize(filing_id, current_user.id)
            elif move == "file":
                filed_on = None
                raw = (request.form.get("filed_on") or "").strip()
                if raw:
                    try:
                        filed_on = parse_date(raw)
                    except ValueError:
                        raise ValidationFailed([Issue("filed_on", "a date as YYYY-MM-DD", code="invalid")]) \
                            from None
                    if filed_on > clock().today():
                        raise ValidationFailed([Issue("filed_on", "a filing date cannot be in the future",
                                                      code="future")])
                svc.mark_filed(filing_id, request.form.get("confirmation", ""), filed_on, current_user.id)
            elif move == "correct":
                target = svc.correct(filing_id).id
            else:
                abort(404)
            flash(f"Filing #{filing_id}: {move} done.", "success")
        if refused:
            return redirect(url_for(".show", filing_id=filing_id), 303)
        return redirect(url_for(".show", filing_id=target), 303)

    @expose("/show/<int:filing_id>/export/<fmt>")
    def download(self, filing_id: int, fmt: str):
        f = self._filing(filing_id)
        spec = registry.spec(f.form)
        if spec is None or fmt not in spec.exports:
            abort(404)
        if not may_export(spec, fmt):
            abort(403)
        with domain_errors(f"{f} not exported: ") as refused:
            data = svc.export(f, fmt, full_tins=may_write())
        if refused:
            return redirect(url_for(".show", filing_id=filing_id))
        ext = {"efw2": "txt", "fire": "txt", "iris-csv": "csv"}.get(fmt, fmt)
        name = f"{f.form}-{f.tax_year}" + (f"-q{f.quarter}" if f.quarter else "") + (f"-{f.state}" if f.state else "") \
            + (f"-r{f.revision}" if f.revision else "")
        return Response(data, mimetype=MIME.get(fmt, "application/octet-stream"),
                        headers={"Content-Disposition": f'attachment; filename="{name}.{ext}"'})


def content_tables(content: dict) -> tuple[list[tuple[str, str]], list[dict]]:
    """The content for a person: its figures as (label, value) rows, and each list of records (employees,
    recipients ...) as a table {key, columns, rows (first MAX_ROWS), total}."""
    scalars: list[tuple[str, str]] = []
    tables: list[dict] = []
    for k, v in content.items():
        if isinstance(v, list) and v and all(isinstance(r, dict) for r in v):
            cols: list[str] = []
            for r in v[:MAX_ROWS]:
                cols += [c for c in r if c not in cols]
            rows = [[_cell(r.get(c)) for c in cols] for r in v[:MAX_ROWS]]
            tables.append({"key": k, "columns": cols, "rows": rows, "total": len(v)})
        else:
            scalars += flat_rows({k: v})
    return scalars, tables


def _cell(v) -> str:
    if isinstance(v, list):
        return "; ".join(" ".join(str(x) for x in (i.values() if isinstance(i, dict) else [i])) for i in v)
    if isinstance(v, dict):
        return "; ".join(f"{k} {x}" for k, x in v.items())
    if isinstance(v, bool):
        return "yes" if v else "no"
    return "" if v is None else str(v)


class FilingCopyAdmin(ReadOnlyView):
    """The workers' copies of the yearly forms (W-2, W-2c, 1099-NEC, 1095-C) and how each was delivered."""

    permission_model = "filing_copy"
    column_list = ("tax_year", "form", "worker", "filing", "delivery", "delivered_at")
    column_searchable_list = ("form",)
    column_filters = ("tax_year", "form", "worker_id", "delivery", "delivered_at")
    column_sortable_list = ("tax_year", "form", "delivery", "delivered_at")
    column_default_sort = [("tax_year", True), ("form", False)]
    column_formatters = {"worker": lambda v, c, m, n: m.worker.full_name if m.worker else m.worker_id}
    column_formatters_export = {"worker": lambda v, c, m, n: m.worker.full_name if m.worker else "",
                                "filing": lambda v, c, m, n: str(m.filing)}


class ComplianceDashboard(BaseView):
    """What is due (the calendar), what is wrong (the checks), what was filed; charts."""

    def is_accessible(self):
        return staff_only() and can(current_user, RIGHT, "read")

    def inaccessible_callback(self, name, **kwargs):
        return deny()

    @expose("/")
    def index(self):
        from compliance.dashboard_services import dashboard
        today = clock().today()
        try:
            year = int(request.args.get("year") or (today.year - 1 if today.month <= 3 else today.year))
        except ValueError:
            year = today.year
        if not 2000 <= year <= 2100:
            year = today.year
        d = dashboard(year, today)
        return self.render("admin/compliance/dashboard.html", d=d, years=range(today.year - 3, today.year + 1))


def register(admin) -> None:
    """Add this domain's views to the admin."""
    admin.add_view(ComplianceDashboard(name="Dashboard", endpoint="compliance_dashboard", category="Compliance"))
    admin.add_view(FilingAdmin(Filing, name="Filings", endpoint="filing", category="Compliance"))
    admin.add_view(FilingCopyAdmin(FilingCopy, name="Workers' copies", endpoint="filing_copy",
                                   category="Compliance"))
