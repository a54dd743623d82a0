"""User and API-token services."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask import current_app

from backoffice import validation as v
from backoffice.db import utcnow
from backoffice.errors import Issue, NotFound, ValidationFailed, raise_if
from backoffice.extensions import db
from backoffice.security.models import ROLES, ApiToken, User
from backoffice.security.sessions import end_user_sessions
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
    ends_sessions = bool(password) or (active is not None and not active and user.active)
    if active is not None:
        user.active = bool(active)
    user.worker_id = worker_id if worker_id is not None else user.worker_id
    user.client_id = client_id if client_id is not None else user.client_id
    if password:
        user.set_password(password)
        user.failed_logins = 0
        user.locked_until = None
    if ends_sessions:  # a new password or a deactivation signs the person out everywhere
        end_user_sessions(user.id, utcnow())
    return user


MAX_TOKEN_DAYS = 366


@transaction()
def issue_api_token(user: User, name: str = "", ttl_days: int | None = None) -> str:
    """Create a token for `user` and return it in clear text (shown once; only its hash is stored). It expires
    after `ttl_days` (default API_TOKEN_TTL_DAYS, 90; at most a year)."""
    days = int(ttl_days if ttl_days is not None else current_app.config["API_TOKEN_TTL_DAYS"])
    if not 1 <= days <= MAX_TOKEN_DAYS:
        raise ValidationFailed([Issue("ttl_days", f"must be between 1 and {MAX_TOKEN_DAYS} days", "out_of_range")])
    row, token = ApiToken.issue(user, name=name, ttl_days=days, now=utcnow())
    db.session.add(row)
    return token


@transaction()
def revoke_api_token(token_id: int, now: datetime, owner_id: int | None = None) -> ApiToken:
    """Revoke a token (at once: the next request with it is refused). With `owner_id`, only that user's own."""
    row = db.session.get(ApiToken, token_id)
    if row is None or (owner_id is not None and row.user_id != owner_id):
        raise NotFound(f"API token {token_id} not found")
    if row.revoked_at is None:
        row.revoked_at = now
    return row


@transaction()
def revoke_api_tokens_of(user_id: int, now: datetime) -> int:
    """Revoke every live token of a user; how many."""
    result = db.session.execute(sa.update(ApiToken).where(ApiToken.user_id == user_id,
                                                          ApiToken.revoked_at.is_(None)).values(revoked_at=now))
    return result.rowcount or 0
