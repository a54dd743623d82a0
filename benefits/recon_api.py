"""Premium pool API under /api/v1: a month's pool cost split to clients to the cent (the input to client billing),
for finance and billing tools. Errors are 422 with the field and the reason."""
from __future__ import annotations

import re

from flask import request
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from backoffice.api import current_api_user
from backoffice.errors import Issue, NotFound, raise_if
from backoffice.money import ZERO
from backoffice.security.access import require
from benefits import recon_services as recon
from benefits.carriers import carrier_by_code
from benefits.engine.reconcile import month_of

CODE = re.compile(r"[A-Za-z0-9_-]{1,15}")
blp = Blueprint("premium_pool_api", __name__, url_prefix="/api/v1",
                description="Premium pool: the carriers' monthly bills split to clients")


class ShareOut(Schema):
    client_id = fields.Integer(allow_none=True, metadata={"description": "null: the agency's own share (COBRA "
                                                                         "continuants, members with no client)"})
    amount = fields.Decimal(as_string=True)


class AllocationOut(Schema):
    month = fields.String(metadata={"description": "YYYY-MM"})
    carrier = fields.String(allow_none=True)
    total = fields.Decimal(as_string=True)
    items = fields.List(fields.Nested(ShareOut))


@blp.route("/premium-pool/allocation")
@blp.response(200, AllocationOut)
def allocation():
    """The pool's cost for `?month=YYYY-MM` (each carrier's latest bill; one carrier with `?carrier=CODE`) split to
    clients by the largest remainder in proportion to their workers' premiums; the items add up to `total`."""
    require(current_api_user(), "premium_bill", "read")
    issues = []
    try:
        month = month_of(request.args.get("month") or "")
    except ValueError as exc:
        issues.append(Issue("month", str(exc)))
    code = (request.args.get("carrier") or "").strip()
    carrier = None
    if code and not CODE.fullmatch(code):
        issues.append(Issue("carrier", "is not a carrier code (see `backoffice benefits carriers`)"))
    elif code:
        try:
            carrier = carrier_by_code(code)
        except NotFound as exc:
            issues.append(Issue("carrier", exc.message, "not_found"))
    raise_if(issues)
    items = recon.pool_allocation(carrier.id if carrier else None, month)
    return {"month": f"{month:%Y-%m}", "carrier": carrier.code if carrier else None,
            "total": sum((i["amount"] for i in items), ZERO), "items": items}


def blueprints() -> list:
    return [blp]
