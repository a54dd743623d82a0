"""A tiny condition language for rule sets (data, never code): checked when loaded, evaluated against answers."""
from __future__ import annotations

from typing import Any, Mapping

from backoffice.classification.engine.questionnaire import CRITERIA_MAPS, Answers, allowed_values, known_field

# The whole language:
#   {"field": "group.name", "in": [value, ...]}           the answer is one of the values
#   {"field": "state_specific.<map>", "all_true": [key]}  every listed criterion answered true
#   {"field": "state_specific.<map>", "any_false": true}  at least one criterion answered false
#   {"field": "state_specific.<map>.<key>", "is": bool}   one criterion answered exactly true/false
#   {"all": [cond, ...]}, {"any": [cond, ...]}, {"not": cond}, {"always": true}
_FIELD_OPS = ("in", "all_true", "any_false", "is")


def check(cond: Any, where: str) -> list[str]:
    """Every structural problem in a condition (unknown field, value or operator), as readable strings."""
    if not isinstance(cond, Mapping):
        return [f"{where}: a condition must be an object"]
    keys = set(cond)
    if keys == {"always"}:
        return [] if cond["always"] is True else [f"{where}: 'always' must be true"]
    if keys in ({"all"}, {"any"}):
        op = next(iter(keys))
        items = cond[op]
        if not isinstance(items, list) or not items:
            return [f"{where}.{op}: must be a non-empty list"]
        return [p for i, c in enumerate(items) for p in check(c, f"{where}.{op}[{i}]")]
    if keys == {"not"}:
        return check(cond["not"], f"{where}.not")
    ops = keys - {"field"}
    if "field" not in keys or len(ops) != 1 or not ops <= set(_FIELD_OPS):
        return [f"{where}: expected 'field' with one of {_FIELD_OPS}, or all/any/not/always; got {sorted(keys)}"]
    path, op = cond["field"], ops.pop()
    if not isinstance(path, str) or not known_field(path):
        return [f"{where}: unknown field {path!r}"]
    parts = path.split(".")
    if op == "in":
        allowed = allowed_values(path)
        if allowed is None or not isinstance(cond["in"], list):
            return [f"{where}: 'in' needs an enumerated field and a list"]
        return [f"{where}: {v!r} is not a value of {path}" for v in cond["in"] if v not in allowed]
    if op in ("all_true", "any_false"):
        if len(parts) != 2 or parts[1] not in CRITERIA_MAPS:
            return [f"{where}: {op} needs a criteria map"]
        if op == "any_false":
            return [] if cond[op] is True else [f"{where}: any_false must be true"]
        return [f"{where}: {k!r} is not a criterion of {parts[1]}" for k in cond[op]
                if k not in CRITERIA_MAPS[parts[1]]]
    if len(parts) != 3 or not isinstance(cond["is"], bool):
        return [f"{where}: 'is' needs a single criterion and true/false"]
    return []


def holds(cond: Mapping[str, Any], answers: Answers) -> bool:
    """Whether the condition is true for these answers (the condition was checked when loaded)."""
    if "always" in cond:
        return True
    if "all" in cond:
        return all(holds(c, answers) for c in cond["all"])
    if "any" in cond:
        return any(holds(c, answers) for c in cond["any"])
    if "not" in cond:
        return not holds(cond["not"], answers)
    value = answers.get(cond["field"])
    if "in" in cond:
        return value in cond["in"]
    if "all_true" in cond:
        return all(value.get(k) is True for k in cond["all_true"])
    if "any_false" in cond:
        return any(v is False for v in value.values())
    return value is cond["is"]


def fields_of(cond: Mapping[str, Any]) -> list[str]:
    """The answer paths a condition reads, in order, without repeats."""
    out: list[str] = []

    def walk(c: Mapping[str, Any]) -> None:
        if "field" in c and c["field"] not in out:
            out.append(c["field"])
        for op in ("all", "any"):
            for sub in c.get(op, ()):
                walk(sub)
        if "not" in c:
            walk(c["not"])

    walk(cond)
    return out
