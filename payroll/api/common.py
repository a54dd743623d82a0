"""Payroll operations API, shared part: the blueprint, request-body helpers, paging and scoped lookups."""
from __future__ import annotations

import sqlalchemy as sa
from flask import request
from flask_smorest import Blueprint

from backoffice.api import current_api_user, json_body, page_of
from backoffice.errors import NotFound
from backoffice.extensions import db
from backoffice.security.access import require, scoped

blp = Blueprint("payroll", __name__, url_prefix="/api/v1", description="Payroll operations")


def _body(schema):
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": schema}}}}


def _maybe_body() -> dict:
    """The JSON body when one was sent (reasons are optional)."""
    body = json_body() if request.get_data(cache=True) else {}
    return body if isinstance(body, dict) else {}


_page = page_of           # the shell's list page: the right, its row scope, filters, order


def _one(model, perm, ident):
    user = current_api_user()
    require(user, perm, "read")
    obj = db.session.execute(scoped(sa.select(model).where(model.id == ident), user, perm)).scalar_one_or_none()
    if obj is None:
        raise NotFound(f"{perm} {ident} not found")
    return obj
