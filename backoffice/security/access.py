"""The one access check used by admin views, API handlers and the portal: permissions table + row scopes."""
from __future__ import annotations

import csv
from pathlib import Path
from typing import Callable, Mapping

import sqlalchemy as sa
from flask import g, has_request_context
from werkzeug.local import LocalProxy

from backoffice.errors import PermissionDenied
from backoffice.extensions import db
from backoffice.security.models import ACTION_RIGHTS, ACTIONS, Permission
from backoffice.states import allowed

PERMISSIONS_CSV = Path(__file__).with_name("permissions.csv")

# model name -> role -> function(select, user) -> select restricted to the rows that role may see
_SCOPES: dict[str, dict[str, Callable]] = {}

# Roles whose rows are always scoped; a model without a scope for such a role is closed to it (a right in
# ACTION_RIGHTS holds no rows, so no scope applies to it).
SCOPED_ROLES = ("worker", "client_approver")


def register_scope(model: str, role: str):
    def deco(fn):
        _SCOPES.setdefault(model, {})[role] = fn
        return fn
    return deco


def _matrix_for(role: str) -> dict[str, dict[str, bool]]:
    cache = g.setdefault("_perm_cache", {}) if has_request_context() else {}
    if role not in cache:
        # read every request (an edit applies at once, in every process), as plain columns: no ORM objects to
        # build, track and audit for the 40-65 rows of a role (issue 18 point 5: CPU per request)
        rows = db.session.execute(_ROLE_RULES, {"role": role}).all()
        cache[role] = {model: {"read": bool(r), "write": bool(w), "create": bool(c), "delete": bool(d)}
                       for model, r, w, c, d in rows}
    return cache[role]


_ROLE_RULES = (sa.select(Permission.model, Permission.can_read, Permission.can_write, Permission.can_create,
                         Permission.can_delete).where(Permission.role == sa.bindparam("role")))


# The same rules as one string ("model=rwcd,model=r,..."), a column the session's own statement carries: the matrix
# arrives with the signed-in user on every request, without a statement of its own (issue 18 point 5). Model names
# are identifiers (no "=" or ","). Correlated to the enclosing statement's users.role.
def role_rules_column(role_column) -> sa.ScalarSelect:
    r, w, c, d = (sa.case((col, letter), else_="") for col, letter in (
        (Permission.can_read, "r"), (Permission.can_write, "w"), (Permission.can_create, "c"),
        (Permission.can_delete, "d")))
    rule = Permission.model + "=" + r + w + c + d
    return sa.select(sa.func.aggregate_strings(rule, ",")).where(Permission.role == role_column).scalar_subquery()


def remember_role_rules(role: str, text: str | None) -> None:
    """Keep the role's matrix read by role_rules_column for the rest of the request (what _matrix_for would read)."""
    if not has_request_context():
        return
    matrix = {}
    for item in (text or "").split(","):
        if item:
            model, _, letters = item.partition("=")
            matrix[model] = {"read": "r" in letters, "write": "w" in letters, "create": "c" in letters,
                             "delete": "d" in letters}
    g.setdefault("_perm_cache", {})[role] = matrix


def can(user, model: str, action: str) -> bool:
    """May this user perform `action` (read/write/create/delete) on records of `model`, or hold the right named
    `model` (ACTION_RIGHTS, checked with its own column)?"""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    if model in ACTION_RIGHTS and action != ACTION_RIGHTS[model]:
        raise ValueError(f"the right {model!r} is checked with {ACTION_RIGHTS[model]!r}, not {action!r}")
    if isinstance(user, LocalProxy):      # current_user: resolved once, not on each attribute read below (the
        user = user._get_current_object()  # admin's menu asks ~200 times a page; issue 18 point 5)
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    matrix = _matrix_for(user.role)
    rule = matrix.get(model) or matrix.get("*")
    if not rule or not rule[action]:
        return False
    if user.role in SCOPED_ROLES and model not in ACTION_RIGHTS and user.role not in _SCOPES.get(model, {}):
        return False
    return True


def allowed_actions(record, user, rights: Mapping[str, tuple[str, str]]) -> frozenset[str]:
    """The actions the record's state allows (its state machine) that `user` holds the right for; `rights` maps
    each action to the (model, action) its service checks. Pages show their buttons from this."""
    return frozenset(a for a in allowed(record) if a in rights and can(user, *rights[a]))


def require(user, model: str, action: str) -> None:
    if not can(user, model, action):
        raise PermissionDenied(f"{getattr(user, 'role', 'anonymous')} may not {action} {model}")


def scoped(stmt, user, model: str):
    """Restrict a select to the rows the user may see (workers: their own; client approvers: their client's)."""
    fn = _SCOPES.get(model, {}).get(user.role)
    if fn is not None:
        return fn(stmt, user)
    if user.role in SCOPED_ROLES:
        return stmt.where(sa.false())
    return stmt


def load_permissions_csv(path: Path = PERMISSIONS_CSV) -> list[dict]:
    with open(path, newline="") as fh:
        return [
            {"role": r["role"], "model": r["model"], "can_read": r["read"] == "1", "can_write": r["write"] == "1",
             "can_create": r["create"] == "1", "can_delete": r["delete"] == "1"}
            for r in csv.DictReader(fh)
        ]


def sync_permissions(path: Path = PERMISSIONS_CSV) -> int:
    """Load the shipped permission matrix into the table (adds missing rows; never widens edited ones)."""
    existing = {(p.role, p.model) for p in db.session.execute(sa.select(Permission)).scalars()}
    added = 0
    for row in load_permissions_csv(path):
        if (row["role"], row["model"]) not in existing:
            db.session.add(Permission(**row))
            added += 1
    db.session.flush()
    return added
