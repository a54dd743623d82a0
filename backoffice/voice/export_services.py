"""A worker's data, portable: the export request (logged), its progress, and the ZIP — profile, engagements,
classification assessments with their reasoning, timesheets, paychecks (JSON and CSV), paystub and tax-form PDFs,
signed documents and benefits elections. Votes, ballots, feedback and ratings are never in it (they are stored
so that they cannot be tied to the worker at all)."""
from __future__ import annotations

import csv
import io
import json
import os
import secrets
import zipfile
from datetime import date, datetime
from decimal import Decimal
from typing import Callable

import sqlalchemy as sa
from flask import current_app

from backoffice.errors import DomainError, NotFound
from backoffice.extensions import db
from backoffice.security.access import SCOPED_ROLES, can, require
from backoffice.uow import transaction
from backoffice.voice.models import DataExport
from backoffice.workers.models import Engagement, Worker

PROGRESS_EVERY = 5          # items between progress commits (a commit per PDF would cost more than the PDF)
PROFILE_FIELDS = ("id", "first_name", "middle_name", "last_name", "email", "phone", "address_line1",
                  "address_line2", "city", "state", "postal_code", "birth_date", "tin_type", "tin_last4", "status",
                  "created_at")
ENGAGEMENT_FIELDS = ("id", "client", "type", "title", "work_state", "work_city", "pay_rate", "pay_unit",
                     "pay_frequency", "start_date", "end_date", "status", "classification")
TIMESHEET_FIELDS = ("id", "engagement_id", "week_start", "hours_mon", "hours_tue", "hours_wed", "hours_thu",
                    "hours_fri", "hours_sat", "hours_sun", "units", "note", "status", "submitted_at",
                    "approved_at", "rejected_reason", "disputed_reason")
PAYCHECK_FIELDS = ("id", "run_id", "kind", "worker_type", "work_state", "period_start", "period_end", "pay_date",
                   "tax_year", "gross", "employee_taxes", "employer_taxes", "deductions", "net")


def export_dir() -> str:
    path = current_app.config.get("VOICE_EXPORT_DIR") or os.path.join(current_app.instance_path, "voice-exports")
    os.makedirs(path, exist_ok=True)
    return path


def _may_export(user, worker_id: int) -> None:
    """A worker exports only themselves (another id: 404, as if it did not exist); staff need data_export
    create; a client's approver never."""
    require(user, "data_export", "create")
    if user.role in SCOPED_ROLES and (user.role != "worker" or int(user.worker_id or 0) != int(worker_id)):
        raise NotFound(f"worker {worker_id} not found")
    if db.session.get(Worker, worker_id) is None:
        raise NotFound(f"worker {worker_id} not found")


@transaction()
def request_export(user, worker_id: int) -> DataExport:
    """Queue an export (the caller sends `voice.build_export` after the commit). The row itself is the log:
    audited, with who asked for whose data."""
    _may_export(user, worker_id)
    job = DataExport(worker_id=worker_id, requested_by_id=user.id, state="queued")
    db.session.add(job)
    db.session.flush()
    return job


def get_export(user, export_id: int) -> DataExport:
    """A job the user may see: their own worker's (a worker), or any (staff with data_export read); else 404."""
    if not can(user, "data_export", "read"):
        raise NotFound(f"export {export_id} not found")
    job = db.session.get(DataExport, export_id)
    if job is None:
        raise NotFound(f"export {export_id} not found")
    if user.role in SCOPED_ROLES and (user.role != "worker" or int(user.worker_id or 0) != job.worker_id):
        raise NotFound(f"export {export_id} not found")
    return job


def exports_of(worker_id: int, limit: int = 10) -> list[DataExport]:
    return list(db.session.execute(sa.select(DataExport).where(DataExport.worker_id == worker_id)
                                   .order_by(DataExport.id.desc()).limit(limit)).scalars())


def export_file(user, export_id: int) -> tuple[bytes, str]:
    """(the ZIP's bytes, its download name) of a finished export; 409 while it is not done. Read whole: a worker's
    ZIP is a few megabytes (260 paystubs of ten years ≈ 8 MB), and no file handle outlives the request."""
    job = get_export(user, export_id)
    if job.state != "done":
        raise DomainError(f"the export is {job.state} ({job.done} of {job.total} items)", code="export_not_ready")
    if not job.path or not os.path.exists(job.path):
        raise DomainError("the export's file is no longer there; ask for a new export", code="export_gone")
    with open(job.path, "rb") as fh:
        return fh.read(), job.filename


# ------------------------------------------------------------------------------------------------ the ZIP
def _plain(v):
    if isinstance(v, Decimal):
        return str(v)
    if isinstance(v, (date, datetime)):
        return v.isoformat()
    return v


def _row(obj, fields) -> dict:
    return {f: _plain(getattr(obj, f)) for f in fields}


