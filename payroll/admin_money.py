"""Money-loop admin pages: tax deposits (what is due when, mark paid), the bank's return/NOC files (upload), and
payment reconciliation per run (sent, settled, returned, re-issued) with CSV/XLSX export."""
from __future__ import annotations

from datetime import date

from flask import Response, abort, flash, redirect, request, stream_with_context, url_for
from flask_admin import BaseView, expose
from flask_login import current_user

from backoffice.admin import deny, domain_errors, staff_only
from backoffice.clock import clock
from backoffice.dates import parse_date
from backoffice.errors import Issue, ValidationFailed
from backoffice.exports import csv_lines, xlsx_bytes
from backoffice.security.access import can
from payroll.labels import run_label
from payroll.models_money import DEPOSIT_TAXES
from payroll.payments.returns import RETURN_REASONS
from payroll.services import bank_files, deposits, reconciliation

MAX_UPLOAD = 5 * 1024 * 1024     # a return file is 94 bytes a record; 5 MB is ~50,000 returns


def _day(name: str, *, required: bool = False) -> date | None:
    raw = (request.values.get(name) or "").strip()
    if not raw:
        if required:
            raise ValidationFailed([Issue(name, "a date (YYYY-MM-DD) is required", code="required")])
        return None
    try:
        return parse_date(raw)
    except Exception:   # noqa: BLE001 - any unreadable date is the same answer
        raise ValidationFailed([Issue(name, f"{raw!r} is not a date (YYYY-MM-DD)")]) from None


def _export(name: str, headers, rows, fmt: str) -> Response:
    if fmt == "xlsx":
        return Response(xlsx_bytes(headers, rows), headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'},
                        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    return Response(stream_with_context(csv_lines(headers, rows)), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})


