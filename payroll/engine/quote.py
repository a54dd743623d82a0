"""Paycheck quote: the JSON face of the engine (one object or a list in, the same shape out, every bad field named)."""
from __future__ import annotations

import copy
import json
from decimal import Decimal
from typing import Iterable, Iterator

from backoffice.errors import DomainError, Issue, ValidationFailed
from backoffice.money import fmt

from .model import PaycheckInput, PaycheckResult
from .paycheck import calculate_paycheck
from .quote_input import YTD_FIELDS, parse_input
from .tables import tables_for


def quote(payload: dict | list, *, explain: bool | None = None) -> dict | list:
    """Compute paychecks for one JSON object or a list of them; answer in the same shape.

    Each request may say `"explain": false` to get its figures only (no explanation lines: nothing is rendered);
    the default is true, for one quote and for each item of a list. `explain` given here (the command line's
    --no-explain) overrides every request's own.

    Raises ValidationFailed naming every bad field (paths like `earnings[1].hours`, or `[2].w4.filing_status` for
    a list); a DomainError (e.g. a state not covered yet) passes through, prefixed with the item for lists."""
    if isinstance(payload, list):
        issues: list[Issue] = []
        inputs = []
        for i, item in enumerate(payload):
            item, flag = _explain_option(item, f"[{i}].", explain, issues)
            inp, item_issues = parse_input(item, f"[{i}].")
            issues.extend(item_issues)
            inputs.append((inp, flag))
        if not payload:
            issues.append(Issue("", "the list is empty", "required"))
        if issues:
            raise ValidationFailed(issues)
        out = []
        for i, (inp, flag) in enumerate(inputs):
            try:
                out.append(_compute(inp, f"[{i}].", flag))
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
    issues = []
    payload, flag = _explain_option(payload, "", explain, issues)
    inp, more = parse_input(payload, "")
    issues.extend(more)
    if issues:
        raise ValidationFailed(issues)
    return _compute(inp, "", flag)


def _explain_option(item, prefix: str, override: bool | None, issues: list[Issue]) -> tuple[object, bool]:
    """The request without its `explain` key, and whether to explain (the override, else the key, else true)."""
    if not isinstance(item, dict) or "explain" not in item:
        return item, True if override is None else override
    flag = item["explain"]
    if not isinstance(flag, bool):
        issues.append(Issue(prefix + "explain", "must be true or false", "invalid"))
        flag = True
    rest = {k: v for k, v in item.items() if k != "explain"}
    return rest, flag if override is None else override


def _compute(inp: PaycheckInput, prefix: str, explain: bool = True) -> dict:
    """One paycheck as JSON; certificate issues from the state module are renamed to the request's paths."""
    try:
        return result_to_json(inp, calculate_paycheck(inp, tables_for(inp.pay_date)), explain)
    except ValidationFailed as exc:
        raise ValidationFailed([Issue(prefix + ("state_certificates." + i.field[len("certificate."):]
                                                if i.field.startswith("certificate.") else i.field),
                                      i.message, i.code, i.row) for i in exc.issues]) from exc


def result_to_json(inp: PaycheckInput, r: PaycheckResult, explain: bool = True) -> dict:
    out = {
        "pay_date": inp.pay_date.isoformat(),
        "tax_year": r.tax_year,
        "worker_type": inp.worker_type,
        "gross": fmt(r.gross),
        "earnings": [line.as_dict(explain) for line in r.earnings],
        "employee_taxes": [line.as_dict(explain) for line in r.employee_taxes],
        "employer_taxes": [line.as_dict(explain) for line in r.employer_taxes],
        "deductions": [line.as_dict(explain) for line in r.deductions],
        "net": fmt(r.net),
        "taxable_wages": {k: fmt(v) for k, v in r.taxable_wages.items()},
        "ytd": {f: fmt(getattr(r.ytd, f)) for f in YTD_FIELDS},
        "qualified_overtime_premium": fmt(r.qualified_overtime_premium),
    }
    if r.employer_contributions:        # only when asked for: a quote without them keeps its old shape
        out["employer_contributions"] = [line.as_dict(explain) for line in r.employer_contributions]
    return out


def quote_lines(lines: Iterable[str], *, explain: bool | None = None) -> Iterator[dict]:
    """Quotes for JSON Lines: one request object per line in, one result per line out, as each is computed (a
    million requests in constant memory). A refused line gives `{"line": N, "error": ..., "message": ...}` (with
    `issues` naming the fields, as the API's 422) in its place, and the rest go on; blank lines are skipped.
    Numbers are read as Decimal, never float."""
    for n, text in enumerate(lines, 1):
        if not text.strip():
            continue
        try:
            obj = json.loads(text, parse_float=Decimal)
            if not isinstance(obj, dict):
                raise ValidationFailed([Issue("", "each line is one quote request: a JSON object", "invalid")])
            yield quote(obj, explain=explain)
        except json.JSONDecodeError as exc:
            yield {"line": n, "error": "invalid_json", "message": f"not JSON: {exc.msg} (column {exc.colno})"}
        except DomainError as exc:
            body = exc.as_dict() if isinstance(exc, ValidationFailed) else {"error": exc.code, "message": exc.message}
            yield {"line": n, **body}
