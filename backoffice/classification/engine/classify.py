"""The JSON face of the classification engine: classify() for the CLI and the REST API, and its JSON Schemas."""
from __future__ import annotations

import datetime as _dt
from typing import Any, Mapping

from backoffice.dates import parse_date
from backoffice.errors import Issue, ValidationFailed
from backoffice.geo import STATES
from backoffice.classification.engine.determination import Assessment, AssessmentRequest, TestResult, assess
from backoffice.classification.engine.questionnaire import CRITERIA_MAPS, SCHEMA, parse_answers
from backoffice.classification.engine.rulesets import DIRECTIONS, RESULTS, Catalog, default_catalog

TOP_LEVEL = ("work_state", "as_of_date", "answers", "reference")


def _parse_one(raw: Any, today: _dt.date | None, row: int | None) -> tuple[AssessmentRequest | None, list[Issue]]:
    issues: list[Issue] = []
    if not isinstance(raw, Mapping):
        return None, [Issue("", "each assessment must be an object", "invalid_type", row)]
    for key in raw:
        if key not in TOP_LEVEL:
            issues.append(Issue(str(key), f"unknown field; expected {', '.join(TOP_LEVEL[:3])}", "unknown_field",
                                row))
    state = raw.get("work_state")
    if not isinstance(state, str) or state.strip().upper() not in STATES:
        issues.append(Issue("work_state", "must be a two-letter US state code such as CA", "invalid_choice", row))
        state = None
    else:
        state = state.strip().upper()
    as_of = None
    if raw.get("as_of_date") is None:
        if today is None:
            issues.append(Issue("as_of_date", "required (YYYY-MM-DD)", "required", row))
        as_of = today
    else:
        try:
            as_of = parse_date(raw["as_of_date"])
        except ValueError:
            issues.append(Issue("as_of_date", "must be a date written YYYY-MM-DD", "invalid_date", row))
    if "answers" not in raw:
        issues.append(Issue("answers", "required: the questionnaire groups", "required", row))
    answers, found = parse_answers(raw.get("answers"), row=row)
    issues.extend(found)
    if answers.as_of_date and as_of and raw.get("as_of_date") is not None and answers.as_of_date != as_of:
        issues.append(Issue("answers.state_specific.as_of_date", "differs from as_of_date", "conflict", row))
    if raw.get("as_of_date") is None and answers.as_of_date:
        as_of = answers.as_of_date
        issues = [i for i in issues if i.field != "as_of_date"]
    if "reference" in raw and not isinstance(raw["reference"], (str, int)):
        issues.append(Issue("reference", "must be a string or a number", "invalid_type", row))
    if issues or state is None or as_of is None:
        return None, issues
    return AssessmentRequest(state, as_of, answers), []


def _factor_json(f) -> dict[str, Any]:
    out = {"id": f.id, "title": f.title, "finding": f.finding, "points_to": f.points_to,
           "answers": dict(f.answers), "counts": f.counts}
    if f.derived_from:
        out["derived_from"] = list(f.derived_from)
        out["derivation_source"] = f.derivation_source
    return out


def _test_json(t: TestResult) -> dict[str, Any]:
    rs = t.rule_set
    out: dict[str, Any] = {
        "id": t.id, "version": t.version, "result": t.result,
        "factors": [_factor_json(f) for f in t.factors],
        "title": t.title, "question": t.question, "role": t.role, "role_reason": t.role_reason,
        "in_force": t.in_force, "explanation": t.explanation, "status": rs.status,
        "effective_from": rs.effective_from.isoformat() if rs.effective_from else None,
        "effective_to": rs.effective_to.isoformat() if rs.effective_to else None,
        "effective_note": rs.effective_note, "sources": [dict(s) for s in rs.sources],
    }
    if t.profile:
        out["profile"] = t.profile
    if t.threshold is not None:
        out["threshold"] = {"id": t.threshold.id, "title": t.threshold.title, "finding": t.threshold.finding,
                            "met": t.threshold.points_to != "independent_contractor",
                            "answers": dict(t.threshold.answers), "law": rs.threshold_law,
                            **({"uncertain": rs.threshold_uncertain} if rs.threshold_uncertain else {})}
    return out


def assessment_json(a: Assessment) -> dict[str, Any]:
    """The documented output shape of one assessment."""
    statutory = any(t.rule_set.id == "irs_statutory_employee" and t.role == "decisive"
                    and t.result == "statutory_employee" for t in a.tests)
    return {
        "determination": a.determination,
        "employer": {"party": a.employer.party, "worksite": a.employer.worksite,
                     "joint_employer": a.employer.joint_employer, "explanation": a.employer.explanation},
        "risk": a.risk,
        "tests": [_test_json(t) for t in a.tests],
        "risk_reasons": list(a.risk_reasons),
        "summary": a.summary,
        "work_state": a.work_state,
        "as_of_date": a.as_of_date.isoformat(),
        "rule_set_versions": a.rule_set_versions,
        "comparison": [t.id for t in a.tests if t.role == "comparison"],
        "tax_treatment": "statutory_employee" if statutory else (
            "w2_employee" if a.determination == "leased_employee" else
            "form_1099_nec" if a.determination == "contractor" else "undetermined"),
        "notes": list(a.notes),
        "deciding_questions": None if a.deciding is None else {
            "fields": list(a.deciding.fields),
            "decides_either_way": a.deciding.decides_either_way,
            "outcomes": [{"answers": dict(pairs), "determination": d} for pairs, d in a.deciding.outcomes],
        },
    }


