"""Benefits operations API under /api/v1, read-only, for the filings domain's tools and the agency's integrations:
the monthly ACA records (1095-C lines 14, 15 and 16 with the reasoning) and the COBRA cases with their deadlines.
A worker reads their own (row scopes); HR, finance and compliance read all as their rights say. Filters that do not
fit are 422 naming the field."""
from __future__ import annotations

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from backoffice.api import page_of
from backoffice.api.fields import Id, Page, PerPage
from benefits.aca_models import AcaMonth
from benefits.cobra_models import CASE_STATUSES, CobraCase
from benefits.engine.aca_lines import STATUSES as ACA_STATUSES

blp = Blueprint("benefits_ops_api", __name__, url_prefix="/api/v1",
                description="Benefits operations: ACA months and COBRA cases")


class AcaMonthArgs(Schema):
    page = Page()
    per_page = PerPage()
    year = fields.Integer(required=True, validate=validate.Range(2015, 2100))
    month = fields.Integer(load_default=None, validate=validate.Range(1, 12))
    worker_id = Id(load_default=None)
    status = fields.String(load_default=None, validate=validate.OneOf(ACA_STATUSES))


class AcaMonthOut(Schema):
    id = fields.Integer()
    worker_id = fields.Integer()
    year = fields.Integer()
    month = fields.Integer()
    status = fields.String()
    basis = fields.String()
    hours = fields.Decimal(as_string=True)
    average_monthly_hours = fields.Decimal(as_string=True, allow_none=True)
    measurement_start = fields.Date(allow_none=True)
    measurement_end = fields.Date(allow_none=True)
    stability_start = fields.Date(allow_none=True)
    stability_end = fields.Date(allow_none=True)
    line14 = fields.String(metadata={"description": "Form 1095-C line 14: the offer of coverage code"})
    employee_share = fields.Decimal(as_string=True, allow_none=True,
                                    metadata={"description": "line 15: the employee's monthly share of the "
                                                             "lowest-cost self-only coverage offered"})
    line16 = fields.String(metadata={"description": "line 16: the safe harbor or relief code (empty: none)"})
    explanation = fields.List(fields.String())


class AcaMonthPage(Schema):
    items = fields.List(fields.Nested(AcaMonthOut))
    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()


@blp.route("/aca-months")
@blp.arguments(AcaMonthArgs, location="query")
@blp.response(200, AcaMonthPage)
def list_aca_months(args):
    """A year's monthly ACA records (`?year=` required; `month`, `worker_id`, `status` narrow it): each worker's
    full-time status with its measurement and stability periods and the 1095-C line 14/15/16 codes."""
    f = [AcaMonth.year == args["year"]]
    if args["month"]:
        f.append(AcaMonth.month == args["month"])
    if args["worker_id"]:
        f.append(AcaMonth.worker_id == args["worker_id"])
    if args["status"]:
        f.append(AcaMonth.status == args["status"])
    return page_of(AcaMonth, "aca_month", args, f, (AcaMonth.worker_id, AcaMonth.month))


class CobraArgs(Schema):
    page = Page()
    per_page = PerPage()
    status = fields.String(load_default=None, validate=validate.OneOf(CASE_STATUSES))
    worker_id = Id(load_default=None)


class CobraCaseOut(Schema):
    id = fields.Integer()
    worker_id = fields.Integer()
    dependent_id = fields.Integer(allow_none=True)
    beneficiary = fields.String(metadata={"description": "employee | spouse | child"})
    event_kind = fields.String()
    event_date = fields.Date()
    status = fields.String()
    coverage_tier = fields.String()
    monthly_cost = fields.Decimal(as_string=True, metadata={"description": "the plans' full monthly cost "
                                                                           "(the premium is 102% of it)"})
    loss_of_coverage = fields.Date()
    coverage_start = fields.Date()
    election_notice_due = fields.Date()
    election_notice_sent_on = fields.Date(allow_none=True)
    election_deadline = fields.Date()
    elected_on = fields.Date(allow_none=True)
    first_premium_due = fields.Date(allow_none=True)
    max_months = fields.Integer()
    coverage_max_end = fields.Date()
    coverage_end = fields.Date(allow_none=True)
    next_action = fields.String()
    next_due_on = fields.Date(allow_none=True)


class CobraPage(Schema):
    items = fields.List(fields.Nested(CobraCaseOut))
    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()


@blp.route("/cobra-cases")
@blp.arguments(CobraArgs, location="query")
@blp.response(200, CobraPage)
def list_cobra_cases(args):
    """COBRA cases, one per qualified beneficiary and event, with every deadline and what is due next (soonest
    first)."""
    f = []
    if args["status"]:
        f.append(CobraCase.status == args["status"])
    if args["worker_id"]:
        f.append(CobraCase.worker_id == args["worker_id"])
    return page_of(CobraCase, "cobra_case", args, f, (CobraCase.next_due_on.is_(None), CobraCase.next_due_on,
                                                     CobraCase.id))


def blueprints() -> list:
    return [blp]
