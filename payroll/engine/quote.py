"""Paycheck quote: the JSON face of the engine (one object or a list in, the same shape out, every bad field named)."""
from __future__ import annotations

import copy

from backoffice.errors import DomainError, Issue, ValidationFailed
from backoffice.money import fmt

from .model import PaycheckInput, PaycheckResult
from .paycheck import calculate_paycheck
from .quote_input import YTD_FIELDS, parse_input
from .tables import tables_for


def quote(payload: dict | list) -> dict | list:
    """Compute paychecks for one JSON object or a list of them; answer in the same shape.

    Raises ValidationFailed naming every bad field (paths like `earnings[1].hours`, or `[2].w4.filing_status` for
    a list); a DomainError (e.g. a state not covered yet) passes through, prefixed with the item for lists."""
    if isinstance(payload, list):
        issues: list[Issue] = []
        inputs = []
        for i, item in enumerate(payload):
            inp, item_issues = parse_input(item, f"[{i}].")
            issues.extend(item_issues)
            inputs.append(inp)
        if not payload:
            issues.append(Issue("", "the list is empty", "required"))
        if issues:
            raise ValidationFailed(issues)
        out = []
        for i, inp in enumerate(inputs):
            try:
                out.append(_compute(inp, f"[{i}]."))
            except ValidationFailed as exc:   # certificate problems found by the state module: keep going
                issues.extend(exc.issues)
            except DomainError as exc:      # same class (e.g. UnsupportedState), message names the item
                prefixed = copy.copy(exc)
                prefixed.message = f"[{i}]: {exc.message}"
                prefixed.args = (prefixed.message,)
                raise prefixed from exc
        if issues:
            raise ValidationFailed(issues)
        return out
    inp, issues = parse_input(payload, "")
    if issues:
        raise ValidationFailed(issues)
    return _compute(inp, "")


def _compute(inp: PaycheckInput, prefix: str) -> dict:
    """One paycheck as JSON; certificate issues from the state module are renamed to the request's paths."""
    try:
        return result_to_json(inp, calculate_paycheck(inp, tables_for(inp.pay_date)))
    except ValidationFailed as exc:
        raise ValidationFailed([Issue(prefix + ("state_certificates." + i.field[len("certificate."):]
                                                if i.field.startswith("certificate.") else i.field),
                                      i.message, i.code, i.row) for i in exc.issues]) from exc


def result_to_json(inp: PaycheckInput, r: PaycheckResult) -> dict:
    out = {
        "pay_date": inp.pay_date.isoformat(),
        "tax_year": r.tax_year,
        "worker_type": inp.worker_type,
        "gross": fmt(r.gross),
        "earnings": [line.as_dict() for line in r.earnings],
        "employee_taxes": [line.as_dict() for line in r.employee_taxes],
        "employer_taxes": [line.as_dict() for line in r.employer_taxes],
        "deductions": [line.as_dict() for line in r.deductions],
        "net": fmt(r.net),
        "taxable_wages": {k: fmt(v) for k, v in r.taxable_wages.items()},
        "ytd": {f: fmt(getattr(r.ytd, f)) for f in YTD_FIELDS},
        "qualified_overtime_premium": fmt(r.qualified_overtime_premium),
    }
    if r.employer_contributions:        # only when asked for: a quote without them keeps its old shape
        out["employer_contributions"] = [line.as_dict() for line in r.employer_contributions]
    return out
