"""Onboarding API: invite a worker (the link goes by email), and read the board and one case."""
from __future__ import annotations

import sqlalchemy as sa
from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from backoffice.api import current_api_user, json_object
from backoffice.api.fields import Day, Days, Id, Number, Page
from backoffice.clock import clock
from backoffice.errors import NotFound
from backoffice.extensions import db
from backoffice.money import RATE
from backoffice.onboarding.board import DEFAULT_STUCK_DAYS, board_rows
from backoffice.onboarding.models import CASE_STATUSES, OnboardingCase
from backoffice.onboarding.services import invitations
from backoffice.onboarding.steps import STEP_LABELS
from backoffice.security.access import require, scoped
from backoffice.workers.models import ENGAGEMENT_TYPES

blp = Blueprint("onboarding_api", __name__, url_prefix="/api/v1", description="Invitations and onboarding")


class InvitationIn(Schema):
    email = fields.Email(required=True)
    first_name = fields.String(metadata={"description": "required when no worker has this email"})
    last_name = fields.String()
    client_id = Id(required=True)
    type = fields.String(required=True, validate=validate.OneOf(ENGAGEMENT_TYPES))
    title = fields.String()
    work_state = fields.String(required=True)
    pay_rate = Number(RATE, required=True)
    pay_unit = fields.String()
    bill_rate = Number(RATE)
    pay_frequency = fields.String()
    start_date = Day(required=True)


class InvitationOut(Schema):
    invitation_id = fields.Integer()
    case_id = fields.Integer()
    worker_id = fields.Integer()
    engagement_id = fields.Integer()
    expires_at = fields.DateTime()
    sent = fields.Boolean(metadata={"description": "false when the email could not be sent (see error)"})
    error = fields.String(allow_none=True)


class BoardArgs(Schema):
    q = fields.String(load_default="")
    status = fields.String(load_default="", validate=validate.OneOf(("",) + CASE_STATUSES))
    step = fields.String(load_default="", validate=validate.OneOf([""] + list(STEP_LABELS)))
    type = fields.String(load_default="", validate=validate.OneOf(("",) + ENGAGEMENT_TYPES))
    client_id = Id(load_default=None)
    stuck = fields.Boolean(load_default=False)
    stuck_days = Days(load_default=DEFAULT_STUCK_DAYS)
    page = Page(load_default=0, min=0)


class StepOut(Schema):
    step = fields.String()
    status = fields.String()
    completed_at = fields.DateTime(allow_none=True)


class CaseOut(Schema):
    case_id = fields.Integer()
    worker_id = fields.Integer()
    engagement_id = fields.Integer()
    name = fields.String()
    email = fields.String()
    client = fields.String()
    type = fields.String()
    work_state = fields.String()
    start_date = fields.Date()
    status = fields.String()
    current_step = fields.String(allow_none=True)
    step_since = fields.DateTime()
    days_on_step = fields.Integer()
    stuck = fields.Boolean()
    steps = fields.List(fields.Nested(StepOut))
    i9_due_date = fields.Date(allow_none=True)
    i9 = fields.String(metadata={"description": "'' | due | overdue | done"})


class BoardOut(Schema):
    total = fields.Integer()
    items = fields.List(fields.Nested(CaseOut))


def _case_json(row: dict) -> dict:
    case, worker, eng = row["case"], row["worker"], row["engagement"]
    return {"case_id": case.id, "worker_id": worker.id, "engagement_id": eng.id, "name": worker.full_name,
            "email": worker.email, "client": row["client"].name, "type": eng.type, "work_state": eng.work_state,
            "start_date": eng.start_date, "status": case.status, "current_step": case.current_step,
            "step_since": case.step_since, "days_on_step": row["days"], "stuck": row["stuck"],
            "steps": [{"step": s.step, "status": s.status, "completed_at": s.completed_at} for s in case.steps],
            "i9_due_date": case.i9_due_date, "i9": row["i9_state"]}


@blp.route("/invitations")
class Invitations(MethodView):
    @blp.doc(requestBody={"required": True, "content": {"application/json": {"schema": InvitationIn}}})
    @blp.response(201, InvitationOut)
    def post(self):
        """Invite a worker for an engagement: creates (or links) the worker and a pending engagement, emails the
        single-use link. Every bad field is named (422)."""
        user = current_api_user()
        require(user, "invitation", "create")
        body = json_object()
        data = {k: (str(v) if k in ("pay_rate", "bill_rate") else v) for k, v in dict(body).items()}
        result = invitations.invite_worker(data, now=clock().now(), config=current_app.config,
                                           invited_by_id=user.id)
        inv = result.invitation
        return {"invitation_id": inv.id, "case_id": result.case.id, "worker_id": inv.worker_id,
                "engagement_id": inv.engagement_id, "expires_at": inv.expires_at, "sent": result.sent,
                "error": result.error}


@blp.route("/onboarding")
class Board(MethodView):
    @blp.arguments(BoardArgs, location="query")
    @blp.response(200, BoardOut)
    def get(self, args):
        """The onboarding board: open cases (or `status`), their step, days on it, stuck flag and I-9 state."""
        user = current_api_user()
        require(user, "onboarding", "read")
        rows, total = board_rows(now=clock().now(), today=clock().today(), q=args["q"], status=args["status"],
                                 step=args["step"], type_=args["type"], client_id=str(args["client_id"] or ""),
                                 stuck_only=args["stuck"], stuck_days=args["stuck_days"], page=args["page"], user=user)
        return {"total": total, "items": [_case_json(r) for r in rows]}


@blp.route("/onboarding/<int:case_id>")
class OneCase(MethodView):
    @blp.response(200, CaseOut)
    def get(self, case_id: int):
        """One onboarding case with every step."""
        user = current_api_user()
        require(user, "onboarding", "read")
        found = db.session.execute(scoped(sa.select(OnboardingCase.id).where(OnboardingCase.id == case_id), user,
                                          "onboarding")).scalar_one_or_none()
        if found is None:
            raise NotFound(f"onboarding case {case_id} not found")
        case = db.session.get(OnboardingCase, case_id)
        rows, _ = board_rows(now=clock().now(), today=clock().today(), status=case.status, q=case.worker.email,
                             user=user)
        row = next((r for r in rows if r["case"].id == case_id), None)
        if row is None:
            raise NotFound(f"onboarding case {case_id} not found")
        return _case_json(row)
