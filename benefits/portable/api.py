"""Portable benefits API: a worker's account (balance, every entry with its engagement and client, payout
requests) and a payout request. A worker reaches only their own id (another's is a 404)."""
from __future__ import annotations

import sqlalchemy as sa
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from backoffice.api import current_api_user, json_object
from backoffice.clock import clock
from backoffice.errors import NotFound
from backoffice.extensions import db
from backoffice.security.access import can, require, scoped
from backoffice.workers.models import Worker

from . import services as svc

blp = Blueprint("portable_benefits", __name__, url_prefix="/api/v1", description="Portable benefits")
_M = {"as_string": True}


class EntryOut(Schema):
    id = fields.Integer()
    kind = fields.String(metadata={"enum": ["credit", "use", "payout", "reversal"]})
    amount = fields.Decimal(**_M, metadata={"description": "signed: credits positive"})
    balance_after = fields.Decimal(**_M)
    date = fields.Date()
    engagement_id = fields.Integer(allow_none=True)
    engagement = fields.String()
    client_id = fields.Integer(allow_none=True)
    client = fields.String()
    paycheck_id = fields.Integer(allow_none=True)
    funded_by = fields.String(allow_none=True)
    reporting_category = fields.String(allow_none=True, metadata={"enum": ["1099_nec_box1", "w2_wages"]})
    memo = fields.String()


class PayoutOut(Schema):
    id = fields.Integer()
    amount = fields.Decimal(**_M)
    status = fields.String()
    method = fields.String()
    reason = fields.String()
    requested_on = fields.Date()
    paid_on = fields.Date(allow_none=True)


class PortableOut(Schema):
    worker_id = fields.Integer()
    balance = fields.Decimal(**_M)
    entries = fields.List(fields.Nested(EntryOut))
    payouts = fields.List(fields.Nested(PayoutOut))


class PayoutIn(Schema):
    amount = fields.String(required=True, metadata={"description": "money as a string, \"100.00\""})
    reason = fields.String()


def _visible_worker(ident: int, perm: str) -> None:
    user = current_api_user()
    require(user, perm, "read")
    if user.role == "worker" and user.worker_id != ident:
        raise NotFound(f"worker {ident} not found")
    if db.session.execute(scoped(sa.select(Worker.id).where(Worker.id == ident), user, "worker")).scalar() is None:
        raise NotFound(f"worker {ident} not found")


@blp.route("/workers/<int:ident>/portable-benefits")
@blp.response(200, PortableOut)
def portable_benefits(ident):
    """The worker's portable-benefits balance and every credit, use, payout and reversal, newest first."""
    _visible_worker(ident, "portable_benefit")
    view = svc.account_view(ident)
    if not can(current_api_user(), "portable_payout", "read"):
        view["payouts"] = []
    return view


@blp.route("/workers/<int:ident>/portable-benefits/payouts", methods=["POST"])
@blp.doc(requestBody={"required": True, "content": {"application/json": {"schema": PayoutIn}}})
@blp.response(201, PayoutOut)
def request_payout(ident):
    """Ask for (part of) the balance to be paid out; HR approves, finance pays it by off-cycle ACH."""
    user = current_api_user()
    require(user, "portable_payout", "create")
    _visible_worker(ident, "portable_payout")
    return svc.request_payout(ident, json_object(), user, today=clock().today())


def blueprints() -> list:
    return [blp]
