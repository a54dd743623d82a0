"""Server-side sign-in sessions: one row per signed-in browser, checked on every request, ended on sign-out,
password change, deactivation or by an admin, and after an idle or an absolute timeout."""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Callable

import sqlalchemy as sa
from flask import current_app, g, has_request_context, request

from backoffice.extensions import db
from backoffice.security.access import remember_role_rules, role_rules_column
from backoffice.security.models import User, UserSession
from backoffice.uow import transaction

SEEN_EVERY = timedelta(minutes=1)  # last_seen_at is written at most once a minute per session


def _limits() -> tuple[timedelta, timedelta]:
    config = current_app.config
    return timedelta(minutes=int(config["SESSION_IDLE_MINUTES"])), timedelta(hours=int(config["SESSION_MAX_HOURS"]))


@transaction()
def start_session(user: User, now: datetime) -> str:
    """A new session for `user`; returns the random id the cookie carries (only its hash is stored)."""
    sid = secrets.token_urlsafe(32)
    ip = (request.remote_addr or "")[:64] if has_request_context() else ""
    agent = (request.user_agent.string or "")[:200] if has_request_context() else ""
    db.session.add(UserSession(user_id=user.id, token_hash=UserSession.hash(sid), created_at=now,
                               last_seen_at=now, ip=ip, user_agent=agent))
    return sid


_STATEMENT: list = []
# name -> function(User entity) -> a scalar subquery correlated to the user: a figure every signed-in page shows
# (the portal's unread notifications), read in the session's statement instead of one statement of its own
_SESSION_COLUMNS: dict[str, Callable] = {}


def add_session_column(name: str, column_of) -> None:
    """Read `column_of(User)` with the session on every signed-in request; session_value(name) gives it."""
    if _SESSION_COLUMNS.get(name) is not column_of:
        _SESSION_COLUMNS[name] = column_of
        _STATEMENT.clear()


def session_value(name: str):
    """A value add_session_column asked for, as this request's session statement read it (None outside one)."""
    return g.get("_session_values", {}).get(name) if has_request_context() else None


def _session_statement() -> sa.Select:
    """The session, its user, the role's permission rules and the session columns by the token's hash: built
    once (a Select is immutable; building this one cost about as much CPU as running it)."""
    if not _STATEMENT:
        extra = [fn(User).label(name) for name, fn in sorted(_SESSION_COLUMNS.items())]
        _STATEMENT.append(sa.select(UserSession, role_rules_column(User.role), *extra).join(UserSession.user)
                          .options(sa.orm.contains_eager(UserSession.user))
                          .where(UserSession.token_hash == sa.bindparam("token_hash")))
    return _STATEMENT[0]


def user_for_session(sid: str | None, user_id: int, now: datetime) -> User | None:
    """The user of a live session, or None (unknown, ended, timed out, or the account is inactive)."""
    if not sid:
        return None
    # the user and their role's permission matrix in the same statement: this runs first thing in every signed-in
    # request, and every page then asks can() (issue 18 point 5: one statement, not two)
    found = db.session.execute(_session_statement(), {"token_hash": UserSession.hash(sid)}).one_or_none()
    if found is None:
        return None
    row, rules, *values = found
    if row.revoked_at is not None or row.user_id != user_id:
        return None
    remember_role_rules(row.user.role, rules)
    if has_request_context():
        g._session_values = dict(zip(sorted(_SESSION_COLUMNS), values))
    idle, longest = _limits()
    if now - row.last_seen_at > idle or now - row.created_at > longest:
        with transaction():
            row.revoked_at = now
        return None
    if not row.user.active:
        return None
    if now - row.last_seen_at >= SEEN_EVERY:
        with transaction():  # runs first thing in the request (auth's before_request), before any view writes
            row.last_seen_at = now
    return row.user


@transaction()
def end_session(sid: str | None, now: datetime) -> None:
    if sid:
        db.session.execute(sa.update(UserSession).where(UserSession.token_hash == UserSession.hash(sid),
                                                        UserSession.revoked_at.is_(None)).values(revoked_at=now))


@transaction()
def end_user_sessions(user_id: int, now: datetime) -> int:
    """End every session of a user (password changed, deactivated, or an admin said so); how many were open."""
    result = db.session.execute(sa.update(UserSession).where(UserSession.user_id == user_id,
                                                             UserSession.revoked_at.is_(None))
                                .values(revoked_at=now))
    return result.rowcount or 0
