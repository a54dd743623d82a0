"""The sick-leave engine's JSON form for the command line: an accrual input read field by field (every problem at
once, each naming its list item), results and the laws as plain JSON (hours as strings). Pure, like engine.py."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Mapping

from backoffice.dates import parse_date
from backoffice.errors import DomainError, Issue, ValidationFailed
from backoffice.leave.engine import AccrualInput, AccrualResult, accrue, every_law, show
from backoffice.money import D


_INPUT_FIELDS = ("jurisdiction", "employer_size", "hire_date", "policy_year_start", "balance_before",
                 "accrued_this_year_before", "used_this_year_before", "hours",
                 # optional (issue 19's remaining gaps): the normal day for "N hours or M days" caps, a front-loading
                 # policy, New York's net-income test, the days worked before these for eligibility thresholds
                 "day_hours", "front_loaded", "employer_net_income", "worked_before")


def accrual_input(obj: object, row: int | None = None) -> AccrualInput:
    """An AccrualInput from the command line's JSON object; every problem at once, field by field."""
    if not isinstance(obj, dict):
        raise ValidationFailed([Issue("" if row is None else f"[{row}]", "each input must be a JSON object",
                                      "invalid", row)])
    issues: list[Issue] = []
    values: dict = {}

    def problem(name: str, message: str, code: str = "invalid") -> None:
        issues.append(Issue(name if row is None else f"[{row}].{name}", message, code, row))

    for name in ("jurisdiction", "hire_date"):
        if name not in obj:
            problem(name, "is required", "required")
    values["jurisdiction"] = str(obj.get("jurisdiction", "")).strip().upper()
    try:
        size = obj.get("employer_size", 1)
        if isinstance(size, bool) or not isinstance(size, (int, str, Decimal)):
            raise ValueError
        values["employer_size"] = int(D(size))
    except (TypeError, ValueError, ArithmeticError):
        problem("employer_size", "must be a whole number of employees")
    for name in ("hire_date", "policy_year_start"):
        raw = obj.get(name)
        if raw is None and name == "policy_year_start":
            continue
        try:
            values[name] = parse_date(raw)
        except ValueError as exc:
            problem(name, str(exc))
    if "policy_year_start" not in values and "hire_date" in values:
        days = [h.get("date") for h in obj.get("hours") or [] if isinstance(h, dict)]
        first = min((d for d in days if isinstance(d, str)), default=None)
        try:
            year = parse_date(first).year if first else values["hire_date"].year
        except ValueError:
            year = values["hire_date"].year
        values["policy_year_start"] = date(year, 1, 1)     # the calendar year when none is given
    for name in ("balance_before", "accrued_this_year_before", "used_this_year_before"):
        try:
            values[name] = D(obj.get(name, "0"))
        except (TypeError, ValueError):
            problem(name, "must be a number of hours (a string such as \"12.5\")")
    for name in ("day_hours", "employer_net_income"):
        if obj.get(name) is not None:
            try:
                values[name] = D(obj[name])
                if values[name] < 0:
                    raise ValueError
            except (TypeError, ValueError, ArithmeticError):
                problem(name, "must be a number zero or more (a string such as \"10\")")
    if "front_loaded" in obj:
        if not isinstance(obj["front_loaded"], bool):
            problem("front_loaded", "must be true or false")
        else:
            values["front_loaded"] = obj["front_loaded"]
    lists = {}
    for field in ("hours", "worked_before"):
        pairs = []
        raw_hours = obj.get(field, [])
        if not isinstance(raw_hours, list):
            problem(field, "must be a list of {\"date\": \"YYYY-MM-DD\", \"hours\": \"8\"}")
            raw_hours = []
        for i, item in enumerate(raw_hours):
            if not isinstance(item, dict):
                problem(f"{field}[{i}]", "must be an object with date and hours")
                continue
            try:
                day = parse_date(item.get("date"))
                worked = D(item.get("hours"))
                pairs.append((day, worked))
            except (TypeError, ValueError) as exc:
                problem(f"{field}[{i}]", str(exc))
        lists[field] = tuple(pairs)
    unknown = sorted(set(obj) - set(_INPUT_FIELDS))
    if unknown:
        problem(unknown[0], f"unknown field(s): {', '.join(unknown)}", "unknown_field")
    if issues:
        raise ValidationFailed(issues)
    values["hours"] = lists["hours"]
    if "worked_before" in obj:
        values["worked_before"] = lists["worked_before"]
    return AccrualInput(**values)


