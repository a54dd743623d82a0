"""Task completions API: record one or a list (all-or-nothing), list them with filters (scoped to the caller)."""
from __future__ import annotations

from flask.views import MethodView
from marshmallow import Schema, fields, validate

from backoffice.api import current_api_user, json_body
from backoffice.api.fields import Day, Id, Number
from backoffice.money import RATE, UNITS
from backoffice.security.access import require
from payroll.api.common import _one, _page, blp
from payroll.api.schemas import PageArgs

from . import services
from .models import TASK_SOURCES, TASK_STATUSES, TaskCompletion


class TaskCompletionIn(Schema):
    engagement_id = Id(required=True, metadata={"description": "an engagement paid per piece"})
    task_ref = fields.String(required=True, validate=validate.Length(min=1, max=services.MAX_REF),
                             metadata={"description": "the task's reference; unique per engagement"})
    units = Number(UNITS, required=True, metadata={"description": "units completed (more than zero)"})
    rate = Number(RATE, required=True, metadata={"description": "pay per unit, US dollars"})
    completed_at = fields.String(required=True, metadata={
        "description": "ISO 8601 date-time (with its UTC offset: the local date is the workday) or a date"})
    minutes = fields.Integer(required=True, validate=validate.Range(min=1, max=services.MAX_MINUTES),
                             metadata={"description": "minutes worked on the task (the hours for overtime and the "
                                                      "minimum wage)"})


class TaskCompletionOut(Schema):
    id = fields.Integer()
    engagement_id = fields.Integer()
    task_ref = fields.String()
    units = fields.Decimal(as_string=True)
    rate = fields.Decimal(as_string=True)
    amount = fields.Decimal(as_string=True)
    completed_at = fields.DateTime()
    work_date = fields.Date()
    minutes = fields.Integer()
    status = fields.String()
    source = fields.String()
    paid_run_id = fields.Integer(allow_none=True)


class TaskBatchOut(Schema):
    items = fields.List(fields.Nested(TaskCompletionOut))
    count = fields.Integer()


class TaskArgs(PageArgs):
    engagement_id = Id(load_default=None)
    status = fields.String(load_default=None, validate=validate.OneOf(TASK_STATUSES))
    source = fields.String(load_default=None, validate=validate.OneOf(TASK_SOURCES))
    task_ref = fields.String(load_default=None, validate=validate.Length(max=services.MAX_REF))
    work_date_from = Day(load_default=None)
    work_date_to = Day(load_default=None)
    paid_run_id = Id(load_default=None)


class TaskPage(Schema):
    items = fields.List(fields.Nested(TaskCompletionOut))
    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()


@blp.route("/task-completions")
class TaskCompletionsView(MethodView):
    @blp.arguments(TaskArgs, location="query")
    @blp.response(200, TaskPage)
    def get(self, args):
        """Task completions (a worker sees their own; a client approver their client's), newest first."""
        f = []
        for key in ("engagement_id", "status", "source", "task_ref", "paid_run_id"):
            if args[key] is not None:
                f.append(getattr(TaskCompletion, key) == args[key])
        if args["work_date_from"]:
            f.append(TaskCompletion.work_date >= args["work_date_from"])
        if args["work_date_to"]:
            f.append(TaskCompletion.work_date <= args["work_date_to"])
        return _page(TaskCompletion, "task_completion", args, f, TaskCompletion.id.desc())

    @blp.doc(requestBody={"required": True, "content": {"application/json": {"schema": TaskCompletionIn}}},
             description="One object, or a list of objects, each with exactly engagement_id, task_ref, units, rate, "
                         "completed_at and minutes. All-or-nothing: any bad item is a 422 naming items[i].field (a "
                         "single object: the field) and nothing is saved. A task_ref already recorded for the "
                         "engagement, or twice in the list, is refused. HR for any engagement; a worker for their "
                         "own; a client approver for their client's.")
    @blp.response(201, TaskBatchOut)
    def post(self):
        """Record task completions (one object or a list), all-or-nothing."""
        user = current_api_user()
        require(user, "task_completion", "create")
        body = json_body()
        if isinstance(body, dict):
            saved = services.record_tasks([body], user, source="api", label=lambda i: "")
        else:
            saved = services.record_tasks(body, user, source="api")
        return {"items": saved, "count": len(saved)}


@blp.route("/task-completions/<int:ident>")
@blp.response(200, TaskCompletionOut)
def get_task_completion(ident):
    """One task completion (another worker's, or another client's, is not found)."""
    return _one(TaskCompletion, "task_completion", ident)
