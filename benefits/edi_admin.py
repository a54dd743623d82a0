"""Admin "Carrier files (834)": per carrier the files built (kind, control number, members, when, download), and the
page that previews a full or change file's members and builds it (the `benefit_edi_file` create right)."""
from __future__ import annotations

from flask import Response, abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_login import current_user
from markupsafe import Markup

from backoffice.admin import ReadOnlyView, domain_errors
from backoffice.clock import clock
from backoffice.dates import parse_date
from backoffice.security.access import can
from benefits import carriers as carriers_svc, edi_services as svc
from benefits.edi_models import EdiFile


def _download_link(view, context, model, name):
    return Markup('<a href="{}">Download</a>').format(url_for(".download_view", id=model.id))


def _carrier(view, context, model, name):
    return model.carrier.code if model.carrier is not None else ""


class EdiFileAdmin(ReadOnlyView):
    """The 834 files built for the carriers, newest first; filter by carrier, kind, usage and date."""

    permission_model = "benefit_edi_file"
    list_template = "admin/benefits/edi_files_list.html"
    column_list = ("carrier", "kind", "control_number", "usage", "as_of", "member_count", "adds", "changes",
                   "terms", "created_at", "created_by_id", "download")
    column_labels = {"control_number": "Control number (ISA13)", "usage": "P/T", "as_of": "As of",
                     "member_count": "Members", "created_by_id": "Built by (user)", "download": ""}
    column_searchable_list = ("sha256",)
    column_filters = ("carrier.code", "kind", "usage", "as_of", "control_number", "created_at")
    column_default_sort = ("id", True)
    column_formatters = {"download": _download_link, "carrier": _carrier}
    column_formatters_export = {"carrier": _carrier}
    column_export_exclude_list = ("download",)
    column_details_exclude_list = ("content", "snapshot")

    def can_build(self) -> bool:
        return can(current_user, self.permission_model, "create")

    @expose("/download/<int:id>")
    def download_view(self, id):
        obj = self.get_one(str(id))
        if obj is None:
            abort(404)
        row = svc.download(obj.id)
        return Response(row.content, mimetype="application/edi-x12",
                        headers={"Content-Disposition": f"attachment;filename={row.filename}"})

    @expose("/build/", methods=("GET", "POST"))
    def build_view(self):
        if not self.can_build():
            abort(403)
        form = request.form if request.method == "POST" else request.args
        carrier_id = form.get("carrier_id", type=int)
        kind = form.get("kind") or "change"
        usage = form.get("usage") or svc.usage_default()
        try:
            as_of = parse_date(form.get("as_of")) if form.get("as_of") else clock().today()
        except ValueError:
            flash("As of: not a date (YYYY-MM-DD)", "error")
            as_of = clock().today()
        preview = None
        if request.method == "POST":
            with domain_errors("Not built: "):
                result = svc.build(carrier_id or 0, kind, as_of=as_of, usage=usage, user_id=current_user.id)
                flash(result.message, "success" if result.file is not None else "info")
                return redirect(url_for(".index_view"))
        elif carrier_id:
            with domain_errors("No preview: "):
                preview = svc.plan(carrier_id, kind, as_of=as_of, usage=usage)
        return self.render("admin/benefits/edi_build.html", carriers=carriers_svc.carriers(), carrier_id=carrier_id,
                           kind=kind, usage=usage, as_of=as_of, preview=preview)


def register(admin) -> None:
    admin.add_view(EdiFileAdmin(EdiFile, name="Carrier files (834)", endpoint="benefit_edi_file",
                                category="Benefits"))