def _csv(rows: list[dict], fields) -> str:
    from backoffice.exports import escape_cell

    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(fields)
    for r in rows:
        w.writerow([escape_cell("" if r.get(f) is None else r.get(f)) for f in fields])
    return out.getvalue()


def _json(data) -> str:
    return json.dumps(data, indent=2, default=_plain, sort_keys=False)


def _gather(worker_id: int) -> dict:
    """Every record the ZIP holds, read once (PDF bytes are rendered later, one by one, with progress)."""
    from backoffice.classification.models import Assessment
    from backoffice.notifications.models import Notification
    from backoffice.onboarding.models import SignedDocument
    from benefits.models import Enrollment
    from compliance.models import FilingCopy
    from payroll.models import Paycheck, PaycheckLine, Timesheet

    w = db.session.get(Worker, worker_id)
    engagements = db.session.execute(sa.select(Engagement).where(Engagement.worker_id == worker_id)
                                     .order_by(Engagement.id)).scalars().all()
    eng_ids = [e.id for e in engagements]
    sheets = db.session.execute(sa.select(Timesheet).where(Timesheet.engagement_id.in_(eng_ids))
                                .order_by(Timesheet.week_start, Timesheet.id)).scalars().all() if eng_ids else []
    checks = db.session.execute(sa.select(Paycheck).where(Paycheck.worker_id == worker_id)
                                .order_by(Paycheck.pay_date, Paycheck.id)).scalars().all()
    lines = {}
    for ln in db.session.execute(sa.select(PaycheckLine).where(PaycheckLine.paycheck_id.in_([c.id for c in checks]))
                                 .order_by(PaycheckLine.id)).scalars() if checks else ():
        lines.setdefault(ln.paycheck_id, []).append(ln)
    assessments = db.session.execute(sa.select(Assessment).where(Assessment.worker_id == worker_id,
                                                                 Assessment.status != "draft")
                                     .order_by(Assessment.id)).scalars().all()
    documents = db.session.execute(sa.select(SignedDocument).where(SignedDocument.worker_id == worker_id,
                                                                   SignedDocument.status == "signed")
                                   .order_by(SignedDocument.id)).scalars().all()
    elections = db.session.execute(sa.select(Enrollment).where(Enrollment.worker_id == worker_id)
                                   .order_by(Enrollment.effective_date, Enrollment.id)).scalars().all()
    copies = db.session.execute(sa.select(FilingCopy).where(FilingCopy.worker_id == worker_id)
                                .order_by(FilingCopy.tax_year, FilingCopy.form, FilingCopy.id)).scalars().all()
    notices = db.session.execute(sa.select(Notification).where(Notification.worker_id == worker_id)
                                 .order_by(Notification.id)).scalars().all()
    return {"worker": w, "engagements": engagements, "timesheets": sheets, "paychecks": checks, "lines": lines,
            "assessments": assessments, "documents": documents, "elections": elections, "copies": copies,
            "notifications": notices}


def _records(data: dict) -> dict[str, str]:
    """The JSON and CSV members of the ZIP (name -> text)."""
    w = data["worker"]
    engagements = [{**_row(e, [f for f in ENGAGEMENT_FIELDS if f != "client"]),
                    "client": e.client.name if e.client else ""} for e in data["engagements"]]
    sheets = [{**_row(t, TIMESHEET_FIELDS), "total_hours": str(t.total_hours)} for t in data["timesheets"]]
    checks = []
    for c in data["paychecks"]:
        row = _row(c, PAYCHECK_FIELDS)
        row["lines"] = [{"kind": ln.kind, "code": ln.code, "state": ln.state, "locality": ln.locality,
                         "amount": _plain(ln.amount), "hours": _plain(ln.hours), "rate": _plain(ln.rate),
                         "engagement_id": ln.engagement_id, "explanation": ln.explanation}
                        for ln in data["lines"].get(c.id, [])]
        checks.append(row)
    assessments = [{"id": a.id, "engagement_id": a.engagement_id, "work_state": a.work_state,
                    "as_of_date": _plain(a.as_of_date), "status": a.status, "determination": a.determination,
                    "signed_determination": a.signed_determination, "risk": a.risk,
                    "signed_off_at": _plain(a.signed_off_at), "sign_off_note": a.sign_off_note,
                    "answers": a.answers, "reasoning": a.result, "rule_set_versions": a.rule_set_versions}
                   for a in data["assessments"]]
    elections = [{"id": e.id, "plan": str(e.plan.name if e.plan else e.plan_id), "event": e.event,
                  "status": e.status, "effective_date": _plain(e.effective_date), "end_date": _plain(e.end_date),
                  "coverage_tier": e.coverage_tier, "waived": e.waived, "waive_reason": e.waive_reason,
                  "deferral_percent": _plain(e.deferral_percent), "roth_percent": _plain(e.roth_percent),
                  "employee_monthly": _plain(e.employee_monthly), "employer_monthly": _plain(e.employer_monthly),
                  "per_paycheck_employee": _plain(e.per_paycheck_employee)} for e in data["elections"]]
    docs = [{"id": d.id, "kind": d.kind, "title": d.title, "signed_name": d.signed_name,
             "signed_at": _plain(d.signed_at), "sha256": d.sha256, "file": f"documents/{d.filename}"}
            for d in data["documents"]]
    flat_checks = [{k: v for k, v in c.items() if k != "lines"} for c in checks]
    return {
        "profile.json": _json(_row(w, PROFILE_FIELDS)),
        "engagements.json": _json(engagements),
        "engagements.csv": _csv(engagements, ENGAGEMENT_FIELDS),
        "classification/assessments.json": _json(assessments),
        "timesheets.json": _json(sheets),
        "timesheets.csv": _csv(sheets, (*TIMESHEET_FIELDS, "total_hours")),
        "paychecks.json": _json(checks),
        "paychecks.csv": _csv(flat_checks, PAYCHECK_FIELDS),
        "benefits/elections.json": _json(elections),
        "documents/index.json": _json(docs),
        "notifications.json": _json([{"id": n.id, "kind": n.kind, "title": n.title, "body": n.body,
                                      "created_at": _plain(n.created_at), "read_at": _plain(n.read_at),
                                      "emailed_at": _plain(n.emailed_at)} for n in data.get("notifications", ())]),
        "README.txt": README,
    }


