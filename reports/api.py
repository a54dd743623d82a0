"""Finance-export API: payroll register, tax-liability summary and GL journal as CSV or XLSX; background XLSX jobs."""
from __future__ import annotations

import io

from flask import current_app, jsonify, send_file, url_for
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from backoffice.api import current_api_user
from backoffice.api.fields import Day, Id
from backoffice.errors import DomainError, NotFound
from backoffice.security.access import can, require
from reports import exports

blp = Blueprint("reports", __name__, url_prefix="/api/v1", description="Finance exports (CSV / XLSX)")

FILE_RESPONSES = {
    "200": {"description": "The export as a file download",
            "content": {"text/csv": {"schema": {"type": "string"}},
                        exports.MIMETYPES["xlsx"]: {"schema": {"type": "string", "format": "binary"}}}},
    "202": {"description": "A large XLSX: queued as a background job (poll `status_url`, then fetch `file_url`)",
            "content": {"application/json": {"schema": {"type": "object", "properties": {
                "job": {"type": "object"}, "status_url": {"type": "string"}, "file_url": {"type": "string"}}}}}},
}


class ExportArgs(Schema):
    run_id = Id(load_default=None, metadata={"description": "one payroll run"})
    start = Day(load_default=None, metadata={"description": "first pay date (with end, instead of run_id)"})
    end = Day(load_default=None, metadata={"description": f"last pay date, inclusive (at most "
                                                          f"{exports.MAX_RANGE_DAYS} days after start)"})
    format = fields.String(load_default="csv", validate=validate.OneOf(exports.FORMATS))


class JobOut(Schema):
    id = fields.String()
    kind = fields.String()
    format = fields.String()
    state = fields.String(metadata={"description": "queued | running | done | failed"})
    done = fields.Integer(metadata={"description": "rows written so far"})
    total = fields.Integer()
    error = fields.String()
    filename = fields.String()


def _export(kind: str, args: dict):
    user = current_api_user()
    require(user, "report", "read")
    fmt = args.get("format") or "csv"
    sel = exports.parse_selection(args)
    if exports.needs_task(kind, sel, fmt):
        from reports.tasks import build_export

        job = exports.new_job(exports.jobs_dir(current_app), kind, sel, fmt, user.id)
        build_export.delay(job["id"])
        job = exports.load_job(exports.jobs_dir(current_app), job["id"])
        return jsonify({"job": JobOut().dump(job),
                        "status_url": url_for("reports.export_job", job_id=job["id"]),
                        "file_url": url_for("reports.export_job_file", job_id=job["id"])}), 202
    out = exports.export(kind, sel, fmt)
    return _send(out.content, out.mimetype, out.filename)


def _send(content: bytes, mimetype: str, filename: str):
    return send_file(io.BytesIO(content), mimetype=mimetype, as_attachment=True, download_name=filename)


@blp.route("/reports/register")
@blp.arguments(ExportArgs, location="query")
@blp.doc(responses=FILE_RESPONSES, summary="Payroll register: one row per paycheck, one column per earning, "
                                           "tax and deduction")
def register_export(args):
    return _export("register", args)


@blp.route("/reports/tax-liability")
@blp.arguments(ExportArgs, location="query")
@blp.doc(responses=FILE_RESPONSES, summary="Tax liabilities by agency, jurisdiction (US / state) and tax")
def tax_liability_export(args):
    return _export("tax-liability", args)


@blp.route("/reports/gl")
@blp.arguments(ExportArgs, location="query")
@blp.doc(responses=FILE_RESPONSES, summary="General-ledger journal lines (account, debit, credit, memo)")
def gl_export(args):
    return _export("gl", args)


def _own_job(job_id: str) -> dict:
    user = current_api_user()
    require(user, "report", "read")
    job = exports.load_job(exports.jobs_dir(current_app), job_id)
    if job.get("user_id") != user.id and not can(user, "export_jobs_all", "read"):
        raise NotFound("no such export job")
    return job


@blp.route("/reports/jobs/<job_id>")
@blp.response(200, JobOut)
def export_job(job_id):
    """Progress of a background export."""
    return _own_job(job_id)


@blp.route("/reports/jobs/<job_id>/file")
@blp.doc(responses={"200": FILE_RESPONSES["200"], "409": {"description": "not finished yet"}})
def export_job_file(job_id):
    """The finished file of a background export."""
    job = _own_job(job_id)
    if job["state"] != "done":
        raise DomainError(f"the export is {job['state']} ({job.get('done', 0)} of {job.get('total', 0)} rows)",
                          code="export_not_ready")
    path = exports.job_path(exports.jobs_dir(current_app), job_id, "." + job["format"])
    return send_file(path, mimetype=exports.MIMETYPES[job["format"]], as_attachment=True,
                     download_name=job["filename"])
