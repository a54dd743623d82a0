"""Paid-leave API: a worker's balances per policy; leave requests (a worker's own: list and ask; a decider's:
approve, decline). A worker reaches only their own records; another worker's id is a 404."""
from __future__ import annotations

from flask_smorest import Blueprint
from marshmallow import Schema, fields

from backoffice.api import current_api_user, json_object
from backoffice.errors import Issue, raise_if
from backoffice.leave import services

blp = Blueprint("leave_api", __name__, url_prefix="/api/v1",
                description="Paid leave: balances per policy and leave requests")


class BalanceOut(Schema):
    policy = fields.String(metadata={"description": "the policy's name, e.g. \"California Healthy Workplaces, "
                                                    "Healthy Families Act (paid sick leave)\""})
    policy_id = fields.Integer()
    kind = fields.String(metadata={"description": "sick_law (a jurisdiction's law), pto or holiday"})
    jurisdiction = fields.String(allow_none=True, metadata={"description": "the law's code (CA, NYC, …)"})
    balance = fields.Decimal(as_string=True, metadata={"description": "hours, 4 places"})
    accrued_ytd = fields.Decimal(as_string=True, metadata={"description": "hours accrued this policy year"})
    used_ytd = fields.Decimal(as_string=True, metadata={"description": "hours used (paid) this policy year"})
    pending = fields.Decimal(as_string=True, metadata={"description": "hours requested or approved, not paid"})
    available = fields.Decimal(as_string=True, metadata={"description": "balance − pending"})
    usable_from = fields.Date(allow_none=True, metadata={"description": "after the law's waiting period"})
    policy_year_start = fields.Date()


class BalanceList(Schema):
    worker_id = fields.Integer()
    items = fields.List(fields.Nested(BalanceOut))


class RequestIn(Schema):
    policy_id = fields.Integer(required=True)
    start_date = fields.Date(required=True)
    end_date = fields.Date(metadata={"description": "the last day (default: start_date)"})
    hours = fields.Decimal(as_string=True, required=True, metadata={"description": "hours, 2 places"})
    reason = fields.String(required=True, metadata={"description": "one of the policy's reason categories"})
    note = fields.String()
    documentation = fields.String(metadata={"description": "the worker's statement of the reason, where the policy "
                                                           "and the law ask for documentation of a longer absence"})
    document = fields.String(metadata={"description": "an uploaded note from a provider, base64 (at most 5 MB)"})
    document_name = fields.String(metadata={"description": "the uploaded note's file name"})


class RequestOut(Schema):
    id = fields.Integer()
    worker_id = fields.Integer()
    policy_id = fields.Integer()
    policy = fields.String()
    engagement_id = fields.Integer()
    start_date = fields.Date()
    end_date = fields.Date()
    hours = fields.Decimal(as_string=True)
    reason = fields.String()
    note = fields.String()
    documentation = fields.String()
    document_name = fields.String(metadata={"description": "the uploaded note's file name (empty: none)"})
    status = fields.String(metadata={"description": "submitted, approved, declined, cancelled or paid"})
    decision_note = fields.String()
    rate = fields.Decimal(as_string=True, allow_none=True, metadata={"description": "the hourly rate it is paid "
                                                                                    "at, once approved"})
    rate_method = fields.String()
    paid_run_id = fields.Integer(allow_none=True)


class RequestList(Schema):
    items = fields.List(fields.Nested(RequestOut))


class DecisionIn(Schema):
    note = fields.String(metadata={"description": "required to decline"})


def _request_out(req) -> dict:
    return {**{k: getattr(req, k) for k in ("id", "worker_id", "policy_id", "engagement_id", "start_date",
                                            "end_date", "hours", "reason", "note", "status", "decision_note",
                                            "rate", "rate_method", "paid_run_id", "documentation",
                                            "document_name")},
            "policy": req.policy.name}


@blp.route("/workers/<int:worker_id>/leave-balances")
@blp.response(200, BalanceList)
@blp.doc(responses={"404": {"description": "no such worker, or not the caller (a worker sees only their own)"}})
def leave_balances(worker_id: int):
    """The worker's leave balance under each policy: hours held, accrued and used this policy year, requested
    and not yet paid."""
    rows = services.worker_balances(current_api_user(), worker_id)
    return {"worker_id": worker_id, "items": [b.as_dict() for b in rows]}


@blp.route("/workers/<int:worker_id>/leave-requests")
@blp.response(200, RequestList)
@blp.doc(responses={"404": {"description": "no such worker, or not the caller"}})
def leave_requests(worker_id: int):
    """The worker's leave requests, newest first."""
    services.worker_balances(current_api_user(), worker_id)        # the same 404 rule as the balances
    return {"items": [_request_out(r) for r in services.requests_of(worker_id)]}


@blp.route("/leave-requests", methods=["POST"])
@blp.doc(requestBody={"required": True, "content": {"application/json": {"schema": RequestIn}}})
@blp.response(201, RequestOut)
def create_leave_request():
    """A worker asks for leave under one of their policies (422 with every problem by field: the balance, the
    law's waiting period and eligibility threshold, use cap and minimum increment, the reason categories, and
    `documentation` `documentation_required` when a longer absence needs a statement or an uploaded note)."""
    body = dict(json_object())
    if "document" in body:
        import base64
        import binascii

        try:
            body["document"] = base64.b64decode(str(body["document"]), validate=True)
        except (binascii.Error, ValueError):
            raise_if([Issue("document", "must be the file's bytes in base64", "invalid")])
    return _request_out(services.request_leave(current_api_user(), body)), 201


@blp.route("/leave-requests/<int:request_id>/<any(approve, decline, cancel):action>", methods=["POST"])
@blp.doc(requestBody={"required": False, "content": {"application/json": {"schema": DecisionIn}}},
         responses={"404": {"description": "no such request, or not one the caller may see"},
                    "409": {"description": "the request's state does not allow it"}})
@blp.response(200, RequestOut)
def decide_leave_request(request_id: int, action: str):
    """Approve (it is paid by the next regular run), decline (with a note) or cancel a leave request."""
    body = json_object() if _has_body() else {}
    raise_if([Issue(k, "unknown field", "unknown_field") for k in body if k != "note"])
    fn = {"approve": services.approve_request, "decline": services.decline_request,
          "cancel": services.cancel_request}[action]
    return _request_out(fn(current_api_user(), request_id, note=str(body.get("note") or "")))


def _has_body() -> bool:
    from flask import request

    return bool(request.get_data())