README = """Your data at the agency, as of the date of this export.

profile.json                      your profile (your SSN or TIN shows its last four digits only)
engagements.json / .csv           every engagement, with every client
classification/assessments.json   each signed classification of an engagement, with the reasoning test by test
timesheets.json / .csv            every week of time entered for you and its approval
paychecks.json / .csv             every paycheck (JSON: with each line and its explanation)
paystubs/                         each paycheck's paystub as a PDF
tax-forms/                        your W-2, 1099-NEC and 1095-C copies as PDFs
documents/                        the documents you signed
benefits/elections.json           your benefits elections and waivers
notifications.json                what we told you (paycheck ready, time approved …), when you read it and whether
                                  it was e-mailed

Not included: your votes in polls, your feedback and your ratings of clients. They are stored so that nobody,
the agency included, can tell that they are yours, and so they cannot be exported as yours either.
"""


def _pdf(zf: zipfile.ZipFile, stem: str, build: Callable[[], bytes]) -> None:
    """One PDF into the ZIP; one that cannot be built (a paystub needs a TIN on file) leaves a note in its place
    saying why, instead of failing the whole export: the figures are in the JSON and CSV either way."""
    try:
        zf.writestr(f"{stem}.pdf", build())
    except DomainError as exc:
        zf.writestr(f"{stem}.unavailable.txt", f"This PDF could not be built: {exc.message}\n")


def _progress(export_id: int, **values) -> None:
    with transaction():
        db.session.execute(sa.update(DataExport).where(DataExport.id == export_id).values(**values))


def build_export(export_id: int, *, paystub_pdf: Callable[[int], bytes], now: Callable[[], datetime]) -> str:
    """Write the export's ZIP, committing progress as it goes; safe to run twice (a done job is left as it is).
    `paystub_pdf(paycheck_id)` is the paystub PDF builder (reports.paystubs, passed in by the task: services do
    not import reports). Returns the job's state."""
    from compliance.copy_services import copy_pdf

    job = db.session.get(DataExport, export_id)
    if job is None:
        raise NotFound(f"export {export_id} not found")
    if job.state == "done":
        return job.state
    try:
        data = _gather(job.worker_id)
        members = _records(data)
        total = len(members) + len(data["paychecks"]) + len(data["copies"]) + len(data["documents"])
        _progress(export_id, state="running", total=total, done=0, error="")
        name = f"tandem-data-worker-{job.worker_id}-{now():%Y%m%d-%H%M%S}.zip"
        path = os.path.join(export_dir(), f"{export_id}-{secrets.token_hex(8)}.zip")
        done = 0
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for member, text in members.items():
                zf.writestr(member, text)
                done += 1
            for c in data["paychecks"]:
                _pdf(zf, f"paystubs/{c.pay_date.isoformat()}-paycheck-{c.id}", lambda: paystub_pdf(c.id))
                done += 1
                if done % PROGRESS_EVERY == 0:
                    _progress(export_id, done=done)
            for copy in data["copies"]:
                _pdf(zf, f"tax-forms/{copy.tax_year}-{copy.form}-{copy.id}", lambda: copy_pdf(copy))
                done += 1
            for d in data["documents"]:
                zf.writestr(f"documents/{d.filename}", d.pdf)
                done += 1
        _progress(export_id, state="done", done=done, filename=name, path=path, size=os.path.getsize(path),
                  finished_at=now())
        return "done"
    except Exception as exc:           # the job records why; the task's caller sees "failed", never a half file
        db.session.rollback()
        _progress(export_id, state="failed", error=f"{type(exc).__name__}: {exc}"[:500], finished_at=now())
        current_app.logger.exception("data export %s failed", export_id)
        return "failed"
