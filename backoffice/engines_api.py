"""Stateless calculation endpoints over two pure engines: paycheck quotes and classification assessments (the same
JSON as the CLI). Composed by create_app beside the domains, since it holds no records of its own."""
from __future__ import annotations

from dataclasses import asdict

from flask import jsonify, request
from flask.views import MethodView
from flask_smorest import Blueprint

from backoffice.api import current_api_user, json_body
from backoffice.classification.engine.classify import CLASSIFY_INPUT_SCHEMA, CLASSIFY_OUTPUT_SCHEMA, classify
from backoffice.clock import clock
from backoffice.errors import Issue, ValidationFailed
from backoffice.security.access import require
from payroll.engine.quote import quote
from payroll.engine.quote_schema import QUOTE_INPUT_SCHEMA, QUOTE_OUTPUT_SCHEMA
from payroll.engine.states.coverage import coverage

# The most items one request may hold: each is a full calculation, so a longer list is a batch job (the CLI).
MAX_ITEMS = 500
blp = Blueprint("engines", __name__, url_prefix="/api/v1", description="Paycheck quotes and classification")


def _openapi(schema: dict) -> dict:
    """A JSON-Schema dict made acceptable to OpenAPI 3.0 (drops the $schema and title keywords at the top)."""
    return {k: val for k, val in schema.items() if k not in ("$schema",)}


def _docs():

    def body(schema):
        return {"required": True, "content": {"application/json": {"schema": _openapi(schema)}}}

    def ok(schema, text):
        return {"description": text, "content": {"application/json": {"schema": _openapi(schema)}}}

    invalid = {"description": "invalid input: every bad field named in `issues` ({field, message, code})"}
    return {
        "quote": {"requestBody": body(QUOTE_INPUT_SCHEMA),
                  "responses": {"200": ok(QUOTE_OUTPUT_SCHEMA, "the paycheck(s), same shape as the input"),
                                "422": invalid}},
        "classify": {"requestBody": body(CLASSIFY_INPUT_SCHEMA),
                     "responses": {"200": ok(CLASSIFY_OUTPUT_SCHEMA, "the assessment(s), same shape as the input"),
                                   "422": invalid}},
    }


_DOCS = _docs()


def _capped(body, what: str):
    if isinstance(body, list) and len(body) > MAX_ITEMS:
        raise ValidationFailed([Issue("body", f"at most {MAX_ITEMS} {what} in one request (got {len(body)})",
                                      "too_many")])
    return body


@blp.route("/paycheck-quotes")
class PaycheckQuotes(MethodView):
    @blp.doc(**_DOCS["quote"])
    def post(self):
        """Quote paychecks: gross to net with every tax and deduction explained (one object or a list).

        The same JSON as `backoffice paycheck quote --input FILE`; see docs/paycheck-quote.md."""
        # A quote reads no stored data, but each one is a full gross-to-net: staff who read payroll may ask, a
        # list at most MAX_QUOTES long (workers' W-4 what-ifs go through the portal's one-paycheck preview).
        require(current_api_user(), "payroll_run", "read")
        return jsonify(quote(_capped(json_body(), "quotes")))


@blp.route("/paycheck-states")
class PaycheckStates(MethodView):
    @blp.doc(parameters=[{"in": "query", "name": "year", "required": True, "schema": {"type": "integer"},
                          "description": "the tax year, e.g. 2026"}],
             responses={"200": {"description": "one object per jurisdiction (51), in order of the USPS code"},
                        "422": {"description": "no year given"}})
    def get(self):
        """Every jurisdiction (50 states + DC) for a tax year (`?year=2026`): supported, partial or refused, with its
        method, source, confidence, pay dates, programs, reciprocity and what is not modelled.

        The same JSON as `backoffice paycheck states --year 2026 --format json`."""
        require(current_api_user(), "payroll_run", "read")
        raw = request.args.get("year", "")
        if not raw.isdigit():
            raise ValidationFailed([Issue("year", "give the tax year, e.g. ?year=2026", "required")])
        return jsonify([asdict(r) for r in coverage(int(raw))])


@blp.route("/paycheck-locals")
class PaycheckLocals(MethodView):
    @blp.doc(parameters=[{"in": "query", "name": "year", "required": True, "schema": {"type": "integer"},
                          "description": "the tax year, e.g. 2026"}],
             responses={"200": {"description": "{tax_year, localities: [one object per local tax version], "
                                               "refused_by_rule: [{state, when}], not_in_data: [{state, tax}]}"},
                        "422": {"description": "no year given"}})
    def get(self):
        """Every local tax in a tax year's data (`?year=2026`): city, county, school district, PA EIT/LST and
        transit taxes with status (supported or refused with the reason), confidence, pay dates and source; the
        places refused by rule; the local taxes known but not in the data.

        The same JSON as `backoffice paycheck states --year 2026 --locals --format json`."""
        from payroll.engine.locals.report import local_coverage_json

        require(current_api_user(), "payroll_run", "read")
        raw = request.args.get("year", "")
        if not raw.isdigit() or not 2000 <= int(raw) <= 2100:
            raise ValidationFailed([Issue("year", "give the tax year, e.g. ?year=2026", "required")])
        return jsonify(local_coverage_json(int(raw)))


@blp.route("/classification-assessments")
class ClassificationAssessments(MethodView):
    @blp.doc(**_DOCS["classify"])
    def post(self):
        """Assess an engagement's classification under the IRS, DOL and state tests (one object or a list).

        The same JSON as `backoffice classify --input FILE`; see docs/classification.md. Takes the right to fill in
        a questionnaire (`classification_fill`: HR), not only to read results: running the tests on answers about
        an engagement is filling one in (client approvers and workers read results; they do not run them)."""
        require(current_api_user(), "classification_fill", "create")
        return jsonify(classify(_capped(json_body(), "assessments"), today=clock().today()))
