"""Finance desk admin: payments (each with its own page: record an ACH return, re-issue), the journal and the NACHA
files — all by name (worker, client, agency, the run as "Biweekly run Nov 2–15, 2026"), money as $1,234.56 — and
making a run's NACHA file with its effective entry date stated, warned when the pay date cannot be met."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import Response, abort, flash, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_admin.contrib.sqla import filters as sqla_filters
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy.orm import joinedload, selectinload

from backoffice.admin import ReadOnlyView, TandemFilterConverter, deny, domain_errors, staff_only
from backoffice.clock import clock
from backoffice.dates import optional_date, parse_date
from backoffice.errors import Issue, ValidationFailed
from backoffice.exports import csv_lines, xlsx_bytes
from backoffice.extensions import db
from backoffice.money import fmt_usd
from backoffice.security.access import can
from backoffice.workers.profile import BankAccount
from payroll.labels import day_label, run_label
from payroll.models import Paycheck, PayrollRun
from payroll.models_ledger import ACCOUNTS, ATTENTION_STATUSES, JournalEntry, JournalLine, NachaFile, Payment
from payroll.payments.returns import RETURN_REASONS
from payroll.services import payments, runs
from payroll.services.common import refuse_while_approving


# ------------------------------------------------------------------------------------------------ formatters
def _link(endpoint: str, label, **values) -> Markup:
    return Markup('<a href="{}">{}</a>').format(url_for(endpoint, **values), label)


def _run_cell(run, run_id) -> Markup | str:
    if run is None:
        return f"run {run_id}" if run_id else ""
    if not can(current_user, "payroll_run", "read"):
        return run_label(run)
    return _link("payroll_desk.detail", run_label(run), run_id=run.id)


def _worker_cell(worker, worker_id) -> Markup | str:
    label = str(worker) if worker is not None else f"worker {worker_id}"
    if not can(current_user, "worker", "read"):
        return label
    return _link("workers.details_view", label, id=worker_id)


def _payment_run(view, context, model, name):
    return _run_cell(model.run, model.run_id)


def _payment_worker(view, context, model, name):
    return _worker_cell(model.worker, model.worker_id)


def _payment_client(view, context, model, name):
    if model.client is not None:
        return str(model.client)
    return "several clients" if model.paycheck is not None and model.paycheck.engagement_id is None else ""


def _payment_agency(view, context, model, name):
    return str(model.agency) if model.agency is not None else ""


def _payment_page(view, context, model, name):
    return _link("payment.details_view", "Open", id=model.id)


def _paycheck_cell(view, context, model, name):
    if not model.paycheck_id:
        return ""
    d = model.paycheck.pay_date if model.paycheck is not None else None
    label = f"Paycheck, pay {d:%b} {d.day}, {d.year}" if d is not None else "Paycheck"
    return _link("corrections.paycheck", label, paycheck_id=model.paycheck_id)


def _return_code(view, context, model, name):
    if not model.return_code:
        return ""
    reason = RETURN_REASONS.get(model.return_code)
    return f"{model.return_code} {reason.title}" if reason else model.return_code


def _reissue_of(view, context, model, name):
    return _link("payment.details_view", "the returned payment", id=model.reissue_of_id) \
        if model.reissue_of_id else ""


# ------------------------------------------------------------------------------------------------ payments
class _StatusEqual(sqla_filters.FilterEqual):
    """Status equals: held, returned, re-issued and voided are asked of `attention`, the indexed column that holds
    them (0134: `status` itself is in no index), so filtering a million payments for the held ones stays an index
    read."""

    def apply(self, query, value, alias=None):
        if value in ATTENTION_STATUSES:
            return query.filter(Payment.attention == value)
        return super().apply(query, value, alias)


class _PaymentFilters(TandemFilterConverter):
    def convert(self, type_name, column, name, **kwargs):
        found = super().convert(type_name, column, name, **kwargs)
        if found and getattr(column, "key", None) == "status":
            return [_StatusEqual(column, name, **kwargs) if type(f) is sqla_filters.FilterEqual else f for f in found]
        return found


class PaymentAdmin(ReadOnlyView):
    """Every direct deposit and manual check: who, which client and agency, which run, how much, what happened.
    Each row opens the payment's own page (record an ACH return there, re-issue)."""

    column_list = ("id", "worker", "client", "agency", "run", "paycheck_id", "part", "method", "check_number",
                   "account_last4", "account_type", "amount", "status", "hold_reason", "trace_number", "return_code",
                   "reissue_of_id")
    column_labels = {"id": "Payment", "run": "Run", "paycheck_id": "Paycheck", "worker": "Worker",
                     "account_last4": "Account", "reissue_of_id": "Re-issue of", "hold_reason": "Held because",
                     "return_code": "Return", "check_number": "Check no.", "run.pay_date": "Pay date",
                     "worker.last_name": "Worker last name", "run_id": "Run number"}
    column_formatters = {"id": _payment_page, "run": _payment_run, "worker": _payment_worker,
                         "client": _payment_client, "agency": _payment_agency, "paycheck_id": _paycheck_cell,
                         "return_code": _return_code, "reissue_of_id": _reissue_of}
    column_formatters_export = {"run": lambda v, c, m, n: run_label(m.run), "worker": lambda v, c, m, n: str(m.worker),
                                "client": lambda v, c, m, n: str(m.client) if m.client else "",
                                "agency": lambda v, c, m, n: str(m.agency) if m.agency else "",
                                "return_code": _return_code}
    money_columns = ("amount",)
    # run_id stays the first filter: the run page links here with flt1_0=<run id>
    column_filters = ("run_id", "status", "return_code", "method", "run.pay_date", "worker.last_name",
                      "check_number", "check_date")
    filter_converter = _PaymentFilters()
    column_searchable_list = ("worker.first_name", "worker.last_name", "trace_number", "check_number")
    column_sortable_list = ("id", "amount", "status", ("worker", "worker.last_name"), ("run", "run.pay_date"))
    column_default_sort = ("id", True)
    can_view_details = True

    def get_query(self):
        return super().get_query().options(
            joinedload(Payment.worker), joinedload(Payment.run), joinedload(Payment.paycheck),
            joinedload(Payment.client), joinedload(Payment.agency))

    @expose("/details/")
    def details_view(self):
        """The payment's own page: who and what, its history, and the ACH return and re-issue forms."""
        raw = request.args.get("id", "")
        p = db.session.get(Payment, int(raw)) if raw.isdigit() else None
        if p is None:
            abort(404)
        return self.render("admin/payroll/payment.html", p=p, **_payment_context(p))

    @expose("/<int:payment_id>/return", methods=["POST"])
    def record_return(self, payment_id):
        if not can(current_user, "payment", "write"):
            abort(403)
        with domain_errors("Return not recorded: ", not_found_404=True):
            on = _form_date("returned_on", default=clock().today())
            code = (request.form.get("code") or "").strip().upper()
            if not code:
                raise ValidationFailed([Issue("code", "choose the return reason code (R01, R03, ...)", "required")])
            p = payments.record_return(payment_id, code, current_user, on=on)
            reason = RETURN_REASONS[p.return_code]
            flash(f"Return {p.return_code} ({reason.title}) recorded on {day_label(on)}: {fmt_usd(p.amount)} is "
                  f"owed to {p.worker} again. {reason.action}", "success")
        return redirect(url_for(".details_view", id=payment_id))

    @expose("/<int:payment_id>/reissue", methods=["POST"])
    def reissue(self, payment_id):
        if not can(current_user, "payment", "create"):
            abort(403)
        with domain_errors("Not re-issued: ", not_found_404=True):
            raw = (request.form.get("bank_account_id") or "").strip()
            if raw and not raw.isdigit():
                raise ValidationFailed([Issue("bank_account_id", "choose one of the worker's accounts")])
            new = payments.reissue_payment(payment_id, current_user, bank_account_id=int(raw) if raw else None)
            flash(f"Re-issued as payment {new.id} ({fmt_usd(new.amount)} to {new.masked_account}); send it with "
                  "the run's next NACHA file.", "success")
            return redirect(url_for(".details_view", id=new.id))
        return redirect(url_for(".details_view", id=payment_id))


