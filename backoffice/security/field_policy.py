"""Which fields each role may read and write through each surface (api, portal, admin): field_policy.csv, data.

The permission matrix (permissions.csv) says whether a role may read or write a kind of record at all and row
scopes say which rows; this policy says which of a record's fields. A row grants `read` or `write` (write
includes read) of one field, or of every field ("*"), of one model or every model ("*"), on one surface or all
of them ("*"). A role with no row for a model reads and writes none of its fields where the policy is asked:
the worker, engagement and client records on the admin, the API and the portal profile (see
docs/security.md)."""
from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Mapping

from backoffice.errors import Issue, ValidationFailed

FIELD_POLICY_CSV = Path(__file__).with_name("field_policy.csv")
SURFACES = ("api", "portal", "admin")
ACCESS = ("read", "write")
ALL = "*"
NOT_WRITABLE = "you may not change this; ask HR"


@lru_cache(maxsize=4)
def load_field_policy(path: Path = FIELD_POLICY_CSV) -> dict[tuple[str, str, str], dict[str, str]]:
    """(role, surface, model) -> {field: "read" | "write"}, with the "*" surfaces spelled out."""
    policy: dict[tuple[str, str, str], dict[str, str]] = {}
    with open(path, newline="") as fh:
        for n, row in enumerate(csv.DictReader(fh), start=2):
            if row["access"] not in ACCESS or (row["surface"] not in SURFACES and row["surface"] != ALL):
                raise ValueError(f"{path.name} line {n}: access must be read or write, surface one of "
                                 f"{', '.join(SURFACES)} or *")
            for surface in SURFACES if row["surface"] == ALL else (row["surface"],):
                fields = policy.setdefault((row["role"], surface, row["model"]), {})
                if fields.get(row["field"]) != "write":
                    fields[row["field"]] = row["access"]
    return policy


def _grants(role: str, surface: str, model: str) -> dict[str, str]:
    policy = load_field_policy()
    out = dict(policy.get((role, surface, ALL), {}))
    for field, access in policy.get((role, surface, model), {}).items():
        if out.get(field) != "write":
            out[field] = access
    return out


# (role, surface, model) -> (readable, writable), computed once per policy: an admin list page asks may_read a few
# hundred times (columns, sorting, filters, search; issue 18 point 5). Keyed by the loaded policy object, so a
# policy loaded anew (another file, a test's narrowed one) starts afresh.
_FIELDS: dict = {"policy": None}


def _fields(role: str, surface: str, model: str) -> tuple[frozenset[str], frozenset[str]]:
    policy = load_field_policy()
    if _FIELDS["policy"] is not policy:
        _FIELDS.clear()
        _FIELDS["policy"] = policy
    key = (role, surface, model)
    found = _FIELDS.get(key)
    if found is None:
        grants = _grants(role, surface, model)
        found = _FIELDS[key] = (frozenset(grants), frozenset(f for f, access in grants.items() if access == "write"))
    return found


def readable_fields(role: str, surface: str, model: str) -> frozenset[str]:
    """The fields `role` may read of `model` on `surface` ("*" in the set: every field)."""
    return _fields(role, surface, model)[0]


def writable_fields(role: str, surface: str, model: str) -> frozenset[str]:
    """The fields `role` may write of `model` on `surface` ("*" in the set: every field)."""
    return _fields(role, surface, model)[1]


def may_read(user, surface: str, model: str, field: str) -> bool:
    fields = readable_fields(getattr(user, "role", ""), surface, model)
    return ALL in fields or field in fields


def may_write(user, surface: str, model: str, field: str) -> bool:
    fields = writable_fields(getattr(user, "role", ""), surface, model)
    return ALL in fields or field in fields


def require_writable(user, surface: str, model: str, data: Mapping | Iterable[str]) -> None:
    """Refuse a change that names any field the user may not write, each named (never silently dropped)."""
    issues = [Issue(field, NOT_WRITABLE, "not_writable") for field in data
              if not may_write(user, surface, model, field)]
    if issues:
        raise ValidationFailed(issues)


class Visible:
    """A record seen through the policy: reading a field the user may not read is an AttributeError, which
    serializers (marshmallow) take as "no such field" and leave out."""

    __slots__ = ("_record", "_user", "_surface", "_model")

    def __init__(self, record, user, surface: str, model: str):
        self._record, self._user, self._surface, self._model = record, user, surface, model

    def __getattr__(self, name: str):
        if not may_read(self._user, self._surface, self._model, name):
            raise AttributeError(name)
        return getattr(self._record, name)


# ------------------------------------------------------------------ the policy in words (docs/security.md)
DOC_BEGIN = "<!-- field-policy:begin (generated by scripts/field-policy-doc from field_policy.csv; do not edit) -->"
DOC_END = "<!-- field-policy:end -->"


def _listed(fields) -> str:
    return "every field" if ALL in fields else ", ".join(f"`{f}`" for f in sorted(fields))


def policy_markdown() -> str:
    """The worker's self-service fields and the client approver's view, as the markdown the security doc
    carries between DOC_BEGIN and DOC_END (a test keeps the two the same)."""
    policy = load_field_policy()
    lines = ["### The worker's self-service fields", "",
             "What a worker may change on their own record (`worker`), by surface. Any other field sent is refused",
             "with 422 naming it: \"<field>: you may not change this; ask HR\".", "",
             "| field | API (`PATCH /api/v1/workers/<own id>`) | portal (`/portal/profile`) |", "|---|---|---|"]
    api, portal = writable_fields("worker", "api", "worker"), writable_fields("worker", "portal", "worker")
    for field in sorted(api | portal):
        lines.append(f"| `{field}` | {'yes' if field in api else 'no'} | {'yes' if field in portal else 'no'} |")
    lines += ["", "A worker also reads, on their own record: " + _listed(readable_fields("worker", "api", "worker")
                                                                   - writable_fields("worker", "api", "worker"))
              + ".", "", "### The client approver's view", "",
              "What a client approver reads, on every surface (admin pages, filters, searches, exports, API),",
              "for their own client's rows only. Every field not listed is not shown, filtered on, searched or",
              "exported.", "", "| record | fields |", "|---|---|"]
    models = sorted({m for (role, _s, m) in policy if role == "client_approver"})
    for model in models:
        shown = set().union(*(readable_fields("client_approver", s, model) for s in SURFACES))
        only_admin = shown - readable_fields("client_approver", "api", model)
        text = _listed(shown - only_admin)
        if only_admin:
            text += " (admin pages also: " + _listed(only_admin) + ")"
        lines.append(f"| `{model}` | {text} |")
    return "\n".join(lines)


def with_policy_markdown(doc: str) -> str:
    """`doc` with the text between DOC_BEGIN and DOC_END replaced by policy_markdown()."""
    head, rest = doc.split(DOC_BEGIN, 1)
    _old, tail = rest.split(DOC_END, 1)
    return f"{head}{DOC_BEGIN}\n{policy_markdown()}\n{DOC_END}{tail}"
