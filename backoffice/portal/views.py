"""Portal pieces every domain's pages share: the 404 page for another worker's record, form errors, client IP."""
from __future__ import annotations

from flask import jsonify, render_template, request

from backoffice.errors import NotFound, ValidationFailed
from backoffice.extensions import db
from backoffice.portal import bp


@bp.errorhandler(NotFound)
def _not_found(exc: NotFound):
    """A record that is not the worker's (or does not exist): 404, as a page or as JSON for the preview calls."""
    db.session.rollback()
    if request.accept_mimetypes.best == "application/json":
        return jsonify({"error": "not_found", "message": "not found"}), 404
    return render_template("portal/not_found.html"), 404


def errors_of(exc: ValidationFailed) -> dict[str, list[str]]:
    """Issues by form field, for the templates to show each message next to its field."""
    out: dict[str, list[str]] = {}
    for issue in exc.issues:
        out.setdefault(issue.field or "_form", []).append(issue.message)
    return out


def client_ip() -> str:
    return request.remote_addr or ""