def classify(payload: dict | list, *, today: _dt.date | None = None,
             catalog: Catalog | None = None) -> dict | list:
    """Classify one engagement (an object) or several (a list, answered as a list in the same order).

    `today` fills a missing as_of_date (the caller passes the clock; the engine never reads it). Every bad field
    of every item is reported together in one ValidationFailed (items are numbered by `row`, from 0).
    """
    catalog = catalog or default_catalog()
    many = isinstance(payload, list)
    items = payload if many else [payload]
    requests, issues = [], []
    for i, raw in enumerate(items):
        request, found = _parse_one(raw, today, i if many else None)
        requests.append(request)
        issues.extend(found)
    if not items and many:
        issues.append(Issue("", "the list is empty", "required"))
    if issues:
        raise ValidationFailed(issues)
    out = []
    for raw, request in zip(items, requests):
        result = assessment_json(assess(request, catalog))
        if "reference" in raw:
            result = {"reference": raw["reference"], **result}
        out.append(result)
    return out if many else out[0]


def _answers_schema() -> dict[str, Any]:
    groups: dict[str, Any] = {}
    for group, fields in SCHEMA.items():
        props: dict[str, Any] = {name: ({"type": "string"} if allowed is None else
                                        {"type": "string", "enum": list(allowed), "default": "not_stated"})
                                 for name, allowed in fields.items()}
        if group == "state_specific":
            for name, keys in CRITERIA_MAPS.items():
                props[name] = {"type": "object", "additionalProperties": False,
                               "properties": {k: {"type": "boolean"} for k in keys}}
            props["as_of_date"] = {"type": "string", "format": "date"}
        groups[group] = {"type": "object", "additionalProperties": False, "properties": props}
    return {"type": "object", "additionalProperties": False, "properties": groups}


_ONE_INPUT = {
    "type": "object", "additionalProperties": False, "required": ["work_state", "answers"],
    "properties": {
        "work_state": {"type": "string", "enum": sorted(STATES)},
        "as_of_date": {"type": "string", "format": "date",
                       "description": "assessment date; the caller's today when omitted"},
        "reference": {"type": ["string", "integer"], "description": "echoed back unchanged"},
        "answers": _answers_schema(),
    },
}
CLASSIFY_INPUT_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema", "title": "ClassificationAssessmentInput",
    "oneOf": [_ONE_INPUT, {"type": "array", "minItems": 1, "items": _ONE_INPUT}],
}
_FACTOR = {
    "type": "object", "required": ["id", "finding", "points_to", "answers"],
    "properties": {"id": {"type": "string"}, "title": {"type": "string"}, "finding": {"type": "string"},
                   "points_to": {"type": "string", "enum": list(DIRECTIONS)},
                   "answers": {"type": "object", "description": "answer path -> value behind the finding"},
                   "counts": {"type": "boolean"}},
}
_TEST = {
    "type": "object", "required": ["id", "version", "result", "factors"],
    "properties": {"id": {"type": "string"}, "version": {"type": "string"},
                   "result": {"type": "string", "enum": list(RESULTS)},
                   "factors": {"type": "array", "items": _FACTOR},
                   "role": {"type": "string", "enum": ["decisive", "comparison"]},
                   "in_force": {"type": "boolean"}, "profile": {"type": "string"},
                   "title": {"type": "string"}, "explanation": {"type": "string"},
                   "sources": {"type": "array", "items": {"type": "object"}}},
}
_ONE_OUTPUT = {
    "type": "object", "required": ["determination", "employer", "risk", "tests"],
    "properties": {
        "reference": {"type": ["string", "integer"]},
        "determination": {"type": "string", "enum": ["leased_employee", "contractor", "needs_review"]},
        "employer": {"type": "object", "required": ["party"], "properties": {
            "party": {"type": "string", "enum": ["staffing_firm", "hiring_entity", "platform", "none",
                                                 "undetermined"]},
            "worksite": {"type": ["string", "null"]},
            "joint_employer": {"type": ["string", "null"], "enum": ["possible", "unlikely", None]},
            "explanation": {"type": "string"}}},
        "risk": {"type": "string", "enum": ["low", "medium", "high"]},
        "tests": {"type": "array", "items": _TEST},
        "risk_reasons": {"type": "array", "items": {"type": "string"}},
        "summary": {"type": "string"}, "work_state": {"type": "string"},
        "as_of_date": {"type": "string", "format": "date"},
        "rule_set_versions": {"type": "object", "additionalProperties": {"type": "string"}},
        "comparison": {"type": "array", "items": {"type": "string"}},
        "tax_treatment": {"type": "string"}, "notes": {"type": "array", "items": {"type": "string"}},
        "deciding_questions": {
            "type": ["object", "null"],
            "description": "for needs_review: the smallest set of unanswered questions that would decide it",
            "required": ["fields", "decides_either_way", "outcomes"],
            "properties": {"fields": {"type": "array", "items": {"type": "string"}},
                           "decides_either_way": {"type": "boolean"},
                           "outcomes": {"type": "array", "items": {"type": "object", "properties": {
                               "answers": {"type": "object"}, "determination": {"type": "string"}}}}}},
    },
}
CLASSIFY_OUTPUT_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema", "title": "ClassificationAssessmentOutput",
    "oneOf": [_ONE_OUTPUT, {"type": "array", "items": _ONE_OUTPUT}],
}
