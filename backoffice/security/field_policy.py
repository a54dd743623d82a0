"""Which fields each role may read and write through each surface (api, portal, admin): field_policy.csv, data.

The permission matrix (permissions.csv) says whether a role may read or write a kind of record at all and row
scopes say which rows; this policy says which of a record's fields. A row grants `read` or `write` (write
includes read) of one field, or of every field ("*"), of one model or every model ("*"), on one surface or all
of them ("*"). A role with no row for a model reads and writes none of its fields where the policy is asked:
the worker, engagement and client records on the admin, the API and the portal profile (see
docs/security.d/access.md)."""
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


def readable_fields(role: str, surface: str, model: str) -> frozenset[str]:
    """The fields `role` may read of `model` on `surface` ("*" in the set: every field)."""
    return frozenset(_grants(role, surface, model))


def writable_fields(role: str, surface: str, model: str) -> frozenset[str]:
    """The fields `role` may write of `model` on `surface` ("*" in the set: every field)."""
    return frozenset(f for f, access in _grants(role, surface, model).items() if access == "write")


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