def _form_date(name: str, *, default: date) -> date:
    day = optional_date(request.form.get(name), name)
    return default if day is None else day


def _payment_context(p: Payment) -> dict:
    """What the payment page shows beside the payment: its re-issues, the worker's accounts for a re-issue, which
    forms the user may use now, and the return codes with their words."""
    reissues = db.session.execute(sa.select(Payment).where(Payment.reissue_of_id == p.id)).scalars().all()
    accounts = db.session.execute(sa.select(BankAccount).where(BankAccount.worker_id == p.worker_id,
                                                               BankAccount.status == "active")
                                  .order_by(BankAccount.priority, BankAccount.id)).scalars().all()
    return {"reissues": reissues, "accounts": accounts,
            "return_codes": sorted(RETURN_REASONS.items()),
            "reason": RETURN_REASONS.get(p.return_code) if p.return_code else None,
            "can_return": p.status == "sent" and p.method == "ach" and can(current_user, "payment", "write"),
            "can_reissue": p.status in ("returned", "held") and can(current_user, "payment", "create"),
            "run_name": run_label(p.run), "today": clock().today(),
            "can_read_worker": can(current_user, "worker", "read")}


# ------------------------------------------------------------------------------------------------ journal
def _line_entry(view, context, model, name):
    e = model.entry
    return f"{e.entry_date} {e.kind}" if e is not None else ""