def result_json(result: AccrualResult) -> dict:
    return {
        "jurisdiction": result.jurisdiction, "law_version": result.law_version, "tier": result.tier,
        "hours_worked": show(result.hours_worked), "accrued": show(result.accrued), "balance": show(result.balance),
        "accrued_this_year": show(result.accrued_this_year), "capped": result.capped,
        "usable_from": result.usable_from.isoformat(), "usable_this_year": show(result.usable_this_year),
        "paid": result.paid, "eligible": result.eligible,
        "eligible_from": result.eligible_from.isoformat() if result.eligible_from else None,
        "explanation": list(result.explanation),
    }


def accrue_json(payload: object, laws: Mapping[str, dict] | None = None):
    """The command line's form: one object → one result; a list → a list of results (a refused item stops the
    list with every issue, each naming its row)."""
    if isinstance(payload, list):
        inputs = []
        issues: list[Issue] = []
        for row, obj in enumerate(payload):
            try:
                inputs.append(accrual_input(obj, row))
            except ValidationFailed as exc:
                issues.extend(exc.issues)
        if issues:
            raise ValidationFailed(issues)
        results = []
        for row, one in enumerate(inputs):
            try:
                results.append(result_json(accrue(one, laws)))
            except ValidationFailed as exc:
                raise ValidationFailed([Issue(f"[{row}].{i.field}", i.message, i.code, row) for i in exc.issues])
            except DomainError as exc:
                raise DomainError(f"[{row}]: {exc.message}", code=exc.code) from None
        return results
    return result_json(accrue(accrual_input(payload), laws))


def _hours_or_none(value: Decimal | None) -> str | None:
    return show(value) if value else None


def policies_json(laws: Mapping[str, dict] | None = None) -> list[dict]:
    """Every jurisdiction and version with its dates, tiers, figures and sources (for `backoffice leave policies`)."""
    return [{
        "jurisdiction": law.jurisdiction, "name": law.name, "kind": law.kind, "state": law.state,
        "version": law.version, "effective_from": law.effective_from.isoformat(),
        "effective_to": law.effective_to.isoformat() if law.effective_to else None,
        "tier": law.tier, "min_employees": law.min_employees, "max_employees": law.max_employees,
        "paid": law.paid, "accrual": law.rate_text(), "usable_after_days": law.usable_after_days,
        "annual_accrual_cap": _hours_or_none(law.annual_accrual_cap),
        "annual_usage_cap": _hours_or_none(law.annual_usage_cap),
        "balance_cap": _hours_or_none(law.balance_cap), "carryover_cap": _hours_or_none(law.carryover_cap),
        "front_load_hours": _hours_or_none(law.front_load_hours),
        "cap_days": dict(law.cap_days), "accrual_after_hours": _hours_or_none(law.accrual_after_hours),
        "eligibility": ({"days_worked": law.eligibility_days,
                         "hours_worked": _hours_or_none(law.eligibility_hours),
                         "within_days": law.eligibility_within_days, "window": law.eligibility_window}
                        if law.eligibility_days is not None or law.eligibility_hours is not None else None),
        "documentation_after_workdays": law.documentation_after_days,
        "documentation_forbidden": law.documentation_forbidden,
        "min_increment_max": _hours_or_none(law.min_increment_max),
        "paid_at_separation": law.paid_at_separation, "rehire_window_months": law.rehire_window_months,
        "rehire_window_days": law.rehire_window_days, "supersedes": list(law.supersedes),
        "confidence": law.confidence, "uncertain": dict(law.uncertain), "sources": dict(law.sources),
        "urls": list(law.urls), "basis": law.basis,
    } for law in every_law(laws)]
