"""User and API-token services."""
from __future__ import annotations

import sqlalchemy as sa

from backoffice import validation as v
from backoffice.errors import Issue, NotFound, raise_if
from backoffice.extensions import db
from backoffice.security.models import ROLES, ApiToken, User
from backoffice.uow import transaction

MIN_PASSWORD = 10


def _clean(email, role, password, worker_id, client_id, current: User | None, issues: list[Issue]):
    out = {}
    if email is not None or current is None:
        out["email"] = v.email("email", email, issues)
        if out["email"]:
            q = sa.select(User.id).where(User.email == out["email"])
            if current is not None:
                q = q.where(User.id != current.id)
            if db.session.execute(q).first():
                issues.append(Issue("email", "is already used by another user", "duplicate"))
    if role is not None or current is None:
        out["role"] = v.choice("role", role, ROLES, issues)
    if password is not None:
        if len(password) < MIN_PASSWORD:
            issues.append(Issue("password", f"must be at least {MIN_PASSWORD} characters", "too_short"))
    role_final = out.get("role") or (current.role if current else None)
    if role_final == "worker" and not (worker_id or (current and current.worker_id)):
        issues.append(Issue("worker_id", "is required for a worker account", "required"))
    if role_final == "client_approver" and not (client_id or (current and current.client_id)):
        issues.append(Issue("client_id", "is required for a client approver account", "required"))
    return out


@transaction()
def create_user(email: str, role: str, password: str | None = None, name: str = "", active: bool = True,
                worker_id: int | None = None, client_id: int | None = None) -> User:
    issues: list[Issue] = []
    out = _clean(email, role, password, worker_id, client_id, None, issues)
    raise_if(issues)
    user = User(email=out["email"], role=out["role"], name=name, active=active, worker_id=worker_id,
                client_id=client_id)
    if password:
        user.set_password(password)
    db.session.add(user)
    return user


@transaction()
def update_user(user_id: int, email: str | None = None, role: str | None = None, password: str | None = None,
                name: str | None = None, active: bool | None = None, worker_id: int | None = None,
                client_id: int | None = None) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(f"user {user_id} not found")
    issues: list[Issue] = []
    out = _clean(email, role, password, worker_id, client_id, user, issues)
    raise_if(issues)
    for k, val in out.items():
        setattr(user, k, val)
    if name is not None:
        user.name = name
    if active is not None:
        user.active = bool(active)
    user.worker_id = worker_id if worker_id is not None else user.worker_id
    user.client_id = client_id if client_id is not None else user.client_id
    if password:
        user.set_password(password)
        user.failed_logins = 0
        user.locked_until = None
    return user


@transaction()
def issue_api_token(user: User, name: str = "") -> str:
    """Create a token for `user` and return it in clear text (shown once; only its hash is stored)."""
    row, token = ApiToken.issue(user, name=name)
    db.session.add(row)
    return token
