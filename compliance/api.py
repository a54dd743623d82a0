"""Compliance API endpoints under /api/v1: the workers' copies of yearly tax forms. A worker reads their own (row
scope of `filing_copy`); staff with the `filing_copy` read right (compliance, HR, admin) read all, with filters.
Filters that do not fit are 422 naming the field."""
from __future__ import annotations

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from backoffice.api import page_of
from backoffice.api.fields import Id, Page, PerPage
from compliance.copy_services import COPY_FORMS
from compliance.models import FilingCopy

blp = Blueprint("compliance_api", __name__, url_prefix="/api/v1", description="Compliance: workers' tax forms")


class TaxFormArgs(Schema):
    page = Page()
    per_page = PerPage()
    year = fields.Integer(load_default=None, validate=validate.Range(2015, 2100))
    form = fields.String(load_default=None, validate=validate.OneOf(sorted(COPY_FORMS)))
    worker_id = Id(load_default=None)
    delivery = fields.String(load_default=None, validate=validate.OneOf(("email", "paper", "")))


class TaxFormOut(Schema):
    id = fields.Integer()
    filing_id = fields.Integer()
    worker_id = fields.Integer()
    form = fields.String(metadata={"description": "w2 | w2c | 1099-nec | 1095-c"})
    tax_year = fields.Integer()
    content = fields.Dict(metadata={"description": "the worker's part of the filing (money as strings; TIN: last "
                                                   "four digits only)"})
    delivery = fields.String(metadata={"description": "email | paper | '' (not yet delivered)"})
    delivered_at = fields.DateTime(allow_none=True)


class TaxFormPage(Schema):
    items = fields.List(fields.Nested(TaxFormOut))
    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()


@blp.route("/tax-forms")
@blp.arguments(TaxFormArgs, location="query")
@blp.response(200, TaxFormPage)
def list_tax_forms(args):
    """Tax form copies (W-2, W-2c, 1099-NEC, 1095-C): a worker's own; staff's all, narrowed by `year`, `form`,
    `worker_id` and `delivery`. Newest year first."""
    f = []
    if args["year"]:
        f.append(FilingCopy.tax_year == args["year"])
    if args["form"]:
        f.append(FilingCopy.form == args["form"])
    if args["worker_id"]:
        f.append(FilingCopy.worker_id == args["worker_id"])
    if args["delivery"] is not None:
        f.append(FilingCopy.delivery == args["delivery"])
    return page_of(FilingCopy, "filing_copy", args, f, (FilingCopy.tax_year.desc(), FilingCopy.form, FilingCopy.id))


def blueprints() -> list:
    """This domain's API blueprints."""
    return [blp]