def _line_memo(view, context, model, name):
    return model.entry.memo if model.entry is not None else ""


def _line_run(view, context, model, name):
    e = model.entry
    return _run_cell(e.run, e.run_id) if e is not None else ""


def _line_worker(view, context, model, name):
    e = model.entry
    if e is None or e.paycheck is None:
        return ""
    return _worker_cell(e.paycheck.worker, e.paycheck.worker_id)


def _line_account(view, context, model, name):
    return f"{model.account} {ACCOUNTS.get(model.account, '')}".strip()


def _line_agency(view, context, model, name):
    return str(model.agency) if model.agency is not None else ""


class JournalLineAdmin(ReadOnlyView):
    """The journal line by line: date and kind of the entry, its memo, the run and worker it belongs to, the account
    by number and name, the tax or deduction, state and agency, debit and credit."""

    column_list = ("entry_id", "entry", "memo", "run", "worker", "account", "detail", "state", "agency", "debit",
                   "credit")
    column_labels = {"entry_id": "Entry", "entry": "Date and kind", "memo": "Memo", "run": "Run",
                     "worker": "Worker", "detail": "Tax or deduction", "agency": "Agency",
                     "entry.entry_date": "Date", "entry.kind": "Kind", "agency.legal_name": "Agency name"}
    column_formatters = {"entry": _line_entry, "memo": _line_memo, "run": _line_run, "worker": _line_worker,
                         "account": _line_account, "agency": _line_agency}
    column_formatters_export = {"entry": _line_entry, "memo": _line_memo,
                                "run": lambda v, c, m, n: run_label(m.entry.run) if m.entry else "",
                                "worker": lambda v, c, m, n: str(m.entry.paycheck.worker)
                                if m.entry is not None and m.entry.paycheck is not None else "",
                                "account": _line_account, "agency": _line_agency}
    money_columns = ("debit", "credit")
    column_filters = ("entry_id", "account", "detail", "state", "entry.entry_date", "entry.kind", "agency.legal_name")
    column_searchable_list = ("detail", "entry.memo")
    column_default_sort = ("id", True)

    def get_query(self):
        return super().get_query().options(
            joinedload(JournalLine.agency),
            joinedload(JournalLine.entry).options(joinedload(JournalEntry.run),
                                                  joinedload(JournalEntry.paycheck).joinedload(Paycheck.worker)))


# ------------------------------------------------------------------------------------------------ NACHA files
def nacha_status(run: PayrollRun) -> dict:
    """For the run page: the run's files and how many of its payments wait for a file (a template global)."""
    files = db.session.execute(sa.select(NachaFile).where(NachaFile.run_id == run.id).order_by(NachaFile.id)
                               ).scalars().all()
    unfiled = db.session.execute(sa.select(sa.func.count()).select_from(Payment).where(
        Payment.run_id == run.id, Payment.status == "pending", Payment.nacha_file_id.is_(None),
        Payment.method == "ach")).scalar()
    return {"files": files, "unfiled": unfiled, "can_download": can(current_user, "payment", "read"),
            "next_modifier": payments.MODIFIERS[len(files)]
            if len(files) < len(payments.MODIFIERS) else ""}


def _export(name: str, headers, rows, fmt: str) -> Response:
    if fmt == "xlsx":
        return Response(xlsx_bytes(headers, rows), headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'},
                        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    return Response(csv_lines(headers, rows), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})


