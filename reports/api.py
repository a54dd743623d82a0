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
from reports import catalog, exports

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
    job = exports.load_job(exports.jobs_dir(current_app), job_id)
    if job.get("kind", "").startswith("report:"):        # a catalog report's job: its own right
        catalog.report_for(user, job["kind"].split(":", 1)[1])
    else:
        require(user, "report", "read")
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


# ------------------------------------------------------------------------------------------------ agency reports
class ReportOut(Schema):
    name = fields.String()
    title = fields.String()
    description = fields.String()
    filters = fields.List(fields.String(), metadata={"description": "the query arguments it takes"})
    groups = fields.List(fields.String(), metadata={"description": "values of `group` (the first is the default)"})
    as_of = fields.Boolean(metadata={"description": "a point-in-time report: read as of `end`"})
    formats = fields.List(fields.String())
    url = fields.String()


class ReportArgs(Schema):
    start = fields.String(required=True, metadata={"description": "first day, ISO (e.g. 2026-01-01)"})
    end = fields.String(required=True, metadata={"description": "last day, inclusive (the as-of day for "
                                                                "point-in-time reports)"})
    client_id = fields.String(load_default=None, metadata={"description": "one client"})
    state = fields.String(load_default=None, metadata={"description": "one state (two letters)"})
    worker_id = fields.String(load_default=None, metadata={"description": "one worker"})
    grain = fields.String(load_default=None, metadata={"description": "week | month | quarter"})
    group = fields.String(load_default=None, metadata={"description": "the breakdown (see the report's groups)"})
    format = fields.String(load_default="json", validate=validate.OneOf(catalog.FORMATS))


REPORT_RESPONSES = {
    "200": {"description": "The report: JSON (columns, rows with money as decimal strings, totals, further sheets), "
                           "or a CSV / XLSX file",
            "content": {"application/json": {"schema": {"type": "object"}},
                        "text/csv": {"schema": {"type": "string"}},
                        exports.MIMETYPES["xlsx"]: {"schema": {"type": "string", "format": "binary"}}}},
    "202": FILE_RESPONSES["202"],
}


@blp.route("/reports")
@blp.response(200, ReportOut(many=True))
def list_reports():
    """The agency's reports this user may see (gross margin, labor cost, headcount and turnover, classification
    mix, benefits, tax liabilities) with the filters each takes."""
    user = current_api_user()
    return [{**catalog.describe(r), "url": url_for("reports.run_report", name=r.name)} for r in catalog.visible(user)]


@blp.route("/reports/<name>")
@blp.arguments(ReportArgs, location="query")
@blp.doc(responses=REPORT_RESPONSES, summary="One agency report over a date range, as JSON, CSV or XLSX "
                                             "(a large CSV/XLSX is queued: 202 with the job)")
def run_report(args, name):
    user = current_api_user()
    report = catalog.report_for(user, name)
    fmt = args.pop("format", "json") or "json"
    filters = catalog.parse_filters(report, args)
    if catalog.needs_task(report, filters, fmt):
        from reports.tasks import build_export

        job = catalog.new_job(exports.jobs_dir(current_app), report, filters, fmt, user.id)
        build_export.delay(job["id"])
        job = exports.load_job(exports.jobs_dir(current_app), job["id"])
        return jsonify({"job": JobOut().dump(job),
                        "status_url": url_for("reports.export_job", job_id=job["id"]),
                        "file_url": url_for("reports.export_job_file", job_id=job["id"])}), 202
    if fmt == "json":
        return jsonify(catalog.as_json(report, filters, catalog.sheets(report, filters)))
    out = catalog.render(report, filters, fmt)
    return _send(out.content, out.mimetype, out.filename)