class TaxDepositView(BaseView):
    """What is due when: due soonest first, overdue in red; filters; plan; mark paid (finance)."""

    def is_accessible(self):
        return staff_only() and can(current_user, "tax_deposit", "read")

    def inaccessible_callback(self, name, **kwargs):
        return deny()

    def _filters(self) -> dict:
        status = request.args.get("status", "due")
        tax = request.args.get("tax") or None
        return {"status": None if status == "all" else (status if status in ("due", "paid") else "due"),
                "tax": tax if tax in DEPOSIT_TAXES else None,
                "state": (request.args.get("state") or "").strip().upper()[:2] or None}

    @expose("/")
    def index(self):
        f = self._filters()
        rows = deposits.list_deposits(**f)
        fmt = request.args.get("export")
        if fmt in ("csv", "xlsx"):
            headers = ["Id", "Tax", "State", "Authority", "Period start", "Period end", "Due", "Amount", "Status",
                       "Paid on", "Confirmation", "Journal entry", "Rule"]
            data = [[d.id, d.tax, d.state, d.authority, d.period_start, d.period_end, d.due_date or "data missing",
                     d.amount, d.status, d.paid_on, d.confirmation, d.journal_entry_id, d.rule] for d in rows]
            return _export("tax-deposits", headers, data, fmt)
        today = clock().today()
        return self.render("admin/payroll/deposits.html", deposits=rows, today=today, f=f, taxes=DEPOSIT_TAXES,
                           status=request.args.get("status", "due"),
                           can_plan=can(current_user, "tax_deposit", "create"),
                           can_pay=can(current_user, "tax_deposit", "write"),
                           quarter_start=date(today.year, 3 * ((today.month - 1) // 3) + 1, 1))

    @expose("/plan", methods=["POST"])
    def plan(self):
        if not can(current_user, "tax_deposit", "create"):
            abort(403)
        with domain_errors("Not planned: "):
            made = deposits.plan_deposits(_day("from", required=True), _day("to", required=True), current_user)
            flash(f"{len(made)} deposit(s) planned." if made else "Nothing new to plan: every liability in those "
                  "dates is covered by a deposit.", "success")
        return redirect(url_for(".index"))

    @expose("/<int:deposit_id>/pay", methods=["POST"])
    def pay(self, deposit_id):
        if not can(current_user, "tax_deposit", "write"):
            abort(403)
        with domain_errors("Not paid: ", not_found_404=True):
            d = deposits.pay_deposit(deposit_id, current_user, paid_on=_day("paid_on") or clock().today(),
                                     confirmation=request.form.get("confirmation", ""))
            flash(f"Deposit #{d.id} ({d.label}) paid; journal entry #{d.journal_entry_id}.", "success")
        return redirect(url_for(".index", **{k: v for k, v in request.args.items()}))


class ReturnFileView(BaseView):
    """Upload the bank's return/NOC file (finance); the files imported and what each entry did."""

    def is_accessible(self):
        return staff_only() and can(current_user, "payment", "read")

    def inaccessible_callback(self, name, **kwargs):
        return deny()

    @expose("/", methods=["GET", "POST"])
    def index(self):
        result = None
        status = 200
        if request.method == "POST":
            if not can(current_user, "payment", "write"):
                abort(403)
            upload = request.files.get("file")
            content = upload.read(MAX_UPLOAD + 1) if upload else b""
            if not content:
                flash("Choose the bank's return file (NACHA format).", "error")
                status = 422
            elif len(content) > MAX_UPLOAD:
                flash(f"The file is larger than {MAX_UPLOAD // (1024 * 1024)} MB: not a return file.", "error")
                status = 422
            else:
                with domain_errors("Not imported: ") as refused:
                    result = bank_files.import_return_file(content, current_user, on=clock().today(),
                                                           filename=upload.filename or "")
                    flash(result.summary(), "success" if not result.already_imported else "info")
                if refused:
                    status = 422
        body = self.render("admin/payroll/return_files.html", files=bank_files.bank_files(), result=result,
                           can_upload=can(current_user, "payment", "write"))
        return body, status

    @expose("/<int:file_id>")
    def detail(self, file_id):
        with domain_errors(not_found_404=True):
            entries = bank_files.file_entries(file_id)
            return self.render("admin/payroll/return_file.html", file_id=file_id, entries=entries,
                               pays=_payments_by_id({e.payment_id for e in entries if e.payment_id}),
                               reasons=RETURN_REASONS, run_label=run_label)
        abort(404)


def _payments_by_id(ids) -> dict:
    """The payments named by a return file, with worker, client, agency and run loaded in one query."""
    if not ids:
        return {}
    import sqlalchemy as sa
    from sqlalchemy.orm import joinedload

    from backoffice.extensions import db
    from payroll.models_ledger import Payment

    rows = db.session.execute(sa.select(Payment).where(Payment.id.in_(sorted(ids))).options(
        joinedload(Payment.worker), joinedload(Payment.run), joinedload(Payment.client),
        joinedload(Payment.agency))).scalars()
    return {p.id: p for p in rows}


def _run_names(ids) -> dict[int, str]:
    """Run id -> "Weekly run Nov 2–8, 2026" for a page of runs, in one query."""
    if not ids:
        return {}
    import sqlalchemy as sa

    from backoffice.extensions import db
    from payroll.models import PayrollRun

    return {r.id: run_label(r) for r in db.session.execute(sa.select(PayrollRun).where(
        PayrollRun.id.in_(sorted(set(ids))))).scalars()}


class ReconciliationView(BaseView):
    """Per run: sent, settled, in the return window, returned, re-issued, held, not yet sent; export."""

    def is_accessible(self):
        return staff_only() and can(current_user, "payment", "read")

    def inaccessible_callback(self, name, **kwargs):
        return deny()

    @expose("/")
    def index(self):
        try:
            as_of = _day("as_of") or clock().today()
            start, end = _day("from"), _day("to")
            run_raw = (request.args.get("run_id") or "").strip()
            if run_raw and not run_raw.isdigit():
                raise ValidationFailed([Issue("run_id", "a run number")])
        except ValidationFailed as exc:
            flash("; ".join(str(i) for i in exc.issues), "error")
            return redirect(url_for(".index"))
        status = request.args.get("status") or None
        filters = {"run_id": int(run_raw) if run_raw else None, "start": start, "end": end,
                   "status": status if status in reconciliation.COLUMNS else None}
        fmt = request.args.get("export")
        if fmt in ("csv", "xlsx"):
            return _export(f"payment-reconciliation-{as_of}", reconciliation.HEADERS,
                           reconciliation.reconciliation_rows(as_of, **filters), fmt)
        runs, total = reconciliation.reconcile(as_of, **filters)
        return self.render("admin/payroll/reconciliation.html", runs=runs, total=total, as_of=as_of,
                           names=_run_names([r.run_id for r in runs]),
                           columns=reconciliation.COLUMNS, labels=reconciliation.LABELS, args=request.args,
                           days=reconciliation.SETTLEMENT_DAYS)


def register(admin) -> None:
    admin.add_view(TaxDepositView(name="Tax deposits", endpoint="tax_deposits", url="/admin/tax-deposits",
                                  category="Payroll"))
    admin.add_view(ReturnFileView(name="Bank return files", endpoint="return_files", url="/admin/return-files",
                                  category="Payroll"))
    admin.add_view(ReconciliationView(name="Payment reconciliation", endpoint="reconciliation",
                                      url="/admin/payment-reconciliation", category="Payroll"))