class NachaFileView(BaseView):
    """Every NACHA file by run, with its effective entry date against the pay date; making a run's file (the date
    stated first, a warning and a choice when the pay date cannot be met); downloads."""

    def is_accessible(self):
        return staff_only() and can(current_user, "payment", "read")

    def inaccessible_callback(self, name, **kwargs):
        return deny()

    @expose("/")
    def index(self):
        q = (request.args.get("q") or "").strip()
        purpose = request.args.get("purpose") or ""
        late = request.args.get("late") == "1"
        stmt = (sa.select(NachaFile).join(PayrollRun, PayrollRun.id == NachaFile.run_id)
                .options(selectinload(NachaFile.run), selectinload(NachaFile.created_by))
                .order_by(NachaFile.id.desc()))
        if purpose in ("run", "reissue"):
            stmt = stmt.where(NachaFile.purpose == purpose)
        if late:
            stmt = stmt.where(NachaFile.effective_date > PayrollRun.pay_date)
        try:
            start, end = _arg_date("from"), _arg_date("to")
        except ValidationFailed as exc:
            flash("; ".join(str(i) for i in exc.issues), "error")
            return redirect(url_for(".index"))
        if start:
            stmt = stmt.where(PayrollRun.pay_date >= start)
        if end:
            stmt = stmt.where(PayrollRun.pay_date <= end)
        if q.isdigit():
            stmt = stmt.where(NachaFile.run_id == int(q))
        elif q:
            stmt = stmt.where(sa.or_(PayrollRun.description.ilike(f"%{q}%"), PayrollRun.frequency.ilike(f"%{q}%"),
                                     PayrollRun.kind.ilike(f"%{q}%")))
        files = db.session.execute(stmt.limit(500)).scalars().all()
        fmt = request.args.get("export")
        if fmt in ("csv", "xlsx"):
            headers = ["File", "Run", "Pay date", "Effective entry date", "Purpose", "Entries", "Total", "Made at",
                       "Made by"]
            rows = [[f"{f.run_id}-{f.file_id_modifier}", run_label(f.run), f.run.pay_date, f.effective_date or "",
                     f.purpose, f.entry_count, f.total_credit, f.created_at,
                     getattr(f.created_by, "name", "") or ""] for f in files]
            return _export("nacha-files", headers, rows, fmt)
        return self.render("admin/payroll/nacha_files.html", files=files, q=q, purpose=purpose, late=late,
                           start=start, end=end, run_label=run_label, args=request.args)

    @expose("/run/<int:run_id>", methods=["GET", "POST"])
    def make(self, run_id):
        """GET: what the file will say (effective entry date, descriptive date), or the warning and the choice
        when the pay date is past or too close for the bank's cut-off. POST: make it."""
        run = db.session.get(PayrollRun, run_id)
        if run is None:
            abort(404)
        if not can(current_user, "payment", "create") or "nacha" not in runs.run_actions(run, current_user):
            flash(f"{run_label(run)} is {run.state}: no NACHA file can be made for it now.", "error")
            return redirect(url_for("payroll_desk.detail", run_id=run.id))
        with domain_errors("Cannot make the file: ") as refused:
            refuse_while_approving(run, "filed")        # its chunks' payments are not all written yet
        if refused:
            return redirect(url_for("payroll_desk.detail", run_id=run.id))
        status = nacha_status(run)
        if not status["unfiled"]:
            flash("Every payment of this run is already in a NACHA file: download it below.", "info")
            return redirect(url_for("payroll_desk.detail", run_id=run.id))
        now = clock().now()
        if request.method == "POST":
            with domain_errors("No file made: "):
                chosen = optional_date(request.form.get("effective_date"), "effective_date")
                f = payments.generate_nacha(run.id, current_user, now=now, effective_date=chosen)
                flash(f"NACHA file {f.file_id_modifier} made: {f.entry_count} payment(s), {fmt_usd(f.total_credit)}, "
                      f"settling {day_label(f.effective_date)}.", "success")
                return redirect(url_for("payroll_desk.detail", run_id=run.id))
        with domain_errors("Cannot make the file: "):
            plan = payments.nacha_plan(run, now)
            return self.render("admin/payroll/nacha_make.html", run=run, run_name=run_label(run), plan=plan,
                               status=status, reissue=bool(status["files"]) or run.state == "paid",
                               day_label=day_label)
        return redirect(url_for("payroll_desk.detail", run_id=run.id))

    @expose("/<int:file_id>/download")
    def download(self, file_id):
        f = db.session.get(NachaFile, file_id)
        if f is None:
            abort(404)
        return Response(f.content, mimetype="text/plain", headers={
            "Content-Disposition": f'attachment; filename="payroll-run-{f.run_id}-{f.file_id_modifier}.ach"'})


def _arg_date(name: str) -> date | None:
    raw = (request.args.get(name) or "").strip()
    if not raw:
        return None
    try:
        return parse_date(raw)
    except Exception:   # noqa: BLE001
        raise ValidationFailed([Issue(name, f"{raw!r} is not a date (YYYY-MM-DD)")]) from None


def register(admin) -> None:
    admin.add_view(PaymentAdmin(Payment, name="Payments", endpoint="payment", category="Payroll"))
    admin.add_view(NachaFileView(name="NACHA files", endpoint="nacha_files", url="/admin/nacha-files",
                                 category="Payroll"))
    admin.add_view(JournalLineAdmin(JournalLine, name="Journal", endpoint="journal", category="Payroll"))
    app = admin.app
    if app is not None:
        app.jinja_env.globals.setdefault("nacha_status", nacha_status)
        app.jinja_env.globals.setdefault("run_label", run_label)
        # the run page shows its Payments / Reconciliation links only to those who may open them (no 403 links)
        app.jinja_env.globals.setdefault("can_read_payments", lambda: can(current_user, "payment", "read"))


__all__ = ["PaymentAdmin", "JournalLineAdmin", "NachaFileView", "nacha_status", "register"]
